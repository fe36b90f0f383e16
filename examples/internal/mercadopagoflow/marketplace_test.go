package mercadopagoflow

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/paykit-go/paykit/examples/internal/transcript"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
)

// The marketplace transcript, even verbose, shows no seller token, refresh
// token, client secret or PKCE verifier.
func TestMarketplaceTranscriptHasNoSecrets(t *testing.T) {
	var out bytes.Buffer
	tr := transcript.New(&out, true)
	if err := RunMarketplace(context.Background(), tr, false); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if checks, failed := tr.Summary(); len(failed) > 0 || checks < 6 {
		t.Fatalf("%d checks, failed %v\n%s", checks, failed, s)
	}
	for _, re := range []string{`APP_USR-[0-9a-f]{16,}`, `TG-[0-9a-f]{16,}`, `code_verifier=`, regexp.QuoteMeta(mercadopagotest.DefaultClientSecret)} {
		if m := regexp.MustCompile(re).FindString(s); m != "" {
			t.Errorf("transcript shows %q:\n%s", m, s)
		}
	}
	if !strings.Contains(s, "[redacted]") {
		t.Errorf("the token line should show the redacted form:\n%s", s)
	}
}

func TestMarketplaceIsOfflineOnly(t *testing.T) {
	t.Setenv(EnvAccessToken, "APP_USR-not-used")
	var out bytes.Buffer
	if err := RunMarketplace(context.Background(), transcript.New(&out, false), true); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "simulator only") {
		t.Errorf("live mode should say the flow needs a person at the authorization page:\n%s", out.String())
	}
}

func TestSplitAndPointAreOfflineOnly(t *testing.T) {
	t.Setenv(EnvAccessToken, "APP_USR-not-used")
	for _, f := range []func(context.Context, *transcript.T, bool) error{RunSplitPayment, RunPoint} {
		var out bytes.Buffer
		if err := f(context.Background(), transcript.New(&out, false), true); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "simulator only") {
			t.Errorf("live mode should say the flow runs on the simulator only:\n%s", out.String())
		}
	}
}
