// Package mercadopagotest is an in-process, stateful simulator of the Mercado
// Pago API for tests and offline examples: payments (cards, saved cards,
// authorize-then-capture, Fintoc, 3-D Secure challenges with a challenge
// page), refunds, customers, cards, card tokens, payment methods,
// installments, issuers and document types, Checkout Pro preferences with a
// stand-in checkout page and merchant orders, the Orders API (search,
// transaction edits, card, Pix and ticket orders), marketplace OAuth (a
// stand-in authorization page, code exchange, refresh, per-seller tokens),
// subscription plans and subscriptions with their periodic charges
// (authorized payments, ChargeDue on the simulator's clock), chargebacks
// and their search, /users/me, marketplace split payments (advanced
// payments, paid out only to sellers who connected through OAuth), Point
// terminals (devices, payment intents, a stand-in device page at
// TerminalURL), search paging, and signed webhook
// notifications.
//
// It checks what the real API checks (the Bearer token, X-Idempotency-Key on
// POST /v1/payments and refunds, required fields, one-use card tokens,
// allowed state changes), replays the first answer when a key is repeated,
// plays the sandbox rules (card holder names such as APRO and OTHE choose the
// outcome; the last two digits of a Fintoc amount do, 03 being rejected) and
// answers errors in the API's shape. Faults are injected with FailNext (from
// internal/sim): fail the next calls with a status, a delay, a dropped
// connection, or a lost answer after the payment was made.
//
// Cause codes the documentation does not give are the simulator's own
// choice and are marked so in the source.
//
// For a real browser it also serves a MercadoPago.js stand-in at ScriptURL
// (createCardToken, also from a saved card, and the Fintoc widget of
// mp.fintoc().open); browser.go says which contract it mimics and what it
// leaves out.
package mercadopagotest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/paykit-go/paykit/internal/sim"
	"github.com/paykit-go/paykit/mercadopago"
)

// Defaults of a new Server.
const (
	DefaultAccessToken   = "TEST-0000000000000000-000000-simulator-access-token"
	DefaultPublicKey     = "TEST-simulator-public-key"
	DefaultWebhookSecret = "simulator-webhook-secret"
	// DefaultCardLimit is how many cards one customer may save here.
	DefaultCardLimit = 10
	// CardTokenTTL is how long a card token can be used (once).
	CardTokenTTL = 7 * 24 * time.Hour
	// DuplicateWindow is how long an identical payment with another key is refused (cause 2001).
	DuplicateWindow = time.Minute
)

// Test cards that pass the Luhn check, as in Mercado Pago's test-card list.
const (
	CardMastercard = "5031755734530604"
	CardVisa       = "4509953566233704"
	CardAmex       = "371180303257522"
)

// Card holder names that choose a card payment's outcome in the sandbox.
const (
	HolderApproved          = "APRO" // approved, accredited
	HolderRejectedOther     = "OTHE" // rejected, cc_rejected_other_reason
	HolderPending           = "CONT" // pending, pending_contingency
	HolderCallForAuthorize  = "CALL" // rejected, cc_rejected_call_for_authorize
	HolderInsufficientFunds = "FUND" // rejected, cc_rejected_insufficient_amount
	HolderBadSecurityCode   = "SECU" // rejected, cc_rejected_bad_filled_security_code
	HolderBadExpiry         = "EXPI" // rejected, cc_rejected_bad_filled_date
	HolderBadForm           = "FORM" // rejected, cc_rejected_bad_filled_other
)

// Option configures a Server.
type Option func(*Server)

// WithAccessToken sets the only access token the server accepts.
func WithAccessToken(tok string) Option { return func(s *Server) { s.AccessToken = tok } }

// WithPublicKey sets the public key POST /v1/card_tokens accepts.
func WithPublicKey(pk string) Option { return func(s *Server) { s.PublicKey = pk } }

// WithWebhook delivers signed notifications to url (payments that carry
// their own notification_url get them there) with secret.
func WithWebhook(url, secret string) Option {
	return func(s *Server) { s.webhookURL, s.WebhookSecret = url, secret }
}

// WithCardLimit sets how many cards a customer may save (cause 129 beyond).
func WithCardLimit(n int) Option { return func(s *Server) { s.cardLimit = n } }

// DefaultNotificationRetries is when Mercado Pago sends an unanswered
// notification again, counted from the first sending: after 15 minutes, 30
// minutes, 6 hours, 48 hours and 96 hours, as the notification docs' table
// lists ("Deadline after the first dispatch"; one locale's page shows 5 and
// 45 minutes, 6 hours, 2 and 4 days instead). A sending counts as answered
// when it gets a 2xx.
// See https://www.mercadopago.com/developers/en/docs/checkout-api/additional-content/notifications/ipn
var DefaultNotificationRetries = []time.Duration{15 * time.Minute, 30 * time.Minute, 6 * time.Hour, 48 * time.Hour, 96 * time.Hour}

// WithNotificationRetries makes the server send a notification that got no
// 2xx answer again on Mercado Pago's schedule (DefaultNotificationRetries),
// with time compressed by factor: factor 3600 turns 15 minutes into a
// quarter of a second. Each retry carries the same body and x-request-id
// with a new ts and signature, as Mercado Pago signs every sending. Without
// this option (or with a factor below 1) a notification is sent once.
func WithNotificationRetries(factor float64) Option {
	return func(s *Server) { s.retryFactor = factor }
}

// WithWebhookEndpoints delivers the notifications of payments without a
// notification_url to these URLs, each sending (first or retry) to one
// chosen at random, as a load balancer in front of replicas would. It
// replaces the URL of WithWebhook; secret signs them.
func WithWebhookEndpoints(secret string, urls ...string) Option {
	return func(s *Server) {
		s.endpoints = append([]string(nil), urls...)
		s.WebhookSecret = secret
		if len(urls) > 0 {
			s.webhookURL = urls[0]
		}
	}
}

// WithHTTPClient sends notifications with hc.
func WithHTTPClient(hc *http.Client) Option { return func(s *Server) { s.httpc = hc } }

// Server is a running simulator. Its URL is the API base URL to give the
// client (mercadopago.WithBaseURL(srv.URL)). FailNext, ClearFaults, Handled
// and HandledPrefix come from the embedded sim.Server.
type Server struct {
	*sim.Server

	// AccessToken, PublicKey and WebhookSecret are the credentials in use.
	AccessToken, PublicKey, WebhookSecret string
	// Site is the simulated account's country: it fixes the currency of
	// every payment and the local methods offered (WithSite, or a site id
	// such as "MLB" as one dash-separated part of the access token; MLC
	// otherwise).
	Site mercadopago.Site
	// Clock is the simulator's time (real time until set); Set or Advance it
	// in tests, e.g. srv.Clock.Advance(11 * time.Minute) to expire a Fintoc
	// widget token.
	Clock *sim.Clock

	webhookURL  string
	endpoints   []string
	retryFactor float64
	stop        chan struct{}
	waiting     int // retries waiting for their time
	cardLimit   int
	httpc       *http.Client
	listener    net.Listener
	middleware  func(http.Handler) http.Handler

	mu         sync.Mutex
	seq        int64
	payments   sim.Table[int64, *payment]
	customers  sim.Table[string, *customer]
	tokens     sim.Table[string, *cardToken]
	yape       sim.Table[string, *yapeToken] // Yape tokens (local.go)
	replays    sim.Table[string, *replay]    // answers by method, path and idempotency key; a replay never changes once stored
	recent     map[[32]byte]time.Time
	deliveries []Delivery
	pending    []Delivery
	closed     bool
	wake       chan struct{}
	wg         sync.WaitGroup
	delivered  chan struct{}
	checkout   checkoutState // preferences, merchant orders, 3-D Secure (preferences.go)
	x          *ext          // Orders API, OAuth, subscriptions (mount.go)
	sp         splitPoint    // advanced payments and Point (advanced_payments.go, point.go)
}

// NewServer starts a simulator on a loopback port. Close it when done.
func NewServer(opts ...Option) *Server {
	s := &Server{
		AccessToken:   DefaultAccessToken,
		PublicKey:     DefaultPublicKey,
		WebhookSecret: DefaultWebhookSecret,
		Clock:         &sim.Clock{},
		cardLimit:     DefaultCardLimit,
		seq:           1316782590,
		recent:        make(map[[32]byte]time.Time),
		checkout:      checkoutState{challenges: make(map[string]int64)},
		delivered:     make(chan struct{}, 1),
		wake:          make(chan struct{}, 1),
		stop:          make(chan struct{}),
	}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	if s.httpc == nil {
		s.httpc = &http.Client{Timeout: 10 * time.Second}
	}
	if !s.Site.Known() {
		s.Site = siteOfToken(s.AccessToken)
	}
	s.ext() // after the options, which may set the OAuth app
	s.Server = sim.NewServerOn(s.listener, sim.Around(s.middleware, withRequestID(sim.Mux(s.routes(), notFound))))
	s.wg.Add(1)
	go s.deliver()
	return s
}

// Close stops the server once the requests in flight are answered, then
// sends the notifications still queued and returns.
func (s *Server) Close() {
	s.Server.Close()
	s.mu.Lock()
	if !s.closed {
		close(s.stop) // retries waiting for their time are dropped
	}
	s.closed = true
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
	s.wg.Wait()
}

// Client returns a mercadopago client for this server with retries that
// wait only a millisecond, plus any further options.
func (s *Server) Client(opts ...mercadopago.Option) (*mercadopago.Client, error) {
	base := []mercadopago.Option{mercadopago.WithBaseURL(s.URL), mercadopago.WithRetryBackoff(time.Millisecond, 5*time.Millisecond)}
	return mercadopago.NewClient(mercadopago.Credentials{AccessToken: s.AccessToken}, append(base, opts...)...)
}

// routes is the simulator's route table. api routes want the server's or
// a connected seller's access token and answer a repeated
// X-Idempotency-Key from the first call; the rest are the payer's (pages,
// MercadoPago.js) or the OAuth code exchange.
func (s *Server) routes() []sim.Route {
	api, cors := s.api, func(h http.HandlerFunc) http.HandlerFunc { return sim.CORS("Content-Type", h) }
	routes := []sim.Route{
		// Payments, refunds, customers and cards.
		{Pattern: "POST /v1/payments", Handler: api(s.createPayment)},
		{Pattern: "GET /v1/payments/search", Handler: api(s.searchPayments)},
		{Pattern: "GET /v1/payments/{id}", Handler: api(s.getPayment)},
		{Pattern: "PUT /v1/payments/{id}", Handler: api(s.updatePayment)},
		{Pattern: "POST /v1/payments/{id}/refunds", Handler: api(s.createRefund)},
		{Pattern: "GET /v1/payments/{id}/refunds", Handler: api(s.listRefunds)},
		{Pattern: "GET /v1/payments/{id}/refunds/{rid}", Handler: api(s.getRefund)},
		{Pattern: "POST /v1/customers", Handler: api(s.createCustomer)},
		{Pattern: "GET /v1/customers/search", Handler: api(s.searchCustomers)},
		{Pattern: "GET /v1/customers/{id}", Handler: api(s.getCustomer)},
		{Pattern: "PUT /v1/customers/{id}", Handler: api(s.updateCustomer)},
		{Pattern: "DELETE /v1/customers/{id}", Handler: api(s.deleteCustomer)},
		{Pattern: "POST /v1/customers/{id}/cards", Handler: api(s.createCard)},
		{Pattern: "GET /v1/customers/{id}/cards", Handler: api(s.listCards)},
		{Pattern: "GET /v1/customers/{id}/cards/{cid}", Handler: api(s.getCard)},
		{Pattern: "PUT /v1/customers/{id}/cards/{cid}", Handler: api(s.updateCard)},
		{Pattern: "DELETE /v1/customers/{id}/cards/{cid}", Handler: api(s.deleteCard)},
		{Pattern: "GET /v1/chargebacks/search", Handler: api(s.searchChargebacks)},
		{Pattern: "GET /v1/chargebacks/{id}", Handler: api(s.getChargeback)},
		{Pattern: "POST /v1/chargebacks/{id}/documentation", Handler: api(s.uploadChargebackDocumentation)},
		// Card tokens (MercadoPago.js posts with the public key), methods.
		{Pattern: "POST /v1/card_tokens", Handler: cors(s.createCardTokenHTTP)},
		{Pattern: "OPTIONS /v1/card_tokens", Handler: cors(nil)},
		{Pattern: "GET /v1/card_tokens/{id}", Handler: api(s.getCardToken)},
		{Pattern: "GET /v1/payment_methods", Handler: api(s.listPaymentMethods)},
		{Pattern: "GET /v1/payment_methods/installments", Handler: api(s.installments)},
		{Pattern: "GET /v1/payment_methods/card_issuers", Handler: api(s.cardIssuers)},
		{Pattern: "GET /v1/identification_types", Handler: api(s.identificationTypes)},
		// Checkout Pro: preferences, the payer's pages, merchant orders, 3-D Secure.
		{Pattern: "POST /checkout/preferences", Handler: api(s.createPreference)},
		{Pattern: "GET /checkout/preferences/search", Handler: api(s.searchPreferences)},
		{Pattern: "GET /checkout/preferences/{id}", Handler: api(s.getPreference)},
		{Pattern: "PUT /checkout/preferences/{id}", Handler: api(s.updatePreference)},
		{Pattern: "GET " + CheckoutPath, Handler: s.checkoutPage},
		{Pattern: "POST " + CheckoutPayPath, Handler: s.checkoutPay},
		{Pattern: "POST " + ChallengePath, Handler: s.challengeHTTP},
		{Pattern: "POST " + ChallengeCompletePath, Handler: s.challengeCompleteHTTP},
		{Pattern: "POST /merchant_orders", Handler: api(s.createMerchantOrder)},
		{Pattern: "GET /merchant_orders/search", Handler: api(s.searchMerchantOrders)},
		{Pattern: "GET /merchant_orders/{id}", Handler: api(s.getMerchantOrder)},
		{Pattern: "PUT /merchant_orders/{id}", Handler: api(s.updateMerchantOrder)},
		// Orders API.
		{Pattern: "POST /v1/orders", Handler: api(s.createOrder)},
		{Pattern: "GET /v1/orders/{id}", Handler: api(s.getOrder)},
		{Pattern: "POST /v1/orders/{id}/process", Handler: api(s.processOrder)},
		{Pattern: "POST /v1/orders/{id}/capture", Handler: api(s.captureOrder)},
		{Pattern: "POST /v1/orders/{id}/cancel", Handler: api(s.cancelOrder)},
		{Pattern: "POST /v1/orders/{id}/refund", Handler: api(s.refundOrder)},
		{Pattern: "GET /v1/orders", Handler: api(s.searchOrders)},
		{Pattern: "POST /v1/orders/{id}/transactions", Handler: api(s.addOrderTransactions)},
		{Pattern: "PUT /v1/orders/{id}/transactions/{tid}", Handler: api(s.updateOrderTransaction)},
		{Pattern: "DELETE /v1/orders/{id}/transactions/{tid}", Handler: api(s.deleteOrderTransaction)},
		// Marketplace OAuth and the account.
		{Pattern: "/authorization", Handler: s.authorizeHTTP},
		{Pattern: "POST /oauth/token", Handler: s.idempotent(http.HandlerFunc(s.token)).ServeHTTP},
		{Pattern: "GET /users/me", Handler: api(s.usersMe)},
		// Subscriptions.
		{Pattern: "POST /preapproval_plan", Handler: api(s.createPlan)},
		{Pattern: "GET /preapproval_plan/search", Handler: api(s.searchPlans)},
		{Pattern: "GET /preapproval_plan/{id}", Handler: api(s.getPlan)},
		{Pattern: "PUT /preapproval_plan/{id}", Handler: api(s.updatePlan)},
		{Pattern: "POST /preapproval", Handler: api(s.createSubscription)},
		{Pattern: "GET /preapproval/search", Handler: api(s.searchSubscriptions)},
		{Pattern: "GET /preapproval/{id}", Handler: api(s.getSubscription)},
		{Pattern: "PUT /preapproval/{id}", Handler: api(s.updateSubscription)},
		{Pattern: "GET /authorized_payments/search", Handler: api(s.searchAuthorizedPayments)},
		{Pattern: "GET /authorized_payments/{id}", Handler: api(s.getAuthorizedPayment)},
		// MercadoPago.js and the Fintoc widget.
		{Pattern: "GET /js/v2", Handler: s.script},
		{Pattern: "GET /fintoc/widget/{id}", Handler: s.fintocPage},
		{Pattern: "GET /fintoc/widget-token/{token}", Handler: cors(s.fintocInfo)},
		{Pattern: "OPTIONS /fintoc/widget-token/{token}", Handler: cors(nil)},
		{Pattern: "POST /fintoc/widget-token/{token}/authorize", Handler: cors(s.fintocAuthorize)},
		{Pattern: "OPTIONS /fintoc/widget-token/{token}/authorize", Handler: cors(nil)},
	}
	// Local methods' payer pages, marketplace split payments and Point terminals.
	return append(append(append(s.localRoutes(), routes...), s.advRoutes()...), s.pointRoutes()...)
}

func notFound(w http.ResponseWriter, r *http.Request) {
	apiError(w, http.StatusNotFound, "not_found", "no route for "+r.Method+" "+r.URL.Path)
}

// withRequestID stamps every answer with an X-Request-Id, as the API does.
func withRequestID(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", newRequestID())
		h.ServeHTTP(w, r)
	})
}

// api wants the server's access token or a connected seller's (the request
// then acts for that seller, see sellerOf) and answers a repeated
// X-Idempotency-Key from the first call.
func (s *Server) api(h http.HandlerFunc) http.HandlerFunc {
	next := s.idempotent(h)
	return func(w http.ResponseWriter, r *http.Request) {
		seller, ok := s.caller(r)
		if !ok {
			apiError(w, http.StatusUnauthorized, "unauthorized", "invalid access token")
			return
		}
		if seller != nil {
			r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, seller))
		}
		if site := s.siteOfHeader(r.Header.Get("Authorization")); site != "" {
			r = r.WithContext(context.WithValue(r.Context(), siteKey{}, site))
		}
		next.ServeHTTP(w, r)
	}
}

// caller reports whether r carries the server's access token (seller nil)
// or a connected seller's.
func (s *Server) caller(r *http.Request) (seller *Seller, ok bool) {
	h := r.Header.Get("Authorization")
	s.mu.Lock()
	seller = s.ext().sellerForHeader(h, s.Clock.Now())
	s.mu.Unlock()
	return seller, seller != nil || h == "Bearer "+s.AccessToken || s.siteOfHeader(h) != ""
}

// replay is a stored answer for an idempotency key.
type replay struct {
	bodyHash [32]byte
	status   int
	header   http.Header
	body     []byte
}

// keyRequired lists the calls the API refuses without X-Idempotency-Key.
func keyRequired(r *http.Request) bool {
	if r.Method != http.MethodPost {
		return false
	}
	return r.URL.Path == "/v1/payments" || (strings.HasPrefix(r.URL.Path, "/v1/payments/") && strings.HasSuffix(r.URL.Path, "/refunds"))
}

// idempotent replays the first answer given for a repeated key on the same
// call, and refuses the key-required calls that come without one.
func (s *Server) idempotent(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			next.ServeHTTP(w, r)
			return
		}
		key := r.Header.Get(mercadopago.IdempotencyHeader)
		if key == "" {
			if keyRequired(r) {
				apiError(w, http.StatusBadRequest, "bad_request", "Header X-Idempotency-Key can't be null")
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, sim.MaxRequestBody+1))
		if err != nil {
			apiError(w, http.StatusBadRequest, "bad_request", "unreadable body")
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		hash := sha256.Sum256(body)
		id := r.Method + " " + r.URL.Path + " " + key
		prev, seen := s.replays.Get(id)
		if seen {
			if prev.bodyHash != hash {
				// Simulator's choice: the API's answer to a reused key with
				// another body is not documented.
				apiError(w, http.StatusConflict, "conflict", "X-Idempotency-Key already used with a different request")
				return
			}
			for k, v := range prev.header {
				w.Header()[k] = v
			}
			w.Header().Set("X-Idempotency-Replayed", "true")
			w.WriteHeader(prev.status)
			_, _ = w.Write(prev.body)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		if rec.Code < 500 {
			s.replays.Put(id, &replay{bodyHash: hash, status: rec.Code, header: rec.Header().Clone(), body: rec.Body.Bytes()})
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
}

// cause is one entry of an error body's cause list.
type cause struct {
	Code        int     `json:"code"`
	Description string  `json:"description"`
	Data        *string `json:"data"`
}

type errorBody struct {
	Message string  `json:"message"`
	Error   string  `json:"error"`
	Status  int     `json:"status"`
	Cause   []cause `json:"cause"`
}

// apiError answers in the API's error shape.
func apiError(w http.ResponseWriter, status int, code, message string, causes ...cause) {
	if causes == nil {
		causes = []cause{}
	}
	sim.WriteJSON(w, status, errorBody{Message: message, Error: code, Status: status, Cause: causes})
}

func badRequest(w http.ResponseWriter, code int, description string) {
	apiError(w, http.StatusBadRequest, "bad_request", description, cause{Code: code, Description: description})
}

func newRequestID() string {
	h := sim.RandomHex(16)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// mpTime formats times the way the API does: milliseconds and an offset.
func mpTime(t time.Time) string {
	return t.In(time.FixedZone("", -4*3600)).Format("2006-01-02T15:04:05.000-07:00")
}

func strPtr(s string) *string { return &s }

// readJSON decodes the body or answers 400.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := sim.ReadJSON(r, v); err != nil {
		apiError(w, http.StatusBadRequest, "bad_request", "invalid JSON body: "+err.Error())
		return false
	}
	return true
}

// Delivery is one notification the server sent.
type Delivery struct {
	URL        string
	Action     string
	DataID     string
	RequestID  string
	Signature  string
	Body       []byte
	StatusCode int   // 0 when no answer came
	Err        error // the transport error, if any
	// Attempt is 0 for the first sending and n for the nth retry.
	Attempt int

	first time.Time // when the first sending was queued (real time)
	bases []string  // the endpoints one is chosen from, without the query
	query string    // data.id=…&type=…
}

// Deliveries returns the notifications sent so far, in order.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Delivery(nil), s.deliveries...)
}

// WaitDeliveries waits until at least n notifications were sent (answered or
// failed), or ctx ends.
func (s *Server) WaitDeliveries(ctx context.Context, n int) error {
	for {
		s.mu.Lock()
		got := len(s.deliveries)
		s.mu.Unlock()
		if got >= n {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %d notifications, got %d: %w", n, got, ctx.Err())
		case <-s.delivered:
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// notify queues a signed payment notification; deliver sends it in the
// background. Call with s.mu held.
func (s *Server) notify(p *payment, action string) {
	url := p.NotificationURL
	if url == "" {
		url = s.webhookURL
	}
	if url == "" {
		return
	}
	dataID := fmt.Sprint(p.ID)
	reqID := newRequestID()
	now := s.Clock.Now()
	s.seq++
	body, _ := json.Marshal(map[string]any{
		"action":       action,
		"api_version":  "v1",
		"data":         map[string]string{"id": dataID},
		"date_created": now.UTC().Format(time.RFC3339),
		"id":           s.seq,
		"live_mode":    false,
		"type":         "payment",
		"user_id":      simUserID,
	})
	s.enqueue(url, "data.id="+dataID+"&type=payment", Delivery{Action: action, DataID: dataID, RequestID: reqID,
		Signature: SignNotification(s.WebhookSecret, dataID, reqID, now), Body: body})
}

// enqueue queues d for target, or for the WithWebhookEndpoints list when
// target is that list's default. Call with s.mu held.
func (s *Server) enqueue(target, query string, d Delivery) {
	if s.closed {
		return
	}
	d.bases = []string{target}
	if len(s.endpoints) > 0 && target == s.webhookURL {
		d.bases = s.endpoints
	}
	d.query, d.first = query, time.Now()
	d.URL = withQuery(d.bases[0], query)
	s.pending = append(s.pending, d)
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// RetriesWaiting is how many notifications wait for their next retry
// (WithNotificationRetries).
func (s *Server) RetriesWaiting() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.waiting
}

func withQuery(base, query string) string {
	if strings.Contains(base, "?") {
		return base + "&" + query
	}
	return base + "?" + query
}

// retry schedules d's next sending, if the schedule has one. Call with
// s.mu held.
func (s *Server) retry(d Delivery) {
	if s.retryFactor < 1 || d.Attempt >= len(DefaultNotificationRetries) || s.closed {
		return
	}
	next := d
	next.Attempt++
	next.StatusCode, next.Err = 0, nil
	due := d.first.Add(time.Duration(float64(DefaultNotificationRetries[d.Attempt]) / s.retryFactor))
	s.wg.Add(1)
	s.waiting++
	go func() {
		defer s.wg.Done()
		t := time.NewTimer(time.Until(due))
		defer t.Stop()
		select {
		case <-s.stop:
		case <-t.C:
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		s.waiting--
		if s.closed {
			return
		}
		// Signed anew at each sending, as Mercado Pago does.
		next.Signature = SignNotification(s.WebhookSecret, next.DataID, next.RequestID, s.Clock.Now())
		s.pending = append(s.pending, next)
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}()
}

// deliver sends the queued notifications one at a time, in order, like a
// single delivery queue would.
func (s *Server) deliver() {
	defer s.wg.Done()
	for {
		s.mu.Lock()
		if len(s.pending) == 0 {
			closed := s.closed
			s.mu.Unlock()
			if closed {
				return
			}
			<-s.wake
			continue
		}
		d := s.pending[0]
		s.pending = s.pending[1:]
		if len(d.bases) > 0 {
			d.URL = withQuery(d.bases[rand.IntN(len(d.bases))], d.query)
		}
		s.mu.Unlock()
		req, err := http.NewRequest(http.MethodPost, d.URL, bytes.NewReader(d.Body))
		if err == nil {
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Signature", d.Signature)
			req.Header.Set("X-Request-Id", d.RequestID)
			var resp *http.Response
			resp, err = s.httpc.Do(req)
			if err == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				d.StatusCode = resp.StatusCode
			}
		}
		d.Err = err
		s.mu.Lock()
		s.deliveries = append(s.deliveries, d)
		if d.StatusCode < 200 || d.StatusCode > 299 {
			s.retry(d)
		}
		s.mu.Unlock()
		select {
		case s.delivered <- struct{}{}:
		default:
		}
	}
}
