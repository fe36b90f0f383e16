package simset

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit/etpay"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
	"github.com/paykit-go/paykit/money"
)

func startSet(t *testing.T, cfg Config) (*Set, *httptest.Server) {
	t.Helper()
	s, err := Start(cfg)
	require.NoError(t, err)
	t.Cleanup(s.Close)
	ctl := httptest.NewServer(s.Control())
	t.Cleanup(ctl.Close)
	return s, ctl
}

func call(t *testing.T, method, url, body string, out any) int {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil {
		require.NoError(t, json.Unmarshal(b, out), "%s", b)
	}
	return resp.StatusCode
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}

func TestFixedAddressesAndDescribe(t *testing.T) {
	addr := freeAddr(t)
	s, ctl := startSet(t, Config{ETpayAddr: addr})
	var d Description
	require.Equal(t, http.StatusOK, call(t, http.MethodGet, ctl.URL+"/", "", &d))
	assert.Equal(t, "http://"+addr+"/api", d.ETpay.APIURL)
	assert.Equal(t, s.MercadoPago().URL, d.MercadoPago.URL)
	assert.Equal(t, s.MercadoPago().URL+"/js/v2", d.MercadoPago.Script)
	assert.Contains(t, d.Finrota.Script, s.Finrota().URL)
	assert.Contains(t, d.Fintecture.PrivateKey, "PRIVATE KEY")
	assert.NotEmpty(t, d.MercadoPago.AccessToken)
	assert.NotEmpty(t, d.ETpay.MerchantAPIToken)
}

func TestResetForgetsEverythingAndKeepsAddresses(t *testing.T) {
	s, ctl := startSet(t, Config{})
	c, err := s.Clients()
	require.NoError(t, err)
	ctx := context.Background()
	sess, err := c.ETpay.Sessions.Create(ctx, &etpay.SessionRequest{OrderID: "R1", Amount: 1000})
	require.NoError(t, err)
	urls := s.Describe()

	var out map[string]bool
	require.Equal(t, http.StatusOK, call(t, http.MethodPost, ctl.URL+"/reset", "", &out))
	assert.True(t, out["reset"])
	assert.Equal(t, urls, s.Describe(), "same addresses and credentials after a reset")
	_, err = s.Complete(ctx, CompleteRequest{Provider: ETpay, SessionToken: sess.Token})
	assert.Error(t, err, "the session was forgotten")
	// The clients made before the reset still reach the new simulators.
	_, err = c.ETpay.Sessions.Create(ctx, &etpay.SessionRequest{OrderID: "R2", Amount: 1000})
	assert.NoError(t, err)
}

func TestFaultsAndHandled(t *testing.T) {
	s, ctl := startSet(t, Config{})
	c, err := s.Clients()
	require.NoError(t, err)
	var q map[string]int
	require.Equal(t, http.StatusOK, call(t, http.MethodPost, ctl.URL+"/faults",
		`{"provider":"mercadopago","kind":"status","status":503,"method":"POST","path_prefix":"/v1/customers","count":3}`, &q))
	assert.Equal(t, 3, q["queued"])
	_, err = c.MercadoPago.Customers.Create(context.Background(), &mercadopago.CustomerRequest{Email: "ana@example.com"})
	var apiErr *mercadopago.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusServiceUnavailable, apiErr.StatusCode)

	var h map[string]int
	require.Equal(t, http.StatusOK, call(t, http.MethodGet, ctl.URL+"/handled?provider=mercadopago&method=POST&path_prefix=/v1/customers", "", &h))
	assert.Zero(t, h["count"], "refused before the simulator acted")

	require.Equal(t, http.StatusOK, call(t, http.MethodDelete, ctl.URL+"/faults", "", nil))
	_, err = c.MercadoPago.Customers.Create(context.Background(), &mercadopago.CustomerRequest{Email: "ana@example.com"})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, call(t, http.MethodGet, ctl.URL+"/handled?provider=mercadopago&method=POST&path_prefix=/v1/customers", "", &h))
	assert.Equal(t, 1, h["count"])

	var e map[string]string
	for _, bad := range []string{
		`{"provider":"paypal","kind":"status","status":500}`,
		`{"provider":"etpay","kind":"explode"}`,
		`{"provider":"etpay","kind":"status"}`,
		`{"provider":"etpay","kind":"delay","delay_ms":999999}`,
		`{"provider":"etpay","kind":"status","status":500,"extra":1}`,
		`not json`,
	} {
		assert.Equal(t, http.StatusBadRequest, call(t, http.MethodPost, ctl.URL+"/faults", bad, &e), bad)
		assert.NotEmpty(t, e["error"], bad)
	}
	assert.Equal(t, http.StatusBadRequest, call(t, http.MethodGet, ctl.URL+"/handled?provider=etpay", "", &e))
}

func TestCompleteAndNotifications(t *testing.T) {
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) }))
	defer hook.Close()
	s, ctl := startSet(t, Config{ETpayWebhook: hook.URL, MercadoPagoWebhook: hook.URL})
	c, err := s.Clients()
	require.NoError(t, err)
	ctx := context.Background()

	sess, err := c.ETpay.Sessions.Create(ctx, &etpay.SessionRequest{OrderID: "C1", Amount: 2000, CompletedURL: "https://shop.example/ok"})
	require.NoError(t, err)
	var res CompleteResult
	require.Equal(t, http.StatusOK, call(t, http.MethodPost, ctl.URL+"/complete", `{"provider":"etpay","session_token":"`+sess.Token+`"}`, &res))
	assert.Equal(t, "success", res.Status)
	assert.True(t, strings.HasPrefix(res.RedirectURL, "https://shop.example/ok?jwt="), res.RedirectURL)
	assert.NotEmpty(t, res.PaymentToken)
	var e map[string]string
	assert.Equal(t, http.StatusConflict, call(t, http.MethodPost, ctl.URL+"/complete", `{"provider":"etpay","session_token":"`+sess.Token+`"}`, &e))

	fp, err := c.MercadoPago.Payments.CreateFintoc(ctx, &mercadopago.FintocRequest{TransactionAmount: money.FromInt(10703),
		Description: "x", CallbackURL: "https://shop.example/back", PayerEmail: "test_user_123@testuser.com"})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, call(t, http.MethodPost, ctl.URL+"/complete", `{"provider":"mercadopago","widget_token":"`+fp.WidgetToken+`"}`, &res))
	assert.Equal(t, "rejected", res.Status, "an amount ending in 03 is rejected")
	require.NoError(t, s.MercadoPago().WaitDeliveries(ctx, 2))

	var n map[string][]Notification
	require.Equal(t, http.StatusOK, call(t, http.MethodGet, ctl.URL+"/notifications", "", &n))
	require.Len(t, n[ETpay], 1)
	assert.Equal(t, http.StatusOK, n[ETpay][0].StatusCode)
	require.Len(t, n[MercadoPago], 2)
	assert.Equal(t, "payment.updated", n[MercadoPago][1].Action)
	assert.Empty(t, n[Fintecture])

	// The payer at a Point terminal, through the control API.
	in, err := c.MercadoPago.Point.CreatePaymentIntent(ctx, mercadopagotest.DevicePDV, &mercadopago.PaymentIntentRequest{Amount: money.MustParse("12.50")})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, call(t, http.MethodPost, ctl.URL+"/complete", `{"provider":"mercadopago","point_device":"`+mercadopagotest.DevicePDV+`"}`, &res))
	assert.Equal(t, "FINISHED", res.Status)
	got, err := c.MercadoPago.Point.GetPaymentIntent(ctx, in.ID)
	require.NoError(t, err)
	assert.Equal(t, mercadopago.IntentFinished, got.State)
	assert.Equal(t, http.StatusConflict, call(t, http.MethodPost, ctl.URL+"/complete", `{"provider":"mercadopago","point_device":"`+mercadopagotest.DevicePDV+`"}`, &e),
		"no intent waits on the device any more")

	assert.Equal(t, http.StatusBadRequest, call(t, http.MethodPost, ctl.URL+"/complete", `{"provider":"x"`, &e))
	assert.Equal(t, http.StatusBadRequest, call(t, http.MethodPost, ctl.URL+"/complete", `{"provider":"x"}`, &e))
	assert.Contains(t, e["error"], "provider must be one of")
}

func TestCompleteSettlesALocalPaymentOfAnySite(t *testing.T) {
	s, ctl := startSet(t, Config{})
	var d Description
	require.Equal(t, http.StatusOK, call(t, http.MethodGet, ctl.URL+"/", "", &d))
	mlb := d.MercadoPago.SiteAccessTokens["MLB"]
	require.NotEmpty(t, mlb)
	assert.Equal(t, "MLC", d.MercadoPago.Site)
	c, err := mercadopago.NewClient(mercadopago.Credentials{AccessToken: mlb}, mercadopago.WithBaseURL(d.MercadoPago.URL),
		mercadopago.WithSite(mercadopago.SiteBrazil))
	require.NoError(t, err)
	ctx := context.Background()
	p, err := c.Payments.Create(ctx, &mercadopago.PaymentRequest{TransactionAmount: money.MustParse("10.50"), PaymentMethodID: mercadopago.PaymentMethodPix,
		Payer: &mercadopago.PaymentPayer{Email: "ana@example.com", Identification: &mercadopago.Identification{Type: "CPF", Number: "19119119100"}}})
	require.NoError(t, err)
	assert.Equal(t, "BRL", p.CurrencyID)
	assert.True(t, strings.HasPrefix(p.NextAction(s.MercadoPago().Clock.Now()).URL, d.MercadoPago.PayerPage+"/"))

	var res CompleteResult
	body := `{"provider":"mercadopago","payment_id":` + strconv.FormatInt(p.ID, 10) + `,"outcome":"expired"}`
	require.Equal(t, http.StatusOK, call(t, http.MethodPost, ctl.URL+"/complete", body, &res))
	assert.Equal(t, "cancelled", res.Status)
	var e map[string]string
	assert.Equal(t, http.StatusConflict, call(t, http.MethodPost, ctl.URL+"/complete", body, &e), "an expired payment is not pending any more")
	p, err = c.Payments.Get(ctx, p.ID)
	require.NoError(t, err)
	assert.True(t, p.Expired(s.MercadoPago().Clock.Now()))
}
