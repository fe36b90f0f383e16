package finrota

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/clientopt"
	"github.com/paykit-go/paykit/internal/transport"
)

// DefaultBaseURL is the test gateway shown in Finrota's documentation. It is a
// default, not a promise: set WithBaseURL to the gateway your Finrota
// contract names (live is believed to be https://api.finrota.com).
const DefaultBaseURL = "https://prodtest_gw.finrota.com"

// WidgetTokenLifetime is how long a widget token stays usable according to
// Finrota's documentation.
const WidgetTokenLifetime = 20 * time.Minute

// Refund amount field names. Finrota's refund parameter table names the
// field "refundAmount" while its request examples send "amount"; see
// WithRefundAmountField.
const (
	RefundAmountField      = "refundAmount"
	RefundAmountFieldShort = "amount"
)

// Credentials are the API key pair Finrota issues to a merchant. They are
// exchanged for an access token on POST /auth/api/token/connect; neither they
// nor the token are ever printed.
type Credentials struct {
	// APIKey is the merchant's Finrota API key.
	APIKey string
	// SecretKey is the merchant's Finrota secret key.
	SecretKey string
}

// String keeps the keys out of fmt output.
func (c Credentials) String() string {
	return "finrota.Credentials{APIKey: " + mask(c.APIKey) + ", SecretKey: " + mask(c.SecretKey) + "}"
}

// GoString keeps the keys out of %#v output.
func (c Credentials) GoString() string { return c.String() }

// LogValue keeps the keys out of slog records.
func (c Credentials) LogValue() slog.Value { return slog.StringValue(c.String()) }

// Format prints String for every verb (%v, %+v, %s, %d…), so no verb reaches
// the secrets by reflection.
func (c Credentials) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }

func mask(s string) string {
	if s == "" {
		return `""`
	}
	return "[redacted]"
}

// WithIdempotencyKey is accepted for symmetry with the other paykit packages.
// Finrota documents no idempotency header, so the key is not sent and does
// not make a repeat safe: use your ClientReferenceCode as the deduplication
// key and Transactions.Get to see whether a payment already exists.
func WithIdempotencyKey(key string) paykit.RequestOption { return transport.WithIdempotencyKey(key) }

// WithHeader adds a header to one call (Authorization cannot be replaced).
func WithHeader(name, value string) paykit.RequestOption { return transport.WithHeader(name, value) }

// Option configures a Client.
type Option func(*settings)

type settings struct {
	clientopt.Common
	refundField string
	tokenSkew   time.Duration
	listPath    string
}

// WithBaseURL sets the API root (default DefaultBaseURL).
func WithBaseURL(u string) Option { return func(s *settings) { s.BaseURL = u } }

// WithHTTPClient sends requests with a copy of hc (timeouts, proxies, test
// transports; default: one with a 60 s timeout); hc itself is never
// changed. A nil client is an error.
func WithHTTPClient(hc *http.Client) Option { return func(s *settings) { s.SetHTTPClient(hc) } }

// WithMaxRetries sets how many times a failed call may be repeated (default
// transport.DefaultMaxRetries; 0 turns retries off). A POST that may have
// reached Finrota, such as Widget.Pay, is never repeated whatever this says.
func WithMaxRetries(n int) Option { return func(s *settings) { s.MaxRetries = n } }

// WithObserver makes o see every call of the client: its operation
// ("finrota.<Service>.<Method>") and route template, each attempt with
// its status and error type, and each token fetch (see paykit.Observer; the
// module github.com/paykit-go/paykit/otel makes one that records
// OpenTelemetry spans and metrics). Nil, the default, observes nothing.
func WithObserver(o *paykit.Observer) Option { return func(s *settings) { s.Observer = o } }

// WithLogger logs one debug record per HTTP attempt (no secrets, no tokens).
func WithLogger(l *slog.Logger) Option { return func(s *settings) { s.Logger = l } }

// WithUserAgent appends your application's name and version ("shop/1.2") to
// the User-Agent header.
func WithUserAgent(appInfo string) Option { return func(s *settings) { s.AppInfo = appInfo } }

// WithRetryBackoff shapes the wait between retries: exponential from base,
// never above max, with full jitter; a Retry-After the API sends is honoured
// up to its own cap. Zero values keep the defaults; negative ones are an
// error.
func WithRetryBackoff(base, max time.Duration) Option {
	return func(s *settings) { s.SetRetryBackoff(base, max) }
}

// WithClock makes the client read the time from now: the access token's
// expiry and the retry clock; tests fix it. Nil is an error.
func WithClock(now func() time.Time) Option { return func(s *settings) { s.SetClock(now) } }

// WithRefundAmountField names the JSON field that carries a partial refund's
// amount: RefundAmountField ("refundAmount", the default, as in the refund
// endpoint's parameter table) or RefundAmountFieldShort ("amount", as in the
// documentation's request examples) [unsure which the gateway reads; the
// parameter table is the more formal source, hence the default]. Switch if
// your gateway ignores the default (a partial refund that comes back as a
// full one, or a validation error naming the field).
func WithRefundAmountField(name string) Option { return func(s *settings) { s.refundField = name } }

// WithPaymentsListPath sets the path of the payment transaction list that
// Transactions.Search reads (default PaymentsListPath, "/erp/payments"),
// for a gateway that serves it elsewhere [unsure].
func WithPaymentsListPath(p string) Option { return func(s *settings) { s.listPath = p } }

// WithTokenSkew sets how long before its expiry the cached access token is
// replaced (default transport.DefaultTokenSkew, one minute).
func WithTokenSkew(d time.Duration) Option { return func(s *settings) { s.tokenSkew = d } }

// WithTokenStore shares the client's access token with every replica that
// uses the same store and key (one key per set of credentials, e.g.
// "finrota:" + your app id), so a fleet asks the token endpoint about once per
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

// Client talks to Finrota. It is safe for concurrent use; create one per set
// of credentials and share it.
type Client struct {
	// Widget creates widget tokens and pays with the widget's prepare token.
	Widget *WidgetService
	// Transactions looks payments up, cancels and refunds them.
	Transactions *TransactionsService

	tc          *transport.Client
	tokens      *transport.TokenSource
	creds       *Credentials // behind a pointer: no fmt verb prints it
	refundField string
	listPath    string
	clock       func() time.Time
}

// NewClient checks the credentials and options and returns a ready client.
// No request is sent until the first call; the access token is fetched then
// and cached until shortly before its expiry.
func NewClient(creds Credentials, opts ...Option) (*Client, error) {
	if err := checkKey("api key", creds.APIKey); err != nil {
		return nil, err
	}
	if err := checkKey("secret key", creds.SecretKey); err != nil {
		return nil, err
	}
	s := settings{
		Common:      clientopt.New(DefaultBaseURL),
		refundField: RefundAmountField,
		listPath:    PaymentsListPath,
	}
	for _, o := range opts {
		if o != nil {
			o(&s)
		}
	}
	if err := s.Err("finrota"); err != nil {
		return nil, err
	}
	if s.refundField != RefundAmountField && s.refundField != RefundAmountFieldShort {
		return nil, fmt.Errorf("finrota: refund amount field %q: must be %q or %q", s.refundField, RefundAmountField, RefundAmountFieldShort)
	}
	if !strings.HasPrefix(s.listPath, "/") || strings.ContainsAny(s.listPath, "?# \r\n") {
		return nil, fmt.Errorf("finrota: payments list path %q: must be an absolute path without query", s.listPath)
	}
	if s.tokenSkew < 0 {
		return nil, errors.New("finrota: token skew: must not be negative")
	}
	if s.tokenSkew >= 12*time.Hour {
		return nil, errors.New("finrota: token skew: must be less than 12h (access tokens live about 24h)")
	}
	c := &Client{creds: &creds, refundField: s.refundField, listPath: s.listPath, clock: s.Now()}
	var observe func(ctx context.Context, refresh bool, started time.Time, err error)
	if s.Observer != nil {
		observe = func(ctx context.Context, refresh bool, started time.Time, err error) {
			c.tc.ObserveToken(ctx, refresh, started, err)
		}
	}
	c.tokens = transport.NewTokenSource(s.SharedFetch(c.fetchAccessToken, s.tokenSkew, func(tok string) {
		// A token read from the store is a secret of this client too.
		c.tc.AddSecrets(tok)
	}, observe), s.tokenSkew, c.clock)
	secrets := []string{creds.APIKey, creds.SecretKey}
	cfg := transport.Config{
		Provider:         "finrota",
		Auth:             c.tokens,
		RequestIDHeaders: []string{"X-Request-Id", "X-Correlation-Id", "Request-Id"},
		Secrets:          secrets,
		DecodeError:      decodeError,
	}
	s.Config(&cfg)
	tc, err := transport.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("finrota: %w", err)
	}
	c.tc = tc
	s.ObserveSource(c.tokens, observe)
	c.Widget = &WidgetService{c: c}
	c.Transactions = &TransactionsService{c: c}
	return c, nil
}

func checkKey(name, v string) error {
	switch {
	case v == "":
		return fmt.Errorf("finrota: %s: must not be empty", name)
	case strings.TrimSpace(v) != v:
		return fmt.Errorf("finrota: %s: must not start or end with spaces", name)
	case strings.ContainsAny(v, "\r\n\x00"):
		return fmt.Errorf("finrota: %s: must not contain line breaks", name)
	}
	return nil
}

// BaseURL returns the API root the client sends to.
func (c *Client) BaseURL() string { return c.tc.BaseURL() }

// String keeps the credentials and cached token out of fmt output.
func (c *Client) String() string { return "finrota.Client{" + c.tc.BaseURL() + "}" }

// GoString keeps the credentials and cached token out of %#v output.
func (c *Client) GoString() string { return c.String() }

// Format prints String for every verb, so no verb reaches the credentials
// by reflection. Its receiver is a value so that *c prints safely too: fmt
// shows a pointer field of a struct printed by value by reflection, with
// methods off, for verbs such as %s.
func (c Client) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }
