package etpaytest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit/etpay"
)

func TestRedirectParamAndConfirmRedirect(t *testing.T) {
	for _, tc := range []struct {
		param  string // what the simulator puts on the redirect
		signed bool
	}{{"jwt", true}, {"etpay_token", true}, {"", false}} {
		opts := []Option{}
		if tc.param != "jwt" {
			opts = append(opts, WithRedirectParam(tc.param))
		}
		srv := NewServer(opts...)
		c := newClient(t, srv)
		ctx := context.Background()
		s, err := c.Sessions.Create(ctx, &etpay.SessionRequest{OrderID: "OC700104", Amount: 2000,
			CompletedURL: "https://shop.example/ok?order=OC700104", CancellationURL: "https://shop.example/ko?order=OC700104"})
		require.NoError(t, err)
		res, err := srv.Pay(ctx, s.Token, etpay.PaymentFailed)
		require.NoError(t, err)
		u, err := url.Parse(res.RedirectURL)
		require.NoError(t, err)
		assert.Equal(t, "/ko", u.Path, "a failed payment goes back to the cancellation URL")
		if tc.param != "" {
			assert.NotEmpty(t, u.Query().Get(tc.param))
		} else {
			assert.Equal(t, url.Values{"order": {"OC700104"}}, u.Query(), "a visual-only redirect carries no JWT")
		}

		lookup := func(context.Context, string) (string, error) { return s.SignatureToken, nil }
		var vopts []etpay.WebhookOption
		if tc.param != "" && tc.param != "jwt" {
			vopts = append(vopts, etpay.WithRedirectParams(tc.param))
		}
		v, err := etpay.NewWebhookVerifier(lookup, vopts...)
		require.NoError(t, err)
		got, err := c.Payments.ConfirmReturn(ctx, v, httptest.NewRequest(http.MethodGet, res.RedirectURL, nil), "OC700104")
		require.NoError(t, err, tc.param)
		assert.Equal(t, tc.signed, got.Signed, tc.param)
		require.NotNil(t, got.Payment)
		assert.Equal(t, res.PaymentToken, got.Payment.PaymentToken)
		assert.Equal(t, etpay.PaymentFailed, got.Payment.PaymentStatus)
		assert.False(t, got.Paid())

		// The payer tries again and pays: the unsigned lookup by order finds the success.
		s2, err := c.Sessions.Create(ctx, &etpay.SessionRequest{OrderID: "OC700104", Amount: 2000})
		require.NoError(t, err)
		_, err = srv.Pay(ctx, s2.Token, etpay.PaymentSuccess)
		require.NoError(t, err)
		got, err = c.Payments.ConfirmReturn(ctx, v, httptest.NewRequest(http.MethodGet, "https://shop.example/ok?order=OC700104", nil), "OC700104")
		require.NoError(t, err)
		assert.False(t, got.Signed)
		assert.True(t, got.Paid(), "a success among the order's attempts is the one reported")
		srv.Close()
	}
}
