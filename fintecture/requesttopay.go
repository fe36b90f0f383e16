package fintecture

import (
	"context"
	"net/http"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/transport"
	"github.com/paykit-go/paykit/money"
)

// RequestToPayRequest asks Fintecture to send the payer a payment link by
// e-mail or SMS (POST /pis/v2/request-to-pay,
// https://docs.fintecture.com/, "Request to pay"). The link opens a
// payment session like Connect's; follow it with GetPayment, the redirect
// and the webhooks, and withdraw it with CancelPayment.
type RequestToPayRequest struct {
	// Amount is the exact amount, above 0 with at most two decimals, sent as
	// a string with two decimals.
	Amount money.Decimal
	// Currency is the ISO 4217 code, e.g. "EUR".
	Currency string
	// Communication is the transfer's remittance text (your invoice or
	// order reference). Required.
	Communication string

	// Name is the payer's name (meta.psu_name). Required.
	Name string
	// Email and Phone are where the link goes (meta.psu_email,
	// meta.psu_phone with PhonePrefix such as "+33"); at least one is
	// required unless Method is "link".
	Email, Phone, PhonePrefix string
	// Address is the payer's postal address, optional.
	Address *Address
	// CC and BCC are e-mail addresses copied on the message, optional.
	CC, BCC string
	// Method optionally tells Fintecture how to deliver the link
	// (meta.method, e.g. "email", "sms" or "link"). [unsure] Only "link" is
	// seen in the official Python SDK (for a request for payout).
	Method string
	// Expiry optionally limits how long the link stays payable
	// (meta.expiry, in whole seconds).
	Expiry time.Duration

	// Language is the language of the message and page, two letters such as
	// "fr" (the x-language header). Required, as the official SDKs make it.
	Language string
	// RedirectURI is where the payer lands after paying, optional; State
	// comes back on that redirect and in webhooks (at most 512 characters).
	RedirectURI, State string

	// DataType is the JSON:API type of "data"; empty sends
	// "REQUEST_TO_PAY". [unsure] The official PHP SDK sends
	// "REQUEST_TO_PAY", the Python one "request-to-pay".
	DataType string
}

// RequestToPay is a created request to pay: the link was made and, where
// asked, sent.
type RequestToPay struct {
	// SessionID identifies the payment session behind the link; keep it
	// with your order and follow it with GetPayment.
	SessionID string
	// URL is the payment link itself (you may share it yourself).
	URL string
	// Meta says how the call went.
	paykit.Meta `json:"-"`
	// Unparsed lists the JSON paths of fields that could not be read.
	Unparsed []string `json:"-"`
}

// [unsure] The address keys of a request to pay differ between the SDKs
// (street_number and zip in Python, zipcode in PHP); these follow Python.
type wireRTPAddress struct {
	Street       string `json:"street,omitempty"`
	StreetNumber string `json:"street_number,omitempty"`
	Complement   string `json:"complement,omitempty"`
	Zip          string `json:"zip,omitempty"`
	City         string `json:"city,omitempty"`
	Country      string `json:"country,omitempty"`
}

type wireRTPBody struct {
	Meta struct {
		PSUName        string          `json:"psu_name"`
		PSUEmail       string          `json:"psu_email,omitempty"`
		PSUPhone       string          `json:"psu_phone,omitempty"`
		PSUPhonePrefix string          `json:"psu_phone_prefix,omitempty"`
		PSUAddress     *wireRTPAddress `json:"psu_address,omitempty"`
		CC             string          `json:"cc,omitempty"`
		BCC            string          `json:"bcc,omitempty"`
		Method         string          `json:"method,omitempty"`
		Expiry         int64           `json:"expiry,omitempty"`
	} `json:"meta"`
	Data struct {
		Type       string `json:"type"`
		Attributes struct {
			Amount        Amount `json:"amount"`
			Currency      string `json:"currency"`
			Communication string `json:"communication"`
		} `json:"attributes"`
	} `json:"data"`
}

type wireRTPResponse struct {
	Meta struct {
		SessionID string `json:"session_id"`
		URL       string `json:"url"`
	} `json:"meta"`
	Unparsed []string `json:"-"`
}

func (r *RequestToPayRequest) validate() error {
	if err := checkAmount("data.attributes.amount", r.Amount); err != nil {
		return err
	}
	if !isCurrency(r.Currency) {
		return invalid("data.attributes.currency", "must be a 3-letter ISO 4217 code in capitals, e.g. EUR")
	}
	if strings.TrimSpace(r.Communication) == "" {
		return invalid("data.attributes.communication", "must not be empty (it is how the payer and you recognise the transfer)")
	}
	if strings.TrimSpace(r.Name) == "" {
		return invalid("meta.psu_name", "must not be empty")
	}
	if r.Email == "" && r.Phone == "" && r.Method != "link" {
		return invalid("meta.psu_email", "an e-mail or a phone number is required to send the link")
	}
	for field, addr := range map[string]string{"meta.psu_email": r.Email, "meta.cc": r.CC, "meta.bcc": r.BCC} {
		if addr == "" {
			continue
		}
		if a, err := mail.ParseAddress(addr); err != nil || a.Address != addr {
			return invalid(field, "must be a plain e-mail address")
		}
	}
	if r.Phone != "" && !digitsOnly(strings.ReplaceAll(r.Phone, " ", "")) {
		return invalid("meta.psu_phone", "must hold digits only (put the country code in PhonePrefix)")
	}
	if r.PhonePrefix != "" && (r.PhonePrefix[0] != '+' || !digitsOnly(r.PhonePrefix[1:])) {
		return invalid("meta.psu_phone_prefix", "must be + and digits, e.g. +33")
	}
	if len(r.Language) != 2 || strings.ToLower(r.Language) != r.Language || !isLetters(r.Language) {
		return invalid("x-language", "must be two lowercase letters, e.g. fr")
	}
	if r.RedirectURI != "" && !absoluteURL(r.RedirectURI) {
		return invalid("redirect_uri", "must be an absolute http or https URL")
	}
	if len(r.State) > MaxStateLen {
		return invalid("state", "must be at most 512 characters")
	}
	if r.Expiry < 0 || (r.Expiry > 0 && r.Expiry < time.Second) {
		return invalid("meta.expiry", "must be zero (default) or at least one second")
	}
	if strings.ContainsAny(r.Method, "\r\n") {
		return invalid("meta.method", "must not contain line breaks")
	}
	return nil
}

func digitsOnly(s string) bool {
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

func isLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// RequestToPay creates a payment link and has Fintecture send it to the
// payer (POST /pis/v2/request-to-pay?redirect_uri=…&state=…). The request
// is checked first; a *ValidationError means nothing was sent.
//
// It moves money and Fintecture has no idempotency key: once the request
// may have reached Fintecture (a *NetworkError with MayHaveReachedServer,
// or a 5xx) it is never repeated, since the payer could receive two links.
// Look for the session with ListPayments before asking again.
func (s *PISService) RequestToPay(ctx context.Context, r *RequestToPayRequest, opts ...paykit.RequestOption) (*RequestToPay, error) {
	if r == nil {
		return nil, invalid("request", "must not be nil")
	}
	if err := r.validate(); err != nil {
		return nil, err
	}
	var body wireRTPBody
	m := &body.Meta
	m.PSUName, m.PSUEmail, m.PSUPhonePrefix = r.Name, r.Email, r.PhonePrefix
	m.PSUPhone = strings.ReplaceAll(r.Phone, " ", "")
	m.CC, m.BCC, m.Method = r.CC, r.BCC, r.Method
	if a := r.Address; a != nil {
		m.PSUAddress = &wireRTPAddress{Street: a.Street, StreetNumber: a.Number, Complement: a.Complement,
			Zip: a.Zip, City: a.City, Country: a.Country}
	}
	if r.Expiry > 0 {
		m.Expiry = int64(r.Expiry / time.Second)
	}
	body.Data.Type = r.DataType
	if body.Data.Type == "" {
		body.Data.Type = "REQUEST_TO_PAY"
	}
	body.Data.Attributes.Amount = wireAmount(r.Amount)
	body.Data.Attributes.Currency = r.Currency
	body.Data.Attributes.Communication = r.Communication
	q := url.Values{}
	if r.RedirectURI != "" {
		q.Set("redirect_uri", r.RedirectURI)
	}
	if r.State != "" {
		q.Set("state", r.State)
	}
	req := &transport.Request{Op: transport.Op{Name: "fintecture.PIS.RequestToPay", Route: "/pis/v2/request-to-pay"}, Method: http.MethodPost, Path: "/pis/v2/request-to-pay", JSON: &body}
	if len(q) > 0 {
		req.Query = q
	}
	req.AddHeader("X-Language", r.Language)
	req.Apply(opts)
	return transport.CallWire(ctx, s.c.api, req, nil, func(out *wireRTPResponse, resp *transport.Response) (*RequestToPay, error) {
		if out.Meta.SessionID == "" {
			return nil, resp.Refuse("answer has no meta.session_id", nil)
		}
		return &RequestToPay{SessionID: out.Meta.SessionID, URL: out.Meta.URL, Unparsed: out.Unparsed}, nil
	})
}
