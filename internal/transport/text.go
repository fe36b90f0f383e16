package transport

import (
	"encoding/json"
	"strings"
)

// CleanText makes a string that came from a server fit for an error message
// or a field a caller will log: secrets redacted (see Redact), runs of white
// space folded to one space, control characters dropped, and at most max
// bytes kept (cut on a rune boundary, with "…" added).
func CleanText(s string, secrets []string, max int) string {
	s = Redact(s, secrets)
	if tidy(s, max) {
		return s
	}
	s = strings.Join(strings.Fields(s), " ")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	if len(s) > max {
		s = strings.ToValidUTF8(s[:max], "") + "…"
	}
	return s
}

// tidy reports whether CleanText has nothing to fold, drop or cut in s:
// printable ASCII within max bytes with single inner spaces, as ids and
// codes are.
func tidy(s string, max int) bool {
	if len(s) > max || (s != "" && (s[0] == ' ' || s[len(s)-1] == ' ')) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || (c == ' ' && s[i-1] == ' ') {
			return false
		}
	}
	return true
}

// JSONScalar returns the text of a JSON string, number or boolean literal
// (a string's value, a number's digits as sent), and false for null,
// objects, arrays and anything that is not one JSON value. Providers put
// ids and codes in either form; this reads both.
func JSONScalar(raw []byte) (string, bool) {
	raw = trimJSONSpace(raw)
	if len(raw) == 0 {
		return "", false
	}
	switch raw[0] {
	case '"':
		s, err := UnquoteJSON(raw)
		return s, err == nil
	case '{', '[', 'n':
		return "", false
	}
	if !json.Valid(raw) {
		return "", false
	}
	return string(raw), true
}

func trimJSONSpace(b []byte) []byte {
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}
