package shop

// These tests drive the shop over HTTP with the simulators' Go stand-ins
// for the payer (CardToken, PreparePayment, Complete3DS, Pay); e2e/ does
// the same in a real browser.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit/etpay"
	"github.com/paykit-go/paykit/etpay/etpaytest"
	"github.com/paykit-go/paykit/examples/simulators/simset"
	"github.com/paykit-go/paykit/finrota"
	"github.com/paykit-go/paykit/finrota/finrotatest"
	"github.com/paykit-go/paykit/fintecture"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
	"github.com/paykit-go/paykit/money"
)

func start(t *testing.T) *Running {
	t.Helper()
	r, err := Start(context.Background(), "", simset.Config{}, nil)
	require.NoError(t, err)
	t.Cleanup(r.Close)
	return r
}

// noRedirect is a client that shows each redirect instead of following it.
// Its timeout is only a hang guard: a busy machine under -race must not turn
// a slow answer into a failure.
var noRedirect = &http.Client{Timeout: time.Minute,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func place(t *testing.T, r *Running) string {
	t.Helper()
	resp, err := noRedirect.PostForm(r.URL+"/orders", url.Values{"qty-beans": {"1"}, "qty-mug": {"1"}})
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	id := strings.TrimPrefix(resp.Header.Get("Location"), "/orders/")
	o, ok := r.Shop.Order(id)
	require.True(t, ok)
	require.Equal(t, int64(42), o.Total)
	require.Equal(t, StatusNew, o.Status)
	return id
}

// submit posts a form and returns the redirect's target.
func submit(t *testing.T, target string, form url.Values) string {
	t.Helper()
	resp, err := noRedirect.PostForm(target, form)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, "%s", body)
	return resp.Header.Get("Location")
}

// get fetches target without following redirects.
func get(t *testing.T, target string) (int, string, string) {
	t.Helper()
	resp, err := noRedirect.Get(target)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location"), string(body)
}

func events(o Order) string {
	var b strings.Builder
	for _, e := range o.Events {
		b.WriteString(e.Source + ": " + e.Text + "\n")
	}
	return b.String()
}

func TestEmptyCartIsRefused(t *testing.T) {
	r := start(t)
	resp, err := noRedirect.PostForm(r.URL+"/orders", url.Values{"qty-beans": {"0"}})
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, string(body), "Your cart is empty")
	resp, err = noRedirect.PostForm(r.URL+"/orders", url.Values{"qty-beans": {"-3"}})
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Empty(t, r.Shop.Orders())
}

func TestMercadoPagoCardPaidOnlyAfterLookupOrNotification(t *testing.T) {
	r := start(t)
	id := place(t, r)
	mp := r.Sims.MercadoPago()
	tok, err := mp.CardToken(mercadopagotest.TestCard{Number: mercadopagotest.CardVisa, ExpirationMonth: 11,
		ExpirationYear: time.Now().Year() + 2, SecurityCode: "123", HolderName: mercadopagotest.HolderApproved})
	require.NoError(t, err)
	form := url.Values{"token": {tok}, "email": {"buyer@example.com"}}
	assert.Equal(t, "/orders/"+id, submit(t, r.URL+"/orders/"+id+"/pay/mp-card", form))
	o, _ := r.Shop.Order(id)
	require.Equal(t, StatusPaid, o.Status, events(o))
	assert.Contains(t, []Source{FromLookup, FromNotification}, o.PaidBy)
	require.Len(t, o.MPPayments, 1)

	// The same form again (a double click): the same idempotency key, so
	// Mercado Pago replays the first answer instead of charging again.
	submit(t, r.URL+"/orders/"+id+"/pay/mp-card", form)
	assert.Equal(t, 1, mp.PaymentCount())
	p, ok := mp.Payment(o.MPPayments[0])
	require.True(t, ok)
	assert.Equal(t, id, p.ExternalReference)
	assert.Equal(t, r.URL+"/webhooks/mercadopago", p.NotificationURL)

	// The notification reaches the shop and is verified; the order stays
	// paid once.
	require.NoError(t, mp.WaitDeliveries(context.Background(), 1))
	d := mp.Deliveries()[0]
	assert.Equal(t, http.StatusOK, d.StatusCode)
	assert.True(t, strings.HasPrefix(d.URL, r.URL+"/webhooks/mercadopago?"))
}

func TestMercadoPagoDeclinedCard(t *testing.T) {
	r := start(t)
	id := place(t, r)
	tok, err := r.Sims.MercadoPago().CardToken(mercadopagotest.TestCard{Number: mercadopagotest.CardMastercard, ExpirationMonth: 11,
		ExpirationYear: time.Now().Year() + 2, SecurityCode: "123", HolderName: mercadopagotest.HolderRejectedOther})
	require.NoError(t, err)
	submit(t, r.URL+"/orders/"+id+"/pay/mp-card", url.Values{"token": {tok}, "email": {"buyer@example.com"}})
	o, _ := r.Shop.Order(id)
	assert.Equal(t, StatusFailed, o.Status, events(o))
	assert.Contains(t, o.Detail, string(mercadopago.DetailRejectedOtherReason))
	assert.Empty(t, o.PaidBy)
	_, _, page := get(t, r.URL+"/orders/"+id)
	assert.Contains(t, page, `data-status="failed"`)
	assert.Contains(t, page, `id="pay-mp-card"`, "the payer can try again")
}

func TestMercadoPagoCardWithoutToken(t *testing.T) {
	r := start(t)
	id := place(t, r)
	resp, err := noRedirect.PostForm(r.URL+"/orders/"+id+"/pay/mp-card", url.Values{"email": {"buyer@example.com"}})
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Zero(t, r.Sims.MercadoPago().PaymentCount())
}

func TestMercadoPagoFintocWidgetReusedUntilPaid(t *testing.T) {
	r := start(t)
	id := place(t, r)
	token := func() string {
		resp, err := http.Post(r.URL+"/orders/"+id+"/pay/mp-fintoc", "", nil)
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
		return strings.Split(string(body), `"`)[3]
	}
	first := token()
	assert.Equal(t, first, token(), "the payer closed the widget and opened it again: same payment")
	o, _ := r.Shop.Order(id)
	assert.Equal(t, StatusPending, o.Status)
	st, err := r.Sims.MercadoPago().CompleteFintoc(first)
	require.NoError(t, err)
	assert.Equal(t, mercadopago.StatusApproved, st)
	_, loc, _ := get(t, r.URL+"/orders/"+id+"/return/mp-fintoc")
	assert.Equal(t, "/orders/"+id+"?notice=returned", loc)
	o, _ = r.Shop.Order(id)
	assert.Equal(t, StatusPaid, o.Status, events(o))
	assert.Equal(t, 1, r.Sims.MercadoPago().PaymentCount())
}

func TestFinrotaWithAndWithout3DS(t *testing.T) {
	r := start(t)
	c, err := r.Sims.Clients()
	require.NoError(t, err)
	fr := r.Sims.Finrota()
	prepare := func(card string, use3D bool) string {
		wt, err := c.Finrota.Widget.CreateToken(context.Background())
		require.NoError(t, err)
		pt, err := fr.PreparePayment(context.Background(), wt.Token, finrotatest.Prepare{Card: finrotatest.TestCard(card), Use3D: use3D,
			Amount: money.FromInt(42), Currency: "TRY"})
		require.NoError(t, err)
		return string(pt)
	}

	direct := place(t, r)
	submit(t, r.URL+"/orders/"+direct+"/pay/finrota", url.Values{"prepareToken": {prepare(finrotatest.CardApproved, false)}})
	o, _ := r.Shop.Order(direct)
	assert.Equal(t, StatusPaid, o.Status, events(o))
	assert.Equal(t, FromLookup, o.PaidBy)

	declined := place(t, r)
	submit(t, r.URL+"/orders/"+declined+"/pay/finrota", url.Values{"prepareToken": {prepare(finrotatest.CardDeclined, false)}})
	o, _ = r.Shop.Order(declined)
	assert.Equal(t, StatusFailed, o.Status)
	assert.Contains(t, o.Detail, "Insufficient funds")

	secure := place(t, r)
	bank := submit(t, r.URL+"/orders/"+secure+"/pay/finrota-3ds", url.Values{"prepareToken": {prepare(finrotatest.CardApproved, true)}})
	require.True(t, strings.HasPrefix(bank, fr.URL+"/sim/3ds/"), bank)
	o, _ = r.Shop.Order(secure)
	assert.Equal(t, StatusPending, o.Status)
	// A forged return claiming success changes nothing: the shop asks Finrota.
	_, _, _ = get(t, r.URL+"/orders/"+secure+"/return/finrota?status=success&clientReferenceCode="+o.FinrotaRef)
	o, _ = r.Shop.Order(secure)
	assert.Equal(t, StatusPending, o.Status, events(o))
	back, err := fr.Complete3DS(context.Background(), bank, finrotatest.OTP)
	require.NoError(t, err)
	_, _, _ = get(t, back.URL.String())
	o, _ = r.Shop.Order(secure)
	assert.Equal(t, StatusPaid, o.Status, events(o))
	tx, err := c.Finrota.Transactions.Get(context.Background(), finrota.ByClientReference(o.FinrotaRef))
	require.NoError(t, err)
	assert.True(t, tx.Paid())
	assert.Equal(t, 3, fr.Handled(http.MethodPost, "/b2c/widget/payment"))
}

func TestFintectureWebhookBeforeRedirect(t *testing.T) {
	r := start(t)
	id := place(t, r)
	connect := submit(t, r.URL+"/orders/"+id+"/pay/fintecture", nil)
	o, _ := r.Shop.Order(id)
	require.NotEmpty(t, o.FintectureSession)
	assert.True(t, strings.HasPrefix(connect, r.Sims.Fintecture().URL+"/v2/"), connect)

	// A callback naming the session but with another state is not trusted.
	_, _, _ = get(t, r.URL+"/orders/"+id+"/return/fintecture?session_id="+o.FintectureSession+"&status=payment_created&state=guess")
	o, _ = r.Shop.Order(id)
	assert.Equal(t, StatusPending, o.Status, events(o))

	back, err := r.Sims.Fintecture().Pay(o.FintectureSession, fintecture.StatusCreated)
	require.NoError(t, err)
	o, _ = r.Shop.Order(id)
	assert.Equal(t, StatusPaid, o.Status, "the webhook came first: %s", events(o))
	assert.Equal(t, FromNotification, o.PaidBy)
	_, loc, _ := get(t, back)
	assert.Equal(t, "/orders/"+id+"?notice=returned", loc)
	o, _ = r.Shop.Order(id)
	assert.Contains(t, events(o), "already recorded as paid")
	assert.Equal(t, FromNotification, o.PaidBy)
}

func TestETpayNotifications(t *testing.T) {
	r := start(t)
	id := place(t, r)
	funnel := submit(t, r.URL+"/orders/"+id+"/pay/etpay", nil)
	o, _ := r.Shop.Order(id)
	require.True(t, strings.HasSuffix(funnel, "/session/"+o.ETpaySession), funnel)

	post := func(jwt string) int {
		resp, err := http.Post(r.URL+"/webhooks/etpay", "application/json", strings.NewReader(`{"payment":"`+jwt+`"}`))
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	claims := map[string]any{"session_token": o.ETpaySession, "payment_token": "p1", "payment_status": "success",
		"merchant_order_id": id, "order_amount": 42}
	forged, err := etpaytest.SignNotification(claims, "a-guess")
	require.NoError(t, err)
	assert.Equal(t, http.StatusUnauthorized, post(forged))
	o, _ = r.Shop.Order(id)
	assert.Equal(t, StatusPending, o.Status)

	// Correctly signed but about a payment ETpay does not have: the status
	// call finds nothing paid, so nothing changes.
	sig, ok := r.Sims.ETpay().SignatureToken(o.ETpaySession)
	require.True(t, ok)
	claims["iat"] = time.Now().Unix() // the verifier needs exp or a recent iat
	unconfirmed, err := etpaytest.SignNotification(claims, sig)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, post(unconfirmed))
	o, _ = r.Shop.Order(id)
	assert.NotEqual(t, StatusPaid, o.Status, events(o))

	res, err := r.Sims.ETpay().Pay(context.Background(), o.ETpaySession, etpay.PaymentSuccess)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, res.Delivery.StatusCode)
	o, _ = r.Shop.Order(id)
	assert.Equal(t, StatusPaid, o.Status, events(o))
	assert.Equal(t, FromNotification, o.PaidBy)
	assert.Equal(t, "etpay-"+res.PaymentToken, o.PaidRef)
	// ETpay sends the same notification again: the verifier acknowledges
	// the replay without handing it to the shop. The payer's redirect, which
	// carries the same JWT, still reaches the shop's own check.
	d := r.Sims.ETpay().Redeliver(context.Background(), res, r.URL+"/webhooks/etpay")
	assert.Equal(t, http.StatusOK, d.StatusCode)
	o, _ = r.Shop.Order(id)
	assert.Equal(t, 0, strings.Count(events(o), "already recorded as paid"), events(o))
	_, _, _ = get(t, res.RedirectURL)
	o, _ = r.Shop.Order(id)
	assert.Equal(t, StatusPaid, o.Status)
	assert.Equal(t, 1, strings.Count(events(o), "already recorded as paid"), events(o))
}

func TestUnknownRoutes(t *testing.T) {
	r := start(t)
	id := place(t, r)
	for _, path := range []string{"/orders/nope", "/orders/" + id + "/pay/bitcoin", "/orders/" + id + "/return/bitcoin"} {
		code, _, _ := get(t, r.URL+path)
		assert.Equal(t, http.StatusNotFound, code, path)
	}
	code, _, _ := get(t, r.URL+"/webhooks/mercadopago")
	assert.Equal(t, http.StatusMethodNotAllowed, code)
}

func TestOrdersDoNotPrintTheirKeys(t *testing.T) {
	r := start(t)
	id := place(t, r)
	submit(t, r.URL+"/orders/"+id+"/pay/etpay", nil)
	submit(t, r.URL+"/orders/"+id+"/pay/fintecture", nil)
	o, _ := r.Shop.Order(id)
	sig, ok := r.Sims.ETpay().SignatureToken(o.ETpaySession)
	require.True(t, ok)
	for _, format := range []string{"%v", "%+v", "%#v", "%s", "%x", "%q"} {
		out := fmt.Sprintf(format, o) + fmt.Sprintf(format, &o) + fmt.Sprintf(format, []Order{o})
		assert.Contains(t, out, "Status: pending", format)
		assert.NotContains(t, out, sig, format)
		assert.NotContains(t, out, "st-", format)
		assert.Contains(t, fmt.Sprintf(format, o.keys), "[redacted]", format)
	}
}

func TestLateNewsOfAnEarlierAttemptChangesNothing(t *testing.T) {
	r := start(t)
	id := place(t, r)
	mp := r.Sims.MercadoPago()
	tok, err := mp.CardToken(mercadopagotest.TestCard{Number: mercadopagotest.CardVisa, ExpirationMonth: 11,
		ExpirationYear: time.Now().Year() + 2, SecurityCode: "123", HolderName: mercadopagotest.HolderInsufficientFunds})
	require.NoError(t, err)
	submit(t, r.URL+"/orders/"+id+"/pay/mp-card", url.Values{"token": {tok}, "email": {"buyer@example.com"}})
	require.NoError(t, mp.WaitDeliveries(context.Background(), 1))
	o, _ := r.Shop.Order(id)
	require.Equal(t, StatusFailed, o.Status)

	// The payer tries again with ETpay; then Mercado Pago's notification
	// of the declined card arrives once more: first the very same delivery
	// (acknowledged by the verifier, never reaching the shop), then a new
	// notification about it (its own event id and x-request-id), which the
	// shop weighs.
	submit(t, r.URL+"/orders/"+id+"/pay/etpay", nil)
	d := mp.Deliveries()[0]
	body := string(d.Body)
	notify := func(reqID, sig string) {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, d.URL, strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("X-Signature", sig)
		req.Header.Set("X-Request-Id", reqID)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode)
	}
	notify(d.RequestID, d.Signature)
	o, _ = r.Shop.Order(id)
	assert.Equal(t, StatusPending, o.Status, events(o))
	assert.NotContains(t, events(o), "not the payment this order waits for", "a replay is not handled again")

	// A new notification carries a new event id: a retry of the same one
	// (same id) would be recognised as the event already handled.
	body = regexp.MustCompile(`"id":\d+`).ReplaceAllString(body, `"id":987654321`)
	require.NotEqual(t, string(d.Body), body)
	notify("late-"+d.RequestID, mercadopagotest.SignNotification(mp.WebhookSecret, d.DataID, "late-"+d.RequestID, time.Now()))
	o, _ = r.Shop.Order(id)
	assert.Equal(t, StatusPending, o.Status, events(o))
	assert.Contains(t, events(o), "not the payment this order waits for")
}
