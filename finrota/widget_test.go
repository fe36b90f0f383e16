package finrota

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/money"
)

func validPayment() *PaymentRequest {
	return &PaymentRequest{
		PrepareToken:        "prp_5d1e0c9b8a7f",
		Amount:              money.MustParse("2750"),
		ReturnURL:           "https://shop.example/finrota/return?order=A-1001",
		ClientReferenceCode: "A-1001",
		CustomerIP:          "203.0.113.7",
	}
}

func TestCreateTokenWire(t *testing.T) {
	env := newMockEnv(t)
	seen := env.record(http.MethodGet, "/b2c/widget/token", 200, fixture(t, "widget_token.json"))
	got, err := env.c.Widget.CreateToken(context.Background())
	require.NoError(t, err)
	assert.Equal(t, WidgetToken("wdg_7f3c9a1e2b4d4f60a1c2"), got.Token)
	assert.Equal(t, testNow.Add(20*time.Minute), got.ExpiresAt)
	assert.Equal(t, 200, got.Meta.StatusCode)
	assert.Equal(t, "req-1", got.Meta.RequestID)
	require.Len(t, *seen, 1)
	w := (*seen)[0]
	assert.Equal(t, "", w.Query)
	assert.Equal(t, "", w.Body)
	assert.Equal(t, "Bearer "+testAccess, w.Header.Get("Authorization"))
	assert.Equal(t, "application/json", w.Header.Get("Accept"))
	assert.Contains(t, w.Header.Get("User-Agent"), "(finrota)")
	assert.Equal(t, int32(1), env.connect.Load())

	// A second token reuses the cached access token.
	_, err = env.c.Widget.CreateToken(context.Background())
	require.NoError(t, err)
	assert.Equal(t, int32(1), env.connect.Load())
}

func TestCreateTokenRejectsEmptyAnswer(t *testing.T) {
	for _, body := range []string{`{}`, `{"token":""}`, `{"data":null}`} {
		env := newMockEnv(t)
		env.record(http.MethodGet, "/b2c/widget/token", 200, body)
		_, err := env.c.Widget.CreateToken(context.Background())
		var e *Error
		require.ErrorAs(t, err, &e, body)
		assert.Contains(t, err.Error(), "answer carries no token")
	}
	// The answer echoes the client's secret key and access token: the
	// error's excerpt, like every error's, redacts them.
	env := newMockEnv(t)
	env.record(http.MethodGet, "/b2c/widget/token", 200, `{"note":"`+testSecretKey+` `+testAccess+`"}`)
	_, err := env.c.Widget.CreateToken(context.Background())
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, http.MethodGet, e.Method)
	assert.Equal(t, 200, e.StatusCode)
	assert.Equal(t, 1, e.Attempts)
	assert.Contains(t, e.Excerpt, `"note":"[redacted] [redacted]"`)
	for _, out := range []string{err.Error(), fmt.Sprintf("%+v", err)} {
		assert.NotContains(t, out, testSecretKey)
		assert.NotContains(t, out, testAccess)
	}
	env = newMockEnv(t)
	env.record(http.MethodGet, "/b2c/widget/token", 200, `{"data":{"token":"wrapped"}}`)
	got, err := env.c.Widget.CreateToken(context.Background())
	require.NoError(t, err)
	assert.Equal(t, WidgetToken("wrapped"), got.Token)
}

func TestPayWire(t *testing.T) {
	tests := []struct {
		name, fixture string
		check         func(t *testing.T, r *PaymentResult)
	}{
		{"3-D Secure redirect", "payment_redirect.json", func(t *testing.T, r *PaymentResult) {
			assert.True(t, r.NeedsRedirect())
			assert.False(t, r.Paid())
			assert.Equal(t, "https://3ds.bank.example/acs/9c1d?session=42", r.RedirectURL)
			assert.Nil(t, r.Success)
		}},
		{"direct sale", "payment_direct.json", func(t *testing.T, r *PaymentResult) {
			assert.True(t, r.Paid())
			assert.False(t, r.NeedsRedirect())
			assert.Equal(t, "884213", r.OrderID)
			assert.Equal(t, "A-1001", r.ClientReferenceCode)
		}},
		{"direct sale, drifted", "payment_direct_drifted.json", func(t *testing.T, r *PaymentResult) {
			assert.True(t, r.Paid())
			assert.Equal(t, "884213", r.OrderID)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := newMockEnv(t)
			seen := env.record(http.MethodPost, "/b2c/widget/payment", 200, fixture(t, tc.fixture))
			req := validPayment()
			before := *req
			res, err := env.c.Widget.Pay(context.Background(), req)
			require.NoError(t, err)
			assert.Equal(t, before, *req, "the caller's request is not modified")
			require.Len(t, *seen, 1)
			w := (*seen)[0]
			assert.Equal(t, fixture(t, "payment_request.json"), w.Body)
			assert.Equal(t, "application/json", w.Header.Get("Content-Type"))
			assert.Equal(t, "Bearer "+testAccess, w.Header.Get("Authorization"))
			assert.Empty(t, w.Header.Get("Idempotency-Key"))
			assert.Equal(t, 1, res.Meta.Attempts)
			tc.check(t, res)
		})
	}
}

func TestPayDeclines(t *testing.T) {
	tests := []struct {
		name, body, reason, code, line string
	}{
		{"documented shape", fixture(t, "payment_declined.json"), "Insufficient funds", "51", "finrota: payment declined: Insufficient funds (code 51)"},
		{"no payment type", fixture(t, "payment_declined_no_type.json"), "Card is blocked", "", "finrota: payment declined: Card is blocked"},
		{"false without reason", `{"paymentType":"DirectSale","success":false}`, "", "", "finrota: payment declined: no reason given"},
		{"error without success", `{"paymentType":"DirectSale","error":"Do not honour"}`, "Do not honour", "", "finrota: payment declined: Do not honour"},
		{"redirect with error", `{"paymentType":"RedirectUrl","redirectTo":"https://b.example/","success":false,"error":"3D not enrolled"}`, "3D not enrolled", "", "finrota: payment declined: 3D not enrolled"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := newMockEnv(t)
			env.record(http.MethodPost, "/b2c/widget/payment", 200, tc.body)
			res, err := env.c.Widget.Pay(context.Background(), validPayment())
			assert.Nil(t, res)
			require.Error(t, err)
			assert.True(t, errors.Is(err, ErrDeclined))
			var d *DeclineError
			require.ErrorAs(t, err, &d)
			assert.Equal(t, "payment", d.Operation)
			assert.Equal(t, tc.reason, d.Reason)
			assert.Equal(t, tc.code, d.Code)
			assert.Equal(t, 200, d.Meta.StatusCode)
			assert.Equal(t, tc.line, err.Error())
		})
	}
}

func TestPayMalformedSuccess(t *testing.T) {
	for name, body := range map[string]string{
		"no type":           `{"success":true}`,
		"redirect, no url":  `{"paymentType":"RedirectUrl"}`,
		"redirect, bad url": `{"paymentType":"RedirectUrl","redirectTo":"javascript:alert(1)"}`,
		"not json":          `<html>ok</html>`,
		"empty":             ``,
	} {
		t.Run(name, func(t *testing.T) {
			env := newMockEnv(t)
			env.record(http.MethodPost, "/b2c/widget/payment", 200, body)
			_, err := env.c.Widget.Pay(context.Background(), validPayment())
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.False(t, errors.Is(err, ErrDeclined))
		})
	}
	// An unknown payment type is kept, neither paid nor a redirect.
	env := newMockEnv(t)
	env.record(http.MethodPost, "/b2c/widget/payment", 200, `{"paymentType":"Pending","success":true}`)
	res, err := env.c.Widget.Pay(context.Background(), validPayment())
	require.NoError(t, err)
	assert.Equal(t, PaymentType("Pending"), res.Type)
	assert.False(t, res.Paid())
	assert.False(t, res.NeedsRedirect())
}

func TestPayValidation(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(r *PaymentRequest)
		want   string
	}{
		{"no prepare token", func(r *PaymentRequest) { r.PrepareToken = "" }, "finrota: prepareToken: must not be empty (it comes from the widget's onSuccess)"},
		{"zero amount", func(r *PaymentRequest) { r.Amount = money.Decimal{} }, "finrota: amount: must be greater than zero"},
		{"negative amount", func(r *PaymentRequest) { r.Amount = money.MustParse("-1") }, "finrota: amount: must be greater than zero"},
		{"three decimals", func(r *PaymentRequest) { r.Amount = money.MustParse("1.005") }, "finrota: amount: must have at most 2 decimal places"},
		{"relative return", func(r *PaymentRequest) { r.ReturnURL = "/return" }, "finrota: returnUrl: must be an absolute http or https URL"},
		{"no return", func(r *PaymentRequest) { r.ReturnURL = "" }, "finrota: returnUrl: must not be empty"},
		{"ftp return", func(r *PaymentRequest) { r.ReturnURL = "ftp://x.example/" }, "finrota: returnUrl: must be an absolute http or https URL"},
		{"no reference", func(r *PaymentRequest) { r.ClientReferenceCode = " " }, "finrota: clientReferenceCode: must not be empty"},
		{"control in reference", func(r *PaymentRequest) { r.ClientReferenceCode = "A\n1" }, "finrota: clientReferenceCode: must not contain control characters"},
		{"bad ip", func(r *PaymentRequest) { r.CustomerIP = "300.1.1.1" }, "finrota: customerIpAddress: must be a valid IPv4 or IPv6 address"},
		{"no ip", func(r *PaymentRequest) { r.CustomerIP = "" }, "finrota: customerIpAddress: must be a valid IPv4 or IPv6 address"},
		{"zoned ip", func(r *PaymentRequest) { r.CustomerIP = "fe80::1%eth0" }, "finrota: customerIpAddress: must be a valid IPv4 or IPv6 address"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := newMockEnv(t)
			req := validPayment()
			tc.mutate(req)
			_, err := env.c.Widget.Pay(context.Background(), req)
			var v *paykit.ValidationError
			require.ErrorAs(t, err, &v)
			assert.EqualError(t, err, tc.want)
			assert.Zero(t, env.mt.GetTotalCallCount(), "nothing is sent")
		})
	}
	env := newMockEnv(t)
	_, err := env.c.Widget.Pay(context.Background(), nil)
	assert.EqualError(t, err, "finrota: request: must not be nil")
	req := validPayment()
	req.CustomerIP = "2001:db8::7"
	env.record(http.MethodPost, "/b2c/widget/payment", 200, fixture(t, "payment_direct.json"))
	_, err = env.c.Widget.Pay(context.Background(), req)
	assert.NoError(t, err, "IPv6 is accepted")
}

// Pay has no idempotency key: a 502 (the payment may have happened) is
// returned after one attempt, never repeated.
func TestPayNeverRetriedOnceItMayHaveReachedTheServer(t *testing.T) {
	for _, status := range []int{500, 502, 503, 504} {
		env := newMockEnv(t, WithMaxRetries(5))
		seen := env.record(http.MethodPost, "/b2c/widget/payment", status, `<html>Bad Gateway</html>`)
		_, err := env.c.Widget.Pay(context.Background(), validPayment())
		var e *Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, status, e.StatusCode)
		assert.Equal(t, 1, e.Attempts)
		assert.Len(t, *seen, 1, "status %d: exactly one attempt", status)
	}

	env := newMockEnv(t, WithMaxRetries(5))
	calls := 0
	env.mt.RegisterResponder(http.MethodPost, testBase+"/b2c/widget/payment", func(*http.Request) (*http.Response, error) {
		calls++
		return nil, errors.New("connection reset by peer")
	})
	_, err := env.c.Widget.Pay(context.Background(), validPayment())
	var ne *paykit.NetworkError
	require.ErrorAs(t, err, &ne)
	assert.True(t, ne.MayHaveReachedServer)
	assert.Equal(t, 1, calls)

	// A 429 is a refusal to act, so it is repeated.
	env = newMockEnv(t, WithMaxRetries(2))
	n := 0
	env.mt.RegisterResponder(http.MethodPost, testBase+"/b2c/widget/payment", func(*http.Request) (*http.Response, error) {
		n++
		if n == 1 {
			return httpmock.NewStringResponse(429, `{"message":"slow down"}`), nil
		}
		return httpmock.NewStringResponse(200, fixture(t, "payment_direct.json")), nil
	})
	res, err := env.c.Widget.Pay(context.Background(), validPayment())
	require.NoError(t, err)
	assert.Equal(t, 2, res.Meta.Attempts)
}

func TestCreateTokenRetriesGET(t *testing.T) {
	env := newMockEnv(t, WithMaxRetries(2))
	n := 0
	env.mt.RegisterResponder(http.MethodGet, testBase+"/b2c/widget/token", func(*http.Request) (*http.Response, error) {
		n++
		if n == 1 {
			return httpmock.NewStringResponse(502, `bad gateway`), nil
		}
		return httpmock.NewStringResponse(200, fixture(t, "widget_token.json")), nil
	})
	got, err := env.c.Widget.CreateToken(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 2, got.Meta.Attempts)
}

// 200 callers on a cold client share one token request.
func TestConcurrentCreateTokenFetchesOneAccessToken(t *testing.T) {
	env := newMockEnv(t)
	env.record(http.MethodGet, "/b2c/widget/token", 200, fixture(t, "widget_token.json"))
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := env.c.Widget.CreateToken(context.Background())
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, int32(1), env.connect.Load())
}
