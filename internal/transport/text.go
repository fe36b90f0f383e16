package transport

import (
	"encoding/json"
	"strings"
)

// MaxProviderText bounds each piece of text a provider's answer puts in an
// error or a result (a message, a code, one cause or detail): every provider
// package cleans such text with ProviderText, so an answer of megabytes, or
// one with line breaks that would forge log lines, gives one short line.
const MaxProviderText = 256

// MaxProviderItems bounds how many entries of a list in an error answer
// (causes, details, validation errors) a provider's error keeps.
const MaxProviderItems = 20

// ProviderText is CleanText with MaxProviderText: the one rule for text a
// provider sent that ends up in an error.
func ProviderText(s string, secrets []string) string { return CleanText(s, secrets, MaxProviderText) }

// CleanText makes a string that came from a server fit for an error message
// or a field a caller will log: secrets redacted (see Redact), runs of white
// space folded to one space, control characters (C0 and C1) dropped, and at
// most max bytes kept (cut on a rune boundary, with "…" added). Only the
// start of a huge s is read (see window).
func CleanText(s string, secrets []string, max int) string {
	s, cut := window(s, max)
	s = Redact(s, secrets)
	if !tidy(s, max) {
		s = dropControl(strings.Join(strings.Fields(s), " "))
		if len(s) > max {
			s, cut = strings.ToValidUTF8(s[:max], ""), true
		}
	}
	if cut {
		s += "…"
	}
	return s
}

// window returns the start of s that CleanText reads: all of s when it is
// at most 64 times max bytes, else that much cut back to its last white
// space, so that no token or secret is cut in two (a secret's prefix would
// escape redaction). It reports whether s was cut.
func window(s string, max int) (string, bool) {
	w := 64 * max
	if len(s) <= w {
		return s, false
	}
	s = s[:w]
	if i := strings.LastIndexAny(s, " \t\n\r\v\f"); i >= 0 {
		return s[:i], true
	}
	return "", true
}

// dropControl removes C0 and C1 control characters and DEL (and turns
// invalid UTF-8 into U+FFFD, as strings.Map does).
func dropControl(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || (r >= 0x7f && r < 0xa0) {
			return -1
		}
		return r
	}, s)
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
