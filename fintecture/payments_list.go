package fintecture

import (
	"context"
	"iter"
	"net/url"
	"strings"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/transport"
	"github.com/paykit-go/paykit/money"
)

// PaymentQuery filters the payments list (GET /pis/v2/payments,
// https://docs.fintecture.com/, "Get all payments"). Every field is
// optional.
//
// [unsure] The official SDKs pass this call's query through untouched and
// document no filter names; the names below follow the filter[…] and
// page[…] style of Fintecture's other lists (settlements, providers,
// customers). Extra sends anything else as given, so a filter named
// differently in your account's reference still reaches Fintecture.
type PaymentQuery struct {
	// Status keeps payments in this session status (filter[status]).
	Status PaymentStatus
	// SessionID keeps one payment session (filter[session_id]).
	SessionID string
	// From and To keep payments created on these days, inclusive
	// (filter[date_from], filter[date_to], written YYYY-MM-DD). Only the
	// date counts.
	From, To time.Time
	// Page is the first page to fetch (page[number], from 1; 0 means 1) and
	// PageSize how many payments a page holds (page[size], 0 means
	// DefaultPageSize, at most MaxPageSize).
	Page, PageSize int
	// Extra carries other query parameters, sent as they are.
	Extra url.Values
}

// PaymentPage is one page of the payments list.
type PaymentPage struct {
	// Payments are this page's payments.
	Payments []Payment
	// Page is this page's number; HasNext says whether another follows.
	Page    int
	HasNext bool
	// Meta says how the call went.
	paykit.Meta `json:"-"`
	// Unparsed lists the JSON paths of fields that could not be read (they
	// are left zero), e.g. "data[2].attributes.amount".
	Unparsed []string `json:"-"`
}

// wirePaymentItem is one payment of the list. The single-payment answer
// puts the session's state in "meta" and the transfer in
// "data.attributes"; list items are read from both places, the item's own
// "meta" first and its attributes second. [unsure] which of the two a list
// item uses is not in a public reference.
type wirePaymentItem struct {
	ID   string `json:"id"`
	Type string `json:"type"`
	Meta struct {
		SessionID              string `json:"session_id"`
		Status                 string `json:"status"`
		Code                   int    `json:"code"`
		Provider               string `json:"provider"`
		CustomerID             string `json:"customer_id"`
		IsAccepted             bool   `json:"is_accepted"`
		HasSettlementCompleted bool   `json:"has_settlement_completed"`
		Type                   string `json:"type"`
		InitialType            string `json:"initial_type"`
	} `json:"meta"`
	Attributes struct {
		Amount                 money.Decimal `json:"amount"`
		Currency               string        `json:"currency"`
		Communication          string        `json:"communication"`
		EndToEndID             string        `json:"end_to_end_id"`
		ExecutionDate          string        `json:"execution_date"`
		PaymentScheme          string        `json:"payment_scheme"`
		TransferState          string        `json:"transfer_state"`
		BankAccountID          string        `json:"bank_account_id"`
		AccountType            string        `json:"account_type"`
		Status                 string        `json:"status"`
		SessionType            string        `json:"session_type"`
		Provider               string        `json:"provider"`
		CustomerID             string        `json:"customer_id"`
		IsAccepted             bool          `json:"is_accepted"`
		HasSettlementCompleted bool          `json:"has_settlement_completed"`
	} `json:"attributes"`
	Unparsed []string `json:"-"`
}

func (w *wirePaymentItem) payment(meta paykit.Meta) Payment {
	m, a := &w.Meta, &w.Attributes
	return Payment{
		SessionID:              firstOf(m.SessionID, w.ID),
		Status:                 PaymentStatus(firstOf(m.Status, a.Status)),
		Code:                   m.Code,
		Provider:               firstOf(m.Provider, a.Provider),
		CustomerID:             firstOf(m.CustomerID, a.CustomerID),
		IsAccepted:             m.IsAccepted || a.IsAccepted,
		HasSettlementCompleted: m.HasSettlementCompleted || a.HasSettlementCompleted,
		Type:                   firstOf(m.Type, a.SessionType),
		InitialType:            m.InitialType,
		Amount:                 a.Amount,
		Currency:               a.Currency,
		Communication:          a.Communication,
		EndToEndID:             a.EndToEndID,
		ExecutionDate:          a.ExecutionDate,
		PaymentScheme:          a.PaymentScheme,
		TransferState:          TransferState(a.TransferState),
		BankAccountID:          a.BankAccountID,
		AccountType:            a.AccountType,
		Meta:                   meta,
	}
}

type wirePaymentList = wireList[wirePaymentItem]

func (q *PaymentQuery) values() (url.Values, int, int, error) {
	v := url.Values{}
	var c PaymentQuery
	if q != nil {
		c = *q
	}
	if err := checkExtra(c.Extra, "page[number]", "page[size]"); err != nil {
		return nil, 0, 0, err
	}
	for k, vals := range c.Extra {
		v[k] = append([]string(nil), vals...)
	}
	if strings.ContainsAny(string(c.Status), "&=#\r\n ") {
		return nil, 0, 0, invalid("filter[status]", "must be one status such as payment_created")
	}
	if c.SessionID != "" {
		if err := checkSessionID(c.SessionID); err != nil {
			return nil, 0, 0, invalid("filter[session_id]", err.(*paykit.ValidationError).Rule)
		}
		v.Set("filter[session_id]", c.SessionID)
	}
	if !c.From.IsZero() && !c.To.IsZero() && dateOf(c.To).Before(dateOf(c.From)) {
		return nil, 0, 0, invalid("filter[date_to]", "must not be before filter[date_from]")
	}
	if c.Status != "" {
		v.Set("filter[status]", string(c.Status))
	}
	if !c.From.IsZero() {
		v.Set("filter[date_from]", c.From.Format(time.DateOnly))
	}
	if !c.To.IsZero() {
		v.Set("filter[date_to]", c.To.Format(time.DateOnly))
	}
	page, size, err := pageParams(v, c.Page, c.PageSize)
	if err != nil {
		return nil, 0, 0, err
	}
	return v, page, size, nil
}

func dateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// ListPaymentsPage fetches one page of the payments list
// (GET /pis/v2/payments). It only reads, so it is retried on 5xx and broken
// connections.
func (s *PISService) ListPaymentsPage(ctx context.Context, q *PaymentQuery, opts ...paykit.RequestOption) (*PaymentPage, error) {
	v, page, size, err := q.values()
	if err != nil {
		return nil, err
	}
	l, err := fetchList(ctx, s, transport.Op{Name: "fintecture.PIS.ListPaymentsPage", Route: "/pis/v2/payments"}, v, page, size, opts, (*wirePaymentItem).payment, func(w *wirePaymentItem) []string { return w.Unparsed })
	if err != nil {
		return nil, err
	}
	return &PaymentPage{Page: page, HasNext: l.hasNext, Payments: l.items, Meta: l.meta, Unparsed: l.unparsed}, nil
}

// ListPayments walks the payments list page by page from q.Page on,
// yielding each payment; it stops at the first error (yielded once) or
// when you stop ranging. q is copied, never changed.
//
//	for p, err := range c.PIS.ListPayments(ctx, &fintecture.PaymentQuery{Status: fintecture.StatusCreated}) {
//		if err != nil { … }
//		fmt.Println(p.SessionID, p.Amount)
//	}
func (s *PISService) ListPayments(ctx context.Context, q *PaymentQuery, opts ...paykit.RequestOption) iter.Seq2[*Payment, error] {
	var start PaymentQuery
	if q != nil {
		start = *q
		start.Extra = cloneValues(q.Extra)
	}
	_, _, _, verr := start.values()
	return transport.Pages(ctx, start.Page, verr, func(page int) ([]Payment, bool, error) {
		cur := start
		cur.Page = page
		p, err := s.ListPaymentsPage(ctx, &cur, opts...)
		if err != nil {
			return nil, false, err
		}
		return p.Payments, p.HasNext, nil
	})
}

func cloneValues(v url.Values) url.Values {
	if v == nil {
		return nil
	}
	out := make(url.Values, len(v))
	for k, vals := range v {
		out[k] = append([]string(nil), vals...)
	}
	return out
}
