// Package fintecturetest is an in-process simulator of the Fintecture PIS API
// for testing code that uses package fintecture: a token endpoint that checks
// the app's Basic credentials, payment sessions (Connect) that verify the
// Digest and the RSA signature of every request in production mode, payment
// lookup, update (cancel, new amount) and refund, a Pay method that stands in for the payer at
// the bank, and webhooks encrypted exactly as Fintecture sends them. Fault
// injection and request counts come from the embedded sim.Server.
//
//	srv := fintecturetest.NewServer(fintecturetest.WithProduction())
//	defer srv.Close()
//	c, _ := srv.Client()
//
// For a real browser the session's URL opens a Connect page where the payer
// pays, is refused or cancels; browser.go says which contract it mimics and
// what it leaves out.
package fintecturetest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/paykit-go/paykit/fintecture"
	"github.com/paykit-go/paykit/internal/httpsig"
	"github.com/paykit-go/paykit/internal/sim"
	"github.com/paykit-go/paykit/money"
)

// Default credentials of a simulated application.
const (
	DefaultAppID     = "00000000-sim0-4000-8000-fintecture01"
	DefaultAppSecret = "sim-app-secret"
)

// DefaultTokenTTL is how long a simulated access token lives (expires_in).
const DefaultTokenTTL = time.Hour

// MaxClockSkew is how far a signed request's Date may be from the
// simulator's clock.
const MaxClockSkew = 5 * time.Minute

// Server is a running simulator. Its URL goes into fintecture.WithBaseURL.
// FailNext, Handled and HandledPrefix come from sim.Server.
type Server struct {
	*sim.Server

	appID, appSecret string
	privPEM          []byte
	pub              *rsa.PublicKey
	production       bool
	ignoreSignatures bool
	tokenTTL         time.Duration
	clock            func() time.Time
	webhookURL       string
	webhookClient    *http.Client
	listener         net.Listener
	middleware       func(http.Handler) http.Handler

	sessions    sim.Table[string, *session]    // by session id
	settlements sim.Table[string, *settlement] // by settlement id

	mu         sync.Mutex           // guards the sessions' fields and what follows
	tokens     map[string]time.Time // access token → expiry
	requestIDs map[string]bool      // X-Request-IDs already used
	deliveries []Delivery
	logSeq     int
	sentLinks  []SentLink
}

type session struct {
	id, connectID           string
	state, redirectURI      string
	status                  fintecture.PaymentStatus
	transferState           fintecture.TransferState
	amount, refunded        money.Decimal
	currency, communication string
	endToEndID              string
	provider, customerID    string
	executionDate           string
	psuName                 string

	kind         string // "PayByBank", "RequestToPay" or "Refund"
	refundOf     string // the refunded session, for a refund
	created      time.Time
	settlementID string // the settlement that paid it out, once settled
}

// Option configures a Server.
type Option func(*Server)

// WithApp sets the application's credentials (default DefaultAppID and
// DefaultAppSecret).
func WithApp(appID, appSecret string) Option {
	return func(s *Server) { s.appID, s.appSecret = appID, appSecret }
}

// WithMerchantKey sets the application's key: a private key PEM (then
// Credentials includes it) or a public key PEM (you keep the private key).
// Without it the server makes a 2048-bit key, shared by every server of the
// process.
func WithMerchantKey(pemBytes []byte) Option {
	return func(s *Server) {
		if k, err := httpsig.ParsePrivateKey(pemBytes); err == nil {
			s.privPEM, s.pub = pemBytes, &k.PublicKey
			return
		}
		pub, err := httpsig.ParsePublicKey(pemBytes)
		if err != nil {
			panic(fmt.Sprintf("fintecturetest: WithMerchantKey: %v", err))
		}
		s.privPEM, s.pub = nil, pub
	}
}

// WithProduction makes the server behave like production: every request but
// the token call must carry a valid Signature (and Digest for bodies). In
// the default sandbox mode signatures are optional, but checked when sent.
func WithProduction() Option { return func(s *Server) { s.production = true } }

// WithoutSignatureChecks makes a sandbox server ignore Signature and Digest
// headers altogether instead of checking them when they are sent (the real
// sandbox treats them as optional). It has no effect with WithProduction.
func WithoutSignatureChecks() Option { return func(s *Server) { s.ignoreSignatures = true } }

// WithTokenTTL sets expires_in of issued tokens.
func WithTokenTTL(d time.Duration) Option { return func(s *Server) { s.tokenTTL = d } }

// WithClock sets the server's clock (token expiry, Date checks, webhook
// dates).
func WithClock(now func() time.Time) Option { return func(s *Server) { s.clock = now } }

// WithWebhookURL makes Pay deliver a signed webhook to u, with hc (nil: a
// client with a 10 s timeout).
func WithWebhookURL(u string, hc *http.Client) Option {
	return func(s *Server) { s.webhookURL, s.webhookClient = u, hc }
}

var sharedKey = sync.OnceValues(func() ([]byte, error) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
})

// NewServer starts a simulator on a loopback port. Close it when done.
func NewServer(opts ...Option) *Server {
	s := &Server{
		appID: DefaultAppID, appSecret: DefaultAppSecret, tokenTTL: DefaultTokenTTL, clock: time.Now,
		tokens: map[string]time.Time{}, requestIDs: map[string]bool{},
	}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	if s.pub == nil {
		pemBytes, err := sharedKey()
		if err != nil {
			panic(fmt.Sprintf("fintecturetest: generating a key: %v", err))
		}
		WithMerchantKey(pemBytes)(s)
	}
	if s.webhookClient == nil {
		s.webhookClient = &http.Client{Timeout: 10 * time.Second}
	}
	s.Server = sim.NewServerOn(s.listener, sim.Around(s.middleware, sim.Mux(s.routes(), s.notFound)))
	return s
}

// Client returns a fintecture client for this server: its URL, the
// application's credentials (with the private key when the server knows
// it) and, for a WithProduction server, the Production environment; then
// opts, which win.
func (s *Server) Client(opts ...fintecture.Option) (*fintecture.Client, error) {
	base := []fintecture.Option{fintecture.WithBaseURL(s.URL)}
	if s.production {
		base = append(base, fintecture.WithEnvironment(fintecture.Production))
	}
	return fintecture.NewClient(s.Credentials(), append(base, opts...)...)
}

// Credentials returns the simulated application's credentials, with the
// private key when the server knows it.
func (s *Server) Credentials() fintecture.Credentials {
	return fintecture.Credentials{AppID: s.appID, AppSecret: s.appSecret, PrivateKey: s.privPEM}
}

// PublicKey returns the application's public key (what Fintecture keeps).
func (s *Server) PublicKey() *rsa.PublicKey { return s.pub }

// ExpireTokens makes every issued token invalid, as if they had expired.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	s.tokens = map[string]time.Time{}
	s.mu.Unlock()
}

// SessionStatus returns the status of a session and whether it exists.
func (s *Server) SessionStatus(sessionID string) (fintecture.PaymentStatus, bool) {
	ss, ok := s.sessions.Get(sessionID)
	if !ok {
		return "", false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return ss.status, true
}

// Sessions returns how many payment sessions were created.
func (s *Server) Sessions() int { return s.sessions.Len() }

// routes is the simulator's route table: the token call, the PIS calls
// (access token), the /res/v1 resources (app_id header) and the payer's
// Connect page.
func (s *Server) routes() []sim.Route {
	return []sim.Route{
		{Pattern: "POST /oauth/accesstoken", Handler: s.handleToken},
		{Pattern: "POST /pis/v2/connect", Handler: s.authed(s.handleConnect)},
		{Pattern: "GET /pis/v2/payments", Handler: s.authed(s.handleListPayments)},
		{Pattern: "GET /pis/v2/payments/{id}", Handler: s.authed(s.handleGetPayment)},
		{Pattern: "PATCH /pis/v2/payments/{id}", Handler: s.authed(s.handleUpdatePayment)},
		{Pattern: "POST /pis/v2/refund", Handler: s.authed(s.handleRefund)},
		{Pattern: "POST /pis/v2/request-to-pay", Handler: s.authed(s.handleRequestToPay)},
		{Pattern: "GET /pis/v2/settlements", Handler: s.authed(s.handleListSettlements)},
		{Pattern: "GET /pis/v2/settlements/{id}", Handler: s.authed(s.handleGetSettlement)},
		{Pattern: "GET /res/v1/providers", Handler: s.appIDAuthed(s.handleProviders)},
		{Pattern: "GET /res/v1/providers/{id}", Handler: s.appIDAuthed(s.handleProvider)},
		{Pattern: "GET /v2/{connect}", Handler: s.handleConnectPage},
		{Pattern: "POST /v2/{connect}", Handler: s.handleConnectPage},
	}
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.writeError(w, http.StatusNotFound, "not_found", "Not Found", "no route for "+r.Method+" "+r.URL.Path)
}

// writeError answers in Fintecture's error shape.
func (s *Server) writeError(w http.ResponseWriter, status int, code, title, message string) {
	s.mu.Lock()
	s.logSeq++
	logID := fmt.Sprintf("sim%013d", s.logSeq)
	s.mu.Unlock()
	sim.WriteJSON(w, status, map[string]any{
		"status": fmt.Sprint(status),
		"code":   code,
		"log_id": logID,
		"errors": []map[string]string{{"code": code, "title": title, "message": message}},
	})
}

func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	user, pass, ok := r.BasicAuth()
	if !ok || user != s.appID || pass != s.appSecret {
		s.writeError(w, http.StatusUnauthorized, "invalid_client", "Invalid Client", "app_id or app_secret is wrong")
		return
	}
	if err := r.ParseForm(); err != nil {
		s.writeError(w, http.StatusBadRequest, "invalid_request", "Invalid Request", "body is not a form")
		return
	}
	switch {
	case r.PostForm.Get("grant_type") != "client_credentials":
		s.writeError(w, http.StatusBadRequest, "unsupported_grant_type", "Unsupported Grant Type", "grant_type must be client_credentials")
		return
	case r.PostForm.Get("app_id") != s.appID:
		s.writeError(w, http.StatusBadRequest, "invalid_request", "Invalid Request", "app_id does not match the credentials")
		return
	case !strings.EqualFold(r.PostForm.Get("scope"), "PIS"):
		s.writeError(w, http.StatusBadRequest, "invalid_scope", "Invalid Scope", "scope must be PIS")
		return
	}
	tok := sim.RandomHex(24)
	s.mu.Lock()
	s.tokens[tok] = s.clock().Add(s.tokenTTL)
	s.mu.Unlock()
	sim.WriteJSON(w, http.StatusOK, map[string]any{
		"token_type": "Bearer", "access_token": tok, "expires_in": int64(s.tokenTTL / time.Second),
	})
}
