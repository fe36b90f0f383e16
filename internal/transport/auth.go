package transport

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/paykit-go/paykit"

	"github.com/paykit-go/paykit/internal/reqopt"

	"golang.org/x/sync/singleflight"
)

// Authenticator puts credentials on one attempt of a request (see
// reqopt.Authenticator). It is called again on every retry, so a refreshed
// token is picked up.
type Authenticator = reqopt.Authenticator

// Invalidator is an Authenticator whose credential can go stale (an OAuth
// token). When an attempt comes back 401, the transport calls Invalidate with
// that attempt's request and, if it returns true, repeats the call once with a
// fresh credential.
type Invalidator interface {
	Authenticator
	Invalidate(req *http.Request) bool
}

type noAuth struct{}

func (noAuth) Authenticate(context.Context, *http.Request) error { return nil }

// NoAuth, set as Request.Auth, sends a request without the client's
// credentials (for example a token endpoint that authenticates in its body).
var NoAuth Authenticator = noAuth{}

type staticHeader struct{ name, value string }

func (s staticHeader) Authenticate(_ context.Context, req *http.Request) error {
	req.Header.Set(s.name, s.value)
	return nil
}

func (s staticHeader) String() string   { return "transport.Authenticator(" + s.name + ": [redacted])" }
func (s staticHeader) GoString() string { return s.String() }

func (s staticHeader) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, s.String()) }

// staticCredential returns the credential a fixed header sends, without its
// scheme word: Basic's base64 of "user:password" is in no Secrets list, and
// a server that echoes it leaves no "Basic" word for Redact to find.
func staticCredential(a Authenticator) []string {
	s, ok := a.(staticHeader)
	if !ok {
		return nil
	}
	if _, cred, ok := strings.Cut(s.value, " "); ok {
		return []string{cred}
	}
	return []string{s.value}
}

// Bearer authenticates with a fixed "Authorization: Bearer <token>".
func Bearer(token string) Authenticator {
	return staticHeader{name: "Authorization", value: "Bearer " + token}
}

// BearerIn is Bearer in another header, e.g. Proxy-Authorization.
func BearerIn(header, token string) Authenticator {
	return staticHeader{name: header, value: "Bearer " + token}
}

// Basic authenticates with HTTP basic credentials.
func Basic(user, password string) Authenticator {
	return staticHeader{name: "Authorization", value: "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))}
}

// Token is paykit.Token: a token obtained at run time and its expiry.
type Token = paykit.Token

// FetchFunc obtains a new token, for example with a client-credentials call.
type FetchFunc func(ctx context.Context) (Token, error)

// TokenSource caches a token, replaces it shortly before it expires, runs one
// fetch however many goroutines wait for it, and drops it when the API
// answers 401. It implements Invalidator for the Authorization header.
type TokenSource struct {
	fetch        FetchFunc
	skew         time.Duration
	clock        func() time.Time
	fetchTimeout time.Duration

	mu      sync.Mutex
	tok     Token
	tokSkew time.Duration // how long before tok.Expiry it is replaced
	valid   bool
	group   singleflight.Group
	// onFetch, when set, hears of every fetch (see OnFetch).
	onFetch func(ctx context.Context, refresh bool, started time.Time, err error)
}

// DefaultTokenSkew is the longest a cached token is replaced before its
// expiry. A token that lives less than ten times as long is replaced a tenth
// of its lifetime early instead, so a short-lived token is still reused.
const DefaultTokenSkew = 60 * time.Second

// DefaultTokenFetchTimeout bounds one shared token fetch, retries included.
// The fetch runs apart from any caller's context (one caller giving up must
// not fail the others), so without a bound of its own a stalled token
// endpoint would hold every later call until the connection died.
const DefaultTokenFetchTimeout = 30 * time.Second

// NewTokenSource returns a source that calls fetch when it has no fresh token.
// skew <= 0 means DefaultTokenSkew; clock nil means time.Now. Each fetch may
// take DefaultTokenFetchTimeout at most (see SetFetchTimeout).
func NewTokenSource(fetch FetchFunc, skew time.Duration, clock func() time.Time) *TokenSource {
	if skew <= 0 {
		skew = DefaultTokenSkew
	}
	if clock == nil {
		clock = time.Now
	}
	return &TokenSource{fetch: fetch, skew: skew, clock: clock, fetchTimeout: DefaultTokenFetchTimeout}
}

// SetFetchTimeout changes how long one shared fetch may take (d <= 0 keeps
// the current bound). Call it before the source is used.
func (s *TokenSource) SetFetchTimeout(d time.Duration) {
	if d > 0 {
		s.fetchTimeout = d
	}
}

// OnFetch makes the source call f after each fetch it runs, with whether
// it replaced a token held before, when the fetch began and its error (nil
// when a token came): Client.ObserveToken, to tell an Observer. Call it
// before the source is used.
func (s *TokenSource) OnFetch(f func(ctx context.Context, refresh bool, started time.Time, err error)) {
	s.onFetch = f
}

// skewFor is how long before its expiry t is replaced: the source's skew,
// or a tenth of t's remaining lifetime when that is shorter.
func (s *TokenSource) skewFor(t Token, now time.Time) time.Duration {
	if t.Expiry.IsZero() {
		return 0
	}
	return min(s.skew, t.Expiry.Sub(now)/10)
}

func (s *TokenSource) cached() (Token, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.valid {
		return Token{}, false
	}
	if !s.tok.Expiry.IsZero() && !s.clock().Add(s.tokSkew).Before(s.tok.Expiry) {
		return Token{}, false
	}
	return s.tok, true
}

// Token returns a fresh token, fetching one if needed. Waiting ends when ctx
// does; the fetch itself carries on for the other waiters, bounded by its
// own timeout, and once it ends (with a token or an error) the next caller
// that finds no fresh token starts a new one.
func (s *TokenSource) Token(ctx context.Context) (Token, error) {
	if t, ok := s.cached(); ok {
		return t, nil
	}
	ch := s.group.DoChan("token", func() (any, error) {
		// Another flight may have finished between our cache check and now.
		if t, ok := s.cached(); ok {
			return t, nil
		}
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.fetchTimeout)
		defer cancel()
		t, err := s.observedFetch(fctx)
		if err != nil {
			if fctx.Err() != nil { // only the fetch's own bound can end fctx
				return Token{}, fmt.Errorf("token fetch gave up after %s: %w", s.fetchTimeout, err)
			}
			return Token{}, err
		}
		if t.Value == "" {
			return Token{}, errors.New("token endpoint returned an empty token")
		}
		s.mu.Lock()
		s.tok, s.valid = t, true
		s.tokSkew = s.skewFor(t, s.clock())
		s.mu.Unlock()
		return t, nil
	})
	select {
	case <-ctx.Done():
		return Token{}, ctx.Err()
	case r := <-ch:
		if r.Err != nil {
			return Token{}, fmt.Errorf("obtaining access token: %w", r.Err)
		}
		return r.Val.(Token), nil
	}
}

// observedFetch runs the fetch and tells onFetch, if set, how it went.
func (s *TokenSource) observedFetch(ctx context.Context) (Token, error) {
	if s.onFetch == nil {
		return s.fetch(ctx)
	}
	s.mu.Lock()
	refresh := s.tok.Value != ""
	s.mu.Unlock()
	return fetchTold(ctx, s.fetch, s.clock, refresh, s.onFetch)
}

// fetchTold runs fetch and tells onFetch how it went: refresh (a token
// was held before), when it began, and its error (an empty token is one).
func fetchTold(ctx context.Context, fetch FetchFunc, clock func() time.Time, refresh bool,
	onFetch func(ctx context.Context, refresh bool, started time.Time, err error)) (Token, error) {
	started := clock()
	t, err := fetch(ctx)
	if err == nil && t.Value == "" {
		err = errors.New("token endpoint returned an empty token")
	}
	onFetch(ctx, refresh, started, err)
	return t, err
}

// Authenticate sets "Authorization: Bearer <token>".
func (s *TokenSource) Authenticate(ctx context.Context, req *http.Request) error {
	t, err := s.Token(ctx)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+t.Value)
	return nil
}

// Invalidate drops the cached token if it is the one req carried, so the next
// call fetches a new one. It reports whether a retry can expect another token.
func (s *TokenSource) Invalidate(req *http.Request) bool {
	return s.invalidate(req.Header.Get("Authorization"))
}

func (s *TokenSource) invalidate(header string) bool {
	used, ok := strings.CutPrefix(header, "Bearer ")
	if !ok {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.valid && s.tok.Value == used {
		s.valid = false
	}
	return true
}

// In returns an Invalidator that puts the same cached token in another
// header as "Bearer <token>" (e.g. Proxy-Authorization).
func (s *TokenSource) In(header string) Invalidator {
	return tokenIn{s: s, header: header}
}

type tokenIn struct {
	s      *TokenSource
	header string
}

func (t tokenIn) Authenticate(ctx context.Context, req *http.Request) error {
	tok, err := t.s.Token(ctx)
	if err != nil {
		return err
	}
	req.Header.Set(t.header, "Bearer "+tok.Value)
	return nil
}

func (t tokenIn) Invalidate(req *http.Request) bool { return t.s.invalidate(req.Header.Get(t.header)) }

// String keeps cached credentials out of fmt output.
func (s *TokenSource) String() string { return "transport.TokenSource{[redacted]}" }

// GoString keeps cached credentials out of %#v output.
func (s *TokenSource) GoString() string { return s.String() }

// Format prints String for every verb, so no verb reaches the cached token.
func (s *TokenSource) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, s.String()) }
