package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/iotest"
	"time"

	"github.com/google/uuid"
	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testBase = "https://api.test.invalid"

// recorder is an injected Sleep that returns at once and remembers the waits.
type recorder struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (r *recorder) sleep(ctx context.Context, d time.Duration) error {
	r.mu.Lock()
	r.waits = append(r.waits, d)
	r.mu.Unlock()
	return ctx.Err()
}

// newMocked returns a client whose HTTP goes to an httpmock transport.
func newMocked(t *testing.T, mod func(*Config)) (*Client, *httpmock.MockTransport, *recorder) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	rec := &recorder{}
	cfg := Config{
		Provider:          "test",
		BaseURL:           testBase,
		HTTPClient:        &http.Client{Transport: mt},
		MaxRetries:        DefaultMaxRetries,
		IdempotencyHeader: "X-Idempotency-Key",
		Sleep:             rec.sleep,
		Jitter:            func(n int64) int64 { return n - 1 },
	}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	require.NoError(t, err)
	return c, mt, rec
}

func TestNewRejectsBadConfig(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
		want string
	}{
		{"empty base", Config{}, "base URL: must not be empty"},
		{"relative base", Config{BaseURL: "/v1"}, "must be an absolute http or https URL"},
		{"ftp base", Config{BaseURL: "ftp://x"}, "must be an absolute http or https URL"},
		{"query in base", Config{BaseURL: "https://x/?a=1"}, "must not carry a query"},
		{"negative retries", Config{BaseURL: testBase, MaxRetries: -1}, "max retries -1"},
		{"too many retries", Config{BaseURL: testBase, MaxRetries: 11}, "at most 10"},
		{"negative body cap", Config{BaseURL: testBase, MaxBodyBytes: -1}, "max body bytes"},
		{"app info newline", Config{BaseURL: testBase, AppInfo: "a\r\nX: y"}, "line breaks"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestPathEscapesEachSegment(t *testing.T) {
	assert.Equal(t, "/v1/payments/123", Path("v1", "payments", "123"))
	assert.Equal(t, "/v1/payments/..%2Fx", Path("v1", "payments", "../x"))
	assert.Equal(t, "/v1/payments/%2E%2E", Path("v1", "payments", ".."))
	assert.Equal(t, "/v1/payments/%2E", Path("v1", "payments", "."))
	assert.Equal(t, "/v1/c/a%2Fb%3Fq=1", Path("v1", "c", "a/b?q=1"))
}

func TestPathTraversalDoesNotChangeRoute(t *testing.T) {
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.EscapedPath()
		_, _ = io.WriteString(w, `{}`)
	}))
	defer srv.Close()
	c, err := New(Config{BaseURL: srv.URL + "/api/", MaxRetries: 0})
	require.NoError(t, err)
	_, err = c.Do(context.Background(), &Request{Method: "GET", Path: Path("v1", "payments", "../../admin")}, &map[string]any{})
	require.NoError(t, err)
	assert.Equal(t, "/api/v1/payments/..%2F..%2Fadmin", got)
}

func TestJSONBodyExactBytesNoHTMLEscaping(t *testing.T) {
	c, mt, _ := newMocked(t, nil)
	var bodies [][]byte
	calls := 0
	mt.RegisterResponder("POST", testBase+"/v1/things", func(r *http.Request) (*http.Response, error) {
		b, _ := io.ReadAll(r.Body)
		bodies = append(bodies, b)
		calls++
		if calls == 1 {
			return httpmock.NewStringResponse(503, "busy"), nil
		}
		return httpmock.NewStringResponse(201, `{"id":7}`), nil
	})
	in := map[string]any{"description": "a <b> & c", "amount": json.Number("10.50")}
	var out struct {
		ID int `json:"id"`
	}
	resp, err := c.Do(context.Background(), &Request{Method: "POST", Path: "/v1/things", JSON: in}, &out)
	require.NoError(t, err)
	assert.Equal(t, 7, out.ID)
	assert.Equal(t, 2, resp.Attempts)
	require.Len(t, bodies, 2)
	assert.Equal(t, `{"amount":10.50,"description":"a <b> & c"}`, string(bodies[0]))
	assert.Equal(t, bodies[0], bodies[1], "a retry must resend the same bytes")
}

func TestFormAndQuery(t *testing.T) {
	c, mt, _ := newMocked(t, nil)
	type q struct {
		Limit  int    `url:"limit"`
		Offset int    `url:"offset,omitempty"`
		Email  string `url:"email,omitempty"`
	}
	mt.RegisterResponder("POST", testBase+"/token", func(r *http.Request) (*http.Response, error) {
		assert.Equal(t, "application/x-www-form-urlencoded", r.Header.Get("Content-Type"))
		assert.Equal(t, "email=a%2Bb%40x.io&limit=5", r.URL.RawQuery)
		b, _ := io.ReadAll(r.Body)
		assert.Equal(t, "grant_type=client_credentials&scope=PIS", string(b))
		return httpmock.NewStringResponse(200, `{"ok":true}`), nil
	})
	var out map[string]bool
	_, err := c.Do(context.Background(), &Request{
		Method: "POST", Path: "/token",
		Query: q{Limit: 5, Email: "a+b@x.io"},
		Form:  url.Values{"grant_type": {"client_credentials"}, "scope": {"PIS"}},
	}, &out)
	require.NoError(t, err)
	assert.True(t, out["ok"])
}

func TestHeadersOnTheWire(t *testing.T) {
	c, mt, _ := newMocked(t, func(cfg *Config) {
		cfg.Auth = Bearer("tok-123")
		cfg.AppInfo = "shop/1.2"
	})
	mt.RegisterResponder("GET", testBase+"/v1/x", func(r *http.Request) (*http.Response, error) {
		assert.Equal(t, "Bearer tok-123", r.Header.Get("Authorization"))
		assert.Equal(t, "application/json", r.Header.Get("Accept"))
		assert.Regexp(t, `^paykit-go/\d+\.\d+\.\d+ \(test\) go\S+ shop/1\.2$`, r.Header.Get("User-Agent"))
		assert.Empty(t, r.Header.Get("X-Idempotency-Key"), "GET carries no idempotency key")
		assert.Equal(t, "es", r.Header.Get("X-Lang"))
		return httpmock.NewStringResponse(200, `{}`), nil
	})
	req := (&Request{Method: "GET", Path: "/v1/x"}).Apply([]RequestOption{WithHeader("X-Lang", "es")})
	_, err := c.Do(context.Background(), req, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

// fault is what the fake server does to one attempt.
type fault string

const (
	fDial      fault = "dial refused"
	f429       fault = "429"
	f500       fault = "500"
	f502       fault = "502"
	f503       fault = "503"
	f504       fault = "504"
	f400       fault = "400"
	f409       fault = "409"
	fReset     fault = "reset after write"
	fUnhandled fault = "timeout after write"
)

func TestRetryMatrix(t *testing.T) {
	type call struct {
		name   string
		method string
		key    bool // caller asks for an idempotency key on a client that supports one
		noKey  bool // client without idempotency header
	}
	calls := []call{
		{"GET", "GET", false, false},
		{"POST with key", "POST", true, false},
		{"POST without key", "POST", false, true},
		{"PUT", "PUT", false, true},
		{"DELETE", "DELETE", false, true},
	}
	// With MaxRetries 2, a retryable fault is tried 3 times.
	want := map[fault]map[string]int{
		fDial:      {"GET": 3, "POST with key": 3, "POST without key": 3, "PUT": 3, "DELETE": 3},
		f429:       {"GET": 3, "POST with key": 3, "POST without key": 3, "PUT": 3, "DELETE": 3},
		f500:       {"GET": 3, "POST with key": 3, "POST without key": 1, "PUT": 3, "DELETE": 3},
		f502:       {"GET": 3, "POST with key": 3, "POST without key": 1, "PUT": 3, "DELETE": 3},
		f503:       {"GET": 3, "POST with key": 3, "POST without key": 1, "PUT": 3, "DELETE": 3},
		f504:       {"GET": 3, "POST with key": 3, "POST without key": 1, "PUT": 3, "DELETE": 3},
		fReset:     {"GET": 3, "POST with key": 3, "POST without key": 1, "PUT": 3, "DELETE": 3},
		fUnhandled: {"GET": 3, "POST with key": 3, "POST without key": 1, "PUT": 3, "DELETE": 3},
		f400:       {"GET": 1, "POST with key": 1, "POST without key": 1, "PUT": 1, "DELETE": 1},
		f409:       {"GET": 1, "POST with key": 1, "POST without key": 1, "PUT": 1, "DELETE": 1},
	}
	for f, byCall := range want {
		for _, cl := range calls {
			t.Run(string(f)+"/"+cl.name, func(t *testing.T) {
				var attempts atomic.Int32
				held := make(chan struct{})
				srv := newFaultServer(t, f, &attempts, held)
				base := srv.URL
				if f == fDial {
					base = closedAddr(t)
				}
				// The timeout only guards against a hang: an answer that is
				// slow because the machine is busy must not turn into a
				// network error. fUnhandled's client gives up on its own.
				hc := &http.Client{Timeout: hangGuard}
				if f == fUnhandled {
					hc.Transport = giveUpWhenHeld{next: http.DefaultTransport, held: held}
				}
				rec := &recorder{}
				cfg := Config{
					BaseURL:    base,
					MaxRetries: 2,
					Sleep:      rec.sleep,
					HTTPClient: hc,
				}
				if !cl.noKey {
					cfg.IdempotencyHeader = "Idempotency-Key"
				}
				c, err := New(cfg)
				require.NoError(t, err)
				var body any
				if cl.method == "POST" || cl.method == "PUT" {
					body = map[string]int{"amount": 100}
				}
				_, err = c.Do(context.Background(), &Request{Method: cl.method, Path: "/r", JSON: body}, nil)
				require.Error(t, err)
				n := int(attempts.Load())
				if f == fDial {
					var ne *NetworkError
					require.ErrorAs(t, err, &ne)
					assert.False(t, ne.MayHaveReachedServer, "a refused dial never reached the server")
					n = ne.Attempts
				}
				assert.Equal(t, byCall[cl.name], n, "attempts")
				assert.Len(t, rec.waits, byCall[cl.name]-1, "one wait between attempts")
				switch f {
				case fReset, fUnhandled:
					var ne *NetworkError
					require.ErrorAs(t, err, &ne)
					assert.True(t, ne.MayHaveReachedServer)
				case f429, f500, f502, f503, f504, f400, f409:
					var e *Error
					require.ErrorAs(t, err, &e)
					assert.Equal(t, string(f), fmt.Sprint(e.StatusCode))
					assert.Equal(t, n, e.Attempts)
				}
			})
		}
	}
}

// hangGuard bounds a wait only so that a stuck test fails instead of hanging;
// nothing that works, however busy the machine, comes near it.
const hangGuard = time.Minute

// newFaultServer answers every attempt with f. For fUnhandled it sends on
// held once it has the request, then holds it, unanswered, until the client
// gives up.
func newFaultServer(t *testing.T, f fault, attempts *atomic.Int32, held chan<- struct{}) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		attempts.Add(1)
		switch f {
		case fReset:
			hj, ok := w.(http.Hijacker)
			if !ok {
				t.Error("no hijacker")
				return
			}
			conn, _, _ := hj.Hijack()
			if tc, ok := conn.(*net.TCPConn); ok {
				_ = tc.SetLinger(0)
			}
			_ = conn.Close()
		case fUnhandled:
			select {
			case held <- struct{}{}:
			case <-r.Context().Done():
				return
			}
			select {
			case <-r.Context().Done():
			case <-time.After(hangGuard):
			}
		default:
			var code int
			_, _ = fmt.Sscan(string(f), &code)
			w.WriteHeader(code)
			_, _ = io.WriteString(w, `{"message":"nope"}`)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// giveUpWhenHeld plays a client timeout that fires after the request was
// delivered and before any answer: it abandons each request once the server
// sends on held. A fixed timeout cannot promise that on a busy machine: it
// may fire before the server has counted the request (or while the dial is
// still under way), or after a hold the server ended itself.
type giveUpWhenHeld struct {
	next http.RoundTripper
	held <-chan struct{}
}

func (g giveUpWhenHeld) RoundTrip(r *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithCancel(r.Context())
	go func() {
		select {
		case <-g.held:
			cancel()
		case <-ctx.Done():
		}
	}()
	resp, err := g.next.RoundTrip(r.WithContext(ctx))
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// cancelOnClose ends a request's context when its body is closed.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}

// closedAddr returns an http URL on a loopback port nothing listens on:
// port 0, which no listener can own, so a connection to it is refused
// every time. (A port taken from a listener and closed again can be handed
// to another test's server meanwhile, and the request would reach it.)
func closedAddr(*testing.T) string {
	return "http://127.0.0.1:0"
}

func TestRetryAfterBothForms(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	cases := []struct {
		name   string
		header string
		want   time.Duration
	}{
		{"delta seconds", "3", 3 * time.Second},
		{"http date", now.Add(7 * time.Second).Format(http.TimeFormat), 7 * time.Second},
		{"date in the past", now.Add(-time.Minute).Format(http.TimeFormat), 0},
		{"capped seconds", "86400", 30 * time.Second},
		{"capped date", now.Add(time.Hour).Format(http.TimeFormat), 30 * time.Second},
		{"garbage falls back to backoff", "soon", DefaultBackoffBase},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, mt, rec := newMocked(t, func(cfg *Config) {
				cfg.MaxRetries = 1
				cfg.Clock = func() time.Time { return now }
			})
			n := 0
			mt.RegisterResponder("GET", testBase+"/x", func(*http.Request) (*http.Response, error) {
				n++
				if n == 1 {
					r := httpmock.NewStringResponse(429, "slow down")
					r.Header.Set("Retry-After", tc.header)
					return r, nil
				}
				return httpmock.NewStringResponse(200, `{}`), nil
			})
			_, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/x"}, nil)
			require.NoError(t, err)
			require.Len(t, rec.waits, 1)
			assert.Equal(t, tc.want, rec.waits[0])
		})
	}
}

func TestBackoffGrowsAndIsCapped(t *testing.T) {
	c, _, _ := newMocked(t, func(cfg *Config) {
		cfg.BackoffBase = 100 * time.Millisecond
		cfg.BackoffCap = 350 * time.Millisecond
	})
	assert.Equal(t, 100*time.Millisecond, c.backoff(1))
	assert.Equal(t, 200*time.Millisecond, c.backoff(2))
	assert.Equal(t, 350*time.Millisecond, c.backoff(3))
	assert.Equal(t, 350*time.Millisecond, c.backoff(9))
	// Full jitter: the wait is drawn from [0, ceiling].
	var seen []int64
	c.cfg.Jitter = func(n int64) int64 { seen = append(seen, n); return 0 }
	assert.Equal(t, time.Duration(0), c.backoff(2))
	assert.Equal(t, []int64{int64(200*time.Millisecond) + 1}, seen)
}

func TestContextCancelledDuringBackoffReturnsFast(t *testing.T) {
	var attempts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		attempts.Add(1)
		w.WriteHeader(503)
	}))
	defer srv.Close()
	// The backoff is an hour and runs on the default sleep; the context is
	// cancelled once that sleep has begun.
	sleeping := make(chan struct{})
	var once sync.Once
	c, err := New(Config{BaseURL: srv.URL, MaxRetries: 5, BackoffBase: time.Hour, BackoffCap: time.Hour,
		Jitter: func(n int64) int64 { return n - 1 },
		Sleep: func(ctx context.Context, d time.Duration) error {
			once.Do(func() { close(sleeping) })
			return sleepCtx(ctx, d)
		}})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-sleeping
		cancel()
	}()
	done := make(chan error, 1)
	go func() {
		_, err := c.Do(ctx, &Request{Method: "GET", Path: "/x"}, nil)
		done <- err
	}()
	// Ending the hour's wait with the context must not wait it out; the
	// minute only guards against a hang.
	select {
	case err = <-done:
	case <-time.After(hangGuard):
		t.Fatal("Do still waiting for its hour-long backoff after the context was cancelled")
	}
	require.Error(t, err)
	assert.ErrorIs(t, err, context.Canceled)
	var e *Error
	require.ErrorAs(t, err, &e, "the last failure stays reachable")
	assert.Equal(t, 503, e.StatusCode)
	assert.Equal(t, int32(1), attempts.Load(), "no attempt after the cancel")
}

// TestDeadlineShorterThanBackoffGivesUpAtOnce: a backoff of two hours with
// an hour left on the context is not slept at all; the call ends with
// DeadlineExceeded while the context is still live.
func TestDeadlineShorterThanBackoffGivesUpAtOnce(t *testing.T) {
	var attempts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		attempts.Add(1)
		w.WriteHeader(502)
	}))
	defer srv.Close()
	rec := &recorder{}
	c, err := New(Config{BaseURL: srv.URL, MaxRetries: 3, BackoffBase: 2 * time.Hour, BackoffCap: 2 * time.Hour,
		Jitter: func(n int64) int64 { return n - 1 }, Sleep: rec.sleep})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	_, err = c.Do(ctx, &Request{Method: "GET", Path: "/x"}, nil)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	var e *Error
	assert.ErrorAs(t, err, &e, "the last failure stays reachable")
	assert.NoError(t, ctx.Err(), "gave up before the deadline, not at it")
	assert.Empty(t, rec.waits, "no wait was begun")
	assert.Equal(t, int32(1), attempts.Load())
}

func TestIdempotencyKeySameOnEveryAttempt(t *testing.T) {
	c, mt, _ := newMocked(t, nil)
	var keys []string
	mt.RegisterResponder("POST", testBase+"/pay", func(r *http.Request) (*http.Response, error) {
		keys = append(keys, r.Header.Get("X-Idempotency-Key"))
		if len(keys) < 3 {
			return httpmock.NewStringResponse(500, `{}`), nil
		}
		return httpmock.NewStringResponse(201, `{}`), nil
	})
	resp, err := c.Do(context.Background(), &Request{Method: "POST", Path: "/pay", JSON: map[string]int{"a": 1}}, nil)
	require.NoError(t, err)
	require.Len(t, keys, 3)
	u, err := uuid.Parse(keys[0])
	require.NoError(t, err)
	assert.Equal(t, uuid.Version(4), u.Version())
	assert.Equal(t, keys[0], keys[1])
	assert.Equal(t, keys[0], keys[2])
	assert.Equal(t, keys[0], resp.IdempotencyKey, "the key is reported on the result")

	// A caller's own key is used as is and reported on the error.
	keys = nil
	mt.RegisterResponder("POST", testBase+"/pay", func(r *http.Request) (*http.Response, error) {
		keys = append(keys, r.Header.Get("X-Idempotency-Key"))
		return httpmock.NewStringResponse(400, `{"message":"bad"}`), nil
	})
	req := (&Request{Method: "POST", Path: "/pay"}).Apply([]RequestOption{WithIdempotencyKey("order-42")})
	_, err = c.Do(context.Background(), req, nil)
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "order-42", e.IdempotencyKey)
	assert.Equal(t, []string{"order-42"}, keys)
}

func TestSignerRunsOnEveryAttemptWithFinalBody(t *testing.T) {
	var signed []string
	signer := signerFunc(func(req *http.Request, body []byte) error {
		signed = append(signed, req.Header.Get("Authorization")+"|"+string(body))
		req.Header.Set("Signature", fmt.Sprintf("sig-%d", len(signed)))
		return nil
	})
	c, mt, _ := newMocked(t, func(cfg *Config) { cfg.Signer = signer; cfg.Auth = Bearer("t") })
	var sigs []string
	mt.RegisterResponder("POST", testBase+"/s", func(r *http.Request) (*http.Response, error) {
		sigs = append(sigs, r.Header.Get("Signature"))
		if len(sigs) == 1 {
			return httpmock.NewStringResponse(503, ``), nil
		}
		return httpmock.NewStringResponse(200, `{}`), nil
	})
	_, err := c.Do(context.Background(), &Request{Method: "POST", Path: "/s", JSON: map[string]string{"k": "v"}}, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"Bearer t|{\"k\":\"v\"}", "Bearer t|{\"k\":\"v\"}"}, signed)
	assert.Equal(t, []string{"sig-1", "sig-2"}, sigs)
}

type signerFunc func(*http.Request, []byte) error

func (f signerFunc) SignRequest(r *http.Request, b []byte) error { return f(r, b) }

func TestSetupFailureSendsNothing(t *testing.T) {
	c, mt, _ := newMocked(t, func(cfg *Config) {
		cfg.Signer = signerFunc(func(*http.Request, []byte) error { return errors.New("no key") })
	})
	mt.RegisterNoResponder(httpmock.NewStringResponder(200, `{}`))
	_, err := c.Do(context.Background(), &Request{Method: "POST", Path: "/s"}, nil)
	require.ErrorContains(t, err, "signing request: no key")
	assert.Equal(t, 0, mt.GetTotalCallCount())
}

func TestTokenSourceOneFetchForManyWaiters(t *testing.T) {
	var fetches atomic.Int32
	release := make(chan struct{})
	ts := NewTokenSource(func(ctx context.Context) (Token, error) {
		fetches.Add(1)
		<-release
		return Token{Value: "tok", Expiry: time.Now().Add(time.Hour)}, nil
	}, 0, nil)
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tok, err := ts.Token(context.Background())
			if err == nil && tok.Value != "tok" {
				err = errors.New("wrong token")
			}
			errs <- err
		}()
	}
	time.Sleep(20 * time.Millisecond)
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, int32(1), fetches.Load())
}

func TestTokenSourceRefreshesBeforeExpiry(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	n := 0
	ts := NewTokenSource(func(ctx context.Context) (Token, error) {
		n++
		return Token{Value: fmt.Sprintf("t%d", n), Expiry: now.Add(time.Hour)}, nil
	}, 5*time.Minute, func() time.Time { return now })
	tok, err := ts.Token(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "t1", tok.Value)
	now = now.Add(54 * time.Minute) // 6 minutes left: still fresh
	tok, _ = ts.Token(context.Background())
	assert.Equal(t, "t1", tok.Value)
	now = now.Add(2 * time.Minute) // 4 minutes left: inside the skew
	tok, _ = ts.Token(context.Background())
	assert.Equal(t, "t2", tok.Value)
	assert.Equal(t, 2, n)
}

func TestTokenSourceWaiterLeavesWithContext(t *testing.T) {
	block := make(chan struct{})
	defer close(block)
	ts := NewTokenSource(func(ctx context.Context) (Token, error) {
		<-block
		return Token{Value: "late"}, nil
	}, 0, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	_, err := ts.Token(ctx)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestUnauthorizedRefreshesOnceAndDoesNotLoop(t *testing.T) {
	var fetches atomic.Int32
	ts := NewTokenSource(func(ctx context.Context) (Token, error) {
		n := fetches.Add(1)
		return Token{Value: fmt.Sprintf("tok-%d", n), Expiry: time.Now().Add(time.Hour)}, nil
	}, 0, nil)
	c, mt, _ := newMocked(t, func(cfg *Config) { cfg.Auth = ts })
	var seen []string
	mt.RegisterResponder("GET", testBase+"/me", func(r *http.Request) (*http.Response, error) {
		seen = append(seen, r.Header.Get("Authorization"))
		return httpmock.NewStringResponse(401, `{"message":"expired"}`), nil
	})
	_, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/me"}, nil)
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, 401, e.StatusCode)
	assert.Equal(t, []string{"Bearer tok-1", "Bearer tok-2"}, seen, "one refresh, one repeat, no loop")
	assert.Equal(t, int32(2), fetches.Load())

	// A 401 followed by success: the second token sticks.
	seen = nil
	mt.RegisterResponder("GET", testBase+"/me", func(r *http.Request) (*http.Response, error) {
		seen = append(seen, r.Header.Get("Authorization"))
		if len(seen) == 1 {
			return httpmock.NewStringResponse(401, ``), nil
		}
		return httpmock.NewStringResponse(200, `{}`), nil
	})
	_, err = c.Do(context.Background(), &Request{Method: "GET", Path: "/me"}, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"Bearer tok-2", "Bearer tok-3"}, seen)
}

func TestBodyCap(t *testing.T) {
	c, mt, _ := newMocked(t, func(cfg *Config) { cfg.MaxBodyBytes = 1024 })
	mt.RegisterResponder("GET", testBase+"/exact", httpmock.NewStringResponder(200, `"`+strings.Repeat("a", 1022)+`"`))
	mt.RegisterResponder("GET", testBase+"/big", httpmock.NewStringResponder(200, `"`+strings.Repeat("a", 1023)+`"`))
	var s string
	_, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/exact"}, &s)
	require.NoError(t, err)
	assert.Len(t, s, 1022)
	_, err = c.Do(context.Background(), &Request{Method: "GET", Path: "/big"}, &s)
	require.ErrorIs(t, err, ErrResponseTooLarge)
	assert.Contains(t, err.Error(), "larger than the 1024-byte limit")
	assert.Equal(t, 1, mt.GetCallCountInfo()["GET "+testBase+"/big"], "an oversized answer is not fetched again")
}

func TestUndecodableAndEmptySuccessBodies(t *testing.T) {
	c, mt, _ := newMocked(t, nil)
	mt.RegisterResponder("GET", testBase+"/html", httpmock.NewStringResponder(200, `<html>oops</html>`))
	mt.RegisterResponder("GET", testBase+"/empty", httpmock.NewStringResponder(200, ``))
	mt.RegisterResponder("DELETE", testBase+"/gone", httpmock.NewStringResponder(204, ``))
	var out map[string]any
	_, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/html"}, &out)
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, 200, e.StatusCode)
	assert.Contains(t, err.Error(), "not the JSON expected")
	var se *json.SyntaxError
	assert.ErrorAs(t, err, &se)
	_, err = c.Do(context.Background(), &Request{Method: "GET", Path: "/empty"}, &out)
	assert.ErrorContains(t, err, "empty response body")
	_, err = c.Do(context.Background(), &Request{Method: "DELETE", Path: "/gone"}, &out)
	assert.NoError(t, err)
}

func TestDecodeErrorHookWrapsBase(t *testing.T) {
	c, mt, _ := newMocked(t, func(cfg *Config) {
		cfg.DecodeError = func(base *Error, body []byte, _ []string) error {
			var b struct{ Code string }
			_ = json.Unmarshal(body, &b)
			return &wrapped{base: base, code: b.Code}
		}
		cfg.RequestIDHeaders = []string{"X-Request-Id"}
	})
	mt.RegisterResponder("GET", testBase+"/e", func(*http.Request) (*http.Response, error) {
		r := httpmock.NewStringResponse(404, `{"code":"not_found"}`)
		r.Header.Set("X-Request-Id", "req-9")
		return r, nil
	})
	_, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/e"}, nil)
	var w *wrapped
	require.ErrorAs(t, err, &w)
	assert.Equal(t, "not_found", w.code)
	var base *Error
	require.ErrorAs(t, err, &base)
	assert.Equal(t, "req-9", base.RequestID)
	assert.Contains(t, base.Error(), "404 Not Found (request id req-9)")
}

type wrapped struct {
	base *Error
	code string
}

func (w *wrapped) Error() string { return w.code + ": " + w.base.Error() }
func (w *wrapped) Unwrap() error { return w.base }

func TestSecretsNeverReachLogsOrErrors(t *testing.T) {
	const (
		token  = "APP_USR-8f1d2e3c-planted-token"
		pan    = "4509953566233704"
		cvv    = "123"
		apiKey = "sk_live_planted_key_77"
	)
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, mt, _ := newMocked(t, func(cfg *Config) {
		cfg.Auth = Bearer(token)
		cfg.Logger = logger
		cfg.Secrets = []string{token, apiKey}
		cfg.MaxRetries = 1
	})
	echo := func(r *http.Request) (*http.Response, error) {
		b, _ := io.ReadAll(r.Body)
		return httpmock.NewStringResponse(500, `{"error":"bad","auth":"`+r.Header.Get("Authorization")+`","echo":`+string(b)+`}`), nil
	}
	mt.RegisterResponder("POST", testBase+"/pay", echo)
	mt.RegisterResponder("POST", testBase+"/net", httpmock.NewErrorResponder(errors.New("dial tcp: lookup failed for Bearer "+token)))
	body := map[string]any{"card": map[string]string{"card_number": pan, "cvv": cvv, "cardNumber": pan}, "apiKey": apiKey, "note": "pay " + pan}
	_, err1 := c.Do(context.Background(), &Request{Method: "POST", Path: "/pay", JSON: body}, nil)
	_, err2 := c.Do(context.Background(), &Request{Method: "POST", Path: "/net", JSON: body}, nil)
	require.Error(t, err1)
	require.Error(t, err2)
	require.NotEmpty(t, logs.String())
	assert.Equal(t, 4, strings.Count(logs.String(), `"msg":"paykit http attempt"`), "one record per attempt")
	for _, out := range []string{err1.Error(), err2.Error(), fmt.Sprintf("%+v", err1), fmt.Sprintf("%#v", err1), fmt.Sprintf("%#v", err2), logs.String()} {
		for _, secret := range []string{token, pan, apiKey, `"cvv":"123"`} {
			assert.NotContains(t, out, secret)
		}
	}
	assert.Contains(t, err1.Error(), "[redacted")
	assert.Contains(t, fmt.Sprintf("%v", Token{Value: token}), "[redacted]")
	assert.NotContains(t, fmt.Sprintf("%#v %v", Bearer(token), ts(token)), token)
}

func ts(v string) *TokenSource {
	s := NewTokenSource(func(context.Context) (Token, error) { return Token{Value: v}, nil }, 0, nil)
	_, _ = s.Token(context.Background())
	return s
}

func TestRedactKeepsOrdinaryText(t *testing.T) {
	in := `{"id":1490022319978,"status":"approved","message":"payer email a@b.c"}`
	assert.Equal(t, in, Redact(in, nil), "ids that are not card numbers stay readable")
	assert.Equal(t, `{"access_token":"[redacted]"}`, Redact(`{"access_token":"abc.def"}`, nil))
	assert.Equal(t, `grant_type=x&client_secret=[redacted]`, Redact(`grant_type=x&client_secret=s3cr3t`, nil))
	assert.Equal(t, `key [redacted key] end`, Redact("key -----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY----- end", nil))
}

func TestOneDebugRecordPerAttempt(t *testing.T) {
	var logs bytes.Buffer
	c, mt, _ := newMocked(t, func(cfg *Config) {
		cfg.Logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	n := 0
	mt.RegisterResponder("GET", testBase+"/l", func(*http.Request) (*http.Response, error) {
		n++
		r := httpmock.NewStringResponse(map[bool]int{true: 502, false: 200}[n == 1], `{}`)
		r.Header.Set("X-Request-Id", fmt.Sprintf("r%d", n))
		return r, nil
	})
	_, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/l", Query: url.Values{"email": {"x@y.z"}}}, nil)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	require.Len(t, lines, 2)
	var rec map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[1]), &rec))
	assert.Equal(t, "GET", rec["method"])
	assert.Equal(t, "/l", rec["path"], "the query (which may hold personal data) is not logged")
	assert.Equal(t, float64(200), rec["status"])
	assert.Equal(t, float64(2), rec["attempt"])
	assert.Equal(t, "r2", rec["request_id"])
	assert.Contains(t, rec, "duration")
}

func TestRepeatablePostIsRetriedLikeAGet(t *testing.T) {
	c, mt, _ := newMocked(t, func(cfg *Config) { cfg.IdempotencyHeader = "" })
	n := 0
	mt.RegisterResponder("POST", testBase+"/status", func(*http.Request) (*http.Response, error) {
		n++
		return httpmock.NewStringResponse(502, ``), nil
	})
	_, err := c.Do(context.Background(), &Request{Method: "POST", Path: "/status"}, nil)
	require.Error(t, err)
	assert.Equal(t, 1, n, "a plain POST is not repeated")
	n = 0
	_, err = c.Do(context.Background(), &Request{Method: "POST", Path: "/status", Repeatable: true}, nil)
	require.Error(t, err)
	assert.Equal(t, 3, n, "a repeatable POST is")
}

func TestReadCappedWhateverContentLengthSays(t *testing.T) {
	const limit = 64
	body := strings.Repeat("x", 40)
	over := strings.Repeat("y", limit+1)
	for _, tc := range []struct {
		name     string
		in       string
		hint     int64
		want     string
		tooLarge bool
	}{
		{"no length", body, -1, body, false},
		{"exact length", body, 40, body, false},
		{"length understated", body, 10, body, false},
		{"length overstated", body, 60, body, false},
		{"length zero", body, 0, body, false},
		// net/http holds a body to its Content-Length (a shorter one is an
		// unexpected EOF), so a length past the limit is refused unread.
		{"length past the limit", body, 1 << 40, "", true},
		{"at the limit", strings.Repeat("z", limit), limit, strings.Repeat("z", limit), false},
		{"over the limit, length honest", over, limit + 1, "", true},
		{"over the limit, length understated", over, 5, "", true},
		{"over the limit, no length", over, -1, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := readCapped(strings.NewReader(tc.in), limit, tc.hint)
			if tc.tooLarge {
				require.ErrorIs(t, err, ErrResponseTooLarge)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, string(got))
		})
	}
	_, err := readCapped(iotest.ErrReader(errors.New("connection reset")), limit, 10)
	assert.ErrorContains(t, err, "connection reset", "a failed read is an error, not a short body")
	got, err := readCapped(iotest.OneByteReader(strings.NewReader(body)), limit, 40)
	require.NoError(t, err)
	assert.Equal(t, body, string(got), "many short reads")
}

func TestPerRequestSecretsInThePath(t *testing.T) {
	const cardToken = "ff8080814c11e237014c1ff593b57b4d"
	var logs bytes.Buffer
	c, mt, _ := newMocked(t, func(cfg *Config) {
		cfg.Logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		cfg.MaxRetries = 0
	})
	mt.RegisterResponder("GET", testBase+"/v1/card_tokens/"+cardToken,
		httpmock.NewStringResponder(404, `{"message":"card token `+cardToken+` not found"}`))
	mt.RegisterResponder("GET", testBase+"/v1/card_tokens/"+cardToken+"x", httpmock.NewErrorResponder(errors.New("connection reset")))

	_, err1 := c.Do(context.Background(), &Request{Method: "GET", Path: Path("v1", "card_tokens", cardToken), Secrets: []string{cardToken}}, nil)
	_, err2 := c.Do(context.Background(), &Request{Method: "GET", Path: Path("v1", "card_tokens", cardToken+"x"), Secrets: []string{cardToken + "x"}}, nil)
	var apiErr *Error
	require.ErrorAs(t, err1, &apiErr)
	assert.Equal(t, 404, apiErr.StatusCode, "the call itself went to the real path")
	var netErr *NetworkError
	require.ErrorAs(t, err2, &netErr)
	for _, out := range []string{err1.Error(), err2.Error(), fmt.Sprintf("%#v", err2), apiErr.Excerpt, logs.String()} {
		assert.NotContains(t, out, cardToken)
	}
	assert.Contains(t, err1.Error(), "/v1/card_tokens/[redacted]")
	assert.Equal(t, 2, strings.Count(logs.String(), `"path":"/v1/card_tokens/[redacted]"`))

	// Without Secrets the path is shown as it is: the option is what hides it.
	_, err3 := c.Do(context.Background(), &Request{Method: "GET", Path: Path("v1", "card_tokens", cardToken)}, nil)
	assert.Contains(t, err3.Error(), cardToken)
}
