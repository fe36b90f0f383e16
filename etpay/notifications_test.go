package etpay

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit/internal/webhook"
)

// The vectors in testdata/jwt were made with openssl only, by
// testdata/jwt/make.sh, never by Go code:
//
//	b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
//	printf '%s' "$header.$payload" | openssl dgst -sha256 -hmac 'sig-token-test-1' -binary | b64url
const vectorSecret = "sig-token-test-1"

// issuedAt is the iat of the "issued" vector; justAfter is a clock a minute
// later, when that vector is fresh.
var issuedAt = time.Unix(1700000000, 0)

func at(ts time.Time) WebhookOption { return WithWebhookClock(func() time.Time { return ts }) }

var justAfter = at(issuedAt.Add(time.Minute))

func vector(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "jwt", name+".jwt"))
	require.NoError(t, err)
	return strings.TrimSpace(string(b))
}

func TestVerifyNotificationVectors(t *testing.T) {
	tests := []struct {
		name, token, secret string
		want                error
		untimed             bool // WithUntimedTokens
	}{
		{"valid with iat", vector(t, "issued"), vectorSecret, nil, false},
		{"valid with iat and exp", vector(t, "times_ok"), vectorSecret, nil, false},
		{"no exp nor iat (the documented claims)", vector(t, "valid"), vectorSecret, ErrNoTimeClaims, false},
		{"no exp nor iat, accepted WithUntimedTokens", vector(t, "valid"), vectorSecret, nil, true},
		{"drifted claim types", vector(t, "drifted"), vectorSecret, nil, true},
		{"tampered payload", vector(t, "tampered"), vectorSecret, ErrSignature, false},
		{"wrong secret", vector(t, "valid"), "sig-token-test-2", ErrSignature, false},
		{"secret off by case", vector(t, "valid"), strings.ToUpper(vectorSecret), ErrSignature, false},
		{"alg none", vector(t, "none"), vectorSecret, ErrAlgorithm, false},
		{"alg HS512", vector(t, "hs512"), vectorSecret, ErrAlgorithm, false},
		{"alg RS256 with an HMAC signature", vector(t, "rs256"), vectorSecret, ErrAlgorithm, false},
		{"expired", vector(t, "expired"), vectorSecret, ErrExpired, false},
		{"nbf in the future", vector(t, "notyet"), vectorSecret, ErrNotYetValid, false},
		{"iat in the future", vector(t, "future_iat"), vectorSecret, ErrNotYetValid, false},
		{"exp is a string", vector(t, "bad_exp"), vectorSecret, ErrMalformedNotification, false},
		{"signature stripped", strings.TrimSuffix(vector(t, "valid"), "13Owu0f9u-1zlBL7JEGtBRAryvK_ilB0Ik9hdeMVF9Q"), vectorSecret, ErrSignature, false},
		{"garbage", "not a jwt", vectorSecret, ErrMalformedNotification, false},
		{"two segments", "eyJhbGciOiJIUzI1NiJ9.e30", vectorSecret, ErrMalformedNotification, false},
		{"four segments", vector(t, "valid") + ".x", vectorSecret, ErrMalformedNotification, false},
		{"bad base64", "%%%.%%%.%%%", vectorSecret, ErrMalformedNotification, false},
		{"claims not an object", "eyJhbGciOiJIUzI1NiJ9.WzFd.x", vectorSecret, ErrMalformedNotification, false},
		{"empty", "  ", vectorSecret, ErrNoNotification, false},
		{"huge", strings.Repeat("a", MaxTokenSize+1), vectorSecret, ErrMalformedNotification, false},
		{"no signature token", vector(t, "valid"), "", ErrNoSignatureToken, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := []WebhookOption{justAfter}
			if tt.untimed {
				opts = append(opts, WithUntimedTokens())
			}
			n, err := VerifyNotification(tt.token, tt.secret, opts...)
			if tt.want == nil {
				require.NoError(t, err)
				require.NotNil(t, n)
				assert.Equal(t, "sess_7f3a", n.SessionToken)
				assert.Equal(t, PaymentSuccess, n.PaymentStatus)
				assert.Equal(t, int64(2000), n.Amount)
				return
			}
			require.ErrorIs(t, err, tt.want)
			assert.Nil(t, n)
			assert.NotContains(t, err.Error(), vectorSecret)
			if len(tt.token) > 20 {
				assert.NotContains(t, err.Error(), tt.token[len(tt.token)-20:])
			}
		})
	}
}

func TestVerifyNotificationClaims(t *testing.T) {
	n, err := VerifyNotification(vector(t, "valid"), vectorSecret, WithUntimedTokens())
	require.NoError(t, err)
	assert.Equal(t, &Notification{SessionToken: "sess_7f3a", PaymentToken: "pay_91c2", PaymentStatus: PaymentSuccess,
		OrderID: "OC700104", Amount: 2000, UserRUT: "12345678-5"}, n)

	n, err = VerifyNotification(vector(t, "issued"), vectorSecret, justAfter)
	require.NoError(t, err)
	assert.Equal(t, &Notification{SessionToken: "sess_7f3a", PaymentToken: "pay_91c2", PaymentStatus: PaymentSuccess,
		OrderID: "OC700104", Amount: 2000, UserRUT: "12345678-5", IssuedAt: issuedAt}, n)

	n, err = VerifyNotification(vector(t, "drifted"), vectorSecret, WithUntimedTokens())
	require.NoError(t, err)
	assert.Equal(t, "918273", n.PaymentToken)
	assert.Equal(t, int64(2000), n.Amount)
	assert.JSONEq(t, `"cl_estado"`, string(n.Extra["bank"]))

	n, err = VerifyNotification(vector(t, "times_ok"), vectorSecret)
	require.NoError(t, err)
	assert.Equal(t, time.Unix(1700000000, 0), n.IssuedAt.Local())
	assert.Equal(t, time.Unix(4102444800, 0), n.ExpiresAt.Local())
	assert.True(t, n.NotBefore.IsZero())
}

func TestVerifyNotificationClock(t *testing.T) {
	exp := time.Unix(1500000000, 0)
	_, err := VerifyNotification(vector(t, "expired"), vectorSecret, at(exp.Add(-time.Second)))
	assert.NoError(t, err, "before exp")
	_, err = VerifyNotification(vector(t, "expired"), vectorSecret, at(exp.Add(30*time.Second)))
	assert.NoError(t, err, "within the default leeway")
	_, err = VerifyNotification(vector(t, "expired"), vectorSecret, at(exp.Add(30*time.Second)), WithLeeway(0))
	assert.ErrorIs(t, err, ErrExpired, "no leeway")
	_, err = VerifyNotification(vector(t, "notyet"), vectorSecret, at(time.Unix(4102444800, 0)), WithUntimedTokens())
	assert.NoError(t, err, "at nbf (the vector has no exp nor iat)")
}

func TestSessionTokenOf(t *testing.T) {
	s, err := SessionTokenOf(vector(t, "valid"))
	require.NoError(t, err)
	assert.Equal(t, "sess_7f3a", s)
	// Unverified: it reads tampered and foreign-algorithm tokens too, which
	// is why it is only a lookup key.
	s, err = SessionTokenOf(vector(t, "tampered"))
	require.NoError(t, err)
	assert.Equal(t, "sess_7f3a", s)
	for _, bad := range []string{"", "x", "a.b.c", "eyJhbGciOiJIUzI1NiJ9.e30.x", strings.Repeat("a", MaxTokenSize+1)} {
		_, err := SessionTokenOf(bad)
		assert.Error(t, err, bad)
	}
	unknownAlg := "eyJhbGciOiJYWTEyIn0." + strings.Split(vector(t, "valid"), ".")[1] + ".x"
	s, err = SessionTokenOf(unknownAlg)
	require.NoError(t, err)
	assert.Equal(t, "sess_7f3a", s)
	_, err = VerifyNotification(unknownAlg, vectorSecret)
	assert.ErrorIs(t, err, ErrAlgorithm)
}

func TestTokenFromBody(t *testing.T) {
	tok := vector(t, "valid")
	for _, body := range []string{
		`{"payment":"` + tok + `"}`, `{"token":"` + tok + `"}`, ` {"jwt":"` + tok + `","x":1}`,
		"payment=" + url.QueryEscape(tok), "a=1&jwt=" + tok, tok, tok + "\n", `"` + tok + `"`,
	} {
		got, err := tokenFromBody([]byte(body))
		require.NoError(t, err, body)
		assert.Equal(t, tok, got, body)
	}
	for body, want := range map[string]error{
		"": ErrNoNotification, `{}`: ErrNoNotification, `{"payment":5}`: ErrNoNotification, `{"payment":`: ErrMalformedNotification,
		"a=1": ErrNoNotification, "a=%zz": ErrMalformedNotification, `""`: ErrNoNotification,
	} {
		_, err := tokenFromBody([]byte(body))
		assert.ErrorIs(t, err, want, body)
	}
}

func mustVerifier(t testing.TB, lookup SignatureTokenLookup, opts ...WebhookOption) *WebhookVerifier {
	t.Helper()
	v, err := NewWebhookVerifier(lookup, opts...)
	require.NoError(t, err)
	return v
}

func lookupFor(secrets map[string]string) SignatureTokenLookup {
	return func(_ context.Context, session string) (string, error) {
		if s, ok := secrets[session]; ok {
			return s, nil
		}
		return "", ErrUnknownSession
	}
}

func TestNotificationHandler(t *testing.T) {
	tok := vector(t, "issued")
	var got []*Notification
	handle := func(_ context.Context, n *Notification) error {
		got = append(got, n)
		if n.OrderID == "fail" {
			return errors.New("db down")
		}
		return nil
	}
	tests := []struct {
		name, method, contentType, body string
		want                            int
	}{
		{"json", http.MethodPost, "application/json", `{"payment":"` + tok + `"}`, 200},
		{"form", http.MethodPost, "application/x-www-form-urlencoded", "payment=" + tok, 200},
		{"raw", http.MethodPost, "text/plain", tok, 200},
		{"tampered", http.MethodPost, "application/json", `{"payment":"` + vector(t, "tampered") + `"}`, 401},
		{"alg none", http.MethodPost, "application/json", `{"payment":"` + vector(t, "none") + `"}`, 401},
		{"expired", http.MethodPost, "application/json", `{"payment":"` + vector(t, "expired") + `"}`, 401},
		{"missing", http.MethodPost, "application/json", `{}`, 400},
		{"garbage", http.MethodPost, "text/plain", "hello", 400},
		{"too large", http.MethodPost, "text/plain", strings.Repeat("a", MaxNotificationBody+1), 413},
		{"GET", http.MethodGet, "", "", 405},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A handler of its own for each case: one token delivered three
			// ways to one handler would be a replay after the first.
			h := NotificationHandler(lookupFor(map[string]string{"sess_7f3a": vectorSecret}), handle, justAfter)
			req := httptest.NewRequest(tt.method, "/etpay/notify", strings.NewReader(tt.body))
			req.Header.Set("Content-Type", tt.contentType)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			assert.Equal(t, tt.want, rec.Code)
			assert.NotContains(t, rec.Body.String(), vectorSecret)
		})
	}
	assert.Len(t, got, 3, "handle runs only for verified notifications")

	// Unknown session → 401; lookup failure → 500 so ETpay tries again.
	h := NotificationHandler(lookupFor(nil), nil, justAfter)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tok)))
	assert.Equal(t, 401, rec.Code)
	h = NotificationHandler(func(context.Context, string) (string, error) { return "", errors.New("db down") }, nil, justAfter)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tok)))
	assert.Equal(t, 500, rec.Code)
	h = NotificationHandler(lookupFor(map[string]string{"sess_7f3a": vectorSecret}), func(context.Context, *Notification) error { return errors.New("x") }, justAfter)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tok)))
	assert.Equal(t, 500, rec.Code)
}

func TestVerifierVerifyRereadableBody(t *testing.T) {
	v := mustVerifier(t, lookupFor(map[string]string{"sess_7f3a": vectorSecret}), justAfter)
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(vector(t, "issued")))
	n, err := v.Verify(req)
	require.NoError(t, err)
	assert.Equal(t, "pay_91c2", n.PaymentToken)
	body, err := webhook.ReadBody(req, 0)
	require.NoError(t, err)
	assert.Equal(t, vector(t, "issued"), string(body))
}

func TestVerifyRedirect(t *testing.T) {
	v := mustVerifier(t, lookupFor(map[string]string{"sess_7f3a": vectorSecret}))
	r := httptest.NewRequest(http.MethodGet, "/ok?jwt="+vector(t, "valid"), nil)
	out, err := v.VerifyRedirect(r)
	require.NoError(t, err)
	assert.Equal(t, &RedirectOutcome{SessionToken: "sess_7f3a", PaymentToken: "pay_91c2", PaymentStatus: PaymentSuccess, OrderID: "OC700104", Amount: 2000}, out)

	r = httptest.NewRequest(http.MethodPost, "/ok", strings.NewReader("token="+vector(t, "valid")))
	_, err = v.VerifyRedirect(r)
	require.NoError(t, err)

	_, err = v.VerifyRedirect(httptest.NewRequest(http.MethodGet, "/ok?token="+vector(t, "tampered"), nil))
	assert.ErrorIs(t, err, ErrSignature)
	_, err = v.VerifyRedirect(httptest.NewRequest(http.MethodGet, "/ok", nil))
	assert.ErrorIs(t, err, ErrNoNotification)
}

func TestStatusFor(t *testing.T) {
	assert.Equal(t, 200, StatusFor(nil))
	assert.Equal(t, 500, StatusFor(errors.New("x")))
	assert.Equal(t, 413, StatusFor(webhook.ErrBodyTooLarge))
}

func FuzzVerifyNotification(f *testing.F) {
	for _, name := range []string{"valid", "tampered", "none", "hs512", "rs256", "expired", "notyet", "drifted", "bad_exp"} {
		f.Add(vector(f, name))
	}
	f.Add("")
	f.Add("..")
	f.Add("eyJhbGciOiJIUzI1NiJ9.bnVsbA.")
	f.Fuzz(func(t *testing.T, tok string) {
		n, err := VerifyNotification(tok, vectorSecret)
		if (n == nil) == (err == nil) {
			t.Fatalf("want exactly one of notification and error, got %v, %v", n, err)
		}
		if err != nil && StatusFor(err) == http.StatusInternalServerError {
			t.Fatalf("unclassified error %v", err)
		}
		if err == nil {
			// Whatever verifies must verify the same way for golang-jwt alone.
			if _, perr := jwt.Parse(tok, func(*jwt.Token) (any, error) { return []byte(vectorSecret), nil },
				jwt.WithValidMethods([]string{"HS256"}), jwt.WithLeeway(DefaultLeeway)); perr != nil && !errors.Is(perr, jwt.ErrTokenInvalidClaims) {
				t.Fatalf("accepted a token golang-jwt rejects: %v", perr)
			}
		}
		_, _ = SessionTokenOf(tok)
		_, _ = tokenFromBody([]byte(tok))
	})
}

func BenchmarkVerifyNotification(b *testing.B) {
	// The documented claims with a fresh iat, which VerifyNotification
	// requires of a token without exp.
	key := []byte(vectorSecret)
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"session_token": "sess_7f3a", "payment_token": "pay_91c2",
		"payment_status": "success", "merchant_order_id": "OC700104", "order_amount": 2000, "user_rut": "12345678-5",
		"iat": time.Now().Unix()}).SignedString(key)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("etpay.VerifyNotification", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			if _, err := VerifyNotification(tok, vectorSecret); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("baseline_jwt.Parse", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			if _, err := jwt.Parse(tok, func(*jwt.Token) (any, error) { return key, nil }); err != nil {
				b.Fatal(err)
			}
		}
	})
}
