package mercadopagotest

import (
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/paykit-go/paykit/internal/sim"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/money"
)

// Paths of the stand-in Checkout Pro pages. A preference's init_point is
// CheckoutPath?pref_id=…; the page's form POSTs pref_id and card (one of the
// CheckoutCard… choices) to CheckoutPayPath.
const (
	CheckoutPath    = "/checkout/v1/redirect"
	CheckoutPayPath = "/checkout/v1/pay"
)

// Test cards the stand-in checkout page offers, by outcome.
const (
	CheckoutCardApproved = "approved" // Mastercard held by APRO
	CheckoutCardRejected = "rejected" // Visa held by OTHE
	CheckoutCardPending  = "pending"  // Mastercard held by CONT
)

// checkoutState is what the Checkout Pro side of the simulator keeps.
type checkoutState struct {
	prefs      sim.Table[string, *preference]
	orders     sim.Table[int64, *merchantOrder]
	challenges map[string]int64 // creq → payment id
}

// preference is a preference as the API sends it.
type preference struct {
	ID                  string         `json:"id"`
	InitPoint           string         `json:"init_point"`
	SandboxInitPoint    string         `json:"sandbox_init_point"`
	ClientID            string         `json:"client_id"`
	CollectorID         int64          `json:"collector_id"`
	Items               []prefItem     `json:"items"`
	Payer               map[string]any `json:"payer"`
	BackURLs            backURLs       `json:"back_urls"`
	AutoReturn          string         `json:"auto_return"`
	NotificationURL     *string        `json:"notification_url"`
	ExternalReference   string         `json:"external_reference"`
	Expires             bool           `json:"expires"`
	ExpirationDateFrom  *string        `json:"expiration_date_from"`
	ExpirationDateTo    *string        `json:"expiration_date_to"`
	DateOfExpiration    *string        `json:"date_of_expiration"`
	PaymentMethods      prefMethods    `json:"payment_methods"`
	MarketplaceFee      money.Decimal  `json:"marketplace_fee"`
	Marketplace         string         `json:"marketplace"`
	StatementDescriptor *string        `json:"statement_descriptor"`
	BinaryMode          bool           `json:"binary_mode"`
	Metadata            map[string]any `json:"metadata"`
	OperationType       string         `json:"operation_type"`
	SiteID              string         `json:"site_id"`
	DateCreated         string         `json:"date_created"`
	LastUpdated         *string        `json:"last_updated"`

	created  time.Time
	from, to *time.Time
}

type prefItem struct {
	ID          string        `json:"id"`
	Title       string        `json:"title"`
	Description string        `json:"description"`
	PictureURL  string        `json:"picture_url"`
	CategoryID  string        `json:"category_id"`
	CurrencyID  string        `json:"currency_id"`
	Quantity    int           `json:"quantity"`
	UnitPrice   money.Decimal `json:"unit_price"`
}

type backURLs struct {
	Success string `json:"success"`
	Pending string `json:"pending"`
	Failure string `json:"failure"`
}

type idRef struct {
	ID string `json:"id"`
}

type prefMethods struct {
	ExcludedPaymentMethods []idRef `json:"excluded_payment_methods"`
	ExcludedPaymentTypes   []idRef `json:"excluded_payment_types"`
	DefaultPaymentMethodID *string `json:"default_payment_method_id"`
	Installments           *int    `json:"installments"`
	DefaultInstallments    *int    `json:"default_installments"`
}

// prefIn is what POST and PUT /checkout/preferences accept; nil means "not sent".
type prefIn struct {
	Items               []prefItem     `json:"items"`
	Payer               map[string]any `json:"payer"`
	BackURLs            *backURLs      `json:"back_urls"`
	AutoReturn          *string        `json:"auto_return"`
	NotificationURL     *string        `json:"notification_url"`
	ExternalReference   *string        `json:"external_reference"`
	Expires             *bool          `json:"expires"`
	ExpirationDateFrom  *time.Time     `json:"expiration_date_from"`
	ExpirationDateTo    *time.Time     `json:"expiration_date_to"`
	DateOfExpiration    *time.Time     `json:"date_of_expiration"`
	PaymentMethods      *prefMethods   `json:"payment_methods"`
	MarketplaceFee      *money.Decimal `json:"marketplace_fee"`
	StatementDescriptor *string        `json:"statement_descriptor"`
	BinaryMode          *bool          `json:"binary_mode"`
	Metadata            map[string]any `json:"metadata"`
}

// apply copies the fields sent into p and checks the result; it returns a
// message for a 400 when something is unusable (simulator's wording).
func (in *prefIn) apply(p *preference) string {
	if in.Items != nil {
		if len(in.Items) == 0 {
			return "items must not be empty"
		}
		for _, it := range in.Items {
			if strings.TrimSpace(it.Title) == "" || it.Quantity < 1 || !it.UnitPrice.IsPositive() {
				return "items need a title, a quantity of at least 1 and a unit_price above 0"
			}
		}
		p.Items = in.Items
		for i := range p.Items {
			if p.Items[i].CurrencyID == "" {
				p.Items[i].CurrencyID = "CLP"
			}
		}
	}
	if in.Payer != nil {
		p.Payer = in.Payer
	}
	if in.BackURLs != nil {
		p.BackURLs = *in.BackURLs
	}
	if in.AutoReturn != nil {
		p.AutoReturn = *in.AutoReturn
	}
	if p.AutoReturn != "" && p.BackURLs.Success == "" {
		return "auto_return invalid. back_url.success must be defined"
	}
	if in.NotificationURL != nil {
		p.NotificationURL = in.NotificationURL
	}
	if in.ExternalReference != nil {
		p.ExternalReference = *in.ExternalReference
	}
	if in.Expires != nil {
		p.Expires = *in.Expires
	}
	if in.ExpirationDateFrom != nil {
		p.from, p.ExpirationDateFrom = in.ExpirationDateFrom, strPtr(mpTime(*in.ExpirationDateFrom))
	}
	if in.ExpirationDateTo != nil {
		p.to, p.ExpirationDateTo = in.ExpirationDateTo, strPtr(mpTime(*in.ExpirationDateTo))
	}
	if in.DateOfExpiration != nil {
		p.DateOfExpiration = strPtr(mpTime(*in.DateOfExpiration))
	}
	if in.PaymentMethods != nil {
		p.PaymentMethods = *in.PaymentMethods
	}
	if in.MarketplaceFee != nil {
		p.MarketplaceFee = *in.MarketplaceFee
	}
	if in.StatementDescriptor != nil {
		p.StatementDescriptor = in.StatementDescriptor
	}
	if in.BinaryMode != nil {
		p.BinaryMode = *in.BinaryMode
	}
	if in.Metadata != nil {
		p.Metadata = in.Metadata
	}
	return ""
}

func (s *Server) createPreference(w http.ResponseWriter, r *http.Request) {
	var in prefIn
	if !readJSON(w, r, &in) {
		return
	}
	if len(in.Items) == 0 {
		apiError(w, http.StatusBadRequest, "invalid_items", "items needed")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.Clock.Now()
	id := fmt.Sprintf("%d-%s", simUserID, newRequestID())
	p := &preference{
		ID: id, InitPoint: s.URL + CheckoutPath + "?pref_id=" + id, SandboxInitPoint: s.URL + CheckoutPath + "?pref_id=" + id,
		ClientID: "6295877106812064", CollectorID: simUserID, Payer: map[string]any{}, Marketplace: "NONE",
		MarketplaceFee: money.FromInt(0), Metadata: map[string]any{}, OperationType: "regular_payment", SiteID: "MLC",
		DateCreated: mpTime(now), created: now,
		PaymentMethods: prefMethods{ExcludedPaymentMethods: []idRef{}, ExcludedPaymentTypes: []idRef{}},
	}
	if msg := in.apply(p); msg != "" {
		apiError(w, http.StatusBadRequest, "bad_request", msg)
		return
	}
	s.checkout.prefs.Put(id, p)
	sim.WriteJSON(w, http.StatusCreated, p)
}

func (s *Server) lookupPref(w http.ResponseWriter, id string) *preference {
	if p, ok := s.checkout.prefs.Get(id); ok {
		return p
	}
	apiError(w, http.StatusNotFound, "not_found", "preference "+id+" not found")
	return nil
}

func (s *Server) getPreference(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.lookupPref(w, r.PathValue("id")); p != nil {
		sim.WriteJSON(w, http.StatusOK, p)
	}
}

func (s *Server) updatePreference(w http.ResponseWriter, r *http.Request) {
	var in prefIn
	if !readJSON(w, r, &in) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.lookupPref(w, r.PathValue("id"))
	if p == nil {
		return
	}
	next := *p
	if msg := in.apply(&next); msg != "" {
		apiError(w, http.StatusBadRequest, "bad_request", msg)
		return
	}
	next.LastUpdated = strPtr(mpTime(s.Clock.Now()))
	*p = next
	sim.WriteJSON(w, http.StatusOK, p)
}

func (s *Server) searchPreferences(w http.ResponseWriter, r *http.Request) {
	ref := r.URL.Query().Get("external_reference")
	searchAs(s, w, r, &s.checkout.prefs, 30, 100, func(p *preference) bool {
		return ref == "" || p.ExternalReference == ref
	}, func(found []*preference, limit, offset int) any {
		summaries := make([]map[string]any, len(found))
		for i, p := range found {
			summaries[i] = p.summary()
		}
		return elements(summaries, limit, offset)
	})
}

// summary is the preference as a search lists it: item titles only, and
// nulls where the API has nothing for a sandbox preference.
func (p *preference) summary() map[string]any {
	titles := []string{}
	for _, it := range p.Items {
		titles = append(titles, it.Title)
	}
	return map[string]any{
		"id": p.ID, "client_id": p.ClientID, "collector_id": p.CollectorID, "date_created": p.DateCreated,
		"expiration_date_from": p.ExpirationDateFrom, "expiration_date_to": p.ExpirationDateTo, "expires": p.Expires,
		"external_reference": p.ExternalReference, "items": titles, "last_updated": p.LastUpdated, "live_mode": false,
		"marketplace": p.Marketplace, "operation_type": p.OperationType, "payer_email": "", "payer_id": nil,
		"platform_id": nil, "processing_modes": nil, "product_id": nil, "purpose": "", "site_id": p.SiteID,
		"sponsor_id": nil, "shipping_mode": nil,
	}
}

var checkoutPage = template.Must(template.New("checkout").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>Mercado Pago checkout (simulator)</title></head>
<body><h1>Pay {{.Total}} {{.Currency}}</h1>
<ul>{{range .Items}}<li>{{.Quantity}} × {{.Title}} at {{.UnitPrice}}</li>{{end}}</ul>
<form method="POST" action="{{.Pay}}">
<input type="hidden" name="pref_id" value="{{.PrefID}}">
<label><input type="radio" name="card" value="approved" checked> Mastercard •••• 0604 (APRO)</label>
<label><input type="radio" name="card" value="rejected"> Visa •••• 3704 (OTHE)</label>
<label><input type="radio" name="card" value="pending"> Mastercard •••• 0604 (CONT)</label>
<label>Installments <input name="installments" value="1" inputmode="numeric"></label>
<button>Pay</button>
</form>
{{if .Failure}}<p><a id="leave" href="{{.Failure}}">Return to the shop</a></p>{{end}}
</body></html>`))

// checkoutPage is the stand-in for Checkout Pro's page at init_point.
func (s *Server) checkoutPage(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("pref_id")
	s.mu.Lock()
	p, ok := s.checkout.prefs.Get(id)
	var data map[string]any
	if ok {
		total := money.FromInt(0)
		for _, it := range p.Items {
			total, _ = total.Add(lineTotal(it))
		}
		data = map[string]any{"Total": total.String(), "Currency": p.Items[0].CurrencyID, "Items": p.Items, "Pay": CheckoutPayPath,
			"PrefID": p.ID, "Failure": p.returnURL(p.BackURLs.Failure, nil, 0)}
	}
	expired := ok && s.prefExpired(p)
	s.mu.Unlock()
	switch {
	case !ok:
		http.Error(w, "unknown preference", http.StatusNotFound)
		return
	case expired:
		http.Error(w, "this checkout has expired", http.StatusGone)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = checkoutPage.Execute(w, data)
}

// prefExpired applies expires / expiration_date_from / expiration_date_to.
func (s *Server) prefExpired(p *preference) bool {
	if !p.Expires {
		return false
	}
	now := s.Clock.Now()
	return (p.from != nil && now.Before(*p.from)) || (p.to != nil && now.After(*p.to))
}

func lineTotal(it prefItem) money.Decimal {
	sum := money.FromInt(0)
	for i := 0; i < it.Quantity; i++ {
		sum, _ = sum.Add(it.UnitPrice)
	}
	return sum
}

// returnURL is back plus the query Checkout Pro appends; pay nil means the
// payer left without paying ("null" values).
func (p *preference) returnURL(back string, pay *payment, moID int64) string {
	if back == "" {
		return ""
	}
	u, err := url.Parse(back)
	if err != nil {
		return ""
	}
	q := u.Query()
	ref := p.ExternalReference
	if ref == "" {
		ref = "null"
	}
	id, status, ptype, mo := "null", "null", "null", "null"
	if pay != nil {
		id, status, ptype = strconv.FormatInt(pay.ID, 10), pay.Status, pay.PaymentTypeID
		mo = strconv.FormatInt(moID, 10)
	}
	for _, kv := range [][2]string{{"collection_id", id}, {"collection_status", status}, {"payment_id", id}, {"status", status},
		{"external_reference", ref}, {"payment_type", ptype}, {"merchant_order_id", mo}, {"preference_id", p.ID},
		{"site_id", p.SiteID}, {"processing_mode", "aggregator"}, {"merchant_account_id", "null"}} {
		q.Set(kv[0], kv[1])
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// checkoutPay is the checkout page's form target (pref_id, card,
// installments): see PayCheckout. It answers 303 to the back URL of the
// outcome, or shows the result when there is none.
func (s *Server) checkoutPay(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	installments := 1
	if v := r.PostForm.Get("installments"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			http.Error(w, "installments must be a number of at least 1", http.StatusBadRequest)
			return
		}
		installments = n
	}
	code, to, msg := s.payCheckout(r.PostForm.Get("pref_id"), r.PostForm.Get("card"), installments)
	switch {
	case code != http.StatusOK:
		http.Error(w, msg, code)
	case to != "":
		http.Redirect(w, r, to, http.StatusSeeOther)
	default:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<!doctype html><p>%s</p>", template.HTMLEscapeString(msg))
	}
}

// PayCheckout plays the payer on the checkout page of preference prefID:
// they pay with the test card chosen by card (CheckoutCardApproved,
// CheckoutCardRejected or CheckoutCardPending; "" is approved) in one
// installment. The payment carries the preference's external reference,
// notification URL and metadata; it is filed in the preference's merchant
// order; payment.created and merchant order notifications are sent. It
// returns where the payer's browser is sent: the back URL of the outcome
// with the query Checkout Pro appends, or "" when the preference has none.
// (The real page waits for the payer to click back unless auto_return
// applies; the simulator sends them back at once.)
func (s *Server) PayCheckout(prefID, card string) (returnURL string, err error) {
	code, to, msg := s.payCheckout(prefID, card, 1)
	if code != http.StatusOK {
		return "", fmt.Errorf("mercadopagotest: checkout: %s", msg)
	}
	return to, nil
}

func (s *Server) payCheckout(id, card string, installments int) (code int, returnURL, msg string) {
	holder, number := HolderApproved, CardMastercard
	switch card {
	case CheckoutCardApproved, "":
	case CheckoutCardRejected:
		holder, number = HolderRejectedOther, CardVisa
	case CheckoutCardPending:
		holder = HolderPending
	default:
		return http.StatusBadRequest, "", "unknown card choice"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.checkout.prefs.Get(id)
	if !ok {
		return http.StatusNotFound, "", "unknown preference"
	}
	if s.prefExpired(p) {
		return http.StatusGone, "", "this checkout has expired"
	}
	tok := &cardToken{number: number, month: 11, year: s.Clock.Now().Year() + 3, holder: holder}
	for _, ex := range p.PaymentMethods.ExcludedPaymentMethods {
		if ex.ID == tok.brand() {
			return http.StatusBadRequest, "", tok.brand() + " is excluded by the seller"
		}
	}
	for _, ex := range p.PaymentMethods.ExcludedPaymentTypes {
		if ex.ID == "credit_card" {
			return http.StatusBadRequest, "", "credit cards are excluded by the seller"
		}
	}
	if p.PaymentMethods.Installments != nil && installments > *p.PaymentMethods.Installments {
		return http.StatusBadRequest, "", "too many installments"
	}
	pay := s.payPreference(p, tok, installments)
	mo := s.merchantOrderFor(p)
	mo.addPayment(pay, s.Clock.Now())
	pay.Order = &orderRef{ID: strconv.FormatInt(mo.ID, 10), Type: "mercadopago"}
	s.notify(pay, "payment.created")
	s.notifyMerchantOrder(mo, p.NotificationURL)

	back := p.BackURLs.Failure
	switch mercadopago.PaymentStatus(pay.Status) {
	case mercadopago.StatusApproved:
		back = p.BackURLs.Success
	case mercadopago.StatusPending, mercadopago.StatusInProcess:
		back = p.BackURLs.Pending
	}
	return http.StatusOK, p.returnURL(back, pay, mo.ID), fmt.Sprintf("Payment %d: %s", pay.ID, pay.Status)
}

// payPreference makes the card payment of a checkout. Call with s.mu held.
func (s *Server) payPreference(p *preference, tok *cardToken, installments int) *payment {
	now := s.Clock.Now()
	total := money.FromInt(0)
	for _, it := range p.Items {
		total, _ = total.Add(lineTotal(it))
	}
	s.seq++
	pay := &payment{
		ID: s.seq, DateCreated: mpTime(now), DateLastUpdated: mpTime(now), created: now,
		CurrencyID: p.Items[0].CurrencyID, CollectorID: simUserID, Installments: installments,
		TransactionAmount: total, TransactionAmountRefunded: money.New(0, 0), Metadata: p.Metadata, Refunds: []*refund{},
		PaymentMethodID: tok.brand(), PaymentTypeID: "credit_card", IssuerID: strPtr("24"), Card: tok.cardOut(),
		Description: strPtr(p.Items[0].Title), BinaryMode: p.BinaryMode,
	}
	pay.OperationType, pay.ProcessingMode = "regular_payment", "aggregator"
	pay.FeeDetails, pay.ChargesDetails = []feeDetail{}, []chargeDetail{}
	pay.StatementDescriptor = p.StatementDescriptor
	if p.ExternalReference != "" {
		pay.ExternalReference = strPtr(p.ExternalReference)
	}
	if p.NotificationURL != nil {
		pay.NotificationURL = *p.NotificationURL
	}
	if p.MarketplaceFee.IsPositive() {
		fee := p.MarketplaceFee
		pay.applicationFee = &fee
	}
	if email, _ := p.Payer["email"].(string); email != "" {
		pay.Payer.Email = strPtr(email)
	}
	pay.Payer.Type = strPtr(mercadopago.PayerGuest)
	pay.PaymentMethod = paymentMethodOut{ID: pay.PaymentMethodID, Type: "credit_card"}
	pay.PointOfInteraction = &poiOut{Type: "UNSPECIFIED"}
	pay.TransactionDetails = txDetails{TotalPaidAmount: total, InstallmentAmount: total, NetReceivedAmount: money.New(0, 0)}
	status, detail := holderOutcome(tok.holder)
	if pay.BinaryMode && status == mercadopago.StatusPending {
		status, detail = mercadopago.StatusRejected, mercadopago.DetailRejectedOtherReason
	}
	pay.setStatus(status, detail, now)
	s.payments.Put(pay.ID, pay)
	return pay
}

// Preference returns a preference as the API would send it, decoded with
// the client's types.
func (s *Server) Preference(id string) (*mercadopago.Preference, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.checkout.prefs.Get(id)
	if !ok {
		return nil, false
	}
	b, _ := json.Marshal(p)
	var out mercadopago.Preference
	if json.Unmarshal(b, &out) != nil {
		return nil, false
	}
	return &out, true
}

// PreferenceCount is how many preferences the server holds.
func (s *Server) PreferenceCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.checkout.prefs.Len()
}
