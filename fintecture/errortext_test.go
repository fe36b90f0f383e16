package fintecture

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

func manyDetails(n int) string {
	var b strings.Builder
	b.WriteByte('[')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"code":"c` + strconv.Itoa(i) + `","message":"wrong\n"}`)
	}
	b.WriteByte(']')
	return b.String()
}

// TestErrorTextIsOneBoundedLine: whatever an answer says, and however much,
// Error() is one line of bounded length with the secrets redacted, and each
// field of the error holds at most transport.MaxProviderText bytes.
func TestErrorTextIsOneBoundedLine(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		header http.Header
	}{
		{"8 MB code", 400, `{"code":"` + hugeText + `"}`, nil},
		{"8 MB detail", 400, `{"code":"bad","errors":[{"code":"` + midText + `","title":"` + midText + `","message":"` + midText + `"}]}`, nil},
		{"line breaks and control characters", 400,
			`{"code":"` + forged + `","log_id":"` + forged + `","errors":[{"code":"` + forged + `","title":"` + forged + `","detail":"` + forged + `"}]}`, nil},
		{"a hundred thousand details", 400, `{"code":"bad","errors":` + manyDetails(100000) + `}`, nil},
		{"not JSON", 502, "bad gateway\x00\x1b[2J\r\nlevel=INFO msg=forged\u0085", nil},
		{"huge request id", 400, `{"message":"x"}`, http.Header{"X-Request-Id": {hugeText}}},
		{"secret in the message", 401, `{"code":"unauthorized","errors":[{"message":"secret ` + testSecret + `\n` + hugeText + `"}]}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mt, _ := mockAPI(t)
			c := newTestClient(t, mt, false, WithMaxRetries(0))
			mt.RegisterResponder(http.MethodGet, testBase+"/pis/v2/payments/s1", func(*http.Request) (*http.Response, error) {
				resp := httpmock.NewStringResponse(tt.status, tt.body)
				for k, vs := range tt.header {
					resp.Header[k] = vs
				}
				return resp, nil
			})
			_, err := c.PIS.GetPayment(context.Background(), "s1")
			require.Error(t, err)
			leaktest.CheckLine(t, "Error()", err.Error())
			assert.NotContains(t, err.Error(), testSecret)
			var e *Error
			require.ErrorAs(t, err, &e)
			fields := []string{e.Code, e.LogID}
			for _, d := range e.Details {
				fields = append(fields, d.Code, d.Title, d.Message)
			}
			for _, f := range fields {
				assert.LessOrEqual(t, len(f), transport.MaxProviderText+len("…"))
			}
			assert.LessOrEqual(t, len(e.Details), transport.MaxProviderItems)
		})
	}
}
