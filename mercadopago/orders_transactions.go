package mercadopago

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"iter"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/transport"
	"github.com/paykit-go/paykit/money"
)

// Order ids: one rule.
//
// The Orders API spells order ids in upper case ("01JAQD7X…", "ORD01…"),
// and so do its notifications; some notification documentation lowercases
// alphanumeric ids. paykit matches an order id without regard to letter
// case everywhere it compares one (the webhook manifest, the notification
// body against the signed query, this client's record of orders it has
// seen), and hands ids back upper-cased (Notification.OrderID). It sends
// an id to the API as the caller gave it.

// orderKey is an order id as paykit compares it.
func orderKey(id string) string { return strings.ToUpper(id) }

// orderMemoSize bounds how many orders one client remembers.
const orderMemoSize = 4096

// orderMemo is what this client last saw of the orders its calls returned:
// whether each is in a status whose transactions can no longer change,
// and whether it processes automatically (only manual orders take new
// transactions, says the reference). It is only ever a reason to refuse a
// transaction edit before sending; an order it does not know is sent as
// asked, and the API's answer decides. Its zero value is ready to use;
// it is safe for concurrent use and holds at most orderMemoSize orders
// (the oldest is forgotten first).
type orderMemo struct {
	mu    sync.Mutex
	facts map[string]orderFacts
	order []string // keys, oldest first
}

type orderFacts struct {
	status    OrderStatus // set only for statuses that never become editable again
	automatic bool
}

// closedForEdits reports whether an order in status s can no longer have
// its transactions added, changed or removed: it was paid, refunded,
// cancelled or expired. (A failed order is left to the API.)
func closedForEdits(s OrderStatus) bool {
	switch s.Normalize() {
	case OrderProcessed, OrderRefunded, OrderCanceled, OrderExpired:
		return true
	}
	return false
}

// note records what o says about its order.
func (m *orderMemo) note(o *Order) {
	if o == nil || o.ID == "" {
		return
	}
	key := orderKey(o.ID)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.facts == nil {
		m.facts = make(map[string]orderFacts)
	}
	f, known := m.facts[key]
	if closedForEdits(o.Status) {
		f.status = o.Status.Normalize()
	}
	if o.ProcessingMode != "" {
		f.automatic = o.ProcessingMode == ProcessAutomatic
	}
	if !known {
		if len(m.order) >= orderMemoSize {
			delete(m.facts, m.order[0])
			m.order = m.order[1:]
		}
		m.order = append(m.order, key)
	}
	m.facts[key] = f
}

// check refuses an edit of order id's transactions when this client has
// seen the order closed for edits, or (adding) processing automatically.
func (m *orderMemo) check(id string, adding bool) error {
	m.mu.Lock()
	f, ok := m.facts[orderKey(id)]
	m.mu.Unlock()
	switch {
	case !ok:
		return nil
	case f.status != "":
		return invalid("order", "is "+string(f.status)+": its transactions can no longer be added, changed or removed")
	case adding && f.automatic:
		return invalid("order", "processes automatically: transactions can be added only to orders created with ProcessManual")
	}
	return nil
}

// OrderTransactionsRequest is the body of POST /v1/orders/{id}/transactions:
// the payments to add to an order created with ProcessManual.
// See https://www.mercadopago.com/developers/en/reference/orders/online-payments/add-transaction/post
type OrderTransactionsRequest struct {
	// Payments to add. Required, at least one.
	Payments []OrderPaymentRequest
}

// OrderTransactionsResult is the answer to AddTransactions: the payment
// transactions the order now has for them, with their ids.
type OrderTransactionsResult struct {
	Payments []OrderPayment `json:"payments"`

	// Meta tells how the call went (idempotency key, request id).
	paykit.Meta `json:"-"`
	// Unparsed names the fields that arrived in a shape that could not be read.
	Unparsed []string `json:"-"`
}

// OrderPaymentUpdate is the body of PUT /v1/orders/{id}/transactions/{transaction_id}.
// See https://www.mercadopago.com/developers/en/reference/orders/online-payments/update-transaction/put
type OrderPaymentUpdate struct {
	// Amount, when not zero, replaces the payment's amount (> 0).
	Amount money.Decimal
	// PaymentMethod replaces the payment's method. Required (the reference
	// marks it so); the same rules as on create apply (a card token for
	// cards, installments for credit cards).
	PaymentMethod *OrderPaymentMethod
}

// OrderPaymentResult is the answer to UpdateTransaction: the payment
// transaction as it now stands (the reference documents id, amount and
// payment_method; other fields are read when present).
type OrderPaymentResult struct {
	OrderPayment

	// Meta tells how the call went (idempotency key, request id).
	paykit.Meta `json:"-"`
	// Unparsed names the fields that arrived in a shape that could not be read.
	Unparsed []string `json:"-"`
}

// OrderTransactionDeleted is the answer to DeleteTransaction, which has no
// body: only how the call went.
type OrderTransactionDeleted struct {
	// Meta tells how the call went (idempotency key, request id).
	paykit.Meta `json:"-"`
}

type orderPaymentUpdateWire struct {
	Amount        *decimalString      `json:"amount,omitempty"`
	PaymentMethod *OrderPaymentMethod `json:"payment_method"`
}

// AddTransactions adds payment transactions to an order created with
// ProcessManual (POST /v1/orders/{id}/transactions), with an
// X-Idempotency-Key (the API requires one), the same on every retry. An
// order this client has seen processed, refunded, cancelled or expired,
// or processing automatically, is refused before anything is sent;
// otherwise the API decides. req is not modified.
// See https://www.mercadopago.com/developers/en/reference/orders/online-payments/add-transaction/post
func (s *OrdersService) AddTransactions(ctx context.Context, id string, req *OrderTransactionsRequest, opts ...paykit.RequestOption) (*OrderTransactionsResult, error) {
	if err := checkID("id", id); err != nil {
		return nil, err
	}
	if req == nil || len(req.Payments) == 0 {
		return nil, invalid("payments", "must hold at least one payment")
	}
	body := orderTxWire{Payments: make([]orderPaymentWire, len(req.Payments))}
	for i, p := range req.Payments {
		if err := checkOrderPayment("payments["+strconv.Itoa(i)+"]", p.Amount, &p.PaymentMethod); err != nil {
			return nil, err
		}
		body.Payments[i] = orderPaymentWire{Amount: decimalString(p.Amount), PaymentMethod: p.PaymentMethod}
	}
	if err := s.seen.check(id, true); err != nil {
		return nil, err
	}
	r := &transport.Request{Op: transport.Op{Name: "mercadopago.Orders.AddTransactions", Route: "/v1/orders/{id}/transactions"}, Method: http.MethodPost, Path: transport.Path("v1", "orders", id, "transactions"), JSON: body}
	return transport.Call[OrderTransactionsResult](ctx, s.c.t, r, opts)
}

// UpdateTransaction changes a payment transaction of an order that is not
// processed yet (PUT /v1/orders/{id}/transactions/{transaction_id}): its
// method (a new card token, another card) and, optionally, its amount. An
// order this client has seen processed, refunded, cancelled or expired is
// refused before anything is sent; otherwise the API decides (its refusal
// is an *Error with the Orders API's code in Causes).
// See https://www.mercadopago.com/developers/en/reference/orders/online-payments/update-transaction/put
func (s *OrdersService) UpdateTransaction(ctx context.Context, id, transactionID string, req *OrderPaymentUpdate, opts ...paykit.RequestOption) (*OrderPaymentResult, error) {
	if err := checkOrderIDs(id, transactionID); err != nil {
		return nil, err
	}
	if req == nil || req.PaymentMethod == nil {
		return nil, invalid("payment_method", "must be set")
	}
	if err := checkOrderMethod("payment_method", req.PaymentMethod); err != nil {
		return nil, err
	}
	body := orderPaymentUpdateWire{PaymentMethod: req.PaymentMethod}
	switch req.Amount.Sign() {
	case -1:
		return nil, invalid("amount", "must be greater than zero (or zero to keep it)")
	case 1:
		a := decimalString(req.Amount)
		body.Amount = &a
	}
	if err := s.seen.check(id, false); err != nil {
		return nil, err
	}
	r := &transport.Request{Op: transport.Op{Name: "mercadopago.Orders.UpdateTransaction", Route: "/v1/orders/{id}/transactions/{transaction_id}"}, Method: http.MethodPut, Path: transport.Path("v1", "orders", id, "transactions", transactionID), JSON: body}
	return transport.Call[OrderPaymentResult](ctx, s.c.t, r, opts)
}

// DeleteTransaction removes a payment transaction from an order that is
// not processed yet (DELETE /v1/orders/{id}/transactions/{transaction_id});
// the API answers with no body. The same refusals as UpdateTransaction
// apply.
// See https://www.mercadopago.com/developers/en/reference/orders/online-payments/delete-transaction/delete
func (s *OrdersService) DeleteTransaction(ctx context.Context, id, transactionID string, opts ...paykit.RequestOption) (*OrderTransactionDeleted, error) {
	if err := checkOrderIDs(id, transactionID); err != nil {
		return nil, err
	}
	if err := s.seen.check(id, false); err != nil {
		return nil, err
	}
	r := &transport.Request{Op: transport.Op{Name: "mercadopago.Orders.DeleteTransaction", Route: "/v1/orders/{id}/transactions/{transaction_id}"}, Method: http.MethodDelete, Path: transport.Path("v1", "orders", id, "transactions", transactionID), AllowEmpty: true}
	return transport.Call[OrderTransactionDeleted](ctx, s.c.t, r, opts)
}

func checkOrderIDs(id, transactionID string) error {
	if err := checkID("id", id); err != nil {
		return err
	}
	return checkID("transaction_id", transactionID)
}

// OrderSearch filters GET /v1/orders. BeginDate and EndDate are required
// and at most 30 days (720 hours) apart; they are sent in RFC 3339. Page
// counts from 1; PageSize is at most 100 (the API's default is 20).
// See https://www.mercadopago.com/developers/en/reference/orders/online-payments/search/get
type OrderSearch struct {
	BeginDate         time.Time         `url:"begin_date"`
	EndDate           time.Time         `url:"end_date"`
	ExternalReference string            `url:"external_reference,omitempty"`
	Type              string            `url:"type,omitempty"`
	Status            OrderStatus       `url:"status,omitempty"`
	StatusDetail      OrderStatusDetail `url:"status_detail,omitempty"`
	PaymentMethodID   string            `url:"payment_method_id,omitempty"`
	PaymentMethodType string            `url:"payment_method_type,omitempty"`
	Page              int               `url:"page,omitempty"`
	PageSize          int               `url:"page_size,omitempty"`
	// SortBy is "created_date" (the API's default) or "last_updated_date".
	SortBy string `url:"sort_by,omitempty"`
	// SortOrder is "desc" (the API's default) or "asc".
	SortOrder string `url:"sort_order,omitempty"`
}

// Order search limits (from the reference).
const (
	OrderSearchMaxSpan     = 720 * time.Hour
	OrderSearchMaxPageSize = 100
	orderSearchPageSize    = 20 // the API's default page size
)

func (q *OrderSearch) check() error {
	switch {
	case q.BeginDate.IsZero() || q.EndDate.IsZero():
		return invalid("begin_date", "begin_date and end_date are required")
	case q.EndDate.Before(q.BeginDate):
		return invalid("end_date", "must not be before begin_date")
	case q.EndDate.Sub(q.BeginDate) > OrderSearchMaxSpan:
		return invalid("end_date", "must be at most 30 days (720 hours) after begin_date")
	case len(q.ExternalReference) > 64:
		return invalid("external_reference", "must be at most 64 characters")
	case q.Page < 0:
		return invalid("page", "must not be negative (pages count from 1)")
	case q.PageSize < 0 || q.PageSize > OrderSearchMaxPageSize:
		return invalid("page_size", "must be between 1 and 100 (0 for the API's default of 20)")
	}
	switch q.SortBy {
	case "", "created_date", "last_updated_date":
	default:
		return invalid("sort_by", `must be "created_date" or "last_updated_date"`)
	}
	switch q.SortOrder {
	case "", "asc", "desc":
	default:
		return invalid("sort_order", `must be "asc" or "desc"`)
	}
	return nil
}

// OrderPage is one page of an order search.
type OrderPage struct {
	Data   OrderList   `json:"data"`
	Paging OrderPaging `json:"paging"`

	// Meta tells how the call went.
	paykit.Meta `json:"-"`
	// Unparsed names the fields that arrived in a shape that could not be read.
	Unparsed []string `json:"-"`
}

// OrderPaging is an order search's paging node. The official SDKs send
// its numbers as strings or as numbers; both are read.
type OrderPaging struct {
	Total      int `json:"total"`
	TotalPages int `json:"total_pages"`
	Offset     int `json:"offset"`
	Limit      int `json:"limit"`
}

// UnmarshalJSON reads the paging numbers whether they come as numbers or
// as numeric strings, in one pass (a page in the official SDKs' shape
// would otherwise send the whole answer down the tolerant decoder's slow
// path). A member that is neither fails the node, which the decoder then
// names in Unparsed.
func (p *OrderPaging) UnmarshalJSON(b []byte) error {
	var raw struct {
		Total      json.RawMessage `json:"total"`
		TotalPages json.RawMessage `json:"total_pages"`
		Offset     json.RawMessage `json:"offset"`
		Limit      json.RawMessage `json:"limit"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	var out OrderPaging
	for _, f := range []struct {
		raw json.RawMessage
		dst *int
	}{{raw.Total, &out.Total}, {raw.TotalPages, &out.TotalPages}, {raw.Offset, &out.Offset}, {raw.Limit, &out.Limit}} {
		v := bytes.TrimSpace(f.raw)
		if len(v) == 0 || string(v) == "null" {
			continue
		}
		n, ok := transport.LooseInt(v)
		if !ok || n < 0 || n > math.MaxInt32 {
			return errBadPaging
		}
		*f.dst = int(n)
	}
	*p = out
	return nil
}

var errBadPaging = errors.New("paging: not a count")

// OrderList is the orders of a search page. The reference's example shows
// "data" as one object while its field list and the official SDKs say a
// list: both are read (one object is a list of one).
type OrderList []Order

// UnmarshalJSON reads a list of orders, or one order.
func (l *OrderList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '{' {
		var o Order
		if err := transport.Decode(b, &o); err != nil {
			return err
		}
		*l = OrderList{o}
		return nil
	}
	var list []Order
	if err := transport.Decode(b, &list); err != nil {
		return err
	}
	*l = list
	return nil
}

var _ json.Unmarshaler = (*OrderList)(nil)

// SearchPage fetches one page of an order search (GET /v1/orders). A query
// without both dates, with dates more than 30 days apart or with a page
// size above 100 is refused before anything is sent.
// See https://www.mercadopago.com/developers/en/reference/orders/online-payments/search/get
func (s *OrdersService) SearchPage(ctx context.Context, q *OrderSearch, opts ...paykit.RequestOption) (*OrderPage, error) {
	if q == nil {
		return nil, invalid("begin_date", "begin_date and end_date are required")
	}
	if err := q.check(); err != nil {
		return nil, err
	}
	p, err := transport.Call[OrderPage](ctx, s.c.t, &transport.Request{Op: transport.Op{Name: "mercadopago.Orders.SearchPage", Route: "/v1/orders"}, Method: http.MethodGet, Path: "/v1/orders", Query: q}, opts)
	if err != nil {
		return nil, err
	}
	for i := range p.Data {
		s.seen.note(&p.Data[i])
	}
	return p, nil
}

// Search walks every order matching q, page by page from q.Page (1 when
// zero). It stops after the last page the API reports, after a short page,
// or at the first error. q is copied; ranging again starts again.
func (s *OrdersService) Search(ctx context.Context, q *OrderSearch, opts ...paykit.RequestOption) iter.Seq2[*Order, error] {
	var start OrderSearch
	var verr error
	if q == nil {
		verr = invalid("begin_date", "begin_date and end_date are required")
	} else {
		start = *q
		verr = start.check()
	}
	size := start.PageSize
	if size == 0 {
		size = orderSearchPageSize
	}
	return transport.Pages(ctx, start.Page, verr, func(page int) ([]Order, bool, error) {
		cur := start
		cur.Page = page
		p, err := s.SearchPage(ctx, &cur, opts...)
		if err != nil {
			return nil, false, err
		}
		return p.Data, orderPagesLeft(len(p.Data), page, size, p.Paging), nil
	})
}

// orderPagesLeft reports whether an order search goes on after page, which
// held n orders: up to the reported number of pages, else up to the
// reported total, else while pages come back full.
func orderPagesLeft(n, page, size int, pg OrderPaging) bool {
	switch {
	case n == 0:
		return false
	case pg.TotalPages > 0:
		return page < pg.TotalPages
	case pg.Total > 0:
		return (page-1)*size+n < pg.Total
	}
	return n >= size
}

// TopicOrder is the notification topic of the Orders API (Notification.Type):
// an order was created, processed, refunded, cancelled… data.id is the
// order's id.
// See https://www.mercadopago.com/developers/en/docs/checkout-api-orders/notifications
const TopicOrder = "order"

// OrderID returns the signed data id of an order notification,
// upper-cased as the Orders API spells order ids (read the order with
// Orders.Get). It reports false for other topics and when the notification
// carries no id.
func (n *Notification) OrderID() (string, bool) {
	if n.Type != TopicOrder {
		return "", false
	}
	id := n.DataID
	if id == "" {
		id = n.Data.ID
	}
	return orderKey(id), id != ""
}
