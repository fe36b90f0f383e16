package fintecture

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/transport"
)

// Error is an answer Fintecture gave that the call could not accept: a
// non-2xx status (with the code, log id and details of Fintecture's error
// body, https://docs.fintecture.com/) or a 2xx whose body was unreadable.
// StatusCode, RequestID and the other transport fields are promoted from
// the embedded *HTTPError.
type Error struct {
	*paykit.HTTPError
	// Code is Fintecture's error code, e.g. "unauthorized" or
	// "invalid_signature".
	Code string
	// LogID identifies the request in Fintecture's logs; quote it to support.
	LogID string
	// Details lists the individual errors of the body's "errors" array (the
	// first 20).
	//
	// Every string of an Error is provider text: secrets redacted, on one
	// line, without control characters and cut to a bounded length.
	Details []ErrorDetail
}

// ErrorDetail is one entry of the "errors" array of a Fintecture error.
type ErrorDetail struct {
	Code  string
	Title string
	// Message is the entry's "message", or its "detail" when it has no
	// message.
	Message string
}

// Error describes the failure in one line, without secrets.
func (e *Error) Error() string {
	if e.HTTPError == nil {
		return "fintecture: error"
	}
	if e.Code == "" && len(e.Details) == 0 {
		return "fintecture: " + e.HTTPError.Error()
	}
	var b strings.Builder
	b.WriteString("fintecture: ")
	e.WriteStatusLine(&b)
	if e.Code != "" {
		b.WriteString(" (code ")
		b.WriteString(e.Code)
		b.WriteByte(')')
	}
	for i, d := range e.Details {
		if i == 3 {
			b.WriteString("; …")
			break
		}
		b.WriteString("; ")
		msg := d.Message
		if msg == "" {
			msg = d.Title
		}
		if d.Code != "" && d.Code != e.Code {
			b.WriteString(d.Code)
			if msg != "" {
				b.WriteString(": ")
			}
		}
		b.WriteString(msg)
	}
	if e.LogID != "" {
		b.WriteString(" (log id ")
		b.WriteString(e.LogID)
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

// Unwrap returns the base transport error, so errors.As finds
// *transport.Error too.
func (e *Error) Unwrap() error {
	if e.HTTPError == nil {
		return nil
	}
	return e.HTTPError
}

// wireError is Fintecture's error body. status comes as a string or a
// number, and entries carry "message" or "detail".
type wireError struct {
	Status json.RawMessage `json:"status"`
	Code   json.RawMessage `json:"code"`
	LogID  json.RawMessage `json:"log_id"`
	Errors []struct {
		Code    json.RawMessage `json:"code"`
		Title   string          `json:"title"`
		Message string          `json:"message"`
		Detail  string          `json:"detail"`
	} `json:"errors"`
}

// decodeError is the transport's DecodeError: it wraps base with what
// Fintecture's error body says, scrubbing secrets from every string. A body
// that is not Fintecture's JSON (an HTML proxy page) leaves just the base.
func decodeError(base *transport.Error, body []byte, secrets []string) error {
	clean := func(s string) string { return clean(s, secrets) }
	e := &Error{HTTPError: base}
	var w wireError
	if len(bytes.TrimSpace(body)) > 0 && json.Unmarshal(body, &w) == nil {
		e.Code = clean(scalar(w.Code))
		e.LogID = clean(scalar(w.LogID))
		for _, d := range w.Errors {
			if len(e.Details) == transport.MaxProviderItems {
				break
			}
			msg := d.Message
			if msg == "" {
				msg = d.Detail
			}
			e.Details = append(e.Details, ErrorDetail{Code: clean(scalar(d.Code)), Title: clean(d.Title), Message: clean(msg)})
		}
	}
	return e
}

// clean makes a string from the server safe to show: redacted, on one line
// and bounded (transport.ProviderText, the rule of every paykit package).
func clean(s string, secrets []string) string { return transport.ProviderText(s, secrets) }

// scalar is the text of a JSON string, number or bool; "" for anything else.
func scalar(raw json.RawMessage) string {
	s, _ := transport.JSONScalar(raw)
	return s
}

func invalid(field, rule string) error {
	return &paykit.ValidationError{Provider: "fintecture", Field: field, Rule: rule}
}
