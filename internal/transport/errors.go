package transport

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// ErrResponseTooLarge is wrapped by the error returned when a response body
// exceeds the configured cap.
var ErrResponseTooLarge = errors.New("response body exceeds the size limit")

// Error is a call that got an HTTP answer it could not accept: a non-2xx
// status, or a 2xx whose body could not be read or decoded. Provider errors
// wrap it, so errors.As(err, &*transport.Error) works on all of them.
type Error struct {
	// Method and Path name the call (the path without its query).
	Method, Path string
	// StatusCode is the HTTP status of the last attempt.
	StatusCode int
	// Header holds the response headers of the last attempt.
	Header http.Header
	// RequestID is the provider's id for the request, when it sent one.
	RequestID string
	// IdempotencyKey is the key every attempt carried ("" when none).
	IdempotencyKey string
	// Attempts is how many tries paykit made: each try is one round trip
	// through the http.Client, whether or not it reached the wire.
	Attempts int
	// Sends is how many times the request was written to a connection. It
	// can exceed Attempts: net/http resends a request by itself when a
	// reused keep-alive connection breaks before any answer, for methods it
	// deems idempotent and requests carrying an idempotency key.
	Sends int
	// Excerpt is the start of the response body, secrets redacted.
	Excerpt string
	// Reason says what was wrong when the status alone does not (a 2xx with
	// an unreadable body, an oversized body).
	Reason string
	// Err is the underlying cause, if any (a JSON error, ErrResponseTooLarge).
	Err error
}

// Error describes the failure in one line, without secrets.
func (e *Error) Error() string {
	var b strings.Builder
	e.WriteStatusLine(&b)
	if e.Reason != "" {
		b.WriteString(": ")
		b.WriteString(e.Reason)
	}
	if e.RequestID != "" {
		b.WriteString(" (request id ")
		b.WriteString(ProviderText(e.RequestID, nil))
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
func (e *Error) WriteStatusLine(b *strings.Builder) {
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
func (e *Error) GoString() string { return e.Error() }

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Temporary reports whether the status is one a later try may not repeat
// (429 and 5xx).
func (e *Error) Temporary() bool { return e.StatusCode == 429 || e.StatusCode >= 500 }

// NetworkError is a call that got no usable HTTP answer: the connection could
// not be made, broke, or timed out.
type NetworkError struct {
	// Method and Path name the call (the path without its query).
	Method, Path string
	// MayHaveReachedServer is false only when the request certainly never
	// left (the dial failed). When true, the provider may have acted on it:
	// look the operation up before trying again without an idempotency key.
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
	// Err is the cause from net/http.
	Err error

	// secrets sits behind a pointer: fmt reaches a wrapped error's fields by
	// reflection, and prints a pointer there as an address.
	secrets *[]string // scrubbed from Err's text (it quotes the URL)
}

// Error describes the failure and whether the request may have been acted on.
func (e *NetworkError) Error() string {
	where := "request never reached the server"
	if e.MayHaveReachedServer {
		where = "request may have reached the server"
	}
	return fmt.Sprintf("%s %s: %s (%s)", e.Method, e.Path, redactString(e.Err.Error(), e.secretList()), where)
}

func (e *NetworkError) secretList() []string {
	if e.secrets == nil {
		return nil
	}
	return *e.secrets
}

// GoString makes %#v print the same safe line.
func (e *NetworkError) GoString() string { return e.Error() }

// Unwrap returns the cause.
func (e *NetworkError) Unwrap() error { return e.Err }

var (
	// "key": "value" pairs whose value is a secret, in JSON.
	reSecretJSON = regexp.MustCompile(`(?i)("(?:[a-z_]*token|[a-z_]*secret[a-z_]*|password|cvv|security_?code|card_?number|cardNumber|api_?key|apiKey|secretKey|private_?key|authorization)"\s*:\s*)"(?:[^"\\]|\\.)*"`)
	// key=value pairs whose value is a secret, in forms and query strings.
	reSecretForm = regexp.MustCompile(`(?i)\b((?:[a-z_]*token|[a-z_]*secret|password|cvv|api_?key|card_?number)=)[^&\s"]+`)
	// Bearer and Basic credentials.
	reAuthValue = regexp.MustCompile(`(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{6,}`)
	// Runs of 13 to 19 digits (optionally grouped) that pass the Luhn check
	// are card numbers.
	rePAN = regexp.MustCompile(`\b(?:\d[ -]?){12,18}\d\b`)
	// PEM blocks.
	rePEM = regexp.MustCompile(`-----BEGIN [A-Z ]+-----[\s\S]*?(?:-----END [A-Z ]+-----|$)`)
)

// Redact removes what looks like a secret from s: the exact strings in
// secrets, token/secret/password/CVV/card-number values in JSON and forms,
// Bearer and Basic credentials, digit runs shaped like card numbers and PEM
// blocks.
func Redact(s string, secrets []string) string { return redactString(s, secrets) }

func redactString(s string, secrets []string) string {
	for _, sec := range secrets {
		if len(sec) >= minSecretLen {
			s = strings.ReplaceAll(s, sec, "[redacted]")
		}
	}
	// Each pattern runs only when s could hold a match. The checks are
	// exact for ASCII; text with other bytes runs every pattern, since (?i)
	// also folds letters such as U+017F and U+212A onto s and k.
	h := scan(s)
	if h.any || strings.Contains(s, "-----BEGIN ") {
		s = rePEM.ReplaceAllString(s, "[redacted key]")
	}
	if h.any || (h.quote && h.colon) {
		s = reSecretJSON.ReplaceAllString(s, `$1"[redacted]"`)
	}
	if h.any || h.equals {
		s = reSecretForm.ReplaceAllString(s, `$1[redacted]`)
	}
	if h.any || h.auth {
		s = reAuthValue.ReplaceAllString(s, `$1 [redacted]`)
	}
	if h.any || h.digits >= 13 {
		s = rePAN.ReplaceAllStringFunc(s, func(m string) string {
			if luhn(m) {
				return "[redacted number]"
			}
			return m
		})
	}
	return s
}

// hints is what one pass over a string tells redactString about which
// patterns could match in it.
type hints struct {
	any                  bool // a byte outside ASCII: run every pattern
	quote, colon, equals bool
	auth                 bool // "bearer" or "basic" in any letter case
	digits               int
}

func scan(s string) hints {
	var h hints
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 0x80:
			h.any = true
			return h
		case c >= '0' && c <= '9':
			h.digits++
		case c == '"':
			h.quote = true
		case c == ':':
			h.colon = true
		case c == '=':
			h.equals = true
		case c|0x20 == 'b' && !h.auth:
			h.auth = hasPrefixFold(s[i:], "bearer") || hasPrefixFold(s[i:], "basic")
		}
	}
	return h
}

// hasPrefixFold reports whether s starts with the lower-case ASCII word
// prefix, in any letter case.
func hasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		if s[i]|0x20 != prefix[i] {
			return false
		}
	}
	return true
}

// luhn reports whether the digits in s pass the card-number checksum, so
// long numeric ids that are not card numbers stay readable.
func luhn(s string) bool {
	sum, n := 0, 0
	for i := len(s) - 1; i >= 0; i-- {
		c := s[i]
		if c < '0' || c > '9' {
			continue
		}
		d := int(c - '0')
		if n%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		n++
	}
	return n >= 13 && sum%10 == 0
}

// excerpt returns the redacted start of body, on one line, at most
// DefaultErrorExcerpt bytes long.
func excerpt(body []byte, secrets []string) string {
	if len(body) == 0 {
		return ""
	}
	cut := body
	truncated := false
	if len(cut) > 4*DefaultErrorExcerpt {
		cut, truncated = cut[:4*DefaultErrorExcerpt], true
	}
	s := redactString(string(cut), secrets)
	s = dropControl(strings.Join(strings.Fields(s), " "))
	if len(s) > DefaultErrorExcerpt {
		s, truncated = s[:DefaultErrorExcerpt], true
	}
	s = strings.ToValidUTF8(s, "")
	if truncated {
		s += "…"
	}
	return s
}
