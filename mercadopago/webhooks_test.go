package mercadopago_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit/internal/webhook"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
)

const whSecret = "a5b7f0c2e4d6a8b0c2e4d6f8a0b2c4d6"

var whNow = time.Date(2024, 1, 10, 17, 33, 30, 0, time.UTC)

const notifBody = `{"action":"payment.updated","api_version":"v1","data":{"id":"123456"},"date_created":"2024-01-10T17:33:28Z","id":12345,"live_mode":false,"type":"payment","user_id":"44444"}`

func newVerifier(t testing.TB, opts ...mercadopago.WebhookOption) *mercadopago.WebhookVerifier {
	t.Helper()
	v, err := mercadopago.NewWebhookVerifier(whSecret, append([]mercadopago.WebhookOption{mercadopago.WithWebhookClock(func() time.Time { return whNow })}, opts...)...)
	require.NoError(t, err)
	return v
}

func notifRequest(query, sig, reqID, body string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "https://shop.example/mp/webhooks"+query, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	if sig != "" {
		r.Header.Set("X-Signature", sig)
	}
	if reqID != "" {
		r.Header.Set("X-Request-Id", reqID)
	}
	return r
}

func TestVerify(t *testing.T) {
	ts := strconv.FormatInt(whNow.Unix(), 10)
	tsMS := strconv.FormatInt(whNow.UnixMilli(), 10)
	good := mercadopagotest.SignNotificationTS(whSecret, "123456", "req-abc", ts)
	v1 := good[strings.Index(good, "v1=")+3:]
	tests := []struct {
		name          string
		query, sig    string
		reqID, body   string
		want          error
		wantDataID    string
		wantTimestamp time.Time
	}{
		{name: "valid", query: "?data.id=123456&type=payment", sig: good, reqID: "req-abc", body: notifBody, wantDataID: "123456", wantTimestamp: whNow},
		{name: "valid, milliseconds", query: "?data.id=123456&type=payment", sig: mercadopagotest.SignNotificationTS(whSecret, "123456", "req-abc", tsMS), reqID: "req-abc", body: notifBody, wantDataID: "123456", wantTimestamp: whNow},
		{name: "valid, parts reordered and spaced", query: "?type=payment&data.id=123456", sig: " v1=" + strings.ToUpper(v1) + " , ts=" + ts + ",extra=1", reqID: "req-abc", body: notifBody, wantDataID: "123456"},
		{name: "valid, rotated secret second v1", query: "?data.id=123456", sig: "ts=" + ts + ",v1=" + strings.Repeat("ab", 32) + ",v1=" + v1, reqID: "req-abc", body: notifBody, wantDataID: "123456"},
		{name: "valid, no request id: part dropped", query: "?data.id=123456", sig: mercadopagotest.SignNotificationTS(whSecret, "123456", "", ts), body: notifBody, wantDataID: "123456"},
		{name: "valid, no data.id: part dropped", query: "?type=payment", sig: mercadopagotest.SignNotificationTS(whSecret, "", "req-abc", ts), reqID: "req-abc", body: `{"type":"payment","data":{}}`},
		{name: "valid, alphanumeric id signed lowercase", query: "?data.id=ORD-AB12", sig: mercadopagotest.SignNotificationTS(whSecret, "ord-ab12", "req-abc", ts), reqID: "req-abc", body: `{"type":"topic_merchant_order_wh","data":{"id":"ORD-AB12"}}`, wantDataID: "ORD-AB12"},
		{name: "valid, alphanumeric id signed as is", query: "?data.id=ORD-AB12", sig: mercadopagotest.SignNotificationTS(whSecret, "ORD-AB12", "req-abc", ts), reqID: "req-abc", body: `{"data":{"id":"ORD-AB12"}}`, wantDataID: "ORD-AB12"},
		{name: "valid, escaped query", query: "?data.id=12%2034", sig: mercadopagotest.SignNotificationTS(whSecret, "12 34", "req-abc", ts), reqID: "req-abc", body: `{}`, wantDataID: "12 34"},
		{name: "valid, drifted body", query: "?data.id=123456", sig: good, reqID: "req-abc", body: `{"id":"12345","user_id":44444,"live_mode":"false","data":{"id":123456},"date_created":"yesterday"}`, wantDataID: "123456"},
		{name: "tampered data.id", query: "?data.id=123457", sig: good, reqID: "req-abc", body: notifBody, want: mercadopago.ErrSignatureMismatch},
		{name: "tampered request id", query: "?data.id=123456", sig: good, reqID: "req-abd", body: notifBody, want: mercadopago.ErrSignatureMismatch},
		{name: "tampered ts", query: "?data.id=123456", sig: strings.Replace(good, "ts="+ts, "ts="+strconv.FormatInt(whNow.Unix()+1, 10), 1), reqID: "req-abc", body: notifBody, want: mercadopago.ErrSignatureMismatch},
		{name: "body id differs from the signed id", query: "?data.id=123456", sig: good, reqID: "req-abc", body: `{"data":{"id":"999"}}`, want: mercadopago.ErrMalformedNotification},
		{name: "body not JSON", query: "?data.id=123456", sig: good, reqID: "req-abc", body: `not json`, want: mercadopago.ErrMalformedNotification},
		{name: "wrong secret", query: "?data.id=123456", sig: mercadopagotest.SignNotificationTS("other-secret", "123456", "req-abc", ts), reqID: "req-abc", body: notifBody, want: mercadopago.ErrSignatureMismatch},
		{name: "stale", query: "?data.id=123456", sig: mercadopagotest.SignNotification(whSecret, "123456", "req-abc", whNow.Add(-6*time.Minute)), reqID: "req-abc", body: notifBody, want: mercadopago.ErrWebhookTooOld},
		{name: "stale, milliseconds", query: "?data.id=123456", sig: mercadopagotest.SignNotificationTS(whSecret, "123456", "req-abc", strconv.FormatInt(whNow.Add(-6*time.Minute).UnixMilli(), 10)), reqID: "req-abc", body: notifBody, want: mercadopago.ErrWebhookTooOld},
		{name: "future", query: "?data.id=123456", sig: mercadopagotest.SignNotification(whSecret, "123456", "req-abc", whNow.Add(6*time.Minute)), reqID: "req-abc", body: notifBody, want: mercadopago.ErrWebhookTooOld},
		{name: "missing header", query: "?data.id=123456", reqID: "req-abc", body: notifBody, want: mercadopago.ErrMissingSignature},
		{name: "malformed: no v1", query: "?data.id=123456", sig: "ts=" + ts, reqID: "req-abc", body: notifBody, want: mercadopago.ErrMalformedSignature},
		{name: "malformed: no ts", query: "?data.id=123456", sig: "v1=" + v1, reqID: "req-abc", body: notifBody, want: mercadopago.ErrMalformedSignature},
		{name: "malformed: short hex", query: "?data.id=123456", sig: "ts=" + ts + ",v1=abc", reqID: "req-abc", body: notifBody, want: mercadopago.ErrMalformedSignature},
		{name: "malformed: non-hex", query: "?data.id=123456", sig: "ts=" + ts + ",v1=" + strings.Repeat("zz", 32), reqID: "req-abc", body: notifBody, want: mercadopago.ErrMalformedSignature},
		{name: "malformed: ts not a number", query: "?data.id=123456", sig: "ts=-5,v1=" + v1, reqID: "req-abc", body: notifBody, want: mercadopago.ErrMalformedSignature},
		{name: "malformed: no equals", query: "?data.id=123456", sig: "garbage", reqID: "req-abc", body: notifBody, want: mercadopago.ErrMalformedSignature},
		{name: "malformed: two ts", query: "?data.id=123456", sig: "ts=1,ts=2,v1=" + v1, reqID: "req-abc", body: notifBody, want: mercadopago.ErrMalformedSignature},
		{name: "malformed: bad escape in data.id", query: "?data.id=%zz", sig: good, reqID: "req-abc", body: notifBody, want: mercadopago.ErrMalformedSignature},
		{name: "malformed: huge id", query: "?data.id=" + strings.Repeat("9", 300), sig: good, reqID: "req-abc", body: notifBody, want: mercadopago.ErrMalformedSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := newVerifier(t).Verify(notifRequest(tt.query, tt.sig, tt.reqID, tt.body))
			if tt.want != nil {
				require.Error(t, err)
				assert.True(t, errors.Is(err, tt.want), "got %v, want %v", err, tt.want)
				assert.Nil(t, n)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantDataID, n.DataID)
			assert.Equal(t, tt.reqID, n.RequestID)
			if !tt.wantTimestamp.IsZero() {
				assert.True(t, tt.wantTimestamp.Equal(n.Timestamp))
			}
		})
	}
}

func TestVerifyDecodesTheNotification(t *testing.T) {
	sig := mercadopagotest.SignNotification(whSecret, "123456", "req-abc", whNow)
	r := notifRequest("?data.id=123456&type=payment", sig, "req-abc", notifBody)
	n, err := newVerifier(t).Verify(r)
	require.NoError(t, err)
	assert.Equal(t, int64(12345), n.ID)
	assert.Equal(t, "payment.updated", n.Action)
	assert.Equal(t, "payment", n.Type)
	assert.Equal(t, "v1", n.APIVersion)
	assert.Equal(t, int64(44444), n.UserID)
	assert.Equal(t, "123456", n.Data.ID)
	id, ok := n.PaymentID()
	assert.True(t, ok)
	assert.Equal(t, int64(123456), id)
	// The body can be read again by the caller.
	b := make([]byte, len(notifBody))
	_, err = r.Body.Read(b)
	require.NoError(t, err)
	assert.Equal(t, notifBody, string(b))
}

func TestVerifyToleranceOptions(t *testing.T) {
	sig := mercadopagotest.SignNotification(whSecret, "1", "r", whNow.Add(-time.Hour))
	v := newVerifier(t, mercadopago.WithMaxAge(2*time.Hour))
	assert.NoError(t, v.VerifySignature(sig, "r", "1"))
	err := newVerifier(t).VerifySignature(sig, "r", "1")
	assert.ErrorIs(t, err, mercadopago.ErrWebhookTooOld)
	assert.ErrorIs(t, err, webhook.ErrOutOfTolerance, "the shared sentinel matches too")
	assert.NoError(t, newVerifier(t, mercadopago.WithMaxAge(0)).VerifySignature(sig, "r", "1"), "0 turns the age check off")
	assert.ErrorIs(t, newVerifier(t).VerifySignature("", "r", "1"), mercadopago.ErrMissingSignature)

	_, err = mercadopago.NewWebhookVerifier(" ")
	assert.ErrorContains(t, err, "mercadopago: webhook secret: must not be empty")
	v2 := newVerifier(t)
	for _, s := range []string{fmt.Sprint(v2), fmt.Sprintf("%#v", v2), fmt.Sprintf("%+v", v2)} {
		assert.NotContains(t, s, whSecret)
	}
}

func TestWebhookHandler(t *testing.T) {
	sig := mercadopagotest.SignNotification(whSecret, "123456", "req-abc", whNow)
	tests := []struct {
		name       string
		method     string
		sig        string
		body       string
		fnErr      error
		wantStatus int
		wantCalled bool
	}{
		{"ok", http.MethodPost, sig, notifBody, nil, http.StatusOK, true},
		{"handler fails: 500 so it is delivered again", http.MethodPost, sig, notifBody, errors.New("db down"), http.StatusInternalServerError, true},
		{"bad signature", http.MethodPost, strings.Replace(sig, "v1=", "v1=0", 1)[:len(sig)], notifBody, nil, http.StatusUnauthorized, false},
		{"missing signature", http.MethodPost, "", notifBody, nil, http.StatusUnauthorized, false},
		{"malformed body", http.MethodPost, sig, `[1,2`, nil, http.StatusBadRequest, false},
		{"too large", http.MethodPost, sig, `{"x":"` + strings.Repeat("a", 2048) + `"}`, nil, http.StatusRequestEntityTooLarge, false},
		{"GET", http.MethodGet, sig, "", nil, http.StatusMethodNotAllowed, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			called := false
			h := newVerifier(t, mercadopago.WithMaxBodyBytes(1024)).Handler(func(_ context.Context, n *mercadopago.Notification) error {
				called = true
				assert.Equal(t, "123456", n.DataID)
				return tt.fnErr
			})
			r := notifRequest("?data.id=123456&type=payment", tt.sig, "req-abc", tt.body)
			r.Method = tt.method
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			assert.Equal(t, tt.wantStatus, w.Code)
			assert.Equal(t, tt.wantCalled, called)
		})
	}
}

func TestVerifyNilRequest(t *testing.T) {
	_, err := newVerifier(t).Verify(nil)
	assert.ErrorIs(t, err, mercadopago.ErrMissingSignature)
}

func FuzzVerifySignature(f *testing.F) {
	ts := strconv.FormatInt(whNow.Unix(), 10)
	f.Add(mercadopagotest.SignNotificationTS(whSecret, "123456", "req", ts), "req", "123456")
	f.Add("ts=,v1=", "", "")
	f.Add("v1="+strings.Repeat("A", 64)+",ts=99999999999999999999", "r", "Ab")
	f.Add(",,,=,=", "\x00", "%")
	v := newVerifier(f)
	f.Fuzz(func(t *testing.T, sig, reqID, dataID string) {
		err := v.VerifySignature(sig, reqID, dataID)
		if err == nil {
			// Only a correct signature may pass.
			require.Contains(t, sig, "v1=")
			return
		}
		for _, want := range []error{mercadopago.ErrMissingSignature, mercadopago.ErrMalformedSignature, mercadopago.ErrSignatureMismatch, mercadopago.ErrWebhookTooOld} {
			if errors.Is(err, want) {
				return
			}
		}
		t.Fatalf("error %v matches no sentinel", err)
	})
}

func FuzzVerifyRequest(f *testing.F) {
	sig := mercadopagotest.SignNotification(whSecret, "123456", "req-abc", whNow)
	f.Add("data.id=123456&type=payment", sig, notifBody)
	f.Add("data.id=%zz", "ts=1,v1=00", "{")
	f.Add("data.id=123456", sig, `{"data":{"id":["x"]},"id":"1e400","date_created":5}`)
	v := newVerifier(f)
	f.Fuzz(func(t *testing.T, query, sig, body string) {
		r, err := http.NewRequest(http.MethodPost, "https://shop.example/hook", strings.NewReader(body))
		require.NoError(t, err)
		r.URL.RawQuery = query
		r.Header.Set("X-Signature", sig)
		r.Header.Set("X-Request-Id", "req-abc")
		n, err := v.Verify(r)
		if err == nil {
			require.NotNil(t, n)
		}
	})
}

func FuzzNotificationDecode(f *testing.F) {
	f.Add([]byte(notifBody))
	f.Add([]byte(`{"id":"12","user_id":"x","live_mode":1,"data":null}`))
	f.Add([]byte(`{"data":{"id":{"deep":[[[[1]]]]}}}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var n mercadopago.Notification
		_ = n.UnmarshalJSON(b)
	})
}
