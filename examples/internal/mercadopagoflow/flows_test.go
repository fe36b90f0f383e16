package mercadopagoflow

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/paykit-go/paykit/examples/internal/transcript"
)

func TestFlowsOffline(t *testing.T) {
	flows := map[string]func(context.Context, *transcript.T, bool) error{
		"Run": Run, "RunCardPayment": RunCardPayment, "RunSavedCard": RunSavedCard, "RunFintoc": RunFintoc, "RunRefundAndCancel": RunRefundAndCancel,
		"RunCard3DS": RunCard3DS, "RunCheckoutPro": RunCheckoutPro,
		"RunOrders": RunOrders, "RunMarketplace": RunMarketplace,
		"RunSplitPayment": RunSplitPayment, "RunPoint": RunPoint,
	}
	for name, f := range flows {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // a hang guard
			defer cancel()
			var out bytes.Buffer
			tr := transcript.New(&out, true)
			if err := f(ctx, tr, false); err != nil {
				t.Fatalf("%s: %v\n%s", name, err, out.String())
			}
			checks, failed := tr.Summary()
			if len(failed) > 0 || checks == 0 {
				t.Fatalf("%d checks, failed: %v\n%s", checks, failed, out.String())
			}
			if strings.Contains(out.String(), "TEST-0000") || strings.Contains(out.String(), webhookSecret) {
				t.Fatalf("a secret reached the transcript:\n%s", out.String())
			}
		})
	}
}

func TestFintocRejectedByAmount(t *testing.T) {
	var out bytes.Buffer
	tr := transcript.New(&out, false)
	if err := RunFintoc(context.Background(), tr, false); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{"amount 10701 (ends 01) is approved", "amount 10703 (ends 03) is rejected"} {
		if !strings.Contains(s, want) {
			t.Errorf("transcript lacks %q:\n%s", want, s)
		}
	}
}

func TestLiveNeedsCredentials(t *testing.T) {
	t.Setenv(EnvAccessToken, "")
	if err := Run(context.Background(), transcript.New(&bytes.Buffer{}, false), true); err == nil || !strings.Contains(err.Error(), EnvAccessToken) {
		t.Fatalf("got %v", err)
	}
}
