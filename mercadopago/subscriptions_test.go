package mercadopago

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/money"
)

func planReq() *PlanRequest {
	return &PlanRequest{
		Reason: "Yoga classes",
		AutoRecurring: &AutoRecurring{Frequency: 1, FrequencyType: FrequencyMonths, TransactionAmount: money.MustParse("10990.00"),
			CurrencyID: "CLP", Repetitions: Ptr(12), BillingDay: Ptr(10), BillingDayProportional: Ptr(false),
			FreeTrial: &FreeTrial{Frequency: 7, FrequencyType: FrequencyDays}},
		PaymentMethodsAllowed: &PaymentMethodsAllowed{PaymentTypes: []IDRef{{ID: "credit_card"}}},
		BackURL:               "https://www.yoursite.com",
	}
}

func TestPlansCreate(t *testing.T) {
	c, mt := newMocked(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodPost, testBase+"/preapproval_plan", rec.responder(201, fixture(t, "plan.json"), nil))
	req := planReq()
	p, err := c.Plans.Create(context.Background(), req, WithIdempotencyKey("plan-yoga"))
	require.NoError(t, err)
	got := rec.last(t)
	assert.Equal(t, http.MethodPost, got.Method)
	assert.Equal(t, "/preapproval_plan", got.Path)
	assertCommonHeaders(t, got)
	assert.Equal(t, "plan-yoga", got.Header.Get(IdempotencyHeader))
	assert.Equal(t, `{"reason":"Yoga classes","auto_recurring":{"frequency":1,"frequency_type":"months","transaction_amount":10990.00,"currency_id":"CLP",`+
		`"repetitions":12,"billing_day":10,"billing_day_proportional":false,"free_trial":{"frequency":7,"frequency_type":"days"}},`+
		`"payment_methods_allowed":{"payment_types":[{"id":"credit_card"}]},"back_url":"https://www.yoursite.com"}`, string(got.Body),
		"exact amount, typed frequency, a deliberate false sent")

	assert.Equal(t, "2c938084726fca480172750000000000", p.ID)
	assert.Equal(t, PlanActive, p.Status)
	assert.Equal(t, int64(1234567812345678), p.ApplicationID)
	assert.Equal(t, FrequencyMonths, p.AutoRecurring.FrequencyType)
	assert.Equal(t, "10990.00", p.AutoRecurring.TransactionAmount.String())
	assert.Equal(t, 12, p.AutoRecurring.Repetitions)
	assert.Equal(t, &FreeTrial{Frequency: 7, FrequencyType: FrequencyDays}, p.AutoRecurring.FreeTrial)
	assert.Equal(t, []IDRef{{ID: "master"}}, p.PaymentMethodsAllowed.PaymentMethods)
	assert.Equal(t, time.Date(2024, 2, 27, 21, 37, 6, 459e6, time.UTC), p.DateCreated.UTC())
	assert.Equal(t, "plan-yoga", p.Meta.IdempotencyKey)
	assert.Empty(t, p.Unparsed)
}

func TestPlansGetUpdateSearch(t *testing.T) {
	c, mt := newMocked(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"/preapproval_plan/2c93", rec.responder(200, fixture(t, "plan_drifted.json"), nil))
	mt.RegisterResponder(http.MethodPut, testBase+"/preapproval_plan/2c93", rec.responder(200, fixture(t, "plan.json"), nil))
	mt.RegisterResponderWithQuery(http.MethodGet, testBase+"/preapproval_plan/search", "limit=1&status=active",
		rec.responder(200, []byte(`{"paging":{"total":2,"limit":1,"offset":0},"results":[{"id":"p1","status":"active"}]}`), nil))
	mt.RegisterResponderWithQuery(http.MethodGet, testBase+"/preapproval_plan/search", "limit=1&offset=1&status=active",
		rec.responder(200, []byte(`{"paging":{"total":2,"limit":1,"offset":1},"results":[{"id":"p2","status":"active"}]}`), nil))
	ctx := context.Background()

	p, err := c.Plans.Get(ctx, "2c93")
	require.NoError(t, err, "a drifted plan still decodes")
	assertCommonHeaders(t, rec.last(t))
	assert.Equal(t, PlanStatus("paused_by_risk"), p.Status)
	assert.Equal(t, int64(100200300), p.CollectorID)
	assert.Equal(t, FrequencyType("weeks"), p.AutoRecurring.FrequencyType, "unknown unit kept")
	assert.Equal(t, 1, p.AutoRecurring.Frequency)
	assert.Equal(t, "10990.50", p.AutoRecurring.TransactionAmount.String())
	assert.Nil(t, p.AutoRecurring.FreeTrial)
	assert.True(t, p.DateCreated.IsZero())
	assert.ElementsMatch(t, []string{"date_created", "auto_recurring.free_trial"}, p.Unparsed)

	_, err = c.Plans.Update(ctx, "2c93", &PlanRequest{AutoRecurring: &AutoRecurring{Frequency: 1, FrequencyType: FrequencyMonths,
		TransactionAmount: money.MustParse("12990"), CurrencyID: "CLP"}, Status: PlanInactive})
	require.NoError(t, err)
	got := rec.last(t)
	assert.Equal(t, http.MethodPut, got.Method)
	assertCommonHeaders(t, got)
	assert.Equal(t, `{"auto_recurring":{"frequency":1,"frequency_type":"months","transaction_amount":12990,"currency_id":"CLP"},"status":"inactive"}`, string(got.Body))

	var ids []string
	for p, err := range c.Plans.Search(ctx, &PlanSearch{Status: PlanActive, Limit: 1}) {
		require.NoError(t, err)
		ids = append(ids, p.ID)
	}
	assert.Equal(t, []string{"p1", "p2"}, ids)
}

func TestPlansValidate(t *testing.T) {
	tests := []struct {
		name  string
		mod   func(*PlanRequest) *PlanRequest
		field string
	}{
		{"nil", func(*PlanRequest) *PlanRequest { return nil }, "plan"},
		{"no reason", func(r *PlanRequest) *PlanRequest { r.Reason = ""; return r }, "reason"},
		{"no recurring", func(r *PlanRequest) *PlanRequest { r.AutoRecurring = nil; return r }, "auto_recurring"},
		{"zero frequency", func(r *PlanRequest) *PlanRequest { r.AutoRecurring.Frequency = 0; return r }, "auto_recurring.frequency"},
		{"bad unit", func(r *PlanRequest) *PlanRequest { r.AutoRecurring.FrequencyType = "weeks"; return r }, "auto_recurring.frequency_type"},
		{"zero amount", func(r *PlanRequest) *PlanRequest { r.AutoRecurring.TransactionAmount = money.Decimal{}; return r }, "auto_recurring.transaction_amount"},
		{"no currency", func(r *PlanRequest) *PlanRequest { r.AutoRecurring.CurrencyID = ""; return r }, "auto_recurring.currency_id"},
		{"zero repetitions", func(r *PlanRequest) *PlanRequest { r.AutoRecurring.Repetitions = Ptr(0); return r }, "auto_recurring.repetitions"},
		{"billing day 31", func(r *PlanRequest) *PlanRequest { r.AutoRecurring.BillingDay = Ptr(31); return r }, "auto_recurring.billing_day"},
		{"bad trial", func(r *PlanRequest) *PlanRequest { r.AutoRecurring.FreeTrial.Frequency = 0; return r }, "auto_recurring.free_trial"},
		{"relative back url", func(r *PlanRequest) *PlanRequest { r.BackURL = "/thanks"; return r }, "back_url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mt := newMocked(t)
			_, err := c.Plans.Create(context.Background(), tt.mod(planReq()))
			var ve *paykit.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.field, ve.Field)
			assert.Zero(t, mt.GetTotalCallCount())
		})
	}
	c, mt := newMocked(t)
	ctx := context.Background()
	_, err := c.Plans.Get(ctx, "")
	assert.ErrorAs(t, err, new(*paykit.ValidationError))
	_, err = c.Plans.Update(ctx, "p", nil)
	assert.ErrorAs(t, err, new(*paykit.ValidationError))
	_, err = c.Plans.Update(ctx, "p", &PlanRequest{BackURL: "x"})
	assert.ErrorAs(t, err, new(*paykit.ValidationError))
	_, err = c.Plans.SearchPage(ctx, &PlanSearch{Offset: -1})
	assert.ErrorAs(t, err, new(*paykit.ValidationError))
	assert.Zero(t, mt.GetTotalCallCount())
}

func TestSubscriptionsCreateWithAndWithoutPlan(t *testing.T) {
	c, mt := newMocked(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodPost, testBase+"/preapproval", rec.responder(201, fixture(t, "subscription.json"), nil))
	ctx := context.Background()
	s, err := c.Subscriptions.Create(ctx, &SubscriptionRequest{PreapprovalPlanID: "2c938084726fca480172750000000001",
		PayerEmail: "member@example.com", CardTokenID: "e3ed6f098462036dd2cbabe314b9de2a", ExternalReference: "member-23", Status: SubscriptionAuthorized})
	require.NoError(t, err)
	got := rec.last(t)
	assert.Equal(t, "/preapproval", got.Path)
	assertCommonHeaders(t, got)
	assert.Equal(t, `{"preapproval_plan_id":"2c938084726fca480172750000000001","external_reference":"member-23","payer_email":"member@example.com",`+
		`"card_token_id":"e3ed6f098462036dd2cbabe314b9de2a","status":"authorized"}`, string(got.Body))
	assert.Equal(t, SubscriptionAuthorized, s.Status)
	assert.Equal(t, "8512384000", s.CardID, "a number where the API sometimes sends text")
	assert.Equal(t, int64(123123123), s.PayerID)
	assert.Equal(t, "10990", s.AutoRecurring.TransactionAmount.String())
	assert.Equal(t, time.Date(2025, 3, 6, 22, 10, 1, 0, time.UTC), s.AutoRecurring.EndDate.UTC())
	assert.Nil(t, s.AutoRecurring.FreeTrial)
	assert.Equal(t, 1, s.Summarized.ChargedQuantity)
	assert.Equal(t, "120890", s.Summarized.PendingChargeAmount.String())
	assert.Equal(t, time.Date(2024, 4, 6, 22, 10, 1, 0, time.UTC), s.NextPaymentDate.UTC())

	start := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	_, err = c.Subscriptions.Create(ctx, &SubscriptionRequest{Reason: "Monthly coffee", PayerEmail: "member@example.com",
		AutoRecurring: &AutoRecurring{Frequency: 1, FrequencyType: FrequencyMonths, TransactionAmount: money.MustParse("7500.5"), CurrencyID: "CLP", StartDate: &start},
		BackURL:       "https://shop.example/thanks", Status: SubscriptionPending})
	require.NoError(t, err)
	assert.Equal(t, `{"reason":"Monthly coffee","payer_email":"member@example.com","auto_recurring":{"frequency":1,"frequency_type":"months",`+
		`"transaction_amount":7500.5,"currency_id":"CLP","start_date":"2026-02-01T00:00:00Z"},"back_url":"https://shop.example/thanks","status":"pending"}`,
		string(rec.last(t).Body))
}

func TestSubscriptionsValidate(t *testing.T) {
	rec := func() *AutoRecurring {
		return &AutoRecurring{Frequency: 1, FrequencyType: FrequencyMonths, TransactionAmount: money.FromInt(100), CurrencyID: "CLP"}
	}
	tests := []struct {
		name  string
		req   *SubscriptionRequest
		field string
	}{
		{"nil", nil, "subscription"},
		{"bad email", &SubscriptionRequest{PreapprovalPlanID: "p", CardTokenID: "t", PayerEmail: "x"}, "payer_email"},
		{"bad status", &SubscriptionRequest{PreapprovalPlanID: "p", CardTokenID: "t", PayerEmail: "a@b.co", Status: SubscriptionPaused}, "status"},
		{"plan without card", &SubscriptionRequest{PreapprovalPlanID: "p", PayerEmail: "a@b.co"}, "card_token_id"},
		{"no plan no reason", &SubscriptionRequest{PayerEmail: "a@b.co", AutoRecurring: rec(), BackURL: "https://x.example"}, "reason"},
		{"no plan no recurring", &SubscriptionRequest{Reason: "r", PayerEmail: "a@b.co", BackURL: "https://x.example"}, "auto_recurring"},
		{"plan-only field", &SubscriptionRequest{Reason: "r", PayerEmail: "a@b.co", BackURL: "https://x.example",
			AutoRecurring: &AutoRecurring{Frequency: 1, FrequencyType: FrequencyDays, TransactionAmount: money.FromInt(1), CurrencyID: "CLP", Repetitions: Ptr(3)}}, "auto_recurring"},
		{"no back url", &SubscriptionRequest{Reason: "r", PayerEmail: "a@b.co", AutoRecurring: rec()}, "back_url"},
		{"authorized without card", &SubscriptionRequest{Reason: "r", PayerEmail: "a@b.co", AutoRecurring: rec(), BackURL: "https://x.example", Status: SubscriptionAuthorized}, "card_token_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mt := newMocked(t)
			_, err := c.Subscriptions.Create(context.Background(), tt.req)
			var ve *paykit.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.field, ve.Field)
			assert.Zero(t, mt.GetTotalCallCount())
		})
	}
	c, mt := newMocked(t)
	ctx := context.Background()
	for _, call := range []func() error{
		func() error { _, err := c.Subscriptions.Get(ctx, " "); return err },
		func() error { _, err := c.Subscriptions.Pause(ctx, ""); return err },
		func() error { _, err := c.Subscriptions.Update(ctx, "s", nil); return err },
		func() error {
			_, err := c.Subscriptions.Update(ctx, "s", &SubscriptionUpdate{Status: SubscriptionPending})
			return err
		},
		func() error {
			_, err := c.Subscriptions.Update(ctx, "s", &SubscriptionUpdate{AutoRecurring: &AmountUpdate{}})
			return err
		},
		func() error { _, err := c.Subscriptions.SearchPage(ctx, &SubscriptionSearch{Limit: -2}); return err },
	} {
		assert.ErrorAs(t, call(), new(*paykit.ValidationError))
	}
	assert.Zero(t, mt.GetTotalCallCount())
}

func TestSubscriptionsStatusChanges(t *testing.T) {
	tests := []struct {
		name string
		call func(context.Context, *Client) (*Subscription, error)
		body string
	}{
		{"pause", func(ctx context.Context, c *Client) (*Subscription, error) { return c.Subscriptions.Pause(ctx, "2c93") }, `{"status":"paused"}`},
		{"cancel", func(ctx context.Context, c *Client) (*Subscription, error) {
			return c.Subscriptions.Cancel(ctx, "2c93")
		}, `{"status":"cancelled"}`},
		{"resume", func(ctx context.Context, c *Client) (*Subscription, error) {
			return c.Subscriptions.Resume(ctx, "2c93")
		}, `{"status":"authorized"}`},
		{"amount", func(ctx context.Context, c *Client) (*Subscription, error) {
			return c.Subscriptions.Update(ctx, "2c93", &SubscriptionUpdate{AutoRecurring: &AmountUpdate{TransactionAmount: money.MustParse("12990.00"), CurrencyID: "CLP"}})
		}, `{"auto_recurring":{"transaction_amount":12990.00,"currency_id":"CLP"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mt := newMocked(t)
			rec := &recorder{}
			mt.RegisterResponder(http.MethodPut, testBase+"/preapproval/2c93", rec.responder(200, fixture(t, "subscription.json"), nil))
			s, err := tt.call(context.Background(), c)
			require.NoError(t, err)
			got := rec.last(t)
			assert.Equal(t, http.MethodPut, got.Method)
			assert.Equal(t, "/preapproval/2c93", got.Path)
			assertCommonHeaders(t, got)
			assert.Equal(t, tt.body, string(got.Body))
			assert.Equal(t, got.Header.Get(IdempotencyHeader), s.Meta.IdempotencyKey)
		})
	}
}

func TestSubscriptionsGetDriftedAndSearch(t *testing.T) {
	c, mt := newMocked(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"/preapproval/2c93", rec.responder(200, fixture(t, "subscription_drifted.json"), nil))
	mt.RegisterResponderWithQuery(http.MethodGet, testBase+"/preapproval/search", "limit=2&preapproval_plan_id=p1&status=authorized",
		rec.responder(200, fixture(t, "subscription_search.json"), nil))
	mt.RegisterResponderWithQuery(http.MethodGet, testBase+"/preapproval/search", "limit=2&offset=2&preapproval_plan_id=p1&status=authorized",
		rec.responder(200, []byte(`{"paging":{"offset":2,"limit":2,"total":3},"results":[{"id":"sub-3","status":"cancelled"}]}`), nil))
	ctx := context.Background()
	s, err := c.Subscriptions.Get(ctx, "2c93")
	require.NoError(t, err)
	assert.Equal(t, SubscriptionStatus("suspended_by_risk"), s.Status)
	assert.Equal(t, 2, s.Version)
	assert.Equal(t, int64(123123123), s.PayerID)
	assert.Equal(t, "10990.50", s.AutoRecurring.TransactionAmount.String())
	assert.True(t, s.AutoRecurring.StartDate.IsZero())
	assert.True(t, s.Summarized.LastChargedAmount.IsZero())
	assert.ElementsMatch(t, []string{"auto_recurring.start_date", "summarized.last_charged_amount"}, s.Unparsed)

	var ids []string
	for s, err := range c.Subscriptions.Search(ctx, &SubscriptionSearch{PreapprovalPlanID: "p1", Status: SubscriptionAuthorized, Limit: 2}) {
		require.NoError(t, err)
		ids = append(ids, s.ID)
	}
	assert.Equal(t, []string{"sub-1", "sub-2", "sub-3"}, ids)
	page, err := c.Subscriptions.SearchPage(ctx, &SubscriptionSearch{PreapprovalPlanID: "p1", Status: SubscriptionAuthorized, Limit: 2})
	require.NoError(t, err)
	assert.Equal(t, Paging{Total: 3, Limit: 2}, page.Paging)
	assert.Zero(t, page.Results[1].PayerID)
	assert.Equal(t, []string{"payer_id"}, page.Results[1].Unparsed, "a drifted field is named on the result it belongs to")
	assert.Empty(t, page.Unparsed)
}
