package mercadopago

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/transport"
	"github.com/paykit-go/paykit/money"
)

// PaymentStatus is a payment's state. Values Mercado Pago adds later decode
// as they are; compare with the constants.
// See https://www.mercadopago.com/developers/en/reference/payments/_payments_id/get
type PaymentStatus string

// Payment statuses.
const (
	StatusPending     PaymentStatus = "pending"      // waiting for the payer (Fintoc, cash) or for a review
	StatusApproved    PaymentStatus = "approved"     // paid and credited
	StatusAuthorized  PaymentStatus = "authorized"   // authorized, waiting for Capture
	StatusInProcess   PaymentStatus = "in_process"   // under review
	StatusInMediation PaymentStatus = "in_mediation" // the payer opened a dispute
	StatusRejected    PaymentStatus = "rejected"     // refused; the payer may try again
	StatusCancelled   PaymentStatus = "cancelled"    // cancelled or expired
	StatusRefunded    PaymentStatus = "refunded"     // refunded in full
	StatusChargedBack PaymentStatus = "charged_back" // charged back on the payer's card
)

// StatusDetail says why a payment is in its status.
type StatusDetail string

// Common status details.
const (
	DetailAccredited                StatusDetail = "accredited"
	DetailPendingContingency        StatusDetail = "pending_contingency"
	DetailPendingReviewManual       StatusDetail = "pending_review_manual"
	DetailPendingWaitingTransfer    StatusDetail = "pending_waiting_transfer"
	DetailPendingCapture            StatusDetail = "pending_capture"
	DetailPartiallyRefunded         StatusDetail = "partially_refunded"
	DetailRefunded                  StatusDetail = "refunded"
	DetailByCollector               StatusDetail = "by_collector"
	DetailExpired                   StatusDetail = "expired"
	DetailRejectedOtherReason       StatusDetail = "cc_rejected_other_reason"
	DetailRejectedInsufficientFunds StatusDetail = "cc_rejected_insufficient_amount"
	DetailRejectedBadSecurityCode   StatusDetail = "cc_rejected_bad_filled_security_code"
	DetailRejectedBadDate           StatusDetail = "cc_rejected_bad_filled_date"
	DetailRejectedBadOther          StatusDetail = "cc_rejected_bad_filled_other"
	DetailRejectedCallForAuthorize  StatusDetail = "cc_rejected_call_for_authorize"
)

// Payer types for PaymentPayer.Type.
const (
	PayerCustomer = "customer" // a saved customer: set ID
	PayerGuest    = "guest"    // a one-off payer: set Email
)

// PaymentRequest is the body of POST /v1/payments: the fields a merchant
// sets. Optional values whose zero means something (0 installments, a fee of
// 0, binary mode off) are pointers, so a zero set on purpose is still sent;
// Metadata carries anything of your own.
// See https://www.mercadopago.com/developers/en/reference/payments/_payments/post
type PaymentRequest struct {
	// TransactionAmount is what the payer pays, in the account's currency. Required, > 0.
	TransactionAmount money.Decimal `json:"transaction_amount"`
	// Token is the one-use card token MercadoPago.js made in the browser
	// (for a saved card: from the card id and the CVV). Required for cards.
	Token string `json:"token,omitempty"`
	// Installments is the number of installments; nil leaves it out, Ptr(0)
	// sends 0. Card payments need one (usually 1).
	Installments *int `json:"installments,omitempty"`
	// PaymentMethodID is "visa", "master", "fintoc"…; for cards the API can
	// infer it from the token.
	PaymentMethodID string `json:"payment_method_id,omitempty"`
	// IssuerID is the card issuer, when the payer chose one.
	IssuerID string `json:"issuer_id,omitempty"`
	// Description is shown to the payer.
	Description string `json:"description,omitempty"`
	// StatementDescriptor is what the card statement shows.
	StatementDescriptor string `json:"statement_descriptor,omitempty"`
	// ExternalReference is your id for the payment (the order id); search by it.
	ExternalReference string `json:"external_reference,omitempty"`
	// CallbackURL is where the payer's browser is sent at the end (Fintoc, 3-D Secure).
	CallbackURL string `json:"callback_url,omitempty"`
	// NotificationURL receives webhook notifications for this payment.
	NotificationURL string `json:"notification_url,omitempty"`
	// Payer identifies who pays. Required.
	Payer *PaymentPayer `json:"payer,omitempty"`
	// PointOfInteraction selects special flows (Fintoc: CHECKOUT / INTER_PSP).
	PointOfInteraction *PointOfInteraction `json:"point_of_interaction,omitempty"`
	// Capture false authorizes only (capture later with Payments.Capture);
	// nil leaves it out (the API captures at once). Ptr(false) is sent.
	Capture *bool `json:"capture,omitempty"`
	// BinaryMode true makes the payment end approved or rejected, never pending.
	BinaryMode *bool `json:"binary_mode,omitempty"`
	// Metadata is returned as it was sent.
	Metadata map[string]any `json:"metadata,omitempty"`
	// AdditionalInfo describes the purchase (items, buyer, shipping); the
	// documentation recommends it because it raises approval rates.
	AdditionalInfo *AdditionalInfo `json:"additional_info,omitempty"`
	// ThreeDSecureMode asks for 3-D Secure on a card payment: ThreeDSOptional
	// or ThreeDSMandatory; empty leaves it out (the API's "not_supported").
	ThreeDSecureMode ThreeDSecureMode `json:"three_d_secure_mode,omitempty"`
	// DateOfExpiration is when a pending payment (cash, bank transfer) expires.
	DateOfExpiration *time.Time `json:"date_of_expiration,omitempty"`
	// ApplicationFee is the marketplace's commission, taken from the seller's
	// amount (OAuth marketplaces); Ptr(money.FromInt(0)) sends 0.
	ApplicationFee *money.Decimal `json:"application_fee,omitempty"`
	// SponsorID is the Mercado Pago user id of the platform that integrated
	// the payment (a partner's id, not the seller's).
	SponsorID *int64 `json:"sponsor_id,omitempty"`
	// TransactionDetails carries the payer's bank for PSE.
	TransactionDetails *PaymentTransactionDetails `json:"transaction_details,omitempty"`

	// FinancialInstitutions, when given, are the banks PSE offers (the "pse"
	// method's FinancialInstitutions from PaymentMethods.List): a
	// transaction_details.financial_institution not among them is refused
	// before sending. Without it the client checks against the banks of its
	// last PaymentMethods.List, if any. Never sent.
	FinancialInstitutions []FinancialInstitution `json:"-"`
	// Extra adds members this type does not model to the request body (a
	// field Mercado Pago added after this version of paykit). Rules: keys
	// must be non-empty without control characters and values must encode
	// as JSON. A key paykit does not send is added as it is (after the typed
	// members, keys sorted). A key paykit sends merges only when both sides
	// are JSON objects (the extra value a map[string]any): their members
	// merge by the same rules, level by level, so
	// {"payer": {"authentication_type": "Gmail"}} adds one member to the
	// payer paykit builds. Any other collision (a value paykit set from a
	// typed field) is refused with a ValidationError naming the path
	// ("extra.payer.email"): Extra never overrides paykit and is never
	// overridden. Extra members are not checked beyond that; the API judges
	// them. Never modified.
	Extra map[string]any `json:"-"`
}

// Format prints the request's fields for every verb with the card token
// shown as "[redacted]": it pays once, and a log line is no place for it.
func (r PaymentRequest) Format(f fmt.State, verb rune) {
	type paymentRequest PaymentRequest // the same fields, without this method
	if r.Token != "" {
		r.Token = redacted
	}
	_, _ = fmt.Fprintf(f, fmt.FormatString(f, verb), paymentRequest(r))
}

// PaymentPayer is who pays: a saved customer (Type "customer", ID) or a
// one-off payer (Email), with the document, phone and address that help the
// fraud check.
type PaymentPayer struct {
	Type           string          `json:"type,omitempty"`
	ID             string          `json:"id,omitempty"`
	Email          string          `json:"email,omitempty"`
	FirstName      string          `json:"first_name,omitempty"`
	LastName       string          `json:"last_name,omitempty"`
	Identification *Identification `json:"identification,omitempty"`
	// EntityType is "individual" or "association" (required for some methods in Brazil).
	EntityType string        `json:"entity_type,omitempty"`
	Phone      *Phone        `json:"phone,omitempty"`
	Address    *PayerAddress `json:"address,omitempty"`
}

// Identification is a national id document ("DNI", "CPF", "RUT"…).
type Identification struct {
	Type   string `json:"type,omitempty"`
	Number string `json:"number,omitempty"`
}

// PointOfInteraction names the channel of a payment. In a request only Type,
// SubType and LinkedTo are set; a payment read back fills the rest (the PIX
// QR code and ticket URL, bank details, the application that made it).
type PointOfInteraction struct {
	Type            string              `json:"type,omitempty"`
	SubType         string              `json:"sub_type,omitempty"`
	LinkedTo        string              `json:"linked_to,omitempty"`
	ApplicationData *POIApplicationData `json:"application_data,omitempty"`
	TransactionData *POITransactionData `json:"transaction_data,omitempty"`
	BusinessInfo    *POIBusinessInfo    `json:"business_info,omitempty"`
}

// Payment is a payment as Mercado Pago reports it. Fields that arrived in a
// shape that could not be read are left at zero and named in Unparsed.
type Payment struct {
	ID                        int64               `json:"id"`
	Status                    PaymentStatus       `json:"status"`
	StatusDetail              StatusDetail        `json:"status_detail"`
	TransactionAmount         money.Decimal       `json:"transaction_amount"`
	TransactionAmountRefunded money.Decimal       `json:"transaction_amount_refunded"`
	CurrencyID                string              `json:"currency_id"`
	Description               string              `json:"description"`
	ExternalReference         string              `json:"external_reference"`
	PaymentMethodID           string              `json:"payment_method_id"`
	PaymentTypeID             string              `json:"payment_type_id"`
	IssuerID                  string              `json:"issuer_id"`
	Installments              int                 `json:"installments"`
	Captured                  bool                `json:"captured"`
	LiveMode                  bool                `json:"live_mode"`
	DateCreated               time.Time           `json:"date_created"`
	DateApproved              time.Time           `json:"date_approved"`
	DateLastUpdated           time.Time           `json:"date_last_updated"`
	MoneyReleaseDate          time.Time           `json:"money_release_date"`
	CallbackURL               string              `json:"callback_url"`
	NotificationURL           string              `json:"notification_url"`
	Payer                     PayerInfo           `json:"payer"`
	Card                      *PaymentCard        `json:"card"`
	TransactionDetails        TransactionDetails  `json:"transaction_details"`
	PaymentMethod             *PaymentMethodInfo  `json:"payment_method"`
	PointOfInteraction        *PointOfInteraction `json:"point_of_interaction"`
	Metadata                  map[string]any      `json:"metadata"`
	Refunds                   []Refund            `json:"refunds"`

	// DateOfExpiration is when a pending payment expires (zero when it does not).
	DateOfExpiration time.Time `json:"date_of_expiration"`
	// MoneyReleaseStatus says whether the money is available to the seller
	// ("released", "pending"…).
	MoneyReleaseStatus string `json:"money_release_status"`
	// MoneyReleaseSchema is how the money is released ("payment_in_installments"…).
	MoneyReleaseSchema string `json:"money_release_schema"`
	// CollectorID is the seller's Mercado Pago user id.
	CollectorID int64 `json:"collector_id"`
	// SponsorID is the integrating platform's user id, when one was sent.
	SponsorID int64 `json:"sponsor_id"`
	// OperationType is "regular_payment", "recurring_payment", "money_transfer"…
	OperationType string `json:"operation_type"`
	// ProcessingMode is "aggregator" or "gateway".
	ProcessingMode string `json:"processing_mode"`
	// StatementDescriptor is what the payer's card statement shows.
	StatementDescriptor string `json:"statement_descriptor"`
	// BinaryMode tells whether the payment could only end approved or rejected.
	BinaryMode bool `json:"binary_mode"`
	// AuthorizationCode is the card network's authorization code.
	AuthorizationCode string `json:"authorization_code"`
	// TaxesAmount, ShippingAmount and CouponAmount are parts of the amount.
	TaxesAmount    money.Decimal `json:"taxes_amount"`
	ShippingAmount money.Decimal `json:"shipping_amount"`
	CouponAmount   money.Decimal `json:"coupon_amount"`
	// FeeDetails are the fees charged on the payment and who paid them.
	FeeDetails []FeeDetail `json:"fee_details"`
	// ChargesDetails are the charges (fees, taxes, financing) moved between
	// accounts, with what of each was refunded.
	ChargesDetails []ChargeDetail `json:"charges_details"`
	// ThreeDSInfo holds the 3-D Secure challenge to run when Status is
	// pending and StatusDetail DetailPendingChallenge; see Challenge.
	ThreeDSInfo *ThreeDSInfo `json:"three_ds_info"`
	// AdditionalInfo is the purchase description sent with the payment.
	AdditionalInfo PaymentAdditionalInfo `json:"additional_info"`
	// Order is the merchant order (Checkout Pro) the payment belongs to.
	Order *PaymentOrder `json:"order"`
	// Barcode is a boleto's barcode when the API sends it at the root
	// (it may also come in TransactionDetails.Barcode; NextAction reads both).
	Barcode *Barcode `json:"barcode"`

	// Meta tells how the call that returned this payment went (idempotency key, request id).
	paykit.Meta `json:"-"`
	// Unparsed names the fields that arrived in a shape that could not be read.
	Unparsed []string `json:"-"`
}

// PayerInfo is the payer as a payment reports it.
type PayerInfo struct {
	ID             string         `json:"id"`
	Type           string         `json:"type"`
	Email          string         `json:"email"`
	FirstName      string         `json:"first_name"`
	LastName       string         `json:"last_name"`
	Identification Identification `json:"identification"`
	EntityType     string         `json:"entity_type"`
	Phone          Phone          `json:"phone"`
}

// PaymentCard is the card of a card payment. Masked fields ("***") decode as zero.
type PaymentCard struct {
	ID              string     `json:"id"`
	FirstSixDigits  string     `json:"first_six_digits"`
	LastFourDigits  string     `json:"last_four_digits"`
	ExpirationMonth int        `json:"expiration_month"`
	ExpirationYear  int        `json:"expiration_year"`
	Cardholder      Cardholder `json:"cardholder"`
}

// Cardholder is the name and document printed on a card's owner record.
type Cardholder struct {
	Name           string         `json:"name"`
	Identification Identification `json:"identification"`
}

// TransactionDetails are the amounts settled and, for redirect and cash
// methods, where the payer goes and what they type or scan.
type TransactionDetails struct {
	NetReceivedAmount   money.Decimal `json:"net_received_amount"`
	TotalPaidAmount     money.Decimal `json:"total_paid_amount"`
	InstallmentAmount   money.Decimal `json:"installment_amount"`
	OverpaidAmount      money.Decimal `json:"overpaid_amount"`
	ExternalResourceURL string        `json:"external_resource_url"`
	// FinancialInstitution is the bank of a bank transfer.
	FinancialInstitution string `json:"financial_institution"`
	// PaymentMethodReferenceID is the method's own reference (a ticket number).
	PaymentMethodReferenceID string `json:"payment_method_reference_id"`
	// AcquirerReference is the acquirer's reference for the transaction.
	AcquirerReference string `json:"acquirer_reference"`
	// TransactionID is the network's transaction id.
	TransactionID string `json:"transaction_id"`
	// DigitableLine and VerificationCode belong to a boleto.
	DigitableLine    string `json:"digitable_line"`
	VerificationCode string `json:"verification_code"`
	// PayableDeferralPeriod is how long a ticket stays payable.
	PayableDeferralPeriod string `json:"payable_deferral_period"`
	// BankTransferID is the id of a bank transfer.
	BankTransferID int64 `json:"bank_transfer_id"`
	// Barcode is a ticket's barcode.
	Barcode Barcode `json:"barcode"`
}

// PaymentMethodInfo is the "payment_method" node; for Fintoc its Data holds
// the widget token.
type PaymentMethodInfo struct {
	ID       string            `json:"id"`
	Type     string            `json:"type"`
	Data     PaymentMethodData `json:"data"`
	IssuerID string            `json:"issuer_id"`
}

// PaymentMethodData carries method-specific values.
type PaymentMethodData struct {
	// ExternalReferenceID is the Fintoc widget token ("pi_…_sec_…").
	ExternalReferenceID string `json:"external_reference_id"`
	// ExternalResourceURL is where newer responses put the redirect URL.
	ExternalResourceURL string `json:"external_resource_url"`
	// ReferenceID is the reference a cash or transfer payer quotes (OXXO,
	// Paycash, SPEI, Efecty).
	ReferenceID string `json:"reference_id"`
	// QRCode is a QR payload some methods send here instead of in
	// point_of_interaction.
	QRCode string `json:"qr_code"`
}

// Terminal reports whether the status will not change by itself any more
// (approved can still be refunded or charged back).
func (s PaymentStatus) Terminal() bool {
	switch s {
	case StatusApproved, StatusRejected, StatusCancelled, StatusRefunded, StatusChargedBack:
		return true
	}
	return false
}

// PaymentsService is c.Payments.
type PaymentsService struct{ c *Client }

// Create makes a payment (POST /v1/payments) with an X-Idempotency-Key (a
// generated UUID unless WithIdempotencyKey gives one); the same key is sent
// on every retry, so a lost answer never pays twice. The key is in the
// result's Meta. req is not modified.
// See https://www.mercadopago.com/developers/en/reference/payments/_payments/post
func (s *PaymentsService) Create(ctx context.Context, req *PaymentRequest, opts ...paykit.RequestOption) (*Payment, error) {
	if err := validatePayment(req); err != nil {
		return nil, err
	}
	if err := s.c.validateMethod(req); err != nil {
		return nil, err
	}
	body, err := withExtra(req, req.Extra)
	if err != nil {
		return nil, err
	}
	return transport.Call[Payment](ctx, s.c.t, &transport.Request{Op: transport.Op{Name: "mercadopago.Payments.Create", Route: "/v1/payments"}, Method: http.MethodPost, Path: "/v1/payments", JSON: body}, opts)
}

func validatePayment(req *PaymentRequest) error {
	if req == nil {
		return invalid("payment", "must not be nil")
	}
	if !req.TransactionAmount.IsPositive() {
		return invalid("transaction_amount", "must be greater than zero")
	}
	if req.Token == "" && req.PaymentMethodID == "" {
		return invalid("token", "must be set for a card payment (or set payment_method_id for another method)")
	}
	if req.Installments != nil && *req.Installments < 0 {
		return invalid("installments", "must not be negative")
	}
	if req.Payer == nil {
		return invalid("payer", "must be set")
	}
	switch {
	case req.Payer.Type == PayerCustomer:
		if strings.TrimSpace(req.Payer.ID) == "" {
			return invalid("payer.id", "must be the customer id when payer.type is \"customer\"")
		}
		if req.Payer.Email != "" && !validEmail(req.Payer.Email) {
			return invalid("payer.email", "must be a valid email address")
		}
	default:
		if !validEmail(req.Payer.Email) {
			return invalid("payer.email", "must be a valid email address")
		}
	}
	return validatePaymentExtras(req)
}

// validatePaymentExtras checks the optional parts of a payment request.
func validatePaymentExtras(req *PaymentRequest) error {
	switch req.ThreeDSecureMode {
	case "", ThreeDSNotSupported:
	case ThreeDSOptional, ThreeDSMandatory:
		if req.Token == "" {
			return invalid("three_d_secure_mode", "applies to card payments: set token")
		}
	default:
		return invalid("three_d_secure_mode", "must be not_supported, optional or mandatory")
	}
	if req.ApplicationFee != nil {
		if req.ApplicationFee.Sign() < 0 {
			return invalid("application_fee", "must not be negative")
		}
		if req.ApplicationFee.Cmp(req.TransactionAmount) > 0 {
			return invalid("application_fee", "must not exceed transaction_amount")
		}
	}
	if req.SponsorID != nil && *req.SponsorID <= 0 {
		return invalid("sponsor_id", "must be a positive Mercado Pago user id")
	}
	if req.DateOfExpiration != nil && req.DateOfExpiration.IsZero() {
		return invalid("date_of_expiration", "must be a time when given")
	}
	if ai := req.AdditionalInfo; ai != nil {
		for i, it := range ai.Items {
			field := "additional_info.items[" + strconv.Itoa(i) + "]"
			if it.Quantity < 1 {
				return invalid(field+".quantity", "must be at least 1")
			}
			if it.UnitPrice.Sign() < 0 {
				return invalid(field+".unit_price", "must not be negative")
			}
		}
	}
	return nil
}

// validEmail accepts a bare address (no display name), as the API does.
func validEmail(s string) bool {
	if s == "" || len(s) > 254 || strings.ContainsAny(s, " <>\r\n") {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndexByte(s, '@'):], ".")
}

// Get reads a payment (GET /v1/payments/{id}).
// See https://www.mercadopago.com/developers/en/reference/payments/_payments_id/get
func (s *PaymentsService) Get(ctx context.Context, id int64, opts ...paykit.RequestOption) (*Payment, error) {
	if id <= 0 {
		return nil, invalid("id", "must be a positive payment id")
	}
	return transport.Call[Payment](ctx, s.c.t, &transport.Request{Op: transport.Op{Name: "mercadopago.Payments.Get", Route: "/v1/payments/{id}"}, Method: http.MethodGet, Path: paymentPath(id)}, opts)
}

// paymentPath is /v1/payments/{id}[/more…]. The id is a number and the
// callers' further segments are fixed words or numbers, none of which
// needs escaping.
func paymentPath(id int64, more ...string) string {
	p := "/v1/payments/" + strconv.FormatInt(id, 10)
	for _, m := range more {
		p += "/" + m
	}
	return p
}

// Cancel cancels a payment that is pending, in process or authorized
// (PUT /v1/payments/{id} {"status":"cancelled"}). Other states answer with
// cause 2063 (IsInvalidStateForAction). An approved payment is refunded, not
// cancelled.
// See https://www.mercadopago.com/developers/en/reference/payments/_payments_id/put
func (s *PaymentsService) Cancel(ctx context.Context, id int64, opts ...paykit.RequestOption) (*Payment, error) {
	return s.update(ctx, transport.Op{Name: "mercadopago.Payments.Cancel", Route: "/v1/payments/{id}"}, id, map[string]any{"status": StatusCancelled}, opts)
}

// Capture captures an authorized payment (one created with Capture:
// Ptr(false)): PUT /v1/payments/{id} {"capture":true}. A nil amount captures
// the whole authorized amount; a smaller positive amount captures part of it.
// See https://www.mercadopago.com/developers/en/docs/checkout-api/payment-management/capture-authorized-payment
func (s *PaymentsService) Capture(ctx context.Context, id int64, amount *money.Decimal, opts ...paykit.RequestOption) (*Payment, error) {
	body := captureBody{Capture: true}
	if amount != nil {
		if !amount.IsPositive() {
			return nil, invalid("transaction_amount", "must be greater than zero when given")
		}
		body.Amount = amount
	}
	return s.update(ctx, transport.Op{Name: "mercadopago.Payments.Capture", Route: "/v1/payments/{id}"}, id, body, opts)
}

type captureBody struct {
	Capture bool           `json:"capture"`
	Amount  *money.Decimal `json:"transaction_amount,omitempty"`
}

func (s *PaymentsService) update(ctx context.Context, op transport.Op, id int64, body any, opts []paykit.RequestOption) (*Payment, error) {
	if id <= 0 {
		return nil, invalid("id", "must be a positive payment id")
	}
	return transport.Call[Payment](ctx, s.c.t, &transport.Request{Op: op, Method: http.MethodPut, Path: paymentPath(id), JSON: body}, opts)
}

// PaymentSearch filters GET /v1/payments/search. Mercado Pago searches the
// last 12 months only.
// See https://www.mercadopago.com/developers/en/reference/payments/_payments_search/get
type PaymentSearch struct {
	// Sort is the field to sort by ("date_created", "date_approved", "date_last_updated").
	Sort string `url:"sort,omitempty"`
	// Criteria is "asc" or "desc".
	Criteria string `url:"criteria,omitempty"`
	// ExternalReference finds the payments of one order.
	ExternalReference string `url:"external_reference,omitempty"`
	// Status keeps one status only.
	Status PaymentStatus `url:"status,omitempty"`
	// Range is the date field BeginDate/EndDate apply to ("date_created"…).
	Range string `url:"range,omitempty"`
	// BeginDate and EndDate bound Range, e.g. "NOW-30DAYS", "NOW" or an RFC 3339 time.
	BeginDate string `url:"begin_date,omitempty"`
	EndDate   string `url:"end_date,omitempty"`
	// Limit is the page size (the API's default is 30); Offset the first result.
	Limit  int `url:"limit,omitempty"`
	Offset int `url:"offset,omitempty"`
}

// Paging is the "paging" node of a search answer.
type Paging struct {
	Total  int `json:"total"`
	Limit  int `json:"limit"`
	Offset int `json:"offset"`
}

// PaymentPage is one page of a payment search.
type PaymentPage struct {
	Paging      Paging    `json:"paging"`
	Results     []Payment `json:"results"`
	paykit.Meta `json:"-"`
}

// SearchPage fetches one page of a payment search.
func (s *PaymentsService) SearchPage(ctx context.Context, q *PaymentSearch, opts ...paykit.RequestOption) (*PaymentPage, error) {
	return fetchPage[PaymentPage](ctx, s.c, transport.Op{Name: "mercadopago.Payments.SearchPage", Route: "/v1/payments/search"}, q, opts)
}

// Search walks every payment matching q, fetching pages as it goes; stop
// ranging to stop fetching. An error is yielded once and ends the walk.
func (s *PaymentsService) Search(ctx context.Context, q *PaymentSearch, opts ...paykit.RequestOption) iter.Seq2[*Payment, error] {
	return search[Payment](ctx, q, s.SearchPage, opts)
}
