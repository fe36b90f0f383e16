package mercadopago_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
)

// The Mercado Pago API calls are measured in the bench module at the
// repository root, beside the official sdk-go and raw net/http; this file
// keeps the webhook verifier's benchmark, which needs no server.

// rewind is a request body that can be replayed without allocating.
type rewind struct{ *bytes.Reader }

func (rewind) Close() error { return nil }

func signedRequest(tb testing.TB) (*http.Request, rewind, []byte) {
	body := []byte(notifBody)
	r := httptest.NewRequest(http.MethodPost, "https://shop.example/mp/webhooks?data.id=123456&type=payment", nil)
	r.Header.Set("X-Signature", mercadopagotest.SignNotification(whSecret, "123456", "req-abc", whNow))
	r.Header.Set("X-Request-Id", "req-abc")
	return r, rewind{bytes.NewReader(body)}, body
}

// BenchmarkWebhookVerify measures Verify (the issue asks for at most 10
// allocations), next to a hand-written HMAC check with net/http and
// encoding/json.
func BenchmarkWebhookVerify(b *testing.B) {
	v := newVerifier(b)
	r, body, raw := signedRequest(b)
	b.Run("verifier", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			body.Reset(raw)
			r.Body = body
			if _, err := v.Verify(r); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("raw_hmac_json", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			body.Reset(raw)
			r.Body = body
			if !rawVerify(r) {
				b.Fatal("raw verify failed")
			}
		}
	})
}

func TestVerifyAllocations(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation count")
	}
	v := newVerifier(t)
	r, body, raw := signedRequest(t)
	allocs := testing.AllocsPerRun(200, func() {
		body.Reset(raw)
		r.Body = body
		if _, err := v.Verify(r); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("Verify: %.0f allocations", allocs)
	if allocs > 10 {
		t.Fatalf("Verify made %.0f allocations, want at most 10", allocs)
	}
}
