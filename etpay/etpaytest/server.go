// Package etpaytest is an in-process simulator of ETpay for tests and
// examples: session initialize, the payment funnel (with Pay standing in for
// the payer), notification delivery signed as ETpay signs it (HS256 with the
// session's signature token), check_payment_status, and fault injection.
//
//	srv := etpaytest.NewServer()
//	defer srv.Close()
//	c, _ := srv.Client()
//	s, _ := c.Sessions.Create(ctx, &etpay.SessionRequest{OrderID: "A1", Amount: 2000, WebhookURL: hook})
//	res, _ := srv.Pay(ctx, s.Token, etpay.PaymentSuccess) // POSTs the JWT to hook
//
// What the simulator checks is what ETpay's public guides describe; its
// error bodies ({"error": code, "message": text}) are a guess at the shape,
// since ETpay does not publish one.
//
// For a real browser the session's redirect URL opens a funnel page where
// the payer pays, fails or cancels; browser.go says which contract it
// mimics and what it leaves out.
package etpaytest

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/paykit-go/paykit/etpay"
	"github.com/paykit-go/paykit/internal/sim"
)

// The credentials NewServer accepts unless WithMerchant says otherwise.
const (
	DefaultMerchantCode     = "cl_sim_merchant"
	DefaultMerchantAPIToken = "sim-merchant-api-token-7c41d9"
)

// Encoding is how a notification is delivered to the webhook URL.
type Encoding int

// Delivery encodings. ETpay has been seen sending JSON {"payment": jwt}.
const (
	// JSON posts {"payment": "<jwt>"} as application/json.
	JSON Encoding = iota
	// Form posts payment=<jwt> as application/x-www-form-urlencoded.
	Form
	// Raw posts the JWT itself as text/plain.
	Raw
)

// Option configures NewServer.
type Option func(*Server)

// WithMerchant sets the merchant code and API token the server accepts.
func WithMerchant(code, apiToken string) Option {
	return func(s *Server) { s.code, s.apiToken = code, apiToken }
}

// WithWebhookURL sets where notifications go for sessions created without a
// payment_webhook_url (ETpay's merchant-level setting).
func WithWebhookURL(u string) Option { return func(s *Server) { s.webhookURL = u } }

// WithNotificationEncoding picks how notifications are posted (default JSON).
func WithNotificationEncoding(e Encoding) Option { return func(s *Server) { s.enc = e } }

// WithDeliveryClient sets the HTTP client that delivers notifications.
func WithDeliveryClient(c *http.Client) Option { return func(s *Server) { s.client = c } }

// WithRedirectParam names the query parameter that carries the signed JWT
// on the completed and cancellation redirects (default "jwt"); "" sends the
// payer back with no JWT, as a purely visual redirect. ETpay's documents do
// not name this parameter, so try your handler with both shapes.
func WithRedirectParam(name string) Option { return func(s *Server) { s.redirectParam = name } }

// WithClock makes the server stamp payments and notifications (their iat)
// with now.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// WithUntimedNotifications signs notifications without an iat claim, with
// only the claims ETpay's documents list. The etpay verifiers refuse such
// tokens unless given etpay.WithUntimedTokens; use this to try that setup.
//
// [unsure] By default the simulator stamps each notification with iat (the
// time it was signed), which the verifiers need when there is no exp.
// ETpay's public documents do not show whether its tokens carry iat or exp.
func WithUntimedNotifications() Option { return func(s *Server) { s.untimed = true } }

// Server is a running simulator. Its API is under APIURL() and its funnel
// under PaymentURL(); FailNext and Handled come from the shared sim.Server.
type Server struct {
	*sim.Server

	code, apiToken string
	webhookURL     string
	enc            Encoding
	client         *http.Client
	now            func() time.Time
	redirectParam  string // query parameter of the redirect's JWT; "" for none
	untimed        bool   // notifications without iat
	listener       net.Listener
	middleware     func(http.Handler) http.Handler

	sessions *sim.Table[string, *session] // by session token

	mu         sync.Mutex // guards the sessions' payments and deliveries
	deliveries []Delivery
}

type session struct {
	token, signature string
	orderID          string
	amount           int64
	userRUT          string
	completedURL     string
	cancellationURL  string
	webhookURL       string
	created          time.Time
	payments         []*payment
}

type payment struct {
	Token        string              `json:"payment_token"`
	Status       etpay.PaymentStatus `json:"payment_status"`
	OrderID      string              `json:"merchant_order_id"`
	Amount       int64               `json:"order_amount"`
	SessionToken string              `json:"session_token"`
	Created      string              `json:"created_at"`
}

// NewServer starts a simulator on a loopback port. Close it when done.
func NewServer(opts ...Option) *Server {
	s := &Server{
		code: DefaultMerchantCode, apiToken: DefaultMerchantAPIToken,
		client:        &http.Client{Timeout: 10 * time.Second},
		now:           time.Now,
		redirectParam: "jwt",
		sessions:      sim.NewTable[string, *session](func() string { return sim.RandomHex(16) }),
	}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	s.Server = sim.NewServerOn(s.listener, sim.Around(s.middleware, sim.Mux(s.routes(), notFound)))
	return s
}

// routes is the simulator's route table. The API routes take every method
// and answer 405 themselves, as ETpay's do.
func (s *Server) routes() []sim.Route {
	return []sim.Route{
		{Pattern: "/api/session/initialize", Handler: s.initialize},
		{Pattern: "/api/merchant/check_payment_status", Handler: s.checkStatus},
		{Pattern: "GET /pmt/session/{token}", Handler: s.funnelPage},
		{Pattern: "POST /pmt/session/{token}/pay", Handler: s.funnelPay},
	}
}

func notFound(w http.ResponseWriter, r *http.Request) {
	apiError(w, http.StatusNotFound, "not_found", "no route for "+r.Method+" "+r.URL.Path)
}

// APIURL is the api_url to configure (WithAPIURL).
func (s *Server) APIURL() string { return s.URL + "/api" }

// PaymentURL is the pmt_url to configure (WithPaymentURL).
func (s *Server) PaymentURL() string { return s.URL + "/pmt" }

// Credentials returns the merchant credentials the server accepts.
func (s *Server) Credentials() etpay.Credentials {
	return etpay.Credentials{MerchantCode: s.code, MerchantAPIToken: s.apiToken}
}

// Client returns an etpay client for this server: its API and payment
// URLs and the merchant credentials it accepts, then opts, which win (a
// client with other credentials is etpay.NewClient with WithAPIURL and
// WithPaymentURL).
func (s *Server) Client(opts ...etpay.Option) (*etpay.Client, error) {
	base := []etpay.Option{etpay.WithAPIURL(s.APIURL()), etpay.WithPaymentURL(s.PaymentURL())}
	return etpay.NewClient(s.Credentials(), append(base, opts...)...)
}

// SignatureToken returns the signature token issued for a session.
func (s *Server) SignatureToken(sessionToken string) (string, bool) {
	ss, ok := s.sessions.Get(sessionToken)
	if !ok {
		return "", false
	}
	return ss.signature, true
}

// Delivery is one notification POST the server made.
type Delivery struct {
	URL string
	// Notification is the signed JWT the POST carried.
	Notification string
	StatusCode   int   // 0 when no answer came
	Err          error // transport failure, if any
}

// Deliveries returns every notification delivery so far, oldest first.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Delivery(nil), s.deliveries...)
}

func apiError(w http.ResponseWriter, status int, code, msg string) {
	sim.WriteJSON(w, status, map[string]string{"error": code, "message": msg})
}

type initializeBody struct {
	MerchantCode     string           `json:"merchant_code"`
	MerchantAPIToken string           `json:"merchant_api_token"`
	OrderID          string           `json:"merchant_order_id"`
	Amount           json.Number      `json:"order_amount"`
	CustomerEmail    string           `json:"customer_email"`
	Metadata         []etpay.Metadata `json:"metadata"`
	UserBankCode     string           `json:"user_bank_code"`
	UserRUT          string           `json:"user_rut"`
	BlockRUT         bool             `json:"is_rut_block"`
	CompletedURL     string           `json:"payment_completed_url"`
	CancellationURL  string           `json:"payment_cancellation_url"`
	WebhookURL       string           `json:"payment_webhook_url"`
}

// readBody checks method, content type and credentials; it answers and
// returns false when something is wrong.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request, v any, creds func() (string, string)) bool {
	if r.Method != http.MethodPost {
		apiError(w, http.StatusMethodNotAllowed, "method_not_allowed", "use POST")
		return false
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		apiError(w, http.StatusUnsupportedMediaType, "unsupported_media_type", "body must be application/json")
		return false
	}
	if err := sim.ReadJSON(r, v); err != nil {
		apiError(w, http.StatusBadRequest, "bad_request", "body is not valid JSON")
		return false
	}
	code, tok := creds()
	if code == "" || tok == "" {
		apiError(w, http.StatusUnauthorized, "unauthorized", "merchant_code and merchant_api_token are required")
		return false
	}
	if !hmac.Equal([]byte(code), []byte(s.code)) || !hmac.Equal([]byte(tok), []byte(s.apiToken)) {
		apiError(w, http.StatusUnauthorized, "unauthorized", "invalid merchant credentials")
		return false
	}
	return true
}

func validOrderID(id string) bool {
	if id == "" || len(id) > etpay.MaxOrderIDLength {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func absURL(u string) bool {
	p, err := url.Parse(u)
	return err == nil && (p.Scheme == "http" || p.Scheme == "https") && p.Host != ""
}

func (s *Server) initialize(w http.ResponseWriter, r *http.Request) {
	var b initializeBody
	if !s.readBody(w, r, &b, func() (string, string) { return b.MerchantCode, b.MerchantAPIToken }) {
		return
	}
	if !validOrderID(b.OrderID) {
		apiError(w, http.StatusBadRequest, "invalid_merchant_order_id", "merchant_order_id must be alphanumeric, at most 64 characters")
		return
	}
	amount, err := b.Amount.Int64()
	if err != nil || amount <= 0 {
		apiError(w, http.StatusBadRequest, "invalid_order_amount", "order_amount must be a positive integer")
		return
	}
	for field, u := range map[string]string{"payment_completed_url": b.CompletedURL, "payment_cancellation_url": b.CancellationURL, "payment_webhook_url": b.WebhookURL} {
		if u != "" && !absURL(u) {
			apiError(w, http.StatusBadRequest, "invalid_url", field+" must be an absolute URL")
			return
		}
	}
	ss := s.sessions.Add(func(token string) *session {
		return &session{token: token, signature: sim.RandomHex(32),
			orderID: b.OrderID, amount: amount, userRUT: b.UserRUT,
			completedURL: b.CompletedURL, cancellationURL: b.CancellationURL, webhookURL: b.WebhookURL,
			created: s.now()}
	})
	sim.WriteJSON(w, http.StatusOK, map[string]string{"token": ss.token, "signature_token": ss.signature})
}

type statusBody struct {
	MerchantCode     string `json:"merchant_code"`
	MerchantAPIToken string `json:"merchant_api_token"`
	PaymentToken     string `json:"payment_token"`
	OrderID          string `json:"merchant_order_id"`
	SessionToken     string `json:"session_token"`
}

func (s *Server) checkStatus(w http.ResponseWriter, r *http.Request) {
	var b statusBody
	if !s.readBody(w, r, &b, func() (string, string) { return b.MerchantCode, b.MerchantAPIToken }) {
		return
	}
	if b.PaymentToken == "" && b.OrderID == "" && b.SessionToken == "" {
		apiError(w, http.StatusBadRequest, "bad_request", "one of payment_token, merchant_order_id, session_token is required")
		return
	}
	out := []*payment{}
	s.mu.Lock()
	for _, ss := range s.sessions.Search(nil) {
		for _, p := range ss.payments {
			if (b.PaymentToken == "" || p.Token == b.PaymentToken) &&
				(b.OrderID == "" || p.OrderID == b.OrderID) &&
				(b.SessionToken == "" || p.SessionToken == b.SessionToken) {
				cp := *p
				out = append(out, &cp)
			}
		}
	}
	s.mu.Unlock()
	sim.WriteJSON(w, http.StatusOK, out)
}

// PayResult is what happened when the payer finished the funnel.
type PayResult struct {
	// PaymentToken identifies the attempt (payment_token).
	PaymentToken string
	// Notification is the signed JWT that was delivered.
	Notification string
	// RedirectURL is where the funnel sent the payer: the session's
	// completed URL (success) or cancellation URL (otherwise) with the JWT as
	// the "jwt" query parameter (see WithRedirectParam); empty when the
	// session has neither.
	RedirectURL string
	// Delivery is the notification POST (URL empty when none was configured).
	Delivery Delivery
}

// ErrUnknownSession is returned by Pay for a token the server never issued.
var ErrUnknownSession = errors.New("etpaytest: unknown session token")

// ErrAlreadyPaid is returned by Pay for a session that already has a
// successful payment.
var ErrAlreadyPaid = errors.New("etpaytest: session already paid")

// Pay stands in for the payer in the funnel: it ends the session's payment
// with status (etpay.PaymentSuccess or any other value), POSTs the HS256
// notification signed with the session's signature token to the session's
// webhook URL (or the server's), and returns the redirect the funnel would
// make. A failed delivery is reported in the result, not as an error.
func (s *Server) Pay(ctx context.Context, sessionToken string, status etpay.PaymentStatus) (*PayResult, error) {
	ss, ok := s.sessions.Get(sessionToken)
	if !ok {
		return nil, ErrUnknownSession
	}
	s.mu.Lock()
	for _, p := range ss.payments {
		if p.Status.IsSuccess() {
			s.mu.Unlock()
			return nil, ErrAlreadyPaid
		}
	}
	p := &payment{Token: sim.RandomHex(12), Status: status, OrderID: ss.orderID, Amount: ss.amount,
		SessionToken: ss.token, Created: s.now().UTC().Format(time.RFC3339)}
	ss.payments = append(ss.payments, p)
	hook := ss.webhookURL
	if hook == "" {
		hook = s.webhookURL
	}
	claims := map[string]any{
		"session_token": ss.token, "payment_token": p.Token, "payment_status": string(status),
		"merchant_order_id": ss.orderID, "order_amount": ss.amount,
	}
	if !s.untimed {
		claims["iat"] = s.now().Unix()
	}
	if ss.userRUT != "" {
		claims["user_rut"] = ss.userRUT
	}
	redirect := ss.completedURL
	if !status.IsSuccess() && ss.cancellationURL != "" {
		redirect = ss.cancellationURL
	}
	secret := ss.signature
	s.mu.Unlock()

	jwt, err := SignNotification(claims, secret)
	if err != nil {
		return nil, err
	}
	res := &PayResult{PaymentToken: p.Token, Notification: jwt}
	if redirect != "" {
		u, err := url.Parse(redirect)
		if err == nil {
			q := u.Query()
			if s.redirectParam != "" {
				q.Set(s.redirectParam, jwt)
			}
			u.RawQuery = q.Encode()
			res.RedirectURL = u.String()
		}
	}
	if hook != "" {
		res.Delivery = s.deliver(ctx, hook, jwt)
		s.mu.Lock()
		s.deliveries = append(s.deliveries, res.Delivery)
		s.mu.Unlock()
	}
	return res, nil
}

// Redeliver posts the notification of an existing payment again, as ETpay
// does when the merchant did not answer 200: the same JWT, so a verifier
// that already accepted it answers 200 without acting on it again.
func (s *Server) Redeliver(ctx context.Context, res *PayResult, webhookURL string) Delivery {
	d := s.deliver(ctx, webhookURL, res.Notification)
	s.mu.Lock()
	s.deliveries = append(s.deliveries, d)
	s.mu.Unlock()
	return d
}

func (s *Server) deliver(ctx context.Context, hook, jwt string) Delivery {
	var body []byte
	var ct string
	switch s.enc {
	case Form:
		body, ct = []byte(url.Values{"payment": {jwt}}.Encode()), "application/x-www-form-urlencoded"
	case Raw:
		body, ct = []byte(jwt), "text/plain"
	default:
		body, _ = json.Marshal(map[string]string{"payment": jwt})
		ct = "application/json"
	}
	d := Delivery{URL: hook, Notification: jwt}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hook, bytes.NewReader(body))
	if err != nil {
		d.Err = err
		return d
	}
	req.Header.Set("Content-Type", ct)
	req.Header.Set("User-Agent", "etpaytest-notifier")
	resp, err := s.client.Do(req)
	if err != nil {
		d.Err = err
		return d
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	d.StatusCode = resp.StatusCode
	return d
}

// SignNotification makes the JWT ETpay would send: header
// {"alg":"HS256","typ":"JWT"}, the claims as JSON, HMAC-SHA256 with the
// session's signature token. Use it to test your own notification handler;
// the etpay verifiers want an "iat" (Unix seconds, recent) or "exp" claim
// among the claims.
func SignNotification(claims map[string]any, signatureToken string) (string, error) {
	if signatureToken == "" {
		return "", errors.New("etpaytest: signature token must not be empty")
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("etpaytest: encoding claims: %w", err)
	}
	enc := base64.RawURLEncoding
	signing := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + enc.EncodeToString(payload)
	mac := hmac.New(sha256.New, []byte(signatureToken))
	mac.Write([]byte(signing))
	return signing + "." + enc.EncodeToString(mac.Sum(nil)), nil
}
