package transport

import (
	"fmt"
	"io"
	"strconv"
)

// FormatText writes text, the safe one-line description of a value, for
// any fmt verb. %v, %s, %x, %X and %q format text as fmt formats a string
// (flags, width and precision kept), %#v writes it as it is (as GoString
// would), and every other verb (%d, %t, %e, %c…) writes it as %s does.
//
// fmt calls Error and String only for %v, %s, %x, %X and %q; for any other
// verb it prints a struct's fields by reflection, unexported ones included.
// A type that holds a secret therefore gets a Format method that calls
// FormatText, with a value receiver when the type holds no lock, so that the
// value prints as safely as the pointer.
func FormatText(f fmt.State, verb rune, text string) {
	switch verb {
	case 'v':
		if f.Flag('#') {
			_, _ = io.WriteString(f, text)
			return
		}
	case 's', 'q', 'x', 'X':
	default:
		verb = 's'
	}
	_, _ = fmt.Fprintf(f, fmt.FormatString(f, verb), text)
}

// Format writes Error() for every verb (see FormatText), so no verb reaches
// the headers or the cause by reflection. A provider's error that embeds
// *Error has a Format of its own, or this one would print only the base.
func (e Error) Format(f fmt.State, verb rune) { FormatText(f, verb, e.Error()) }

// Format writes Error() for every verb (see FormatText): the cause's text
// quotes the URL, and only Error() scrubs the secrets out of it.
func (e NetworkError) Format(f fmt.State, verb rune) {
	if e.Err == nil {
		// Error() reads the cause; a NetworkError made by hand may lack one.
		FormatText(f, verb, e.Method+" "+e.Path+": network error")
		return
	}
	FormatText(f, verb, e.Error())
}

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
