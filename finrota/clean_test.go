package finrota

import (
	"strings"
	"testing"

	"github.com/paykit-go/paykit/internal/transport"
)

// cleanEveryStep is clean without the tidy shortcut.
func cleanEveryStep(s string, secrets []string) string {
	s = transport.Redact(s, secrets)
	s = strings.Join(strings.Fields(s), " ")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	if len(s) > maxFieldLen {
		s = strings.ToValidUTF8(s[:maxFieldLen], "") + "…"
	}
	return s
}

var cleanSeeds = []string{
	"", "TX-1001", "Kart limiti yetersiz", "two  spaces", " lead", "trail ", "tab\there",
	"new\nline", "bell\x07", "del\x7f", "İşlem başarısız", strings.Repeat("a", maxFieldLen),
	strings.Repeat("a", maxFieldLen+1), "secret-api-key in text", "card 4155650100416111",
}

func TestCleanShortcutMatchesEveryStep(t *testing.T) {
	secrets := []string{"secret-api-key"}
	for _, s := range cleanSeeds {
		if got, want := clean(s, secrets), cleanEveryStep(s, secrets); got != want {
			t.Errorf("clean(%q) = %q, want %q", s, got, want)
		}
	}
	if got := clean("TX-1001", nil); got != "TX-1001" {
		t.Errorf("an id came back changed: %q", got)
	}
}

// FuzzClean checks that the tidy shortcut never changes what clean returns.
func FuzzClean(f *testing.F) {
	for _, s := range cleanSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := clean(s, nil), cleanEveryStep(s, nil); got != want {
			t.Fatalf("clean(%q) = %q, want %q", s, got, want)
		}
	})
}
