// Package clientopt holds the client options every provider package offers
// (WithBaseURL, WithHTTPClient, WithMaxRetries, WithLogger, WithUserAgent,
// WithRetryBackoff, WithClock, WithObserver), so they are checked the same way and reach
// the transport the same way in all four. Each provider's Option writes to
// a settings struct that embeds Common; its With functions keep their own
// doc comments, which say what the option means for that provider.
package clientopt

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/transport"
)

// Common is what the shared options set.
type Common struct {
	BaseURL     string
	HTTPClient  *http.Client
	MaxRetries  int
	Logger      *slog.Logger
	AppInfo     string
	BackoffBase time.Duration
	BackoffCap  time.Duration
	// Clock is nil until WithClock sets it; Now reads time.Now then.
	Clock func() time.Time
	// Observer sees every call (nil: none).
	Observer *paykit.Observer
	// Sleep replaces the wait between attempts; only a provider package's
	// own tests set it (no option does).
	Sleep func(ctx context.Context, d time.Duration) error
	// TokenStore, TokenKey and TokenLocker share a client-credentials token
	// across a fleet (WithTokenStore, WithTokenLocker); nil when not set.
	TokenStore  paykit.TokenStore
	TokenKey    string
	TokenLocker paykit.Locker
	lockerSet   bool
	errs        []error
}

// SetTokenStore records the store and key a client shares its token under.
// A nil store, or a key that is empty or holds control characters, is an
// error.
func (c *Common) SetTokenStore(store paykit.TokenStore, key string) {
	switch {
	case store == nil:
		c.errs = append(c.errs, errors.New("token store: must not be nil (leave the option out to keep the token in this process)"))
	case strings.TrimSpace(key) == "":
		c.errs = append(c.errs, errors.New("token store key: must not be empty"))
	case len(key) > 200 || strings.ContainsFunc(key, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		c.errs = append(c.errs, errors.New("token store key: must be at most 200 bytes without control characters"))
	default:
		c.TokenStore, c.TokenKey = store, key
	}
}

// SetTokenLocker records the locker that lets one replica fetch the shared
// token while the others wait. nil is an error.
func (c *Common) SetTokenLocker(l paykit.Locker) {
	c.lockerSet = true
	if l == nil {
		c.errs = append(c.errs, errors.New("token locker: must not be nil"))
		return
	}
	c.TokenLocker = l
}

// SharedFetch wraps fetch with the token store when one was set
// (transport.SharedToken), and returns it as it is otherwise. onLoad is
// told every token read from the store.
//
// observe, when not nil, is told of every fetch from the provider: with a
// TokenStore, by the shared wrapper (a token read from the store is not a
// fetch), otherwise by the TokenSource the caller builds, through
// ObserveSource.
func (c *Common) SharedFetch(fetch transport.FetchFunc, skew time.Duration, onLoad func(string),
	observe func(ctx context.Context, refresh bool, started time.Time, err error)) transport.FetchFunc {
	if c.TokenStore == nil {
		return fetch
	}
	return transport.SharedToken{Store: c.TokenStore, Key: c.TokenKey, Locker: c.TokenLocker,
		Skew: skew, Clock: c.Now(), OnLoad: onLoad, OnFetch: observe}.Wrap(fetch)
}

// ObserveSource gives observe to src when no TokenStore is set (with one,
// SharedFetch reports the fetches instead).
func (c *Common) ObserveSource(src *transport.TokenSource, observe func(ctx context.Context, refresh bool, started time.Time, err error)) {
	if c.TokenStore == nil && observe != nil {
		src.OnFetch(observe)
	}
}

// New returns the defaults: baseURL and transport.DefaultMaxRetries.
func New(baseURL string) Common {
	return Common{BaseURL: baseURL, MaxRetries: transport.DefaultMaxRetries}
}

// SetHTTPClient records hc; nil is an error, never a silent default.
func (c *Common) SetHTTPClient(hc *http.Client) {
	if hc == nil {
		c.errs = append(c.errs, errors.New("http client: must not be nil"))
		return
	}
	c.HTTPClient = hc
}

// SetRetryBackoff records the backoff's base and cap; negative durations
// are an error, zero keeps the transport's default.
func (c *Common) SetRetryBackoff(base, max time.Duration) {
	if base < 0 || max < 0 {
		c.errs = append(c.errs, errors.New("retry backoff: durations must not be negative"))
		return
	}
	c.BackoffBase, c.BackoffCap = base, max
}

// SetClock records now; nil is an error.
func (c *Common) SetClock(now func() time.Time) {
	if now == nil {
		c.errs = append(c.errs, errors.New("clock: must not be nil"))
		return
	}
	c.Clock = now
}

// Fail records an error of a provider-specific option, reported by Err.
func (c *Common) Fail(err error) { c.errs = append(c.errs, err) }

// Err returns the first option error, prefixed with the provider's name.
func (c *Common) Err(provider string) error {
	if c.lockerSet && c.TokenLocker != nil && c.TokenStore == nil && len(c.errs) == 0 {
		c.errs = append(c.errs, errors.New("token locker: needs a token store (WithTokenStore)"))
	}
	if len(c.errs) == 0 {
		return nil
	}
	return errors.New(provider + ": " + c.errs[0].Error())
}

// Now returns the clock to use: the one WithClock set, or time.Now.
func (c *Common) Now() func() time.Time {
	if c.Clock == nil {
		return time.Now
	}
	return c.Clock
}

// Config fills cfg's shared fields (base URL, HTTP client, retries,
// backoff, logger, user agent, clock, observer) from c.
func (c *Common) Config(cfg *transport.Config) {
	cfg.BaseURL = c.BaseURL
	cfg.HTTPClient = c.HTTPClient
	cfg.MaxRetries = c.MaxRetries
	cfg.BackoffBase, cfg.BackoffCap = c.BackoffBase, c.BackoffCap
	cfg.Logger = c.Logger
	cfg.AppInfo = c.AppInfo
	cfg.Clock = c.Now()
	cfg.Sleep = c.Sleep
	cfg.Observer = c.Observer
}
