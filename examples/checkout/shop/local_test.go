package shop

// Tests of the Mercado Pago local methods (Pix, boleto, PSE, OXXO) over
// HTTP, with the simulator's Settle, its payer page and its clock standing
// in for the payer; e2e/ drives the same pages in a browser.

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
)

// localPay posts a local method's form (the demo values, with overrides)
// and returns the redirect's target.
func localPay(t *testing.T, r *Running, id, method string, overrides map[string]string) string {
	t.Helper()
	return submit(t, r.URL+"/orders/"+id+"/pay/"+method, localValues(method, overrides))
}

func localValues(method string, overrides map[string]string) url.Values {
	form := url.Values{}
	for k, v := range localForm(method) {
		form.Set(k, v)
	}
	for k, v := range overrides {
		form.Set(k, v)
	}
	return form
}

// paymentOf reads the payment id from a payment page path.
func paymentOf(t *testing.T, r *Running, id, path string) int64 {
	t.Helper()
	prefix := "/orders/" + id + "/payments/"
	require.True(t, strings.HasPrefix(path, prefix), path)
	pid, err := strconv.ParseInt(strings.TrimPrefix(path, prefix), 10, 64)
	require.NoError(t, err, path)
	o, _ := r.Shop.Order(id)
	require.Contains(t, o.MPPayments, pid)
	return pid
}

type pollAnswer struct {
	State, Status, StatusDetail, Message string
}

// poll asks the endpoint the payment page polls.
func poll(t *testing.T, r *Running, id string, pid int64) pollAnswer {
	t.Helper()
	code, _, body := get(t, r.URL+paymentPath(id, pid)+"/status")
	require.Equal(t, http.StatusOK, code, body)
	var a struct {
		State        string `json:"state"`
		Status       string `json:"status"`
		StatusDetail string `json:"status_detail"`
		Message      string `json:"message"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &a), body)
	return pollAnswer{a.State, a.Status, a.StatusDetail, a.Message}
}

// delivered waits for the simulator's notification action about pid and
// returns it once it was answered.
func delivered(t *testing.T, r *Running, pid int64, action string) mercadopagotest.Delivery {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		for _, d := range r.Sims.MercadoPago().Deliveries() {
			if d.DataID == strconv.FormatInt(pid, 10) && d.Action == action && (d.StatusCode != 0 || d.Err != nil) {
				return d
			}
		}
	}
	t.Fatalf("no %s notification about payment %d was delivered", action, pid)
	return mercadopagotest.Delivery{}
}

func TestLocalMethodsUseTheirSitesCurrency(t *testing.T) {
	for key, id := range localMethods {
		m, ok := methodByKey(key)
		require.True(t, ok, key)
		site, ok := mercadopago.MethodSite(id)
		require.True(t, ok, id)
		assert.Equal(t, site.Currency(), m.Currency, "%s is a %s method", key, site)
	}
}

func TestPixQRCodePolledUntilPaid(t *testing.T) {
	r := start(t)
	id := place(t, r)
	code, _, page := get(t, r.URL+"/orders/"+id+"/pay/mp-pix")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, page, `value="19119119100"`)
	assert.Contains(t, page, "42 BRL")

	target := localPay(t, r, id, "mp-pix", nil)
	pid := paymentOf(t, r, id, target)
	// The form posted twice: the same idempotency key, the same payment.
	assert.Equal(t, target, localPay(t, r, id, "mp-pix", nil))
	mp := r.Sims.MercadoPago()
	assert.Equal(t, 1, mp.PaymentCount())
	p, ok := mp.Payment(pid)
	require.True(t, ok)
	assert.Equal(t, "BRL", p.CurrencyID)
	assert.Equal(t, mercadopago.PaymentMethodPix, p.PaymentMethodID)
	assert.Equal(t, r.URL+"/webhooks/mercadopago/MLB", p.NotificationURL)

	code, _, page = get(t, r.URL+target)
	require.Equal(t, http.StatusOK, code)
	assert.Regexp(t, `<img id="qr" [^>]*src="data:image/png;base64,iVBORw0KGgo(?:[A-Za-z0-9/=]|&#43;)+"`, page)
	assert.Contains(t, page, ">"+p.PointOfInteraction.TransactionData.QRCode+"</textarea>")
	assert.Contains(t, page, `data-outcome="pending"`)
	assert.Contains(t, page, `id="ticket-link" href="`+mp.URL+mercadopagotest.PayerPagePath+"/"+strconv.FormatInt(pid, 10)+`"`)
	assert.Contains(t, page, `id="expires"`)

	o, _ := r.Shop.Order(id)
	before := len(o.Events)
	a := poll(t, r, id, pid)
	assert.Equal(t, pollAnswer{"pending", "pending", "pending_waiting_transfer", "Waiting for your payment. This page updates by itself."}, a)
	o, _ = r.Shop.Order(id)
	assert.Len(t, o.Events, before, "a pending poll records nothing")
	assert.Equal(t, StatusPending, o.Status)

	_, err := mp.Settle(pid, mercadopagotest.OutcomePaid)
	require.NoError(t, err)
	d := delivered(t, r, pid, "payment.updated")
	assert.Equal(t, http.StatusOK, d.StatusCode)
	assert.True(t, strings.HasPrefix(d.URL, r.URL+"/webhooks/mercadopago/MLB?"), d.URL)
	o, _ = r.Shop.Order(id)
	assert.Equal(t, StatusPaid, o.Status, events(o))
	assert.Equal(t, FromNotification, o.PaidBy)
	a = poll(t, r, id, pid)
	assert.Equal(t, "paid", a.State)
	assert.Equal(t, "approved", a.Status)
	assert.Contains(t, a.Message, "Paid")
	o, _ = r.Shop.Order(id)
	assert.NotContains(t, events(o), "already recorded as paid", "a poll of a known outcome records nothing")
}

func TestBoletoExpiresWhenItsDatePasses(t *testing.T) {
	r := start(t)
	id := place(t, r)
	pid := paymentOf(t, r, id, localPay(t, r, id, "mp-boleto", nil))
	_, _, page := get(t, r.URL+paymentPath(id, pid))
	assert.Regexp(t, `id="digitable-line">\d{47}<`, page)
	assert.Regexp(t, `id="voucher-link" href="http://[^"]+/sim/pay/`+strconv.FormatInt(pid, 10)+`"`, page)
	m := regexp.MustCompile(`<time id="expires" datetime="([^"]+)"`).FindStringSubmatch(page)
	require.Len(t, m, 2, page)
	due, err := time.Parse(time.RFC3339, m[1])
	require.NoError(t, err)

	mp := r.Sims.MercadoPago()
	mp.Clock.Set(due.Add(time.Minute))
	t.Cleanup(func() { mp.Clock.Set(time.Time{}) })
	a := poll(t, r, id, pid)
	assert.Equal(t, "expired", a.State)
	assert.Equal(t, "cancelled", a.Status)
	assert.Equal(t, "expired", a.StatusDetail)
	d := delivered(t, r, pid, "payment.updated")
	assert.Equal(t, http.StatusOK, d.StatusCode, "the shop reads the simulator's clock, so the notification is fresh")
	o, _ := r.Shop.Order(id)
	assert.Equal(t, StatusFailed, o.Status, events(o))
	assert.Contains(t, o.Detail, "expired")
	_, _, page = get(t, r.URL+paymentPath(id, pid))
	assert.Contains(t, page, `data-outcome="expired"`)
	assert.Contains(t, page, `<div id="instructions" hidden>`)
}

func TestPSEGoesToTheBankAndBack(t *testing.T) {
	r := start(t)
	id := place(t, r)
	_, _, page := get(t, r.URL+"/orders/"+id+"/pay/mp-pse")
	for _, b := range mercadopagotest.PSEBanks {
		assert.Contains(t, page, `<option value="`+b.ID+`">`+b.Description+`</option>`)
	}
	assert.Contains(t, page, "42 COP")

	bank := localPay(t, r, id, "mp-pse", map[string]string{"bank": "1051"})
	mp := r.Sims.MercadoPago()
	require.True(t, strings.HasPrefix(bank, mp.URL+mercadopagotest.PayerPagePath+"/"), bank)
	o, _ := r.Shop.Order(id)
	require.Len(t, o.MPPayments, 1)
	pid := o.MPPayments[0]
	p, _ := mp.Payment(pid)
	assert.Equal(t, "COP", p.CurrencyID)
	assert.Equal(t, "1051", p.TransactionDetails.FinancialInstitution)
	assert.Equal(t, r.URL+"/orders/"+id+"/return/mp-pse", p.CallbackURL)

	// A return typed by hand, claiming approval, moves nothing: the shop
	// reads the payment, still pending.
	_, loc, _ := get(t, r.URL+"/orders/"+id+"/return/mp-pse?payment_id="+strconv.FormatInt(pid, 10)+"&status=approved")
	assert.Equal(t, paymentPath(id, pid)+"?notice=returned", loc)
	o, _ = r.Shop.Order(id)
	assert.Equal(t, StatusPending, o.Status, events(o))

	// The bank refuses; its page sends the payer back to callback_url.
	back := submit(t, bank, url.Values{"outcome": {"rejected"}})
	require.True(t, strings.HasPrefix(back, r.URL+"/orders/"+id+"/return/mp-pse?"), back)
	_, loc, _ = get(t, back)
	assert.Equal(t, paymentPath(id, pid)+"?notice=returned", loc)
	o, _ = r.Shop.Order(id)
	assert.Equal(t, StatusFailed, o.Status, events(o))
	assert.Contains(t, o.Detail, "rejected_by_bank")
	_, _, page = get(t, r.URL+loc)
	assert.Contains(t, page, `data-outcome="rejected"`)
	assert.Contains(t, page, `id="notice"`)
}

func TestOXXOVoucherPaidAtTheCounter(t *testing.T) {
	r := start(t)
	id := place(t, r)
	pid := paymentOf(t, r, id, localPay(t, r, id, "mp-oxxo", nil))
	p, _ := r.Sims.MercadoPago().Payment(pid)
	assert.Equal(t, "MXN", p.CurrencyID)
	ref := p.NextAction(time.Now()).Reference
	require.NotEmpty(t, ref)
	_, _, page := get(t, r.URL+paymentPath(id, pid))
	assert.Contains(t, page, `id="reference">`+ref+`<`)
	assert.Contains(t, page, `id="voucher-link"`)
	assert.Contains(t, page, `id="expires"`)
	assert.Contains(t, page, "42 MXN")
	_, _, order := get(t, r.URL+"/orders/"+id)
	assert.Contains(t, order, `id="local-payment" href="`+paymentPath(id, pid)+`"`, "the order page leads back to the voucher")

	_, err := r.Sims.MercadoPago().Settle(pid, mercadopagotest.OutcomePaid)
	require.NoError(t, err)
	assert.Equal(t, "paid", poll(t, r, id, pid).State)
	o, _ := r.Shop.Order(id)
	assert.Equal(t, StatusPaid, o.Status, events(o))
	assert.Equal(t, "mp-"+strconv.FormatInt(pid, 10), o.PaidRef)
}

func TestLocalMethodsRefuseBadInputNamingTheField(t *testing.T) {
	r := start(t)
	id := place(t, r)
	cases := []struct {
		method    string
		overrides map[string]string
		field     string
	}{
		{"mp-pix", map[string]string{"doc_number": ""}, "payer.identification"},
		{"mp-pix", map[string]string{"doc_number": "19119119101"}, "payer.identification.number"},
		{"mp-pix", map[string]string{"doc_type": "RG"}, "payer.identification.type"},
		{"mp-pix", map[string]string{"email": ""}, "payer.email"},
		{"mp-boleto", map[string]string{"zip_code": ""}, "payer.address.zip_code"},
		{"mp-boleto", map[string]string{"last_name": ""}, "payer.last_name"},
		{"mp-boleto", map[string]string{"federal_unit": "sp"}, "payer.address.federal_unit"},
		{"mp-pse", map[string]string{"bank": ""}, "transaction_details.financial_institution"},
		{"mp-pse", map[string]string{"bank": "9999"}, "transaction_details.financial_institution"},
		{"mp-pse", map[string]string{"bank": "1007", "entity_type": "robot"}, "payer.entity_type"},
		{"mp-pse", map[string]string{"bank": "1007", "doc_type": "RUT"}, "payer.identification.type"},
		{"mp-pse", map[string]string{"bank": "1007", "doc_number": ""}, "payer.identification"},
		{"mp-oxxo", map[string]string{"email": ""}, "payer.email"},
	}
	for _, c := range cases {
		resp, err := noRedirect.PostForm(r.URL+"/orders/"+id+"/pay/"+c.method, localValues(c.method, c.overrides))
		require.NoError(t, err)
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		body := string(raw)
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "%s %v", c.method, c.overrides)
		assert.Regexp(t, `id="error" role="alert">Please check the form: mercadopago: `+regexp.QuoteMeta(c.field)+`: `, body, "%s %v", c.method, c.overrides)
		assert.Contains(t, body, `id="local-form"`, "the form is shown again")
	}
	assert.Zero(t, r.Sims.MercadoPago().PaymentCount(), "nothing was sent")
	o, _ := r.Shop.Order(id)
	assert.Empty(t, o.MPPayments)
}

func TestLocalPaymentPagesOnlyForTheOrdersOwnPayments(t *testing.T) {
	r := start(t)
	a, b := place(t, r), place(t, r)
	pid := paymentOf(t, r, a, localPay(t, r, a, "mp-oxxo", nil))
	for _, path := range []string{paymentPath(b, pid), paymentPath(b, pid) + "/status", "/orders/" + a + "/payments/x1",
		"/orders/" + a + "/payments/99999999999999999999", paymentPath(a, pid+1), "/orders/nope/payments/1"} {
		code, _, _ := get(t, r.URL+path)
		assert.Equal(t, http.StatusNotFound, code, path)
	}
	code, _, _ := get(t, r.URL+paymentPath(a, pid))
	assert.Equal(t, http.StatusOK, code, "the order's own payment has its page")
	_, err := r.Sims.MercadoPago().Settle(pid, mercadopagotest.OutcomeRejected)
	require.NoError(t, err)
	assert.Equal(t, "rejected", poll(t, r, a, pid).State)
	ob, _ := r.Shop.Order(b)
	assert.Equal(t, StatusNew, ob.Status, "the other order never moved")
}
