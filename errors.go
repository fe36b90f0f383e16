package paykit

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/paykit-go/paykit/internal/safefmt"
)

// ErrResponseTooLarge is the cause (HTTPError.Err) of a call whose answer
// was larger than the client's body limit. The body is never read whole.
var ErrResponseTooLarge = errors.New("response body exceeds the size limit")

// ErrRedirect is matched by errors.Is on the error of a call whose answer
// was a redirect (see RedirectError).
var ErrRedirect = errors.New("redirect refused")

// HTTPError is a call that got an HTTP answer it could not accept: a non-2xx
// status, or a 2xx whose body could not be read or decoded.
//
// Every provider package's Error embeds it, so its fields are fields of
// mercadopago.Error, finrota.Error, fintecture.Error and etpay.Error, and
// errors.As(err, &httpErr) with a *HTTPError works on all of them.
type HTTPError struct {
	// Method and Path name the call (the path without its query).
	Method, Path string
	// StatusCode is the HTTP status of the last attempt.
	StatusCode int
	// Header holds the response headers of the last attempt.
	Header http.Header
	// RequestID is the provider's id for the request, when it sent one
	// (bounded, on one line).
	RequestID string
	// IdempotencyKey is the key every attempt carried ("" when none). Repeat
	// the call with it to make the repeat safe.
	IdempotencyKey string
	// Attempts is how many tries paykit made: each try is one round trip
	// through the http.Client, whether or not it reached the wire.
	Attempts int
	// Sends is how many times the request was written to a connection. It
	// can exceed Attempts: net/http resends a request by itself when a
	// reused keep-alive connection breaks before any answer, for methods it
	// deems idempotent and requests carrying an idempotency key.
	Sends int
	// Excerpt is the start of the response body, secrets redacted, on one
	// line.
	Excerpt string
	// Reason says what was wrong when the status alone does not (a 2xx with
	// an unreadable body, an oversized body, a redirect).
	Reason string
	// Err is the underlying cause, if any: a JSON error, ErrResponseTooLarge,
	// a *RedirectError.
	Err error
}

// Error describes the failure in one line, without secrets.
func (e *HTTPError) Error() string {
	var b strings.Builder
	e.WriteStatusLine(&b)
	if e.Reason != "" {
		b.WriteString(": ")
		b.WriteString(e.Reason)
	}
	if e.RequestID != "" {
		b.WriteString(" (request id ")
		b.WriteString(e.RequestID)
		b.WriteByte(')')
	}
	if e.Excerpt != "" {
		b.WriteString(": ")
		b.WriteString(e.Excerpt)
	}
	return b.String()
}

// WriteStatusLine writes "METHOD /path: 404 Not Found", the start every
// provider's error message shares.
func (e *HTTPError) WriteStatusLine(b *strings.Builder) {
	b.WriteString(e.Method)
	b.WriteByte(' ')
	b.WriteString(e.Path)
	b.WriteString(": ")
	if e.StatusCode != 0 {
		b.WriteString(strconv.Itoa(e.StatusCode))
		if t := http.StatusText(e.StatusCode); t != "" {
			b.WriteByte(' ')
			b.WriteString(t)
		}
	}
}

// GoString makes %#v print the same safe line.
func (e *HTTPError) GoString() string { return e.Error() }

// Format writes Error() for every fmt verb, so no verb reaches the headers
// or the cause by reflection. A provider's error that embeds *HTTPError has
// a Format of its own, or this one would print only the base.
func (e HTTPError) Format(f fmt.State, verb rune) { safefmt.Text(f, verb, e.Error()) }

// Unwrap returns the underlying cause.
func (e *HTTPError) Unwrap() error { return e.Err }

// Temporary reports whether the status is one a later try may not repeat
// (429 and 5xx).
func (e *HTTPError) Temporary() bool { return e.StatusCode == 429 || e.StatusCode >= 500 }

// NetworkError is a call that got no usable HTTP answer: the connection could
// not be made, broke, or timed out. Every provider package returns it as is.
type NetworkError struct {
	// Method and Path name the call (the path without its query).
	Method, Path string
	// MayHaveReachedServer is false only when the request certainly never
	// left (the dial failed). When true, the provider may have acted on it:
	// look the operation up, or repeat it with the same IdempotencyKey,
	// before trying again.
	MayHaveReachedServer bool
	// IdempotencyKey is the key every attempt carried ("" when none); repeat
	// the call with it to make the repeat safe.
	IdempotencyKey string
	// Attempts is how many tries paykit made: each try is one round trip
	// through the http.Client, whether or not it reached the wire.
	Attempts int
	// Sends is how many times the request was written to a connection (0:
	// it never left). It can exceed Attempts when net/http resent it by
	// itself on a reused connection that broke.
	Sends int
	// Err is the cause from net/http. Its text has the client's secrets
	// (which a URL may carry) redacted; errors.As and errors.Is reach the
	// original (a *url.Error, context.DeadlineExceeded) through it.
	Err error
}

// Error describes the failure and whether the request may have been acted on.
func (e *NetworkError) Error() string {
	where := "request never reached the server"
	if e.MayHaveReachedServer {
		where = "request may have reached the server"
	}
	cause := "network error"
	if e.Err != nil {
		cause = e.Err.Error()
	}
	return e.Method + " " + e.Path + ": " + cause + " (" + where + ")"
}

// GoString makes %#v print the same safe line.
func (e *NetworkError) GoString() string { return e.Error() }

// Format writes Error() for every fmt verb: no verb reaches the cause by
// reflection.
func (e NetworkError) Format(f fmt.State, verb rune) { safefmt.Text(f, verb, e.Error()) }

// Unwrap returns the cause.
func (e *NetworkError) Unwrap() error { return e.Err }

// RedirectError is the cause (HTTPError.Err) of a call whose answer was a
// redirect. No provider API redirects, and following one would send the
// request again, body and credentials included, to wherever the answer
// points: a card number to another host, or the Authorization header to
// another port. So nothing is followed and nothing is sent there, and the
// call is never retried.
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

// ValidationError is a request refused before anything was sent: a field is
// missing or malformed, an id is empty or a dot segment, a header value or
// idempotency key holds a control character. Nothing reached the provider,
// so fixing the field and calling again is always safe.
type ValidationError struct {
	// Provider is the package that refused the request ("mercadopago",
	// "finrota", "fintecture", "etpay").
	Provider string
	// Field is the JSON path or argument at fault ("payer.email", "id").
	Field string
	// Rule is what the field must satisfy ("must be a valid email address").
	Rule string
}

// Error reads "mercadopago: payer.email: must be a valid email address".
func (e *ValidationError) Error() string {
	if e.Provider == "" {
		return e.Field + ": " + e.Rule
	}
	return e.Provider + ": " + e.Field + ": " + e.Rule
}
