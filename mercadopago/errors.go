package mercadopago

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/transport"
)

// Error is a call Mercado Pago answered with an error. It embeds the
// transport's error, so StatusCode, RequestID (the X-Request-Id header) and
// IdempotencyKey are fields of it, and adds what the error body says.
//
// Error bodies look like {"message","error","status","cause":[{"code",
// "description","data"}]}; some APIs say "causes", and "cause" may be null or
// a single object. All of these are read.
//
// Every string taken from the body is provider text: secrets redacted, on
// one line, without control characters and cut to a bounded length; at most
// 20 causes are kept. A huge or hostile answer cannot flood a log or forge
// a line in it.
// See https://www.mercadopago.com/developers/en/reference (each endpoint's
// error list).
type Error struct {
	*paykit.HTTPError
	// Message is the human-readable "message", e.g. "invalid parameters".
	Message string
	// Code is the "error" field, a short machine word such as "bad_request".
	Code string
	// Causes are the detailed reasons with their numeric codes (as text).
	Causes []Cause
}

// Cause is one entry of the "cause" list of an error body.
type Cause struct {
	// Code identifies the reason, e.g. "2001"; numbers are kept as text.
	Code string
	// Description explains it, e.g. "Already posted the same request in the last minute".
	Description string
	// Data is extra context the API sometimes adds.
	Data string
}

// Cause codes worth handling by name (see HasCause).
const (
	// CausePaymentNotFound: the payment id does not exist.
	CausePaymentNotFound = "2000"
	// CauseDuplicatePayment: an identical payment was posted within the last minute.
	CauseDuplicatePayment = "2001"
	// CauseRefundTooOld: the payment is too old to be refunded.
	CauseRefundTooOld = "2024"
	// CauseInvalidStateForAction: the payment's status does not allow the action
	// (cancelling an approved payment, capturing a rejected one).
	CauseInvalidStateForAction = "2063"
	// CausePartialRefundUnsupported: this payment method takes full refunds only.
	CausePartialRefundUnsupported = "3024"
	// CauseInvalidRefundAmount and CauseRefundAmountTooHigh: the refund amount
	// is not valid or is over what can still be refunded.
	CauseInvalidRefundAmount = "4040"
	CauseRefundAmountTooHigh = "4041"
	// CauseCustomerAlreadyExists: a customer with that email exists.
	CauseCustomerAlreadyExists = "101"
	// CauseCardLimitReached: the customer has the most cards allowed.
	CauseCardLimitReached = "129"
)

// Error describes the failure in one line without secrets:
// "mercadopago: POST /v1/payments: 400 Bad Request: invalid parameters (cause 2001: …) (request id …)".
func (e *Error) Error() string {
	if e == nil || e.HTTPError == nil {
		return "mercadopago: error"
	}
	if e.Message == "" && e.Code == "" && len(e.Causes) == 0 {
		return "mercadopago: " + e.HTTPError.Error()
	}
	var b strings.Builder
	b.WriteString("mercadopago: ")
	e.WriteStatusLine(&b)
	msg := e.Message
	if msg == "" {
		msg = e.Code
	}
	if msg != "" {
		b.WriteString(": ")
		b.WriteString(msg)
	}
	for i, c := range e.Causes {
		if i == 3 {
			b.WriteString(" (…)")
			break
		}
		b.WriteString(" (cause ")
		b.WriteString(c.Code)
		if c.Description != "" {
			b.WriteString(": ")
			b.WriteString(c.Description)
		}
		b.WriteByte(')')
	}
	if e.RequestID != "" {
		b.WriteString(" (request id ")
		b.WriteString(transport.ProviderText(e.RequestID, nil))
		b.WriteByte(')')
	}
	return b.String()
}

// GoString makes %#v print the same safe line.
func (e *Error) GoString() string { return e.Error() }

// Format writes Error() for every verb (%d, %x, %+v… as %s does, %q
// quoted), so no verb prints the fields by reflection and the embedded
// transport error's Format does not stand in for this one.
func (e Error) Format(f fmt.State, verb rune) { transport.FormatText(f, verb, e.Error()) }

// Unwrap returns the transport's error, so errors.As finds *transport.Error too.
func (e *Error) Unwrap() error {
	if e == nil || e.HTTPError == nil {
		return nil
	}
	return e.HTTPError
}

// HasCause reports whether the error carries a cause with this code.
func (e *Error) HasCause(code string) bool {
	if e == nil {
		return false
	}
	for _, c := range e.Causes {
		if c.Code == code {
			return true
		}
	}
	return false
}

// HasCause reports whether err is (or wraps) a Mercado Pago *Error carrying
// a cause with this code, e.g. HasCause(err, CauseCustomerAlreadyExists).
func HasCause(err error, code string) bool {
	var e *Error
	return errors.As(err, &e) && e.HasCause(code)
}

// IsNotFound reports whether err is a 404 answer from Mercado Pago.
func IsNotFound(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.StatusCode == http.StatusNotFound
}

// IsDuplicatePayment reports whether err says an identical payment was
// posted within the last minute (cause 2001). Look the first one up
// (Payments.Search by external reference) instead of paying again.
func IsDuplicatePayment(err error) bool { return HasCause(err, CauseDuplicatePayment) }

// IsCustomerAlreadyExists reports whether a customer with that email exists
// (cause 101); find it with Customers.Search.
func IsCustomerAlreadyExists(err error) bool { return HasCause(err, CauseCustomerAlreadyExists) }

// IsCardLimitReached reports whether the customer cannot save more cards (cause 129).
func IsCardLimitReached(err error) bool { return HasCause(err, CauseCardLimitReached) }

// IsInvalidStateForAction reports whether the payment's status does not
// allow the action (cause 2063).
func IsInvalidStateForAction(err error) bool { return HasCause(err, CauseInvalidStateForAction) }

// IsRefundRejected reports whether a refund was refused for its amount,
// method or age (causes 2024, 3024, 4040, 4041).
func IsRefundRejected(err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	return e.HasCause(CauseRefundTooOld) || e.HasCause(CausePartialRefundUnsupported) ||
		e.HasCause(CauseInvalidRefundAmount) || e.HasCause(CauseRefundAmountTooHigh)
}

// errorBody is the wire shape of an error, read loosely.
type errorBody struct {
	Message json.RawMessage `json:"message"`
	Error   json.RawMessage `json:"error"`
	Cause   json.RawMessage `json:"cause"`
	Causes  json.RawMessage `json:"causes"`
	// Errors is the Orders API's shape: [{"code","message","details"}].
	Errors json.RawMessage `json:"errors"`
}

// decodeError is the transport's DecodeError hook: it reads the body into an
// *Error, tolerating every drift seen in the wild, and never fails.
func decodeError(base *transport.Error, body []byte, secrets []string) error {
	e := &Error{HTTPError: base}
	var eb errorBody
	if len(bytes.TrimSpace(body)) == 0 || json.Unmarshal(body, &eb) != nil {
		return e
	}
	// Every string from the body is provider text: redacted, on one line and
	// bounded (transport.ProviderText), as in every paykit package.
	e.Message = transport.ProviderText(looseString(eb.Message), secrets)
	e.Code = transport.ProviderText(looseString(eb.Error), secrets)
	e.Causes = cleanCauses(append(parseCauses(eb.Cause), parseCauses(eb.Causes)...), secrets)
	if orderErrs := cleanCauses(parseOrderErrors(eb.Errors), secrets); len(orderErrs) > 0 {
		if e.Message == "" && e.Code == "" {
			e.Code, e.Message = orderErrs[0].Code, orderErrs[0].Description
		}
		e.Causes = append(e.Causes, orderErrs...)
	}
	if len(e.Causes) > transport.MaxProviderItems {
		e.Causes = e.Causes[:transport.MaxProviderItems]
	}
	if e.Message != "" || e.Code != "" || len(e.Causes) > 0 {
		// The body was understood: its excerpt would only repeat it.
		cp := *base
		cp.Excerpt = ""
		e.HTTPError = &cp
	}
	return e
}

// cleanCauses keeps the first transport.MaxProviderItems causes, each
// field cleaned with transport.ProviderText.
func cleanCauses(cs []Cause, secrets []string) []Cause {
	if len(cs) > transport.MaxProviderItems {
		cs = cs[:transport.MaxProviderItems]
	}
	for i := range cs {
		c := &cs[i]
		c.Code = transport.ProviderText(c.Code, secrets)
		c.Description = transport.ProviderText(c.Description, secrets)
		c.Data = transport.ProviderText(c.Data, secrets)
	}
	return cs
}

// parseCauses reads a cause list, a single cause object, or null, up to
// transport.MaxProviderItems causes.
func parseCauses(raw json.RawMessage) []Cause {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] == 'n' {
		return nil
	}
	var items []json.RawMessage
	if raw[0] == '{' {
		items = []json.RawMessage{raw}
	} else if json.Unmarshal(raw, &items) != nil {
		return nil
	}
	var out []Cause
	for _, it := range items {
		if len(out) == transport.MaxProviderItems {
			break
		}
		var c struct {
			Code        json.RawMessage `json:"code"`
			Description json.RawMessage `json:"description"`
			Data        json.RawMessage `json:"data"`
		}
		if json.Unmarshal(it, &c) != nil {
			continue
		}
		out = append(out, Cause{Code: looseString(c.Code), Description: looseString(c.Description), Data: looseString(c.Data)})
	}
	return out
}

// looseString is the text of a JSON string, number or bool; "" for null,
// objects and arrays.
func looseString(raw json.RawMessage) string {
	s, _ := transport.JSONScalar(raw)
	return s
}

func invalid(field, rule string) error {
	return &paykit.ValidationError{Provider: "mercadopago", Field: field, Rule: rule}
}

// redacted stands in for a secret in printed values.
const redacted = "[redacted]"
