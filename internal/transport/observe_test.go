package transport

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
)

// seen records what an Observer was told, in order.
type seen struct {
	mu       sync.Mutex
	calls    []paykit.CallInfo
	done     []paykit.CallDone
	attempts []paykit.AttemptInfo
	ends     []paykit.AttemptDone
	tokens   []paykit.TokenInfo
}

func (s *seen) observer() *paykit.Observer {
	return &paykit.Observer{
		Call: func(ctx context.Context, c paykit.CallInfo) (context.Context, func(paykit.CallDone)) {
			s.mu.Lock()
			s.calls = append(s.calls, c)
			s.mu.Unlock()
			return ctx, func(d paykit.CallDone) { s.mu.Lock(); s.done = append(s.done, d); s.mu.Unlock() }
		},
		Attempt: func(ctx context.Context, a paykit.AttemptInfo) (context.Context, func(paykit.AttemptDone)) {
			s.mu.Lock()
			s.attempts = append(s.attempts, a)
			s.mu.Unlock()
			return ctx, func(d paykit.AttemptDone) { s.mu.Lock(); s.ends = append(s.ends, d); s.mu.Unlock() }
		},
		Token: func(_ context.Context, t paykit.TokenInfo) {
			s.mu.Lock()
			s.tokens = append(s.tokens, t)
			s.mu.Unlock()
		},
	}
}

var opGet = Op{Name: "test.Things.Get", Route: "/v1/things/{id}"}

func TestObserverSeesEachAttemptWithItsWaitAndStatus(t *testing.T) {
	s := &seen{}
	c, mt, rec := newMocked(t, func(cfg *Config) { cfg.Observer = s.observer() })
	n := 0
	mt.RegisterResponder("POST", testBase+"/v1/things/42", func(*http.Request) (*http.Response, error) {
		n++
		if n == 1 {
			return httpmock.NewStringResponse(503, `{}`), nil
		}
		return httpmock.NewStringResponse(200, `{"ok":true}`), nil
	})
	_, err := c.Do(context.Background(), &Request{Op: Op{Name: "test.Things.Touch", Route: "/v1/things/{id}"}, Method: "POST",
		Path: Path("v1", "things", "42"), IdempotencyKey: "order-secret-key"}, &struct{}{})
	require.NoError(t, err)

	require.Len(t, s.calls, 1)
	assert.Equal(t, paykit.CallInfo{Provider: "test", Operation: "test.Things.Touch", Route: "/v1/things/{id}", Method: "POST",
		ServerAddress: "api.test.invalid", ServerPort: 443}, s.calls[0])
	require.Len(t, s.attempts, 2)
	assert.Equal(t, 1, s.attempts[0].Attempt)
	assert.Zero(t, s.attempts[0].Wait)
	assert.Equal(t, 2, s.attempts[1].Attempt)
	require.Len(t, rec.waits, 1)
	assert.Equal(t, rec.waits[0], s.attempts[1].Wait, "the wait before attempt 2 is the one slept")
	assert.True(t, s.attempts[0].IdempotencyKeySent)
	assert.Equal(t, []paykit.AttemptDone{{StatusCode: 503, ErrorType: "503", Sends: 0}, {StatusCode: 200, Sends: 0}}, s.ends)
	require.Len(t, s.done, 1)
	assert.Equal(t, paykit.CallDone{StatusCode: 200, Attempts: 2}, s.done[0])
}

func TestObserverCallErrorTypes(t *testing.T) {
	cases := []struct {
		name      string
		responder httpmock.Responder
		ctx       func() (context.Context, context.CancelFunc)
		req       Request
		want      string
	}{
		{name: "4xx", responder: httpmock.NewStringResponder(404, `{}`), want: "404"},
		{name: "undecodable 2xx", responder: httpmock.NewStringResponder(200, `{`), want: paykit.ErrorTypeInvalidResponse},
		{name: "redirect", responder: func(*http.Request) (*http.Response, error) {
			r := httpmock.NewStringResponse(302, "")
			r.Header.Set("Location", "https://elsewhere.invalid/")
			return r, nil
		}, want: paykit.ErrorTypeRedirect},
		{name: "keyed POST that may have reached the server", req: Request{Method: "POST", IdempotencyKey: "k-1"},
			responder: httpmock.NewErrorResponder(errors.New("connection reset by peer")), want: paykit.ErrorTypeMayHaveReachedServer},
		{name: "bad id", req: Request{Path: "/v1/things/%2E%2E"}, want: paykit.ErrorTypeInvalidRequest},
		{name: "canceled", ctx: func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx, cancel
		}, responder: httpmock.NewErrorResponder(context.Canceled), want: paykit.ErrorTypeCanceled},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := &seen{}
			c, mt, _ := newMocked(t, func(cfg *Config) { cfg.Observer = s.observer(); cfg.MaxRetries = 0 })
			if tc.responder != nil {
				mt.RegisterNoResponder(tc.responder)
			}
			r := tc.req
			r.Op = opGet
			if r.Method == "" {
				r.Method = "GET"
			}
			if r.Path == "" {
				r.Path = "/v1/things/1"
			}
			ctx := context.Background()
			if tc.ctx != nil {
				var cancel context.CancelFunc
				ctx, cancel = tc.ctx()
				defer cancel()
			}
			_, err := c.Do(ctx, &r, &struct{}{})
			require.Error(t, err)
			require.Len(t, s.done, 1)
			assert.Equal(t, tc.want, s.done[0].ErrorType)
			assert.Equal(t, err, s.done[0].Err, "the Observer gets the error the call returns")
		})
	}
}

func TestObserverTokenFetchAndAuthFailure(t *testing.T) {
	s := &seen{}
	fail := errors.New("token endpoint down")
	var c *Client
	calls := 0
	ts := NewTokenSource(func(context.Context) (Token, error) {
		calls++
		if calls == 2 {
			return Token{}, fail
		}
		return Token{Value: "tok-secret-value", Expiry: time.Now().Add(time.Nanosecond)}, nil
	}, time.Nanosecond, nil)
	c, mt, _ := newMocked(t, func(cfg *Config) { cfg.Observer = s.observer(); cfg.Auth = ts })
	ts.OnFetch(c.ObserveToken)
	mt.RegisterNoResponder(httpmock.NewStringResponder(200, `{}`))
	r := func() error {
		_, err := c.Do(context.Background(), &Request{Op: opGet, Method: "GET", Path: "/v1/things/1"}, &struct{}{})
		return err
	}
	require.NoError(t, r())
	require.Error(t, r(), "the expired token's refresh fails")
	require.Len(t, s.tokens, 2)
	assert.False(t, s.tokens[0].Refresh)
	assert.Empty(t, s.tokens[0].ErrorType)
	assert.True(t, s.tokens[1].Refresh)
	assert.Equal(t, paykit.ErrorTypeOther, s.tokens[1].ErrorType)
	require.Len(t, s.done, 2)
	assert.Equal(t, paykit.ErrorTypeAuth, s.done[1].ErrorType, "a call that got no credentials failed in auth")
	assert.Equal(t, paykit.ErrorTypeAuth, s.ends[1].ErrorType)
}

func TestObserverInjectNeverReplacesCredentialsOrKey(t *testing.T) {
	var got http.Header
	c, mt, _ := newMocked(t, func(cfg *Config) {
		cfg.Auth = Bearer("real-token")
		cfg.Observer = &paykit.Observer{Inject: func(_ context.Context, h http.Header) {
			h.Set("Traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
			h.Set("Authorization", "Bearer stolen")
			h.Set("X-Idempotency-Key", "other")
			h.Set("User-Agent", "spoof")
			h.Set("X-Bad", "a\r\nb")
		}}
	})
	mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		got = r.Header.Clone()
		return httpmock.NewStringResponse(200, `{}`), nil
	})
	_, err := c.Do(context.Background(), &Request{Op: opGet, Method: "POST", Path: "/v1/things", IdempotencyKey: "mine"}, nil)
	require.NoError(t, err)
	assert.Equal(t, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", got.Get("Traceparent"))
	assert.Equal(t, "Bearer real-token", got.Get("Authorization"))
	assert.Equal(t, "mine", got.Get("X-Idempotency-Key"))
	assert.True(t, strings.HasPrefix(got.Get("User-Agent"), "paykit-go/"))
	assert.Empty(t, got.Get("X-Bad"))
}

func TestNoObserverSendsNoTraceHeaders(t *testing.T) {
	var got http.Header
	c, mt, _ := newMocked(t, nil)
	mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		got = r.Header.Clone()
		return httpmock.NewStringResponse(200, `{}`), nil
	})
	_, err := c.Do(context.Background(), &Request{Op: opGet, Method: "GET", Path: "/v1/things/1"}, nil)
	require.NoError(t, err)
	assert.Empty(t, got.Get("Traceparent"))
}
