package finrotatest_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit/finrota/finrotatest"
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
	c, err := srv.NewClient()
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
