package mercadopago

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/money"
)

func TestRefundsCreate(t *testing.T) {
	tests := []struct {
		name string
		req  *RefundRequest
		body string
	}{
		{"full, nil request", nil, ""},
		{"full, zero amount", &RefundRequest{}, ""},
		{"partial", &RefundRequest{Amount: money.MustParse("5000")}, `{"amount":5000}`},
		{"partial with cents", &RefundRequest{Amount: money.MustParse("10.50")}, `{"amount":10.50}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mt := newMocked(t)
			rec := &recorder{}
			mt.RegisterResponder(http.MethodPost, testBase+"/v1/payments/1316782591/refunds", rec.responder(201, fixture(t, "refund.json"), nil))
			r, err := c.Refunds.Create(context.Background(), 1316782591, tt.req, WithIdempotencyKey("refund-1042-1"))
			require.NoError(t, err)
			got := rec.last(t)
			assert.Equal(t, http.MethodPost, got.Method)
			assert.Equal(t, "/v1/payments/1316782591/refunds", got.Path)
			assertCommonHeaders(t, got)
			assert.Equal(t, "refund-1042-1", got.Header.Get(IdempotencyHeader))
			assert.Equal(t, tt.body, string(got.Body))
			if tt.body == "" {
				assert.Empty(t, got.Header.Get("Content-Type"))
			}
			assert.Equal(t, int64(1009042015), r.ID)
			assert.Equal(t, int64(1316782591), r.PaymentID)
			assert.Equal(t, "5000", r.Amount.String())
			assert.Equal(t, "approved", r.Status)
			assert.Equal(t, "refund-1042-1", r.Meta.IdempotencyKey)
			assert.Empty(t, r.Unparsed)
		})
	}
}

func TestRefundsValidate(t *testing.T) {
	c, mt := newMocked(t)
	_, err := c.Refunds.Create(context.Background(), 0, nil)
	assert.ErrorAs(t, err, new(*paykit.ValidationError))
	_, err = c.Refunds.Create(context.Background(), 1, &RefundRequest{Amount: money.FromInt(-5)})
	assert.ErrorAs(t, err, new(*paykit.ValidationError))
	_, err = c.Refunds.Get(context.Background(), 1, 0)
	assert.ErrorAs(t, err, new(*paykit.ValidationError))
	_, err = c.Refunds.Get(context.Background(), 0, 1)
	assert.ErrorAs(t, err, new(*paykit.ValidationError))
	_, err = c.Refunds.List(context.Background(), -1)
	assert.ErrorAs(t, err, new(*paykit.ValidationError))
	assert.Zero(t, mt.GetTotalCallCount())
}

func TestRefundsGetAndList(t *testing.T) {
	c, mt := newMocked(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"/v1/payments/1316782591/refunds/1009042015", rec.responder(200, fixture(t, "refund.json"), nil))
	mt.RegisterResponder(http.MethodGet, testBase+"/v1/payments/1316782591/refunds", rec.responder(200, fixture(t, "refunds_list.json"), nil))
	r, err := c.Refunds.Get(context.Background(), 1316782591, 1009042015)
	require.NoError(t, err)
	assert.Equal(t, "/v1/payments/1316782591/refunds/1009042015", rec.last(t).Path)
	assertCommonHeaders(t, rec.last(t))
	assert.Equal(t, "5000", r.AmountRefundedToPayer.String())

	list, err := c.Refunds.List(context.Background(), 1316782591)
	require.NoError(t, err)
	assert.Equal(t, "/v1/payments/1316782591/refunds", rec.last(t).Path)
	require.Len(t, list, 2)
	assert.Equal(t, int64(1009042016), list[1].ID)
	assert.Equal(t, int64(1316782591), list[1].PaymentID)
	assert.Equal(t, "10990.00", list[1].Amount.String())
}

func TestRefundRefusals(t *testing.T) {
	c, mt := newMocked(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodPost, testBase+"/v1/payments/5/refunds", rec.responder(400, []byte(`{"message":"Invalid refund amount","error":"bad_request","status":400,"cause":[{"code":4041,"description":"Invalid refund amount"}]}`), nil))
	_, err := c.Refunds.Create(context.Background(), 5, &RefundRequest{Amount: money.FromInt(99999)})
	require.Error(t, err)
	assert.True(t, IsRefundRejected(err))
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.NotEmpty(t, e.IdempotencyKey, "the key used is reported on the error")
	assert.Equal(t, 1, rec.count(), "a 400 is not retried")
}
