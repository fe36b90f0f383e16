package transport

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/paykit-go/paykit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// callResult is a result as the provider packages shape them: it embeds
// paykit.Meta.
type callResult struct {
	ID          int `json:"id"`
	paykit.Meta `json:"-"`
}

// callWire is a wire answer converted into a callResult.
type callWire struct {
	Data *struct {
		ID int `json:"id"`
	} `json:"data"`
}

// flakyServer answers 503 to the first request and then status with body,
// carrying X-Request-Id "req-2", and counts the requests it saw.
func flakyServer(t *testing.T, status int, body string, seen *atomic.Int32) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if seen.Add(1) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("X-Request-Id", "req-2")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func newCallClient(t *testing.T, base string, mod func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		BaseURL: base, MaxRetries: 1, IdempotencyHeader: "X-Idempotency-Key",
		Sleep: (&recorder{}).sleep, Jitter: func(int64) int64 { return 0 },
		HTTPClient: &http.Client{Transport: &http.Transport{}},
	}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	require.NoError(t, err)
	return c
}

func TestCallSetsMeta(t *testing.T) {
	var seen atomic.Int32
	srv := flakyServer(t, http.StatusCreated, `{"id":7}`, &seen)
	c := newCallClient(t, srv.URL, nil)

	got, err := Call[callResult](context.Background(), c, &Request{Method: http.MethodPost, Path: "/things", JSON: map[string]int{"n": 1}},
		[]RequestOption{WithIdempotencyKey("order-41")})
	require.NoError(t, err)
	assert.Equal(t, 7, got.ID)
	assert.Equal(t, paykit.Meta{StatusCode: http.StatusCreated, RequestID: "req-2", IdempotencyKey: "order-41", Attempts: 2, Sends: 2}, got.Meta)
	assert.Equal(t, int32(2), seen.Load())
}

func TestCallWireConvertsAndSetsMeta(t *testing.T) {
	var seen atomic.Int32
	srv := flakyServer(t, http.StatusOK, `{"data":{"id":9}}`, &seen)
	c := newCallClient(t, srv.URL, nil)

	got, err := CallWire(context.Background(), c, &Request{Method: http.MethodGet, Path: "/things/9"}, nil,
		func(w *callWire, resp *Response) (*callResult, error) {
			if w.Data == nil {
				return nil, resp.Refuse("answer has no data", nil)
			}
			return &callResult{ID: w.Data.ID}, nil
		})
	require.NoError(t, err)
	assert.Equal(t, 9, got.ID)
	assert.Equal(t, paykit.Meta{StatusCode: http.StatusOK, RequestID: "req-2", Attempts: 2, Sends: 2}, got.Meta)
}

func TestRefuseIsBuiltLikeTheTransportsOwnErrors(t *testing.T) {
	const (
		clientSecret = "sk_live_client_secret_31"
		callSecret   = "tok_call_secret_8812"
		runtimeTok   = "runtime-token-5521"
	)
	var seen atomic.Int32
	body := `{"data":null,"echo":"` + callSecret + ` ` + clientSecret + ` ` + runtimeTok + `","code":"half_done"}`
	srv := flakyServer(t, http.StatusOK, body, &seen)
	var hookSecrets []string
	hookCalls := 0
	c := newCallClient(t, srv.URL, func(cfg *Config) {
		cfg.DecodeError = func(base *Error, b []byte, secrets []string) error {
			if base.StatusCode != http.StatusOK {
				return base // the 503 before the answer
			}
			hookCalls++
			hookSecrets = secrets
			assert.Equal(t, body, string(b), "the hook reads the body of the refused answer")
			return &wrapped{base: base, code: "decoded"}
		}
		cfg.Secrets = []string{clientSecret}
	})
	c.AddSecrets(runtimeTok)
	cause := errors.New("the cause")

	_, err := CallWire(context.Background(), c, &Request{Method: http.MethodPost, Path: Path("v1", "sessions", callSecret), Secrets: []string{callSecret}},
		[]RequestOption{WithIdempotencyKey("order-77")},
		func(w *callWire, resp *Response) (*callResult, error) {
			if w.Data == nil {
				return nil, resp.Refuse("answer has no data", cause)
			}
			return &callResult{}, nil
		})
	var w *wrapped
	require.ErrorAs(t, err, &w, "the provider's DecodeError ran")
	assert.Equal(t, 1, hookCalls)
	assert.ElementsMatch(t, []string{clientSecret, runtimeTok, callSecret}, hookSecrets, "the hook gets every secret in force for the call")
	var base *Error
	require.ErrorAs(t, err, &base)
	assert.Equal(t, http.MethodPost, base.Method)
	assert.Equal(t, "/v1/sessions/[redacted]", base.Path)
	assert.Equal(t, http.StatusOK, base.StatusCode)
	assert.Equal(t, "req-2", base.Header.Get("X-Request-Id"))
	assert.Equal(t, "req-2", base.RequestID)
	assert.Equal(t, "order-77", base.IdempotencyKey)
	assert.Equal(t, 2, base.Attempts)
	assert.Equal(t, 2, base.Sends)
	assert.Equal(t, "answer has no data", base.Reason)
	assert.ErrorIs(t, err, cause)
	assert.Contains(t, base.Excerpt, `"code":"half_done"`)
	for _, out := range []string{err.Error(), base.Excerpt, fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
		for _, secret := range []string{callSecret, clientSecret, runtimeTok} {
			assert.NotContains(t, out, secret)
		}
	}
	assert.Contains(t, base.Excerpt, "[redacted]")
}

func TestRefuseWithoutACall(t *testing.T) {
	r := &Response{Meta: Meta{StatusCode: 200, RequestID: "r1", IdempotencyKey: "k", Attempts: 1, Sends: 1}}
	var base *Error
	require.ErrorAs(t, r.Refuse("no id", nil), &base)
	assert.Equal(t, &Error{StatusCode: 200, RequestID: "r1", IdempotencyKey: "k", Attempts: 1, Sends: 1, Reason: "no id"}, base)
}
