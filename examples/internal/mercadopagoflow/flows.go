package mercadopagoflow

import (
	"context"
	"net/http"
	"time"

	"github.com/paykit-go/paykit/examples/internal/transcript"
	"github.com/paykit-go/paykit/internal/sim"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/money"
)

// Run tells every Mercado Pago flow in one simulator (or account).
func Run(ctx context.Context, t *transcript.T, live bool) error {
	return run(ctx, t, live, cardPayment, savedCard, fintoc, refundAndCancel)
}

// RunCardPayment: a one-off card payment, a lost answer repeated safely with
// the same idempotency key, a rejected card, and the signed notification.
func RunCardPayment(ctx context.Context, t *transcript.T, live bool) error {
	return run(ctx, t, live, cardPayment)
}

// RunSavedCard: customer, saved card, and a payment with a fresh token made
// from the saved card's id and the CVV (seed 003).
func RunSavedCard(ctx context.Context, t *transcript.T, live bool) error {
	return run(ctx, t, live, savedCard)
}

// RunFintoc: a Fintoc bank transfer approved (amount ending 01) and one
// rejected (amount ending 03), as the seed's sandbox table says (seed 000).
func RunFintoc(ctx context.Context, t *transcript.T, live bool) error {
	return run(ctx, t, live, fintoc)
}

// RunRefundAndCancel: partial then full refund, authorize then capture part,
// cancel an authorization, and the refusal to cancel an approved payment.
func RunRefundAndCancel(ctx context.Context, t *transcript.T, live bool) error {
	return run(ctx, t, live, refundAndCancel)
}

func cardPayment(ctx context.Context, e *env) error {
	t := e.t
	t.Section("Mercado Pago · card payment")
	tok, err := e.newCardToken(ctx, cardApproved)
	if err != nil {
		return fail(t, "card token", err)
	}
	order := orderID("order")
	req := &mercadopago.PaymentRequest{
		TransactionAmount: money.MustParse("15990"), Token: tok, Installments: mercadopago.Ptr(1),
		Description: "Wool blanket", ExternalReference: order,
		Payer: &mercadopago.PaymentPayer{Email: "test_user_123@testuser.com"},
	}
	t.Sent("POST /v1/payments %s CLP, 1 installment, X-Idempotency-Key %s", req.TransactionAmount, order)
	if !e.live {
		// The payment is made, then the answer is lost on the way back.
		e.srv.FailNext(1, sim.Fault{Kind: sim.StatusAfter, Status: http.StatusBadGateway, Method: http.MethodPost, PathPrefix: "/v1/payments"})
		t.Actor("a proxy loses the answer after Mercado Pago made the payment (502)")
	}
	p, err := e.c.Payments.Create(ctx, req, mercadopago.WithIdempotencyKey(order))
	if err != nil {
		return fail(t, "create payment", err)
	}
	t.Got("%s (request id %s)", describe(p), p.Meta.RequestID)
	t.Detail("attempts %d, idempotency key %s", p.Meta.Attempts, p.Meta.IdempotencyKey)
	t.Check(p.Status == mercadopago.StatusApproved && p.StatusDetail == mercadopago.DetailAccredited, "card held by APRO is approved and accredited")
	if !e.live {
		t.Check(p.Meta.Attempts == 2 && p.Meta.IdempotencyKey == order, "the lost answer was retried once with the same key")
		t.Check(e.srv.PaymentCount() == 1, "Mercado Pago holds exactly one payment for the order")
		n, err := e.awaitNotification(ctx, p.ID, "payment.created")
		if err != nil {
			return fail(t, "notification", err)
		}
		t.Got("webhook %s for data.id %s, x-signature verified (request id %s)", n.Action, n.DataID, n.RequestID)
		got, err := e.c.Payments.Get(ctx, p.ID)
		if err != nil {
			return fail(t, "get payment", err)
		}
		t.Sent("GET /v1/payments/%d (a notification is a hint: read the payment itself)", p.ID)
		t.Check(got.Status == mercadopago.StatusApproved, "the payment read back is approved")
	}
	t.Next("ship order %s", order)

	tok, err = e.newCardToken(ctx, cardRejected)
	if err != nil {
		return fail(t, "card token", err)
	}
	order = orderID("order")
	req.Token, req.ExternalReference = tok, order
	t.Sent("POST /v1/payments %s CLP with the OTHE card, X-Idempotency-Key %s", req.TransactionAmount, order)
	p, err = e.c.Payments.Create(ctx, req, mercadopago.WithIdempotencyKey(order))
	if err != nil {
		return fail(t, "create payment", err)
	}
	t.Got("%s", describe(p))
	t.Check(p.Status == mercadopago.StatusRejected && p.StatusDetail == mercadopago.DetailRejectedOtherReason, "card held by OTHE is rejected (cc_rejected_other_reason)")
	t.Next("ask the payer for another card; nothing was charged")
	return nil
}

func savedCard(ctx context.Context, e *env) error {
	t := e.t
	t.Section("Mercado Pago · saved card")
	email := "test_payer_" + orderID("c")[2:] + "@testuser.com"
	t.Sent("POST /v1/customers {email: %s}", email)
	cu, err := e.c.Customers.Create(ctx, &mercadopago.CustomerRequest{Email: email, FirstName: "Ana"})
	if mercadopago.IsCustomerAlreadyExists(err) {
		t.Got("cause 101: the customer exists; look it up by email")
		for found, serr := range e.c.Customers.Search(ctx, &mercadopago.CustomerSearch{Email: email}) {
			if serr != nil {
				return fail(t, "search customer", serr)
			}
			cu, err = found, nil
			break
		}
	}
	if err != nil {
		return fail(t, "create customer", err)
	}
	t.Got("customer %s", cu.ID)

	tok, err := e.newCardToken(ctx, cardApproved)
	if err != nil {
		return fail(t, "card token", err)
	}
	t.Sent("POST /v1/customers/%s/cards {token}", cu.ID)
	card, err := e.c.Cards.Create(ctx, cu.ID, tok)
	if err != nil {
		return fail(t, "save card", err)
	}
	t.Got("card %s: %s ending in %s, expires %02d/%d", card.ID, card.PaymentMethod.ID, card.LastFourDigits, card.ExpirationMonth, card.ExpirationYear)

	// Next visit: show the saved cards, the payer picks one and types the CVV.
	t.Sent("GET /v1/customers/%s/cards", cu.ID)
	cards, err := e.c.Cards.List(ctx, cu.ID)
	if err != nil {
		return fail(t, "list cards", err)
	}
	for _, c := range cards {
		t.Got("option: %s ended in %s (id %s)", c.PaymentMethod.Name, c.LastFourDigits, c.ID)
	}
	t.Check(len(cards) == 1 && cards[0].ID == card.ID, "the saved card is listed")
	t.Actor("payer picks card %s and types its CVV; MercadoPago.js makes a fresh token from card id + CVV", card.ID)
	fresh, err := e.cardToken(ctx, map[string]any{"card_id": card.ID, "security_code": cardApproved.CVV})
	if err != nil {
		return fail(t, "saved-card token", err)
	}
	order := orderID("order")
	t.Sent("POST /v1/payments {transaction_amount: 100, token, installments: 1, payer: {type: customer, id: %s}}", cu.ID)
	p, err := e.c.Payments.Create(ctx, &mercadopago.PaymentRequest{
		TransactionAmount: money.FromInt(100), Token: fresh, Installments: mercadopago.Ptr(1), ExternalReference: order,
		Payer: &mercadopago.PaymentPayer{Type: mercadopago.PayerCustomer, ID: cu.ID},
	}, mercadopago.WithIdempotencyKey(order))
	if err != nil {
		return fail(t, "saved-card payment", err)
	}
	t.Got("%s, card %s, payer %s", describe(p), cardID(p), p.Payer.ID)
	t.Check(p.Status == mercadopago.StatusApproved && cardID(p) == card.ID && p.Payer.ID == cu.ID, "paid with the saved card of customer %s", cu.ID)
	t.Next("the payer never typed the card number again")
	return nil
}

func cardID(p *mercadopago.Payment) string {
	if p.Card == nil {
		return ""
	}
	return p.Card.ID
}

func fintoc(ctx context.Context, e *env) error {
	t := e.t
	t.Section("Mercado Pago · Fintoc bank transfer")
	for _, amount := range []string{"10701", "10703"} {
		want, _ := mercadopago.FintocSandboxOutcome(money.MustParse(amount))
		order := orderID("order")
		t.Sent("POST /v1/payments {payment_method_id: fintoc, transaction_amount: %s, point_of_interaction: CHECKOUT/INTER_PSP}", amount)
		fp, err := e.c.Payments.CreateFintoc(ctx, &mercadopago.FintocRequest{
			TransactionAmount: money.MustParse(amount), Description: "Wool blanket", ExternalReference: order,
			CallbackURL: "https://shop.example/checkout/done", PayerEmail: "test_user_123@testuser.com",
		}, mercadopago.WithIdempotencyKey(order))
		if err != nil {
			return fail(t, "create Fintoc payment", err)
		}
		t.Got("%s, widget token valid until %s", describe(fp.Payment), fp.WidgetTokenExpiresAt.UTC().Format(time.TimeOnly))
		t.Detail("redirect URL %s", fp.RedirectURL)
		t.Check(fp.Payment.Status == mercadopago.StatusPending && fp.WidgetToken != "", "the payment waits for the payer, with a widget token")
		t.Next("open the widget: mp.fintoc().open({widgetToken}) within 10 minutes")
		if e.live {
			t.Next("finish in the browser (sandbox: bank account 813990168, code 000000), then read payment %d", fp.Payment.ID)
			continue
		}
		t.Actor("payer logs in to the bank in the Fintoc widget and confirms the transfer")
		if _, err := e.srv.CompleteFintoc(fp.WidgetToken); err != nil {
			return fail(t, "widget", err)
		}
		n, err := e.awaitNotification(ctx, fp.Payment.ID, "payment.updated")
		if err != nil {
			return fail(t, "notification", err)
		}
		t.Got("webhook %s for data.id %s, signature verified", n.Action, n.DataID)
		p, err := e.c.Payments.Get(ctx, fp.Payment.ID)
		if err != nil {
			return fail(t, "get payment", err)
		}
		t.Sent("GET /v1/payments/%d", p.ID)
		t.Got("%s", describe(p))
		t.Check(p.Status == want, "amount %s (ends %s) is %s, as the sandbox table says", amount, amount[len(amount)-2:], want)
		if p.Status == mercadopago.StatusApproved {
			t.Next("deliver; refunds of Fintoc payments are made in the Mercado Pago dashboard (up to 72 h)")
		} else {
			t.Next("offer another payment method")
		}
	}
	return nil
}

func refundAndCancel(ctx context.Context, e *env) error {
	t := e.t
	t.Section("Mercado Pago · refunds, capture and cancel")
	pay := func(amount string, capture *bool) (*mercadopago.Payment, error) {
		tok, err := e.newCardToken(ctx, cardApproved)
		if err != nil {
			return nil, err
		}
		order := orderID("order")
		if capture != nil && !*capture {
			t.Sent("POST /v1/payments %s CLP with capture: false (reserve only), X-Idempotency-Key %s", amount, order)
		} else {
			t.Sent("POST /v1/payments %s CLP, X-Idempotency-Key %s", amount, order)
		}
		return e.c.Payments.Create(ctx, &mercadopago.PaymentRequest{
			TransactionAmount: money.MustParse(amount), Token: tok, Installments: mercadopago.Ptr(1), ExternalReference: order,
			Capture: capture, Payer: &mercadopago.PaymentPayer{Email: "test_user_123@testuser.com"},
		}, mercadopago.WithIdempotencyKey(order))
	}

	p, err := pay("20000", nil)
	if err != nil {
		return fail(t, "payment", err)
	}
	t.Got("%s", describe(p))
	t.Sent("POST /v1/payments/%d/refunds {amount: 5000}", p.ID)
	r, err := e.c.Refunds.Create(ctx, p.ID, &mercadopago.RefundRequest{Amount: money.FromInt(5000)}, mercadopago.WithIdempotencyKey(orderID("refund")))
	if err != nil {
		return fail(t, "partial refund", err)
	}
	t.Got("refund %d of %s: %s", r.ID, r.Amount, r.Status)
	p, err = e.c.Payments.Get(ctx, p.ID)
	if err != nil {
		return fail(t, "get payment", err)
	}
	t.Check(p.StatusDetail == mercadopago.DetailPartiallyRefunded && p.TransactionAmountRefunded.Equal(money.FromInt(5000)), "payment is partially refunded (5000 of 20000)")
	t.Sent("POST /v1/payments/%d/refunds (empty body: the rest)", p.ID)
	r, err = e.c.Refunds.Create(ctx, p.ID, nil)
	if err != nil {
		return fail(t, "full refund", err)
	}
	t.Got("refund %d of %s", r.ID, r.Amount)
	p, err = e.c.Payments.Get(ctx, p.ID)
	if err != nil {
		return fail(t, "get payment", err)
	}
	t.Check(p.Status == mercadopago.StatusRefunded, "payment is refunded in full")

	p, err = pay("12000", mercadopago.Ptr(false))
	if err != nil {
		return fail(t, "authorization", err)
	}
	t.Got("%s", describe(p))
	t.Check(p.Status == mercadopago.StatusAuthorized && !p.Captured, "capture:false was sent and the amount is only reserved")
	t.Sent("PUT /v1/payments/%d {capture: true, transaction_amount: 8000}", p.ID)
	p, err = e.c.Payments.Capture(ctx, p.ID, mercadopago.Ptr(money.FromInt(8000)))
	if err != nil {
		return fail(t, "capture", err)
	}
	t.Got("%s", describe(p))
	t.Check(p.Status == mercadopago.StatusApproved && p.Captured && p.TransactionAmount.Equal(money.FromInt(8000)), "8000 of the 12000 reserved were captured")

	t.Sent("PUT /v1/payments/%d {status: cancelled} on an approved payment", p.ID)
	_, err = e.c.Payments.Cancel(ctx, p.ID)
	t.Got("%v", err)
	t.Check(mercadopago.IsInvalidStateForAction(err), "cancelling an approved payment is refused (cause 2063): refund it instead")

	p, err = pay("3000", mercadopago.Ptr(false))
	if err != nil {
		return fail(t, "authorization", err)
	}
	t.Sent("PUT /v1/payments/%d {status: cancelled} on an authorized payment", p.ID)
	p, err = e.c.Payments.Cancel(ctx, p.ID)
	if err != nil {
		return fail(t, "cancel", err)
	}
	t.Got("%s", describe(p))
	t.Check(p.Status == mercadopago.StatusCancelled, "the reservation is released")
	return nil
}
