package mercadopagotest_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/money"
)

func fetch(t *testing.T, method, url, body string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

func TestMercadoPagoJSIsServed(t *testing.T) {
	srv, _ := setup(t)
	assert.Equal(t, srv.URL+"/js/v2", srv.ScriptURL())
	resp, js := fetch(t, http.MethodGet, srv.ScriptURL(), "")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "text/javascript; charset=utf-8", resp.Header.Get("Content-Type"))
	for _, want := range []string{`var BASE = "` + srv.URL + `";`, "window.MercadoPago = MercadoPago", "createCardToken", "card_id: String(d.cardId)", "onSuccess", "onExit"} {
		assert.Contains(t, js, want)
	}
}

func TestCardTokensAcceptOtherOrigins(t *testing.T) {
	srv, _ := setup(t)
	resp, _ := fetch(t, http.MethodOptions, srv.URL+"/v1/card_tokens?public_key="+srv.PublicKey, "",
		"Origin", "http://shop.example", "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type")
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	assert.Equal(t, "*", resp.Header.Get("Access-Control-Allow-Origin"))
	assert.Contains(t, resp.Header.Get("Access-Control-Allow-Headers"), "Content-Type")

	body := `{"card_number":"4509953566233704","expiration_month":11,"expiration_year":2099,"security_code":"123","cardholder":{"name":"APRO"}}`
	resp, out := fetch(t, http.MethodPost, srv.URL+"/v1/card_tokens?public_key="+srv.PublicKey, body, "Origin", "http://shop.example")
	assert.Equal(t, http.StatusCreated, resp.StatusCode, out)
	assert.Equal(t, "*", resp.Header.Get("Access-Control-Allow-Origin"))
	// The API itself still wants its access token, and gets no CORS header.
	resp, _ = fetch(t, http.MethodGet, srv.URL+"/v1/payments/1", "", "Origin", "http://shop.example")
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Empty(t, resp.Header.Get("Access-Control-Allow-Origin"))
}

func TestFintocWidgetEndpoints(t *testing.T) {
	srv, c := setup(t)
	fp, err := c.Payments.CreateFintoc(context.Background(), &mercadopago.FintocRequest{TransactionAmount: money.FromInt(10702),
		Description: "Order 7", CallbackURL: "https://shop.example/back?o=7", PayerEmail: "test_user_123@testuser.com"})
	require.NoError(t, err)
	base := srv.URL + "/fintoc/widget-token/" + fp.WidgetToken

	resp, info := fetch(t, http.MethodGet, base, "")
	require.Equal(t, http.StatusOK, resp.StatusCode, info)
	assert.JSONEq(t, `{"amount":10702,"currency":"CLP","status":"pending","expired":false,"description":"Order 7"}`, info)

	page, html := fetch(t, http.MethodGet, fp.RedirectURL, "")
	require.Equal(t, http.StatusOK, page.StatusCode, fp.RedirectURL)
	assert.Contains(t, html, `widgetToken: "`+fp.WidgetToken+`"`)
	assert.Contains(t, html, `location.href = "https://shop.example/back?o=7"`)

	resp, out := fetch(t, http.MethodPost, base+"/authorize", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, out)
	assert.JSONEq(t, `{"status":"approved"}`, out)
	p, err := c.Payments.Get(context.Background(), fp.Payment.ID)
	require.NoError(t, err)
	assert.Equal(t, mercadopago.StatusApproved, p.Status)

	resp, out = fetch(t, http.MethodPost, base+"/authorize", "")
	assert.Equal(t, http.StatusConflict, resp.StatusCode, "a finished payment cannot be authorised again: %s", out)
	resp, _ = fetch(t, http.MethodGet, srv.URL+"/fintoc/widget-token/pi_unknown", "")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	resp, _ = fetch(t, http.MethodGet, srv.URL+"/fintoc/widget/123", "")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}

func TestFintocHostedPageEscapesTheCallback(t *testing.T) {
	srv, c := setup(t)
	fp, err := c.Payments.CreateFintoc(context.Background(), &mercadopago.FintocRequest{TransactionAmount: money.FromInt(5000),
		Description: "x", CallbackURL: "https://shop.example/?q=</script><script>alert(1)</script>", PayerEmail: "test_user_123@testuser.com"})
	require.NoError(t, err)
	resp, html := fetch(t, http.MethodGet, fp.RedirectURL, "")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.NotContains(t, html, "<script>alert(1)")
	assert.Contains(t, html, `\u003c/script\u003e`)
	assert.Contains(t, html, `new MercadoPago("`+srv.PublicKey+`")`)
}
