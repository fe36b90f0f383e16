package mercadopago

import (
	"context"
	"iter"
	"net/http"
	"strings"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/transport"
	"github.com/paykit-go/paykit/money"
)

// FrequencyType is the unit of a subscription's billing frequency.
// See https://www.mercadopago.com/developers/en/reference/subscriptions/_preapproval_plan/post
type FrequencyType string

// Frequency units the API accepts.
const (
	FrequencyDays   FrequencyType = "days"
	FrequencyMonths FrequencyType = "months"
)

// SubscriptionStatus is the state of a subscription (a preapproval).
// Unknown values decode as they are.
type SubscriptionStatus string

// Subscription statuses.
const (
	SubscriptionPending    SubscriptionStatus = "pending"    // waiting for the payer to authorize (init_point)
	SubscriptionAuthorized SubscriptionStatus = "authorized" // active: charged every period
	SubscriptionPaused     SubscriptionStatus = "paused"     // no charges until authorized again
	SubscriptionCancelled  SubscriptionStatus = "cancelled"  // ended for good
)

// PlanStatus is the state of a subscription plan.
type PlanStatus string

// Plan statuses.
const (
	PlanActive   PlanStatus = "active"
	PlanInactive PlanStatus = "inactive"
	PlanCanceled PlanStatus = "cancelled"
)

// Notification topics of subscriptions (Notification.Type).
const (
	// TopicSubscriptionPreapproval: a subscription was created or changed; data.id is its id.
	TopicSubscriptionPreapproval = "subscription_preapproval"
	// TopicSubscriptionAuthorizedPayment: a subscription's periodic charge
	// (an "authorized payment") was made or changed; data.id is its id.
	TopicSubscriptionAuthorizedPayment = "subscription_authorized_payment"
	// TopicSubscriptionPreapprovalPlan: a plan was created or changed.
	TopicSubscriptionPreapprovalPlan = "subscription_preapproval_plan"
)

// SubscriptionID returns the signed data id of a subscription_preapproval
// notification (read it with Subscriptions.Get).
func (n *Notification) SubscriptionID() (string, bool) {
	if n.Type != TopicSubscriptionPreapproval {
		return "", false
	}
	id := n.DataID
	if id == "" {
		id = n.Data.ID
	}
	return id, id != ""
}

// AuthorizedPaymentID returns the signed data id of a
// subscription_authorized_payment notification: the id of one periodic
// charge of a subscription.
func (n *Notification) AuthorizedPaymentID() (int64, bool) {
	if n.Type != TopicSubscriptionAuthorizedPayment {
		return 0, false
	}
	id := n.DataID
	if id == "" {
		id = n.Data.ID
	}
	v, ok := transport.LooseInt([]byte(id))
	return v, ok && id != "" && v > 0
}

// AutoRecurring is how a plan or subscription charges: every Frequency
// FrequencyType, TransactionAmount in CurrencyID.
type AutoRecurring struct {
	// Frequency is how many units between charges. Required, ≥ 1.
	Frequency int `json:"frequency"`
	// FrequencyType is FrequencyDays or FrequencyMonths. Required.
	FrequencyType FrequencyType `json:"frequency_type"`
	// TransactionAmount is charged each period. Required, > 0.
	TransactionAmount money.Decimal `json:"transaction_amount"`
	// CurrencyID is the account's currency ("CLP", "BRL"…). Required.
	CurrencyID string `json:"currency_id"`
	// Repetitions limits the number of charges (plans; nil: until cancelled).
	Repetitions *int `json:"repetitions,omitempty"`
	// BillingDay is the day of the month charges are made (plans, 1 to 28).
	BillingDay *int `json:"billing_day,omitempty"`
	// BillingDayProportional charges the first period in proportion (plans).
	BillingDayProportional *bool `json:"billing_day_proportional,omitempty"`
	// FreeTrial delays the first charge.
	FreeTrial *FreeTrial `json:"free_trial,omitempty"`
	// StartDate and EndDate bound a subscription without a plan. They are
	// sent in RFC 3339 (the reference's examples carry milliseconds and a
	// Z, which a time with milliseconds in UTC produces).
	StartDate *time.Time `json:"start_date,omitempty"`
	EndDate   *time.Time `json:"end_date,omitempty"`
}

// FreeTrial is a period without charges at the start.
type FreeTrial struct {
	Frequency     int           `json:"frequency"`
	FrequencyType FrequencyType `json:"frequency_type"`
}

// PaymentMethodsAllowed restricts how a plan's subscribers can pay.
type PaymentMethodsAllowed struct {
	PaymentTypes   []IDRef `json:"payment_types,omitempty"`
	PaymentMethods []IDRef `json:"payment_methods,omitempty"`
}

// PlanRequest is the body of POST /preapproval_plan (and PUT, where empty
// fields are left as they are).
// See https://www.mercadopago.com/developers/en/reference/subscriptions/_preapproval_plan/post
type PlanRequest struct {
	// Reason names the plan ("Yoga classes"). Required on Create.
	Reason string `json:"reason,omitempty"`
	// AutoRecurring is how subscribers are charged. Required on Create.
	AutoRecurring *AutoRecurring `json:"auto_recurring,omitempty"`
	// PaymentMethodsAllowed restricts the methods (optional).
	PaymentMethodsAllowed *PaymentMethodsAllowed `json:"payment_methods_allowed,omitempty"`
	// BackURL is where the payer returns after subscribing. Required on Create.
	BackURL string `json:"back_url,omitempty"`
	// Status changes a plan's status on Update ("active", "inactive").
	Status PlanStatus `json:"status,omitempty"`
}

// Plan is a subscription plan: a template subscribers join.
type Plan struct {
	ID                    string                `json:"id"`
	ApplicationID         int64                 `json:"application_id"`
	CollectorID           int64                 `json:"collector_id"`
	Reason                string                `json:"reason"`
	Status                PlanStatus            `json:"status"`
	BackURL               string                `json:"back_url"`
	InitPoint             string                `json:"init_point"`
	AutoRecurring         AutoRecurringInfo     `json:"auto_recurring"`
	PaymentMethodsAllowed PaymentMethodsAllowed `json:"payment_methods_allowed"`
	DateCreated           time.Time             `json:"date_created"`
	LastModified          time.Time             `json:"last_modified"`

	// Meta tells how the call went.
	paykit.Meta `json:"-"`
	// Unparsed names the fields that arrived in a shape that could not be read.
	Unparsed []string `json:"-"`
}

// AutoRecurringInfo is a plan's or subscription's charging rule as reported.
type AutoRecurringInfo struct {
	Frequency              int           `json:"frequency"`
	FrequencyType          FrequencyType `json:"frequency_type"`
	TransactionAmount      money.Decimal `json:"transaction_amount"`
	CurrencyID             string        `json:"currency_id"`
	Repetitions            int           `json:"repetitions"`
	BillingDay             int           `json:"billing_day"`
	BillingDayProportional bool          `json:"billing_day_proportional"`
	FreeTrial              *FreeTrial    `json:"free_trial"`
	StartDate              time.Time     `json:"start_date"`
	EndDate                time.Time     `json:"end_date"`
}

// SubscriptionRequest is the body of POST /preapproval. With a plan, give
// PreapprovalPlanID, PayerEmail and CardTokenID (the plan sets the
// charges); without one, give Reason, AutoRecurring and BackURL, and either
// a CardTokenID with Status authorized or Status pending (the payer then
// authorizes at InitPoint).
// See https://www.mercadopago.com/developers/en/reference/subscriptions/_preapproval/post
type SubscriptionRequest struct {
	PreapprovalPlanID string             `json:"preapproval_plan_id,omitempty"`
	Reason            string             `json:"reason,omitempty"`
	ExternalReference string             `json:"external_reference,omitempty"`
	PayerEmail        string             `json:"payer_email"`
	CardTokenID       string             `json:"card_token_id,omitempty"`
	AutoRecurring     *AutoRecurring     `json:"auto_recurring,omitempty"`
	BackURL           string             `json:"back_url,omitempty"`
	Status            SubscriptionStatus `json:"status,omitempty"`
}

// SubscriptionUpdate is the body of PUT /preapproval/{id}; empty fields
// are left as they are.
type SubscriptionUpdate struct {
	// Status pauses, cancels or re-authorizes the subscription.
	Status            SubscriptionStatus `json:"status,omitempty"`
	Reason            string             `json:"reason,omitempty"`
	ExternalReference string             `json:"external_reference,omitempty"`
	BackURL           string             `json:"back_url,omitempty"`
	// CardTokenID replaces the card charged.
	CardTokenID string `json:"card_token_id,omitempty"`
	// AutoRecurring changes the amount charged (TransactionAmount, CurrencyID).
	AutoRecurring *AmountUpdate `json:"auto_recurring,omitempty"`
}

// AmountUpdate changes a subscription's amount.
type AmountUpdate struct {
	TransactionAmount money.Decimal `json:"transaction_amount"`
	CurrencyID        string        `json:"currency_id,omitempty"`
}

// Subscription is a payer's subscription (a "preapproval").
type Subscription struct {
	ID                 string             `json:"id"`
	Version            int                `json:"version"`
	ApplicationID      int64              `json:"application_id"`
	CollectorID        int64              `json:"collector_id"`
	PreapprovalPlanID  string             `json:"preapproval_plan_id"`
	Reason             string             `json:"reason"`
	ExternalReference  string             `json:"external_reference"`
	BackURL            string             `json:"back_url"`
	InitPoint          string             `json:"init_point"`
	AutoRecurring      AutoRecurringInfo  `json:"auto_recurring"`
	FirstInvoiceOffset int                `json:"first_invoice_offset"`
	PayerID            int64              `json:"payer_id"`
	PayerEmail         string             `json:"payer_email"`
	CardID             string             `json:"card_id"`
	PaymentMethodID    string             `json:"payment_method_id"`
	NextPaymentDate    time.Time          `json:"next_payment_date"`
	DateCreated        time.Time          `json:"date_created"`
	LastModified       time.Time          `json:"last_modified"`
	Summarized         SubscriptionTotals `json:"summarized"`
	Status             SubscriptionStatus `json:"status"`

	// Meta tells how the call went.
	paykit.Meta `json:"-"`
	// Unparsed names the fields that arrived in a shape that could not be read.
	Unparsed []string `json:"-"`
}

// SubscriptionTotals is the "summarized" node: what was charged so far.
type SubscriptionTotals struct {
	Quotas                int           `json:"quotas"`
	ChargedQuantity       int           `json:"charged_quantity"`
	PendingChargeQuantity int           `json:"pending_charge_quantity"`
	ChargedAmount         money.Decimal `json:"charged_amount"`
	PendingChargeAmount   money.Decimal `json:"pending_charge_amount"`
	Semaphore             string        `json:"semaphore"`
	LastChargedDate       time.Time     `json:"last_charged_date"`
	LastChargedAmount     money.Decimal `json:"last_charged_amount"`
}

// PlanSearch filters GET /preapproval_plan/search.
type PlanSearch struct {
	Status PlanStatus `url:"status,omitempty"`
	// Q searches the reason and other text fields.
	Q      string `url:"q,omitempty"`
	Limit  int    `url:"limit,omitempty"`
	Offset int    `url:"offset,omitempty"`
}

// PlanPage is one page of a plan search.
type PlanPage struct {
	Paging      Paging `json:"paging"`
	Results     []Plan `json:"results"`
	paykit.Meta `json:"-"`
	// Unparsed names the fields that arrived in a shape that could not be read.
	Unparsed []string `json:"-"`
}

// SubscriptionSearch filters GET /preapproval/search.
type SubscriptionSearch struct {
	PreapprovalPlanID string             `url:"preapproval_plan_id,omitempty"`
	PayerEmail        string             `url:"payer_email,omitempty"`
	PayerID           int64              `url:"payer_id,omitempty"`
	Status            SubscriptionStatus `url:"status,omitempty"`
	Q                 string             `url:"q,omitempty"`
	Sort              string             `url:"sort,omitempty"`
	Limit             int                `url:"limit,omitempty"`
	Offset            int                `url:"offset,omitempty"`
}

// SubscriptionPage is one page of a subscription search.
type SubscriptionPage struct {
	Paging      Paging         `json:"paging"`
	Results     []Subscription `json:"results"`
	paykit.Meta `json:"-"`
	// Unparsed names the fields that arrived in a shape that could not be read.
	Unparsed []string `json:"-"`
}

// PlansService is c.Plans: subscription plans (/preapproval_plan).
type PlansService struct{ c *Client }

// SubscriptionsService is c.Subscriptions: subscriptions (/preapproval).
type SubscriptionsService struct{ c *Client }

func checkRecurring(field string, a *AutoRecurring, plan bool) error {
	if a == nil {
		return invalid(field, "must be set")
	}
	if a.Frequency < 1 {
		return invalid(field+".frequency", "must be at least 1")
	}
	if a.FrequencyType != FrequencyDays && a.FrequencyType != FrequencyMonths {
		return invalid(field+".frequency_type", `must be "days" or "months"`)
	}
	if !a.TransactionAmount.IsPositive() {
		return invalid(field+".transaction_amount", "must be greater than zero")
	}
	if strings.TrimSpace(a.CurrencyID) == "" {
		return invalid(field+".currency_id", "must not be empty")
	}
	if a.Repetitions != nil && *a.Repetitions < 1 {
		return invalid(field+".repetitions", "must be at least 1 when given")
	}
	if a.BillingDay != nil && (*a.BillingDay < 1 || *a.BillingDay > 28) {
		return invalid(field+".billing_day", "must be between 1 and 28")
	}
	if !plan && (a.Repetitions != nil || a.BillingDay != nil || a.BillingDayProportional != nil) {
		return invalid(field, "repetitions and billing_day belong to plans")
	}
	if ft := a.FreeTrial; ft != nil && (ft.Frequency < 1 || (ft.FrequencyType != FrequencyDays && ft.FrequencyType != FrequencyMonths)) {
		return invalid(field+".free_trial", `needs a frequency of at least 1 and a frequency_type of "days" or "months"`)
	}
	if a.StartDate != nil && a.EndDate != nil && !a.EndDate.After(*a.StartDate) {
		return invalid(field+".end_date", "must be after start_date")
	}
	return nil
}

func checkBackURL(u string) error {
	if !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		return invalid("back_url", "must be an absolute http(s) URL")
	}
	return nil
}

// Create makes a plan (POST /preapproval_plan).
// See https://www.mercadopago.com/developers/en/reference/subscriptions/_preapproval_plan/post
func (s *PlansService) Create(ctx context.Context, req *PlanRequest, opts ...paykit.RequestOption) (*Plan, error) {
	if req == nil {
		return nil, invalid("plan", "must not be nil")
	}
	if strings.TrimSpace(req.Reason) == "" {
		return nil, invalid("reason", "must not be empty")
	}
	if err := checkRecurring("auto_recurring", req.AutoRecurring, true); err != nil {
		return nil, err
	}
	if err := checkBackURL(req.BackURL); err != nil {
		return nil, err
	}
	return doPlan(ctx, s.c, transport.Op{Name: "mercadopago.Plans.Create", Route: "/preapproval_plan"}, http.MethodPost, "/preapproval_plan", req, opts)
}

// Get reads a plan (GET /preapproval_plan/{id}).
// See https://www.mercadopago.com/developers/en/reference/subscriptions/_preapproval_plan_id/get
func (s *PlansService) Get(ctx context.Context, id string, opts ...paykit.RequestOption) (*Plan, error) {
	if err := checkID("id", id); err != nil {
		return nil, err
	}
	return doPlan(ctx, s.c, transport.Op{Name: "mercadopago.Plans.Get", Route: "/preapproval_plan/{id}"}, http.MethodGet, transport.Path("preapproval_plan", id), nil, opts)
}

// Update changes a plan (PUT /preapproval_plan/{id}); empty fields stay.
// AutoRecurring, when given, is sent whole (frequency, unit, amount and
// currency), so a zero frequency is never sent by accident. A new amount
// applies to the plan's subscriptions from their next charge.
// See https://www.mercadopago.com/developers/en/reference/subscriptions/_preapproval_plan_id/put
func (s *PlansService) Update(ctx context.Context, id string, req *PlanRequest, opts ...paykit.RequestOption) (*Plan, error) {
	if err := checkID("id", id); err != nil {
		return nil, err
	}
	if req == nil {
		return nil, invalid("plan", "must not be nil")
	}
	if req.AutoRecurring != nil {
		if err := checkRecurring("auto_recurring", req.AutoRecurring, true); err != nil {
			return nil, err
		}
	}
	if req.BackURL != "" {
		if err := checkBackURL(req.BackURL); err != nil {
			return nil, err
		}
	}
	return doPlan(ctx, s.c, transport.Op{Name: "mercadopago.Plans.Update", Route: "/preapproval_plan/{id}"}, http.MethodPut, transport.Path("preapproval_plan", id), req, opts)
}

func doPlan(ctx context.Context, c *Client, op transport.Op, method, path string, body any, opts []paykit.RequestOption) (*Plan, error) {
	r := &transport.Request{Op: op, Method: method, Path: path}
	if body != nil {
		r.JSON = body
	}
	return transport.Call[Plan](ctx, c.t, r, opts)
}

// SearchPage fetches one page of a plan search.
// See https://www.mercadopago.com/developers/en/reference/subscriptions/_preapproval_plan_search/get
func (s *PlansService) SearchPage(ctx context.Context, q *PlanSearch, opts ...paykit.RequestOption) (*PlanPage, error) {
	return fetchPage[PlanPage](ctx, s.c, transport.Op{Name: "mercadopago.Plans.SearchPage", Route: "/preapproval_plan/search"}, q, opts)
}

// Search walks every plan matching q, paging on its own.
func (s *PlansService) Search(ctx context.Context, q *PlanSearch, opts ...paykit.RequestOption) iter.Seq2[*Plan, error] {
	return search[Plan](ctx, q, s.SearchPage, opts)
}

// Create makes a subscription (POST /preapproval), with a plan or without.
// See https://www.mercadopago.com/developers/en/reference/subscriptions/_preapproval/post
func (s *SubscriptionsService) Create(ctx context.Context, req *SubscriptionRequest, opts ...paykit.RequestOption) (*Subscription, error) {
	if req == nil {
		return nil, invalid("subscription", "must not be nil")
	}
	if !validEmail(req.PayerEmail) {
		return nil, invalid("payer_email", "must be a valid email address")
	}
	switch req.Status {
	case "", SubscriptionPending, SubscriptionAuthorized:
	default:
		return nil, invalid("status", `must be "pending" or "authorized" on create`)
	}
	if req.PreapprovalPlanID != "" {
		if req.CardTokenID == "" {
			return nil, invalid("card_token_id", "must be set to subscribe to a plan")
		}
		if req.AutoRecurring != nil {
			if err := checkRecurring("auto_recurring", req.AutoRecurring, false); err != nil {
				return nil, err
			}
		}
	} else {
		if strings.TrimSpace(req.Reason) == "" {
			return nil, invalid("reason", "must not be empty without a plan")
		}
		if err := checkRecurring("auto_recurring", req.AutoRecurring, false); err != nil {
			return nil, err
		}
		if err := checkBackURL(req.BackURL); err != nil {
			return nil, err
		}
		if req.Status == SubscriptionAuthorized && req.CardTokenID == "" {
			return nil, invalid("card_token_id", "must be set for an authorized subscription (or use status pending)")
		}
	}
	return doSubscription(ctx, s.c, transport.Op{Name: "mercadopago.Subscriptions.Create", Route: "/preapproval"}, http.MethodPost, "/preapproval", req, opts)
}

// Get reads a subscription (GET /preapproval/{id}).
// See https://www.mercadopago.com/developers/en/reference/subscriptions/_preapproval_id/get
func (s *SubscriptionsService) Get(ctx context.Context, id string, opts ...paykit.RequestOption) (*Subscription, error) {
	if err := checkID("id", id); err != nil {
		return nil, err
	}
	return doSubscription(ctx, s.c, transport.Op{Name: "mercadopago.Subscriptions.Get", Route: "/preapproval/{id}"}, http.MethodGet, transport.Path("preapproval", id), nil, opts)
}

// Update changes a subscription (PUT /preapproval/{id}): pause, cancel or
// re-authorize it with Status, change its card or amount.
// See https://www.mercadopago.com/developers/en/reference/subscriptions/_preapproval_id/put
func (s *SubscriptionsService) Update(ctx context.Context, id string, req *SubscriptionUpdate, opts ...paykit.RequestOption) (*Subscription, error) {
	if err := checkID("id", id); err != nil {
		return nil, err
	}
	if req == nil {
		return nil, invalid("subscription", "must not be nil")
	}
	switch req.Status {
	case "", SubscriptionPaused, SubscriptionCancelled, SubscriptionAuthorized:
	default:
		return nil, invalid("status", `must be "paused", "cancelled" or "authorized"`)
	}
	if req.AutoRecurring != nil && !req.AutoRecurring.TransactionAmount.IsPositive() {
		return nil, invalid("auto_recurring.transaction_amount", "must be greater than zero")
	}
	if req.BackURL != "" {
		if err := checkBackURL(req.BackURL); err != nil {
			return nil, err
		}
	}
	return doSubscription(ctx, s.c, transport.Op{Name: "mercadopago.Subscriptions.Update", Route: "/preapproval/{id}"}, http.MethodPut, transport.Path("preapproval", id), req, opts)
}

// Pause stops charging a subscription until it is authorized again.
func (s *SubscriptionsService) Pause(ctx context.Context, id string, opts ...paykit.RequestOption) (*Subscription, error) {
	return s.Update(ctx, id, &SubscriptionUpdate{Status: SubscriptionPaused}, opts...)
}

// Cancel ends a subscription for good.
func (s *SubscriptionsService) Cancel(ctx context.Context, id string, opts ...paykit.RequestOption) (*Subscription, error) {
	return s.Update(ctx, id, &SubscriptionUpdate{Status: SubscriptionCancelled}, opts...)
}

// Resume authorizes a paused subscription again.
func (s *SubscriptionsService) Resume(ctx context.Context, id string, opts ...paykit.RequestOption) (*Subscription, error) {
	return s.Update(ctx, id, &SubscriptionUpdate{Status: SubscriptionAuthorized}, opts...)
}

func doSubscription(ctx context.Context, c *Client, op transport.Op, method, path string, body any, opts []paykit.RequestOption) (*Subscription, error) {
	r := &transport.Request{Op: op, Method: method, Path: path}
	if body != nil {
		r.JSON = body
	}
	return transport.Call[Subscription](ctx, c.t, r, opts)
}

// SearchPage fetches one page of a subscription search.
// See https://www.mercadopago.com/developers/en/reference/subscriptions/_preapproval_search/get
func (s *SubscriptionsService) SearchPage(ctx context.Context, q *SubscriptionSearch, opts ...paykit.RequestOption) (*SubscriptionPage, error) {
	return fetchPage[SubscriptionPage](ctx, s.c, transport.Op{Name: "mercadopago.Subscriptions.SearchPage", Route: "/preapproval/search"}, q, opts)
}

// Search walks every subscription matching q, paging on its own.
func (s *SubscriptionsService) Search(ctx context.Context, q *SubscriptionSearch, opts ...paykit.RequestOption) iter.Seq2[*Subscription, error] {
	return search[Subscription](ctx, q, s.SearchPage, opts)
}
