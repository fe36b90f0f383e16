package fintecture

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/clientopt"
	"github.com/paykit-go/paykit/internal/httpsig"
	"github.com/paykit-go/paykit/internal/transport"
)

// Base URLs of the two Fintecture environments.
const (
	SandboxURL    = "https://api-sandbox.fintecture.com"
	ProductionURL = "https://api.fintecture.com"
)

// Hosts of the Connect pages the payer is sent to (see Environment.ConnectURL).
const (
	SandboxConnectURL    = "https://connect-sandbox.fintecture.com"
	ProductionConnectURL = "https://connect.fintecture.com"
)

// Environment selects the Fintecture platform a Client talks to.
type Environment int

const (
	// Sandbox is the test platform: request signatures are optional and are
	// sent only when a private key is configured.
	Sandbox Environment = iota
	// Production is the live platform: every request but the token call
	// must be signed, so a private key is required.
	Production
)

// APIURL returns the API root of the environment: SandboxURL or
// ProductionURL. Every call this package makes (token, payment sessions,
// payments, refunds, request to pay, settlements and the providers list of
// the /res/v1 resources) goes to this one host, as the official SDKs do
// (fintecture-sdk-php, -ruby, -python). The payer's Connect page lives on
// another host (ConnectURL), but Fintecture hands that URL back in
// Session.URL; nothing here builds it. An unknown environment gives "".
func (e Environment) APIURL() string {
	switch e {
	case Sandbox:
		return SandboxURL
	case Production:
		return ProductionURL
	}
	return ""
}

// ConnectURL returns the host of the Connect pages of the environment
// (https://connect-sandbox.fintecture.com, https://connect.fintecture.com),
// as the official Ruby SDK lists them. It is informative, e.g. for a
// Content-Security-Policy: the page to send the payer to is always the one
// in Session.URL or RequestToPay.URL. An unknown environment gives "".
func (e Environment) ConnectURL() string {
	switch e {
	case Sandbox:
		return SandboxConnectURL
	case Production:
		return ProductionConnectURL
	}
	return ""
}

// String names the environment.
func (e Environment) String() string {
	switch e {
	case Sandbox:
		return "sandbox"
	case Production:
		return "production"
	}
	return fmt.Sprintf("Environment(%d)", int(e))
}

// Credentials identify a Fintecture application, as shown in the Console
// (https://console.fintecture.com). String, GoString and LogValue never
// print the secret or the key.
type Credentials struct {
	// AppID is the application id; it is also the keyId of request
	// signatures.
	AppID string
	// AppSecret is the application secret, used only for the token call.
	AppSecret string
	// PrivateKey is the application's RSA private key in PEM (PKCS#8
	// "BEGIN PRIVATE KEY", or PKCS#1). It signs requests and decrypts
	// webhooks. Required in production.
	PrivateKey []byte
}

// String describes the credentials without their secrets.
func (c Credentials) String() string {
	secret := "[empty]"
	if c.AppSecret != "" {
		secret = "[redacted]"
	}
	key := "[none]"
	if len(c.PrivateKey) > 0 {
		key = "[redacted]"
	}
	return fmt.Sprintf("fintecture.Credentials{AppID: %q, AppSecret: %s, PrivateKey: %s}", c.AppID, secret, key)
}

// GoString keeps secrets out of %#v output.
func (c Credentials) GoString() string { return c.String() }

// LogValue keeps secrets out of slog records.
func (c Credentials) LogValue() slog.Value { return slog.StringValue(c.String()) }

// Format prints String for every verb (%v, %+v, %s, %d…), so no verb reaches
// the secrets by reflection.
func (c Credentials) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }

// Option configures a Client at construction.
type Option func(*settings)

type settings struct {
	clientopt.Common
	env Environment

	// requestID replaces the X-Request-ID generator; only this package's
	// tests set it.
	requestID func() string
}

// WithEnvironment picks Sandbox (the default) or Production, and with it the
// base URL and whether signing is mandatory.
func WithEnvironment(env Environment) Option { return func(s *settings) { s.env = env } }

// WithBaseURL sends requests to u instead of the environment's URL (a
// simulator such as fintecturetest, or a proxy).
func WithBaseURL(u string) Option { return func(s *settings) { s.BaseURL = u } }

// WithHTTPClient sends requests with a copy of hc (timeouts, proxies, test
// transports); hc itself is never changed. A nil client is an error.
func WithHTTPClient(hc *http.Client) Option { return func(s *settings) { s.SetHTTPClient(hc) } }

// WithMaxRetries sets how many times a failed call may be repeated
// (default transport.DefaultMaxRetries; 0 turns retries off). Calls that could
// create something twice are never repeated once they may have reached
// Fintecture, whatever this says.
func WithMaxRetries(n int) Option { return func(s *settings) { s.MaxRetries = n } }

// WithObserver makes o see every call of the client: its operation
// ("fintecture.<Service>.<Method>") and route template, each attempt with
// its status and error type, and each token fetch (see paykit.Observer; the
// module github.com/paykit-go/paykit/otel makes one that records
// OpenTelemetry spans and metrics). Nil, the default, observes nothing.
func WithObserver(o *paykit.Observer) Option { return func(s *settings) { s.Observer = o } }

// WithLogger logs one debug record per HTTP attempt, without secrets.
func WithLogger(l *slog.Logger) Option { return func(s *settings) { s.Logger = l } }

// WithUserAgent appends appInfo (e.g. "shop/1.2") to the User-Agent header.
func WithUserAgent(appInfo string) Option { return func(s *settings) { s.AppInfo = appInfo } }

// WithRetryBackoff shapes the wait between retries: exponential from base,
// never above max, with full jitter; a Retry-After the API sends is honoured
// up to its own cap. Zero values keep the defaults; negative ones are an
// error.
func WithRetryBackoff(base, max time.Duration) Option {
	return func(s *settings) { s.SetRetryBackoff(base, max) }
}

// WithClock makes the client read the time from now: the signed Date
// header, the OAuth token's expiry and the retry clock; tests fix it. Nil is
// an error. The webhook verifier has its own clock option, WithWebhookClock.
func WithClock(now func() time.Time) Option { return func(s *settings) { s.SetClock(now) } }

// WithTokenStore shares the client's access token with every replica that
// uses the same store and key (one key per set of credentials, e.g.
// "fintecture:" + your app id), so a fleet asks the token endpoint about once per
// expiry rather than once per replica. The client loads the stored token
// first and uses it while it is fresh; when it is due, it fetches a new one
// and stores it. Without WithTokenLocker, replicas that find it due at the
// same moment (a cold start, a common expiry) may each fetch once; with a
// locker, one fetches and the others wait and read its token. A store or
// locker that fails never fails a call: the client then fetches a token of
// its own. The store holds the token, a secret: keep it where your other
// secrets are. A nil store or an empty key is an error.
func WithTokenStore(store paykit.TokenStore, key string) Option {
	return func(s *settings) { s.SetTokenStore(store, key) }
}

// WithTokenLocker makes replicas sharing a token store (WithTokenStore)
// fetch a due token one at a time across the fleet: the one holding the
// lock fetches and stores, the others wait and then read the stored token.
// It needs WithTokenStore; a nil locker is an error.
func WithTokenLocker(l paykit.Locker) Option {
	return func(s *settings) { s.SetTokenLocker(l) }
}

// Client talks to the Fintecture API. It is safe for concurrent use; create
// one per application and reuse it.
type Client struct {
	// PIS holds the payment-initiation calls: sessions, payments, refunds,
	// request to pay and settlements.
	PIS *PISService
	// Providers lists the banks (providers) a payer can pay from.
	Providers *ProvidersService

	api    *transport.Client // bearer token + signer
	token  *transport.Client // basic auth, never signed
	tokens *transport.TokenSource
	appID  string
	env    Environment
	signed bool
}

// NewClient checks creds and opts and returns a ready Client. The error says
// which value is wrong, never what it contains.
func NewClient(creds Credentials, opts ...Option) (*Client, error) {
	s := settings{Common: clientopt.New("")}
	for _, o := range opts {
		if o != nil {
			o(&s)
		}
	}
	if err := s.Err("fintecture"); err != nil {
		return nil, err
	}
	if strings.TrimSpace(creds.AppID) == "" {
		return nil, errors.New("fintecture: app id: must not be empty")
	}
	if strings.ContainsAny(creds.AppID, "\"\r\n:") {
		return nil, errors.New("fintecture: app id: must not contain quotes, colons or line breaks")
	}
	if creds.AppSecret == "" {
		return nil, errors.New("fintecture: app secret: must not be empty")
	}
	var key *rsa.PrivateKey
	switch s.env {
	case Sandbox, Production:
	default:
		return nil, fmt.Errorf("fintecture: environment %d: must be Sandbox or Production", int(s.env))
	}
	if len(creds.PrivateKey) > 0 {
		k, err := httpsig.ParsePrivateKey(creds.PrivateKey)
		if err != nil {
			return nil, fmt.Errorf("fintecture: private key: %w", err)
		}
		if k.N.BitLen() < 2048 {
			return nil, fmt.Errorf("fintecture: private key: RSA key of %d bits, at least 2048 are required", k.N.BitLen())
		}
		key = k
	} else if s.env == Production {
		return nil, errors.New("fintecture: private key: required in production (every request but the token call is signed)")
	}
	if s.BaseURL == "" {
		s.BaseURL = s.env.APIURL()
	}

	c := &Client{appID: creds.AppID, env: s.env, signed: key != nil}
	secrets := []string{creds.AppSecret}
	cfg := transport.Config{
		Provider:         "fintecture",
		Secrets:          secrets,
		DecodeError:      decodeError,
		RequestIDHeaders: []string{"X-Request-Id"},
	}
	s.Config(&cfg)
	// The token call goes through its own transport, which has no Signer:
	// Fintecture does not sign it, and keeping it apart means no code has
	// to recognise the token URL by its path.
	tokenCfg := cfg
	tokenCfg.Auth = transport.Basic(creds.AppID, creds.AppSecret)
	var err error
	if c.token, err = transport.New(tokenCfg); err != nil {
		return nil, fmt.Errorf("fintecture: %w", err)
	}
	var observe func(ctx context.Context, refresh bool, started time.Time, err error)
	if s.Observer != nil {
		observe = func(ctx context.Context, refresh bool, started time.Time, err error) {
			c.api.ObserveToken(ctx, refresh, started, err)
		}
	}
	c.tokens = transport.NewTokenSource(s.SharedFetch(c.fetchToken, 0, func(tok string) {
		// A token read from the store is a secret of this client too.
		c.token.AddSecrets(tok)
		if c.api != nil {
			c.api.AddSecrets(tok)
		}
	}, observe), 0, s.Clock)
	cfg.Auth = c.tokens
	if key != nil {
		signer := httpsig.NewSigner(creds.AppID, key)
		if s.Clock != nil {
			signer.SetClock(s.Clock)
		}
		if s.requestID != nil {
			signer.SetRequestID(s.requestID)
		}
		cfg.Signer = signer
	}
	if c.api, err = transport.New(cfg); err != nil {
		return nil, fmt.Errorf("fintecture: %w", err)
	}
	s.ObserveSource(c.tokens, observe)
	c.PIS = &PISService{c: c}
	c.Providers = &ProvidersService{c: c}
	return c, nil
}

// Environment reports the environment the client was built for.
func (c *Client) Environment() Environment { return c.env }

// BaseURL returns the API root the client sends to: the environment's
// APIURL, or what WithBaseURL set.
func (c *Client) BaseURL() string { return c.api.BaseURL() }

// Signs reports whether requests are signed (a private key is configured).
func (c *Client) Signs() bool { return c.signed }

// String describes the client without secrets.
func (c *Client) String() string {
	return fmt.Sprintf("fintecture.Client{AppID: %q, Environment: %s, BaseURL: %s, Signed: %t}", c.appID, c.env, c.api.BaseURL(), c.signed)
}

// GoString keeps secrets out of %#v output.
func (c *Client) GoString() string { return c.String() }

// Format prints String for every verb, so no verb reaches the credentials
// by reflection. Its receiver is a value so that *c prints safely too: fmt
// shows a pointer field of a struct printed by value by reflection, with
// methods off, for verbs such as %s.
func (c Client) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }

// WithHeader adds a header to one call, e.g. WithHeader("x-language", "fr").
func WithHeader(name, value string) paykit.RequestOption { return transport.WithHeader(name, value) }

// WithIdempotencyKey is accepted for symmetry with the other paykit clients,
// but Fintecture has no idempotency header, so the key is not sent and does
// not make a repeat safe. Before repeating a Connect or Refund that failed
// with a NetworkError, look the session up.
func WithIdempotencyKey(key string) paykit.RequestOption { return transport.WithIdempotencyKey(key) }
