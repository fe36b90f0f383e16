package mercadopagotest

import (
	"testing"
	"time"
)

func TestISODuration(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"P3D": 72 * time.Hour, "PT30M": 30 * time.Minute, "PT1H30M": 90 * time.Minute, "P1DT2H": 26 * time.Hour,
		"P1W": 168 * time.Hour, "PT45S": 45 * time.Second,
	} {
		got, ok := isoDuration(in)
		if !ok || got != want {
			t.Errorf("isoDuration(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "P", "PT", "3D", "P3", "PT30", "P3M", "PTD", "P-1D", "PT0M", "P99999999D", "P1DT", "PTT1M"} {
		if d, ok := isoDuration(in); ok {
			t.Errorf("isoDuration(%q) = %v, accepted", in, d)
		}
	}
}

func FuzzISODuration(f *testing.F) {
	f.Add("P1DT2H30M")
	f.Add("PT")
	f.Fuzz(func(t *testing.T, s string) {
		if d, ok := isoDuration(s); ok && d <= 0 {
			t.Fatalf("%q accepted as %v", s, d)
		}
	})
}
