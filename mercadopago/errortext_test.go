package mercadopago

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

// hugeText is about 9 MB of provider text, under the 10 MiB body cap;
// midText, about 2 MB, where an answer holds several.
var (
	hugeText = strings.Repeat("overflow ", 1<<20)
	midText  = strings.Repeat("overflow ", 1<<18)
)

// forged is JSON-escaped text that would start a new log line (and clear a
// terminal) if it reached one unchanged.
const forged = `bad\r\nlevel=INFO msg=\"payment approved\"\u0000\u001b[2J\u0085\u2028end`

// manyCauses is a cause list far longer than an error keeps.
func manyCauses(n int) string {
	var b strings.Builder
	b.WriteByte('[')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"code":"` + strconv.Itoa(i) + `","description":"cause ` + strconv.Itoa(i) + `\n"}`)
	}
	b.WriteByte(']')
	return b.String()
}

// TestErrorTextIsOneBoundedLine: whatever an answer says, and however much,
// Error() is one line of bounded length with the secrets redacted, and each
// field of the error holds at most transport.MaxProviderText bytes.
func TestErrorTextIsOneBoundedLine(t *testing.T) {
	ctx := context.Background()
	getPayment := func(c *Client) error { _, err := c.Payments.Get(ctx, 7); return err }
	getOrder := func(c *Client) error { _, err := c.Orders.Get(ctx, "ORD1"); return err }
	exchange := func(c *Client) error { _, err := c.OAuth.Exchange(ctx, testApp(), "TG-code", ""); return err }
	tests := []struct {
		name         string
		call         func(*Client) error
		method, path string
		status       int
		body         string
		header       http.Header
	}{
		{"8 MB message", getPayment, "GET", "/v1/payments/7", 400, `{"message":"` + hugeText + `","error":"bad_request"}`, nil},
		{"8 MB code", getPayment, "GET", "/v1/payments/7", 400, `{"error":"` + hugeText + `"}`, nil},
		{"huge cause", getPayment, "GET", "/v1/payments/7", 400, `{"message":"x","cause":[{"code":"` + midText + `","description":"` + midText + `","data":"` + midText + `"}]}`, nil},
		{"line breaks and control characters", getPayment, "GET", "/v1/payments/7", 400,
			`{"message":"` + forged + `","error":"` + forged + `","cause":[{"code":"` + forged + `","description":"` + forged + `","data":"` + forged + `"}]}`, nil},
		{"a hundred thousand causes", getPayment, "GET", "/v1/payments/7", 400, `{"message":"x","cause":` + manyCauses(100000) + `}`, nil},
		{"orders error list", getOrder, "GET", "/v1/orders/ORD1", 400,
			`{"errors":[{"code":"` + forged + `","message":"` + midText + forged + `","details":["` + forged + `","` + midText + `"]}]}`, nil},
		{"orders error list, huge", getOrder, "GET", "/v1/orders/ORD1", 400, `{"errors":` + manyCauses(100000) + `}`, nil},
		{"oauth answer", exchange, "POST", "/oauth/token", 400, `{"error":"` + forged + `","message":"` + hugeText + `","status":400,"cause":[]}`, nil},
		{"not JSON", getPayment, "GET", "/v1/payments/7", 502, "bad gateway\x00\x1b[2J\r\nlevel=INFO msg=forged\u0085", nil},
		{"huge request id", getPayment, "GET", "/v1/payments/7", 400, `{"message":"x"}`, http.Header{"X-Request-Id": {hugeText}}},
		{"secret in the message", getPayment, "GET", "/v1/payments/7", 401, `{"message":"token ` + testToken + "\\n" + hugeText + `"}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mt := newMocked(t, WithMaxRetries(0))
			rec := &recorder{}
			mt.RegisterResponder(tt.method, testBase+tt.path, rec.responder(tt.status, []byte(tt.body), tt.header))
			err := tt.call(c)
			require.Error(t, err)
			leaktest.CheckLine(t, "Error()", err.Error())
			assert.NotContains(t, err.Error(), testToken)
			var e *Error
			require.ErrorAs(t, err, &e)
			for _, f := range append([]string{e.Message, e.Code}, causeTexts(e.Causes)...) {
				assert.LessOrEqual(t, len(f), transport.MaxProviderText+len("…"))
			}
			assert.LessOrEqual(t, len(e.Causes), transport.MaxProviderItems)
		})
	}
}

func causeTexts(cs []Cause) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Code, c.Description, c.Data)
	}
	return out
}

// TestErrorTextKeepsOrdinaryAnswers: the rule changes nothing for the
// answers Mercado Pago really sends.
func TestErrorTextKeepsOrdinaryAnswers(t *testing.T) {
	c, mt := newMocked(t, WithMaxRetries(0))
	mt.RegisterResponder("GET", testBase+"/v1/payments/7", httpmock.NewBytesResponder(400, fixture(t, "error_duplicate.json")))
	_, err := c.Payments.Get(context.Background(), 7)
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "Already posted the same request in the last minute", e.Message)
	assert.Contains(t, err.Error(), "(cause 2001: Already posted the same request in the last minute)")
}
