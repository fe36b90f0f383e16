// Package transport is the one HTTP engine every paykit client shares: it builds
// requests (JSON kept as exact bytes, forms, query strings, escaped paths),
// authenticates and signs every attempt, retries only what a repeat cannot
// double, carries idempotency keys, caps bodies, turns failures into typed
// errors and logs each attempt without secrets.
//
// Nothing here knows a provider's name: each provider package fills a Config
// and wraps the errors with what its API adds.
package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paykit-go/paykit"
)

// Version is the paykit release sent in the User-Agent header.
const Version = "0.1.0"

// Defaults used when a Config leaves a field at its zero value.
const (
	DefaultMaxRetries     = 2
	DefaultBackoffBase    = 250 * time.Millisecond
	DefaultBackoffCap     = 5 * time.Second
	DefaultRetryAfterCap  = 30 * time.Second
	DefaultMaxBody        = 10 << 20 // 10 MiB
	DefaultErrorExcerpt   = 512
	defaultErrorBodyLimit = 64 << 10
)

// Config is what a provider package hands to New. The zero value of each field
// means "use the default"; MaxRetries is the exception and must be set
// explicitly (providers start from DefaultMaxRetries), because 0 turns retries off.
type Config struct {
	// Provider is the short product name shown in the User-Agent and in log
	// records, e.g. "acme". It is only a label.
	Provider string
	// BaseURL is the API root, absolute http or https; a path prefix is kept.
	BaseURL string
	// HTTPClient sends the requests; nil means DefaultHTTPClient. New uses a
	// copy whose CheckRedirect refuses every redirect (see RedirectError);
	// the caller's client is never changed.
	HTTPClient *http.Client
	// MaxRetries is how many times a failed call may be repeated (0 = never).
	MaxRetries int
	// BackoffBase and BackoffCap shape the exponential backoff with full jitter:
	// wait n is uniform in [0, min(cap, base·2ⁿ)].
	BackoffBase, BackoffCap time.Duration
	// RetryAfterCap bounds how long a Retry-After header may make us wait.
	RetryAfterCap time.Duration
	// Auth authenticates every attempt; nil sends no credentials.
	Auth Authenticator
	// Signer, when set, signs every attempt after the body and headers are final.
	Signer Signer
	// IdempotencyHeader names the header that carries idempotency keys; empty
	// means the API has none, and then unsafe requests are never repeated once
	// they may have reached the server.
	IdempotencyHeader string
	// RequestIDHeaders lists response headers that carry the provider's request
	// id, tried in order. Empty means X-Request-Id.
	RequestIDHeaders []string
	// MaxBodyBytes caps every response body (default 10 MiB).
	MaxBodyBytes int64
	// Logger receives one debug record per attempt; nil logs nothing.
	Logger *slog.Logger
	// AppInfo is appended to the User-Agent, e.g. "shop/1.2".
	AppInfo string
	// Secrets are exact strings (tokens, keys) scrubbed from every error
	// excerpt and log record besides the patterns Redact always removes.
	// Tokens obtained later join them with Client.AddSecrets.
	Secrets []string
	// DecodeError turns a non-2xx answer into the provider's error type. It
	// gets the base error, the raw (capped) body and every secret in force
	// for the call (the client's, those added since and the call's own), and
	// should wrap base so errors.As still finds *Error. Nil returns base as
	// it is.
	DecodeError func(base *Error, body []byte, secrets []string) error
	// Observer, when not nil, sees every call, attempt and token fetch of
	// the client (see paykit.Observer).
	Observer *paykit.Observer

	// Clock, Sleep and Jitter are injected in tests; nil means real time,
	// a context-aware timer and math/rand.
	Clock  func() time.Time
	Sleep  func(ctx context.Context, d time.Duration) error
	Jitter func(n int64) int64
}

// MaxIdleConnsPerHost is how many idle connections to one API host the
// default client keeps for reuse. net/http's default is 2: past two
// concurrent callers every call that finishes closes its connection and the
// next one dials (and for HTTPS, handshakes) again. A payment backend talks
// to one host per provider, often from many goroutines at once.
const MaxIdleConnsPerHost = 256

// DefaultHTTPClient is the client every paykit client uses unless given its
// own: net/http's default transport settings (proxy from the environment,
// HTTP/2, dial and TLS timeouts), a 60 s overall timeout, and up to
// MaxIdleConnsPerHost idle connections kept per host. It is shared, so all
// paykit clients in a process share one connection pool, as they would
// with http.DefaultClient.
var DefaultHTTPClient = &http.Client{Timeout: 60 * time.Second, Transport: defaultTransport()}

func defaultTransport() *http.Transport {
	t := &http.Transport{Proxy: http.ProxyFromEnvironment, ForceAttemptHTTP2: true}
	if d, ok := http.DefaultTransport.(*http.Transport); ok {
		t = d.Clone()
	}
	t.MaxIdleConns = MaxIdleConnsPerHost * 4
	t.MaxIdleConnsPerHost = MaxIdleConnsPerHost
	return t
}

// Client is a configured transport, safe for concurrent use.
type Client struct {
	// cfg sits behind a pointer so that no fmt verb, even one that makes
	// fmt print a provider client's fields by reflection, reaches the
	// credentials it holds (Auth, Secrets).
	cfg       *Config
	hc        *http.Client // a copy of cfg.HTTPClient that refuses redirects
	base      string       // scheme://host/prefix without trailing slash
	userAgent []string     // the User-Agent header value, shared by every attempt
	reqIDHdrs []string
	// host and port are the base URL's, for an Observer.
	host string
	port int
	// secrets is cfg.Secrets followed by what AddSecrets added, replaced
	// whole on every change so readers never lock.
	secrets atomic.Pointer[[]string]
	nfixed  int // how many of secrets came from the Config
	addMu   sync.Mutex
}

// New checks cfg, fills the defaults and returns a ready Client. The error
// names the field that is wrong.
func New(cfg Config) (*Client, error) {
	if cfg.BaseURL == "" {
		return nil, errors.New("base URL: must not be empty")
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("base URL %q: must be an absolute http or https URL", cfg.BaseURL)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("base URL %q: must not carry a query or fragment", cfg.BaseURL)
	}
	if cfg.MaxRetries < 0 {
		return nil, fmt.Errorf("max retries %d: must be 0 (off) or more", cfg.MaxRetries)
	}
	if cfg.MaxRetries > 10 {
		return nil, fmt.Errorf("max retries %d: must be at most 10", cfg.MaxRetries)
	}
	if cfg.BackoffBase < 0 || cfg.BackoffCap < 0 || cfg.RetryAfterCap < 0 {
		return nil, errors.New("backoff: durations must not be negative")
	}
	if cfg.MaxBodyBytes < 0 {
		return nil, errors.New("max body bytes: must not be negative")
	}
	if strings.ContainsAny(cfg.AppInfo, "\r\n") {
		return nil, errors.New("app info: must not contain line breaks")
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = DefaultHTTPClient
	}
	if cfg.BackoffBase == 0 {
		cfg.BackoffBase = DefaultBackoffBase
	}
	if cfg.BackoffCap == 0 {
		cfg.BackoffCap = DefaultBackoffCap
	}
	if cfg.RetryAfterCap == 0 {
		cfg.RetryAfterCap = DefaultRetryAfterCap
	}
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = DefaultMaxBody
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleepCtx
	}
	if cfg.Jitter == nil {
		cfg.Jitter = rand.Int64N
	}
	hc := *cfg.HTTPClient
	hc.CheckRedirect = refuseRedirect
	c := &Client{
		cfg:       &cfg,
		hc:        &hc,
		base:      strings.TrimSuffix(u.Scheme+"://"+u.Host+u.EscapedPath(), "/"),
		userAgent: []string{UserAgent(cfg.Provider, cfg.AppInfo)},
		reqIDHdrs: cfg.RequestIDHeaders,
	}
	c.host, c.port = hostPort(u)
	if len(c.reqIDHdrs) == 0 {
		c.reqIDHdrs = []string{"X-Request-Id"}
	}
	initial := slices.Clip(slices.DeleteFunc(append(slices.Clone(cfg.Secrets), staticCredential(cfg.Auth)...), tooShortSecret))
	c.secrets.Store(&initial)
	c.nfixed = len(initial)
	return c, nil
}

// hostPort is u's host and port, the port from the scheme when u has none.
func hostPort(u *url.URL) (string, int) {
	port, err := strconv.Atoi(u.Port())
	if err != nil {
		port = 443
		if u.Scheme == "http" {
			port = 80
		}
	}
	return u.Hostname(), port
}

// MaxRuntimeSecrets bounds how many secrets AddSecrets keeps per client:
// past it the oldest added ones are forgotten (a token that old has long
// been replaced). The Config's own Secrets are always kept.
const MaxRuntimeSecrets = 1024

// minSecretLen is the shortest value treated as a secret: three characters,
// so a CVV is one, while an empty or one-letter value never blanks out text.
const minSecretLen = 3

func tooShortSecret(s string) bool { return len(s) < minSecretLen }

// AddSecrets makes values the client obtained at run time (an access token
// just fetched, a refreshed token pair) secrets from now on: every later
// error and log record of the client redacts them, as it does the Config's
// Secrets. Values shorter than three bytes and ones already known are
// ignored. Safe for concurrent use.
func (c *Client) AddSecrets(values ...string) {
	c.addMu.Lock()
	defer c.addMu.Unlock()
	cur := *c.secrets.Load()
	var next []string
	for _, v := range values {
		if tooShortSecret(v) || slices.Contains(cur, v) || slices.Contains(next, v) {
			continue
		}
		next = append(next, v)
	}
	if len(next) == 0 {
		return
	}
	added := append(slices.Clone(cur[c.nfixed:]), next...)
	if len(added) > MaxRuntimeSecrets {
		added = added[len(added)-MaxRuntimeSecrets:]
	}
	all := slices.Clip(append(slices.Clone(cur[:c.nfixed]), added...))
	c.secrets.Store(&all)
}

// UserAgent formats "paykit-go/<version> (<provider>) <go version>[ <app>]".
func UserAgent(provider, app string) string {
	ua := "paykit-go/" + Version + " (" + provider + ") " + runtime.Version()
	if app != "" {
		ua += " " + app
	}
	return ua
}

// String describes the client without its credentials.
func (c *Client) String() string { return "transport.Client{" + c.base + "}" }

// Format prints String for every verb, so no verb reaches the credentials.
func (c *Client) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }

// BaseURL returns the API root the client sends to, without a trailing slash.
func (c *Client) BaseURL() string { return c.base }

// Now returns the client's clock reading (injected in tests).
func (c *Client) Now() time.Time { return c.cfg.Clock() }

// Secrets returns the strings the client scrubs from errors and logs now:
// the Config's Secrets and those added since with AddSecrets. The slice is
// shared: do not modify it.
func (c *Client) Secrets() []string { return *c.secrets.Load() }

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		select {
		case <-ctx.Done():
			return errCtxDone
		default:
			return nil
		}
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return errCtxDone
	case <-t.C:
		return nil
	}
}

// errCtxDone tells Do that the sleep ended because the context did; Do then
// reports the context's own error.
var errCtxDone = errors.New("context done")
