package httpsig

// Fixed vectors in testdata/ were produced once with OpenSSL 3.0:
//
//	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out key_pkcs8.pem
//	openssl rsa -in key_pkcs8.pem -traditional -out key_pkcs1.pem
//	openssl pkey -in key_pkcs8.pem -pubout -out pub.pem
//	openssl rsa -in key_pkcs8.pem -RSAPublicKey_out -out pub_pkcs1.pem
//	openssl req -new -x509 -key key_pkcs8.pem -subj "/CN=paykit test" -days 36500 -out cert.pem
//	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec_key.pem
//	openssl rsa -in key_pkcs8.pem -traditional -aes256 -passout pass:test -out key_encrypted_pkcs1.pem
//	openssl pkcs8 -topk8 -in key_pkcs8.pem -v2 aes256 -passout pass:test -out key_encrypted_pkcs8.pem
//	# body.json is a compact JSON payment-session body without a trailing newline
//	openssl dgst -sha256 -binary body.json | base64 -w0 | sed 's/^/SHA-256=/' > digest.txt
//	# signing_string.txt: the four lines (request-target), date, digest (from digest.txt), x-request-id; no trailing newline
//	openssl dgst -sha256 -sign key_pkcs8.pem signing_string.txt | base64 -w0 > signature.b64
//	# webhook_plain.txt: the lines date, digest, x-request-id; no trailing newline
//	openssl pkeyutl -encrypt -pubin -inkey pub.pem -pkeyopt rsa_padding_mode:oaep \
//	    -pkeyopt rsa_oaep_md:sha1 -pkeyopt rsa_mgf1_md:sha1 -in webhook_plain.txt | base64 -w0 > webhook_cipher.b64
//
// Cross-check done by hand in the other direction (Go -> OpenSSL): Sign with
// key_pkcs8.pem over a GET signing string that OpenSSL never saw
// ("(request-target): get /pis/v2/payments/44f0...\ndate: Tue, 09 Jun 2020
// 08:00:00 GMT\nx-request-id: 0b6f5f0e-..."), written by a throwaway test to
// /tmp/go_ss.txt and /tmp/go_sig.b64, then
//
//	openssl dgst -sha256 -verify pub.pem -signature <(base64 -d /tmp/go_sig.b64) /tmp/go_ss.txt
//
// printed "Verified OK" (and "Verification failure" after appending one byte
// to the string). The tests below check the same property with Verify and
// the public PEM.

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testKey is generated once per test binary.
var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

func fixedKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	k, err := ParsePrivateKey(readTestdata(t, "key_pkcs8.pem"))
	require.NoError(t, err)
	return k
}

func TestDigestMatchesOpenSSL(t *testing.T) {
	body := readTestdata(t, "body.json")
	want := strings.TrimSpace(string(readTestdata(t, "digest.txt")))
	assert.Equal(t, want, Digest(body))
	// Well-known value for the empty body.
	assert.Equal(t, "SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", Digest(nil))
	assert.Equal(t, Digest(nil), Digest([]byte{}))
}

func TestSignVerifyRoundTrip(t *testing.T) {
	k := testKey()
	s := "date: Mon, 08 Jun 2020 23:11:23 GMT\nx-request-id: 1"
	sig, err := Sign(k, s)
	require.NoError(t, err)
	require.NoError(t, Verify(&k.PublicKey, s, sig))

	// Tampered string, tampered signature, wrong key.
	assert.ErrorIs(t, Verify(&k.PublicKey, s+" ", sig), ErrVerification)
	raw := []byte(sig)
	if raw[10] == 'A' {
		raw[10] = 'B'
	} else {
		raw[10] = 'A'
	}
	assert.Error(t, Verify(&k.PublicKey, s, string(raw)))
	assert.ErrorIs(t, Verify(&fixedKey(t).PublicKey, s, sig), ErrVerification)
	assert.Error(t, Verify(&k.PublicKey, s, "not base64!"))
	assert.Error(t, Verify(nil, s, sig))
	_, err = Sign(nil, s)
	assert.Error(t, err)
}

func TestSignMatchesOpenSSLVector(t *testing.T) {
	key := fixedKey(t)
	ss := string(readTestdata(t, "signing_string.txt"))
	want := strings.TrimSpace(string(readTestdata(t, "signature.b64")))

	got, err := Sign(key, ss)
	require.NoError(t, err)
	assert.Equal(t, want, got, "PKCS#1 v1.5 is deterministic; must equal openssl dgst -sign")

	pub, err := ParsePublicKey(readTestdata(t, "pub.pem"))
	require.NoError(t, err)
	assert.NoError(t, Verify(pub, ss, want))
	assert.NoError(t, Verify(pub, ss, got))

	// The fixture really is what SigningString builds for that request.
	body := readTestdata(t, "body.json")
	h := http.Header{}
	h.Set("Date", "Mon, 08 Jun 2020 23:11:23 GMT")
	h.Set("Digest", Digest(body))
	h.Set("X-Request-ID", "88c414df-6895-48db-8ef3-1fd1ce4272c6")
	built, err := SigningString([]string{"(request-target)", "date", "digest", "x-request-id"},
		"POST", "/pis/v2/connect?redirect_uri=https%3A%2F%2Fshop.example%2Fcb&state=order-42", h)
	require.NoError(t, err)
	assert.Equal(t, ss, built)
}

func TestOAEPRoundTrip(t *testing.T) {
	k := testKey()
	plain := []byte("date: Mon, 08 Jun 2020 23:11:23 GMT\ndigest: SHA-256=abc\nx-request-id: 42")
	ct, err := EncryptOAEP(&k.PublicKey, plain)
	require.NoError(t, err)
	got, err := DecryptOAEP(k, ct)
	require.NoError(t, err)
	assert.Equal(t, plain, got)

	// OAEP is randomised.
	ct2, err := EncryptOAEP(&k.PublicKey, plain)
	require.NoError(t, err)
	assert.NotEqual(t, ct, ct2)

	// Wrong key, tampered ciphertext, bad base64, wrong length.
	_, err = DecryptOAEP(fixedKey(t), ct)
	assert.Error(t, err)
	raw := []byte(ct)
	if raw[20] == 'A' {
		raw[20] = 'B'
	} else {
		raw[20] = 'A'
	}
	_, err = DecryptOAEP(k, string(raw))
	assert.Error(t, err)
	_, err = DecryptOAEP(k, "%%%")
	assert.Error(t, err)
	_, err = DecryptOAEP(k, "AAAA")
	assert.ErrorContains(t, err, "ciphertext is 3 bytes")
	_, err = DecryptOAEP(nil, ct)
	assert.Error(t, err)
	_, err = EncryptOAEP(nil, plain)
	assert.Error(t, err)
}

func TestDecryptOAEPOpenSSLVector(t *testing.T) {
	key := fixedKey(t)
	want := readTestdata(t, "webhook_plain.txt")
	got, err := DecryptOAEP(key, string(readTestdata(t, "webhook_cipher.b64")))
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got))
	assert.True(t, strings.HasPrefix(string(got), "date: "))
}

func TestParsePrivateKeyFormats(t *testing.T) {
	k8, err := ParsePrivateKey(readTestdata(t, "key_pkcs8.pem"))
	require.NoError(t, err)
	k1, err := ParsePrivateKey(readTestdata(t, "key_pkcs1.pem"))
	require.NoError(t, err)
	assert.True(t, k8.Equal(k1), "PKCS#1 and PKCS#8 files hold the same key")

	// A certificate before the key is skipped.
	both := append(readTestdata(t, "cert.pem"), readTestdata(t, "key_pkcs8.pem")...)
	kb, err := ParsePrivateKey(both)
	require.NoError(t, err)
	assert.True(t, k8.Equal(kb))
}

func TestParsePrivateKeyErrors(t *testing.T) {
	pkcs8 := readTestdata(t, "key_pkcs8.pem")
	block := string(pkcs8)
	// Corrupt the DER but keep the PEM armour.
	lines := strings.Split(block, "\n")
	lines[3] = strings.Repeat("A", len(lines[3]))
	badDER := strings.Join(lines, "\n")

	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "no PEM block"},
		{"garbage", "this is not a key", "no PEM block"},
		{"ec key", string(readTestdata(t, "ec_key.pem")), "EC key"},
		{"encrypted pkcs1", string(readTestdata(t, "key_encrypted_pkcs1.pem")), "encrypted"},
		{"encrypted pkcs8", string(readTestdata(t, "key_encrypted_pkcs8.pem")), "encrypted"},
		{"public key", string(readTestdata(t, "pub.pem")), "no private key PEM block"},
		{"bad der", badDER, "not valid PKCS#8 DER"},
		{"bad pkcs1 der", "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n", "not valid PKCS#1 DER"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := ParsePrivateKey([]byte(tt.in))
			require.Error(t, err)
			assert.Nil(t, k)
			assert.Contains(t, err.Error(), tt.want)
			assertNoKeyMaterial(t, err.Error(), tt.in)
		})
	}
}

// assertNoKeyMaterial checks that no line of base64 from the PEM input
// (nor any 16-byte piece of one) shows up in msg.
func assertNoKeyMaterial(t *testing.T, msg, pemText string) {
	t.Helper()
	for _, line := range strings.Split(pemText, "\n") {
		line = strings.TrimSpace(line)
		if len(line) < 16 || strings.HasPrefix(line, "-----") || strings.Contains(line, ":") {
			continue
		}
		for i := 0; i+16 <= len(line); i += 8 {
			assert.NotContains(t, msg, line[i:i+16])
		}
	}
}

func TestParsePublicKeyFormats(t *testing.T) {
	priv := fixedKey(t)
	for _, f := range []string{"pub.pem", "pub_pkcs1.pem", "cert.pem"} {
		t.Run(f, func(t *testing.T) {
			pub, err := ParsePublicKey(readTestdata(t, f))
			require.NoError(t, err)
			assert.True(t, priv.PublicKey.Equal(pub))
		})
	}

	for _, tt := range []struct{ name, in, want string }{
		{"empty", "", "no PEM block"},
		{"private key", string(readTestdata(t, "key_pkcs8.pem")), "private key where a public key"},
		{"ec private", string(readTestdata(t, "ec_key.pem")), "private key where a public key"},
		{"bad der", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "not valid PKIX DER"},
		{"other block", "-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n", `saw "FOO"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParsePublicKey([]byte(tt.in))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assertNoKeyMaterial(t, err.Error(), tt.in)
		})
	}
}

func TestSigningString(t *testing.T) {
	h := http.Header{}
	h.Set("Date", "Mon, 08 Jun 2020 23:11:23 GMT")
	h.Set("X-Request-ID", "88c414df-6895-48db-8ef3-1fd1ce4272c6")

	t.Run("GET without digest", func(t *testing.T) {
		got, err := SigningString([]string{"(request-target)", "date", "x-request-id"},
			"GET", "/pis/v2/payments/44f00841780445d4981be9ea2f8aafae", h)
		require.NoError(t, err)
		assert.Equal(t, "(request-target): get /pis/v2/payments/44f00841780445d4981be9ea2f8aafae\n"+
			"date: Mon, 08 Jun 2020 23:11:23 GMT\n"+
			"x-request-id: 88c414df-6895-48db-8ef3-1fd1ce4272c6", got)
	})

	t.Run("POST with digest and escaped query kept", func(t *testing.T) {
		hp := h.Clone()
		hp.Set("Digest", Digest([]byte(`{}`)))
		target := "/pis/v2/connect?redirect_uri=https%3A%2F%2Fshop.example%2Fcb&state=a+b%2Fc"
		got, err := SigningString([]string{"(request-target)", "date", "digest", "x-request-id"}, "POST", target, hp)
		require.NoError(t, err)
		assert.Equal(t, "(request-target): post "+target+"\n"+
			"date: Mon, 08 Jun 2020 23:11:23 GMT\n"+
			"digest: "+Digest([]byte(`{}`))+"\n"+
			"x-request-id: 88c414df-6895-48db-8ef3-1fd1ce4272c6", got)
		assert.False(t, strings.HasSuffix(got, "\n"))
	})

	t.Run("names lower-cased, canonical lookup", func(t *testing.T) {
		got, err := SigningString([]string{"X-Request-ID"}, "GET", "/", h)
		require.NoError(t, err)
		assert.Equal(t, "x-request-id: 88c414df-6895-48db-8ef3-1fd1ce4272c6", got)
	})

	t.Run("multiple values joined", func(t *testing.T) {
		hm := http.Header{}
		hm.Add("X-Thing", " a ")
		hm.Add("X-Thing", "b")
		got, err := SigningString([]string{"x-thing"}, "GET", "/", hm)
		require.NoError(t, err)
		assert.Equal(t, "x-thing: a, b", got)
	})

	t.Run("errors", func(t *testing.T) {
		_, err := SigningString([]string{"date", "digest"}, "GET", "/", h)
		assert.ErrorContains(t, err, `"digest"`)
		_, err = SigningString(nil, "GET", "/", h)
		assert.Error(t, err)
		_, err = SigningString([]string{"(created)"}, "GET", "/", h)
		assert.ErrorContains(t, err, "unsupported pseudo-header")
		_, err = SigningString([]string{"(request-target)"}, "GET", "", h)
		assert.Error(t, err)
		_, err = SigningString([]string{"(request-target)"}, "GET", "/a\nb", h)
		assert.ErrorContains(t, err, "line break")
		_, err = SigningString([]string{"a:b"}, "GET", "/", h)
		assert.Error(t, err)
	})
}

func TestSignatureHeader(t *testing.T) {
	got := SignatureHeader("app-1", []string{"(request-target)", "date", "x-request-id"}, "c2ln")
	assert.Equal(t, `keyId="app-1",algorithm="rsa-sha256",headers="(request-target) date x-request-id",signature="c2ln"`, got)
}

func TestSignRequest(t *testing.T) {
	key := testKey()
	current := time.Date(2020, 6, 8, 23, 11, 23, 0, time.FixedZone("CEST", 2*3600))
	s := NewSigner("app-id-1", key).SetClock(func() time.Time { return current })

	body := []byte(`{"meta":{"psu_name":"A"},"data":{"attributes":{"amount":"273.00"}}}`)
	u, err := url.Parse("https://api.example/pis/v2/connect?redirect_uri=https%3A%2F%2Fshop.example%2Fcb&state=order-42")
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, u.String(), bytes.NewReader(body))
	require.NoError(t, err)

	require.NoError(t, s.SignRequest(req, body))
	assert.Equal(t, "Mon, 08 Jun 2020 21:11:23 GMT", req.Header.Get("Date"), "UTC IMF-fixdate")
	assert.Equal(t, Digest(body), req.Header.Get("Digest"))
	id1 := req.Header.Get("X-Request-ID")
	parsed, err := uuid.Parse(id1)
	require.NoError(t, err)
	assert.Equal(t, uuid.Version(4), parsed.Version())
	assert.Equal(t, uuid.RFC4122, parsed.Variant())

	sp, err := ParseSignatureHeader(req.Header.Get("Signature"))
	require.NoError(t, err)
	assert.Equal(t, "app-id-1", sp.KeyID)
	assert.Equal(t, "rsa-sha256", sp.Algorithm)
	assert.Equal(t, []string{"(request-target)", "date", "digest", "x-request-id"}, sp.Headers)

	// The receiver's view: rebuild the signing string from the wire request.
	ss, err := SigningString(sp.Headers, req.Method, req.URL.RequestURI(), req.Header)
	require.NoError(t, err)
	assert.Contains(t, ss, "(request-target): post /pis/v2/connect?redirect_uri=https%3A%2F%2Fshop.example%2Fcb&state=order-42\n")
	assert.NoError(t, Verify(&key.PublicKey, ss, sp.Signature))

	// Second call: fresh date from the clock, fresh request id, still valid.
	current = current.Add(90 * time.Second)
	require.NoError(t, s.SignRequest(req, body))
	assert.Equal(t, "Mon, 08 Jun 2020 21:12:53 GMT", req.Header.Get("Date"))
	id2 := req.Header.Get("X-Request-ID")
	assert.NotEqual(t, id1, id2)
	sp2, err := ParseSignatureHeader(req.Header.Get("Signature"))
	require.NoError(t, err)
	ss2, err := SigningString(sp2.Headers, req.Method, req.URL.RequestURI(), req.Header)
	require.NoError(t, err)
	assert.NoError(t, Verify(&key.PublicKey, ss2, sp2.Signature))
	assert.ErrorIs(t, Verify(&key.PublicKey, ss, sp2.Signature), ErrVerification)
}

func TestSignRequestGETAndEmptyBody(t *testing.T) {
	key := testKey()
	s := NewSigner("k", key).SetRequestID(func() string { return "fixed-id" })

	req, err := http.NewRequest(http.MethodGet, "https://api.example/pis/v2/payments/abc", nil)
	require.NoError(t, err)
	req.Header.Set("Digest", "stale")
	require.NoError(t, s.SignRequest(req, nil))
	assert.Empty(t, req.Header.Get("Digest"))
	assert.Equal(t, "fixed-id", req.Header.Get("X-Request-ID"))
	sp, err := ParseSignatureHeader(req.Header.Get("Signature"))
	require.NoError(t, err)
	assert.Equal(t, []string{"(request-target)", "date", "x-request-id"}, sp.Headers)
	ss, err := SigningString(sp.Headers, "GET", "/pis/v2/payments/abc", req.Header)
	require.NoError(t, err)
	assert.NoError(t, Verify(&key.PublicKey, ss, sp.Signature))

	// PATCH with an empty body still gets a Digest of the empty string.
	req, err = http.NewRequest(http.MethodPatch, "https://api.example/x", http.NoBody)
	require.NoError(t, err)
	require.NoError(t, s.SignRequest(req, nil))
	assert.Equal(t, Digest(nil), req.Header.Get("Digest"))
}

func TestSignRequestErrors(t *testing.T) {
	req, err := http.NewRequest(http.MethodGet, "https://api.example/", nil)
	require.NoError(t, err)
	assert.Error(t, NewSigner("k", nil).SignRequest(req, nil))
	assert.Error(t, NewSigner(`k"`, testKey()).SignRequest(req, nil))
	assert.Error(t, NewSigner("", testKey()).SignRequest(req, nil))
	assert.Error(t, NewSigner("k", testKey()).SignRequest(nil, nil))
	var nilSigner *Signer
	assert.Error(t, nilSigner.SignRequest(req, nil))
}
