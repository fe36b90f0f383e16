package mercadopagotest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/paykit-go/paykit/internal/sim"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/money"
)

// recurring is the auto_recurring node as the API sends it.
type recurring struct {
	Frequency              int            `json:"frequency"`
	FrequencyType          string         `json:"frequency_type"`
	TransactionAmount      money.Decimal  `json:"transaction_amount"`
	CurrencyID             string         `json:"currency_id"`
	Repetitions            *int           `json:"repetitions,omitempty"`
	BillingDay             *int           `json:"billing_day,omitempty"`
	BillingDayProportional *bool          `json:"billing_day_proportional,omitempty"`
	FreeTrial              map[string]any `json:"free_trial"`
	StartDate              string         `json:"start_date,omitempty"`
	EndDate                string         `json:"end_date,omitempty"`
}

type plan struct {
	ID                    string         `json:"id"`
	ApplicationID         int64          `json:"application_id"`
	CollectorID           int64          `json:"collector_id"`
	Reason                string         `json:"reason"`
	Status                string         `json:"status"`
	BackURL               string         `json:"back_url"`
	InitPoint             string         `json:"init_point"`
	AutoRecurring         recurring      `json:"auto_recurring"`
	PaymentMethodsAllowed map[string]any `json:"payment_methods_allowed"`
	DateCreated           string         `json:"date_created"`
	LastModified          string         `json:"last_modified"`
}

type subscription struct {
	ID                 string     `json:"id"`
	Version            int        `json:"version"`
	ApplicationID      int64      `json:"application_id"`
	CollectorID        int64      `json:"collector_id"`
	PreapprovalPlanID  *string    `json:"preapproval_plan_id"`
	Reason             string     `json:"reason"`
	ExternalReference  string     `json:"external_reference"`
	BackURL            string     `json:"back_url"`
	InitPoint          string     `json:"init_point"`
	AutoRecurring      recurring  `json:"auto_recurring"`
	FirstInvoiceOffset *int       `json:"first_invoice_offset"`
	PayerID            int64      `json:"payer_id"`
	PayerEmail         string     `json:"payer_email"`
	CardID             *int64     `json:"card_id"`
	PaymentMethodID    *string    `json:"payment_method_id"`
	NextPaymentDate    *string    `json:"next_payment_date"`
	DateCreated        string     `json:"date_created"`
	LastModified       string     `json:"last_modified"`
	Summarized         summarized `json:"summarized"`
	Status             string     `json:"status"`
	next               time.Time  // when the next charge is due
	charges            []int64    // authorized payment ids
}

type summarized struct {
	Quotas                *int           `json:"quotas"`
	ChargedQuantity       int            `json:"charged_quantity"`
	PendingChargeQuantity *int           `json:"pending_charge_quantity"`
	ChargedAmount         money.Decimal  `json:"charged_amount"`
	PendingChargeAmount   *money.Decimal `json:"pending_charge_amount"`
	Semaphore             string         `json:"semaphore"`
	LastChargedDate       *string        `json:"last_charged_date"`
	LastChargedAmount     *money.Decimal `json:"last_charged_amount"`
}

// simApplicationID is the application id the simulator reports.
const simApplicationID = 4599991948843755

// checkRecurring answers 400 (the payments API's error shape, which the
// subscriptions API shares) when the node is incomplete.
func checkRecurring(w http.ResponseWriter, a *recurring) bool {
	switch {
	case a == nil:
		badRequest(w, 400, "auto_recurring is required") // simulator's code
	case a.Frequency < 1:
		badRequest(w, 400, "auto_recurring.frequency must be at least 1")
	case a.FrequencyType != "days" && a.FrequencyType != "months":
		badRequest(w, 400, "auto_recurring.frequency_type must be days or months")
	case !a.TransactionAmount.IsPositive():
		badRequest(w, 400, "auto_recurring.transaction_amount must be positive")
	case a.CurrencyID == "":
		badRequest(w, 400, "auto_recurring.currency_id is required")
	default:
		return true
	}
	return false
}

func (s *Server) createPlan(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Reason                string         `json:"reason"`
		AutoRecurring         *recurring     `json:"auto_recurring"`
		PaymentMethodsAllowed map[string]any `json:"payment_methods_allowed"`
		BackURL               string         `json:"back_url"`
	}
	if !readJSON(w, r, &in) || !checkRecurring(w, in.AutoRecurring) {
		return
	}
	if in.Reason == "" || !strings.HasPrefix(in.BackURL, "http") {
		badRequest(w, 400, "reason and back_url are required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	x := s.ext()
	now := mpTime(s.Clock.Now())
	p := &plan{ID: sim.RandomHex(16), ApplicationID: simApplicationID, CollectorID: s.collectorFor(r), Reason: in.Reason,
		Status: string(mercadopago.PlanActive), BackURL: in.BackURL, AutoRecurring: *in.AutoRecurring,
		PaymentMethodsAllowed: in.PaymentMethodsAllowed, DateCreated: now, LastModified: now}
	if p.PaymentMethodsAllowed == nil {
		p.PaymentMethodsAllowed = map[string]any{"payment_types": []any{}, "payment_methods": []any{}}
	}
	p.InitPoint = s.URL + "/subscriptions/checkout?preapproval_plan_id=" + p.ID
	x.plans.Put(p.ID, p)
	sim.WriteJSON(w, http.StatusCreated, p)
}

// collectorFor is the account a request acts for.
func (s *Server) collectorFor(r *http.Request) int64 {
	if sl := sellerOf(r); sl != nil {
		return sl.ID
	}
	return simUserID
}

func (s *Server) lookupPlan(w http.ResponseWriter, r *http.Request) *plan {
	if p, ok := s.ext().plans.Get(r.PathValue("id")); ok && p.CollectorID == s.collectorFor(r) {
		return p
	}
	apiError(w, http.StatusNotFound, "not_found", "preapproval_plan not found")
	return nil
}

func (s *Server) getPlan(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.lookupPlan(w, r); p != nil {
		sim.WriteJSON(w, http.StatusOK, p)
	}
}

func (s *Server) updatePlan(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Reason        string     `json:"reason"`
		AutoRecurring *recurring `json:"auto_recurring"`
		BackURL       string     `json:"back_url"`
		Status        string     `json:"status"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	if in.AutoRecurring != nil && !checkRecurring(w, in.AutoRecurring) {
		return
	}
	if in.Status != "" && in.Status != string(mercadopago.PlanActive) && in.Status != string(mercadopago.PlanInactive) && in.Status != string(mercadopago.PlanCanceled) {
		badRequest(w, 400, "status must be active, inactive or cancelled")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.lookupPlan(w, r)
	if p == nil {
		return
	}
	if in.Reason != "" {
		p.Reason = in.Reason
	}
	if in.AutoRecurring != nil {
		p.AutoRecurring = *in.AutoRecurring
	}
	if in.BackURL != "" {
		p.BackURL = in.BackURL
	}
	if in.Status != "" {
		p.Status = in.Status
	}
	p.LastModified = mpTime(s.Clock.Now())
	sim.WriteJSON(w, http.StatusOK, p)
}

func (s *Server) searchPlans(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	collector, st, text := s.collectorFor(r), q.Get("status"), strings.ToLower(q.Get("q"))
	searchAs(s, w, r, &s.ext().plans, 30, 100, func(p *plan) bool {
		return p.CollectorID == collector && (st == "" || p.Status == st) &&
			(text == "" || strings.Contains(strings.ToLower(p.Reason), text))
	}, results[*plan])
}

// subscriptionIn is what POST and PUT /preapproval accept.
type subscriptionIn struct {
	PreapprovalPlanID string     `json:"preapproval_plan_id"`
	Reason            string     `json:"reason"`
	ExternalReference string     `json:"external_reference"`
	PayerEmail        string     `json:"payer_email"`
	CardTokenID       string     `json:"card_token_id"`
	AutoRecurring     *recurring `json:"auto_recurring"`
	BackURL           string     `json:"back_url"`
	Status            string     `json:"status"`
}

func (s *Server) createSubscription(w http.ResponseWriter, r *http.Request) {
	var in subscriptionIn
	if !readJSON(w, r, &in) {
		return
	}
	if !validEmail(in.PayerEmail) {
		badRequest(w, 400, "payer_email must be a valid email")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	x := s.ext()
	now := s.Clock.Now()
	sub := &subscription{ID: sim.RandomHex(16), ApplicationID: simApplicationID, CollectorID: s.collectorFor(r),
		ExternalReference: in.ExternalReference, PayerEmail: in.PayerEmail, PayerID: 1000000000 + int64(x.subs.Len()),
		DateCreated: mpTime(now), LastModified: mpTime(now), Status: string(mercadopago.SubscriptionPending)}
	if in.PreapprovalPlanID != "" {
		p, ok := x.plans.Get(in.PreapprovalPlanID)
		if !ok || p.Status != string(mercadopago.PlanActive) {
			badRequest(w, 400, "preapproval_plan_id is not an active plan") // simulator's code
			return
		}
		if in.CardTokenID == "" {
			badRequest(w, 400, "card_token_id is required to subscribe to a plan")
			return
		}
		sub.PreapprovalPlanID = strPtr(p.ID)
		sub.Reason, sub.BackURL, sub.AutoRecurring = p.Reason, p.BackURL, p.AutoRecurring
		if p.AutoRecurring.Repetitions != nil {
			sub.Summarized.Quotas = p.AutoRecurring.Repetitions
		}
		in.Status = string(mercadopago.SubscriptionAuthorized)
	} else {
		if !checkRecurring(w, in.AutoRecurring) {
			return
		}
		if in.Reason == "" || !strings.HasPrefix(in.BackURL, "http") {
			badRequest(w, 400, "reason and back_url are required without a plan")
			return
		}
		sub.Reason, sub.BackURL, sub.AutoRecurring = in.Reason, in.BackURL, *in.AutoRecurring
		if in.Status == "" {
			in.Status = string(mercadopago.SubscriptionPending)
		}
	}
	sub.InitPoint = s.URL + "/subscriptions/checkout?preapproval_id=" + sub.ID
	switch in.Status {
	case string(mercadopago.SubscriptionPending):
	case string(mercadopago.SubscriptionAuthorized):
		if !s.takeCard(w, sub, in.CardTokenID, now) {
			return
		}
	default:
		badRequest(w, 400, "status must be pending or authorized")
		return
	}
	x.subs.Put(sub.ID, sub)
	sim.WriteJSON(w, http.StatusCreated, sub)
	s.notifyTopic(mercadopago.TopicSubscriptionPreapproval, "created", sub.ID)
}

// takeCard uses a one-use card token for a subscription: the holder name
// decides, as for payments (only approved cards can subscribe), and the
// first charge is due one period from now (after a free trial, if any).
func (s *Server) takeCard(w http.ResponseWriter, sub *subscription, token string, now time.Time) bool {
	tok, ok := s.tokens.Get(token)
	if !ok || tok.used || now.After(tok.expires) {
		badRequest(w, 3003, "Invalid card_token_id")
		return false
	}
	if st, _ := holderOutcome(tok.holder); st != mercadopago.StatusApproved {
		badRequest(w, 400, "card rejected: "+strings.ToUpper(tok.holder)) // simulator's choice of answer
		return false
	}
	tok.used = true
	cardID := int64(8000000000 + s.ext().subs.Len())
	sub.CardID, sub.PaymentMethodID = &cardID, strPtr(tok.brand())
	sub.Status = string(mercadopago.SubscriptionAuthorized)
	sub.next = now
	if ft := sub.AutoRecurring.FreeTrial; ft != nil {
		if n, ok := ft["frequency"].(float64); ok {
			sub.next = advance(now, int(n), fmt.Sprint(ft["frequency_type"]))
		}
	}
	sub.NextPaymentDate = strPtr(mpTime(sub.next))
	return true
}

// advance moves t by n days or months.
func advance(t time.Time, n int, unit string) time.Time {
	if unit == "months" {
		return t.AddDate(0, n, 0)
	}
	return t.AddDate(0, 0, n)
}

func (s *Server) lookupSubscription(w http.ResponseWriter, r *http.Request) *subscription {
	if sub, ok := s.ext().subs.Get(r.PathValue("id")); ok && sub.CollectorID == s.collectorFor(r) {
		return sub
	}
	apiError(w, http.StatusNotFound, "not_found", "preapproval not found")
	return nil
}

func (s *Server) getSubscription(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sub := s.lookupSubscription(w, r); sub != nil {
		sim.WriteJSON(w, http.StatusOK, sub)
	}
}

func (s *Server) updateSubscription(w http.ResponseWriter, r *http.Request) {
	var in subscriptionIn
	if !readJSON(w, r, &in) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sub := s.lookupSubscription(w, r)
	if sub == nil {
		return
	}
	now := s.Clock.Now()
	if sub.Status == string(mercadopago.SubscriptionCancelled) {
		badRequest(w, 400, "a cancelled preapproval cannot be modified") // simulator's code
		return
	}
	switch in.Status {
	case "":
	case string(mercadopago.SubscriptionPaused), string(mercadopago.SubscriptionCancelled):
		sub.Status = in.Status
	case string(mercadopago.SubscriptionAuthorized):
		if sub.CardID == nil {
			if in.CardTokenID == "" {
				badRequest(w, 400, "card_token_id is required to authorize a pending preapproval") // simulator's code
				return
			}
			if !s.takeCard(w, sub, in.CardTokenID, now) {
				return
			}
			in.CardTokenID = ""
		}
		sub.Status = in.Status
	default:
		badRequest(w, 400, "status must be paused, cancelled or authorized")
		return
	}
	if in.CardTokenID != "" && !s.takeCard(w, sub, in.CardTokenID, now) {
		return
	}
	if in.AutoRecurring != nil {
		if !in.AutoRecurring.TransactionAmount.IsPositive() {
			badRequest(w, 400, "auto_recurring.transaction_amount must be positive")
			return
		}
		sub.AutoRecurring.TransactionAmount = in.AutoRecurring.TransactionAmount
		if in.AutoRecurring.CurrencyID != "" {
			sub.AutoRecurring.CurrencyID = in.AutoRecurring.CurrencyID
		}
	}
	if in.Reason != "" {
		sub.Reason = in.Reason
	}
	if in.ExternalReference != "" {
		sub.ExternalReference = in.ExternalReference
	}
	if in.BackURL != "" {
		sub.BackURL = in.BackURL
	}
	sub.Version++
	sub.LastModified = mpTime(now)
	sim.WriteJSON(w, http.StatusOK, sub)
	s.notifyTopic(mercadopago.TopicSubscriptionPreapproval, "updated", sub.ID)
}

func (s *Server) searchSubscriptions(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	collector, st, email, payer, planID := s.collectorFor(r), q.Get("status"), q.Get("payer_email"), q.Get("payer_id"), q.Get("preapproval_plan_id")
	searchAs(s, w, r, &s.ext().subs, 30, 100, func(sub *subscription) bool {
		return sub.CollectorID == collector && (st == "" || sub.Status == st) && (email == "" || sub.PayerEmail == email) &&
			(payer == "" || strconv.FormatInt(sub.PayerID, 10) == payer) &&
			(planID == "" || sub.PreapprovalPlanID != nil && *sub.PreapprovalPlanID == planID)
	}, func(found []*subscription, limit, offset int) any {
		sort.SliceStable(found, func(i, j int) bool { return found[i].DateCreated > found[j].DateCreated }) // newest first
		return results(found, limit, offset)
	})
}

// authorizedPayment is one periodic charge of a subscription as
// GET /authorized_payments/{id} sends it (the reference's shape; its
// example sends external_reference as a number, the simulator as text).
type authorizedPayment struct {
	ID                int64         `json:"id"`
	Type              string        `json:"type"`
	DateCreated       string        `json:"date_created"`
	LastModified      string        `json:"last_modified"`
	PreapprovalID     string        `json:"preapproval_id"`
	Reason            string        `json:"reason"`
	ExternalReference string        `json:"external_reference"`
	CurrencyID        string        `json:"currency_id"`
	TransactionAmount money.Decimal `json:"transaction_amount"`
	DebitDate         string        `json:"debit_date"`
	RetryAttempt      int           `json:"retry_attempt"`
	Status            string        `json:"status"`
	Summarized        string        `json:"summarized"`
	Payment           struct {
		ID           int64  `json:"id"`
		Status       string `json:"status"`
		StatusDetail string `json:"status_detail"`
	} `json:"payment"`

	payerID   int64
	collector int64
}

// ChargeSubscription plays one periodic charge of an authorized
// subscription now, whether it is due or not: the card on file is charged
// (an approved payment in /v1/payments, operation type
// recurring_payment), an authorized payment records the charge (status
// processed), the amount is added to the subscription's totals, the next
// date moves one period on, and a signed subscription_authorized_payment
// notification is sent. It returns the authorized payment's id. (No
// payment notification is sent for the charge's payment: the simulator's
// choice.)
func (s *Server) ChargeSubscription(id string) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sub, ok := s.ext().subs.Get(id)
	if !ok {
		return 0, fmt.Errorf("mercadopagotest: unknown subscription %q", id)
	}
	return s.chargeLocked(sub, s.Clock.Now())
}

// ChargeDue plays the recurrence engine up to the simulator's clock: every
// authorized subscription is charged once for each period whose date has
// come (so advancing Clock by three months and calling ChargeDue charges
// a monthly plan three times), in order of subscription and date. It
// returns the authorized payment ids it made. Subscriptions that are
// paused, cancelled, pending or out of repetitions are not charged.
func (s *Server) ChargeDue() ([]int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.Clock.Now()
	subs := s.ext().subs.Search(func(sub *subscription) bool {
		return sub.Status == string(mercadopago.SubscriptionAuthorized) && !sub.next.IsZero()
	})
	sort.SliceStable(subs, func(i, j int) bool { return subs[i].DateCreated < subs[j].DateCreated })
	var made []int64
	for _, sub := range subs {
		for !sub.next.After(now) {
			if q := sub.Summarized.Quotas; q != nil && sub.Summarized.ChargedQuantity >= *q {
				break
			}
			id, err := s.chargeLocked(sub, sub.next)
			if err != nil {
				return made, err
			}
			made = append(made, id)
		}
	}
	return made, nil
}

// chargeLocked charges sub once, dated at. Call with s.mu held.
func (s *Server) chargeLocked(sub *subscription, at time.Time) (int64, error) {
	if sub.Status != string(mercadopago.SubscriptionAuthorized) {
		return 0, fmt.Errorf("mercadopagotest: subscription %s is %s, not authorized", sub.ID, sub.Status)
	}
	if q := sub.Summarized.Quotas; q != nil && sub.Summarized.ChargedQuantity >= *q {
		return 0, fmt.Errorf("mercadopagotest: subscription %s has had all its %d charges", sub.ID, *q)
	}
	amt := sub.AutoRecurring.TransactionAmount
	sub.Summarized.ChargedQuantity++
	sub.Summarized.ChargedAmount, _ = sub.Summarized.ChargedAmount.Add(amt)
	sub.Summarized.LastChargedAmount = &amt
	sub.Summarized.LastChargedDate = strPtr(mpTime(at))
	sub.Summarized.Semaphore = "green"
	sub.next = advance(sub.next, sub.AutoRecurring.Frequency, sub.AutoRecurring.FrequencyType)
	sub.NextPaymentDate = strPtr(mpTime(sub.next))

	// The charge's payment.
	s.seq++
	method := ""
	if sub.PaymentMethodID != nil {
		method = *sub.PaymentMethodID
	}
	p := &payment{ID: s.seq, DateCreated: mpTime(at), DateLastUpdated: mpTime(at), created: at,
		CurrencyID: sub.AutoRecurring.CurrencyID, CollectorID: sub.CollectorID, Installments: 1,
		TransactionAmount: amt, TransactionAmountRefunded: money.New(0, 0), Metadata: map[string]any{"preapproval_id": sub.ID}, Refunds: []*refund{},
		ExternalReference: strPtr(sub.ExternalReference), Description: strPtr(sub.Reason), PaymentMethodID: method, PaymentTypeID: "credit_card",
		PaymentMethod:      paymentMethodOut{ID: method, Type: "credit_card"},
		Payer:              payerOut{Email: strPtr(sub.PayerEmail), ID: strPtr(strconv.FormatInt(sub.PayerID, 10)), Type: strPtr("registered")},
		TransactionDetails: txDetails{TotalPaidAmount: amt, InstallmentAmount: amt, NetReceivedAmount: amt}}
	p.setStatus(mercadopago.StatusApproved, mercadopago.DetailAccredited, at)
	s.payments.Put(p.ID, p)
	if sub.CollectorID != simUserID {
		s.ext().collector[p.ID] = sub.CollectorID
	}

	// The authorized payment that records it.
	s.seq++
	ap := &authorizedPayment{ID: s.seq, Type: "scheduled", DateCreated: mpTime(at), LastModified: mpTime(at), PreapprovalID: sub.ID,
		Reason: sub.Reason, ExternalReference: sub.ExternalReference, CurrencyID: sub.AutoRecurring.CurrencyID, TransactionAmount: amt,
		DebitDate: mpTime(at), Status: string(mercadopago.AuthorizedPaymentProcessed), Summarized: "processed",
		payerID: sub.PayerID, collector: sub.CollectorID}
	ap.Payment.ID, ap.Payment.Status, ap.Payment.StatusDetail = p.ID, p.Status, p.StatusDetail
	s.ext().authorized.Put(ap.ID, ap)
	sub.charges = append(sub.charges, ap.ID)
	s.notifyTopic(mercadopago.TopicSubscriptionAuthorizedPayment, "created", strconv.FormatInt(ap.ID, 10))
	return ap.ID, nil
}

func (s *Server) getAuthorizedPayment(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	s.mu.Lock()
	defer s.mu.Unlock()
	ap, ok := s.ext().authorized.Get(id)
	if err != nil || !ok || ap.collector != s.collectorFor(r) {
		apiError(w, http.StatusNotFound, "not_found", "authorized_payment not found")
		return
	}
	sim.WriteJSON(w, http.StatusOK, ap)
}

func (s *Server) searchAuthorizedPayments(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	collector, sub, pay, payer := s.collectorFor(r), q.Get("preapproval_id"), q.Get("payment_id"), q.Get("payer_id")
	searchAs(s, w, r, &s.ext().authorized, 30, 100, func(ap *authorizedPayment) bool {
		return ap.collector == collector && (sub == "" || ap.PreapprovalID == sub) &&
			(pay == "" || strconv.FormatInt(ap.Payment.ID, 10) == pay) && (payer == "" || strconv.FormatInt(ap.payerID, 10) == payer)
	}, func(found []*authorizedPayment, limit, offset int) any {
		sort.SliceStable(found, func(i, j int) bool { return found[i].ID < found[j].ID })
		return results(found, limit, offset)
	})
}

// AuthorizedPaymentCount is how many periodic charges the server has made.
func (s *Server) AuthorizedPaymentCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ext().authorized.Len()
}

// notifyTopic queues a signed notification of a subscription topic or of
// the order topic, in the shape the subscription topics use (entity,
// date, application_id, version; for orders the simulator's choice). Call
// with s.mu held.
func (s *Server) notifyTopic(topic, action, dataID string) {
	if s.webhookURL == "" || s.closed {
		return
	}
	reqID := newRequestID()
	now := s.Clock.Now()
	s.seq++
	entity := "preapproval"
	switch topic {
	case mercadopago.TopicSubscriptionAuthorizedPayment:
		entity = "authorized_payment"
	case mercadopago.TopicOrder:
		entity = "order"
	}
	body, _ := json.Marshal(map[string]any{
		"action": action, "application_id": simApplicationID, "data": map[string]string{"id": dataID},
		"date": now.UTC().Format(time.RFC3339), "entity": entity, "id": s.seq, "type": topic, "version": 0,
	})
	target := s.webhookURL
	if strings.Contains(target, "?") {
		target += "&"
	} else {
		target += "?"
	}
	target += "data.id=" + dataID + "&type=" + topic
	s.pending = append(s.pending, Delivery{URL: target, Action: action, DataID: dataID, RequestID: reqID,
		Signature: SignNotification(s.WebhookSecret, dataID, reqID, now), Body: body})
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// SubscriptionCount is how many subscriptions the server holds.
func (s *Server) SubscriptionCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ext().subs.Len()
}

// PlanCount is how many plans the server holds.
func (s *Server) PlanCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ext().plans.Len()
}
