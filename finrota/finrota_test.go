package finrota

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit/internal/transport"
)

func TestNewClientValidates(t *testing.T) {
	ok := Credentials{APIKey: "ak", SecretKey: "sk"}
	tests := []struct {
		name  string
		creds Credentials
		opts  []Option
		want  string
	}{
		{"empty api key", Credentials{SecretKey: "sk"}, nil, "finrota: api key: must not be empty"},
		{"empty secret", Credentials{APIKey: "ak"}, nil, "finrota: secret key: must not be empty"},
		{"spaces", Credentials{APIKey: " ak", SecretKey: "sk"}, nil, "finrota: api key: must not start or end with spaces"},
		{"line break", Credentials{APIKey: "a\nk", SecretKey: "sk"}, nil, "finrota: api key: must not contain line breaks"},
		{"relative base", ok, []Option{WithBaseURL("/api")}, `finrota: base URL "/api": must be an absolute http or https URL`},
		{"negative retries", ok, []Option{WithMaxRetries(-1)}, "finrota: max retries -1: must be 0 (off) or more"},
		{"refund field", ok, []Option{WithRefundAmountField("refund_amount")}, `finrota: refund amount field "refund_amount": must be "refundAmount" or "amount"`},
		{"negative skew", ok, []Option{WithTokenSkew(-1)}, "finrota: token skew: must not be negative"},
		{"user agent", ok, []Option{WithUserAgent("shop\r\n1")}, "finrota: app info: must not contain line breaks"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := NewClient(tc.creds, tc.opts...)
			assert.Nil(t, c)
			assert.EqualError(t, err, tc.want)
		})
	}
}

func TestNewClientDefaults(t *testing.T) {
	c, err := NewClient(Credentials{APIKey: "ak", SecretKey: "sk"})
	require.NoError(t, err)
	assert.Equal(t, "https://prodtest_gw.finrota.com", c.BaseURL())
	assert.Equal(t, RefundAmountField, c.refundField)
	c, err = NewClient(Credentials{APIKey: "ak", SecretKey: "sk"}, WithBaseURL("https://api.finrota.com/"), WithMaxRetries(0), WithLogger(slog.Default()))
	require.NoError(t, err)
	assert.Equal(t, "https://api.finrota.com", c.BaseURL())
}

func TestCredentialsNeverPrinted(t *testing.T) {
	creds := Credentials{APIKey: "ak_secret_value", SecretKey: "sk_secret_value"}
	c, err := NewClient(creds)
	require.NoError(t, err)
	var logs bytes.Buffer
	slog.New(slog.NewTextHandler(&logs, nil)).Info("creds", "c", creds, "client", c)
	for _, s := range []string{
		fmt.Sprint(creds), fmt.Sprintf("%v %+v %#v %s", creds, creds, creds, creds),
		fmt.Sprintf("%v %+v %#v", c, c, c), logs.String(),
	} {
		assert.NotContains(t, s, "secret_value")
	}
	assert.Equal(t, `finrota.Credentials{APIKey: [redacted], SecretKey: ""}`, Credentials{APIKey: "x"}.String())
}

func TestErrorDecoding(t *testing.T) {
	tests := []struct {
		name, body string
		status     int
		msg, code  string
		details    []string
		apiStatus  int
		line       string
	}{
		{
			name: "envelope", body: fixture(t, "error_envelope.json"), status: 400,
			msg: "Prepare token is invalid or expired", code: "PRP_INVALID", apiStatus: 400,
			details: []string{"prepareToken is not valid"},
			line:    "finrota: POST /b2c/widget/payment: 400 Bad Request: Prepare token is invalid or expired (code PRP_INVALID): prepareToken is not valid (request id req-1)",
		},
		{
			name: "aspnet validation", body: fixture(t, "error_validation.json"), status: 400,
			details: []string{"Amount: Amount must be greater than 0", "CustomerIpAddress: The CustomerIpAddress field is required."},
			line:    "finrota: POST /b2c/widget/payment: 400 Bad Request: Amount: Amount must be greater than 0; CustomerIpAddress: The CustomerIpAddress field is required. (request id req-1)",
		},
		{
			name: "html page", body: "<html><body>502 Bad Gateway</body></html>", status: 502,
			line: "finrota: POST /b2c/widget/payment: 502 Bad Gateway (request id req-1): <html><body>502 Bad Gateway</body></html>",
		},
		{
			name: "secret echoed", body: `{"message":"bad key sk_live_abcdefghij","errors":[{"field":"token","message":"Bearer abcdefghijkl is expired"}]}`, status: 401,
			msg: "bad key [redacted]", details: []string{"token: Bearer [redacted] is expired"},
			line: "finrota: POST /b2c/widget/payment: 401 Unauthorized: bad key [redacted]: token: Bearer [redacted] is expired (request id req-1)",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := newMockEnv(t, WithMaxRetries(0))
			env.record(http.MethodPost, "/b2c/widget/payment", tc.status, tc.body)
			_, err := env.c.Widget.Pay(context.Background(), validPayment())
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tc.status, e.StatusCode)
			assert.Equal(t, "req-1", e.RequestID)
			assert.Equal(t, tc.msg, e.Message)
			assert.Equal(t, tc.code, e.Code)
			assert.Equal(t, tc.apiStatus, e.APIStatus)
			assert.Equal(t, tc.details, e.Details)
			assert.Equal(t, tc.line, err.Error())
			assert.Equal(t, tc.line, fmt.Sprintf("%#v", e))
			var base *transport.Error
			assert.True(t, errors.As(err, &base), "the base transport error is reachable")
			assert.False(t, errors.Is(err, ErrDeclined))
		})
	}
}

func TestFlattenBounds(t *testing.T) {
	deep := `[[[[[["too deep"]]]]]]`
	assert.Empty(t, flatten([]byte(deep), 0))
	assert.Equal(t, []string{"1", "true"}, flatten([]byte(`[1,true,null]`), 0))
	assert.Nil(t, flatten([]byte(`{"a":`), 0))
}
