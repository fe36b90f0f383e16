package mercadopago

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/paykit-go/paykit/internal/transport"

	"github.com/paykit-go/paykit/money"
)

// ThreeDSecureMode is the three_d_secure_mode of a card payment.
// See https://www.mercadopago.com/developers/en/docs/checkout-api/how-tos/integrate-3ds
type ThreeDSecureMode string

// 3-D Secure modes.
const (
	ThreeDSNotSupported ThreeDSecureMode = "not_supported" // no 3-D Secure (the API's default)
	ThreeDSOptional     ThreeDSecureMode = "optional"      // the issuer decides whether to challenge
	ThreeDSMandatory    ThreeDSecureMode = "mandatory"     // always authenticate
)

// Status details of 3-D Secure card payments.
const (
	// DetailPendingChallenge: the payer must pass the issuer's challenge
	// (Payment.Challenge) before the payment can be approved.
	DetailPendingChallenge StatusDetail = "pending_challenge"
	// DetailRejected3DSChallenge: the payer failed or abandoned the challenge.
	DetailRejected3DSChallenge StatusDetail = "cc_rejected_3ds_challenge"
)

// PayerAddress is the payer's address on a payment (Brazilian fields
// included: neighborhood, city, federal_unit).
type PayerAddress struct {
	ZipCode      string `json:"zip_code,omitempty"`
	StreetName   string `json:"street_name,omitempty"`
	StreetNumber string `json:"street_number,omitempty"`
	Neighborhood string `json:"neighborhood,omitempty"`
	City         string `json:"city,omitempty"`
	FederalUnit  string `json:"federal_unit,omitempty"`
}

// Address is a street address in additional_info.
type Address struct {
	ZipCode      string `json:"zip_code,omitempty"`
	StreetName   string `json:"street_name,omitempty"`
	StreetNumber string `json:"street_number,omitempty"`
}

// AdditionalInfo is the additional_info of a payment request: what is
// bought, by whom and where it is sent. Mercado Pago's fraud check reads it;
// the more is filled in, the better the approval rate.
type AdditionalInfo struct {
	// IPAddress is the payer's IP address.
	IPAddress string `json:"ip_address,omitempty"`
	// Items are the goods or services bought.
	Items []AdditionalItem `json:"items,omitempty"`
	// Payer is the buyer as your shop knows them.
	Payer *AdditionalPayer `json:"payer,omitempty"`
	// Shipments is where the goods go.
	Shipments *Shipments `json:"shipments,omitempty"`
}

// AdditionalItem is one line of additional_info.items. Quantity and
// UnitPrice are always sent.
type AdditionalItem struct {
	ID          string `json:"id,omitempty"`
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
	PictureURL  string `json:"picture_url,omitempty"`
	CategoryID  string `json:"category_id,omitempty"`
	// Quantity is how many; at least 1.
	Quantity int `json:"quantity"`
	// UnitPrice is the price of one; not negative.
	UnitPrice money.Decimal `json:"unit_price"`
	// Warranty says whether the item has a warranty; nil leaves it out.
	Warranty *bool `json:"warranty,omitempty"`
	// EventDate is the date of an event ticket.
	EventDate *time.Time `json:"event_date,omitempty"`
}

// AdditionalPayer is additional_info.payer: the buyer's history with your shop.
type AdditionalPayer struct {
	FirstName string   `json:"first_name,omitempty"`
	LastName  string   `json:"last_name,omitempty"`
	Phone     *Phone   `json:"phone,omitempty"`
	Address   *Address `json:"address,omitempty"`
	// RegistrationDate is when the buyer signed up with your shop.
	RegistrationDate *time.Time `json:"registration_date,omitempty"`
	// LastPurchase is the buyer's previous purchase.
	LastPurchase *time.Time `json:"last_purchase,omitempty"`
	// AuthenticationType is how the buyer logged in ("Gmail", "Facebook", "Web Nativa"…).
	AuthenticationType string `json:"authentication_type,omitempty"`
	// IsPrimeUser and IsFirstPurchaseOnline are sent when set (Ptr(false) too).
	IsPrimeUser           *bool `json:"is_prime_user,omitempty"`
	IsFirstPurchaseOnline *bool `json:"is_first_purchase_online,omitempty"`
}

// Shipments is additional_info.shipments: the delivery.
type Shipments struct {
	ReceiverAddress *ReceiverAddress `json:"receiver_address,omitempty"`
	// LocalPickup and ExpressShipment are sent when set (Ptr(false) too).
	LocalPickup     *bool `json:"local_pickup,omitempty"`
	ExpressShipment *bool `json:"express_shipment,omitempty"`
}

// ReceiverAddress is where a shipment goes.
type ReceiverAddress struct {
	ZipCode      string `json:"zip_code,omitempty"`
	StateName    string `json:"state_name,omitempty"`
	CityName     string `json:"city_name,omitempty"`
	StreetName   string `json:"street_name,omitempty"`
	StreetNumber string `json:"street_number,omitempty"`
	Floor        string `json:"floor,omitempty"`
	Apartment    string `json:"apartment,omitempty"`
}

// PaymentAdditionalInfo is additional_info as a payment reports it. The API
// sends item quantities and prices as text ("1", "4000.0").
type PaymentAdditionalInfo struct {
	IPAddress string        `json:"ip_address"`
	Items     []PaymentItem `json:"items"`
	Payer     struct {
		FirstName        string    `json:"first_name"`
		LastName         string    `json:"last_name"`
		Phone            Phone     `json:"phone"`
		Address          Address   `json:"address"`
		RegistrationDate time.Time `json:"registration_date"`
	} `json:"payer"`
	Shipments struct {
		ReceiverAddress ReceiverAddress `json:"receiver_address"`
	} `json:"shipments"`
}

// PaymentItem is one item of a payment's additional_info.
type PaymentItem struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description"`
	PictureURL  string `json:"picture_url"`
	CategoryID  string `json:"category_id"`
	// Quantity is the quantity as sent (text such as "1").
	Quantity  string        `json:"quantity"`
	UnitPrice money.Decimal `json:"unit_price"`
}

// FeeDetail is one fee charged on a payment.
type FeeDetail struct {
	// Type is "mercadopago_fee", "application_fee", "financing_fee"…
	Type string `json:"type"`
	// FeePayer is "collector" (the seller) or "payer".
	FeePayer string        `json:"fee_payer"`
	Amount   money.Decimal `json:"amount"`
}

// ChargeDetail is one entry of charges_details: a charge moved from one
// account to another, and how much of it was refunded.
type ChargeDetail struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Type is "fee", "tax", "coupon"…
	Type     string `json:"type"`
	Accounts struct {
		// From and To are the accounts ("collector", "mp", "payer"…).
		From string `json:"from"`
		To   string `json:"to"`
	} `json:"accounts"`
	ClientID    int64     `json:"client_id"`
	DateCreated time.Time `json:"date_created"`
	LastUpdated time.Time `json:"last_updated"`
	Amounts     struct {
		Original money.Decimal `json:"original"`
		Refunded money.Decimal `json:"refunded"`
	} `json:"amounts"`
	Metadata  map[string]any `json:"metadata"`
	ReserveID string         `json:"reserve_id"`
	// RefundCharges are kept as sent; the documentation gives no shape.
	RefundCharges []map[string]any `json:"refund_charges"`
}

// ThreeDSInfo is the three_ds_info of a card payment waiting for a 3-D
// Secure challenge.
type ThreeDSInfo struct {
	// ExternalResourceURL is the issuer's challenge URL.
	ExternalResourceURL string `json:"external_resource_url"`
	// CReq is the challenge request to POST to it (form field "creq").
	CReq string `json:"creq"`
}

// PaymentOrder is the order a payment belongs to.
type PaymentOrder struct {
	// ID is the merchant order id (text, as the API sends it).
	ID string `json:"id"`
	// Type is "mercadopago" (a merchant order) or "mercadolibre".
	Type string `json:"type"`
}

// Barcode is the barcode of a ticket payment.
type Barcode struct {
	Content string `json:"content"`
}

// POIApplicationData names the application that made a payment.
type POIApplicationData struct {
	Name    string `json:"name,omitempty"`
	Version string `json:"version,omitempty"`
}

// POITransactionData is point_of_interaction.transaction_data: what the
// payer scans or opens (PIX QR code, ticket URL) and bank details.
type POITransactionData struct {
	QRCode               string       `json:"qr_code,omitempty"`
	QRCodeBase64         string       `json:"qr_code_base64,omitempty"`
	TicketURL            string       `json:"ticket_url,omitempty"`
	TransactionID        string       `json:"transaction_id,omitempty"`
	BankTransferID       int64        `json:"bank_transfer_id,omitempty"`
	FinancialInstitution string       `json:"financial_institution,omitempty"`
	SubscriptionID       string       `json:"subscription_id,omitempty"`
	BillingDate          string       `json:"billing_date,omitempty"`
	FirstTimeUse         bool         `json:"first_time_use,omitempty"`
	BankInfo             *POIBankInfo `json:"bank_info,omitempty"`
}

// POIBankInfo are the accounts of a bank transfer. Account ids arrive as
// numbers or strings, some beyond int64 (Pix account ids): they are kept as
// their exact digits.
type POIBankInfo struct {
	Payer struct {
		Email     string     `json:"email,omitempty"`
		LongName  string     `json:"long_name,omitempty"`
		AccountID NumberText `json:"account_id,omitempty"`
		// ID is the payer's bank id (the ISPB in Brazil).
		ID NumberText `json:"id,omitempty"`
		// ExternalAccountID is the payer's account at their bank.
		ExternalAccountID NumberText `json:"external_account_id,omitempty"`
	} `json:"payer"`
	Collector struct {
		LongName  string     `json:"long_name,omitempty"`
		AccountID NumberText `json:"account_id,omitempty"`
		// TransferAccountID is the seller's account the transfer went to.
		TransferAccountID NumberText `json:"transfer_account_id,omitempty"`
	} `json:"collector"`
	IsSameBankAccountOwner bool `json:"is_same_bank_account_owner,omitempty"`
}

// POIBusinessInfo is the business unit that took the payment.
type POIBusinessInfo struct {
	Unit    string `json:"unit,omitempty"`
	SubUnit string `json:"sub_unit,omitempty"`
	Branch  string `json:"branch,omitempty"`
}

// NumberText is an id the API sends as a JSON number or a string, kept as
// its exact text ("12345678901234567890" does not fit an int64 and must not
// pass through a float). null and "" decode as "".
type NumberText string

// UnmarshalJSON reads a JSON number or string as it was written.
func (n *NumberText) UnmarshalJSON(b []byte) error {
	switch {
	case string(b) == "null":
		*n = ""
		return nil
	case len(b) > 0 && b[0] == '"':
		s, err := transport.UnquoteJSON(b)
		if err != nil {
			return err
		}
		*n = NumberText(s)
		return nil
	}
	var num json.Number
	if err := json.Unmarshal(b, &num); err != nil {
		return err
	}
	*n = NumberText(num)
	return nil
}

// Int64 returns the id as an int64, and false when it is not a whole
// number in int64's range.
func (n NumberText) Int64() (int64, bool) {
	v, err := strconv.ParseInt(string(n), 10, 64)
	return v, err == nil
}
