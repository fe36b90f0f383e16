package fintecture

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/paykit-go/paykit/internal/httpsig"
)

// BenchmarkWebhookVerify measures Verify on the OpenSSL-made vector (one
// RSA-2048 OAEP decryption, a SHA-256 digest and the form decoding), next to
// the bare RSA decryption it cannot avoid.
func BenchmarkWebhookVerify(b *testing.B) {
	v := testVerifier(b)
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
