package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"image/png"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/paykit-go/paykit/etpay"
	"github.com/paykit-go/paykit/etpay/etpaytest"
	"github.com/paykit-go/paykit/examples/checkout/shop"
	"github.com/paykit-go/paykit/examples/simulators/simset"
	"github.com/paykit-go/paykit/finrota"
	"github.com/paykit-go/paykit/finrota/finrotatest"
	"github.com/paykit-go/paykit/fintecture"
	"github.com/paykit-go/paykit/fintecture/fintecturetest"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
	"github.com/paykit-go/paykit/money"
)

var q = chromedp.ByQuery

// stepTimeout bounds one call of page.do, one waitText and one wait for a
// delivery. It is only a hang guard: a busy 2-core machine running Chromium
// beside a -race build of the shop can take many seconds over a step that
// works, so nothing tighter may decide a test.
const stepTimeout = time.Minute

// page is one browser tab driving the shop.
type page struct {
	t   *testing.T
	ctx context.Context
}

func open(t *testing.T) page { return page{t: t, ctx: tab(t)} }

// do runs browser actions; on failure it reports where the tab was and
// what it showed.
func (p page) do(actions ...chromedp.Action) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Run(ctx, actions...); err != nil {
		var loc, body string
		ctx, cancel := context.WithTimeout(p.ctx, 3*time.Second)
		defer cancel()
		_ = chromedp.Run(ctx, chromedp.Location(&loc), chromedp.Evaluate(`document.body ? document.body.innerText : ''`, &body))
		p.t.Fatalf("browser: %v\nat %s\n%s", err, loc, body)
	}
}

func (p page) text(sel string) string {
	p.t.Helper()
	var s string
	p.do(chromedp.Text(sel, &s, q))
	return strings.TrimSpace(s)
}

// newOrder places an order from the cart (1 bag of beans, 1 mug: 42).
func (p page) newOrder() string {
	p.t.Helper()
	return p.newOrderOf(nil)
}

// newOrderOf places an order with the given quantities typed into the cart.
func (p page) newOrderOf(qty map[string]string) string {
	p.t.Helper()
	actions := []chromedp.Action{chromedp.Navigate(running.URL + "/"), chromedp.WaitVisible("#checkout", q)}
	for sku, n := range qty {
		actions = append(actions, chromedp.SetValue("#qty-"+sku, n, q))
	}
	p.do(append(actions, chromedp.Click("#checkout", q), chromedp.WaitVisible("#order-id", q))...)
	id := p.text("#order-id")
	if id == "" {
		p.t.Fatal("no order id on the order page")
	}
	return id
}

// choose opens the pay page of a method from the order page's link.
func (p page) choose(method string) {
	p.t.Helper()
	p.do(chromedp.Click("#pay-"+method, q), chromedp.WaitVisible(`body[data-ready="1"]`, q))
}

// waitText waits until the element sel contains text.
func (p page) waitText(sel, text string) {
	p.t.Helper()
	js := fmt.Sprintf(`(document.querySelector(%q) || {textContent: ''}).textContent.includes(%q)`, sel, text)
	// Polled from here rather than in the page: the page may be navigating.
	for deadline := time.Now().Add(stepTimeout); time.Now().Before(deadline); time.Sleep(25 * time.Millisecond) {
		var ok bool
		ctx, cancel := context.WithDeadline(p.ctx, deadline)
		err := chromedp.Run(ctx, chromedp.Evaluate(js, &ok))
		cancel()
		if err == nil && ok {
			return
		}
	}
	var body string
	_ = chromedp.Run(p.ctx, chromedp.Evaluate(`document.body ? document.body.innerText : ''`, &body))
	p.t.Fatalf("%s never showed %q; the page:\n%s", sel, text, body)
}

// waitStatus waits until the order page shows status want.
func (p page) waitStatus(want shop.Status) {
	p.t.Helper()
	p.do(chromedp.WaitVisible(`#status[data-status="`+string(want)+`"]`, q))
}

func order(t *testing.T, id string) shop.Order {
	t.Helper()
	o, ok := running.Shop.Order(id)
	if !ok {
		t.Fatalf("order %s not found in the shop", id)
	}
	return o
}

// paidBy checks the page and the shop agree that the order was paid, and
// by what.
func paidBy(t *testing.T, p page, id string, by ...shop.Source) shop.Order {
	t.Helper()
	p.waitStatus(shop.StatusPaid)
	if got := p.text("#status"); got != "Paid" {
		t.Errorf("status shows %q, want Paid", got)
	}
	o := order(t, id)
	shown := p.text("#paid-by")
	ok := false
	for _, b := range by {
		if o.PaidBy == b && strings.Contains(shown, string(b)) {
			ok = true
		}
	}
	if o.Status != shop.StatusPaid || !ok {
		t.Errorf("order %s: status %s paid by %q (page: %q), want paid by one of %v", id, o.Status, o.PaidBy, shown, by)
	}
	return o
}

var (
	clientsOnce sync.Once
	clients     *simset.Clients
)

func sims(t *testing.T) *simset.Clients {
	t.Helper()
	clientsOnce.Do(func() {
		var err error
		if clients, err = running.Sims.Clients(); err != nil {
			t.Fatalf("clients: %v", err)
		}
	})
	return clients
}

// mpPayments is what the Mercado Pago simulator holds for an order.
func mpPayments(t *testing.T, id string) []*mercadopago.Payment {
	t.Helper()
	var out []*mercadopago.Payment
	for p, err := range sims(t).MercadoPago.Payments.Search(context.Background(), &mercadopago.PaymentSearch{ExternalReference: id}) {
		if err != nil {
			t.Fatalf("searching payments: %v", err)
		}
		out = append(out, p)
	}
	return out
}

func onlyPayment(t *testing.T, id string, want mercadopago.PaymentStatus) *mercadopago.Payment {
	t.Helper()
	ps := mpPayments(t, id)
	if len(ps) != 1 {
		t.Fatalf("Mercado Pago holds %d payments for order %s, want exactly 1", len(ps), id)
	}
	if ps[0].Status != want {
		t.Errorf("Mercado Pago payment %d is %s, want %s", ps[0].ID, ps[0].Status, want)
	}
	return ps[0]
}

func hasEvent(o shop.Order, text string) bool {
	for _, e := range o.Events {
		if strings.Contains(e.Text, text) {
			return true
		}
	}
	return false
}

// post sends a webhook to the shop and returns the status it answered.
func post(t *testing.T, req *http.Request) int {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("posting to the shop: %v", err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestMercadoPagoCard(t *testing.T) {
	p := open(t)
	id := p.newOrder()
	p.choose("mp-card")
	p.do(chromedp.WaitVisible("#card-number", q))
	png := shot(t, p)
	if *screenshot != "" {
		if err := os.WriteFile(*screenshot, png, 0o644); err != nil {
			t.Fatalf("writing the screenshot: %v", err)
		}
	}
	p.do(chromedp.SetValue("#cardholder-name", "APRO", q), chromedp.Click("#pay", q))
	o := paidBy(t, p, id, shop.FromNotification, shop.FromLookup)
	pay := onlyPayment(t, id, mercadopago.StatusApproved)
	if o.PaidRef != "mp-"+itoa(pay.ID) || pay.Card == nil || pay.Card.LastFourDigits != "3704" || !pay.TransactionAmount.Equal(money42()) {
		t.Errorf("order paid by %s; simulator payment %d card %+v amount %s", o.PaidRef, pay.ID, pay.Card, pay.TransactionAmount)
	}

	// The notifications of that payment, delivered again: a duplicate is
	// acknowledged (200) by the verifier without reaching the shop, so it
	// changes nothing; one with a bad signature is refused and changes
	// nothing either.
	var d *struct{ url, reqID, sig string }
	deadline := time.Now().Add(stepTimeout)
	for d == nil && time.Now().Before(deadline) {
		for _, x := range running.Sims.MercadoPago().Deliveries() {
			if x.DataID == itoa(pay.ID) && x.StatusCode == http.StatusOK {
				d = &struct{ url, reqID, sig string }{x.URL, x.RequestID, x.Signature}
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	if d == nil {
		t.Fatalf("the simulator sent no accepted notification for payment %d", pay.ID)
	}
	before := len(order(t, id).Events)
	notify := func(sig string) int {
		req, _ := http.NewRequest(http.MethodPost, d.url, strings.NewReader(`{"action":"payment.updated","type":"payment","data":{"id":"`+itoa(pay.ID)+`"}}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Request-Id", d.reqID)
		req.Header.Set("X-Signature", sig)
		return post(t, req)
	}
	if got := notify(d.sig); got != http.StatusOK {
		t.Errorf("duplicate notification answered %d, want 200", got)
	}
	flip := byte('0')
	if d.sig[len(d.sig)-1] == '0' {
		flip = '1'
	}
	bad := d.sig[:len(d.sig)-1] + string(flip)
	if got := notify(bad); got != http.StatusUnauthorized {
		t.Errorf("notification with a bad signature answered %d, want 401", got)
	}
	after := order(t, id)
	if after.Status != shop.StatusPaid || after.PaidRef != o.PaidRef || len(after.Events) != before {
		t.Errorf("after a duplicate and a forged notification: status %s ref %s, %d new events", after.Status, after.PaidRef, len(after.Events)-before)
	}
	p.do(chromedp.Reload(), chromedp.WaitVisible(`#status[data-status="paid"]`, q))
	onlyPayment(t, id, mercadopago.StatusApproved)
}

func TestMercadoPagoCardDeclined(t *testing.T) {
	p := open(t)
	id := p.newOrder()
	p.choose("mp-card")
	p.do(chromedp.WaitVisible("#card-number", q), chromedp.SetValue("#cardholder-name", "OTHE", q), chromedp.Click("#pay", q))
	p.waitStatus(shop.StatusFailed)
	if got := p.text("#detail"); !strings.Contains(got, "cc_rejected_other_reason") {
		t.Errorf("the page says %q, want the decline reason", got)
	}
	if o := order(t, id); o.Status != shop.StatusFailed || o.PaidBy != "" {
		t.Errorf("declined order: status %s paid by %q", o.Status, o.PaidBy)
	}
	onlyPayment(t, id, mercadopago.StatusRejected)
	// The pay methods are offered again.
	p.do(chromedp.WaitVisible("#pay-mp-card", q))
}

func TestMercadoPagoCardBadNumber(t *testing.T) {
	p := open(t)
	id := p.newOrder()
	p.choose("mp-card")
	p.do(chromedp.WaitVisible("#card-number", q), chromedp.SetValue("#card-number", "4509 9535 6623 3705", q), chromedp.Click("#pay", q),
		chromedp.WaitVisible("#form-error:not(:empty)", q))
	if got := p.text("#form-error"); !strings.Contains(got, "card_number") {
		t.Errorf("form error %q, want the token endpoint's complaint about the number", got)
	}
	if n := len(mpPayments(t, id)); n != 0 {
		t.Errorf("a card that failed tokenization made %d payments", n)
	}
}

func TestMercadoPagoSavedCard(t *testing.T) {
	p := open(t)
	id := p.newOrder()
	p.choose("mp-saved-card")
	p.do(chromedp.WaitVisible("#saved-cvv", q))
	if got := p.text("#card-id"); !strings.Contains(got, "3704") {
		t.Errorf("saved cards offered: %q", got)
	}
	p.do(chromedp.SetValue("#saved-cvv", "123", q), chromedp.Click("#pay", q))
	paidBy(t, p, id, shop.FromNotification, shop.FromLookup)
	pay := onlyPayment(t, id, mercadopago.StatusApproved)
	if pay.Payer.Type != mercadopago.PayerCustomer || pay.Payer.ID != running.Shop.CustomerID() || pay.Card == nil || pay.Card.ID == "" {
		t.Errorf("saved-card payment: payer %+v card %+v", pay.Payer, pay.Card)
	}
}

func TestMercadoPagoFintoc(t *testing.T) {
	p := open(t)
	id := p.newOrder()
	p.choose("mp-fintoc")
	// The payer opens the widget and closes it: nothing is paid.
	p.do(chromedp.WaitVisible("#open-fintoc", q), chromedp.Click("#open-fintoc", q),
		chromedp.WaitVisible("#mp-fintoc-close", q), chromedp.Click("#mp-fintoc-close", q),
		chromedp.WaitVisible("#widget-message:not(:empty)", q))
	if got := p.text("#widget-message"); !strings.Contains(got, "closed the transfer window") {
		t.Errorf("after closing the widget the page says %q", got)
	}
	if o := order(t, id); o.Status != shop.StatusPending {
		t.Errorf("after the widget was closed the order is %s, want pending", o.Status)
	}
	first := onlyPayment(t, id, mercadopago.StatusPending)

	// A forged notification about it is refused, and the order stays put.
	req, _ := http.NewRequest(http.MethodPost, running.URL+"/webhooks/mercadopago?data.id="+itoa(first.ID)+"&type=payment",
		strings.NewReader(`{"action":"payment.updated","type":"payment","data":{"id":"`+itoa(first.ID)+`"}}`))
	req.Header.Set("X-Request-Id", "forged")
	req.Header.Set("X-Signature", "ts="+itoa(time.Now().Unix())+",v1="+strings.Repeat("ab", 32))
	if got := post(t, req); got != http.StatusUnauthorized {
		t.Errorf("forged notification answered %d, want 401", got)
	}
	p.do(chromedp.Navigate(running.URL+"/orders/"+id), chromedp.WaitVisible(`#status[data-status="pending"]`, q))

	// Opened again, the same payment's widget is used, and the payer pays.
	p.choose("mp-fintoc")
	p.do(chromedp.WaitVisible("#open-fintoc", q), chromedp.Click("#open-fintoc", q),
		chromedp.WaitVisible("#mp-fintoc-authorize", q), chromedp.Click("#mp-fintoc-authorize", q))
	o := paidBy(t, p, id, shop.FromNotification, shop.FromLookup)
	pay := onlyPayment(t, id, mercadopago.StatusApproved)
	if pay.ID != first.ID || pay.PaymentMethodID != mercadopago.PaymentMethodFintoc || o.PaidRef != "mp-"+itoa(pay.ID) {
		t.Errorf("paid %s with payment %d (%s), first was %d", o.PaidRef, pay.ID, pay.PaymentMethodID, first.ID)
	}
	if !hasEvent(o, "Fintoc widget reported success") {
		t.Error("the widget's success was not recorded as what the browser said")
	}
}

func TestMercadoPagoFintocRejected(t *testing.T) {
	p := open(t)
	// 3 × 24 + 4 × 18 + 59 = 203: the sandbox rejects amounts ending in 03.
	id := p.newOrderOf(map[string]string{"beans": "3", "mug": "4", "grinder": "1"})
	if got := p.text("#summary, table th.n"); !strings.Contains(got, "203") {
		t.Fatalf("order total shows %q, want 203", got)
	}
	p.choose("mp-fintoc")
	p.do(chromedp.WaitVisible("#open-fintoc", q), chromedp.Click("#open-fintoc", q),
		chromedp.WaitVisible("#mp-fintoc-authorize", q), chromedp.Click("#mp-fintoc-authorize", q))
	p.waitText("#mp-fintoc-message", "rejected the transfer")
	p.do(chromedp.Click("#mp-fintoc-close", q))
	p.waitText("#widget-message", "nothing was paid")
	p.do(chromedp.Navigate(running.URL+"/orders/"+id), chromedp.WaitVisible(`#status[data-status="failed"]`, q))
	pay := onlyPayment(t, id, mercadopago.StatusRejected)
	if o := order(t, id); o.PaidBy != "" || !pay.TransactionAmount.Equal(money.FromInt(203)) {
		t.Errorf("rejected transfer: order paid by %q, amount %s", o.PaidBy, pay.TransactionAmount)
	}
}

// finrotaCard fills the FinrotaPay widget.
func finrotaCard(number string) chromedp.Tasks {
	return chromedp.Tasks{
		chromedp.WaitVisible("#finrotapay-card", q),
		chromedp.SetValue("#finrotapay-card", number, q),
		chromedp.SetValue("#finrotapay-holder", "Ayşe Yılmaz", q),
		chromedp.SetValue("#finrotapay-month", "12", q),
		chromedp.SetValue("#finrotapay-year", "30", q),
		chromedp.SetValue("#finrotapay-cvv", "123", q),
		chromedp.Click("#finrotapay-pay", q),
	}
}

func finrotaTx(t *testing.T, ref string) *finrota.Transaction {
	t.Helper()
	tx, err := sims(t).Finrota.Transactions.Get(context.Background(), finrota.ByClientReference(ref))
	if err != nil {
		t.Fatalf("Finrota transaction %s: %v", ref, err)
	}
	return tx
}

func finrotaPayments() int {
	return running.Sims.Finrota().Handled(http.MethodPost, "/b2c/widget/payment")
}

func TestFinrotaCard(t *testing.T) {
	p := open(t)
	id := p.newOrder()
	before := finrotaPayments()
	p.choose("finrota")
	p.do(finrotaCard(finrotatest.CardApproved))
	o := paidBy(t, p, id, shop.FromLookup)
	tx := finrotaTx(t, o.FinrotaRef)
	if !tx.Paid() || !tx.Amount.Equal(money42()) || finrotaPayments()-before != 1 {
		t.Errorf("Finrota holds %s for %s, %d payment calls", tx.Status, tx.Amount, finrotaPayments()-before)
	}
}

func TestFinrotaCardDeclined(t *testing.T) {
	p := open(t)
	id := p.newOrder()
	p.choose("finrota")
	p.do(finrotaCard(finrotatest.CardDeclined))
	p.waitStatus(shop.StatusFailed)
	if got := p.text("#detail"); !strings.Contains(got, "Insufficient funds") {
		t.Errorf("the page says %q, want Finrota's reason", got)
	}
	o := order(t, id)
	if tx := finrotaTx(t, o.FinrotaRef); tx.Status != finrota.StatusFailed {
		t.Errorf("Finrota holds %s, want failed", tx.Status)
	}
}

func TestFinrotaWidgetClosed(t *testing.T) {
	p := open(t)
	id := p.newOrder()
	before := finrotaPayments()
	p.choose("finrota")
	p.do(chromedp.WaitVisible("#finrotapay-close", q), chromedp.Click("#finrotapay-close", q),
		chromedp.WaitVisible("#widget-message:not(:empty)", q))
	if got := p.text("#widget-message"); !strings.Contains(got, "closed the card window") {
		t.Errorf("after closing the widget the page says %q", got)
	}
	if o := order(t, id); o.Status != shop.StatusNew || finrotaPayments() != before {
		t.Errorf("closing the widget moved the order to %s or paid (%d calls)", o.Status, finrotaPayments()-before)
	}
}

func TestFinrota3DS(t *testing.T) {
	p := open(t)
	id := p.newOrder()
	p.choose("finrota-3ds")
	p.do(finrotaCard(finrotatest.CardApproved), chromedp.WaitVisible(`input[name="otp"]`, q))
	var loc string
	p.do(chromedp.Location(&loc))
	if !strings.HasPrefix(loc, running.Sims.Finrota().URL+"/sim/3ds/") {
		t.Fatalf("expected the bank's 3-D Secure page, at %s", loc)
	}
	if o := order(t, id); o.Status != shop.StatusPending {
		t.Errorf("during 3-D Secure the order is %s, want pending", o.Status)
	}
	p.do(chromedp.SetValue(`input[name="otp"]`, finrotatest.OTP, q), chromedp.Click("#bank-confirm", q))
	o := paidBy(t, p, id, shop.FromLookup)
	if tx := finrotaTx(t, o.FinrotaRef); !tx.Paid() {
		t.Errorf("Finrota holds %s", tx.Status)
	}
	if got := p.text("#notice"); !strings.Contains(got, "bank") {
		t.Errorf("notice %q", got)
	}
}

func TestFinrota3DSWrongCode(t *testing.T) {
	p := open(t)
	id := p.newOrder()
	p.choose("finrota-3ds")
	p.do(finrotaCard(finrotatest.CardApproved), chromedp.WaitVisible(`input[name="otp"]`, q),
		chromedp.SetValue(`input[name="otp"]`, "000000", q), chromedp.Click("#bank-confirm", q))
	p.waitStatus(shop.StatusFailed)
	if got := p.text("#detail"); !strings.Contains(got, "3-D Secure authentication failed") {
		t.Errorf("the page says %q", got)
	}
	o := order(t, id)
	if tx := finrotaTx(t, o.FinrotaRef); tx.Status != finrota.StatusFailed || o.PaidBy != "" {
		t.Errorf("wrong code at the bank: Finrota %s, order paid by %q", tx.Status, o.PaidBy)
	}
}

func TestFinrota3DSAbandoned(t *testing.T) {
	p := open(t)
	id := p.newOrder()
	p.choose("finrota-3ds")
	p.do(finrotaCard(finrotatest.CardApproved), chromedp.WaitVisible(`input[name="otp"]`, q))
	// The payer leaves the bank's page and comes back to the shop.
	p.do(chromedp.Navigate(running.URL+"/orders/"+id), chromedp.WaitVisible(`#status[data-status="pending"]`, q),
		chromedp.Click("#check-status", q))
	p.waitText("#detail", "3-D Secure not completed")
	if got := p.text("#status"); got != "Payment in progress" {
		t.Errorf("after a lookup the status shows %q", got)
	}
	o := order(t, id)
	if tx := finrotaTx(t, o.FinrotaRef); tx.Status != finrota.StatusPending || o.Status != shop.StatusPending {
		t.Errorf("abandoned 3-D Secure: Finrota %s, order %s", tx.Status, o.Status)
	}
}

func TestFintecture(t *testing.T) {
	p := open(t)
	id := p.newOrder()
	delivered := len(running.Sims.Fintecture().Deliveries())
	p.choose("fintecture")
	p.do(chromedp.WaitVisible("#pay", q), chromedp.Click("#pay", q), chromedp.WaitVisible("#fintecture-pay", q))
	if got := p.text("#amount"); got != "42.00 EUR" && got != "42 EUR" {
		t.Errorf("Connect page shows %q", got)
	}
	// A callback typed by hand, claiming the payment was made, moves
	// nothing: its state is not the order's, and the shop asks Fintecture.
	var connect string
	p.do(chromedp.Location(&connect))
	session := order(t, id).FintectureSession
	p.do(chromedp.Navigate(running.URL+"/orders/"+id+"/return/fintecture?session_id="+session+"&status=payment_created&state=guess"),
		chromedp.WaitVisible(`#status[data-status="pending"]`, q))
	p.do(chromedp.Navigate(connect), chromedp.WaitVisible("#fintecture-pay", q), chromedp.Click("#fintecture-pay", q))
	// The webhook arrives before the payer is redirected: the order is paid
	// by it, and the callback's own check finds it already paid.
	o := paidBy(t, p, id, shop.FromNotification)
	if !hasEvent(o, "already recorded as paid") {
		t.Error("the callback after the webhook was not recorded as a duplicate")
	}
	st, ok := running.Sims.Fintecture().SessionStatus(o.FintectureSession)
	ds := running.Sims.Fintecture().Deliveries()
	if !ok || st != fintecture.StatusCreated || len(ds)-delivered != 1 || ds[len(ds)-1].StatusCode != http.StatusOK {
		t.Errorf("Fintecture holds %s (%t), %d new webhooks", st, ok, len(ds)-delivered)
	}

	// The same webhook sent again, and one encrypted with another key.
	srv := running.Sims.Fintecture()
	dup, err := srv.NewWebhookRequest(running.URL+"/webhooks/fintecture", ds[len(ds)-1].Fields)
	if err != nil {
		t.Fatal(err)
	}
	if got := post(t, dup); got != http.StatusOK {
		t.Errorf("duplicate webhook answered %d", got)
	}
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	forged, err := fintecturetest.NewWebhookRequest(running.URL+"/webhooks/fintecture", srv.Credentials().AppID, &other.PublicKey,
		url.Values{"session_id": {o.FintectureSession}, "status": {"payment_created"}}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if got := post(t, forged); got != http.StatusUnauthorized {
		t.Errorf("webhook under another key answered %d, want 401", got)
	}
	if after := order(t, id); after.Status != shop.StatusPaid || after.PaidRef != o.PaidRef {
		t.Errorf("after duplicate and forged webhooks: %s %s", after.Status, after.PaidRef)
	}
}

func TestFintectureCancelled(t *testing.T) {
	p := open(t)
	id := p.newOrder()
	p.choose("fintecture")
	p.do(chromedp.WaitVisible("#pay", q), chromedp.Click("#pay", q), chromedp.WaitVisible("#fintecture-cancel", q),
		chromedp.Click("#fintecture-cancel", q))
	p.waitStatus(shop.StatusFailed)
	o := order(t, id)
	if st, _ := running.Sims.Fintecture().SessionStatus(o.FintectureSession); st != fintecture.StatusCancelled || o.PaidBy != "" {
		t.Errorf("cancelled at Connect: Fintecture %s, order paid by %q", st, o.PaidBy)
	}
}

func TestFintectureRefusedAndETpayFailed(t *testing.T) {
	p := open(t)
	id := p.newOrder()
	p.choose("fintecture")
	p.do(chromedp.WaitVisible("#pay", q), chromedp.Click("#pay", q), chromedp.WaitVisible("#fintecture-refuse", q),
		chromedp.Click("#fintecture-refuse", q))
	p.waitStatus(shop.StatusFailed)
	p.waitText("#detail", "payment_unsuccessful")

	// The payer tries ETpay on the same order; the transfer fails too.
	p.choose("etpay")
	p.do(chromedp.WaitVisible("#pay", q), chromedp.Click("#pay", q), chromedp.WaitVisible("#etpay-fail", q),
		chromedp.Click("#etpay-fail", q))
	p.waitStatus(shop.StatusFailed)
	p.waitText("#detail", "failed")
	o := order(t, id)
	ps := etPayments(t, id)
	if len(ps) != 1 || ps[0].PaymentStatus != etpay.PaymentFailed || o.PaidBy != "" || o.Method != "etpay" {
		t.Errorf("ETpay holds %+v; order %s by %q", ps, o.Status, o.PaidBy)
	}
	if st, _ := running.Sims.Fintecture().SessionStatus(o.FintectureSession); st != fintecture.StatusUnsuccessful {
		t.Errorf("Fintecture holds %s", st)
	}
}

func etPayments(t *testing.T, id string) []etpay.Payment {
	t.Helper()
	ps, err := sims(t).ETpay.Payments.Status(context.Background(), &etpay.StatusQuery{OrderID: id})
	if err != nil {
		t.Fatalf("ETpay status: %v", err)
	}
	return ps
}

func TestETpay(t *testing.T) {
	p := open(t)
	id := p.newOrder()
	p.choose("etpay")
	p.do(chromedp.WaitVisible("#pay", q), chromedp.Click("#pay", q), chromedp.WaitVisible("#etpay-pay", q))
	if got := p.text("#etpay-order"); !strings.Contains(got, id) || !strings.Contains(got, "$42 CLP") {
		t.Errorf("funnel shows %q", got)
	}
	p.do(chromedp.Click("#etpay-pay", q))
	o := paidBy(t, p, id, shop.FromNotification)
	ps := etPayments(t, id)
	if len(ps) != 1 || !ps[0].PaymentStatus.IsSuccess() || o.PaidRef != "etpay-"+ps[0].PaymentToken {
		t.Fatalf("ETpay holds %+v for order %s paid by %s", ps, id, o.PaidRef)
	}
	if !hasEvent(o, "already recorded as paid") {
		t.Error("the redirect after the notification was not recorded as a duplicate")
	}

	// The notification again (ETpay repeats until it gets a 200): the very
	// JWT it delivered, acknowledged without being acted upon twice.
	var jwt string
	for _, d := range running.Sims.ETpay().Deliveries() {
		if d.StatusCode == http.StatusOK && strings.Contains(d.URL, "/webhooks/etpay") {
			jwt = d.Notification
		}
	}
	if jwt == "" {
		t.Fatal("the simulator delivered no accepted notification")
	}
	before := len(order(t, id).Events)
	req, _ := http.NewRequest(http.MethodPost, running.URL+"/webhooks/etpay", strings.NewReader(`{"payment":"`+jwt+`"}`))
	req.Header.Set("Content-Type", "application/json")
	if got := post(t, req); got != http.StatusOK {
		t.Errorf("duplicate notification answered %d", got)
	}
	if after := order(t, id); after.Status != shop.StatusPaid || after.PaidRef != o.PaidRef || len(etPayments(t, id)) != 1 || len(after.Events) != before {
		t.Errorf("after a duplicate: %s %s, %d new events", after.Status, after.PaidRef, len(after.Events)-before)
	}
}

func TestETpayForgedNotification(t *testing.T) {
	p := open(t)
	id := p.newOrder()
	p.choose("etpay")
	p.do(chromedp.WaitVisible("#pay", q), chromedp.Click("#pay", q), chromedp.WaitVisible("#etpay-pay", q))
	o := order(t, id)
	// Someone who knows the session but not its signature token claims the
	// order was paid.
	jwt, err := etpaytest.SignNotification(map[string]any{"session_token": o.ETpaySession, "payment_token": "forged",
		"payment_status": "success", "merchant_order_id": id, "order_amount": 42, "iat": time.Now().Unix()}, "not-the-signature-token")
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, running.URL+"/webhooks/etpay", strings.NewReader(`{"payment":"`+jwt+`"}`))
	req.Header.Set("Content-Type", "application/json")
	if got := post(t, req); got != http.StatusUnauthorized {
		t.Errorf("forged notification answered %d, want 401", got)
	}
	p.do(chromedp.Navigate(running.URL+"/orders/"+id), chromedp.WaitVisible(`#status[data-status="pending"]`, q))
	if o := order(t, id); o.Status != shop.StatusPending || len(etPayments(t, id)) != 0 {
		t.Errorf("after a forged notification: order %s, ETpay holds %d payments", o.Status, len(etPayments(t, id)))
	}
	// The payer then gives up in the funnel.
	p.do(chromedp.Navigate(running.Sims.ETpay().PaymentURL()+"/session/"+o.ETpaySession), chromedp.WaitVisible("#etpay-cancel", q),
		chromedp.Click("#etpay-cancel", q))
	p.waitStatus(shop.StatusFailed)
	if got := p.text("#notice"); !strings.Contains(got, "without paying") {
		t.Errorf("notice %q", got)
	}
	if ps := etPayments(t, id); len(ps) != 1 || ps[0].PaymentStatus != etpay.PaymentCancelled {
		t.Errorf("ETpay holds %+v", ps)
	}
}

// shot captures the visible page as a small PNG and checks it is one.
func shot(t *testing.T, p page) []byte {
	t.Helper()
	var raw []byte
	p.do(chromedp.CaptureScreenshot(&raw))
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("screenshot is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() < 400 || b.Dy() < 300 {
		t.Fatalf("screenshot is %dx%d", b.Dx(), b.Dy())
	}
	var out bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&out, img); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func money42() money.Decimal { return money.FromInt(42) }

// The Mercado Pago local methods: for each of Pix, boleto, PSE and OXXO,
// the payer pays, is rejected, or lets the payment expire, on the
// simulator's payer page (the phone's bank app, the counter, the bank's
// site) or by Mercado Pago's clock; the shop's page must end showing what
// the SDK read, and the payment read back must agree.

// localMethod is how the browser test drives one local method.
type localMethod struct {
	key  string // the shop's method
	site mercadopago.Site
	// form fills the pay form beyond its demo values.
	form []chromedp.Action
	// payerLink is the element of the shop's payment page whose href is the
	// payer's page ("" for PSE, whose form sends the browser to the bank).
	payerLink string
	// expireByClock lets the payment expire by moving Mercado Pago's clock
	// past its date_of_expiration and running its expiry job, rather than
	// by the payer page's "Let it expire".
	expireByClock bool
	// shows checks what the payment page shows against the payment as the
	// SDK reads it.
	shows func(t *testing.T, p page, pay *mercadopago.Payment)
}

var localMethods = []localMethod{
	{key: "mp-pix", site: mercadopago.SiteBrazil, payerLink: "#ticket-link", shows: func(t *testing.T, p page, pay *mercadopago.Payment) {
		var width int
		p.do(chromedp.Poll(`document.getElementById('qr').complete && document.getElementById('qr').naturalWidth`, &width, chromedp.WithPollingTimeout(stepTimeout)))
		a := pay.NextAction(time.Now())
		if code := p.value("#qr-code"); width < 100 || code != a.QRCode || !strings.HasPrefix(code, "000201") {
			t.Errorf("Pix page: QR image %d px wide, code %q; the SDK read %q", width, code, a.QRCode)
		}
	}},
	{key: "mp-boleto", site: mercadopago.SiteBrazil, payerLink: "#voucher-link", expireByClock: true, shows: func(t *testing.T, p page, pay *mercadopago.Payment) {
		a := pay.NextAction(time.Now())
		if line := p.text("#digitable-line"); line != a.DigitableLine || len(line) != 47 {
			t.Errorf("boleto page: digitable line %q; the SDK read %q", line, a.DigitableLine)
		}
	}},
	{key: "mp-pse", site: mercadopago.SiteColombia, form: []chromedp.Action{chromedp.SetValue("#bank", "1051", q)}},
	{key: "mp-oxxo", site: mercadopago.SiteMexico, payerLink: "#voucher-link", expireByClock: true, shows: func(t *testing.T, p page, pay *mercadopago.Payment) {
		a := pay.NextAction(time.Now())
		if ref := p.text("#reference"); ref != a.Reference || ref == "" {
			t.Errorf("OXXO page: reference %q; the SDK read %q", ref, a.Reference)
		}
	}},
}

// localOutcome is one way a local payment ends, and what must follow.
type localOutcome struct {
	outcome mercadopagotest.Outcome
	button  string // the payer page's button
	shows   string // the shop page's data-outcome and a word of its text
	word    string
	status  mercadopago.PaymentStatus
	order   shop.Status
}

var localOutcomes = []localOutcome{
	{mercadopagotest.OutcomePaid, "#pay", "paid", "Paid", mercadopago.StatusApproved, shop.StatusPaid},
	{mercadopagotest.OutcomeRejected, "#reject", "rejected", "rejected", mercadopago.StatusRejected, shop.StatusFailed},
	{mercadopagotest.OutcomeExpired, "#expire", "expired", "Expired", mercadopago.StatusCancelled, shop.StatusFailed},
}

func TestMercadoPagoLocalMethods(t *testing.T) {
	// The payment pages poll the shop often, so the test does not wait on
	// the demo's interval.
	running.Shop.SetPollInterval(100 * time.Millisecond)
	t.Cleanup(func() { running.Shop.SetPollInterval(0) })
	for _, m := range localMethods {
		for _, o := range localOutcomes {
			t.Run(strings.TrimPrefix(m.key, "mp-")+"/"+string(o.outcome), func(t *testing.T) { payLocal(t, m, o) })
		}
	}
}

func payLocal(t *testing.T, m localMethod, want localOutcome) {
	p := open(t)
	id := p.newOrder()
	p.choose(m.key)
	if got := p.text("#total"); got != "42 "+m.site.Currency() {
		t.Errorf("pay page total %q, want 42 %s", got, m.site.Currency())
	}
	p.do(append(m.form, chromedp.Click("#pay", q))...)
	mp := running.Sims.MercadoPago()

	if m.payerLink == "" {
		// PSE: the browser is at the bank; the payer decides there and the
		// bank sends them back to the shop, which reads the payment.
		var bank string
		p.do(chromedp.WaitVisible(`#payment[data-status="pending"]`, q), chromedp.Location(&bank))
		if !strings.HasPrefix(bank, mp.URL+mercadopagotest.PayerPagePath+"/") || !strings.Contains(p.text("h1"), "Banco Davivienda") {
			t.Errorf("expected Banco Davivienda's page, at %s showing %q", bank, p.text("h1"))
		}
		p.do(chromedp.Click(want.button, q))
	} else {
		p.do(chromedp.WaitVisible(`#outcome[data-outcome="pending"]`, q))
		pay := localPaymentOf(t, m, p)
		m.shows(t, p, pay)
		if want.outcome == mercadopagotest.OutcomeExpired && m.expireByClock {
			// Mercado Pago's clock passes the date the page shows, and its
			// expiry job runs; the page, still open, finds out by itself.
			var due string
			var ok bool
			p.do(chromedp.AttributeValue("#expires", "datetime", &due, &ok, q))
			at, err := time.Parse(time.RFC3339, due)
			if !ok || err != nil {
				t.Fatalf("the page shows no expiry date (%q): %v", due, err)
			}
			mp.Clock.Set(at.Add(time.Minute))
			t.Cleanup(func() { mp.Clock.Set(time.Time{}) })
			mp.ExpireDue()
		} else {
			// The payer, on another device (a second tab), opens the page
			// the shop links to and presses the outcome's button.
			var href string
			var ok bool
			p.do(chromedp.AttributeValue(m.payerLink, "href", &href, &ok, q))
			payer := open(t)
			payer.do(chromedp.Navigate(href), chromedp.WaitVisible(want.button, q), chromedp.Click(want.button, q),
				chromedp.WaitVisible(`#result[data-status="`+string(want.status)+`"]`, q))
		}
	}

	p.do(chromedp.WaitVisible(`#outcome[data-outcome="`+want.shows+`"]`, q))
	var status string
	var ok bool
	p.do(chromedp.AttributeValue("#outcome", "data-status", &status, &ok, q))
	if text := p.text("#outcome"); !strings.Contains(text, want.word) || status != string(want.status) {
		t.Errorf("the shop shows %q (status %q), want %q (%s)", text, status, want.word, want.status)
	}
	pay := localPaymentOf(t, m, p)
	now := mp.Clock.Now()
	if pay.Status != want.status || pay.CurrencyID != m.site.Currency() || !pay.TransactionAmount.Equal(money42()) || pay.ExternalReference != id {
		t.Errorf("Mercado Pago holds payment %d: %s (%s), %s %s, reference %s", pay.ID, pay.Status, pay.StatusDetail,
			pay.TransactionAmount, pay.CurrencyID, pay.ExternalReference)
	}
	if expired := pay.Expired(now); expired != (want.outcome == mercadopagotest.OutcomeExpired) {
		t.Errorf("payment %d reads expired=%t (%s, %s)", pay.ID, expired, pay.Status, pay.StatusDetail)
	}
	o := order(t, id)
	if o.Status != want.order || (want.order == shop.StatusPaid) != (o.PaidRef == "mp-"+itoa(pay.ID)) {
		t.Errorf("order %s is %s, paid by %q (%s), for payment %d %s", id, o.Status, o.PaidRef, o.PaidBy, pay.ID, pay.Status)
	}
	// The payment's notification reached the shop's endpoint for the
	// site's account and was accepted.
	hook := running.URL + "/webhooks/mercadopago/" + string(m.site) + "?"
	var code int
	for deadline := time.Now().Add(stepTimeout); code == 0 && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		for _, d := range mp.Deliveries() {
			if d.DataID == itoa(pay.ID) && d.Action == "payment.updated" && strings.HasPrefix(d.URL, hook) && d.StatusCode != 0 {
				code = d.StatusCode
			}
		}
	}
	if code != http.StatusOK {
		t.Errorf("the payment.updated notification of payment %d at %s was answered %d, want 200", pay.ID, hook, code)
	}
}

// localPaymentOf reads, with the site's own client, the payment the shop's
// payment page names.
func localPaymentOf(t *testing.T, m localMethod, p page) *mercadopago.Payment {
	t.Helper()
	pid, err := strconv.ParseInt(p.text("#payment-id"), 10, 64)
	if err != nil {
		t.Fatalf("payment id on the page: %v", err)
	}
	mp := running.Sims.MercadoPago()
	c, err := mercadopago.NewClient(mercadopago.Credentials{AccessToken: mp.SiteAccessToken(m.site)},
		mercadopago.WithBaseURL(mp.URL), mercadopago.WithSite(m.site))
	if err != nil {
		t.Fatal(err)
	}
	pay, err := c.Payments.Get(context.Background(), pid)
	if err != nil {
		t.Fatalf("reading payment %d: %v", pid, err)
	}
	return pay
}

// value reads a form control's value.
func (p page) value(sel string) string {
	p.t.Helper()
	var s string
	p.do(chromedp.Value(sel, &s, q))
	return s
}
