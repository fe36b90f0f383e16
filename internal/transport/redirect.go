package transport

import (
	"net/http"

	"github.com/paykit-go/paykit"
)

// ErrRedirect is paykit.ErrRedirect.
var ErrRedirect = paykit.ErrRedirect

// RedirectError is paykit.RedirectError.
type RedirectError = paykit.RedirectError

// refuseRedirect is the CheckRedirect of every client's copy of its
// http.Client: it stops at the first redirect and names it.
func refuseRedirect(req *http.Request, _ []*http.Request) error {
	e := &RedirectError{Host: CleanText(req.URL.Host, nil, 255)}
	if req.Response != nil {
		e.StatusCode = req.Response.StatusCode
	}
	return e
}

func (c *Client) invalid(field, rule string) error {
	return &paykit.ValidationError{Provider: c.cfg.Provider, Field: field, Rule: rule}
}
