package etpay

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/paykit-go/paykit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPaymentsStatusDrifted(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodPost, testAPI+"/merchant/check_payment_status",
		httpmock.NewBytesResponder(200, fixture(t, "check_payment_status_response_drifted.json")))
	got, err := c.Payments.Status(context.Background(), &StatusQuery{OrderID: "OC700104"})
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, "918273", got[0].PaymentToken)
	assert.Equal(t, int64(2000), got[0].Amount)
	assert.JSONEq(t, `"cl_estado"`, string(got[0].Extra["bank_code"]))
	assert.Contains(t, got[0].Extra, "paid_at")
	// An amount of an unexpected shape does not fail the answer; it is kept raw.
	assert.Equal(t, int64(0), got[1].Amount)
	assert.JSONEq(t, `{"value":2000}`, string(got[1].Extra["order_amount"]))
}

func TestDecodePaymentsShapes(t *testing.T) {
	for body, want := range map[string]int{
		`[]`: 0, `{"payments":[{"payment_token":"a"}]}`: 1, `{"data":[{"payment_token":"a"},{"payment_token":"b"}]}`: 2,
		`{"payment_token":"a","payment_status":"success"}`: 1,
	} {
		got, reason := decodePayments([]byte(body))
		assert.Empty(t, reason, body)
		assert.Len(t, got, want, body)
	}
	for _, body := range []string{``, `nope`, `{"message":"x"}`, `[1,2]`, `{`} {
		_, reason := decodePayments([]byte(body))
		assert.NotEmpty(t, reason, body)
	}
}

func TestPaymentsStatusErrors(t *testing.T) {
	c, mt := newMockClient(t)
	for _, q := range []*StatusQuery{nil, {}, {PaymentToken: "a", OrderID: "b"}, {OrderID: "no spaces"}} {
		_, err := c.Payments.Status(context.Background(), q)
		var ve *paykit.ValidationError
		assert.True(t, errors.As(err, &ve), "%v", err)
	}
	assert.Zero(t, mt.GetTotalCallCount())

	mt.RegisterResponder(http.MethodPost, testAPI+"/merchant/check_payment_status", httpmock.NewStringResponder(200, `{"message":"merchant not found"}`))
	_, err := c.Payments.Status(context.Background(), &StatusQuery{PaymentToken: "a"})
	var e *Error
	require.True(t, errors.As(err, &e))
	assert.Contains(t, err.Error(), "without payment records")
}

func TestPaymentJSONRoundTrip(t *testing.T) {
	var p Payment
	require.NoError(t, json.Unmarshal([]byte(`{"payment_token":"x","payment_status":"pending","order_amount":5}`), &p))
	assert.Equal(t, Payment{PaymentToken: "x", PaymentStatus: PaymentPending, Amount: 5}, p)
	assert.Error(t, json.Unmarshal([]byte(`[1]`), &p))
}

func TestPaymentsStatusIsRetriedAsARead(t *testing.T) {
	c, mt := newMockClient(t, WithMaxRetries(1))
	calls := 0
	mt.RegisterResponder(http.MethodPost, testAPI+"/merchant/check_payment_status", func(*http.Request) (*http.Response, error) {
		calls++
		if calls == 1 {
			return httpmock.NewStringResponse(http.StatusBadGateway, `<html>bad gateway</html>`), nil
		}
		return httpmock.NewBytesResponse(http.StatusOK, fixture(t, "check_payment_status_response.json")), nil
	})
	got, err := c.Payments.Status(context.Background(), &StatusQuery{OrderID: "OC700104"})
	require.NoError(t, err)
	assert.Equal(t, 2, calls, "a status query only reads, so a 502 is retried")
	assert.NotEmpty(t, got)
}
