package finrota

import (
	"context"
	"net/http"
	"strconv"
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

func manyErrors(n int) string {
	var b strings.Builder
	b.WriteByte('[')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"field":"f` + strconv.Itoa(i) + `","message":"wrong\n"}`)
	}
	b.WriteByte(']')
	return b.String()
}

// TestErrorTextIsOneBoundedLine: whatever an answer says, and however much,
// Error() is one line of bounded length with the secrets redacted, and each
// field of the error holds at most transport.MaxProviderText bytes.
func TestErrorTextIsOneBoundedLine(t *testing.T) {
	ctx := context.Background()
	get := func(c *Client) error { _, err := c.Transactions.Get(ctx, ByTransactionID("1")); return err }
	token := func(c *Client) error { _, err := c.Widget.CreateToken(ctx); return err }
	tests := []struct {
		name         string
		call         func(*Client) error
		method, path string
		status       int
		body         string
		header       http.Header
	}{
		{"8 MB message", get, "GET", transactionPath, 400, `{"message":"` + hugeText + `","statusCode":400}`, nil},
		{"8 MB error message", get, "GET", transactionPath, 400, `{"data":{"errorCode":"E1","errorMessage":"` + hugeText + `"}}`, nil},
		{"line breaks and control characters", get, "GET", transactionPath, 400,
			`{"message":"` + forged + `","data":{"errorCode":"` + forged + `","errorMessage":"` + forged + `x"},"errors":{"` + forged + `":["` + forged + `"]},"exceptions":["` + forged + `"]}`, nil},
		{"a hundred thousand errors", get, "GET", transactionPath, 400, `{"message":"x","errors":` + manyErrors(100000) + `}`, nil},
		{"not JSON", get, "GET", transactionPath, 502, "bad gateway\x00\x1b[2J\r\nlevel=INFO msg=forged\u0085", nil},
		{"2xx not usable", token, "GET", "/b2c/widget/token", 200, "{\"x\":1}\r\nlevel=INFO msg=forged\x00\x1b[2J" + hugeText, nil},
		{"huge request id", get, "GET", transactionPath, 400, `{"message":"x"}`, http.Header{"X-Request-Id": {hugeText}}},
		{"secret in the message", get, "GET", transactionPath, 401, `{"message":"key ` + testSecretKey + `\n` + hugeText + `"}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newMockEnv(t, WithMaxRetries(0))
			env.record(tt.method, tt.path, tt.status, tt.body)
			if tt.header != nil {
				env.mt.RegisterResponder(tt.method, testBase+tt.path, func(*http.Request) (*http.Response, error) {
					resp := httpmock.NewStringResponse(tt.status, tt.body)
					for k, vs := range tt.header {
						resp.Header[k] = vs
					}
					return resp, nil
				})
			}
			err := tt.call(env.c)
			require.Error(t, err)
			leaktest.CheckLine(t, "Error()", err.Error())
			assert.NotContains(t, err.Error(), testSecretKey)
			var e *Error
			require.ErrorAs(t, err, &e)
			for _, f := range append([]string{e.Message, e.Code}, e.Details...) {
				assert.LessOrEqual(t, len(f), transport.MaxProviderText+len("…"))
			}
			assert.LessOrEqual(t, len(e.Details), transport.MaxProviderItems)
		})
	}
}
