package transport

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit/internal/leaktest"
)

// cleanEveryStep is CleanText without the tidy shortcut.
func cleanEveryStep(s string, secrets []string, max int) string {
	s, cut := window(s, max)
	s = Redact(s, secrets)
	s = strings.Join(strings.Fields(s), " ")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || (r >= 0x7f && r < 0xa0) {
			return -1
		}
		return r
	}, s)
	if len(s) > max {
		s, cut = strings.ToValidUTF8(s[:max], ""), true
	}
	if cut {
		s += "…"
	}
	return s
}

const cleanMax = 40

var cleanSeeds = []string{
	"", "TX-1001", "Kart limiti yetersiz", "two  spaces", " lead", "trail ", "tab\there",
	"new\nline", "bell\x07", "del\x7f", "İşlem başarısız", strings.Repeat("a", cleanMax),
	strings.Repeat("a", cleanMax+1), strings.Repeat("ş", cleanMax), "secret-api-key in text",
	"card 4155650100416111", "c1 \u0085next \u009b31m csi", "latin £ ° ü",
	strings.Repeat("word ", 64*cleanMax/5+3), strings.Repeat("x", 64*cleanMax+1),
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
		"csi \u009b31m red":            "csi 31m red",
	} {
		if got := CleanText(in, secrets, cleanMax); got != want {
			t.Errorf("CleanText(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCleanTextReadsOnlyAWindow: a huge string costs no more than its
// start, and a secret cut in two at the window's end is not half shown.
func TestCleanTextReadsOnlyAWindow(t *testing.T) {
	const secret = "secret-api-key-0123456789"
	w := 64 * cleanMax
	// Spaces fold away, so text past the window could reach the output.
	s := strings.Repeat(" ", w-10) + secret + " tail"
	got := CleanText(s, []string{secret}, cleanMax)
	if strings.Contains(got, "secret-api") || got != "…" {
		t.Errorf("CleanText = %q: the cut secret must not show", got)
	}
	if got := CleanText(strings.Repeat("ab ", 4<<20), nil, cleanMax); len(got) > cleanMax+len("…") {
		t.Errorf("CleanText of 12 MB = %d bytes", len(got))
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

// TestErrorTextIsOneBoundedLine: the transport's own error text (the
// excerpt of a body it could not use, the request id) is one bounded line
// whatever the answer holds.
func TestErrorTextIsOneBoundedLine(t *testing.T) {
	huge := strings.Repeat("overflow ", 1<<20)
	body := "bad gateway\x00\x1b[2J\r\nlevel=INFO msg=forged \u0085\u009b31m " + huge
	c, mt, _ := newMocked(t, func(cfg *Config) { cfg.MaxRetries = 0 })
	answer := func(status int) httpmock.Responder {
		return func(*http.Request) (*http.Response, error) {
			resp := httpmock.NewStringResponse(status, body)
			resp.Header.Set("X-Request-Id", "req\u0085"+huge)
			return resp, nil
		}
	}
	mt.RegisterResponder("GET", testBase+"/status", answer(502))
	mt.RegisterResponder("GET", testBase+"/garbled", answer(200))
	for _, path := range []string{"/status", "/garbled"} {
		var out struct{}
		_, err := c.Do(context.Background(), &Request{Method: "GET", Path: path}, &out)
		require.Error(t, err)
		leaktest.CheckLine(t, path, err.Error())
		assert.LessOrEqual(t, len(err.Error()), 2*DefaultErrorExcerpt)
	}
}
