package transport

import (
	"errors"
	"net/http"
	"strconv"
)

// ErrRedirect is matched (errors.Is) by every RedirectError.
var ErrRedirect = errors.New("redirect refused")

// RedirectError is the cause (Error.Err) of a call whose answer was a
// redirect. No provider API redirects, and following one would send the
// request again, body and credentials included, to wherever the answer
// points: a card number to another host, or the Authorization header to
// another port. So nothing is followed and nothing is sent there.
type RedirectError struct {
	// StatusCode is the redirect's status (301, 302, 303, 307, 308).
	StatusCode int
	// Host is the host (and port) the redirect pointed to; the rest of the
	// target, its query above all, is not kept.
	Host string
}

// Error reads "refused a 302 redirect to other.example: provider APIs do
// not redirect and paykit sends nothing there".
func (e *RedirectError) Error() string {
	host := e.Host
	if host == "" {
		host = "an unknown host"
	}
	return "refused a " + strconv.Itoa(e.StatusCode) + " redirect to " + host +
		": provider APIs do not redirect and paykit sends nothing there"
}

// Is makes errors.Is(err, ErrRedirect) true.
func (e *RedirectError) Is(target error) bool { return target == ErrRedirect }

// refuseRedirect is the CheckRedirect of every client's copy of its
// http.Client: it stops at the first redirect and names it.
func refuseRedirect(req *http.Request, _ []*http.Request) error {
	e := &RedirectError{Host: CleanText(req.URL.Host, nil, 255)}
	if req.Response != nil {
		e.StatusCode = req.Response.StatusCode
	}
	return e
}

// InvalidError is what the transport returns for a request it refuses before
// sending when the Config has no Invalid hook: Field names what is wrong,
// Rule what it must be.
type InvalidError struct {
	Field, Rule string
}

// Error reads "<field>: <rule>".
func (e *InvalidError) Error() string { return e.Field + ": " + e.Rule }

func (c *Client) invalid(field, rule string) error {
	if c.cfg.Invalid != nil {
		return c.cfg.Invalid(field, rule)
	}
	return &InvalidError{Field: field, Rule: rule}
}
