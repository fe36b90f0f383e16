package finrota

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/transport"
)

// Error is an answer Finrota gave that is not a success: a non-2xx status
// (decoded from its {message, statusCode, exceptions, errors, data{errorCode,
// errorMessage, isSuccess}} envelope when the body is one) or a 2xx body that
// could not be read. The embedded *HTTPError supplies StatusCode,
// RequestID, Attempts and a redacted excerpt of the body.
//
// Message, Code and Details are provider text: secrets redacted, on one
// line, without control characters and cut to a bounded length; at most 20
// details are kept.
//
// A payment that Finrota processed and refused is not an Error but a
// *DeclineError.
type Error struct {
	*paykit.HTTPError
	// Message is the envelope's message (or a payment answer's error), with
	// secrets redacted.
	Message string
	// Code is data.errorCode when the envelope carries one.
	Code string
	// APIStatus is the statusCode field of the body, which can differ from
	// the HTTP status.
	APIStatus int
	// Details flattens the envelope's errors and exceptions (validation
	// messages, one per entry, "field: message" where a field is named).
	Details []string
}

// Error describes the failure in one line, without secrets.
func (e *Error) Error() string {
	if e == nil || e.HTTPError == nil {
		return "finrota: error"
	}
	if e.Message == "" && e.Code == "" && len(e.Details) == 0 {
		return "finrota: " + e.HTTPError.Error()
	}
	var b strings.Builder
	b.WriteString("finrota: ")
	e.WriteStatusLine(&b)
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.Code != "" {
		b.WriteString(" (code ")
		b.WriteString(e.Code)
		b.WriteByte(')')
	}
	if len(e.Details) > 0 {
		b.WriteString(": ")
		b.WriteString(strings.Join(e.Details, "; "))
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

// Unwrap returns the base *HTTPError, so errors.As finds it too.
func (e *Error) Unwrap() error { return e.HTTPError }

func invalid(field, rule string) error {
	return &paykit.ValidationError{Provider: "finrota", Field: field, Rule: rule}
}

// ErrDeclined is matched by errors.Is for every *DeclineError.
var ErrDeclined = errors.New("finrota: declined")

// DeclineError is an operation Finrota processed and refused: a payment
// answered with success:false and an error, or a cancel or refund answered
// with data.isSuccess false.
//
// Widget.Pay returns a decline as an error rather than as a result state so
// that code which only checks err cannot mistake a refused card for a sale
// (the seed's first "common mistake" is treating something short of a
// completed payment as paid). Nothing is lost: the order id, the client
// reference and Meta travel on the error.
type DeclineError struct {
	// Operation is "payment", "cancel" or "refund".
	Operation string
	// Code is Finrota's error code when it sends one.
	Code string
	// Reason is Finrota's explanation (the payment's error, or errorMessage).
	Reason string
	// OrderID and ClientReferenceCode identify the refused payment when
	// Finrota returned them.
	OrderID, ClientReferenceCode string
	// Meta describes the HTTP exchange.
	Meta paykit.Meta
}

// Error reads "finrota: payment declined: <reason> (code <code>)".
func (e *DeclineError) Error() string {
	reason := e.Reason
	if reason == "" {
		reason = "no reason given"
	}
	s := "finrota: " + e.Operation + " declined: " + reason
	if e.Code != "" {
		s += " (code " + e.Code + ")"
	}
	return s
}

// Is makes errors.Is(err, ErrDeclined) true.
func (e *DeclineError) Is(target error) bool { return target == ErrDeclined }

// envelope is the wrapper Finrota's pws and auth endpoints answer with.
type envelope struct {
	Message    string          `json:"message"`
	StatusCode flexString      `json:"statusCode"`
	Exceptions json.RawMessage `json:"exceptions"`
	Errors     json.RawMessage `json:"errors"`
	Data       json.RawMessage `json:"data"`
	// Error is what the widget payment endpoint uses instead of message.
	Error flexString `json:"error"`
}

// envelopeStatus is the part of data that says whether an operation worked.
type envelopeStatus struct {
	ErrorCode    flexString `json:"errorCode"`
	ErrorMessage string     `json:"errorMessage"`
	IsSuccess    *bool      `json:"isSuccess"`
}

func decodeError(base *transport.Error, body []byte, secrets []string) error {
	e := &Error{HTTPError: base}
	var env envelope
	if len(bytes.TrimSpace(body)) > 0 && json.Unmarshal(body, &env) == nil {
		e.Message = env.Message
		if e.Message == "" {
			e.Message = string(env.Error)
		}
		e.APIStatus, _ = strconv.Atoi(string(env.StatusCode))
		var st envelopeStatus
		if len(env.Data) > 0 && env.Data[0] == '{' && json.Unmarshal(env.Data, &st) == nil {
			e.Code = string(st.ErrorCode)
			if e.Message == "" {
				e.Message = st.ErrorMessage
			} else if st.ErrorMessage != "" && st.ErrorMessage != e.Message {
				e.Details = append(e.Details, st.ErrorMessage)
			}
		}
		e.Details = append(e.Details, flatten(env.Errors, 0)...)
		e.Details = append(e.Details, flatten(env.Exceptions, 0)...)
		if len(e.Details) > transport.MaxProviderItems {
			e.Details = e.Details[:transport.MaxProviderItems]
		}
	}
	e.Message = clean(e.Message, secrets)
	e.Code = clean(e.Code, secrets)
	for i, d := range e.Details {
		e.Details[i] = clean(d, secrets)
	}
	return e
}

// clean makes a string from the server safe to show: redacted, on one line
// and bounded (transport.ProviderText, the rule of every paykit package).
func clean(s string, secrets []string) string { return transport.ProviderText(s, secrets) }

// flatten turns whatever shape errors/exceptions take (a string, a list, a
// field → messages map, objects with a message) into lines.
func flatten(raw json.RawMessage, depth int) []string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || depth > 4 {
		return nil
	}
	switch raw[0] {
	case 'n':
		return nil
	case '"':
		var s string
		if json.Unmarshal(raw, &s) != nil || s == "" {
			return nil
		}
		return []string{s}
	case '[':
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) != nil {
			return nil
		}
		var out []string
		for _, it := range items {
			out = append(out, flatten(it, depth+1)...)
			if len(out) >= transport.MaxProviderItems {
				break
			}
		}
		return out
	case '{':
		var m map[string]json.RawMessage
		if json.Unmarshal(raw, &m) != nil {
			return nil
		}
		for _, k := range []string{"message", "Message", "errorMessage", "description"} {
			if v, ok := m[k]; ok {
				if msg := flatten(v, depth+1); len(msg) > 0 {
					field := ""
					for _, fk := range []string{"field", "propertyName", "PropertyName", "key"} {
						if fv := flatten(m[fk], depth+1); len(fv) > 0 {
							field = fv[0]
							break
						}
					}
					if field != "" {
						return []string{field + ": " + msg[0]}
					}
					return msg[:1]
				}
			}
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var out []string
		for _, k := range keys {
			for _, v := range flatten(m[k], depth+1) {
				out = append(out, k+": "+v)
			}
			if len(out) >= transport.MaxProviderItems {
				break
			}
		}
		return out
	default:
		return []string{string(raw)}
	}
}

// flexString decodes a JSON string, number or boolean as its text (null and
// anything else as "").
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		s, err := transport.UnquoteJSON(b)
		if err != nil {
			return err
		}
		*f = flexString(s)
		return nil
	}
	// Numbers and booleans as their text; null, objects and arrays as "".
	s, _ := transport.JSONScalar(b)
	*f = flexString(s)
	return nil
}

func errorf(format string, args ...any) error { return fmt.Errorf("finrota: "+format, args...) }
