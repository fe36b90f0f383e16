package mercadopago

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/transport"
	"github.com/paykit-go/paykit/money"
)

// PaymentMethod is one payment method the account accepts, with what a card
// form needs to check a card number before tokenizing it.
// See https://www.mercadopago.com/developers/en/reference/payment_methods/_payment_methods/get
type PaymentMethod struct {
	// ID is "visa", "master", "amex", "pix", "fintoc"…
	ID   string `json:"id"`
	Name string `json:"name"`
	// PaymentTypeID is "credit_card", "debit_card", "ticket", "bank_transfer"…
	PaymentTypeID string `json:"payment_type_id"`
	// Status is "active" or "testing"…
	Status          string `json:"status"`
	SecureThumbnail string `json:"secure_thumbnail"`
	Thumbnail       string `json:"thumbnail"`
	// DeferredCapture is "supported" when authorize-then-capture works.
	DeferredCapture string `json:"deferred_capture"`
	// Settings are the card number rules, one per BIN range.
	Settings []PaymentMethodSetting `json:"settings"`
	// AdditionalInfoNeeded lists what the payment must carry
	// ("cardholder_name", "cardholder_identification_number"…).
	AdditionalInfoNeeded []string `json:"additional_info_needed"`
	// MinAllowedAmount and MaxAllowedAmount bound the payment amount.
	MinAllowedAmount money.Decimal `json:"min_allowed_amount"`
	MaxAllowedAmount money.Decimal `json:"max_allowed_amount"`
	// AccreditationTime is how many minutes the money takes to be credited.
	AccreditationTime int `json:"accreditation_time"`
	// FinancialInstitutions are the banks of a bank-transfer method.
	FinancialInstitutions []FinancialInstitution `json:"financial_institutions"`
	// ProcessingModes are "aggregator" and/or "gateway".
	ProcessingModes []string `json:"processing_modes"`

	// Unparsed names the fields that arrived in a shape that could not be read.
	Unparsed []string `json:"-"`
}

// PaymentMethodSetting is one set of card number rules.
type PaymentMethodSetting struct {
	Bin struct {
		// Pattern is a regular expression the card number's start matches.
		Pattern string `json:"pattern"`
		// ExclusionPattern matches numbers that are not this method.
		ExclusionPattern string `json:"exclusion_pattern"`
		// InstallmentsPattern matches numbers that may pay in installments.
		InstallmentsPattern string `json:"installments_pattern"`
	} `json:"bin"`
	CardNumber struct {
		// Length is the card number's length.
		Length int `json:"length"`
		// Validation is the check digit rule ("standard" is Luhn, "none").
		Validation string `json:"validation"`
	} `json:"card_number"`
	SecurityCode MethodSecurityCode `json:"security_code"`
}

// MethodSecurityCode is the CVV rule of a payment method.
type MethodSecurityCode struct {
	// Mode is "mandatory" or "optional".
	Mode         string `json:"mode"`
	Length       int    `json:"length"`
	CardLocation string `json:"card_location"`
}

// FinancialInstitution is a bank offered by a bank-transfer method.
type FinancialInstitution struct {
	ID          string `json:"id"`
	Description string `json:"description"`
}

// Issuer is a card issuer (a bank), from CardIssuers or Installments. Its
// ID is text here, as integrators' models of these two answers read it
// (unsure: the reference shows no typed sample; a number decodes too, and a
// saved card's CardIssuer.ID is a number).
type Issuer struct {
	ID              string `json:"id"`
	Name            string `json:"name"`
	SecureThumbnail string `json:"secure_thumbnail"`
	Thumbnail       string `json:"thumbnail"`
	ProcessingMode  string `json:"processing_mode"`
	// MerchantAccountID is set for gateway processing.
	MerchantAccountID string `json:"merchant_account_id"`
	Status            string `json:"status"`

	// Unparsed names the fields that arrived in a shape that could not be read.
	Unparsed []string `json:"-"`
}

// InstallmentOption is the installment plan of one payment method and issuer
// for an amount.
// See https://www.mercadopago.com/developers/en/reference/payment_methods/_payment_methods_installments/get
type InstallmentOption struct {
	PaymentMethodID   string `json:"payment_method_id"`
	PaymentTypeID     string `json:"payment_type_id"`
	Issuer            Issuer `json:"issuer"`
	ProcessingMode    string `json:"processing_mode"`
	MerchantAccountID string `json:"merchant_account_id"`
	// PayerCosts are the choices to show the payer, one per number of installments.
	PayerCosts []PayerCost `json:"payer_costs"`

	// Unparsed names the fields that arrived in a shape that could not be read.
	Unparsed []string `json:"-"`
}

// PayerCost is one installment choice: how many, at what rate, and what the
// payer pays in all.
type PayerCost struct {
	Installments int `json:"installments"`
	// InstallmentRate is the interest rate in percent (0 for interest-free).
	InstallmentRate money.Decimal `json:"installment_rate"`
	DiscountRate    money.Decimal `json:"discount_rate"`
	// Labels carry legal texts and markers ("CFT_0,00%|TEA_0,00%", "recommended_installment").
	Labels                   []string      `json:"labels"`
	InstallmentRateCollector []string      `json:"installment_rate_collector"`
	MinAllowedAmount         money.Decimal `json:"min_allowed_amount"`
	MaxAllowedAmount         money.Decimal `json:"max_allowed_amount"`
	// RecommendedMessage is the text to show ("3 cuotas de $ 5.330,00 ($ 15.990,00)").
	RecommendedMessage string `json:"recommended_message"`
	// InstallmentAmount is one installment; TotalAmount all of them.
	InstallmentAmount     money.Decimal `json:"installment_amount"`
	TotalAmount           money.Decimal `json:"total_amount"`
	PaymentMethodOptionID string        `json:"payment_method_option_id"`
}

// InstallmentsQuery asks for the installment plans of an amount. Give the
// card's BIN (its first 6 to 8 digits, as MercadoPago.js reads them) or the
// payment method id.
type InstallmentsQuery struct {
	// Amount is what the payer pays. Required, > 0.
	Amount money.Decimal
	// BIN is the card number's first 6 to 8 digits.
	BIN string
	// PaymentMethodID is "visa", "master"…
	PaymentMethodID string
	// IssuerID narrows to one issuer (sent as issuer.id).
	IssuerID string
	// PaymentTypeID is "credit_card" (the default) or "debit_card"…
	PaymentTypeID string
	// ProcessingMode is "aggregator" or "gateway".
	ProcessingMode string
}

// IdentificationType is a kind of national id document the account's
// country accepts, with its length bounds, for the card form's document field.
// See https://www.mercadopago.com/developers/en/reference/identification_types/_identification_types/get
type IdentificationType struct {
	// ID is "DNI", "CPF", "RUT", "CI"…
	ID   string `json:"id"`
	Name string `json:"name"`
	// Type is "number" or "string".
	Type      string `json:"type"`
	MinLength int    `json:"min_length"`
	MaxLength int    `json:"max_length"`

	// Unparsed names the fields that arrived in a shape that could not be read.
	Unparsed []string `json:"-"`
}

// PaymentMethodsService is c.PaymentMethods: what a card form asks before
// the payer types a card, then the installment choices for it.
type PaymentMethodsService struct{ c *Client }

// List returns every payment method of the account (GET /v1/payment_methods).
// The client remembers the banks of the bank-transfer methods it lists
// (PSE's financial_institutions), and Payments.Create then refuses a PSE
// payment to a bank not among them.
func (s *PaymentMethodsService) List(ctx context.Context, opts ...paykit.RequestOption) ([]PaymentMethod, error) {
	var out []PaymentMethod
	if err := s.get(ctx, transport.Op{Name: "mercadopago.PaymentMethods.List", Route: "/v1/payment_methods"}, nil, &out, opts); err != nil {
		return nil, err
	}
	s.c.banks.remember(out)
	return out, nil
}

// Installments returns the installment plans for an amount and card
// (GET /v1/payment_methods/installments?amount=&bin=&payment_method_id=&issuer.id=).
func (s *PaymentMethodsService) Installments(ctx context.Context, q *InstallmentsQuery, opts ...paykit.RequestOption) ([]InstallmentOption, error) {
	if q == nil {
		return nil, invalid("installments", "query must not be nil")
	}
	if !q.Amount.IsPositive() {
		return nil, invalid("amount", "must be greater than zero")
	}
	if q.BIN == "" && q.PaymentMethodID == "" {
		return nil, invalid("bin", "give the card's BIN or payment_method_id")
	}
	if q.BIN != "" && (len(q.BIN) < 6 || len(q.BIN) > 8 || !digits(q.BIN)) {
		return nil, invalid("bin", "must be the card number's first 6 to 8 digits")
	}
	v := url.Values{}
	v.Set("amount", q.Amount.String())
	setIf(v, "bin", q.BIN)
	setIf(v, "payment_method_id", q.PaymentMethodID)
	setIf(v, "issuer.id", q.IssuerID)
	setIf(v, "payment_type_id", q.PaymentTypeID)
	setIf(v, "processing_mode", q.ProcessingMode)
	var out []InstallmentOption
	if err := s.get(ctx, transport.Op{Name: "mercadopago.PaymentMethods.Installments", Route: "/v1/payment_methods/installments"}, v, &out, opts); err != nil {
		return nil, err
	}
	return out, nil
}

// CardIssuers returns the issuers of a card payment method
// (GET /v1/payment_methods/card_issuers?payment_method_id=), for the issuer
// choice some countries ask for.
// See https://www.mercadopago.com/developers/en/reference/payment_methods/_payment_methods_card_issuers/get
func (s *PaymentMethodsService) CardIssuers(ctx context.Context, paymentMethodID string, opts ...paykit.RequestOption) ([]Issuer, error) {
	if strings.TrimSpace(paymentMethodID) == "" {
		return nil, invalid("payment_method_id", "must not be empty")
	}
	var out []Issuer
	if err := s.get(ctx, transport.Op{Name: "mercadopago.PaymentMethods.CardIssuers", Route: "/v1/payment_methods/card_issuers"}, url.Values{"payment_method_id": {paymentMethodID}}, &out, opts); err != nil {
		return nil, err
	}
	return out, nil
}

func (s *PaymentMethodsService) get(ctx context.Context, op transport.Op, q url.Values, out any, opts []paykit.RequestOption) error {
	r := &transport.Request{Op: op, Method: http.MethodGet, Path: op.Route}
	if q != nil {
		r.Query = q
	}
	_, err := s.c.t.Do(ctx, r.Apply(opts), out)
	return err
}

// IdentificationTypesService is c.IdentificationTypes.
type IdentificationTypesService struct{ c *Client }

// List returns the document types of the account's country
// (GET /v1/identification_types).
func (s *IdentificationTypesService) List(ctx context.Context, opts ...paykit.RequestOption) ([]IdentificationType, error) {
	var out []IdentificationType
	r := (&transport.Request{Op: transport.Op{Name: "mercadopago.IdentificationTypes.List", Route: "/v1/identification_types"}, Method: http.MethodGet, Path: "/v1/identification_types"}).Apply(opts)
	if _, err := s.c.t.Do(ctx, r, &out); err != nil {
		return nil, err
	}
	return out, nil
}

func setIf(v url.Values, k, s string) {
	if s != "" {
		v.Set(k, s)
	}
}

// digits reports whether s is made of ASCII digits only (and is not empty).
func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
