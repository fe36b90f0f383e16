package transport

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/paykit-go/paykit"
)

// The shared vocabulary lives in the root paykit package; these names let
// the engine's code read as before.
type (
	// Error is paykit.HTTPError.
	Error = paykit.HTTPError
	// NetworkError is paykit.NetworkError.
	NetworkError = paykit.NetworkError
)

// ErrResponseTooLarge is paykit.ErrResponseTooLarge.
var ErrResponseTooLarge = paykit.ErrResponseTooLarge

// redactedCause is a NetworkError's cause with the call's secrets (a URL
// can carry one) scrubbed from its text; errors.As and errors.Is still reach
// the original through Unwrap. The secrets sit behind a pointer: fmt
// reaches a wrapped error's fields by reflection, and prints a pointer
// there as an address.
type redactedCause struct {
	err     error
	secrets *[]string
}

func newRedactedCause(err error, secrets []string) error {
	if err == nil {
		return nil
	}
	return &redactedCause{err: err, secrets: &secrets}
}

func (e *redactedCause) Error() string { return redactString(e.err.Error(), *e.secrets) }

func (e *redactedCause) Unwrap() error { return e.err }

// Format writes Error() for every verb (see FormatText).
func (e *redactedCause) Format(f fmt.State, verb rune) { FormatText(f, verb, e.Error()) }

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
