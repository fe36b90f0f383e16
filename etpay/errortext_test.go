package etpay

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit/internal/leaktest"
	"github.com/paykit-go/paykit/internal/transport"
)

// hugeText is about 9 MB of provider text, under the 10 MiB body cap.
var hugeText = strings.Repeat("overflow ", 1<<20)

// forged is JSON-escaped text that would start a new log line (and clear a
// terminal) if it reached one unchanged.
const forged = `bad\r\nlevel=INFO msg=\"payment approved\"\u0000\u001b[2J\u0085\u2028end`

// TestErrorTextIsOneBoundedLine: whatever an answer says, and however much,
// Error() is one line of bounded length with the secrets redacted, and
// Code and Message hold at most transport.MaxProviderText bytes.
func TestErrorTextIsOneBoundedLine(t *testing.T) {
	ctx := context.Background()
	createSession := func(c *Client) error {
		_, err := c.Sessions.Create(ctx, &SessionRequest{OrderID: "OC1", Amount: 1000})
		return err
	}
	status := func(c *Client) error { _, err := c.Payments.Status(ctx, &StatusQuery{OrderID: "OC1"}); return err }
	tests := []struct {
		name   string
		call   func(*Client) error
		path   string
		status int
		body   string
		header http.Header
	}{
		{"8 MB message", createSession, "/session/initialize", 400, `{"message":"` + hugeText + `","code":"E1"}`, nil},
		{"8 MB code", createSession, "/session/initialize", 400, `{"code":"` + hugeText + `"}`, nil},
		{"8 MB error", createSession, "/session/initialize", 400, `{"error":"` + hugeText + `"}`, nil},
		{"line breaks and control characters", createSession, "/session/initialize", 400,
			`{"message":"` + forged + `","code":"` + forged + `","error":"` + forged + `"}`, nil},
		{"detail and error_code", status, "/merchant/check_payment_status", 422, `{"detail":"` + forged + hugeText + `","error_code":"` + forged + `"}`, nil},
		{"not JSON", createSession, "/session/initialize", 502, "bad gateway\x00\x1b[2J\r\nlevel=INFO msg=forged\u0085", nil},
		{"2xx not usable", status, "/merchant/check_payment_status", 200, "{\"x\":1}\r\nlevel=INFO msg=forged\x00\x1b[2J" + hugeText, nil},
		{"huge request id", createSession, "/session/initialize", 400, `{"message":"x"}`, http.Header{"X-Request-Id": {hugeText}}},
		{"secret in the message", createSession, "/session/initialize", 401, `{"message":"token ` + testAPIKey + `\n` + hugeText + `"}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mt := newMockClient(t, WithMaxRetries(0))
			mt.RegisterResponder(http.MethodPost, testAPI+tt.path, func(*http.Request) (*http.Response, error) {
				resp := httpmock.NewStringResponse(tt.status, tt.body)
				for k, vs := range tt.header {
					resp.Header[k] = vs
				}
				return resp, nil
			})
			err := tt.call(c)
			require.Error(t, err)
			leaktest.CheckLine(t, "Error()", err.Error())
			assert.NotContains(t, err.Error(), testAPIKey)
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.LessOrEqual(t, len(e.Message), transport.MaxProviderText+len("…"))
			assert.LessOrEqual(t, len(e.Code), transport.MaxProviderText+len("…"))
		})
	}
}

// TestErrorTextKeepsOrdinaryAnswers: the rule changes nothing for an
// ordinary answer.
func TestErrorTextKeepsOrdinaryAnswers(t *testing.T) {
	c, mt := newMockClient(t, WithMaxRetries(0))
	mt.RegisterResponder(http.MethodPost, testAPI+"/session/initialize", httpmock.NewBytesResponder(400, fixture(t, "error_400.json")))
	_, err := c.Sessions.Create(context.Background(), &SessionRequest{OrderID: "OC1", Amount: 1000})
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.NotEmpty(t, e.Message)
	assert.Contains(t, err.Error(), e.Message)
}
