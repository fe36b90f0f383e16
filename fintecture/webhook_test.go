package fintecture

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paykit-go/paykit/internal/httpsig"
	"github.com/paykit-go/paykit/internal/webhook"
	"github.com/paykit-go/paykit/money"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// vectorRequest rebuilds the seed's webhook from the OpenSSL vector.
func vectorRequest(t testing.TB) *http.Request {
	t.Helper()
	body := readTestdata(t, "webhook_body.txt")
	r := httptest.NewRequest(http.MethodPost, "/webhook", strings.NewReader(string(body)))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Date", "Mon, 08 Jun 2020 23:11:23 GMT")
	r.Header.Set("Digest", strings.TrimSpace(string(readTestdata(t, "webhook_digest.txt"))))
	r.Header.Set("X-Request-ID", testReqID)
	r.Header.Set("Signature", `keyId="`+testAppID+`",algorithm="rsa-sha256",headers="date digest x-request-id",signature="`+
		strings.TrimSpace(string(readTestdata(t, "webhook_signature.b64")))+`"`)
	return r
}

// testVerifier reads the time as the vector's Date (June 2020) unless opts
// set another clock.
func testVerifier(t testing.TB, opts ...WebhookOption) *WebhookVerifier {
	t.Helper()
	opts = append([]WebhookOption{WithWebhookClock(func() time.Time { return testDate })}, opts...)
	v, err := NewWebhookVerifier(readTestdata(t, "key.pem"), opts...)
	require.NoError(t, err)
	return v
}

var otherKeyPEM = sync.OnceValue(func() []byte {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
})

// signWebhook builds a webhook the way Fintecture does, with our public key.
func signWebhook(t testing.TB, body, contentType string, date time.Time, mutate func(plain string) string) *http.Request {
	t.Helper()
	key, err := httpsig.ParsePrivateKey(readTestdata(t, "key.pem"))
	require.NoError(t, err)
	r := httptest.NewRequest(http.MethodPost, "/webhook", strings.NewReader(body))
	r.Header.Set("Content-Type", contentType)
	r.Header.Set("Date", date.UTC().Format(http.TimeFormat))
	r.Header.Set("Digest", httpsig.Digest([]byte(body)))
	r.Header.Set("X-Request-ID", "req-"+date.Format("150405"))
	plain := "date: " + r.Header.Get("Date") + "\ndigest: " + r.Header.Get("Digest") + "\nx-request-id: " + r.Header.Get("X-Request-ID")
	if mutate != nil {
		plain = mutate(plain)
	}
	ct, err := httpsig.EncryptOAEP(&key.PublicKey, []byte(plain))
	require.NoError(t, err)
	r.Header.Set("Signature", httpsig.SignatureHeader(testAppID, []string{"date", "digest", "x-request-id"}, ct))
	return r
}

func TestWebhookOpenSSLVector(t *testing.T) {
	v := testVerifier(t, WithExpectedKeyID(testAppID))
	ev, err := v.Verify(vectorRequest(t))
	require.NoError(t, err)
	assert.Equal(t, "b2bca2bcd3b64a32a7da0766df59a7d2", ev.SessionID)
	assert.Equal(t, StatusCreated, ev.Status)
	assert.Equal(t, "1ef74051a77673de120820fb370dc382", ev.CustomerID)
	assert.Equal(t, "provider", ev.Provider)
	assert.Equal(t, "thisisastate", ev.State)
	assert.Equal(t, testReqID, ev.RequestID)
	assert.Equal(t, testAppID, ev.KeyID)
	assert.Equal(t, testDate, ev.Date.UTC())
	assert.Len(t, ev.Fields, 5)
}

func TestWebhookVerifyFailures(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second)
	tests := []struct {
		name  string
		req   func(t *testing.T) *http.Request
		opts  []WebhookOption
		want  error
		wantS string
	}{
		{"tampered body", func(t *testing.T) *http.Request {
			r := vectorRequest(t)
			r.Body = httpReqBody(strings.Replace(string(readTestdata(t, "webhook_body.txt")), "payment_created", "payment_unsuccessful", 1))
			return r
		}, nil, ErrWebhookDigest, ""},
		{"digest re-made for tampered body", func(t *testing.T) *http.Request {
			r := vectorRequest(t)
			b := "session_id=x&status=payment_created"
			r.Body = httpReqBody(b)
			r.Header.Set("Digest", httpsig.Digest([]byte(b)))
			return r
		}, nil, ErrWebhookSignature, "digest differs"},
		{"changed date header", func(t *testing.T) *http.Request {
			r := vectorRequest(t)
			r.Header.Set("Date", "Tue, 09 Jun 2020 23:11:23 GMT")
			return r
		}, nil, ErrWebhookSignature, "date differs"},
		{"changed request id", func(t *testing.T) *http.Request {
			r := vectorRequest(t)
			r.Header.Set("X-Request-ID", "other")
			return r
		}, nil, ErrWebhookSignature, "x-request-id differs"},
		{"wrong key", func(t *testing.T) *http.Request { return vectorRequest(t) },
			nil, ErrWebhookSignature, "OAEP decryption failed"},
		{"wrong key id", func(t *testing.T) *http.Request { return vectorRequest(t) },
			[]WebhookOption{WithExpectedKeyID("someone-else")}, ErrWebhookKeyID, ""},
		{"stale", func(t *testing.T) *http.Request {
			return signWebhook(t, "session_id=s&status=payment_created", "application/x-www-form-urlencoded", now.Add(-3*time.Hour), nil)
		}, []WebhookOption{WithMaxAge(2 * time.Hour), WithWebhookClock(func() time.Time { return now })}, ErrWebhookTooOld, "too old"},
		{"future", func(t *testing.T) *http.Request {
			return signWebhook(t, "session_id=s&status=payment_created", "application/x-www-form-urlencoded", now.Add(3*time.Hour), nil)
		}, []WebhookOption{WithMaxAge(2 * time.Hour), WithWebhookClock(func() time.Time { return now })}, ErrWebhookTooOld, "in the future"},
		{"malformed signature header", func(t *testing.T) *http.Request {
			r := vectorRequest(t)
			r.Header.Set("Signature", `keyId="abc,signature`)
			return r
		}, nil, ErrWebhookMalformed, ""},
		{"signature not base64", func(t *testing.T) *http.Request {
			r := vectorRequest(t)
			r.Header.Set("Signature", `keyId="abc",signature="!!!"`)
			return r
		}, nil, ErrWebhookSignature, ""},
		{"no signature param", func(t *testing.T) *http.Request {
			r := vectorRequest(t)
			r.Header.Set("Signature", `keyId="abc"`)
			return r
		}, nil, ErrWebhookMalformed, ""},
		{"other algorithm", func(t *testing.T) *http.Request {
			r := vectorRequest(t)
			r.Header.Set("Signature", strings.Replace(r.Header.Get("Signature"), "rsa-sha256", "hmac-sha256", 1))
			return r
		}, nil, ErrWebhookMalformed, ""},
		{"missing signature", func(t *testing.T) *http.Request { r := vectorRequest(t); r.Header.Del("Signature"); return r }, nil, ErrWebhookMissingHeader, "Signature"},
		{"missing digest", func(t *testing.T) *http.Request { r := vectorRequest(t); r.Header.Del("Digest"); return r }, nil, ErrWebhookMissingHeader, "digest"},
		{"missing date", func(t *testing.T) *http.Request { r := vectorRequest(t); r.Header.Del("Date"); return r }, nil, ErrWebhookMissingHeader, "date"},
		{"missing request id", func(t *testing.T) *http.Request { r := vectorRequest(t); r.Header.Del("X-Request-ID"); return r }, nil, ErrWebhookMissingHeader, "x-request-id"},
		{"signed string lacks a line", func(t *testing.T) *http.Request {
			return signWebhook(t, "a=b", "application/x-www-form-urlencoded", now, func(p string) string { return p[:strings.LastIndex(p, "\n")] })
		}, nil, ErrWebhookSignature, "no x-request-id line"},
		{"signed string repeats a line", func(t *testing.T) *http.Request {
			return signWebhook(t, "a=b", "application/x-www-form-urlencoded", now, func(p string) string { return p + "\ndate: x" })
		}, nil, ErrWebhookSignature, "repeats"},
		{"signed string without colon", func(t *testing.T) *http.Request {
			return signWebhook(t, "a=b", "application/x-www-form-urlencoded", now, func(p string) string { return p + "\ngarbage" })
		}, nil, ErrWebhookSignature, "without a colon"},
		{"signed extra header absent", func(t *testing.T) *http.Request {
			return signWebhook(t, "a=b", "application/x-www-form-urlencoded", now, func(p string) string { return p + "\nx-other: 1" })
		}, nil, ErrWebhookSignature, "x-other differs"},
		{"bad JSON body", func(t *testing.T) *http.Request {
			return signWebhook(t, "{not json", "application/json", now, nil)
		}, nil, ErrWebhookMalformed, "JSON body"},
		{"bad form body", func(t *testing.T) *http.Request {
			return signWebhook(t, "a=%zz", "application/x-www-form-urlencoded", now, nil)
		}, nil, ErrWebhookMalformed, "form body"},
		{"too large", func(t *testing.T) *http.Request { return vectorRequest(t) }, []WebhookOption{WithMaxBodyBytes(10)}, webhook.ErrBodyTooLarge, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := readTestdata(t, "key.pem")
			if tt.name == "wrong key" {
				key = otherKeyPEM()
			}
			v, err := NewWebhookVerifier(key, tt.opts...)
			require.NoError(t, err)
			ev, err := v.Verify(tt.req(t))
			require.Error(t, err)
			assert.Nil(t, ev)
			assert.ErrorIs(t, err, tt.want)
			assert.ErrorIs(t, err, ErrInvalidWebhook)
			if tt.wantS != "" {
				assert.Contains(t, err.Error(), tt.wantS)
			}
		})
	}
}

func httpReqBody(s string) *readCloser { return &readCloser{strings.NewReader(s)} }

type readCloser struct{ *strings.Reader }

func (readCloser) Close() error { return nil }

func TestWebhookToleratesQuotesCRLFAndJSON(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second)
	v := testVerifier(t, WithMaxAge(2*time.Hour), WithWebhookClock(func() time.Time { return now }))
	// Quoted values and \r\n line ends in the decrypted string, quoted Digest header.
	r := signWebhook(t, "session_id=s1&status=payment_created&transfer_state=completed&amount=273.00&event=payment.status&type=PayByBank&refunded_session_id=",
		"application/x-www-form-urlencoded", now.Add(-30*time.Minute), func(p string) string {
			lines := strings.Split(p, "\n")
			for i, l := range lines {
				name, val, _ := strings.Cut(l, ": ")
				lines[i] = name + `: "` + val + `"`
			}
			return strings.Join(lines, "\r\n") + "\r\n"
		})
	r.Header.Set("Digest", `"`+r.Header.Get("Digest")+`"`)
	ev, err := v.Verify(r)
	require.NoError(t, err)
	assert.Equal(t, "s1", ev.SessionID)
	assert.Equal(t, TransferCompleted, ev.TransferState)
	assert.True(t, money.MustParse("273").Equal(ev.Amount))
	assert.Equal(t, "payment.status", ev.Event)

	// A JSON body, nested the way a JSON:API answer is.
	r = signWebhook(t, `{"meta":{"session_id":"s2","status":"payment_created","type":"meta-type"},"data":{"type":"payments","attributes":{"amount":42.5,"currency":"EUR"}},"state":"o-2"}`,
		"application/json; charset=utf-8", now, nil)
	ev, err = v.Verify(r)
	require.NoError(t, err)
	assert.Equal(t, "s2", ev.SessionID)
	assert.Equal(t, "o-2", ev.State)
	assert.Equal(t, "42.5", ev.Amount.String())
	assert.Equal(t, "EUR", ev.Currency)
	assert.Equal(t, "payments", ev.Type, "nested objects are read in a fixed order")

	// The body is still readable by the caller.
	r = vectorRequest(t)
	_, err = testVerifier(t).Verify(r)
	require.NoError(t, err)
	b := make([]byte, 10)
	n, _ := r.Body.Read(b)
	assert.Equal(t, "session_id", string(b[:n]))
}

func TestNewWebhookVerifierErrors(t *testing.T) {
	_, err := NewWebhookVerifier([]byte("nope"))
	assert.ErrorContains(t, err, "fintecture: private key")
	_, err = NewWebhookVerifier(readTestdata(t, "key.pem"), WithMaxAge(-time.Second))
	assert.Error(t, err)
}

func TestWebhookHandler(t *testing.T) {
	v := testVerifier(t)
	var got *Notification
	h := v.Handler(func(_ context.Context, ev *Notification) error {
		got = ev
		if ev.State == "fail" {
			return errors.New("db down")
		}
		return nil
	})
	w := httptest.NewRecorder()
	h.ServeHTTP(w, vectorRequest(t))
	assert.Equal(t, 200, w.Code)
	require.NotNil(t, got)
	assert.Equal(t, "thisisastate", got.State)

	cases := []struct {
		name string
		req  *http.Request
		code int
	}{
		{"handler error is 500 so Fintecture retries", signWebhook(t, "session_id=s&state=fail", "application/x-www-form-urlencoded", testDate, nil), 500},
		{"GET", httptest.NewRequest(http.MethodGet, "/webhook", nil), 405},
		{"unsigned", httptest.NewRequest(http.MethodPost, "/webhook", strings.NewReader("a=b")), 400},
		{"tampered", func() *http.Request {
			r := vectorRequest(t)
			r.Body = httpReqBody("session_id=evil")
			return r
		}(), 401},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, c.req)
			assert.Equal(t, c.code, w.Code)
		})
	}
	w = httptest.NewRecorder()
	testVerifier(t, WithMaxBodyBytes(8)).Handler(func(context.Context, *Notification) error { return nil }).ServeHTTP(w, vectorRequest(t))
	assert.Equal(t, 413, w.Code)
}
