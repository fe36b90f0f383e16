package transport

import (
	"encoding/json"
	"strings"
	"testing"
)

// redactEveryPattern is redactString without the pre-scan: every pattern
// runs on every string. The fast path must never differ from it.
func redactEveryPattern(s string, secrets []string) string {
	for _, sec := range secrets {
		if len(sec) >= 4 {
			s = strings.ReplaceAll(s, sec, "[redacted]")
		}
	}
	s = rePEM.ReplaceAllString(s, "[redacted key]")
	s = reSecretJSON.ReplaceAllString(s, `$1"[redacted]"`)
	s = reSecretForm.ReplaceAllString(s, `$1[redacted]`)
	s = reAuthValue.ReplaceAllString(s, `$1 [redacted]`)
	return rePAN.ReplaceAllStringFunc(s, func(m string) string {
		if luhn(m) {
			return "[redacted number]"
		}
		return m
	})
}

var redactSeeds = []string{
	"",
	"TX-20240101-0001",
	"4155650100416111",
	"card 4155 6501 0041 6111 declined",
	`{"access_token":"APP_USR-123","status":"approved"}`,
	`{"Token" : "abc"}`,
	"client_secret=s3cr3t&grant_type=client_credentials",
	"Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig",
	"BASIC dXNlcjpwYXNz",
	"-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----",
	"-----BEGIN RSA PRIVATE KEY----- cut off",
	"baſic dXNlcjpwYXNzd29yZA==",             // U+017F folds onto s under (?i)
	`{"toKen":"value"}`,                      // U+212A folds onto k under (?i)
	"İşlem başarısız: kart 4155650100416111", // non-ASCII text with a card number
	"1234567890123",
	"b", "bea", "bas", "=", `"`, ":",
}

func TestRedactFastPathMatchesEveryPattern(t *testing.T) {
	for _, s := range redactSeeds {
		got, want := redactString(s, []string{"APP_USR-123"}), redactEveryPattern(s, []string{"APP_USR-123"})
		if got != want {
			t.Errorf("redactString(%q)\n got  %q\n want %q", s, got, want)
		}
	}
	// The cases the pre-scan must not skip.
	for in, mustNotContain := range map[string]string{
		"baſic dXNlcjpwYXNzd29yZA==":          "dXNlcjpwYXNzd29yZA",
		`{"toKen":"value"}`:                   "value",
		"Bearer abcdefgh":                     "abcdefgh",
		"pan=4155650100416111":                "4155650100416111",
		"-----BEGIN EC PRIVATE KEY-----\nAAA": "AAA",
	} {
		if out := redactString(in, nil); strings.Contains(out, mustNotContain) {
			t.Errorf("redactString(%q) = %q, still holds %q", in, out, mustNotContain)
		}
	}
}

// FuzzRedact checks the pre-scan against running every pattern: the
// shortcut may only save work, never change the result.
func FuzzRedact(f *testing.F) {
	for _, s := range redactSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := redactString(s, nil), redactEveryPattern(s, nil); got != want {
			t.Fatalf("redactString(%q) = %q, every pattern gives %q", s, got, want)
		}
	})
}

func BenchmarkRedactIdentifier(b *testing.B) {
	b.ReportAllocs()
	for range b.N {
		_ = redactString("TX-20240101-0001", []string{"APP_USR-123"})
	}
}

var unquoteSeeds = []string{`""`, `"TX-1"`, `"a\"b"`, `"\u00e7"`, `"ç"`, `"tab	in"`, `"\/"`, `"unterminated`,
	`"two" "strings"`, `12`, `null`, `"a"b"`, `"\ud800"`, "\"\xff\"", `"`}

// FuzzUnquoteJSON holds UnquoteJSON to json.Unmarshal's answer for every
// input: the same string, and an error exactly when Unmarshal gives one.
func FuzzUnquoteJSON(f *testing.F) {
	for _, s := range unquoteSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, gotErr := UnquoteJSON(b)
		var want string
		wantErr := json.Unmarshal(b, &want)
		if (gotErr != nil) != (wantErr != nil) || (gotErr == nil && got != want) {
			t.Fatalf("UnquoteJSON(%q) = %q, %v; json.Unmarshal gives %q, %v", b, got, gotErr, want, wantErr)
		}
	})
}

func TestUnquoteJSON(t *testing.T) {
	for in, want := range map[string]string{`"TX-1"`: "TX-1", `"a\"b"`: `a"b`, `"\u00e7"`: "ç", `""`: ""} {
		got, err := UnquoteJSON([]byte(in))
		if err != nil || got != want {
			t.Errorf("UnquoteJSON(%s) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{`"unterminated`, `"a"b"`, `12`, `"`} {
		if _, err := UnquoteJSON([]byte(bad)); err == nil {
			t.Errorf("UnquoteJSON(%s) gave no error", bad)
		}
	}
}
