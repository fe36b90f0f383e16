package finrota

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"
)

const (
	testBase      = "https://gw.test"
	testAPIKey    = "ak_live_0123456789"
	testSecretKey = "sk_live_abcdefghij"
	// testAccess is the token in testdata/token_connect.json.
	testAccess = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtZXJjaGFudCJ9.c2lnbmF0dXJl"
)

var testNow = time.Date(2030, 1, 2, 10, 0, 0, 0, time.UTC)

func fixture(t testing.TB, name string) string {
	t.Helper()
	// The provider's answers live in finrotatest/testdata, where users' tests
	// embed them too; the requests this package sends stay in testdata.
	b, err := os.ReadFile(filepath.Join("finrotatest", "testdata", name))
	if os.IsNotExist(err) {
		b, err = os.ReadFile(filepath.Join("testdata", name))
	}
	require.NoError(t, err)
	return strings.TrimSpace(string(b))
}

// fakeClock is a settable clock for token-expiry tests.
type fakeClock struct{ now atomic.Int64 }

func newFakeClock(t time.Time) *fakeClock {
	c := &fakeClock{}
	c.now.Store(t.UnixNano())
	return c
}
func (c *fakeClock) Now() time.Time                { return time.Unix(0, c.now.Load()).UTC() }
func (c *fakeClock) Advance(d time.Duration)       { c.now.Add(int64(d)) }
func withClock(f func() time.Time) Option          { return func(s *settings) { s.Clock = f } }
func noSleep(context.Context, time.Duration) error { return nil }
func withNoSleep() Option                          { return func(s *settings) { s.Sleep = noSleep } }

// mockEnv is a client on an httpmock transport whose token endpoint answers
// with testdata/token_connect.json and counts its calls.
type mockEnv struct {
	c       *Client
	mt      *httpmock.MockTransport
	clock   *fakeClock
	connect atomic.Int32
}

func newMockEnv(t *testing.T, opts ...Option) *mockEnv {
	t.Helper()
	env := &mockEnv{mt: httpmock.NewMockTransport(), clock: newFakeClock(testNow)}
	env.mt.RegisterResponder(http.MethodPost, testBase+"/auth/api/token/connect", func(r *http.Request) (*http.Response, error) {
		env.connect.Add(1)
		body, _ := io.ReadAll(r.Body)
		if string(body) != `{"apiKey":"`+testAPIKey+`","secretKey":"`+testSecretKey+`"}` {
			return httpmock.NewStringResponse(401, fixture(t, "token_connect_bad_credentials.json")), nil
		}
		if r.Header.Get("Authorization") != "" {
			return httpmock.NewStringResponse(400, `{"message":"no auth header expected"}`), nil
		}
		return httpmock.NewStringResponse(200, fixture(t, "token_connect.json")), nil
	})
	all := append([]Option{
		WithBaseURL(testBase),
		WithHTTPClient(&http.Client{Transport: env.mt}),
		withClock(env.clock.Now),
		withNoSleep(),
	}, opts...)
	c, err := NewClient(Credentials{APIKey: testAPIKey, SecretKey: testSecretKey}, all...)
	require.NoError(t, err)
	env.c = c
	return env
}

// wire is what a responder saw of one request.
type wire struct {
	Method, Path, Query string
	Header              http.Header
	Body                string
}

// record registers a responder for method+path that records each request
// and answers status with body.
func (e *mockEnv) record(method, path string, status int, body string) *[]wire {
	var seen []wire
	var mu sync.Mutex
	e.mt.RegisterResponder(method, testBase+path, func(r *http.Request) (*http.Response, error) {
		b := []byte{}
		if r.Body != nil {
			b, _ = io.ReadAll(r.Body)
		}
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, wire{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: string(b)})
		resp := httpmock.NewStringResponse(status, body)
		resp.Header.Set("Content-Type", "application/json")
		resp.Header.Set("X-Request-Id", "req-1")
		return resp, nil
	})
	return &seen
}
