package fintecture

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/httpsig"
)

// forgetful claims each key in a real MemoryReplayStore and forgets it at
// once, so that verifying the vector over and over measures the cost of
// accepting a new delivery each time (with the default store, the second
// run would be refused as a replay).
type forgetful struct{ *paykit.MemoryReplayStore }

func (f forgetful) Claim(ctx context.Context, key string, until time.Time) (bool, error) {
	ok, err := f.MemoryReplayStore.Claim(ctx, key, until)
	if ok && err == nil {
		err = f.MemoryReplayStore.Release(ctx, key)
	}
	return ok, err
}

// BenchmarkWebhookVerify measures Verify on the OpenSSL-made vector (one
// RSA-2048 OAEP decryption, a SHA-256 digest and the form decoding), next to
// the bare RSA decryption it cannot avoid. The replay record's claim is
// included.
func BenchmarkWebhookVerify(b *testing.B) {
	store := paykit.NewMemoryReplayStore(0, paykit.WithReplayClock(func() time.Time { return testDate }))
	v := testVerifier(b, WithReplayStore(forgetful{store}))
	r := vectorRequest(b)
	body := readTestdata(b, "webhook_body.txt")
	key, err := httpsig.ParsePrivateKey(readTestdata(b, "key.pem"))
	if err != nil {
		b.Fatal(err)
	}
	sig := strings.TrimSpace(string(readTestdata(b, "webhook_signature.b64")))
	b.Run("Verify", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			r.Body = io.NopCloser(bytes.NewReader(body))
			if _, err := v.Verify(r); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("bare_DecryptOAEP", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			if _, err := httpsig.DecryptOAEP(key, sig); err != nil {
				b.Fatal(err)
			}
		}
	})
}
