package mercadopago

import (
	"context"
	"iter"
	"net/http"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/transport"
)

// Every Mercado Pago search is offset-paged: a filter struct with Limit and
// Offset, and pages that say how many results match. fetchPage is every
// service's SearchPage and search every service's Search; each query and
// page type only says where its paging numbers, results and Meta are.

// pager is a search query: where its Limit and Offset fields are.
type pager interface {
	paging() (limit, offset *int)
}

// page is one page of results: its items and paging, given the query's
// limit and offset (for answers that report only a total).
type page[T any] interface {
	items(limit, offset int) ([]T, Paging)
}

// fetchPage GETs one page of a search at path: a nil query is an empty
// one, and negative paging numbers are refused before anything is sent.
func fetchPage[P any, PP interface {
	*P
	transport.MetaSetter
}, Q any, QP interface {
	*Q
	pager
}](ctx context.Context, c *Client, op transport.Op, q *Q, opts []paykit.RequestOption) (*P, error) {
	if q == nil {
		q = new(Q)
	}
	if limit, offset := QP(q).paging(); *limit < 0 || *offset < 0 {
		return nil, invalid("limit", "limit and offset must not be negative")
	}
	return transport.Call[P, PP](ctx, c.t, &transport.Request{Op: op, Method: http.MethodGet, Path: op.Route, Query: q}, opts)
}

// search walks a search from q's offset on, one page (fetched by fetch) at
// a time. Each walk works on its own copy of q, so the caller's query is
// never changed and ranging again starts again from q's offset.
func search[T any, P page[T], Q any, QP interface {
	*Q
	pager
}](ctx context.Context, q *Q, fetch func(context.Context, *Q, ...paykit.RequestOption) (P, error), opts []paykit.RequestOption) iter.Seq2[*T, error] {
	var start Q
	if q != nil {
		start = *q
	}
	return func(yield func(*T, error) bool) {
		cur := start
		limit, offset := QP(&cur).paging()
		transport.Walk(ctx, func() ([]T, bool, error) {
			p, err := fetch(ctx, &cur, opts...)
			if err != nil {
				return nil, false, err
			}
			items, paging := p.items(*limit, *offset)
			*offset += len(items)
			return items, morePages(len(items), *offset, paging), nil
		}, yield)
	}
}

// morePages reports whether an offset-paged search goes on after a page of
// n items that ended at offset: not after an empty page, nor past the
// reported total, nor (when no total is reported) after a short page.
func morePages(n, offset int, paging Paging) bool {
	switch {
	case n == 0:
		return false
	case paging.Total > 0:
		return offset < paging.Total
	case paging.Limit > 0:
		return n >= paging.Limit
	}
	return true
}

// The paging numbers of each query, and the results of each page.
// (The assertions also tell staticcheck that search's type parameters use
// these methods.)

var (
	_ page[Payment]           = (*PaymentPage)(nil)
	_ page[Customer]          = (*CustomerPage)(nil)
	_ page[PreferenceSummary] = (*PreferencePage)(nil)
	_ page[MerchantOrder]     = (*MerchantOrderPage)(nil)
	_ page[Plan]              = (*PlanPage)(nil)
	_ page[Subscription]      = (*SubscriptionPage)(nil)
)

func (q *PaymentSearch) paging() (*int, *int)       { return &q.Limit, &q.Offset }
func (q *CustomerSearch) paging() (*int, *int)      { return &q.Limit, &q.Offset }
func (q *PreferenceSearch) paging() (*int, *int)    { return &q.Limit, &q.Offset }
func (q *MerchantOrderSearch) paging() (*int, *int) { return &q.Limit, &q.Offset }
func (q *PlanSearch) paging() (*int, *int)          { return &q.Limit, &q.Offset }
func (q *SubscriptionSearch) paging() (*int, *int)  { return &q.Limit, &q.Offset }

func (p *PaymentPage) items(int, int) ([]Payment, Paging)           { return p.Results, p.Paging }
func (p *CustomerPage) items(int, int) ([]Customer, Paging)         { return p.Results, p.Paging }
func (p *PlanPage) items(int, int) ([]Plan, Paging)                 { return p.Results, p.Paging }
func (p *SubscriptionPage) items(int, int) ([]Subscription, Paging) { return p.Results, p.Paging }

// Preference and merchant-order searches report a total only.

func (p *PreferencePage) items(limit, offset int) ([]PreferenceSummary, Paging) {
	return p.Elements, Paging{Total: p.Total, Limit: pageLimit(limit), Offset: offset}
}

func (p *MerchantOrderPage) items(limit, offset int) ([]MerchantOrder, Paging) {
	return p.Elements, Paging{Total: p.Total, Limit: pageLimit(limit), Offset: offset}
}
