package mercadopagoflow

import (
	"context"
	"fmt"
	"net/http"

	"github.com/paykit-go/paykit/examples/internal/transcript"
	"github.com/paykit-go/paykit/internal/sim"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/money"
)

// RunOrders: one order of the Orders API from create to refund (a lost
// answer repeated safely, a partial then a full refund), an order
// authorized with manual capture, then captured, and a manual order whose
// payment is added and changed, found by search, then closed to edits.
func RunOrders(ctx context.Context, t *transcript.T, live bool) error {
	return run(ctx, t, live, orderLifecycle, orderEdits)
}

// describeOrder is the one line a transcript shows for an order.
func describeOrder(o *mercadopago.Order) string {
	s := fmt.Sprintf("order %s: %s / %s, total %s", o.ID, o.Status, o.StatusDetail, o.TotalAmount)
	if p := o.Payment(); p != nil {
		s += fmt.Sprintf(", payment %s %s", p.ID, p.Status)
	}
	return s
}

func (e *env) cardOrder(ctx context.Context, amount, ref string, capture mercadopago.CaptureMode) (*mercadopago.OrderRequest, error) {
	tok, err := e.newCardToken(ctx, cardApproved)
	if err != nil {
		return nil, err
	}
	return &mercadopago.OrderRequest{
		ProcessingMode: mercadopago.ProcessAutomatic, CaptureMode: capture,
		TotalAmount: money.MustParse(amount), ExternalReference: ref, Description: "Reading lamp",
		Payer: &mercadopago.OrderPayer{Email: "test_user_123@testuser.com"},
		Payments: []mercadopago.OrderPaymentRequest{{Amount: money.MustParse(amount), PaymentMethod: mercadopago.OrderPaymentMethod{
			ID: "master", Type: "credit_card", Token: tok, Installments: 1}}},
	}, nil
}

func orderLifecycle(ctx context.Context, e *env) error {
	t := e.t
	t.Section("Mercado Pago · an order from create to refund (Orders API)")
	ref := orderID("order")
	req, err := e.cardOrder(ctx, "24990.00", ref, "")
	if err != nil {
		return fail(t, "card token", err)
	}
	t.Sent("POST /v1/orders processing_mode automatic, total_amount \"24990.00\", X-Idempotency-Key %s", ref)
	if !e.live {
		e.srv.FailNext(1, sim.Fault{Kind: sim.StatusAfter, Status: http.StatusBadGateway, Method: http.MethodPost, PathPrefix: "/v1/orders"})
		t.Actor("a proxy loses the answer after Mercado Pago processed the order (502)")
	}
	o, err := e.c.Orders.Create(ctx, req, mercadopago.WithIdempotencyKey(ref))
	if err != nil {
		return fail(t, "create order", err)
	}
	t.Got("%s", describeOrder(o))
	t.Detail("attempts %d, idempotency key %s, request id %s", o.Meta.Attempts, o.Meta.IdempotencyKey, o.Meta.RequestID)
	t.Check(o.Status == mercadopago.OrderProcessed && o.StatusDetail == mercadopago.OrderDetailAccredited, "the APRO card's order is processed and accredited")
	if !e.live {
		t.Check(o.Meta.Attempts == 2 && e.srv.OrderCount() == 1, "the lost answer was retried with the same key: one order, paid once")
	}
	pay := o.Payment()
	if pay == nil {
		return fail(t, "order", fmt.Errorf("order %s has no payment transaction", o.ID))
	}
	t.Sent("POST /v1/orders/%s/refund {transactions: [{id: %s, amount: \"5000.00\"}]}", o.ID, pay.ID)
	o, err = e.c.Orders.Refund(ctx, o.ID, &mercadopago.OrderRefundRequest{Transactions: []mercadopago.OrderRefundTransaction{
		{ID: pay.ID, Amount: money.MustParse("5000.00")}}})
	if err != nil {
		return fail(t, "partial refund", err)
	}
	t.Got("%s", describeOrder(o))
	t.Check(o.StatusDetail == mercadopago.OrderDetailPartiallyRefunded && len(o.Transactions.Refunds) == 1 &&
		o.Transactions.Refunds[0].Amount.Equal(money.FromInt(5000)), "5000.00 of 24990.00 refunded: partially_refunded")
	t.Sent("POST /v1/orders/%s/refund (empty body: the rest)", o.ID)
	o, err = e.c.Orders.Refund(ctx, o.ID, nil)
	if err != nil {
		return fail(t, "full refund", err)
	}
	t.Got("%s", describeOrder(o))
	t.Check(o.Status == mercadopago.OrderRefunded, "the order is refunded in full")
	got, err := e.c.Orders.Get(ctx, o.ID)
	if err != nil {
		return fail(t, "get order", err)
	}
	t.Sent("GET /v1/orders/%s", o.ID)
	t.Check(got.Status == mercadopago.OrderRefunded && len(got.Transactions.Refunds) == 2, "reading it back shows both refunds")

	ref = orderID("order")
	req, err = e.cardOrder(ctx, "8000", ref, mercadopago.CaptureManual)
	if err != nil {
		return fail(t, "card token", err)
	}
	t.Sent("POST /v1/orders capture_mode manual, total_amount \"8000\"")
	o, err = e.c.Orders.Create(ctx, req, mercadopago.WithIdempotencyKey(ref))
	if err != nil {
		return fail(t, "authorize order", err)
	}
	t.Got("%s", describeOrder(o))
	t.Check(o.Status == mercadopago.OrderActionRequired && o.StatusDetail == mercadopago.OrderDetailWaitingCapture, "authorized only: action_required / waiting_capture")
	t.Sent("POST /v1/orders/%s/capture", o.ID)
	o, err = e.c.Orders.Capture(ctx, o.ID)
	if err != nil {
		return fail(t, "capture", err)
	}
	t.Got("%s", describeOrder(o))
	t.Check(o.Status == mercadopago.OrderProcessed, "captured: processed")
	t.Sent("POST /v1/orders/%s/cancel on a processed order", o.ID)
	_, err = e.c.Orders.Cancel(ctx, o.ID)
	t.Got("%v", err)
	t.Check(err != nil, "a processed order cannot be cancelled: refund it instead")
	t.Next("keep the order id with your order %s; refunds and captures name it", ref)
	return nil
}
