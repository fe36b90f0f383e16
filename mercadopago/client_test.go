package mercadopago

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/paykit-go/paykit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testBase = "https://api.mp.test"
const testToken = "TEST-4412-0000-secret-access-token"

// captured is one request as it went on the wire.
type captured struct {
	Method, Path, RawQuery string
	Header                 http.Header
	Body                   []byte
}

// recorder answers every call with the queued (status, body) and keeps what was sent.
type recorder struct {
	mu    sync.Mutex
	calls []captured
}

func (r *recorder) last(t *testing.T) captured {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	require.NotEmpty(t, r.calls, "no request was sent")
	return r.calls[len(r.calls)-1]
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.calls)
}

func (r *recorder) responder(status int, body []byte, header http.Header) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		var b []byte
		if req.Body != nil {
			b, _ = io.ReadAll(req.Body)
		}
		r.mu.Lock()
		r.calls = append(r.calls, captured{Method: req.Method, Path: req.URL.EscapedPath(), RawQuery: req.URL.RawQuery, Header: req.Header.Clone(), Body: b})
		r.mu.Unlock()
		resp := httpmock.NewBytesResponse(status, body)
		resp.Header.Set("Content-Type", "application/json")
		resp.Header.Set("X-Request-Id", "req-"+fmt.Sprint(status))
		for k, vs := range header {
			resp.Header[k] = vs
		}
		return resp, nil
	}
}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	// The provider's answers live in mercadopagotest/testdata, where users' tests
	// embed them too; the requests this package sends stay in testdata.
	b, err := os.ReadFile(filepath.Join("mercadopagotest", "testdata", name))
	if os.IsNotExist(err) {
		b, err = os.ReadFile(filepath.Join("testdata", name))
	}
	require.NoError(t, err)
	return b
}

// newMocked returns a client on an httpmock transport, with retries that do not sleep.
func newMocked(t *testing.T, opts ...Option) (*Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	base := []Option{WithBaseURL(testBase), WithHTTPClient(&http.Client{Transport: mt}), WithRetryBackoff(time.Microsecond, time.Microsecond)}
	c, err := NewClient(Credentials{AccessToken: testToken}, append(base, opts...)...)
	require.NoError(t, err)
	return c, mt
}

// assertCommonHeaders checks what every call carries.
func assertCommonHeaders(t *testing.T, got captured) {
	t.Helper()
	assert.Equal(t, "Bearer "+testToken, got.Header.Get("Authorization"))
	assert.Equal(t, "application/json", got.Header.Get("Accept"))
	assert.True(t, strings.HasPrefix(got.Header.Get("User-Agent"), "paykit-go/"), got.Header.Get("User-Agent"))
	if got.Method == http.MethodGet {
		assert.Empty(t, got.Header.Get(IdempotencyHeader), "GET must not carry an idempotency key")
	} else {
		assert.NotEmpty(t, got.Header.Get(IdempotencyHeader), "%s must carry an idempotency key", got.Method)
	}
}

func TestNewClientValidates(t *testing.T) {
	tests := []struct {
		name  string
		creds Credentials
		opts  []Option
		want  string
	}{
		{"empty token", Credentials{}, nil, "mercadopago: access token: must not be empty"},
		{"blank token", Credentials{AccessToken: "  "}, nil, "mercadopago: access token: must not be empty"},
		{"token with newline", Credentials{AccessToken: "abc\r\nX-Evil: 1"}, nil, "must not contain spaces or line breaks"},
		{"bearer prefix", Credentials{AccessToken: "Bearer"}, nil, ""},
		{"relative base url", Credentials{AccessToken: "t"}, []Option{WithBaseURL("/v1")}, "must be an absolute http or https URL"},
		{"nil http client", Credentials{AccessToken: "t"}, []Option{WithHTTPClient(nil)}, "http client: must not be nil"},
		{"negative retries", Credentials{AccessToken: "t"}, []Option{WithMaxRetries(-1)}, "max retries -1"},
		{"newline app info", Credentials{AccessToken: "t"}, []Option{WithUserAgent("a\nb")}, "app info"},
		{"negative backoff", Credentials{AccessToken: "t"}, []Option{WithRetryBackoff(-1, 0)}, "retry backoff"},
		{"ok", Credentials{AccessToken: "TEST-1"}, []Option{WithMaxRetries(0), WithLogger(nil), WithUserAgent("shop/1.0")}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := NewClient(tt.creds, tt.opts...)
			if tt.want == "" {
				require.NoError(t, err)
				assert.NotNil(t, c.Payments)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.True(t, strings.HasPrefix(err.Error(), "mercadopago: "), err.Error())
		})
	}
	_, err := NewClient(Credentials{AccessToken: "Bearer abc"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "without \"Bearer \"")
}

func TestCredentialsNeverPrintTheToken(t *testing.T) {
	c := Credentials{AccessToken: testToken}
	var logBuf bytes.Buffer
	slog.New(slog.NewTextHandler(&logBuf, nil)).Info("creds", "c", c)
	for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%v %+v %#v %s", c, c, c, c), logBuf.String(), fmt.Sprintf("%+v", &c)} {
		assert.NotContains(t, s, "secret-access-token")
		assert.Contains(t, s, "redacted")
	}
	assert.Contains(t, Credentials{}.String(), "empty")
}

func TestSecretsStayOutOfErrorsAndLogs(t *testing.T) {
	var logBuf bytes.Buffer
	c, mt := newMocked(t, WithLogger(slog.New(slog.NewTextHandler(&logBuf, &slog.HandlerOptions{Level: slog.LevelDebug}))), WithMaxRetries(0))
	rec := &recorder{}
	body := []byte(`{"message":"token ` + testToken + ` is invalid","error":"unauthorized","status":401,"cause":null}`)
	mt.RegisterResponder(http.MethodGet, testBase+"/v1/payments/5", rec.responder(401, body, nil))
	_, err := c.Payments.Get(context.Background(), 5)
	require.Error(t, err)
	for _, s := range []string{err.Error(), fmt.Sprintf("%#v", err), fmt.Sprintf("%+v", err), logBuf.String()} {
		assert.NotContains(t, s, "secret-access-token")
	}
	assert.NotEmpty(t, logBuf.String())
}

func TestErrorDecoding(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		body      []byte
		msg, code string
		causes    []string
		check     func(error) bool
	}{
		{"duplicate 2001", 400, fixture(t, "error_duplicate.json"), "Already posted the same request in the last minute", "bad_request", []string{"2001"}, IsDuplicatePayment},
		{"cause null", 401, fixture(t, "error_cause_null.json"), "invalid access token", "unauthorized", nil, nil},
		{"causes as object", 400, fixture(t, "error_causes_object.json"), "the customer already exist", "bad_request", []string{"101"}, IsCustomerAlreadyExists},
		{"html page", 502, []byte("<html><body>Bad Gateway</body></html>"), "", "", nil, nil},
		{"empty body", 500, nil, "", "", nil, nil},
		{"not found", 404, []byte(`{"message":"Payment not found","error":"not_found","status":404,"cause":[{"code":2000,"description":"Payment not found"}]}`), "Payment not found", "not_found", []string{"2000"}, IsNotFound},
		{"invalid state", 400, []byte(`{"message":"x","error":"bad_request","status":400,"cause":[{"code":"2063","description":"The action requested is not valid for the current payment state"}]}`), "x", "bad_request", []string{"2063"}, IsInvalidStateForAction},
		{"refund amount", 400, []byte(`{"message":"x","cause":[{"code":4041,"description":"Invalid refund amount"}, "junk", {"code":null}]}`), "x", "", []string{"4041", ""}, IsRefundRejected},
		{"card limit", 400, []byte(`{"message":"x","cause":[{"code":129}]}`), "x", "", []string{"129"}, IsCardLimitReached},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mt := newMocked(t, WithMaxRetries(0))
			rec := &recorder{}
			mt.RegisterResponder(http.MethodGet, testBase+"/v1/payments/9", rec.responder(tt.status, tt.body, nil))
			_, err := c.Payments.Get(context.Background(), 9)
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tt.status, e.StatusCode)
			assert.Equal(t, fmt.Sprintf("req-%d", tt.status), e.RequestID)
			assert.Equal(t, tt.msg, e.Message)
			assert.Equal(t, tt.code, e.Code)
			var codes []string
			for _, c := range e.Causes {
				codes = append(codes, c.Code)
			}
			assert.Equal(t, tt.causes, codes)
			if tt.check != nil {
				assert.True(t, tt.check(err))
			}
			assert.True(t, strings.HasPrefix(err.Error(), "mercadopago: GET /v1/payments/9: "), err.Error())
			assert.Contains(t, err.Error(), "request id req-")
			assert.Equal(t, e.Error(), fmt.Sprintf("%#v", e))
			assert.NotNil(t, e.Unwrap())
			assert.False(t, HasCause(errors.New("plain"), "2001"))
		})
	}
}

func TestValidationErrorText(t *testing.T) {
	err := invalid("payer.email", "must be a valid email address")
	assert.Equal(t, "mercadopago: payer.email: must be a valid email address", err.Error())
	var ve *paykit.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "payer.email", ve.Field)
}
