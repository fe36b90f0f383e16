package transport

import (
	"fmt"
	"strconv"

	"github.com/paykit-go/paykit/internal/safefmt"
)

// FormatText writes text, the safe one-line description of a value, for
// any fmt verb (see package safefmt).
func FormatText(f fmt.State, verb rune, text string) { safefmt.Text(f, verb, text) }

// String names the call without its body, headers, credentials or secrets
// (the path shows "[redacted]" where it carries one of them).
func (r Request) String() string {
	return "transport.Request{" + r.Method + " " + Redact(r.Path, r.Secrets) + "}"
}

// Format writes String for every verb (see FormatText).
func (r Request) Format(f fmt.State, verb rune) { FormatText(f, verb, r.String()) }

// String names the provider and the API root, nothing it authenticates with.
func (c Config) String() string {
	return "transport.Config{" + c.Provider + " " + c.BaseURL + "}"
}

// Format writes String for every verb (see FormatText).
func (c Config) Format(f fmt.State, verb rune) { FormatText(f, verb, c.String()) }

// String gives the status and the body's size: a body can hold a token (an
// OAuth answer) or card data.
func (r Response) String() string {
	return "transport.Response{" + strconv.Itoa(r.StatusCode) + ", " + strconv.Itoa(len(r.Body)) + " bytes}"
}

// Format writes String for every verb (see FormatText).
func (r Response) Format(f fmt.State, verb rune) { FormatText(f, verb, r.String()) }
