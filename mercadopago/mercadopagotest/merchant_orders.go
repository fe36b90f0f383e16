package mercadopagotest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/paykit-go/paykit/internal/sim"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/money"
)

// merchantOrder is a merchant order as the API sends it.
type merchantOrder struct {
	ID                int64         `json:"id"`
	Status            string        `json:"status"`
	OrderStatus       string        `json:"order_status"`
	ExternalReference string        `json:"external_reference"`
	PreferenceID      string        `json:"preference_id"`
	ApplicationID     *string       `json:"application_id"`
	SiteID            string        `json:"site_id"`
	NotificationURL   *string       `json:"notification_url"`
	AdditionalInfo    string        `json:"additional_info"`
	Marketplace       string        `json:"marketplace"`
	SponsorID         *int64        `json:"sponsor_id"`
	Payer             *moUser       `json:"payer"`
	Collector         moUser        `json:"collector"`
	Items             []prefItem    `json:"items"`
	Payments          []moPayment   `json:"payments"`
	Shipments         []any         `json:"shipments"`
	Payouts           []any         `json:"payouts"`
	TotalAmount       money.Decimal `json:"total_amount"`
	PaidAmount        money.Decimal `json:"paid_amount"`
	RefundedAmount    money.Decimal `json:"refunded_amount"`
	ShippingCost      money.Decimal `json:"shipping_cost"`
	Cancelled         bool          `json:"cancelled"`
	IsTest            bool          `json:"is_test"`
	DateCreated       string        `json:"date_created"`
	LastUpdated       string        `json:"last_updated"`
}

type moUser struct {
	ID       int64  `json:"id"`
	Nickname string `json:"nickname,omitempty"`
}

type moPayment struct {
	ID                int64         `json:"id"`
	TransactionAmount money.Decimal `json:"transaction_amount"`
	TotalPaidAmount   money.Decimal `json:"total_paid_amount"`
	ShippingCost      money.Decimal `json:"shipping_cost"`
	CurrencyID        string        `json:"currency_id"`
	Status            string        `json:"status"`
	StatusDetail      string        `json:"status_detail"`
	OperationType     string        `json:"operation_type"`
	DateApproved      *string       `json:"date_approved"`
	DateCreated       string        `json:"date_created"`
	LastModified      string        `json:"last_modified"`
	AmountRefunded    money.Decimal `json:"amount_refunded"`
}

// merchantOrderFor returns the preference's merchant order, making it on
// the first payment. Call with s.mu held.
func (s *Server) merchantOrderFor(p *preference) *merchantOrder {
	if mo, ok := s.checkout.orders.Find(func(mo *merchantOrder) bool { return mo.PreferenceID == p.ID }); ok {
		return mo
	}
	now := s.Clock.Now()
	total := money.FromInt(0)
	for _, it := range p.Items {
		total, _ = total.Add(lineTotal(it))
	}
	s.seq++
	mo := &merchantOrder{
		ID: s.seq, Status: "opened", OrderStatus: "payment_required", ExternalReference: p.ExternalReference,
		PreferenceID: p.ID, SiteID: p.SiteID, NotificationURL: p.NotificationURL, Marketplace: "NONE",
		Collector: moUser{ID: simUserID, Nickname: "TESTSELLER"}, Items: p.Items, Payments: []moPayment{}, Shipments: []any{},
		Payouts: []any{}, TotalAmount: total, PaidAmount: money.FromInt(0), RefundedAmount: money.FromInt(0),
		ShippingCost: money.FromInt(0), DateCreated: mpTime(now), LastUpdated: mpTime(now),
	}
	s.checkout.orders.Put(mo.ID, mo)
	return mo
}

// addPayment files a payment in the order and recomputes what is paid: the
// order closes once approved payments cover the total.
func (mo *merchantOrder) addPayment(p *payment, now time.Time) {
	mo.Payments = append(mo.Payments, moPayment{
		ID: p.ID, TransactionAmount: p.TransactionAmount, TotalPaidAmount: p.TransactionDetails.TotalPaidAmount,
		ShippingCost: money.FromInt(0), CurrencyID: p.CurrencyID, Status: p.Status, StatusDetail: p.StatusDetail,
		OperationType: "regular_payment", DateApproved: p.DateApproved, DateCreated: p.DateCreated, LastModified: p.DateLastUpdated,
		AmountRefunded: money.FromInt(0),
	})
	paid := money.FromInt(0)
	pending := false
	for _, mp := range mo.Payments {
		switch mercadopago.PaymentStatus(mp.Status) {
		case mercadopago.StatusApproved:
			paid, _ = paid.Add(mp.TransactionAmount)
		case mercadopago.StatusPending, mercadopago.StatusInProcess:
			pending = true
		}
	}
	mo.PaidAmount = paid
	switch {
	case paid.Cmp(mo.TotalAmount) >= 0 && mo.TotalAmount.IsPositive():
		mo.Status, mo.OrderStatus = "closed", "paid"
	case paid.IsPositive():
		mo.OrderStatus = "partially_paid"
	case pending:
		mo.OrderStatus = "payment_in_process"
	}
	mo.LastUpdated = mpTime(now)
}

// notifyMerchantOrder queues a signed topic_merchant_order_wh notification
// to the order's notification URL (or the server's webhook URL). The body's
// shape (id, status, type, data {currency_id, marketplace, status}) is the
// one Mercado Pago sends for this topic as integrators record it; the
// reference documentation lists the topic without a sample. Call with s.mu held.
func (s *Server) notifyMerchantOrder(mo *merchantOrder, notificationURL *string) {
	target := s.webhookURL
	if notificationURL != nil && *notificationURL != "" {
		target = *notificationURL
	}
	if target == "" || s.closed {
		return
	}
	dataID := strconv.FormatInt(mo.ID, 10)
	reqID := newRequestID()
	now := s.Clock.Now()
	body, _ := json.Marshal(map[string]any{
		"action": "update", "application_id": "6295877106812064",
		"data":         map[string]string{"currency_id": "", "marketplace": mo.Marketplace, "status": mo.Status},
		"date_created": mpTime(now), "id": dataID, "live_mode": false, "status": mo.Status,
		"type": mercadopago.TopicMerchantOrderWebhook, "user_id": simUserID, "version": len(mo.Payments),
	})
	s.enqueue(target, "data.id="+dataID+"&type="+mercadopago.TopicMerchantOrderWebhook, Delivery{
		Action: "update", DataID: dataID, RequestID: reqID,
		Signature: SignNotification(s.WebhookSecret, dataID, reqID, now), Body: body,
	})
}

// moIn is what POST and PUT /merchant_orders accept.
type moIn struct {
	PreferenceID      *string    `json:"preference_id"`
	ApplicationID     *string    `json:"application_id"`
	SiteID            *string    `json:"site_id"`
	NotificationURL   *string    `json:"notification_url"`
	AdditionalInfo    *string    `json:"additional_info"`
	ExternalReference *string    `json:"external_reference"`
	Marketplace       *string    `json:"marketplace"`
	Payer             *moUser    `json:"payer"`
	Items             []prefItem `json:"items"`
	SponsorID         *int64     `json:"sponsor_id"`
}

func (in *moIn) apply(mo *merchantOrder) string {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&mo.PreferenceID, in.PreferenceID)
	set(&mo.SiteID, in.SiteID)
	set(&mo.AdditionalInfo, in.AdditionalInfo)
	set(&mo.ExternalReference, in.ExternalReference)
	set(&mo.Marketplace, in.Marketplace)
	if in.ApplicationID != nil {
		mo.ApplicationID = in.ApplicationID
	}
	if in.NotificationURL != nil {
		mo.NotificationURL = in.NotificationURL
	}
	if in.Payer != nil {
		mo.Payer = in.Payer
	}
	if in.SponsorID != nil {
		mo.SponsorID = in.SponsorID
	}
	if in.Items != nil {
		total := money.FromInt(0)
		for _, it := range in.Items {
			if it.Quantity < 1 || it.UnitPrice.Sign() < 0 {
				return "items need a quantity of at least 1 and a unit_price not below 0"
			}
			total, _ = total.Add(lineTotal(it))
		}
		mo.Items, mo.TotalAmount = in.Items, total
	}
	return ""
}

func (s *Server) createMerchantOrder(w http.ResponseWriter, r *http.Request) {
	var in moIn
	if !readJSON(w, r, &in) {
		return
	}
	if len(in.Items) == 0 {
		apiError(w, http.StatusBadRequest, "bad_request", "items needed") // simulator's wording
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.Clock.Now()
	s.seq++
	mo := &merchantOrder{ID: s.seq, Status: "opened", OrderStatus: "payment_required", SiteID: "MLC", Marketplace: "NONE",
		Collector: moUser{ID: simUserID, Nickname: "TESTSELLER"}, Payments: []moPayment{}, Shipments: []any{}, Payouts: []any{},
		PaidAmount: money.FromInt(0), RefundedAmount: money.FromInt(0), ShippingCost: money.FromInt(0),
		DateCreated: mpTime(now), LastUpdated: mpTime(now)}
	if msg := in.apply(mo); msg != "" {
		apiError(w, http.StatusBadRequest, "bad_request", msg)
		return
	}
	s.checkout.orders.Put(mo.ID, mo)
	sim.WriteJSON(w, http.StatusCreated, mo)
}

func (s *Server) lookupMO(w http.ResponseWriter, r *http.Request) *merchantOrder {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err == nil {
		if mo, ok := s.checkout.orders.Get(id); ok {
			return mo
		}
	}
	apiError(w, http.StatusNotFound, "not_found", "Merchant Order not found")
	return nil
}

func (s *Server) getMerchantOrder(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if mo := s.lookupMO(w, r); mo != nil {
		sim.WriteJSON(w, http.StatusOK, mo)
	}
}

func (s *Server) updateMerchantOrder(w http.ResponseWriter, r *http.Request) {
	var in moIn
	if !readJSON(w, r, &in) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	mo := s.lookupMO(w, r)
	if mo == nil {
		return
	}
	next := *mo
	if msg := in.apply(&next); msg != "" {
		apiError(w, http.StatusBadRequest, "bad_request", msg)
		return
	}
	next.LastUpdated = mpTime(s.Clock.Now())
	*mo = next
	sim.WriteJSON(w, http.StatusOK, mo)
}

func (s *Server) searchMerchantOrders(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	pref, ref, st := q.Get("preference_id"), q.Get("external_reference"), q.Get("status")
	searchAs(s, w, r, &s.checkout.orders, 30, 100, func(mo *merchantOrder) bool {
		return (pref == "" || mo.PreferenceID == pref) && (ref == "" || mo.ExternalReference == ref) && (st == "" || mo.Status == st)
	}, elements[*merchantOrder])
}

// MerchantOrderCount is how many merchant orders the server holds.
func (s *Server) MerchantOrderCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.checkout.orders.Len()
}
