package transport

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// These tests play a hostile server or network over real loopback TCP:
// what must not leave, hang or be counted wrong.

// thief is a server on another port that records whatever reaches it.
func thief(t *testing.T) (*httptest.Server, *atomic.Int32, *strings.Builder) {
	t.Helper()
	var hits atomic.Int32
	var mu sync.Mutex
	seen := &strings.Builder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		fmt.Fprintf(seen, "%s %s %v %s\n", r.Method, r.URL, r.Header, b)
		mu.Unlock()
		_, _ = io.WriteString(w, `{}`)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits, seen
}

func TestRedirectsAreRefusedAndNothingReachesTheTarget(t *testing.T) {
	const card, token = "4509953566233704", "APP_USR-secret-access-token"
	for _, status := range []int{301, 302, 303, 307, 308} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			target, hits, seen := thief(t)
			var apiHits atomic.Int32
			api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				apiHits.Add(1)
				w.Header().Set("X-Request-Id", "req-redir")
				http.Redirect(w, r, target.URL+"/collect?card="+card+"&sig=abc", status)
			}))
			defer api.Close()
			user := &http.Client{Timeout: time.Minute}
			c, err := New(Config{BaseURL: api.URL, HTTPClient: user, MaxRetries: 3, IdempotencyHeader: "X-Idempotency-Key",
				Auth: Bearer(token), Secrets: []string{token}, Sleep: func(context.Context, time.Duration) error { return nil }})
			require.NoError(t, err)

			_, err = c.Do(context.Background(), &Request{Method: "POST", Path: "/v1/card_tokens",
				JSON: map[string]string{"card_number": card, "security_code": "123"}}, nil)

			require.Error(t, err)
			assert.ErrorIs(t, err, ErrRedirect)
			var apiErr *Error
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, status, apiErr.StatusCode)
			assert.Equal(t, "req-redir", apiErr.RequestID)
			assert.Equal(t, 1, apiErr.Attempts, "a redirect is an answer: never repeated")
			var re *RedirectError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, strings.TrimPrefix(target.URL, "http://"), re.Host)
			assert.Contains(t, err.Error(), re.Host, "the error names the target host")
			assert.NotContains(t, err.Error(), "card=", "never the target's query")
			assert.NotContains(t, err.Error(), card)
			assert.Equal(t, int32(0), hits.Load(), "the other host got: %s", seen.String())
			assert.Equal(t, int32(1), apiHits.Load())
			assert.Nil(t, user.CheckRedirect, "the caller's client is not changed")
		})
	}
}

func TestRedirectToTheSameHostIsRefusedToo(t *testing.T) {
	var hits atomic.Int32
	var auth atomic.Value
	mux := http.NewServeMux()
	var srv *httptest.Server
	mux.HandleFunc("/a", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, srv.URL+"/b", http.StatusTemporaryRedirect)
	})
	mux.HandleFunc("/b", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		auth.Store(r.Header.Get("Authorization"))
	})
	srv = httptest.NewServer(mux)
	defer srv.Close()
	c, err := New(Config{BaseURL: srv.URL, Auth: Bearer("tok-xyz"), MaxRetries: 0})
	require.NoError(t, err)
	_, err = c.Do(context.Background(), &Request{Method: "GET", Path: "/a"}, nil)
	assert.ErrorIs(t, err, ErrRedirect)
	assert.Equal(t, int32(0), hits.Load())
}

func TestDefaultHTTPClientIsNotChanged(t *testing.T) {
	before := DefaultHTTPClient.CheckRedirect
	_, err := New(Config{BaseURL: testBase})
	require.NoError(t, err)
	assert.Nil(t, before)
	assert.Nil(t, DefaultHTTPClient.CheckRedirect)
}

func TestIDRule(t *testing.T) {
	for id, want := range map[string]string{
		"123": "", "ff8080814c11e237": "", "a.b": "", "...": "", "../x": "",
		"":      "must not be empty",
		"  ":    "must not be empty",
		".":     `must not be "." or ".."`,
		"..":    `must not be "." or ".."`,
		"a\x00": "must not contain control characters",
		"a\nb":  "must not contain control characters",
		"a\x7f": "must not contain control characters",
	} {
		assert.Equal(t, want, IDRule(id), "%q", id)
	}
}

func TestRefusedBeforeSending(t *testing.T) {
	cases := []struct {
		name  string
		req   Request
		field string
	}{
		{"dot segment", Request{Method: "GET", Path: Path("v1", "payments", ".")}, "path"},
		{"dot-dot segment", Request{Method: "GET", Path: Path("v1", "payments", "..")}, "path"},
		{"escaped dot-dot, lower case", Request{Method: "GET", Path: "/v1/payments/%2e%2E"}, "path"},
		{"empty segment", Request{Method: "GET", Path: Path("v1", "customers", "", "cards")}, "path"},
		{"NUL in a segment", Request{Method: "GET", Path: Path("v1", "payments", "1\x00")}, "path"},
		{"NUL in the key", Request{Method: "POST", Path: "/v1/payments", IdempotencyKey: "order-1\x00"}, "idempotency key"},
		{"tab in the key", Request{Method: "POST", Path: "/v1/payments", IdempotencyKey: "order\t1"}, "idempotency key"},
		{"CR in the key", Request{Method: "POST", Path: "/v1/payments", IdempotencyKey: "order-1\r"}, "idempotency key"},
		{"overlong key", Request{Method: "POST", Path: "/v1/payments", IdempotencyKey: strings.Repeat("k", 257)}, "idempotency key"},
		{"NUL in a header value", Request{Method: "GET", Path: "/v1/x", Header: http.Header{"X-Meli-Session-Id": {"abc\x00"}}}, "header X-Meli-Session-Id"},
		{"ESC in a header value", Request{Method: "GET", Path: "/v1/x", Header: http.Header{"X-Trace": {"\x1b[31m"}}}, "header X-Trace"},
		{"LF in a header value", Request{Method: "GET", Path: "/v1/x", Header: http.Header{"X-Trace": {"a\nInjected: 1"}}}, "header X-Trace"},
		{"space in a header name", Request{Method: "GET", Path: "/v1/x", Header: http.Header{"X Trace": {"a"}}}, `header "X Trace"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, mt, _ := newMocked(t, func(cfg *Config) { cfg.Provider = "someprovider" })
			_, err := c.Do(context.Background(), &tc.req, nil)
			var inv *paykit.ValidationError
			require.ErrorAs(t, err, &inv)
			assert.Equal(t, tc.field, inv.Field)
			assert.Equal(t, "someprovider", inv.Provider, "the error names the client's provider")
			assert.NotEmpty(t, inv.Rule)
			assert.Equal(t, 0, mt.GetTotalCallCount(), "nothing is sent")
			var nerr *NetworkError
			assert.False(t, errors.As(err, &nerr), "not a may-have-reached network error")
		})
	}
}

func TestTabInAHeaderValueIsAllowed(t *testing.T) {
	c, mt, _ := newMocked(t, nil)
	mt.RegisterResponder("GET", testBase+"/v1/x", func(r *http.Request) (*http.Response, error) {
		assert.Equal(t, "a\tb", r.Header.Get("X-Trace"))
		return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader(`{}`)), Header: http.Header{}}, nil
	})
	_, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/v1/x", Header: http.Header{"X-Trace": {"a\tb"}}}, nil)
	require.NoError(t, err)
}

func TestSecretsAddedAtRunTimeAreRedacted(t *testing.T) {
	const fetched = "TOKEN-fetched-at-run-time-8f2c"
	var decodeSaw []string
	c, mt, _ := newMocked(t, func(cfg *Config) {
		cfg.Secrets = []string{"static-key-0001"}
		cfg.MaxRetries = 0
		cfg.DecodeError = func(base *Error, body []byte, secrets []string) error {
			decodeSaw = secrets
			return base
		}
	})
	mt.RegisterResponder("GET", testBase+"/v1/me", func(*http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 401, Header: http.Header{},
			Body: io.NopCloser(strings.NewReader(`{"message":"token ` + fetched + ` expired; x_` + fetched + `"}`))}, nil
	})
	c.AddSecrets(fetched)
	_, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/v1/me"}, nil)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), fetched)
	assert.Contains(t, err.Error(), "[redacted]")
	assert.Contains(t, decodeSaw, fetched, "the provider's decoder gets the run-time secrets")
	assert.Contains(t, decodeSaw, "static-key-0001")
}

func TestAddSecretsIsBoundedAndKeepsTheConfigs(t *testing.T) {
	c, err := New(Config{BaseURL: testBase, Secrets: []string{"config-secret"}})
	require.NoError(t, err)
	c.AddSecrets("", "ab", "config-secret") // too short, or already known
	assert.Equal(t, []string{"config-secret"}, c.Secrets())
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range MaxRuntimeSecrets {
				c.AddSecrets(fmt.Sprintf("tok-%d-%d", g, i))
				_ = c.Secrets()
			}
		}()
	}
	wg.Wait()
	s := c.Secrets()
	assert.Len(t, s, MaxRuntimeSecrets+1)
	assert.Equal(t, "config-secret", s[0], "the Config's secrets are never dropped")
}

func TestCallSecretsInsideOtherText(t *testing.T) {
	const pan, cvv = "4509953566233704", "123"
	c, mt, _ := newMocked(t, func(cfg *Config) { cfg.MaxRetries = 0 })
	mt.RegisterResponder("POST", testBase+"/v1/card_tokens", func(*http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 400, Header: http.Header{},
			Body: io.NopCloser(strings.NewReader(`{"message":"bad PAN` + pan + ` x_` + pan + `_y cvc=` + cvv + `"}`))}, nil
	})
	_, err := c.Do(context.Background(), &Request{Method: "POST", Path: "/v1/card_tokens", JSON: map[string]string{}, Secrets: []string{pan, cvv}}, nil)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "4509953566")
	assert.NotContains(t, err.Error(), "cvc="+cvv)
}

func TestHungTokenFetchDoesNotBlockLaterCalls(t *testing.T) {
	var fetches atomic.Int32
	hang := make(chan struct{})
	defer close(hang)
	ts := NewTokenSource(func(ctx context.Context) (Token, error) {
		if fetches.Add(1) == 1 {
			select { // the first fetch stalls until its own deadline
			case <-ctx.Done():
				return Token{}, ctx.Err()
			case <-hang:
				return Token{}, errors.New("released")
			}
		}
		return Token{Value: "fresh", Expiry: time.Now().Add(time.Hour)}, nil
	}, 0, nil)
	ts.SetFetchTimeout(time.Millisecond)

	// A waiter with its own short context leaves when that ends, however
	// long the fetch takes.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := ts.Token(ctx)
	require.ErrorIs(t, err, context.Canceled)

	// The stalled fetch ends on its own bound, reported as such, and the
	// next caller starts a new fetch that succeeds.
	var tok Token
	for i := 0; ; i++ {
		require.Less(t, i, 1000, "the shared fetch never ended")
		tok, err = ts.Token(context.Background())
		if err == nil {
			break
		}
		require.ErrorContains(t, err, "token fetch gave up after 1ms")
	}
	assert.Equal(t, "fresh", tok.Value)
	assert.GreaterOrEqual(t, fetches.Load(), int32(2))
}

func TestShortLivedTokensAreReused(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var fetches int
	ts := NewTokenSource(func(context.Context) (Token, error) {
		fetches++
		return Token{Value: fmt.Sprint("t", fetches), Expiry: now.Add(30 * time.Second)}, nil
	}, 0, func() time.Time { return now })
	start := now
	for s := 0; s <= 26; s++ { // a tenth of 30 s is 3 s of skew
		now = start.Add(time.Duration(s) * time.Second)
		tok, err := ts.Token(context.Background())
		require.NoError(t, err)
		require.Equal(t, "t1", tok.Value, "at %ds", s)
	}
	now = start.Add(27*time.Second + time.Millisecond)
	tok, err := ts.Token(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "t2", tok.Value, "replaced within the last tenth of its life")
	assert.Equal(t, 2, fetches)
}

func TestLongLivedTokensKeepTheFixedSkew(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var fetches int
	ts := NewTokenSource(func(context.Context) (Token, error) {
		fetches++
		return Token{Value: fmt.Sprint("t", fetches), Expiry: now.Add(24 * time.Hour)}, nil
	}, 0, func() time.Time { return now })
	start := now
	_, _ = ts.Token(context.Background())
	now = start.Add(24*time.Hour - DefaultTokenSkew - time.Second)
	tok, _ := ts.Token(context.Background())
	assert.Equal(t, "t1", tok.Value)
	now = start.Add(24*time.Hour - DefaultTokenSkew + time.Second)
	tok, _ = ts.Token(context.Background())
	assert.Equal(t, "t2", tok.Value)
}

// flakyKeepAlive answers the first request on a connection and keeps it
// open, then closes that connection on the next request without answering:
// the case where net/http silently resends on a new connection.
func flakyKeepAlive(t *testing.T) (string, *atomic.Int32) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = ln.Close() })
	var requests atomic.Int32
	var conns atomic.Int32
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			first := conns.Add(1) == 1
			go func() {
				defer conn.Close()
				br := bufio.NewReader(conn)
				for n := 0; ; n++ {
					req, err := http.ReadRequest(br)
					if err != nil {
						return
					}
					_, _ = io.Copy(io.Discard, req.Body)
					requests.Add(1)
					if first && n == 1 {
						return // drop the reused connection mid-request
					}
					_, _ = io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
				}
			}()
		}
	}()
	return "http://" + ln.Addr().String(), &requests
}

func TestSendsCountsNetHTTPsOwnResends(t *testing.T) {
	base, requests := flakyKeepAlive(t)
	c, err := New(Config{BaseURL: base, HTTPClient: &http.Client{Transport: &http.Transport{}}, MaxRetries: 0, IdempotencyHeader: "X-Idempotency-Key"})
	require.NoError(t, err)
	first, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/a"}, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, first.Attempts)
	assert.Equal(t, 1, first.Sends)

	second, err := c.Do(context.Background(), &Request{Method: "POST", Path: "/b", JSON: map[string]int{"n": 1}}, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, second.Attempts, "paykit tried once")
	assert.Equal(t, 2, second.Sends, "net/http wrote it twice: once on the dead connection, once on a new one")
	assert.Equal(t, int32(3), requests.Load(), "the server saw what Sends says")
}

// endless streams a body of unknown length (chunked) that never stops
// before limit.
func endlessServer(t testing.TB, size int) *httptest.Server {
	chunk := []byte(strings.Repeat("x", 64<<10))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		for sent := 0; sent < size; sent += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestOversizedAnswerAllocatesAboutTheCap(t *testing.T) {
	const limit = 4 << 20
	r := strings.NewReader(strings.Repeat("x", 3*limit))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := readCapped(r, limit, -1)
	runtime.ReadMemStats(&after)
	require.ErrorIs(t, err, ErrResponseTooLarge)
	allocated := after.TotalAlloc - before.TotalAlloc
	assert.Less(t, allocated, uint64(limit*3/2), "reading to a %d-byte cap allocated %d bytes", limit, allocated)

	srv := endlessServer(t, 3*limit)
	c, err := New(Config{BaseURL: srv.URL, MaxBodyBytes: limit, MaxRetries: 0})
	require.NoError(t, err)
	_, err = c.Do(context.Background(), &Request{Method: "GET", Path: "/big"}, &struct{}{})
	assert.ErrorIs(t, err, ErrResponseTooLarge)
}

func TestReadCappedKeepsEveryByteAcrossChunks(t *testing.T) {
	for _, n := range []int{0, 1, 511, 512, 513, minChunk, 3*minChunk + 7, 1 << 20} {
		body := make([]byte, n)
		for i := range body {
			body[i] = byte('a' + i%26)
		}
		got, err := readCapped(strings.NewReader(string(body)), int64(n), -1)
		require.NoError(t, err, n)
		assert.Equal(t, string(body), string(got), n)
		_, err = readCapped(strings.NewReader(string(body)+"!"), int64(n), -1)
		assert.ErrorIs(t, err, ErrResponseTooLarge, n)
	}
}
