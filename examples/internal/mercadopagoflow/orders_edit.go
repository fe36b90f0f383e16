package mercadopagoflow

import (
	"context"
	"errors"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/money"
)

// orderEdits: an order in manual mode gets its payment later, the payer
// switches card before it is processed, the order is found again by
// search, and once processed its transactions are closed to edits.
func orderEdits(ctx context.Context, e *env) error {
	t := e.t
	t.Section("Mercado Pago · an order searched and edited (Orders API)")
	ref := orderID("manual")
	t.Sent("POST /v1/orders processing_mode manual, total_amount \"12000.00\", no payment yet")
	o, err := e.c.Orders.Create(ctx, &mercadopago.OrderRequest{ProcessingMode: mercadopago.ProcessManual, TotalAmount: money.MustParse("12000.00"),
		ExternalReference: ref, Description: "Desk chair", Payer: &mercadopago.OrderPayer{Email: "test_user_123@testuser.com"}},
		mercadopago.WithIdempotencyKey(ref))
	if err != nil {
		return fail(t, "create manual order", err)
	}
	t.Got("%s", describeOrder(o))
	t.Check(o.Status == mercadopago.OrderCreated && o.Payment() == nil, "created, nothing processed, no payment yet")

	first, err := e.newCardToken(ctx, cardRejected)
	if err != nil {
		return fail(t, "card token", err)
	}
	t.Sent("POST /v1/orders/%s/transactions {payments: [{amount \"12000.00\", visa credit card}]}", o.ID)
	added, err := e.c.Orders.AddTransactions(ctx, o.ID, &mercadopago.OrderTransactionsRequest{Payments: []mercadopago.OrderPaymentRequest{{
		Amount: money.MustParse("12000.00"), PaymentMethod: mercadopago.OrderPaymentMethod{ID: "visa", Type: "credit_card", Token: first, Installments: 1}}}})
	if err != nil {
		return fail(t, "add transaction", err)
	}
	tx := added.Payments[0].ID
	t.Got("payment transaction %s: %s", tx, added.Payments[0].Status)
	t.Check(added.Payments[0].Status == mercadopago.TransactionCreated, "the payment waits for the order to be processed")

	t.Actor("the payer thinks better of that card and gives another, in 3 installments")
	second, err := e.newCardToken(ctx, cardApproved)
	if err != nil {
		return fail(t, "card token", err)
	}
	t.Sent("PUT /v1/orders/%s/transactions/%s {payment_method: {master, 3 installments}}", o.ID, tx)
	upd, err := e.c.Orders.UpdateTransaction(ctx, o.ID, tx, &mercadopago.OrderPaymentUpdate{PaymentMethod: &mercadopago.OrderPaymentMethod{
		ID: "master", Type: "credit_card", Token: second, Installments: 3}})
	if err != nil {
		return fail(t, "update transaction", err)
	}
	t.Got("payment transaction %s: %d installments", upd.ID, upd.PaymentMethod.Installments)
	t.Check(upd.ID == tx && upd.PaymentMethod.Installments == 3, "same transaction, new card")

	now := time.Now()
	t.Sent("GET /v1/orders?begin_date=…&end_date=…&external_reference=%s&status=created", ref)
	var found []*mercadopago.Order
	for f, err := range e.c.Orders.Search(ctx, &mercadopago.OrderSearch{BeginDate: now.Add(-time.Hour), EndDate: now.Add(time.Hour),
		ExternalReference: ref, Status: mercadopago.OrderCreated}) {
		if err != nil {
			return fail(t, "search orders", err)
		}
		found = append(found, f)
	}
	t.Check(len(found) == 1 && found[0].ID == o.ID, "the search finds the order by its external reference")

	t.Sent("POST /v1/orders/%s/process", o.ID)
	o, err = e.c.Orders.Process(ctx, o.ID)
	if err != nil {
		return fail(t, "process", err)
	}
	t.Got("%s", describeOrder(o))
	t.Check(o.Status == mercadopago.OrderProcessed, "the second card pays: processed")

	t.Sent("DELETE /v1/orders/%s/transactions/%s on the processed order", o.ID, tx)
	_, err = e.c.Orders.DeleteTransaction(ctx, o.ID, tx)
	t.Got("%v", err)
	var ve *paykit.ValidationError
	t.Check(errors.As(err, &ve), "refused before sending: this client saw the order processed")
	t.Next("a processed order is refunded (Orders.Refund), not edited")
	return nil
}
