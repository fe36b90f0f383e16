package etpay

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/clientopt"
	"github.com/paykit-go/paykit/internal/transport"
)

// The sandbox URLs ETpay has published. Production URLs are handed to each
// merchant with its credentials.
const (
	// SandboxAPIURL is the sandbox API root (api_url).
	SandboxAPIURL = "https://api-sandbox.etpay.com"
	// SandboxPaymentURL is the sandbox funnel root (pmt_url).
	SandboxPaymentURL = "https://pmt-sandbox.etpay.com"
)

// Credentials are the merchant code and API token ETpay issues per
// environment. They are sent in the JSON body of every API call and are never
// printed by String, GoString, LogValue or any error of this package.
type Credentials struct {
	// MerchantCode identifies the merchant (merchant_code).
	MerchantCode string
	// MerchantAPIToken authenticates the merchant (merchant_api_token).
	MerchantAPIToken string
}

// String says which fields are set, never their values.
func (c Credentials) String() string {
	return fmt.Sprintf("etpay.Credentials{MerchantCode: %s, MerchantAPIToken: %s}", mask(c.MerchantCode), mask(c.MerchantAPIToken))
}

// GoString keeps secrets out of %#v output.
func (c Credentials) GoString() string { return c.String() }

// LogValue keeps secrets out of slog records.
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

// Option configures a Client in NewClient.
type Option func(*settings)

type settings struct {
	clientopt.Common
	paymentURL string
}

// WithAPIURL sets the API root ETpay gave you for the environment (api_url),
// e.g. SandboxAPIURL. Required.
func WithAPIURL(u string) Option { return func(s *settings) { s.BaseURL = u } }

// WithPaymentURL sets the funnel root ETpay gave you for the environment
// (pmt_url), e.g. SandboxPaymentURL. Required: the payer is sent to
// {pmt_url}/session/{session_token}.
func WithPaymentURL(u string) Option { return func(s *settings) { s.paymentURL = u } }

// WithSandbox sets both URLs to ETpay's published sandbox pair
// (SandboxAPIURL and SandboxPaymentURL).
func WithSandbox() Option {
	return func(s *settings) { s.BaseURL, s.paymentURL = SandboxAPIURL, SandboxPaymentURL }
}

// WithBaseURL is the option every paykit client has; for ETpay it is the same
// as WithAPIURL. The funnel URL must still be set with WithPaymentURL.
func WithBaseURL(u string) Option { return WithAPIURL(u) }

// WithHTTPClient sends requests with a copy of hc instead of a client with
// a 60 s timeout; hc itself is never changed. A nil client is an error.
func WithHTTPClient(hc *http.Client) Option { return func(s *settings) { s.SetHTTPClient(hc) } }

// WithMaxRetries sets how many times a call may be repeated when that cannot
// double anything (default transport.DefaultMaxRetries, 0 = never). ETpay has
// no idempotency keys, so only 429 answers and requests that never left are
// repeated.
func WithMaxRetries(n int) Option { return func(s *settings) { s.MaxRetries = n } }

// WithObserver makes o see every call of the client: its operation
// ("etpay.<Service>.<Method>") and route template, each attempt with
// its status and error type, and each token fetch (see paykit.Observer; the
// module github.com/paykit-go/paykit/otel makes one that records
// OpenTelemetry spans and metrics). Nil, the default, observes nothing.
func WithObserver(o *paykit.Observer) Option { return func(s *settings) { s.Observer = o } }

// WithLogger logs one debug record per HTTP attempt, without credentials.
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

// WithClock makes the client read the time from now (the retry clock);
// tests fix it. Nil is an error. The webhook verifier has its own clock
// option, WithWebhookClock.
func WithClock(now func() time.Time) Option { return func(s *settings) { s.SetClock(now) } }

// Client talks to one ETpay environment as one merchant. It is safe for
// concurrent use.
type Client struct {
	// Sessions creates payment sessions (POST /session/initialize).
	Sessions *SessionsService
	// Payments reads payment outcomes (POST /merchant/check_payment_status).
	Payments *PaymentsService

	creds      *Credentials // behind a pointer: no fmt verb prints it
	t          *transport.Client
	paymentURL string
}

// NewClient checks the credentials and options and returns a ready client.
// The error says what is wrong, e.g. "etpay: payment URL: must be set
// (WithPaymentURL or WithSandbox)".
func NewClient(creds Credentials, opts ...Option) (*Client, error) {
	s := settings{Common: clientopt.New("")}
	for _, o := range opts {
		if o != nil {
			o(&s)
		}
	}
	if err := s.Err("etpay"); err != nil {
		return nil, err
	}
	switch {
	case strings.TrimSpace(creds.MerchantCode) == "":
		return nil, errors.New("etpay: merchant code: must not be empty")
	case strings.TrimSpace(creds.MerchantAPIToken) == "":
		return nil, errors.New("etpay: merchant API token: must not be empty")
	case s.BaseURL == "":
		return nil, errors.New("etpay: API URL: must be set (WithAPIURL or WithSandbox)")
	case s.paymentURL == "":
		return nil, errors.New("etpay: payment URL: must be set (WithPaymentURL or WithSandbox)")
	}
	pu, err := url.Parse(s.paymentURL)
	if err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" || pu.RawQuery != "" || pu.Fragment != "" {
		return nil, fmt.Errorf("etpay: payment URL %q: must be an absolute http or https URL without query", s.paymentURL)
	}
	secrets := []string{creds.MerchantAPIToken, creds.MerchantCode}
	cfg := transport.Config{
		Provider:    "etpay",
		Secrets:     secrets,
		DecodeError: decodeError,
		// No IdempotencyHeader: ETpay has none, so a POST that may have
		// reached the server is never repeated.
	}
	s.Config(&cfg)
	t, err := transport.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("etpay: %w", err)
	}
	c := &Client{creds: &creds, t: t, paymentURL: strings.TrimSuffix(pu.Scheme+"://"+pu.Host+pu.EscapedPath(), "/")}
	c.Sessions = &SessionsService{c: c}
	c.Payments = &PaymentsService{c: c}
	return c, nil
}

// APIURL returns the API root the client sends to.
func (c *Client) APIURL() string { return c.t.BaseURL() }

// PaymentURL returns the funnel root payers are sent to.
func (c *Client) PaymentURL() string { return c.paymentURL }

// RedirectURL returns the funnel page of a session:
// {pmt_url}/session/{session_token}.
func (c *Client) RedirectURL(sessionToken string) string {
	return c.paymentURL + transport.Path("session", sessionToken)
}

// String describes the client without its credentials.
func (c *Client) String() string {
	return "etpay.Client{api: " + c.APIURL() + ", funnel: " + c.paymentURL + "}"
}

// GoString keeps credentials out of %#v output.
func (c *Client) GoString() string { return c.String() }

// Format prints String for every verb, so no verb reaches the credentials
// by reflection. Its receiver is a value so that *c prints safely too: fmt
// shows a pointer field of a struct printed by value by reflection, with
// methods off, for verbs such as %s.
func (c Client) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }

// WithHeader adds a header to one call.
func WithHeader(name, value string) paykit.RequestOption { return transport.WithHeader(name, value) }

// WithIdempotencyKey exists so every paykit client has the same per-call
// options. ETpay has no idempotency header, so the key is not sent and does
// not make a call safe to repeat.
func WithIdempotencyKey(key string) paykit.RequestOption { return transport.WithIdempotencyKey(key) }
