// Package shop is a small merchant web shop built on paykit: a cart, a pay
// page per method (Mercado Pago card, saved card and Fintoc in Chile; Pix
// and boleto in Brazil, PSE in Colombia and OXXO in Mexico, each on that
// country's Mercado Pago account and in its currency; Finrota card with and
// without 3-D Secure; Fintecture and ETpay bank transfers), the return and
// callback endpoints, webhook endpoints checked with paykit's verifiers, and
// an order page. It runs on the provider simulators (simset), whose
// stand-in pages play the payer's side in a real browser.
//
// The rule the shop keeps: an order's status changes only from a
// notification whose signature was verified (and whose payment was then
// looked up) or from a lookup the backend made itself. Nothing the
// browser brings back (a redirect's query, a widget's callback) moves an
// order; it only makes the backend look.
package shop

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paykit-go/paykit/etpay"
	"github.com/paykit-go/paykit/examples/simulators/simset"
	"github.com/paykit-go/paykit/fintecture"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
	"github.com/paykit-go/paykit/money"
)

// Status is where an order stands.
type Status string

// Order statuses.
const (
	// StatusNew: no payment started.
	StatusNew Status = "new"
	// StatusPending: a payment was started and has no final answer yet.
	StatusPending Status = "pending"
	// StatusPaid: a verified notification or a lookup said the money moved.
	StatusPaid Status = "paid"
	// StatusFailed: the last payment was declined, rejected or given up;
	// the payer may try again.
	StatusFailed Status = "failed"
)

// Source is what moved an order: the only two things allowed to.
type Source string

// Sources of an order's status.
const (
	// FromNotification: a provider notification whose signature the
	// verifier accepted, confirmed by looking the payment up.
	FromNotification Source = "verified notification"
	// FromLookup: the backend asked the provider's API.
	FromLookup Source = "confirmed lookup"
)

// Method is a way to pay.
type Method struct {
	// Key names it in URLs ("mp-card") and element ids ("pay-mp-card").
	Key, Label, Provider, Currency string
}

// Methods are the ways to pay, in the order the order page lists them.
var Methods = []Method{
	{"mp-card", "Card (Mercado Pago)", simset.MercadoPago, "CLP"},
	{"mp-saved-card", "Saved card (Mercado Pago)", simset.MercadoPago, "CLP"},
	{"mp-fintoc", "Bank transfer with Fintoc (Mercado Pago)", simset.MercadoPago, "CLP"},
	{"mp-pix", "Pix (Mercado Pago Brazil)", simset.MercadoPago, "BRL"},
	{"mp-boleto", "Boleto bancário (Mercado Pago Brazil)", simset.MercadoPago, "BRL"},
	{"mp-pse", "PSE bank transfer (Mercado Pago Colombia)", simset.MercadoPago, "COP"},
	{"mp-oxxo", "Cash at OXXO (Mercado Pago Mexico)", simset.MercadoPago, "MXN"},
	{"finrota", "Card (Finrota)", simset.Finrota, "TRY"},
	{"finrota-3ds", "Card with 3-D Secure (Finrota)", simset.Finrota, "TRY"},
	{"fintecture", "Pay by bank (Fintecture)", simset.Fintecture, "EUR"},
	{"etpay", "Bank transfer (ETpay)", simset.ETpay, "CLP"},
}

func methodByKey(key string) (Method, bool) {
	for _, m := range Methods {
		if m.Key == key {
			return m, true
		}
	}
	return Method{}, false
}

// Product is something the shop sells; prices are whole units of the
// chosen method's currency (it is a demo).
type Product struct {
	SKU, Name string
	Price     int64
}

// Catalog is what the shop sells.
var Catalog = []Product{
	{"beans", "Coffee beans, 250 g", 24},
	{"mug", "Ceramic mug", 18},
	{"grinder", "Hand grinder", 59},
}

// Line is one product of an order.
type Line struct {
	Product  Product
	Quantity int
}

// Subtotal is price × quantity.
func (l Line) Subtotal() int64 { return l.Product.Price * int64(l.Quantity) }

// Event is one entry of an order's history.
type Event struct {
	At     time.Time
	Source string
	Text   string
}

// Order is an order and what the shop knows about its payments.
type Order struct {
	ID      string
	Lines   []Line
	Total   int64
	Created time.Time
	// Status, and for a paid order what proved it (PaidBy) and the
	// provider's payment reference (PaidRef).
	Status          Status
	PaidBy          Source
	PaidRef, Detail string
	// Method is the method of the last payment started.
	Method string
	Events []Event

	// The provider's references of the order's payments: Mercado Pago card
	// and local-method payment ids, the Fintoc payment id, Finrota's client
	// reference of the last attempt, the Fintecture session and the ETpay
	// session.
	MPPayments        []int64
	FintocPayment     int64
	FinrotaRef        string
	FintectureSession string
	ETpaySession      string

	// What stays in the backend: when the Fintoc widget token expires, the
	// Finrota attempt count, and (behind a pointer, so no fmt verb prints
	// them) the widget token, the Fintecture state and ETpay's signature
	// token.
	fintocExpires   time.Time
	finrotaAttempts int
	keys            *orderKeys
	// attempt names the payment in progress ("mp-123", "finrota-A1001-2",
	// "fintecture-<session>", "etpay-<session>"): only news about it may
	// move an unpaid order, so a late word on an earlier attempt cannot.
	attempt string
	// mpLocal maps the order's local-method payments (Pix, boleto, PSE,
	// OXXO) to the shop's method key, which says whose account they are in;
	// localForm fingerprints the form that made the one in progress.
	mpLocal   map[int64]string
	localForm string
}

// orderKeys are an order's provider secrets. Read and write them with
// Shop.mu held.
type orderKeys struct {
	fintocToken string
	ftState     string
	etSignature string
}

// Format keeps the keys out of every fmt verb.
func (*orderKeys) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, "[redacted]") }

// Format prints the order's id, status and total for every verb, never its
// keys.
func (o Order) Format(f fmt.State, _ rune) {
	_, _ = fmt.Fprintf(f, "shop.Order{ID: %s, Status: %s, Total: %d, Method: %s, PaidBy: %s, PaidRef: %s}",
		o.ID, o.Status, o.Total, o.Method, o.PaidBy, o.PaidRef)
}

// Amount is the total as a decimal.
func (o *Order) Amount() money.Decimal { return money.FromInt(o.Total) }

// Shop is the running shop: its handlers, clients and orders.
type Shop struct {
	base string
	sims *simset.Set
	c    *simset.Clients
	log  *slog.Logger

	mpVerifier *mercadopago.WebhookVerifier
	// mpSites are the clients and webhook verifiers of the shop's other
	// Mercado Pago accounts, one per country of a local method (Brazil,
	// Colombia, Mexico): a Mercado Pago account belongs to one site, which
	// fixes its currency and methods.
	mpSites    map[mercadopago.Site]*mpAccount
	pollEvery  atomic.Int64 // the local-method pages' poll interval, in ns
	ftVerifier *fintecture.WebhookVerifier
	etVerifier *etpay.WebhookVerifier
	customerID string // the demo customer with a saved card

	mu     sync.Mutex
	seq    int
	orders map[string]*Order
}

// New builds a shop whose pages and webhooks live under base (its URL as
// the browser and the simulators reach it), on the simulators in sims.
func New(ctx context.Context, base string, sims *simset.Set, log *slog.Logger) (*Shop, error) {
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	c, err := sims.Clients()
	if err != nil {
		return nil, err
	}
	s := &Shop{base: base, sims: sims, c: c, log: log, orders: map[string]*Order{}, seq: 1000}
	mp := sims.MercadoPago()
	if s.mpVerifier, err = mercadopago.NewWebhookVerifier(mp.WebhookSecret, mercadopago.WithWebhookObserver(sims.Observer()),
		mercadopago.WithWebhookClock(s.mpNow)); err != nil {
		return nil, err
	}
	if err := s.openMPSites(mp); err != nil {
		return nil, err
	}
	s.pollEvery.Store(int64(DefaultPollInterval))
	creds := sims.Fintecture().Credentials()
	if s.ftVerifier, err = fintecture.NewWebhookVerifier(creds.PrivateKey, fintecture.WithExpectedKeyID(creds.AppID),
		fintecture.WithMaxAge(10*time.Minute), fintecture.WithWebhookObserver(sims.Observer())); err != nil {
		return nil, err
	}
	if s.etVerifier, err = etpay.NewWebhookVerifier(s.etpaySignatureToken, etpay.WithWebhookObserver(sims.Observer())); err != nil {
		return nil, err
	}
	if err := s.seedSavedCard(ctx, mp); err != nil {
		return nil, fmt.Errorf("shop: saving the demo card: %w", err)
	}
	return s, nil
}

// seedSavedCard makes the demo customer and saves a card for them, as an
// earlier checkout would have (the card token stands for MercadoPago.js).
func (s *Shop) seedSavedCard(ctx context.Context, mp *mercadopagotest.Server) error {
	cu, err := s.c.MercadoPago.Customers.Create(ctx, &mercadopago.CustomerRequest{Email: DemoCustomerEmail})
	if err != nil {
		return err
	}
	tok, err := mp.CardToken(mercadopagotest.TestCard{Number: mercadopagotest.CardVisa, ExpirationMonth: 11,
		ExpirationYear: time.Now().Year() + 3, SecurityCode: "123", HolderName: mercadopagotest.HolderApproved,
		IdentificationType: "RUT", IdentificationNumber: "11111111-1"})
	if err != nil {
		return err
	}
	if _, err := s.c.MercadoPago.Cards.Create(ctx, cu.ID, tok); err != nil {
		return err
	}
	s.customerID = cu.ID
	return nil
}

// DemoCustomerEmail is the customer whose saved card the shop offers.
const DemoCustomerEmail = "ana@example.com"

// CustomerID is the demo customer's Mercado Pago id.
func (s *Shop) CustomerID() string { return s.customerID }

// Order returns a copy of an order.
func (s *Shop) Order(id string) (Order, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[id]
	if !ok {
		return Order{}, false
	}
	cp := *o
	cp.Lines = append([]Line(nil), o.Lines...)
	cp.Events = append([]Event(nil), o.Events...)
	cp.MPPayments = append([]int64(nil), o.MPPayments...)
	cp.mpLocal = maps.Clone(o.mpLocal)
	return cp, true
}

// Orders returns the ids of every order, oldest first.
func (s *Shop) Orders() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]string, 0, len(s.orders))
	for id := range s.orders {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// newOrder stores an order for the given quantities.
func (s *Shop) newOrder(qty map[string]int) (*Order, error) {
	o := &Order{Status: StatusNew, Created: time.Now(), keys: &orderKeys{}}
	for _, p := range Catalog {
		if n := qty[p.SKU]; n > 0 {
			o.Lines = append(o.Lines, Line{Product: p, Quantity: n})
			o.Total += p.Price * int64(n)
		}
	}
	if o.Total == 0 {
		return nil, errors.New("the cart is empty")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	o.ID = "A" + strconv.Itoa(s.seq)
	s.orders[o.ID] = o
	o.event("shop", fmt.Sprintf("order placed: %d items", len(o.Lines)))
	return o, nil
}

func (o *Order) event(source, format string, args ...any) {
	o.Events = append(o.Events, Event{At: time.Now(), Source: source, Text: fmt.Sprintf(format, args...)})
}

// outcome is what a verified notification or a lookup says of a payment.
type outcome int

const (
	outPending outcome = iota
	outPaid
	outFailed
)

// settle records what src says of payment ref, part of attempt: the one
// place an order's status changes. A payment that went through always
// counts; anything else counts only for the attempt in progress. Call with
// s.mu held.
func (s *Shop) settle(o *Order, src Source, out outcome, attempt, ref, detail string) {
	switch {
	case o.Status != StatusPaid && out != outPaid && !o.waitsFor(attempt):
		o.event(string(src), "payment %s: %s, but it is not the payment this order waits for; nothing changes", ref, detail)
	case o.Status == StatusPaid && ref == o.PaidRef:
		o.event(string(src), "payment %s: already recorded as paid (%s); nothing changes", ref, detail)
	case o.Status == StatusPaid:
		o.event(string(src), "payment %s: %s, but the order is already paid by %s; nothing changes", ref, detail, o.PaidRef)
	case out == outPaid:
		o.Status, o.PaidBy, o.PaidRef, o.Detail = StatusPaid, src, ref, detail
		o.event(string(src), "payment %s: %s; order paid", ref, detail)
		s.log.Info("order paid", "order", o.ID, "payment", ref, "by", string(src))
	case out == outFailed:
		o.Status, o.Detail = StatusFailed, detail
		o.event(string(src), "payment %s: %s; order not paid", ref, detail)
	default:
		o.Status, o.Detail = StatusPending, detail
		o.event(string(src), "payment %s: %s; waiting", ref, detail)
	}
}

// mpCreating is the attempt of a Mercado Pago payment being created, whose
// id is not known yet: its notifications may come before the answer.
const mpCreating = "mp-*"

// waitsFor reports whether news of attempt may move the unpaid order.
func (o *Order) waitsFor(attempt string) bool {
	return attempt == o.attempt || (o.attempt == mpCreating && strings.HasPrefix(attempt, "mp-"))
}

// note adds an event that changes nothing (what the browser reported).
func (s *Shop) note(id, source, format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o, ok := s.orders[id]; ok {
		o.event(source, format, args...)
	}
}

// withOrder runs fn on the order with s.mu held.
func (s *Shop) withOrder(id string, fn func(o *Order)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[id]
	if ok {
		fn(o)
	}
	return ok
}

// findOrder returns the id of the first order match accepts. Call without
// s.mu held.
func (s *Shop) findOrder(match func(o *Order) bool) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, o := range s.orders {
		if match(o) {
			return id, true
		}
	}
	return "", false
}

// Running is a shop serving on its own port, with its simulators.
type Running struct {
	// URL is the shop's address, e.g. http://127.0.0.1:8080.
	URL  string
	Shop *Shop
	Sims *simset.Set
	srv  *http.Server
	done chan struct{}
}

// Start listens on addr (default 127.0.0.1:0), starts the simulators with
// their notifications aimed at the shop (on sims' addresses, fresh ports
// where empty) and serves the shop.
func Start(ctx context.Context, addr string, sims simset.Config, log *slog.Logger) (*Running, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("shop: listen %s: %w", addr, err)
	}
	base := "http://" + l.Addr().String()
	sims.MercadoPagoWebhook = base + "/webhooks/mercadopago"
	sims.FintectureWebhook = base + "/webhooks/fintecture"
	sims.ETpayWebhook = base + "/webhooks/etpay"
	set, err := simset.Start(sims)
	if err != nil {
		_ = l.Close()
		return nil, err
	}
	s, err := New(ctx, base, set, log)
	if err != nil {
		set.Close()
		_ = l.Close()
		return nil, err
	}
	h := s.Handler()
	if sims.Middleware != nil {
		h = sims.Middleware("shop", h)
	}
	r := &Running{URL: base, Shop: s, Sims: set, done: make(chan struct{}),
		srv: &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}}
	go func() {
		defer close(r.done)
		_ = r.srv.Serve(l)
	}()
	return r, nil
}

// Close stops the shop and its simulators.
func (r *Running) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = r.srv.Shutdown(ctx)
	<-r.done
	r.Sims.Close()
}
