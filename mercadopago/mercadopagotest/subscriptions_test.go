package mercadopagotest_test

import (
	"context"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
	"github.com/paykit-go/paykit/money"
)

func yogaPlan() *mercadopago.PlanRequest {
	return &mercadopago.PlanRequest{Reason: "Yoga classes", BackURL: "https://gym.example/thanks",
		AutoRecurring: &mercadopago.AutoRecurring{Frequency: 1, FrequencyType: mercadopago.FrequencyMonths,
			TransactionAmount: money.MustParse("10990"), CurrencyID: "CLP", Repetitions: mercadopago.Ptr(3)}}
}

func TestSubscriptionLifecycleWithNotifications(t *testing.T) {
	v, err := mercadopago.NewWebhookVerifier("sub-secret")
	require.NoError(t, err)
	var mu sync.Mutex
	var got []*mercadopago.Notification
	hook := httptest.NewServer(v.Handler(func(_ context.Context, n *mercadopago.Notification) error {
		mu.Lock()
		got = append(got, n)
		mu.Unlock()
		return nil
	}))
	defer hook.Close()
	srv, c := setup(t, mercadopagotest.WithWebhook(hook.URL+"/hooks", "sub-secret"))

	p, err := c.Plans.Create(ctx, yogaPlan())
	require.NoError(t, err)
	assert.Equal(t, mercadopago.PlanActive, p.Status)
	assert.Contains(t, p.InitPoint, p.ID)
	got1, err := c.Plans.Get(ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, "10990", got1.AutoRecurring.TransactionAmount.String())
	assert.Equal(t, 3, got1.AutoRecurring.Repetitions)

	_, err = c.Subscriptions.Create(ctx, &mercadopago.SubscriptionRequest{PreapprovalPlanID: p.ID, PayerEmail: "member@example.com",
		CardTokenID: token(t, srv, "OTHE")})
	var apiErr *mercadopago.Error
	require.ErrorAs(t, err, &apiErr, "a refused card cannot subscribe")

	sub, err := c.Subscriptions.Create(ctx, &mercadopago.SubscriptionRequest{PreapprovalPlanID: p.ID, PayerEmail: "member@example.com",
		CardTokenID: token(t, srv, "APRO"), ExternalReference: "member-23"})
	require.NoError(t, err)
	assert.Equal(t, mercadopago.SubscriptionAuthorized, sub.Status)
	assert.Equal(t, p.ID, sub.PreapprovalPlanID)
	assert.Equal(t, "master", sub.PaymentMethodID)
	assert.Equal(t, 3, sub.Summarized.Quotas)

	apID, err := srv.ChargeSubscription(sub.ID)
	require.NoError(t, err)
	sub, err = c.Subscriptions.Get(ctx, sub.ID)
	require.NoError(t, err)
	assert.Equal(t, 1, sub.Summarized.ChargedQuantity)
	assert.Equal(t, "10990", sub.Summarized.ChargedAmount.String())
	assert.False(t, sub.NextPaymentDate.IsZero())

	sub, err = c.Subscriptions.Pause(ctx, sub.ID)
	require.NoError(t, err)
	assert.Equal(t, mercadopago.SubscriptionPaused, sub.Status)
	_, err = srv.ChargeSubscription(sub.ID)
	assert.Error(t, err, "a paused subscription is not charged")
	sub, err = c.Subscriptions.Resume(ctx, sub.ID)
	require.NoError(t, err)
	assert.Equal(t, mercadopago.SubscriptionAuthorized, sub.Status)
	sub, err = c.Subscriptions.Update(ctx, sub.ID, &mercadopago.SubscriptionUpdate{AutoRecurring: &mercadopago.AmountUpdate{TransactionAmount: money.MustParse("12990.50")}})
	require.NoError(t, err)
	assert.Equal(t, "12990.50", sub.AutoRecurring.TransactionAmount.String())
	sub, err = c.Subscriptions.Cancel(ctx, sub.ID)
	require.NoError(t, err)
	assert.Equal(t, mercadopago.SubscriptionCancelled, sub.Status)
	_, err = c.Subscriptions.Resume(ctx, sub.ID)
	assert.Error(t, err, "cancelled for good")

	var ids []string
	for s, err := range c.Subscriptions.Search(ctx, &mercadopago.SubscriptionSearch{PreapprovalPlanID: p.ID}) {
		require.NoError(t, err)
		ids = append(ids, s.ID)
	}
	assert.Equal(t, []string{sub.ID}, ids)

	// 1 created, 4 updated, 1 authorized payment: every one signed and verified.
	// A delivery is recorded once the hook has answered, and the hook keeps
	// the notification before it answers, so no further wait is needed.
	require.NoError(t, srv.WaitDeliveries(ctx, 6))
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, got, 6)
	var subIDs []string
	var charges []int64
	for _, n := range got {
		if id, ok := n.SubscriptionID(); ok {
			subIDs = append(subIDs, id)
		}
		if id, ok := n.AuthorizedPaymentID(); ok {
			charges = append(charges, id)
		}
	}
	assert.Len(t, subIDs, 5)
	assert.Equal(t, []int64{apID}, charges)
}

func TestSubscriptionWithoutPlan(t *testing.T) {
	srv, c := setup(t)
	sub, err := c.Subscriptions.Create(ctx, &mercadopago.SubscriptionRequest{Reason: "Monthly coffee", PayerEmail: "member@example.com",
		BackURL: "https://shop.example/thanks", Status: mercadopago.SubscriptionPending,
		AutoRecurring: &mercadopago.AutoRecurring{Frequency: 15, FrequencyType: mercadopago.FrequencyDays, TransactionAmount: money.MustParse("7500.5"), CurrencyID: "CLP"}})
	require.NoError(t, err)
	assert.Equal(t, mercadopago.SubscriptionPending, sub.Status)
	assert.NotEmpty(t, sub.InitPoint)
	_, err = srv.ChargeSubscription(sub.ID)
	assert.Error(t, err, "pending subscriptions are not charged")
	_, err = c.Subscriptions.Resume(ctx, sub.ID)
	assert.Error(t, err, "authorizing needs a card")
	sub, err = c.Subscriptions.Update(ctx, sub.ID, &mercadopago.SubscriptionUpdate{Status: mercadopago.SubscriptionAuthorized, CardTokenID: token(t, srv, "APRO")})
	require.NoError(t, err)
	assert.Equal(t, mercadopago.SubscriptionAuthorized, sub.Status)
	_, err = srv.ChargeSubscription(sub.ID)
	require.NoError(t, err)
	assert.Equal(t, 1, srv.SubscriptionCount())

	_, err = c.Plans.Update(ctx, "nope", &mercadopago.PlanRequest{Status: mercadopago.PlanInactive})
	assert.True(t, mercadopago.IsNotFound(err))
	_, err = srv.ChargeSubscription("nope")
	assert.Error(t, err)
}

func TestPlanSearchAndUpdate(t *testing.T) {
	_, c := setup(t)
	for range 3 {
		_, err := c.Plans.Create(ctx, yogaPlan())
		require.NoError(t, err)
	}
	p, err := c.Plans.Create(ctx, &mercadopago.PlanRequest{Reason: "Pilates", BackURL: "https://gym.example/thanks",
		AutoRecurring: &mercadopago.AutoRecurring{Frequency: 1, FrequencyType: mercadopago.FrequencyMonths, TransactionAmount: money.FromInt(5000), CurrencyID: "CLP"}})
	require.NoError(t, err)
	p, err = c.Plans.Update(ctx, p.ID, &mercadopago.PlanRequest{Status: mercadopago.PlanInactive})
	require.NoError(t, err)
	assert.Equal(t, mercadopago.PlanInactive, p.Status)
	n := 0
	for p, err := range c.Plans.Search(ctx, &mercadopago.PlanSearch{Status: mercadopago.PlanActive, Limit: 2}) {
		require.NoError(t, err)
		assert.Equal(t, "Yoga classes", p.Reason)
		n++
	}
	assert.Equal(t, 3, n)
	page, err := c.Plans.SearchPage(ctx, &mercadopago.PlanSearch{Q: "pilates"})
	require.NoError(t, err)
	assert.Equal(t, 1, page.Paging.Total)
}

func TestChargebackOfAPayment(t *testing.T) {
	srv, c := setup(t)
	p, err := c.Payments.Create(ctx, cardPayment(token(t, srv, "APRO"), "15990"))
	require.NoError(t, err)
	id, err := srv.Chargeback(p.ID)
	require.NoError(t, err)
	cb, err := c.Chargebacks.Get(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, []int64{p.ID}, cb.Payments)
	assert.Equal(t, "15990", cb.Amount.String())
	assert.Equal(t, mercadopago.DocumentationPending, cb.DocumentationStatus)
	assert.True(t, cb.DocumentationRequired)
	assert.True(t, cb.DateDocumentationDeadline.After(cb.DateCreated))
	got, err := c.Payments.Get(ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, mercadopago.StatusChargedBack, got.Status)
	_, err = srv.Chargeback(p.ID)
	assert.Error(t, err, "only approved payments")
	_, err = c.Chargebacks.Get(ctx, "nope")
	assert.True(t, mercadopago.IsNotFound(err))
}
