// Package finrotatest is an in-process, stateful simulator of the Finrota
// API for tests and offline examples. It is an httptest server on loopback
// that checks what Finrota checks (the key pair, which token goes where,
// token lifetimes, single use, matching amounts, required fields) and
// stands in for the parts a backend never drives itself: the browser widget
// (PreparePayment) and the bank's 3-D Secure page (Complete3DS).
//
// Sandbox rules (this simulator's own; Finrota publishes none):
//   - CardApproved and CardApproved2 pay; CardDeclined is refused with
//     "Insufficient funds" (error code 51), with or without 3-D Secure.
//   - On the 3-D Secure page, OTP succeeds; any other code fails the payment.
//   - Access tokens live 24 h, widget tokens 20 minutes; a widget token and
//     its prepare token serve one payment.
//   - Cancel works on a successful payment the same (simulated) day; refunds
//     work in full or in parts up to the amount paid.
//   - The refund amount field is "refundAmount" unless WithRefundAmountField
//     says otherwise; a body carrying the other name is refused, so a client
//     configured for the wrong gateway fails loudly instead of refunding in
//     full.
//
// Faults: the embedded *sim.Server offers FailNext and Handled, e.g.
// FailNext(1, sim.Fault{Kind: sim.StatusAfter, Status: 502, PathPrefix:
// "/b2c/widget/payment"}) charges the card and then answers 502.
//
// For a real browser it also serves a FinrotaPay.init widget script at
// ScriptURL and the bank's 3-D Secure page; browser.go says which contract
// they mimic and what they leave out.
package finrotatest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/paykit-go/paykit/finrota"
	"github.com/paykit-go/paykit/internal/sim"
	"github.com/paykit-go/paykit/money"
)

// Default credentials the simulator accepts.
const (
	APIKey    = "sim_api_key_finrota"
	SecretKey = "sim_secret_key_finrota"
)

// Test cards and the 3-D Secure code.
const (
	CardApproved  = "4155650100416111"
	CardApproved2 = "5406675406675403"
	CardDeclined  = "4000000000000002"
	OTP           = "123456"
)

// Lifetimes the simulator enforces.
const (
	AccessTokenTTL = 24 * time.Hour
	WidgetTokenTTL = 20 * time.Minute
)

// Option configures the simulator.
type Option func(*Server)

// WithCredentials sets the key pair the token endpoint accepts.
func WithCredentials(apiKey, secretKey string) Option {
	return func(s *Server) { s.apiKey, s.secretKey = apiKey, secretKey }
}

// WithAccessTokenTTL sets how long the access tokens the token endpoint
// issues live (default AccessTokenTTL, the documented 24 hours); a fleet
// test shortens it to make tokens expire while it runs. A duration that is
// not positive keeps the default.
func WithAccessTokenTTL(d time.Duration) Option {
	return func(s *Server) {
		if d > 0 {
			s.accessTTL = d
		}
	}
}

// WithClock makes the simulator read time from now (for expiry tests).
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// WithRefundAmountField sets the refund field the simulated gateway reads:
// "refundAmount" (default) or "amount".
func WithRefundAmountField(name string) Option { return func(s *Server) { s.refundField = name } }

// Server is the simulator. Its URL goes in finrota.WithBaseURL.
type Server struct {
	*sim.Server

	apiKey, secretKey string
	now               func() time.Time
	accessTTL         time.Duration
	refundField       string
	listener          net.Listener
	middleware        func(http.Handler) http.Handler

	txns sim.Table[string, *txn] // by transaction id

	mu           sync.Mutex // guards the transactions' fields and what follows
	seq          int
	access       map[string]time.Time
	widgets      map[string]*widgetToken
	prepared     map[string]*preparedPayment
	plans        map[string]plan
	threeDS      map[string]*txn // bank session id → pending payment
	accessIssued int
}

type widgetToken struct {
	expires time.Time
	used    bool
}

type preparedPayment struct {
	widget      string
	card        string
	amount      money.Decimal
	currency    string
	installment int
	use3D       bool
	expires     time.Time
	used        bool
}

type plan struct {
	bin      string
	amount   money.Decimal
	currency string
	count    int
}

type txn struct {
	id, ref, clientRef string
	amount, refunded   money.Decimal
	currency           string
	installment        int
	status             finrota.TransactionStatus
	errCode, errMsg    string
	returnURL          string
	created            time.Time
}

// NewServer starts a simulator on loopback. Close it when done.
func NewServer(opts ...Option) *Server {
	s := &Server{
		apiKey: APIKey, secretKey: SecretKey, now: time.Now, refundField: finrota.RefundAmountField, accessTTL: AccessTokenTTL,
		access: map[string]time.Time{}, widgets: map[string]*widgetToken{}, prepared: map[string]*preparedPayment{},
		plans: map[string]plan{}, threeDS: map[string]*txn{},
	}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	s.Server = sim.NewServerOn(s.listener, sim.Around(s.middleware, sim.Mux(s.routes(), notFound)))
	return s
}

// routes is the simulator's route table: the API, the two calls the
// browser widget makes from the merchant's page (with CORS), the widget
// script and the bank's 3-D Secure page.
func (s *Server) routes() []sim.Route {
	return []sim.Route{
		{Pattern: "POST /auth/api/token/connect", Handler: s.connect},
		{Pattern: "GET /b2c/widget/token", Handler: s.widgetToken},
		{Pattern: "GET /b2c/paymentOptions", Handler: cors(s.paymentOptions)},
		{Pattern: "OPTIONS /b2c/paymentOptions", Handler: cors(nil)},
		{Pattern: "POST /b2c/widget/preparePayment", Handler: cors(s.preparePayment)},
		{Pattern: "OPTIONS /b2c/widget/preparePayment", Handler: cors(nil)},
		{Pattern: "POST /b2c/widget/payment", Handler: s.payment},
		{Pattern: "GET /pws/payment/transaction", Handler: s.transaction},
		{Pattern: "POST /pws/payment/cancel", Handler: s.cancel},
		{Pattern: "POST /pws/payment/refund", Handler: s.refund},
		{Pattern: "GET /erp/payments", Handler: s.erpPayments},
		{Pattern: "GET " + scriptPath, Handler: s.script},
		{Pattern: "GET /sim/3ds/{id}", Handler: s.bankPage},
		{Pattern: "POST /sim/3ds/{id}", Handler: s.bankSubmit},
	}
}

func notFound(w http.ResponseWriter, r *http.Request) {
	writeError(w, http.StatusNotFound, "Resource not found: no route for "+r.Method+" "+r.URL.Path, "NOT_FOUND")
}

// Credentials returns the key pair this simulator accepts.
func (s *Server) Credentials() finrota.Credentials {
	return finrota.Credentials{APIKey: s.apiKey, SecretKey: s.secretKey}
}

// Client returns a finrota client for this server: its URL, the key pair
// it accepts and the test server's HTTP client, then opts, which win.
func (s *Server) Client(opts ...finrota.Option) (*finrota.Client, error) {
	all := append([]finrota.Option{finrota.WithBaseURL(s.URL), finrota.WithHTTPClient(s.Server.Client())}, opts...)
	return finrota.NewClient(s.Credentials(), all...)
}

// AccessTokensIssued counts successful token connects.
func (s *Server) AccessTokensIssued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.accessIssued
}

// RevokeAccessTokens makes every issued access token answer 401, as when
// Finrota rotates them early.
func (s *Server) RevokeAccessTokens() {
	s.mu.Lock()
	s.access = map[string]time.Time{}
	s.mu.Unlock()
}

// --- wire helpers ---

type envelope struct {
	Message    string `json:"message"`
	StatusCode int    `json:"statusCode"`
	Exceptions any    `json:"exceptions"`
	Errors     any    `json:"errors"`
	Data       any    `json:"data"`
}

type errorData struct {
	ErrorCode    string `json:"errorCode"`
	ErrorMessage string `json:"errorMessage"`
	IsSuccess    bool   `json:"isSuccess"`
}

func writeError(w http.ResponseWriter, status int, msg, code string, details ...string) {
	var errs any
	if len(details) > 0 {
		errs = details
	}
	w.Header().Set("X-Request-Id", sim.RandomHex(8))
	sim.WriteJSON(w, status, envelope{Message: msg, StatusCode: status, Errors: errs,
		Data: errorData{ErrorCode: code, ErrorMessage: msg}})
}

func writeOK(w http.ResponseWriter, v any) {
	w.Header().Set("X-Request-Id", sim.RandomHex(8))
	sim.WriteJSON(w, http.StatusOK, v)
}

func bearer(r *http.Request, header string) string {
	v, ok := strings.CutPrefix(r.Header.Get(header), "Bearer ")
	if !ok {
		return ""
	}
	return v
}

// accessOK reports whether tok is a live access token. Call with s.mu held.
func (s *Server) accessOK(tok string) bool {
	exp, ok := s.access[tok]
	return ok && s.now().Before(exp)
}

// requireAccess answers 401 unless the header carries a live access token.
// Call with s.mu held.
func (s *Server) requireAccess(w http.ResponseWriter, r *http.Request, header string) bool {
	tok := bearer(r, header)
	if s.accessOK(tok) {
		return true
	}
	msg := "Unauthorized: access token is missing, invalid or expired"
	if _, isWidget := s.widgets[tok]; isWidget {
		msg = "Unauthorized: a widget token cannot call this endpoint; use the access token"
	}
	writeError(w, http.StatusUnauthorized, msg, "UNAUTHORIZED")
	return false
}

func (s *Server) next(prefix string) string {
	s.seq++
	return prefix + strconv.Itoa(884200+s.seq)
}

// --- token connect ---

func (s *Server) connect(w http.ResponseWriter, r *http.Request) {
	var in struct {
		APIKey    string `json:"apiKey"`
		SecretKey string `json:"secretKey"`
	}
	if err := sim.ReadJSON(r, &in); err != nil {
		writeError(w, http.StatusBadRequest, "Request body is invalid", "BAD_REQUEST", err.Error())
		return
	}
	if in.APIKey == "" || in.SecretKey == "" {
		writeError(w, http.StatusBadRequest, "apiKey and secretKey are required", "VALIDATION")
		return
	}
	if in.APIKey != s.apiKey || in.SecretKey != s.secretKey {
		writeError(w, http.StatusUnauthorized, "Api key or secret key is invalid", "AUTH_FAILED")
		return
	}
	tok := "eyJhbGciOiJIUzI1NiJ9." + sim.RandomHex(24) + "." + sim.RandomHex(16)
	exp := s.now().Add(s.accessTTL)
	s.mu.Lock()
	s.access[tok] = exp
	s.accessIssued++
	s.mu.Unlock()
	writeOK(w, map[string]string{"expiry": exp.UTC().Format(time.RFC3339), "token": tok, "type": "Bearer"})
}

// --- widget token ---

func (s *Server) widgetToken(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.requireAccess(w, r, "Authorization") {
		return
	}
	tok := "wdg_" + sim.RandomHex(16)
	s.widgets[tok] = &widgetToken{expires: s.now().Add(WidgetTokenTTL)}
	writeOK(w, map[string]string{"token": tok})
}

// --- payment options ---

type programOut struct {
	CardProgram  string           `json:"cardProgram"`
	BankName     string           `json:"bankName"`
	Installments []installmentOut `json:"installments"`
}

type installmentOut struct {
	InstallmentCount  int           `json:"installmentCount"`
	Token             string        `json:"token"`
	InstallmentAmount money.Decimal `json:"installmentAmount"`
	TotalAmount       money.Decimal `json:"totalAmount"`
}

// commission per installment count, in percent.
var commission = []struct{ count, pct int64 }{{1, 0}, {3, 2}, {6, 4}}

func program(bin string) (name, bank string) {
	switch {
	case strings.HasPrefix(bin, "415565"):
		return "Bonus", "Garanti BBVA"
	case strings.HasPrefix(bin, "540667"):
		return "World", "Yapı Kredi"
	}
	return "Troy", "Finrota Test Bank"
}

func (s *Server) paymentOptions(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	// The backend sends the access token in Proxy-Authorization; the widget
	// calls with its own token in Authorization.
	wt, ok := s.widgets[bearer(r, "Authorization")]
	if !(ok && s.now().Before(wt.expires)) && !s.requireAccess(w, r, "Proxy-Authorization") {
		return
	}
	q := r.URL.Query()
	bin, cur := q.Get("binNumber"), q.Get("currency")
	amount, err := money.Parse(q.Get("amount"))
	var errs []string
	if len(bin) != 6 && len(bin) != 8 || strings.Trim(bin, "0123456789") != "" {
		errs = append(errs, "binNumber: must be 6 or 8 digits")
	}
	if err != nil || !amount.IsPositive() {
		errs = append(errs, "amount: must be a positive number")
	}
	if cur != "TRY" && cur != "USD" && cur != "EUR" {
		errs = append(errs, "currency: must be TRY, USD or EUR")
	}
	if len(errs) > 0 {
		writeError(w, http.StatusBadRequest, "One or more validation errors occurred", "VALIDATION", errs...)
		return
	}
	name, bank := program(bin)
	out := programOut{CardProgram: name, BankName: bank}
	for _, c := range commission {
		cents, ok := amount.Minor(2)
		if !ok {
			writeError(w, http.StatusBadRequest, "amount: too many decimal places", "VALIDATION")
			return
		}
		total := (cents*(100+c.pct) + 50) / 100
		per := (total + c.count/2) / c.count
		tok := "ins_" + sim.RandomHex(10)
		s.plans[tok] = plan{bin: bin[:6], amount: amount, currency: cur, count: int(c.count)}
		out.Installments = append(out.Installments, installmentOut{InstallmentCount: int(c.count), Token: tok,
			InstallmentAmount: money.New(per, 2), TotalAmount: money.New(total, 2)})
	}
	writeOK(w, envelope{StatusCode: 200, Data: []programOut{out}})
}

// --- preparePayment (the widget's call) ---

type prepareIn struct {
	Card struct {
		CardNumber     string `json:"cardNumber"`
		CardHolderName string `json:"cardHolderName"`
		CVV            string `json:"cvv"`
		ExpMonth       string `json:"expMonth"`
		ExpYear        string `json:"expYear"`
	} `json:"card"`
	Use3D            bool          `json:"use3D"`
	Currency         string        `json:"currency"`
	Amount           money.Decimal `json:"amount"`
	InstallmentToken string        `json:"installmentToken"`
}

func (s *Server) preparePayment(w http.ResponseWriter, r *http.Request) {
	var in prepareIn
	if err := sim.ReadJSON(r, &in); err != nil {
		writeError(w, http.StatusBadRequest, "Request body is invalid", "BAD_REQUEST", err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tok := bearer(r, "Authorization")
	wt, ok := s.widgets[tok]
	switch {
	case !ok && s.accessOK(tok):
		writeError(w, http.StatusUnauthorized, "Unauthorized: the widget must be initialised with a widget token, not the access token", "WIDGET_TOKEN_INVALID")
		return
	case !ok:
		writeError(w, http.StatusUnauthorized, "Unauthorized: widget token is invalid", "WIDGET_TOKEN_INVALID")
		return
	case !s.now().Before(wt.expires):
		writeError(w, http.StatusUnauthorized, "Widget token has expired", "WIDGET_TOKEN_EXPIRED")
		return
	case wt.used:
		writeError(w, http.StatusBadRequest, "Widget token has already been used for a payment", "WIDGET_TOKEN_USED")
		return
	}
	c := in.Card
	var errs []string
	if !luhn(c.CardNumber) {
		errs = append(errs, "card.cardNumber: is not a valid card number")
	}
	if strings.TrimSpace(c.CardHolderName) == "" {
		errs = append(errs, "card.cardHolderName: is required")
	}
	if n := len(c.CVV); (n != 3 && n != 4) || strings.Trim(c.CVV, "0123456789") != "" {
		errs = append(errs, "card.cvv: must be 3 or 4 digits")
	}
	month, _ := strconv.Atoi(c.ExpMonth)
	year, _ := strconv.Atoi(c.ExpYear)
	if year < 100 {
		year += 2000
	}
	if month < 1 || month > 12 || time.Date(year, time.Month(month)+1, 1, 0, 0, 0, 0, time.UTC).Before(s.now()) {
		errs = append(errs, "card.expMonth/expYear: card has expired or the date is invalid")
	}
	if !in.Amount.IsPositive() {
		errs = append(errs, "amount: must be greater than zero")
	}
	if in.Currency == "" {
		errs = append(errs, "currency: is required")
	}
	count := 1
	if in.InstallmentToken != "" {
		p, ok := s.plans[in.InstallmentToken]
		switch {
		case !ok:
			errs = append(errs, "installmentToken: is not valid")
		case !strings.HasPrefix(c.CardNumber, p.bin) || !p.amount.Equal(in.Amount) || p.currency != in.Currency:
			errs = append(errs, "installmentToken: does not match this card, amount or currency")
		default:
			count = p.count
		}
	}
	if len(errs) > 0 {
		writeError(w, http.StatusBadRequest, "One or more validation errors occurred", "VALIDATION", errs...)
		return
	}
	pt := "prp_" + sim.RandomHex(16)
	s.prepared[pt] = &preparedPayment{widget: tok, card: c.CardNumber, amount: in.Amount, currency: in.Currency,
		installment: count, use3D: in.Use3D, expires: wt.expires}
	writeOK(w, map[string]string{"prepareToken": pt})
}

// --- payment ---

type paymentIn struct {
	Amount              *money.Decimal `json:"amount"`
	PrepareToken        string         `json:"prepareToken"`
	ReturnURL           string         `json:"returnUrl"`
	ClientReferenceCode string         `json:"clientReferenceCode"`
	CustomerIPAddress   string         `json:"customerIpAddress"`
}

type paymentOut struct {
	PaymentType         string `json:"paymentType"`
	RedirectTo          string `json:"redirectTo,omitempty"`
	OrderID             string `json:"orderId,omitempty"`
	ClientReferenceCode string `json:"clientReferenceCode,omitempty"`
	Success             *bool  `json:"success,omitempty"`
	Error               any    `json:"error,omitempty"`
	ErrorCode           string `json:"errorCode,omitempty"`
}

func (s *Server) payment(w http.ResponseWriter, r *http.Request) {
	var in paymentIn
	if err := sim.ReadJSON(r, &in); err != nil {
		writeError(w, http.StatusBadRequest, "Request body is invalid", "BAD_REQUEST", err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.requireAccess(w, r, "Authorization") {
		return
	}
	var errs []string
	if in.Amount == nil || !in.Amount.IsPositive() {
		errs = append(errs, "amount: must be greater than zero")
	}
	if in.PrepareToken == "" {
		errs = append(errs, "prepareToken: is required")
	}
	if u, err := url.Parse(in.ReturnURL); err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		errs = append(errs, "returnUrl: must be an absolute URL")
	}
	if strings.TrimSpace(in.ClientReferenceCode) == "" {
		errs = append(errs, "clientReferenceCode: is required")
	}
	if _, err := netip.ParseAddr(in.CustomerIPAddress); err != nil {
		errs = append(errs, "customerIpAddress: must be an IP address")
	}
	if len(errs) > 0 {
		writeError(w, http.StatusBadRequest, "One or more validation errors occurred", "VALIDATION", errs...)
		return
	}
	p, ok := s.prepared[in.PrepareToken]
	switch {
	case !ok:
		var hint []string
		if _, isWidget := s.widgets[in.PrepareToken]; isWidget {
			hint = []string{"prepareToken: a widget token was sent; send the prepareToken the widget's onSuccess returned"}
		}
		writeError(w, http.StatusBadRequest, "Prepare token is invalid", "PRP_INVALID", hint...)
		return
	case p.used:
		writeError(w, http.StatusBadRequest, "Prepare token has already been used", "PRP_USED")
		return
	case !s.now().Before(p.expires):
		writeError(w, http.StatusBadRequest, "Prepare token has expired", "PRP_EXPIRED")
		return
	case !p.amount.Equal(*in.Amount):
		writeError(w, http.StatusBadRequest, "Amount does not match the prepared payment", "AMOUNT_MISMATCH")
		return
	}
	if _, dup := s.txns.Find(func(t *txn) bool { return t.clientRef == in.ClientReferenceCode }); dup {
		writeError(w, http.StatusBadRequest, "clientReferenceCode has already been used", "REF_DUPLICATE")
		return
	}
	p.used = true
	if wt := s.widgets[p.widget]; wt != nil {
		wt.used = true
	}
	now := s.now()
	t := &txn{id: s.next(""), clientRef: in.ClientReferenceCode, amount: *in.Amount, currency: p.currency,
		installment: p.installment, returnURL: in.ReturnURL, created: now}
	t.ref = "FR" + now.UTC().Format("20060102") + t.id
	s.txns.Put(t.id, t)
	out := paymentOut{PaymentType: "DirectSale", OrderID: t.id, ClientReferenceCode: t.clientRef}
	yes, no := true, false
	switch {
	case p.card == CardDeclined:
		t.status, t.errCode, t.errMsg = finrota.StatusFailed, "51", "Insufficient funds"
		out.Success, out.Error, out.ErrorCode = &no, t.errMsg, t.errCode
	case p.use3D:
		t.status = finrota.StatusPending
		sid := sim.RandomHex(12)
		s.threeDS[sid] = t
		out.PaymentType, out.RedirectTo = "RedirectUrl", s.URL+"/sim/3ds/"+sid
	default:
		t.status = finrota.StatusSuccess
		out.Success = &yes
	}
	writeOK(w, out)
}

// --- bank 3-D Secure page ---

func (s *Server) bankSubmit(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	r.Body = http.MaxBytesReader(w, r.Body, 4096)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	id := r.PathValue("id")
	t, ok := s.threeDS[id]
	if ok {
		delete(s.threeDS, id)
		if r.PostForm.Get("otp") == OTP {
			t.status = finrota.StatusSuccess
		} else {
			t.status, t.errCode, t.errMsg = finrota.StatusFailed, "3DS_FAILED", "3-D Secure authentication failed"
		}
	}
	s.mu.Unlock()
	if !ok {
		http.Error(w, "3-D Secure session not found or already completed", http.StatusGone)
		return
	}
	u, _ := url.Parse(t.returnURL)
	q := u.Query()
	q.Set("orderId", t.id)
	q.Set("clientReferenceCode", t.clientRef)
	if t.status == finrota.StatusSuccess {
		q.Set("status", "success")
	} else {
		q.Set("status", "fail")
	}
	u.RawQuery = q.Encode()
	http.Redirect(w, r, u.String(), http.StatusFound)
}

// --- transactions ---

type txnOut struct {
	TransactionID         string        `json:"transactionId"`
	ReferenceNumber       string        `json:"referenceNumber"`
	ClientReferenceNumber string        `json:"clientReferenceNumber"`
	Amount                money.Decimal `json:"amount"`
	RefundedAmount        money.Decimal `json:"refundedAmount"`
	Currency              string        `json:"currency"`
	Installment           int           `json:"installment"`
	TransactionStatusID   int           `json:"transactionStatusId"`
	IsSuccess             bool          `json:"isSuccess"`
	ErrorCode             *string       `json:"errorCode"`
	ErrorMessage          *string       `json:"errorMessage"`
	CreatedAt             string        `json:"createdAt"`
}

func (s *Server) transaction(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.requireAccess(w, r, "Authorization") {
		return
	}
	q := r.URL.Query()
	var t *txn
	n := 0
	if v := q.Get("transactionId"); v != "" {
		n++
		t, _ = s.txns.Get(v)
	}
	if v := q.Get("referenceNumber"); v != "" {
		n++
		t = s.byRef(v)
	}
	if v := q.Get("clientReferenceNumber"); v != "" {
		n++
		t, _ = s.txns.Find(func(t *txn) bool { return t.clientRef == v })
	}
	if n != 1 {
		writeError(w, http.StatusBadRequest, "Exactly one of transactionId, referenceNumber, clientReferenceNumber is required", "VALIDATION")
		return
	}
	if t == nil {
		writeError(w, http.StatusNotFound, "Transaction not found", "TXN_NOT_FOUND")
		return
	}
	out := txnOut{TransactionID: t.id, ReferenceNumber: t.ref, ClientReferenceNumber: t.clientRef, Amount: t.amount,
		RefundedAmount: t.refunded, Currency: t.currency, Installment: t.installment, TransactionStatusID: int(t.status),
		IsSuccess: t.status != finrota.StatusFailed && t.status != finrota.StatusPending,
		CreatedAt: t.created.UTC().Format(time.RFC3339)}
	if t.errCode != "" {
		out.ErrorCode, out.ErrorMessage = &t.errCode, &t.errMsg
	}
	writeOK(w, envelope{StatusCode: 200, Data: out})
}

type operationOut struct {
	LastAmount          money.Decimal `json:"lastAmount"`
	TransactionStatusID int           `json:"transactionStatusId"`
	ErrorCode           *string       `json:"errorCode"`
	ErrorMessage        *string       `json:"errorMessage"`
	IsSuccess           bool          `json:"isSuccess"`
}

func refuse(w http.ResponseWriter, last money.Decimal, code, msg string) {
	writeOK(w, envelope{Message: msg, StatusCode: 200, Data: operationOut{LastAmount: last,
		TransactionStatusID: int(finrota.StatusFailed), ErrorCode: &code, ErrorMessage: &msg}})
}

func remaining(t *txn) money.Decimal {
	r, err := t.amount.Sub(t.refunded)
	if err != nil {
		return money.Decimal{}
	}
	return r
}

func (s *Server) cancel(w http.ResponseWriter, r *http.Request) {
	var in struct {
		ReferenceCode string `json:"referenceCode"`
		Reason        string `json:"reason"`
	}
	if err := sim.ReadJSON(r, &in); err != nil {
		writeError(w, http.StatusBadRequest, "Request body is invalid", "BAD_REQUEST", err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.requireAccess(w, r, "Authorization") {
		return
	}
	if in.ReferenceCode == "" || strings.TrimSpace(in.Reason) == "" {
		writeError(w, http.StatusBadRequest, "One or more validation errors occurred", "VALIDATION", "referenceCode and reason are required")
		return
	}
	t := s.byRef(in.ReferenceCode)
	if t == nil {
		writeError(w, http.StatusNotFound, "Transaction not found", "TXN_NOT_FOUND")
		return
	}
	switch {
	case t.status != finrota.StatusSuccess:
		refuse(w, remaining(t), "CANCEL_NOT_ALLOWED", "Only a successful, unrefunded payment can be cancelled (status: "+t.status.String()+")")
		return
	case !sameDay(t.created, s.now()):
		refuse(w, remaining(t), "CANCEL_DAY_PASSED", "Payments can only be cancelled on the day they were made; refund instead")
		return
	}
	t.status = finrota.StatusCancelled
	writeOK(w, envelope{Message: "Transaction cancelled", StatusCode: 200,
		Data: operationOut{LastAmount: money.New(0, 2), TransactionStatusID: 1, IsSuccess: true}})
}

// byRef returns the transaction with this reference number, or nil.
func (s *Server) byRef(ref string) *txn {
	t, _ := s.txns.Find(func(t *txn) bool { return t.ref == ref })
	return t
}

func sameDay(a, b time.Time) bool {
	ya, ma, da := a.UTC().Date()
	yb, mb, db := b.UTC().Date()
	return ya == yb && ma == mb && da == db
}

func (s *Server) refund(w http.ResponseWriter, r *http.Request) {
	var raw map[string]json.RawMessage
	if err := sim.ReadJSON(r, &raw); err != nil {
		writeError(w, http.StatusBadRequest, "Request body is invalid", "BAD_REQUEST", err.Error())
		return
	}
	other := finrota.RefundAmountFieldShort
	if s.refundField == finrota.RefundAmountFieldShort {
		other = finrota.RefundAmountField
	}
	if _, ok := raw[other]; ok {
		writeError(w, http.StatusBadRequest, "One or more validation errors occurred", "VALIDATION",
			fmt.Sprintf("%s: unknown field; this gateway reads the refund amount from %q", other, s.refundField))
		return
	}
	var ref, reason string
	_ = json.Unmarshal(raw["referenceCode"], &ref)
	_ = json.Unmarshal(raw["reason"], &reason)
	var amount *money.Decimal
	if v, ok := raw[s.refundField]; ok && string(v) != "null" {
		var d money.Decimal
		if err := json.Unmarshal(v, &d); err != nil || !d.IsPositive() {
			writeError(w, http.StatusBadRequest, "One or more validation errors occurred", "VALIDATION", s.refundField+": must be a positive amount")
			return
		}
		amount = &d
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.requireAccess(w, r, "Authorization") {
		return
	}
	if ref == "" || strings.TrimSpace(reason) == "" {
		writeError(w, http.StatusBadRequest, "One or more validation errors occurred", "VALIDATION", "referenceCode and reason are required")
		return
	}
	t := s.byRef(ref)
	if t == nil {
		writeError(w, http.StatusNotFound, "Transaction not found", "TXN_NOT_FOUND")
		return
	}
	if t.status != finrota.StatusSuccess && t.status != finrota.StatusPartiallyRefunded {
		refuse(w, remaining(t), "REFUND_NOT_ALLOWED", "Only a successful payment can be refunded (status: "+t.status.String()+")")
		return
	}
	left := remaining(t)
	amt := left
	if amount != nil {
		amt = *amount
	}
	if amt.Cmp(left) > 0 {
		refuse(w, left, "RF_AMOUNT", "Refund amount exceeds the refundable amount")
		return
	}
	sum, err := t.refunded.Add(amt)
	if err != nil {
		refuse(w, left, "RF_AMOUNT", "Refund amount is out of range")
		return
	}
	t.refunded = sum
	left = remaining(t)
	if left.IsZero() {
		t.status = finrota.StatusRefunded
	} else {
		t.status = finrota.StatusPartiallyRefunded
	}
	writeOK(w, envelope{StatusCode: 200, Data: operationOut{LastAmount: left, TransactionStatusID: 1, IsSuccess: true}})
}

// --- stand-ins for the browser ---

// Card is what the buyer types into the widget.
type Card struct {
	Number, HolderName, CVV, ExpMonth, ExpYear string
}

// TestCard returns a card with the given number, a holder name, CVV 123 and
// an expiry of December 2099.
func TestCard(number string) Card {
	return Card{Number: number, HolderName: "Ayşe Yılmaz", CVV: "123", ExpMonth: "12", ExpYear: "2099"}
}

// Prepare is what the widget knows when the buyer presses pay: the card,
// the chosen installment (empty for a single payment), whether to use 3-D
// Secure, and the amount and currency FinrotaPay.init was given.
type Prepare struct {
	Card        Card
	Installment finrota.InstallmentToken
	Use3D       bool
	Amount      money.Decimal
	Currency    string
}

// PreparePayment does what the FinrotaPay widget does in the browser when
// the buyer presses pay: POST /b2c/widget/preparePayment with the widget
// token. It returns the prepare token the widget's onSuccess would hand the
// page. Nothing is charged.
func (s *Server) PreparePayment(ctx context.Context, wt finrota.WidgetToken, p Prepare) (finrota.PrepareToken, error) {
	body := map[string]any{
		"card": map[string]string{"cardNumber": p.Card.Number, "cardHolderName": p.Card.HolderName, "cvv": p.Card.CVV,
			"expMonth": p.Card.ExpMonth, "expYear": p.Card.ExpYear},
		"use3D": p.Use3D, "currency": p.Currency, "amount": p.Amount, "installmentToken": string(p.Installment),
	}
	b, err := json.Marshal(body)
	if err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/b2c/widget/preparePayment", strings.NewReader(string(b)))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+string(wt))
	resp, err := s.Server.Client().Do(req)
	if err != nil {
		return "", fmt.Errorf("finrotatest: preparePayment: %w", err)
	}
	defer resp.Body.Close()
	rb, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var out struct {
		PrepareToken string   `json:"prepareToken"`
		Message      string   `json:"message"`
		Errors       []string `json:"errors"`
	}
	_ = json.Unmarshal(rb, &out)
	if resp.StatusCode != http.StatusOK || out.PrepareToken == "" {
		msg := out.Message
		if len(out.Errors) > 0 {
			msg += ": " + strings.Join(out.Errors, "; ")
		}
		return "", fmt.Errorf("finrotatest: widget onFail: %d %s", resp.StatusCode, msg)
	}
	return finrota.PrepareToken(out.PrepareToken), nil
}

// ErrNotSimulatorPage is returned by Complete3DS for a URL this simulator did
// not issue.
var ErrNotSimulatorPage = errors.New("finrotatest: not a 3-D Secure page of this simulator")

// Complete3DS plays the buyer at the bank: it opens redirectTo (the
// payment's RedirectURL), submits otp (OTP succeeds, anything else fails)
// and returns the request the bank's redirect makes the browser send to the
// merchant's return URL, ready to pass to Transactions.ConfirmReturn.
func (s *Server) Complete3DS(ctx context.Context, redirectTo, otp string) (*http.Request, error) {
	if !strings.HasPrefix(redirectTo, s.URL+"/sim/3ds/") {
		return nil, ErrNotSimulatorPage
	}
	hc := *s.Server.Client()
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	page, err := http.NewRequestWithContext(ctx, http.MethodGet, redirectTo, nil)
	if err != nil {
		return nil, err
	}
	resp, err := hc.Do(page)
	if err != nil {
		return nil, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("finrotatest: bank page answered %d", resp.StatusCode)
	}
	form := url.Values{"otp": {otp}}
	submit, err := http.NewRequestWithContext(ctx, http.MethodPost, redirectTo, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	submit.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err = hc.Do(submit)
	if err != nil {
		return nil, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || loc == "" {
		return nil, fmt.Errorf("finrotatest: bank answered %d without a redirect", resp.StatusCode)
	}
	back, err := http.NewRequestWithContext(ctx, http.MethodGet, loc, nil)
	if err != nil {
		return nil, err
	}
	back.RemoteAddr = "203.0.113.7:52100"
	return back, nil
}

func luhn(s string) bool {
	if len(s) < 12 || len(s) > 19 {
		return false
	}
	sum := 0
	for i := len(s) - 1; i >= 0; i-- {
		c := s[i]
		if c < '0' || c > '9' {
			return false
		}
		d := int(c - '0')
		if (len(s)-1-i)%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}
