package shop

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/sim"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
)

// The Mercado Pago methods paid outside the card rails. Each is offered by
// one site (pix and bolbradesco by Brazil, pse by Colombia, oxxo by
// Mexico: mercadopago.MethodSite), so the shop pays each with its account
// in that country, in that country's currency. The payment is created
// pending with what the payer must do (NextAction: a QR code, a voucher, a
// bank to go to); the payer pays later, elsewhere (their bank's app, a
// counter, the bank's site), and the shop learns the outcome from a
// verified notification or by reading the payment, which the payment page
// does every few seconds.

// localMethods maps the shop's method keys to Mercado Pago's
// payment_method_id.
var localMethods = map[string]string{
	"mp-pix":    mercadopago.PaymentMethodPix,
	"mp-boleto": mercadopago.PaymentMethodBoleto,
	"mp-pse":    mercadopago.PaymentMethodPSE,
	"mp-oxxo":   mercadopago.PaymentMethodOXXO,
}

// DefaultPollInterval is how often a local-method payment page asks the
// shop whether the payment moved, unless SetPollInterval says otherwise.
const DefaultPollInterval = 2 * time.Second

// SetPollInterval sets how often the local-method payment pages poll the
// shop (d ≤ 0 restores DefaultPollInterval). Tests make it short.
func (s *Shop) SetPollInterval(d time.Duration) {
	if d <= 0 {
		d = DefaultPollInterval
	}
	s.pollEvery.Store(int64(d))
}

// mpAccount is one of the shop's Mercado Pago accounts: its client, which
// knows its site, and the verifier of its notifications.
type mpAccount struct {
	c        *mercadopago.Client
	verifier *mercadopago.WebhookVerifier
}

// openMPSites makes the client and verifier of the account of each local
// method's site. On the simulator, SiteAccessToken is the token of its
// account in that site, and all its accounts sign with one secret; a real
// shop has one access token and one webhook secret per country.
func (s *Shop) openMPSites(mp *mercadopagotest.Server) error {
	hc := &http.Client{Timeout: 15 * time.Second}
	s.mpSites = map[mercadopago.Site]*mpAccount{}
	for _, id := range localMethods {
		site, _ := mercadopago.MethodSite(id)
		if s.mpSites[site] != nil {
			continue
		}
		c, err := mercadopago.NewClient(mercadopago.Credentials{AccessToken: mp.SiteAccessToken(site)},
			mercadopago.WithBaseURL(mp.URL), mercadopago.WithHTTPClient(hc), mercadopago.WithSite(site),
			mercadopago.WithObserver(s.sims.Observer()), mercadopago.WithClock(s.mpNow))
		if err != nil {
			return err
		}
		v, err := mercadopago.NewWebhookVerifier(mp.WebhookSecret, mercadopago.WithWebhookObserver(s.sims.Observer()),
			mercadopago.WithWebhookClock(s.mpNow))
		if err != nil {
			return err
		}
		s.mpSites[site] = &mpAccount{c: c, verifier: v}
	}
	return nil
}

// mpNow is Mercado Pago's time as the shop reads it: the simulator's
// clock, which tests move forward to let a voucher expire (a shop on the
// real API uses time.Now).
func (s *Shop) mpNow() time.Time { return s.sims.MercadoPago().Clock.Now() }

// mpClientOf is the client of the account a method's payments belong to:
// the local methods' country accounts, else the Chilean one.
func (s *Shop) mpClientOf(methodKey string) *mercadopago.Client {
	if id, ok := localMethods[methodKey]; ok {
		site, _ := mercadopago.MethodSite(id)
		return s.mpSites[site].c
	}
	return s.c.MercadoPago
}

// mpWebhookPath is where the notifications of a site's account arrive.
func mpWebhookPath(site mercadopago.Site) string { return "/webhooks/mercadopago/" + string(site) }

// localForm is what the local-method pay forms post, with the demo's
// values filled in: a Brazilian payer with a valid CPF and an address, a
// Colombian one with a cédula, a Mexican one with an email.
func localForm(methodKey string) map[string]string {
	switch methodKey {
	case "mp-pix":
		return map[string]string{"email": "test_user_br@testuser.com", "first_name": "Ana", "last_name": "Souza",
			"doc_type": "CPF", "doc_number": "19119119100"}
	case "mp-boleto":
		return map[string]string{"email": "test_user_br@testuser.com", "first_name": "Ana", "last_name": "Souza",
			"doc_type": "CPF", "doc_number": "19119119100", "zip_code": "06233200", "street_name": "Av. das Nações Unidas",
			"street_number": "3003", "neighborhood": "Bonfim", "city": "Osasco", "federal_unit": "SP"}
	case "mp-pse":
		return map[string]string{"email": "test_user_co@testuser.com", "entity_type": mercadopago.EntityIndividual,
			"doc_type": "CC", "doc_number": "1020304050", "bank": ""}
	}
	return map[string]string{"email": "test_user_mx@testuser.com", "first_name": "Lucía", "last_name": "Hernández"}
}

// pseBanks are the banks PSE offers, from the pse method of the Colombian
// account's payment methods.
func (s *Shop) pseBanks(ctx context.Context) ([]mercadopago.FinancialInstitution, error) {
	methods, err := s.mpClientOf("mp-pse").PaymentMethods.List(ctx)
	if err != nil {
		return nil, err
	}
	for _, m := range methods {
		if m.ID == mercadopago.PaymentMethodPSE && len(m.FinancialInstitutions) > 0 {
			return m.FinancialInstitutions, nil
		}
	}
	return nil, errors.New("the Colombian account lists no PSE banks")
}

// mpLocalPayPage shows the form of a local method: the payer's details,
// and for PSE the bank to pay from.
func (s *Shop) mpLocalPayPage(w http.ResponseWriter, r *http.Request, v view) {
	v.Form = localForm(v.Method.Key)
	if v.Method.Key == "mp-pse" {
		banks, err := s.pseBanks(r.Context())
		if err != nil {
			s.fail(w, http.StatusBadGateway, v.Order, "Could not load the PSE banks: "+err.Error())
			return
		}
		v.Banks = banks
	}
	s.render(w, http.StatusOK, "pay-mp-local", v)
}

// localRequest builds the payment request from the posted form. The SDK
// checks it before anything is sent (the document, the boleto's address,
// the PSE bank against the list…); the shop only copies fields.
func (s *Shop) localRequest(r *http.Request, o *Order, m Method, form map[string]string, banks []mercadopago.FinancialInstitution) *mercadopago.PaymentRequest {
	req := &mercadopago.PaymentRequest{
		TransactionAmount: o.Amount(),
		PaymentMethodID:   localMethods[m.Key],
		Description:       "paykit demo shop order " + o.ID,
		ExternalReference: o.ID,
		NotificationURL:   s.base + mpWebhookPath(s.mpClientOf(m.Key).Site()),
		Payer:             &mercadopago.PaymentPayer{Email: form["email"], FirstName: form["first_name"], LastName: form["last_name"]},
	}
	if form["doc_type"] != "" || form["doc_number"] != "" {
		req.Payer.Identification = &mercadopago.Identification{Type: form["doc_type"], Number: form["doc_number"]}
	}
	switch m.Key {
	case "mp-boleto":
		req.Payer.Address = &mercadopago.PayerAddress{ZipCode: form["zip_code"], StreetName: form["street_name"],
			StreetNumber: form["street_number"], Neighborhood: form["neighborhood"], City: form["city"], FederalUnit: form["federal_unit"]}
	case "mp-pse":
		req.Payer.EntityType = form["entity_type"]
		req.TransactionDetails = &mercadopago.PaymentTransactionDetails{FinancialInstitution: form["bank"]}
		req.FinancialInstitutions = banks
		req.CallbackURL = s.base + "/orders/" + o.ID + "/return/mp-pse"
		req.AdditionalInfo = &mercadopago.AdditionalInfo{IPAddress: clientIP(r)}
	}
	return req
}

// mpPayLocal creates the local-method payment and sends the payer to what
// it asks of them: the payment page (QR code, voucher) or, for PSE, the
// bank. The same form posted again while its payment is pending shows that
// payment again instead of making another. Each new payment is the order's
// next try of the method: the try is in the idempotency key (a form posted
// twice at once makes one payment) and in the description (Mercado Pago
// refuses an identical request within a minute, so a try after a rejection
// must differ).
func (s *Shop) mpPayLocal(ctx context.Context, w http.ResponseWriter, r *http.Request, o *Order, m Method) {
	form := localForm(m.Key)
	keys := make([]string, 0, len(form))
	for k := range form {
		if vals, ok := r.PostForm[k]; ok && len(vals) > 0 {
			form[k] = strings.TrimSpace(vals[0])
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	h := sha256.New()
	for _, k := range keys {
		fmt.Fprintf(h, "%s=%q;", k, form[k])
	}
	formHash := m.Key + ":" + hex.EncodeToString(h.Sum(nil))
	if n := len(o.MPPayments); n > 0 && o.Status == StatusPending && o.localForm == formHash {
		if last := o.MPPayments[n-1]; o.attempt == "mp-"+strconv.FormatInt(last, 10) && o.mpLocal[last] == m.Key {
			s.note(o.ID, "browser", "the same %s form again: showing payment %d, still pending", m.Key, last)
			http.Redirect(w, r, paymentPath(o.ID, last), http.StatusSeeOther)
			return
		}
	}
	var banks []mercadopago.FinancialInstitution
	if m.Key == "mp-pse" {
		var err error
		if banks, err = s.pseBanks(ctx); err != nil {
			s.fail(w, http.StatusBadGateway, o, "Could not load the PSE banks: "+err.Error())
			return
		}
	}
	try := 1
	for _, k := range o.mpLocal {
		if k == m.Key {
			try++
		}
	}
	req := s.localRequest(r, o, m, form, banks)
	req.Description = fmt.Sprintf("paykit demo shop order %s, %s try %d", o.ID, req.PaymentMethodID, try)
	key := fmt.Sprintf("shop-%s-%s-%d", o.ID, m.Key, try)
	s.withOrder(o.ID, func(o *Order) { o.Method, o.attempt = m.Key, mpCreating })
	c := s.mpClientOf(m.Key)
	p, err := c.Payments.Create(ctx, req, mercadopago.WithIdempotencyKey(key))
	if err != nil {
		var ve *paykit.ValidationError
		if errors.As(err, &ve) {
			v := view{Title: "Pay " + o.ID, Order: o, Method: m, Form: form, Banks: banks, Error: "Please check the form: " + ve.Error()}
			s.render(w, http.StatusBadRequest, "pay-mp-local", v)
			return
		}
		s.fail(w, http.StatusBadGateway, o, "Mercado Pago did not take the payment: "+err.Error())
		return
	}
	a := p.NextAction(s.mpNow())
	s.withOrder(o.ID, func(o *Order) {
		if o.mpLocal == nil {
			o.mpLocal = map[int64]string{}
		}
		if _, seen := o.mpLocal[p.ID]; !seen {
			o.MPPayments = append(o.MPPayments, p.ID)
			o.mpLocal[p.ID] = m.Key
		}
		o.attempt, o.localForm = "mp-"+strconv.FormatInt(p.ID, 10), formHash
		o.event("backend", "Mercado Pago %s payment %d created (%s %s, %s); the payer must: %s",
			p.PaymentMethodID, p.ID, p.TransactionAmount, p.CurrencyID, p.Status, a.Kind)
		if o.Status != StatusPaid {
			o.Status, o.Detail = StatusPending, fmt.Sprintf("%s (%s)", p.Status, p.StatusDetail)
		}
	})
	if a.Kind == mercadopago.ActionRedirect {
		http.Redirect(w, r, a.URL, http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, paymentPath(o.ID, p.ID), http.StatusSeeOther)
}

func paymentPath(order string, payment int64) string {
	return "/orders/" + order + "/payments/" + strconv.FormatInt(payment, 10)
}

// localPayment finds the order and one of its local-method payments named
// in the path, and reads the payment from Mercado Pago.
func (s *Shop) localPayment(r *http.Request) (Order, string, *mercadopago.Payment, int, error) {
	o, ok := s.Order(r.PathValue("id"))
	pid, err := strconv.ParseInt(r.PathValue("payment"), 10, 64)
	if !ok || err != nil {
		return o, "", nil, http.StatusNotFound, errors.New("no such order or payment")
	}
	key, ok := o.mpLocal[pid]
	if !ok {
		return o, "", nil, http.StatusNotFound, errors.New("no such payment for this order")
	}
	p, err := s.mpClientOf(key).Payments.Get(r.Context(), pid)
	if err != nil {
		return o, key, nil, http.StatusBadGateway, err
	}
	return o, key, p, 0, nil
}

// States of a local-method payment, as its page shows them.
const (
	localPending   = "pending"
	localPaid      = "paid"
	localRejected  = "rejected"
	localExpired   = "expired"
	localCancelled = "cancelled"
)

// localState reads where a payment stands from what the SDK decoded: its
// status, and NextAction, which reads a payment past its
// date_of_expiration as expired even before Mercado Pago cancels it.
func localState(p *mercadopago.Payment, now time.Time) string {
	switch {
	case p.Status == mercadopago.StatusApproved:
		return localPaid
	case p.NextAction(now).Kind == mercadopago.ActionExpired:
		return localExpired
	case p.Status == mercadopago.StatusRejected:
		return localRejected
	case p.Status == mercadopago.StatusCancelled, p.Status == mercadopago.StatusRefunded, p.Status == mercadopago.StatusChargedBack:
		return localCancelled
	}
	return localPending
}

// localMessage is the sentence the payment page shows for a state.
func localMessage(state string, p *mercadopago.Payment) string {
	switch state {
	case localPaid:
		return fmt.Sprintf("Paid: Mercado Pago confirmed payment %d (%s, %s). Thank you!", p.ID, p.Status, p.StatusDetail)
	case localRejected:
		return fmt.Sprintf("Not paid: Mercado Pago rejected payment %d (%s). You can choose another way to pay.", p.ID, p.StatusDetail)
	case localExpired:
		return fmt.Sprintf("Expired: payment %d was not paid in time (%s, %s). Start a new payment from your order.", p.ID, p.Status, p.StatusDetail)
	case localCancelled:
		return fmt.Sprintf("Payment %d is %s (%s) and will not be paid.", p.ID, p.Status, p.StatusDetail)
	}
	return "Waiting for your payment. This page updates by itself."
}

// localView is what a local-method payment page shows, all of it read
// from the payment by the SDK (NextAction).
type localView struct {
	PaymentID                         int64
	MethodID, Currency                string
	State, Status, Detail, Message    string
	Kind                              mercadopago.ActionKind
	QRImage                           template.URL // data: URL of the QR code PNG
	QRCode                            string
	URL                               string
	Barcode, DigitableLine, Reference string
	ExpiresAt                         time.Time
	Bank                              string
	PollMS                            int64
}

// Final reports whether the payment will not move any more.
func (l *localView) Final() bool { return l.State != localPending }

func (s *Shop) newLocalView(ctx context.Context, p *mercadopago.Payment) *localView {
	now := s.mpNow()
	a := p.NextAction(now)
	state := localState(p, now)
	lv := &localView{PaymentID: p.ID, MethodID: p.PaymentMethodID, Currency: p.CurrencyID, State: state,
		Status: string(p.Status), Detail: string(p.StatusDetail), Message: localMessage(state, p), Kind: a.Kind,
		QRCode: a.QRCode, URL: a.URL, Barcode: a.Barcode, DigitableLine: a.DigitableLine, Reference: a.Reference,
		ExpiresAt: a.ExpiresAt, PollMS: s.pollEvery.Load() / int64(time.Millisecond)}
	// The image is shown from the PNG the SDK decoded, encoded again here:
	// only base64 of a real PNG goes into the page's data: URL.
	if len(a.QRCodePNG) > 8 && string(a.QRCodePNG[1:4]) == "PNG" {
		lv.QRImage = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(a.QRCodePNG))
	}
	if p.PaymentMethodID == mercadopago.PaymentMethodPSE && p.TransactionDetails.FinancialInstitution != "" {
		lv.Bank = p.TransactionDetails.FinancialInstitution
		if banks, err := s.pseBanks(ctx); err == nil {
			for _, b := range banks {
				if b.ID == lv.Bank {
					lv.Bank = b.Description
				}
			}
		}
	}
	return lv
}

// localPaymentPage shows what the payer must do for a local-method
// payment (the Pix QR code and its copy-paste text, the boleto's
// digitable line, the OXXO reference, the link to the voucher, the
// expiry), then polls the shop until the payment is final.
func (s *Shop) localPaymentPage(w http.ResponseWriter, r *http.Request) {
	o, key, p, code, err := s.localPayment(r)
	if code == http.StatusNotFound {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		s.fail(w, code, &o, "Could not read the payment from Mercado Pago: "+err.Error())
		return
	}
	lv := s.newLocalView(r.Context(), p)
	if lv.Final() {
		s.settleLocal(o.ID, p, lv.State, FromLookup)
		o, _ = s.Order(o.ID)
	}
	m, _ := methodByKey(key)
	s.render(w, http.StatusOK, "mp-local-payment", view{Title: "Pay " + o.ID, Order: &o, Method: m, Local: lv,
		Notice: noticeText(r.URL.Query().Get("notice"))})
}

// localPaymentStatus is what the payment page polls: the shop reads the
// payment from Mercado Pago and answers where it stands. A final answer
// settles the order (a lookup the backend made); a pending one records
// nothing, so polling does not fill the order's history.
func (s *Shop) localPaymentStatus(w http.ResponseWriter, r *http.Request) {
	o, _, p, code, err := s.localPayment(r)
	if code == http.StatusNotFound {
		sim.WriteJSON(w, http.StatusNotFound, map[string]string{"error": "no such payment for this order"})
		return
	}
	if err != nil {
		s.log.Warn("local payment lookup", "order", o.ID, "err", err)
		sim.WriteJSON(w, code, map[string]string{"error": "could not read the payment from Mercado Pago"})
		return
	}
	state := localState(p, s.mpNow())
	if state != localPending {
		s.settleLocal(o.ID, p, state, FromLookup)
	}
	sim.WriteJSON(w, http.StatusOK, map[string]string{"state": state, "status": string(p.Status),
		"status_detail": string(p.StatusDetail), "message": localMessage(state, p)})
}

// settleLocal settles the order with what was read of payment p, unless
// the order already says exactly that (the page was reloaded, or polled
// once more), so the history records each outcome once.
func (s *Shop) settleLocal(id string, p *mercadopago.Payment, state string, src Source) {
	ref := "mp-" + strconv.FormatInt(p.ID, 10)
	detail := detailOf(p, state)
	s.withOrder(id, func(o *Order) {
		known := (o.Status == StatusPaid && o.PaidRef == ref) ||
			(o.Status == StatusFailed && state != localPaid && o.attempt == ref && o.Detail == detail)
		if !known {
			s.settle(o, src, outcomeOf(state), ref, ref, detail)
		}
	})
}

// outcomeOf is the order outcome of a local state.
func outcomeOf(state string) outcome {
	switch state {
	case localPaid:
		return outPaid
	case localPending:
		return outPending
	}
	return outFailed
}

// detailOf is the order's detail for a payment: its status and
// status_detail, or, for a pending payment already past its expiry, that.
func detailOf(p *mercadopago.Payment, state string) string {
	if state == localExpired && p.Status == mercadopago.StatusPending {
		return fmt.Sprintf("expired (pending past its date_of_expiration %s)", p.DateOfExpiration.Format(time.RFC3339))
	}
	return fmt.Sprintf("%s (%s)", p.Status, p.StatusDetail)
}

// pseReturn is the PSE callback_url: the bank sends the payer back here.
// What the query says (payment_id, status) proves nothing; the shop reads
// the order's own PSE payment and shows its page.
func (s *Shop) pseReturn(ctx context.Context, r *http.Request, o *Order) (string, error) {
	var pid int64
	for i := len(o.MPPayments) - 1; i >= 0 && pid == 0; i-- {
		if o.mpLocal[o.MPPayments[i]] == "mp-pse" {
			pid = o.MPPayments[i]
		}
	}
	if pid == 0 {
		return "", errors.New("this order has no PSE payment")
	}
	if said := r.URL.Query().Get("payment_id"); said != "" && said != strconv.FormatInt(pid, 10) {
		s.note(o.ID, "browser", "the bank's return named payment %.20q, not this order's PSE payment %d; reading %d", said, pid, pid)
	} else {
		s.note(o.ID, "browser", "back from the PSE bank; asking Mercado Pago about payment %d", pid)
	}
	if err := s.mpSettle(ctx, s.mpClientOf("mp-pse"), pid, FromLookup); err != nil {
		return "", err
	}
	return paymentPath(o.ID, pid), nil
}

// mpSiteNotification handles a verified notification of a country
// account: the payment is read with that account's client.
func (s *Shop) mpSiteNotification(c *mercadopago.Client) func(context.Context, *mercadopago.Notification) error {
	return func(ctx context.Context, n *mercadopago.Notification) error {
		id, ok := n.PaymentID()
		if !ok || n.Type != "payment" {
			return nil
		}
		return s.mpSettle(ctx, c, id, FromNotification)
	}
}
