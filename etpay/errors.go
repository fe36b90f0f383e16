package etpay

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/transport"
)

// Error is a non-2xx answer from ETpay (or a 2xx whose body could not be
// used). StatusCode, RequestID, Header and Attempts come from the shared
// transport error; Code and Message are what ETpay's body said, when it said
// it in a shape we recognise. errors.As finds it for every API failure.
type Error struct {
	*paykit.HTTPError
	// Code is a machine-readable code from the body ("code" or "error"), if any.
	Code string
	// Message is the human-readable text from the body ("message", "detail",
	// "msg" or a string "error"), if any.
	//
	// Both are provider text: secrets redacted, on one line, without
	// control characters and cut to a bounded length.
	Message string
}

// Error describes the failure on one line, without credentials.
func (e *Error) Error() string {
	if e == nil || e.HTTPError == nil {
		return "etpay: error"
	}
	s := "etpay: " + e.HTTPError.Error()
	if e.Message != "" && !strings.Contains(e.HTTPError.Excerpt, e.Message) {
		s += ": " + e.Message
	}
	return s
}

// GoString makes %#v print the same safe line.
func (e *Error) GoString() string { return e.Error() }

// Format writes Error() for every verb (%d, %x, %+v… as %s does, %q
// quoted), so no verb prints the fields by reflection and the embedded
// transport error's Format does not stand in for this one.
func (e Error) Format(f fmt.State, verb rune) { transport.FormatText(f, verb, e.Error()) }

// Unwrap returns the shared transport error.
func (e *Error) Unwrap() error { return e.HTTPError }

// decodeError reads whatever ETpay said. Its error body is not documented
// publicly, so every common key is tried and nothing is required.
func decodeError(base *transport.Error, body []byte, secrets []string) error {
	e := &Error{HTTPError: base}
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return e
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return e
	}
	for _, k := range []string{"message", "detail", "msg", "error_description"} {
		if v, ok := looseString(m[k]); ok && v != "" {
			e.Message = v
			break
		}
	}
	for _, k := range []string{"code", "error_code"} {
		if v, ok := looseString(m[k]); ok && v != "" {
			e.Code = v
			break
		}
	}
	if v, ok := looseString(m["error"]); ok && v != "" {
		switch {
		case e.Message == "":
			e.Message = v
		case e.Code == "":
			e.Code = v
		}
	}
	// Provider text: redacted, on one line and bounded, as in every paykit
	// package.
	e.Message = transport.ProviderText(e.Message, secrets)
	e.Code = transport.ProviderText(e.Code, secrets)
	return e
}

// looseString reads a JSON string, number or bool as text.
func looseString(raw json.RawMessage) (string, bool) { return transport.JSONScalar(raw) }

func invalid(field, rule string) error {
	return &paykit.ValidationError{Provider: "etpay", Field: field, Rule: rule}
}
