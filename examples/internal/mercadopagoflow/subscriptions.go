package mercadopagoflow

import (
	"context"
	"time"

	"github.com/paykit-go/paykit/examples/internal/transcript"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/money"
)

// RunSubscriptionsAndDisputes: a subscription charged by the recurrence
// engine (the simulator's clock moved on), each charge read from its
// notification to its payment; and a chargeback looked up by its payment.
// Offline only: both need the simulator's control calls.
func RunSubscriptionsAndDisputes(ctx context.Context, t *transcript.T, live bool) error {
	return run(ctx, t, live, subscriptionCharges, chargebackLookup)
}

func subscriptionCharges(ctx context.Context, e *env) error {
	t := e.t
	t.Section("Mercado Pago · a subscription charged and its charge read")
	if e.live {
		t.Next("charging on schedule needs the simulator's clock: this flow runs on the simulator only")
		return nil
	}
	plan, err := e.c.Plans.Create(ctx, &mercadopago.PlanRequest{Reason: "Yoga classes", BackURL: "https://gym.example/thanks",
		AutoRecurring: &mercadopago.AutoRecurring{Frequency: 1, FrequencyType: mercadopago.FrequencyMonths,
			TransactionAmount: money.FromInt(10990), CurrencyID: "CLP", Repetitions: mercadopago.Ptr(12)}})
	if err != nil {
		return fail(t, "plan", err)
	}
	t.Sent("POST /preapproval_plan monthly, 10990 CLP, 12 repetitions")
	tok, err := e.newCardToken(ctx, cardApproved)
	if err != nil {
		return fail(t, "card token", err)
	}
	sub, err := e.c.Subscriptions.Create(ctx, &mercadopago.SubscriptionRequest{PreapprovalPlanID: plan.ID, PayerEmail: "test_user_123@testuser.com",
		CardTokenID: tok, ExternalReference: orderID("member")})
	if err != nil {
		return fail(t, "subscribe", err)
	}
	t.Sent("POST /preapproval preapproval_plan_id %s with the payer's card", plan.ID)
	t.Got("subscription %s: %s", sub.ID, sub.Status)

	e.srv.Clock.Set(time.Now().AddDate(0, 2, 1))
	t.Actor("two months pass (the simulator's clock): the recurrence engine charges what is due")
	charged, err := e.srv.ChargeDue()
	if err != nil {
		return fail(t, "charge due", err)
	}
	t.Check(len(charged) == 3, "the first month and two more: %d charges", len(charged))
	last := charged[len(charged)-1]
	n, err := e.awaitTopic(ctx, mercadopago.TopicSubscriptionAuthorizedPayment, last)
	if err != nil {
		return fail(t, "notification", err)
	}
	id, ok := n.AuthorizedPaymentID()
	t.Got("notification %s data.id=%d (signature verified)", n.Type, id)
	t.Check(ok && id == last, "the notification names the last charge")

	t.Sent("GET /authorized_payments/%d", id)
	ap, err := e.c.AuthorizedPayments.Get(ctx, id)
	if err != nil {
		return fail(t, "authorized payment", err)
	}
	t.Got("charge %d: %s, %s %s on %s, payment %d %s", ap.ID, ap.Status, ap.TransactionAmount, ap.CurrencyID,
		ap.DebitDate.Format("2006-01-02"), ap.Payment.ID, ap.Payment.Status)
	t.Check(ap.PreapprovalID == sub.ID && ap.Status == mercadopago.AuthorizedPaymentProcessed, "the charge belongs to the subscription and was processed")
	pay, err := e.c.Payments.Get(ctx, ap.Payment.ID)
	if err != nil {
		return fail(t, "payment", err)
	}
	t.Sent("GET /v1/payments/%d", pay.ID)
	t.Got("%s", describe(pay))
	t.Check(pay.Status == mercadopago.StatusApproved && pay.TransactionAmount.Equal(money.FromInt(10990)), "the charge's payment is approved for the plan's amount")
	count := 0
	for _, err := range e.c.AuthorizedPayments.Search(ctx, &mercadopago.AuthorizedPaymentSearch{PreapprovalID: sub.ID}) {
		if err != nil {
			return fail(t, "search charges", err)
		}
		count++
	}
	t.Sent("GET /authorized_payments/search?preapproval_id=%s", sub.ID)
	t.Check(count == 3, "the search lists all %d charges", count)
	t.Next("grant the member another month when a charge's payment is approved")
	return nil
}

func chargebackLookup(ctx context.Context, e *env) error {
	t := e.t
	t.Section("Mercado Pago · a chargeback looked up")
	if e.live {
		t.Next("a dispute needs a payer at their bank: this flow runs on the simulator only")
		return nil
	}
	tok, err := e.newCardToken(ctx, cardApproved)
	if err != nil {
		return fail(t, "card token", err)
	}
	ref := orderID("order")
	p, err := e.c.Payments.Create(ctx, &mercadopago.PaymentRequest{TransactionAmount: money.FromInt(15990), Token: tok, Installments: mercadopago.Ptr(1),
		ExternalReference: ref, Payer: &mercadopago.PaymentPayer{Email: "test_user_123@testuser.com"}}, mercadopago.WithIdempotencyKey(ref))
	if err != nil {
		return fail(t, "payment", err)
	}
	t.Got("%s", describe(p))
	if _, err := e.srv.Chargeback(p.ID); err != nil {
		return fail(t, "dispute", err)
	}
	t.Actor("the payer disputes the charge with their card issuer")
	t.Sent("GET /v1/chargebacks/search?payment_id=%d", p.ID)
	var cb *mercadopago.Chargeback
	for c, err := range e.c.Chargebacks.Search(ctx, &mercadopago.ChargebackSearch{PaymentID: p.ID}) {
		if err != nil {
			return fail(t, "search chargebacks", err)
		}
		cb = c
	}
	if cb == nil {
		return fail(t, "search chargebacks", errNoChargeback)
	}
	t.Sent("GET /v1/chargebacks/%s", cb.ID)
	cb, err = e.c.Chargebacks.Get(ctx, cb.ID)
	if err != nil {
		return fail(t, "chargeback", err)
	}
	t.Got("chargeback %s: %s %s, documentation %s by %s", cb.ID, cb.Amount, cb.CurrencyCode(), cb.DocumentationStatus,
		cb.DateDocumentationDeadline.Format("2006-01-02"))
	t.Check(len(cb.PaymentIDs()) == 1 && cb.PaymentIDs()[0] == p.ID && cb.Amount.Equal(money.FromInt(15990)), "the dispute names the payment and its amount")
	t.Check(cb.DocumentationRequired && cb.DocumentationStatus == mercadopago.DocumentationPending, "documentation is required and not sent yet")
	got, err := e.c.Payments.Get(ctx, p.ID)
	if err != nil {
		return fail(t, "payment", err)
	}
	t.Check(got.Status == mercadopago.StatusChargedBack, "the payment reads charged_back")
	t.Sent("POST /v1/chargebacks/%s/documentation (multipart: files[] invoice.pdf, delivery.jpg)", cb.ID)
	_, err = e.c.Chargebacks.UploadDocumentation(ctx, cb.ID, []mercadopago.ChargebackFile{
		{Name: "invoice.pdf", Data: []byte("%PDF-1.4 invoice for " + ref)}, {Name: "delivery.jpg", Data: []byte("JFIF signed delivery receipt")}})
	if err != nil {
		return fail(t, "upload documentation", err)
	}
	cb, err = e.c.Chargebacks.Get(ctx, cb.ID)
	if err != nil {
		return fail(t, "chargeback", err)
	}
	t.Got("documentation %s, %d files", cb.DocumentationStatus, len(cb.Documentation))
	t.Check(cb.DocumentationStatus == mercadopago.DocumentationReviewPending && len(cb.Documentation) == 2, "the documents arrived and wait for review")
	t.Next("wait for the chargebacks notification with the decision")
	return nil
}
