package fintecture

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/transport"
	"github.com/paykit-go/paykit/money"
)

// PISService holds the payment-initiation (PIS v2) calls. Get it from
// Client.PIS.
type PISService struct{ c *Client }

// MaxStateLen is the longest state Fintecture accepts on a Connect call.
const MaxStateLen = 512

// PSU describes the payer (payment service user) shown on the Connect page
// and passed to the bank. Every field is optional.
type PSU struct {
	Name          string
	Email         string
	Phone         string
	IP            string
	Company       string
	Incorporation string
	Address       *Address
}

// Address is the payer's postal address.
type Address struct {
	Street, Number, Complement, Zip, City string
	// Country is an ISO 3166-1 alpha-2 code, e.g. "FR".
	Country string
}

// ConnectRequest creates a payment session
// (POST /pis/v2/connect, https://docs.fintecture.com/, "/connect").
type ConnectRequest struct {
	// Amount is the exact amount, above 0 with at most two decimals; it is
	// sent as a string with two decimals ("273.00").
	Amount money.Decimal
	// Currency is the ISO 4217 code, e.g. "EUR".
	Currency string
	// Communication is the transfer's remittance text. Put your order
	// reference here: it is how you reconcile the payment and refund it.
	Communication string
	// EndToEndID optionally sets the SEPA end-to-end id.
	EndToEndID string
	// ExecutionDate optionally asks for a later execution (YYYY-MM-DD).
	ExecutionDate string

	// RedirectURI is where the payer lands after paying: an absolute URL
	// registered in the Console.
	RedirectURI string
	// State comes back unchanged on the redirect and in webhooks: a
	// reference to your order, required, at most 512 characters.
	State string

	// PSU describes the payer; nil sends no payer details.
	PSU *PSU
	// Expiry optionally limits how long the session stays open; it is sent
	// as meta.expiry in whole seconds.
	Expiry time.Duration

	// Language, Country, Provider and PSUType fill the optional x-language,
	// x-country, x-provider (a bank code, skipping the bank choice) and
	// x-psu-type ("retail" or "corporate") headers.
	Language, Country, Provider, PSUType string

	// DataType is the JSON:API type of "data"; empty sends "PIS".
	DataType string

	// Scheme optionally picks the transfer scheme (data.attributes.scheme):
	// ConnectSchemeAuto, ConnectSchemeSEPA, ConnectSchemeInstantSEPA. Empty
	// leaves it to Fintecture. The accepted values are not all confirmed
	// (see the constants), so any value of letters, digits and underscores
	// is sent as given.
	Scheme string
	// Beneficiary optionally names the account to pay into
	// (data.attributes.beneficiary); nil uses the one set up in the Console.
	Beneficiary *Beneficiary
	// ExternalReference is an optional reference of your own kept with the
	// payment (data.attributes.external_reference, as Fintecture's Node SDK
	// sends it).
	ExternalReference string
	// PaymentMethods optionally lists the methods the Connect page offers,
	// in that order (meta.payment_methods, sent as [{"id":…,"order":0},…]
	// as Fintecture's Node SDK does). Empty offers what the Console sets.
	PaymentMethods []PaymentMethod
	// Custom is optional data of your own for reconciliation, sent as the
	// object meta.custom (Fintecture's Node SDK 2.5.3 forwards it; the API
	// also takes a plain string there, which this field does not send).
	// Values must encode as JSON.
	Custom map[string]any

	// ExtraMeta and ExtraAttributes add members this type does not model to
	// "meta" and "data.attributes" (e.g. "psu_phone_prefix", or the
	// "reconciliation" object of Smart Transfer). A key that names a member
	// paykit sets from a field above is refused with a *ValidationError,
	// never silently replaced. Values must encode as JSON.
	ExtraMeta, ExtraAttributes map[string]any
}

// PaymentMethod names a way to pay offered on the Connect page
// (ConnectRequest.PaymentMethods).
type PaymentMethod string

// Payment methods of Fintecture's Node SDK (IPaymentMethod); the API may
// know more, and any lower-case name is sent as given.
const (
	PaymentMethodImmediateTransfer PaymentMethod = "immediate_transfer"
	PaymentMethodSmartTransfer     PaymentMethod = "smart_transfer"
	PaymentMethodBNPL              PaymentMethod = "bnpl"
)

// Values for ConnectRequest.Scheme. ConnectSchemeAuto appears in the example
// payload of Fintecture's official Ruby SDK; "SEPA" is what payments report
// in payment_scheme. ConnectSchemeInstantSEPA is NOT confirmed by any source
// read so far (the providers list calls instant SEPA "iSCT", see
// SchemeInstantSEPA): check it against your sandbox before relying on it.
const (
	ConnectSchemeAuto        = "AUTO"
	ConnectSchemeSEPA        = "SEPA"
	ConnectSchemeInstantSEPA = "INSTANT_SEPA"
)

// Session is a created payment session: send the payer to URL.
type Session struct {
	// SessionID identifies the payment; keep it with your order.
	SessionID string
	// URL is the Connect page the payer must be redirected to.
	URL string
	// Meta says how the call went.
	paykit.Meta `json:"-"`
}

type wirePSUAddress struct {
	Street     string `json:"street,omitempty"`
	Number     string `json:"number,omitempty"`
	Complement string `json:"complement,omitempty"`
	Zip        string `json:"zip,omitempty"`
	City       string `json:"city,omitempty"`
	Country    string `json:"country,omitempty"`
}

type wireConnectMeta struct {
	PSUName          string              `json:"psu_name,omitempty"`
	PSUEmail         string              `json:"psu_email,omitempty"`
	PSUPhone         string              `json:"psu_phone,omitempty"`
	PSUIP            string              `json:"psu_ip,omitempty"`
	PSUCompany       string              `json:"psu_company,omitempty"`
	PSUIncorporation string              `json:"psu_incorporation,omitempty"`
	PSUAddress       *wirePSUAddress     `json:"psu_address,omitempty"`
	Expiry           int64               `json:"expiry,omitempty"`
	PaymentMethods   []wirePaymentMethod `json:"payment_methods,omitempty"`
	Custom           map[string]any      `json:"custom,omitempty"`
}

type wirePaymentMethod struct {
	ID    PaymentMethod `json:"id"`
	Order int           `json:"order"`
}

type wireConnectAttributes struct {
	Amount            Amount           `json:"amount"`
	Currency          string           `json:"currency"`
	Communication     string           `json:"communication,omitempty"`
	EndToEndID        string           `json:"end_to_end_id,omitempty"`
	ExecutionDate     string           `json:"execution_date,omitempty"`
	Scheme            string           `json:"scheme,omitempty"`
	Beneficiary       *wireBeneficiary `json:"beneficiary,omitempty"`
	ExternalReference string           `json:"external_reference,omitempty"`
}

// wireConnectBody's Meta and Data.Attributes hold a wireConnectMeta and a
// wireConnectAttributes, wrapped in an objectJSON when the request has
// extra members.
type wireConnectBody struct {
	Meta any `json:"meta"`
	Data struct {
		Type       string `json:"type"`
		Attributes any    `json:"attributes"`
	} `json:"data"`
}

type wireConnectResponse struct {
	Meta struct {
		SessionID string `json:"session_id"`
		URL       string `json:"url"`
	} `json:"meta"`
}

func (r *ConnectRequest) validate() error {
	if err := checkAmount("data.attributes.amount", r.Amount); err != nil {
		return err
	}
	if !isCurrency(r.Currency) {
		return invalid("data.attributes.currency", "must be a 3-letter ISO 4217 code in capitals, e.g. EUR")
	}
	if r.State == "" {
		return invalid("state", "must not be empty (it links the payment to your order)")
	}
	if len(r.State) > MaxStateLen {
		return invalid("state", "must be at most 512 characters")
	}
	if !absoluteURL(r.RedirectURI) {
		return invalid("redirect_uri", "must be an absolute http or https URL")
	}
	if r.ExecutionDate != "" {
		if _, err := time.Parse(time.DateOnly, r.ExecutionDate); err != nil {
			return invalid("data.attributes.execution_date", "must be a date written YYYY-MM-DD")
		}
	}
	if r.Expiry < 0 || (r.Expiry > 0 && r.Expiry < time.Second) {
		return invalid("meta.expiry", "must be zero (default) or at least one second")
	}
	for name, v := range map[string]string{"x-language": r.Language, "x-country": r.Country, "x-provider": r.Provider, "x-psu-type": r.PSUType} {
		if strings.ContainsAny(v, "\r\n") {
			return invalid(name, "must not contain line breaks")
		}
	}
	return r.validateOptional()
}

// maxSchemeLen bounds ConnectRequest.Scheme; the known values are far
// shorter.
const maxSchemeLen = 32

// validateOptional checks the optional members: scheme, beneficiary,
// external reference, payment methods, custom data and extra members.
func (r *ConnectRequest) validateOptional() error {
	if r.Scheme != "" && !isSchemeName(r.Scheme) {
		return invalid("data.attributes.scheme", "must be letters, digits and underscores (at most 32), e.g. AUTO or SEPA")
	}
	if r.Beneficiary != nil {
		if err := r.Beneficiary.validate(); err != nil {
			return err
		}
	}
	if transport.HasControl(r.ExternalReference) {
		return invalid("data.attributes.external_reference", "must not contain control characters")
	}
	seen := make(map[PaymentMethod]bool, len(r.PaymentMethods))
	for _, m := range r.PaymentMethods {
		if !isMethodName(string(m)) {
			return invalid("meta.payment_methods", "each must be a lower-case name such as immediate_transfer, smart_transfer or bnpl")
		}
		if seen[m] {
			return invalid("meta.payment_methods", "must not list "+string(m)+" twice")
		}
		seen[m] = true
	}
	if len(r.Custom) > 0 {
		if err := checkExtraMembers("meta.custom", r.Custom, nil, ""); err != nil {
			return err
		}
	}
	if err := checkExtraMembers("meta", r.ExtraMeta, connectMetaKeys(), "a ConnectRequest field"); err != nil {
		return err
	}
	return checkExtraMembers("data.attributes", r.ExtraAttributes, connectAttrKeys(), "a ConnectRequest field")
}

func isSchemeName(s string) bool {
	if len(s) > maxSchemeLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isUpperAlpha(c) && !isDigit(c) && c != '_' && (c < 'a' || c > 'z') {
			return false
		}
	}
	return true
}

func isMethodName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 'a' || c > 'z') && !isDigit(c) && c != '_' {
			return false
		}
	}
	return true
}

func isCurrency(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

func absoluteURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

// Connect creates a payment session and returns the Connect URL to send the
// payer to (POST /pis/v2/connect?redirect_uri=…&state=…). The request is
// checked first; a *ValidationError means nothing was sent.
//
// Fintecture has no idempotency key, so a Connect that fails after it may
// have reached Fintecture (a *NetworkError with MayHaveReachedServer, or a
// 5xx) is not repeated: create a new session with a new state, or wait for
// the first one's webhook.
func (s *PISService) Connect(ctx context.Context, r *ConnectRequest, opts ...paykit.RequestOption) (*Session, error) {
	if r == nil {
		return nil, invalid("request", "must not be nil")
	}
	if err := r.validate(); err != nil {
		return nil, err
	}
	var body wireConnectBody
	body.Data.Type = r.DataType
	if body.Data.Type == "" {
		body.Data.Type = "PIS"
	}
	attrs := wireConnectAttributes{
		Amount:            wireAmount(r.Amount),
		Currency:          r.Currency,
		Communication:     r.Communication,
		EndToEndID:        r.EndToEndID,
		ExecutionDate:     r.ExecutionDate,
		Scheme:            r.Scheme,
		ExternalReference: r.ExternalReference,
	}
	if r.Beneficiary != nil {
		attrs.Beneficiary = r.Beneficiary.wire()
	}
	var meta wireConnectMeta
	if p := r.PSU; p != nil {
		meta = wireConnectMeta{PSUName: p.Name, PSUEmail: p.Email, PSUPhone: p.Phone, PSUIP: p.IP,
			PSUCompany: p.Company, PSUIncorporation: p.Incorporation}
		if a := p.Address; a != nil {
			meta.PSUAddress = &wirePSUAddress{Street: a.Street, Number: a.Number, Complement: a.Complement,
				Zip: a.Zip, City: a.City, Country: a.Country}
		}
	}
	if r.Expiry > 0 {
		meta.Expiry = int64(r.Expiry / time.Second)
	}
	for i, m := range r.PaymentMethods {
		meta.PaymentMethods = append(meta.PaymentMethods, wirePaymentMethod{ID: m, Order: i})
	}
	meta.Custom = r.Custom
	body.Meta = withExtra(meta, r.ExtraMeta)
	body.Data.Attributes = withExtra(attrs, r.ExtraAttributes)
	req := &transport.Request{
		Op:     transport.Op{Name: "fintecture.PIS.Connect", Route: "/pis/v2/connect"},
		Method: http.MethodPost,
		Path:   "/pis/v2/connect",
		Query:  url.Values{"redirect_uri": {r.RedirectURI}, "state": {r.State}},
		JSON:   &body,
	}
	for name, v := range map[string]string{"X-Language": r.Language, "X-Country": r.Country, "X-Provider": r.Provider, "X-Psu-Type": r.PSUType} {
		if v != "" {
			req.AddHeader(name, v)
		}
	}
	req.Apply(opts)
	return transport.CallWire(ctx, s.c.api, req, nil, func(out *wireConnectResponse, resp *transport.Response) (*Session, error) {
		if out.Meta.SessionID == "" || out.Meta.URL == "" {
			return nil, resp.Refuse("answer has no meta.session_id or meta.url", nil)
		}
		return &Session{SessionID: out.Meta.SessionID, URL: out.Meta.URL}, nil
	})
}
