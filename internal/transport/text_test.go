package transport

import (
	"strings"
	"testing"
)

// cleanEveryStep is CleanText without the tidy shortcut.
func cleanEveryStep(s string, secrets []string, max int) string {
	s = Redact(s, secrets)
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

const cleanMax = 40

var cleanSeeds = []string{
	"", "TX-1001", "Kart limiti yetersiz", "two  spaces", " lead", "trail ", "tab\there",
	"new\nline", "bell\x07", "del\x7f", "İşlem başarısız", strings.Repeat("a", cleanMax),
	strings.Repeat("a", cleanMax+1), strings.Repeat("ş", cleanMax), "secret-api-key in text",
	"card 4155650100416111",
}

func TestCleanText(t *testing.T) {
	secrets := []string{"secret-api-key"}
	for _, s := range cleanSeeds {
		if got, want := CleanText(s, secrets, cleanMax), cleanEveryStep(s, secrets, cleanMax); got != want {
			t.Errorf("CleanText(%q) = %q, want %q", s, got, want)
		}
	}
	for in, want := range map[string]string{
		"TX-1001":                      "TX-1001",
		" a \t b\n\x07c ":              "a b c",
		"secret-api-key in text":       "[redacted] in text",
		strings.Repeat("ş", cleanMax):  strings.Repeat("ş", cleanMax/2) + "…",
		"Bearer abcdefghijk was wrong": "Bearer [redacted] was wrong",
	} {
		if got := CleanText(in, secrets, cleanMax); got != want {
			t.Errorf("CleanText(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzCleanText checks that the tidy shortcut never changes the result.
func FuzzCleanText(f *testing.F) {
	for _, s := range cleanSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := CleanText(s, nil, cleanMax), cleanEveryStep(s, nil, cleanMax); got != want {
			t.Fatalf("CleanText(%q) = %q, want %q", s, got, want)
		}
	})
}

func TestJSONScalar(t *testing.T) {
	for in, want := range map[string]string{
		`"abc"`: "abc", ` "a\"b" `: `a"b`, `12`: "12", `-1.5e3`: "-1.5e3", `true`: "true", `false`: "false",
	} {
		if got, ok := JSONScalar([]byte(in)); !ok || got != want {
			t.Errorf("JSONScalar(%s) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{``, ` `, `null`, `{}`, `[1]`, `"open`, `12abc`, `tru`, `1 2`} {
		if got, ok := JSONScalar([]byte(in)); ok || got != "" {
			t.Errorf("JSONScalar(%s) = %q, %v; want nothing", in, got, ok)
		}
	}
}
