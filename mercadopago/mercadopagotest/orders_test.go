package mercadopagotest_test

import (
	"bytes"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit/internal/sim"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/money"
)

func cardOrder(tok, amount string, mode mercadopago.ProcessingMode, capture mercadopago.CaptureMode) *mercadopago.OrderRequest {
	return &mercadopago.OrderRequest{ProcessingMode: mode, CaptureMode: capture, TotalAmount: money.MustParse(amount),
		ExternalReference: "ext-" + amount, Payer: &mercadopago.OrderPayer{Email: "buyer@example.com"},
		Payments: []mercadopago.OrderPaymentRequest{{Amount: money.MustParse(amount),
			PaymentMethod: mercadopago.OrderPaymentMethod{ID: "master", Type: "credit_card", Token: tok, Installments: 1}}}}
}

func TestOrderLifecycle(t *testing.T) {
	srv, c := setup(t)
	o, err := c.Orders.Create(ctx, cardOrder(token(t, srv, "APRO"), "15990.00", mercadopago.ProcessAutomatic, ""))
	require.NoError(t, err)
	assert.Equal(t, mercadopago.OrderProcessed, o.Status)
	assert.Equal(t, mercadopago.OrderDetailAccredited, o.StatusDetail)
	assert.Equal(t, "15990.00", o.TotalPaidAmount.String())
	pay := o.Payment()
	require.NotNil(t, pay)
	assert.Equal(t, mercadopago.TransactionProcessed, pay.Status)
	assert.NotEmpty(t, pay.ReferenceID)

	o, err = c.Orders.Refund(ctx, o.ID, &mercadopago.OrderRefundRequest{Transactions: []mercadopago.OrderRefundTransaction{{ID: pay.ID, Amount: money.MustParse("5000")}}})
	require.NoError(t, err)
	assert.Equal(t, mercadopago.OrderProcessed, o.Status)
	assert.Equal(t, mercadopago.OrderDetailPartiallyRefunded, o.StatusDetail)
	require.Len(t, o.Transactions.Refunds, 1)
	assert.Equal(t, "5000", o.Transactions.Refunds[0].Amount.String())

	_, err = c.Orders.Refund(ctx, o.ID, &mercadopago.OrderRefundRequest{Transactions: []mercadopago.OrderRefundTransaction{{ID: pay.ID, Amount: money.MustParse("10990.01")}}})
	var apiErr *mercadopago.Error
	require.ErrorAs(t, err, &apiErr, "more than is left")
	assert.Equal(t, "invalid_refund_amount", apiErr.Code)

	o, err = c.Orders.Refund(ctx, o.ID, nil)
	require.NoError(t, err)
	assert.Equal(t, mercadopago.OrderRefunded, o.Status)
	require.Len(t, o.Transactions.Refunds, 2)
	assert.Equal(t, "10990.00", o.Transactions.Refunds[1].Amount.String(), "a full refund gives back what is left")

	got, err := c.Orders.Get(ctx, o.ID)
	require.NoError(t, err)
	assert.Equal(t, mercadopago.OrderRefunded, got.Status)
	_, err = c.Orders.Cancel(ctx, o.ID)
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusConflict, apiErr.StatusCode)
}

func TestOrderManualCaptureAndCancel(t *testing.T) {
	srv, c := setup(t)
	o, err := c.Orders.Create(ctx, cardOrder(token(t, srv, "APRO"), "200", mercadopago.ProcessAutomatic, mercadopago.CaptureManual))
	require.NoError(t, err)
	assert.Equal(t, mercadopago.OrderActionRequired, o.Status)
	assert.Equal(t, mercadopago.OrderDetailWaitingCapture, o.StatusDetail)
	_, err = c.Orders.Refund(ctx, o.ID, nil)
	assert.Error(t, err, "nothing to refund before the capture")
	o, err = c.Orders.Capture(ctx, o.ID)
	require.NoError(t, err)
	assert.Equal(t, mercadopago.OrderProcessed, o.Status)
	assert.Equal(t, mercadopago.TransactionProcessed, o.Payment().Status)
	_, err = c.Orders.Capture(ctx, o.ID)
	assert.Error(t, err, "captured once only")

	o, err = c.Orders.Create(ctx, cardOrder(token(t, srv, "APRO"), "300", mercadopago.ProcessAutomatic, mercadopago.CaptureManual))
	require.NoError(t, err)
	o, err = c.Orders.Cancel(ctx, o.ID)
	require.NoError(t, err)
	assert.Equal(t, mercadopago.OrderCanceled, o.Status)
	assert.Equal(t, mercadopago.TransactionCanceled, o.Payment().Status)
}

func TestOrderManualProcessingAndOutcomes(t *testing.T) {
	srv, c := setup(t)
	o, err := c.Orders.Create(ctx, cardOrder(token(t, srv, "APRO"), "100", mercadopago.ProcessManual, ""))
	require.NoError(t, err)
	assert.Equal(t, mercadopago.OrderCreated, o.Status)
	assert.Equal(t, mercadopago.TransactionCreated, o.Payment().Status)
	o, err = c.Orders.Process(ctx, o.ID)
	require.NoError(t, err)
	assert.Equal(t, mercadopago.OrderProcessed, o.Status)
	_, err = c.Orders.Process(ctx, o.ID)
	assert.Error(t, err, "processed once only")

	tests := []struct {
		holder string
		status mercadopago.OrderStatus
		detail mercadopago.OrderStatusDetail
	}{
		{"OTHE", mercadopago.OrderFailed, mercadopago.OrderDetailRejectedByIssuer},
		{"FUND", mercadopago.OrderFailed, mercadopago.OrderDetailInsufficientAmount},
		{"CALL", mercadopago.OrderFailed, mercadopago.OrderDetailRequiredCallForAuthorize},
		{"SECU", mercadopago.OrderFailed, mercadopago.OrderDetailBadFilledCardData},
		{"CONT", mercadopago.OrderProcessing, mercadopago.OrderDetailInProcess},
	}
	for _, tt := range tests {
		o, err := c.Orders.Create(ctx, cardOrder(token(t, srv, tt.holder), "100", mercadopago.ProcessAutomatic, ""))
		require.NoError(t, err, tt.holder)
		assert.Equal(t, tt.status, o.Status, tt.holder)
		assert.Equal(t, tt.detail, o.StatusDetail, tt.holder)
		assert.True(t, o.TotalPaidAmount.IsZero(), tt.holder)
	}
	assert.Equal(t, 6, srv.OrderCount())
}

func TestOrderChecksWhatTheAPIChecks(t *testing.T) {
	srv, c := setup(t)
	tok := token(t, srv, "APRO")
	_, err := c.Orders.Create(ctx, cardOrder(tok, "100", mercadopago.ProcessAutomatic, ""))
	require.NoError(t, err)
	_, err = c.Orders.Create(ctx, cardOrder(tok, "100", mercadopago.ProcessAutomatic, ""))
	var apiErr *mercadopago.Error
	require.ErrorAs(t, err, &apiErr, "a card token is used once")
	assert.Equal(t, "invalid_card_token", apiErr.Code)

	// Without X-Idempotency-Key the API refuses, in its own error shape.
	body := `{"type":"online","processing_mode":"automatic","total_amount":"100","external_reference":"x","payer":{"email":"a@b.co"},` +
		`"transactions":{"payments":[{"amount":"100","payment_method":{"id":"master","type":"credit_card","token":"` + token(t, srv, "APRO") + `","installments":1}}]}}`
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v1/orders", bytes.NewBufferString(body))
	req.Header.Set("Authorization", "Bearer "+srv.AccessToken)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Equal(t, 1, srv.OrderCount())

	_, err = c.Orders.Get(ctx, "01NOPE")
	assert.True(t, mercadopago.IsNotFound(err))
	wrong, err := mercadopago.NewClient(mercadopago.Credentials{AccessToken: "TEST-wrong"}, mercadopago.WithBaseURL(srv.URL))
	require.NoError(t, err)
	_, err = wrong.Orders.Get(ctx, "01NOPE")
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusUnauthorized, apiErr.StatusCode)
}

func TestOrderLostAnswerIsNotPaidTwice(t *testing.T) {
	srv, c := setup(t)
	srv.FailNext(1, sim.Fault{Kind: sim.StatusAfter, Status: http.StatusBadGateway, Method: http.MethodPost, PathPrefix: "/v1/orders"})
	o, err := c.Orders.Create(ctx, cardOrder(token(t, srv, "APRO"), "100", mercadopago.ProcessAutomatic, ""), mercadopago.WithIdempotencyKey("order-7"))
	require.NoError(t, err)
	assert.Equal(t, 2, o.Meta.Attempts)
	assert.Equal(t, 1, srv.OrderCount())
	got, ok := srv.Order(o.ID)
	require.True(t, ok)
	assert.Equal(t, mercadopago.OrderProcessed, got.Status)
	_, ok = srv.Order("nope")
	assert.False(t, ok)
}

// An order's payment transaction is a payment of /v1/payments too: its
// reference_id reads back, and captures and refunds show on it.
func TestOrderPaymentsAreBackedByPayments(t *testing.T) {
	srv, c := setup(t)
	o, err := c.Orders.Create(ctx, cardOrder(token(t, srv, "APRO"), "9000", mercadopago.ProcessAutomatic, mercadopago.CaptureManual))
	require.NoError(t, err)
	id, err := strconv.ParseInt(o.Payment().ReferenceID, 10, 64)
	require.NoError(t, err)
	p, err := c.Payments.Get(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, mercadopago.StatusAuthorized, p.Status)
	assert.Equal(t, "9000", p.TransactionAmount.String())
	assert.Equal(t, "ext-9000", p.ExternalReference)

	_, err = c.Orders.Capture(ctx, o.ID)
	require.NoError(t, err)
	p, err = c.Payments.Get(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, mercadopago.StatusApproved, p.Status)

	_, err = c.Orders.Refund(ctx, o.ID, &mercadopago.OrderRefundRequest{Transactions: []mercadopago.OrderRefundTransaction{{ID: o.Payment().ID, Amount: money.FromInt(1000)}}})
	require.NoError(t, err)
	p, err = c.Payments.Get(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, mercadopago.DetailPartiallyRefunded, p.StatusDetail)
	assert.Equal(t, "1000", p.TransactionAmountRefunded.String())
	o, err = c.Orders.Refund(ctx, o.ID, nil)
	require.NoError(t, err)
	p, err = c.Payments.Get(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, mercadopago.StatusRefunded, p.Status)
	require.Len(t, p.Refunds, 2)
	assert.Equal(t, strconv.FormatInt(p.Refunds[1].ID, 10), o.Transactions.Refunds[1].ReferenceID)

	failed, err := c.Orders.Create(ctx, cardOrder(token(t, srv, "FUND"), "100", mercadopago.ProcessAutomatic, ""))
	require.NoError(t, err)
	id, _ = strconv.ParseInt(failed.Payment().ReferenceID, 10, 64)
	p, err = c.Payments.Get(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, mercadopago.StatusRejected, p.Status)
	assert.Equal(t, mercadopago.DetailRejectedInsufficientFunds, p.StatusDetail)
}

func TestOrderExpires(t *testing.T) {
	srv, c := setup(t)
	srv.Clock.Set(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	req := cardOrder(token(t, srv, "APRO"), "100", mercadopago.ProcessManual, "")
	req.ExpirationTime = "PT30M"
	o, err := c.Orders.Create(ctx, req)
	require.NoError(t, err)
	assert.Equal(t, mercadopago.OrderCreated, o.Status)
	assert.Equal(t, "PT30M", o.ExpirationTime)
	srv.Clock.Advance(29 * time.Minute)
	o, err = c.Orders.Get(ctx, o.ID)
	require.NoError(t, err)
	assert.Equal(t, mercadopago.OrderCreated, o.Status, "not yet")
	srv.Clock.Advance(2 * time.Minute)
	o, err = c.Orders.Get(ctx, o.ID)
	require.NoError(t, err)
	assert.Equal(t, mercadopago.OrderExpired, o.Status)
	assert.Equal(t, mercadopago.TransactionExpired, o.Payment().Status)
	_, err = c.Orders.Process(ctx, o.ID)
	assert.Error(t, err, "an expired order cannot be processed")

	// The server refuses what is not a duration (the client does too, before sending).
	body := `{"type":"online","processing_mode":"manual","total_amount":"200","external_reference":"x","expiration_time":"tomorrow",` +
		`"payer":{"email":"a@b.co"},"transactions":{"payments":[{"amount":"200","payment_method":{"id":"master","type":"credit_card","token":"` +
		token(t, srv, "APRO") + `","installments":1}}]}}`
	hr, _ := http.NewRequest(http.MethodPost, srv.URL+"/v1/orders", bytes.NewBufferString(body))
	hr.Header.Set("Authorization", "Bearer "+srv.AccessToken)
	hr.Header.Set("X-Idempotency-Key", "exp-1")
	resp, err := http.DefaultClient.Do(hr)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Equal(t, 1, srv.OrderCount())
}
