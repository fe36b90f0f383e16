package etpay

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/paykit-go/paykit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// expectJSON answers with answer after checking method, path, headers and
// the exact body bytes of the request.
func expectJSON(t *testing.T, wantBody []byte, status int, answer []byte, seen *int) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		*seen++
		assert.Equal(t, http.MethodPost, req.Method)
		assert.Equal(t, "application/json", req.Header.Get("Content-Type"))
		assert.Equal(t, "application/json", req.Header.Get("Accept"))
		assert.Contains(t, req.Header.Get("User-Agent"), "(etpay)")
		assert.Empty(t, req.Header.Get("Authorization"), "credentials travel in the body only")
		assert.Empty(t, req.Header.Get("Idempotency-Key"))
		assert.Empty(t, req.URL.RawQuery)
		body, err := io.ReadAll(req.Body)
		require.NoError(t, err)
		assert.Equal(t, string(wantBody), string(body))
		resp := httpmock.NewBytesResponse(status, answer)
		resp.Header.Set("Content-Type", "application/json")
		resp.Header.Set("X-Request-Id", "req-123")
		return resp, nil
	}
}

// The wire of Sessions.Create and Payments.Status (method, path, headers,
// exact body bytes, and how the documented answers decode) is checked by
// the shared harness: conformance/wire_etpay_test.go.

func TestSessionsCreateValidation(t *testing.T) {
	long := strings.Repeat("a", 65)
	tests := []struct {
		req  SessionRequest
		want string
	}{
		{SessionRequest{Amount: 1}, "etpay: merchant_order_id: must not be empty"},
		{SessionRequest{OrderID: long, Amount: 1}, "etpay: merchant_order_id: must be at most 64 characters"},
		{SessionRequest{OrderID: "OC 1", Amount: 1}, "etpay: merchant_order_id: must contain only letters, digits, '-' and '_'"},
		{SessionRequest{OrderID: "OCé", Amount: 1}, "etpay: merchant_order_id: must contain only letters, digits, '-' and '_'"},
		{SessionRequest{OrderID: "A"}, "etpay: order_amount: must be a positive whole amount"},
		{SessionRequest{OrderID: "A", Amount: -5}, "etpay: order_amount: must be a positive whole amount"},
		{SessionRequest{OrderID: "A", Amount: 1, CustomerEmail: "nope"}, "etpay: customer_email: must be a plain email address"},
		{SessionRequest{OrderID: "A", Amount: 1, CustomerEmail: "Ann <a@b.cl>"}, "etpay: customer_email: must be a plain email address"},
		{SessionRequest{OrderID: "A", Amount: 1, Metadata: []Metadata{{Name: " "}}}, "etpay: metadata[0].name: must not be empty"},
		{SessionRequest{OrderID: "A", Amount: 1, UserBankCode: CustomBankCode("Banco Estado")}, "etpay: user_bank_code: must be lower-case letters, digits and '_' (e.g. cl_estado)"},
		{SessionRequest{OrderID: "A", Amount: 1, UserRUT: "12345678-9"}, "etpay: user_rut: must be a Chilean RUT with a correct check digit, e.g. 12345678-5"},
		{SessionRequest{OrderID: "A", Amount: 1, BlockRUT: true}, "etpay: is_rut_block: needs user_rut to block"},
		{SessionRequest{OrderID: "A", Amount: 1, CompletedURL: "/ok"}, "etpay: payment_completed_url: must be an absolute http or https URL"},
		{SessionRequest{OrderID: "A", Amount: 1, CancellationURL: "javascript:alert(1)"}, "etpay: payment_cancellation_url: must be an absolute http or https URL"},
		{SessionRequest{OrderID: "A", Amount: 1, WebhookURL: "shop.example/n"}, "etpay: payment_webhook_url: must be an absolute http or https URL"},
	}
	c, mt := newMockClient(t)
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			_, err := c.Sessions.Create(context.Background(), &tt.req)
			var ve *paykit.ValidationError
			require.True(t, errors.As(err, &ve), "%v", err)
			assert.Equal(t, tt.want, err.Error())
		})
	}
	_, err := c.Sessions.Create(context.Background(), nil)
	require.Error(t, err)
	assert.Zero(t, mt.GetTotalCallCount(), "nothing is sent when the input is wrong")
}

func TestValidRUT(t *testing.T) {
	for rut, ok := range map[string]bool{
		"12345678-5": true, "12.345.678-5": true, "123456785": true, "11111111-1": true,
		"10000013-K": true, "10000013-k": true, "7-6": false, "12345678-0": false, "abc": false, "": false, "1-9": true,
	} {
		assert.Equal(t, ok, validRUT(rut), rut)
	}
}

func TestSessionsCreateErrors(t *testing.T) {
	t.Run("400 with a code", func(t *testing.T) {
		c, mt := newMockClient(t)
		mt.RegisterResponder(http.MethodPost, testAPI+"/session/initialize", httpmock.NewBytesResponder(400, fixture(t, "error_400.json")))
		_, err := c.Sessions.Create(context.Background(), &SessionRequest{OrderID: "A", Amount: 1})
		var e *Error
		require.True(t, errors.As(err, &e))
		assert.Equal(t, 400, e.StatusCode)
		assert.Equal(t, "INVALID_ORDER_AMOUNT", e.Code)
		assert.Equal(t, "order_amount must be a positive integer", e.Message)
		assert.True(t, strings.HasPrefix(err.Error(), "etpay: POST /session/initialize: 400 Bad Request"), err.Error())
	})
	t.Run("HTML 502 from a proxy", func(t *testing.T) {
		c, mt := newMockClient(t)
		mt.RegisterResponder(http.MethodPost, testAPI+"/session/initialize", httpmock.NewStringResponder(502, "<html>bad gateway</html>"))
		_, err := c.Sessions.Create(context.Background(), &SessionRequest{OrderID: "A", Amount: 1})
		var e *Error
		require.True(t, errors.As(err, &e))
		assert.Equal(t, 502, e.StatusCode)
		assert.Empty(t, e.Code)
		assert.Equal(t, 1, mt.GetTotalCallCount(), "a 5xx to a POST without idempotency is not repeated")
	})
	t.Run("429 is repeated", func(t *testing.T) {
		c, mt := newMockClient(t)
		mt.RegisterResponder(http.MethodPost, testAPI+"/session/initialize",
			httpmock.NewBytesResponder(429, []byte(`{"message":"slow down"}`)).HeaderSet(http.Header{"Retry-After": {"0"}}).
				Then(httpmock.NewBytesResponder(200, fixture(t, "session_initialize_response.json"))))
		s, err := c.Sessions.Create(context.Background(), &SessionRequest{OrderID: "A", Amount: 1})
		require.NoError(t, err)
		assert.Equal(t, 2, s.Meta.Attempts)
	})
	t.Run("2xx without a token", func(t *testing.T) {
		c, mt := newMockClient(t)
		mt.RegisterResponder(http.MethodPost, testAPI+"/session/initialize", httpmock.NewStringResponder(200, `{"token":""}`))
		_, err := c.Sessions.Create(context.Background(), &SessionRequest{OrderID: "A", Amount: 1})
		var e *Error
		require.True(t, errors.As(err, &e))
		assert.Contains(t, err.Error(), "no token or no signature_token")
	})
	t.Run("2xx that is not JSON", func(t *testing.T) {
		c, mt := newMockClient(t)
		mt.RegisterResponder(http.MethodPost, testAPI+"/session/initialize", httpmock.NewStringResponder(200, `OK`))
		_, err := c.Sessions.Create(context.Background(), &SessionRequest{OrderID: "A", Amount: 1})
		var e *Error
		require.True(t, errors.As(err, &e))
	})
}
