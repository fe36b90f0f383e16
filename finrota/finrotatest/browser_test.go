package finrotatest_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit/finrota"
	"github.com/paykit-go/paykit/finrota/finrotatest"
	"github.com/paykit-go/paykit/money"
)

func TestWidgetScriptAndCORS(t *testing.T) {
	srv := finrotatest.NewServer()
	defer srv.Close()
	resp, err := http.Get(srv.ScriptURL())
	require.NoError(t, err)
	js, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	for _, want := range []string{`var BASE = "` + srv.URL + `";`, "window.FinrotaPay = {init: init", "/b2c/widget/preparePayment",
		"/b2c/paymentOptions", "onSuccess({prepareToken: res.prepareToken})", "onClose"} {
		assert.Contains(t, string(js), want)
	}

	req, _ := http.NewRequest(http.MethodOptions, srv.URL+"/b2c/widget/preparePayment", nil)
	req.Header.Set("Origin", "http://shop.example")
	req.Header.Set("Access-Control-Request-Headers", "authorization,content-type")
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	assert.Equal(t, "*", resp.Header.Get("Access-Control-Allow-Origin"))
	assert.Contains(t, resp.Header.Get("Access-Control-Allow-Headers"), "Authorization")

	// The widget's own call, as the browser makes it: widget token, JSON.
	c, err := srv.Client()
	require.NoError(t, err)
	wt, err := c.Widget.CreateToken(context.Background())
	require.NoError(t, err)
	body := `{"card":{"cardNumber":"4155650100416111","cardHolderName":"A Y","cvv":"123","expMonth":"12","expYear":"30"},"use3D":true,"currency":"TRY","amount":42,"installmentToken":""}`
	req, _ = http.NewRequest(http.MethodPost, srv.URL+"/b2c/widget/preparePayment", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+string(wt.Token))
	req.Header.Set("Content-Type", "application/json")
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	out, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode, "%s", out)
	assert.Equal(t, "*", resp.Header.Get("Access-Control-Allow-Origin"))
	assert.Contains(t, string(out), `"prepareToken":"prp_`)
}

func TestBankPage(t *testing.T) {
	srv := finrotatest.NewServer()
	defer srv.Close()
	c, err := srv.Client()
	require.NoError(t, err)
	ctx := context.Background()
	wt, err := c.Widget.CreateToken(ctx)
	require.NoError(t, err)
	pt, err := srv.PreparePayment(ctx, wt.Token, finrotatest.Prepare{Card: finrotatest.TestCard(finrotatest.CardApproved), Use3D: true,
		Amount: money.MustParse("27.50"), Currency: "TRY"})
	require.NoError(t, err)
	res, err := c.Widget.Pay(ctx, &finrota.PaymentRequest{PrepareToken: pt, Amount: money.MustParse("27.50"),
		ReturnURL: "https://shop.example/back", ClientReferenceCode: "B-1", CustomerIP: "203.0.113.7"})
	require.NoError(t, err)
	require.True(t, res.NeedsRedirect())

	resp, err := http.Get(res.RedirectURL)
	require.NoError(t, err)
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
	for _, want := range []string{"27.50 TRY", `name="otp"`, `id="bank-confirm"`, finrotatest.OTP + " passes"} {
		assert.Contains(t, string(page), want)
	}
	_, err = srv.Complete3DS(ctx, res.RedirectURL, finrotatest.OTP)
	require.NoError(t, err)
	resp, err = http.Get(res.RedirectURL)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusGone, resp.StatusCode, "a finished 3-D Secure session is gone")
}
