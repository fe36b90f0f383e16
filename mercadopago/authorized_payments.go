package mercadopago

import (
	"context"
	"iter"
	"net/http"
	"strconv"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/transport"
	"github.com/paykit-go/paykit/money"
)

// AuthorizedPaymentStatus is the state of one periodic charge of a
// subscription (an "authorized payment", an invoice in the reference).
// Unknown values decode as they are; "canceled" decodes as
// AuthorizedPaymentCancelled.
type AuthorizedPaymentStatus string

// Authorized payment statuses. The reference shows "scheduled"; the others
// are the values Mercado Pago's subscription guides name for invoices
// (processed once charged, recycling while a refused charge is retried,
// cancelled when it will not be charged): inferred, not listed in the
// reference.
const (
	AuthorizedPaymentScheduled AuthorizedPaymentStatus = "scheduled"
	AuthorizedPaymentProcessed AuthorizedPaymentStatus = "processed"
	AuthorizedPaymentRecycling AuthorizedPaymentStatus = "recycling"
	AuthorizedPaymentCancelled AuthorizedPaymentStatus = "cancelled"
)

// Normalize returns s with either spelling of a cancelled status replaced
// by AuthorizedPaymentCancelled; other values are returned as they are.
func (s AuthorizedPaymentStatus) Normalize() AuthorizedPaymentStatus {
	if isCancelled(string(s)) {
		return AuthorizedPaymentCancelled
	}
	return s
}

// UnmarshalText reads an authorized payment status, "canceled" as AuthorizedPaymentCancelled.
func (s *AuthorizedPaymentStatus) UnmarshalText(b []byte) error {
	*s = AuthorizedPaymentStatus(b).Normalize()
	return nil
}

// AuthorizedPayment is one periodic charge of a subscription: what was
// (or will be) charged, when, and the payment that charged it. The id
// comes in subscription_authorized_payment notifications
// (Notification.AuthorizedPaymentID); Payment.ID is a /v1/payments id.
// See https://www.mercadopago.com/developers/en/reference/subscriptions/_authorized_payments_id/get
type AuthorizedPayment struct {
	ID int64 `json:"id"`
	// Type is "scheduled": made by the recurrence engine.
	Type string `json:"type"`
	// PreapprovalID is the subscription (Subscriptions.Get).
	PreapprovalID string `json:"preapproval_id"`
	Reason        string `json:"reason"`
	// ExternalReference arrives as a number in the reference's example;
	// it is read as text either way.
	ExternalReference string                  `json:"external_reference"`
	CurrencyID        string                  `json:"currency_id"`
	TransactionAmount money.Decimal           `json:"transaction_amount"`
	DebitDate         time.Time               `json:"debit_date"`
	RetryAttempt      int                     `json:"retry_attempt"`
	Status            AuthorizedPaymentStatus `json:"status"`
	// Summarized is where the charge stands in the subscription's totals
	// ("pending", …).
	Summarized   string               `json:"summarized"`
	Payment      AuthorizedPaymentRef `json:"payment"`
	DateCreated  time.Time            `json:"date_created"`
	LastModified time.Time            `json:"last_modified"`

	// Meta tells how the call went.
	paykit.Meta `json:"-"`
	// Unparsed names the fields that arrived in a shape that could not be read.
	Unparsed []string `json:"-"`
}

// AuthorizedPaymentRef is the payment behind a periodic charge (zero ID
// until it is attempted). Read it whole with Payments.Get(ID).
type AuthorizedPaymentRef struct {
	ID           int64         `json:"id"`
	Status       PaymentStatus `json:"status"`
	StatusDetail StatusDetail  `json:"status_detail"`
}

// AuthorizedPaymentSearch filters GET /authorized_payments/search. The
// reference names preapproval_id, payment_id and payer_id; limit and
// offset page as in the other subscription searches.
// See https://www.mercadopago.com/developers/en/reference/subscriptions/_authorized_payments_search/get
type AuthorizedPaymentSearch struct {
	PreapprovalID string `url:"preapproval_id,omitempty"`
	PaymentID     int64  `url:"payment_id,omitempty"`
	PayerID       int64  `url:"payer_id,omitempty"`
	Limit         int    `url:"limit,omitempty"`
	Offset        int    `url:"offset,omitempty"`
}

// AuthorizedPaymentPage is one page of an authorized payment search.
type AuthorizedPaymentPage struct {
	Paging  Paging              `json:"paging"`
	Results []AuthorizedPayment `json:"results"`

	// Meta tells how the call went.
	paykit.Meta `json:"-"`
	// Unparsed names the fields that arrived in a shape that could not be read.
	Unparsed []string `json:"-"`
}

// AuthorizedPaymentsService is c.AuthorizedPayments: the periodic charges
// of subscriptions (/authorized_payments).
type AuthorizedPaymentsService struct{ c *Client }

// Get reads one periodic charge (GET /authorized_payments/{id}).
// See https://www.mercadopago.com/developers/en/reference/subscriptions/_authorized_payments_id/get
func (s *AuthorizedPaymentsService) Get(ctx context.Context, id int64, opts ...paykit.RequestOption) (*AuthorizedPayment, error) {
	if id <= 0 {
		return nil, invalid("id", "must be a positive authorized payment id")
	}
	r := &transport.Request{Op: transport.Op{Name: "mercadopago.AuthorizedPayments.Get", Route: "/authorized_payments/{id}"}, Method: http.MethodGet, Path: transport.Path("authorized_payments", strconv.FormatInt(id, 10))}
	return transport.Call[AuthorizedPayment](ctx, s.c.t, r, opts)
}

// SearchPage fetches one page of an authorized payment search.
// See https://www.mercadopago.com/developers/en/reference/subscriptions/_authorized_payments_search/get
func (s *AuthorizedPaymentsService) SearchPage(ctx context.Context, q *AuthorizedPaymentSearch, opts ...paykit.RequestOption) (*AuthorizedPaymentPage, error) {
	if q != nil && (q.PaymentID < 0 || q.PayerID < 0) {
		return nil, invalid("payment_id", "payment_id and payer_id must not be negative")
	}
	return fetchPage[AuthorizedPaymentPage](ctx, s.c, transport.Op{Name: "mercadopago.AuthorizedPayments.SearchPage", Route: "/authorized_payments/search"}, q, opts)
}

// Search walks every authorized payment matching q, paging on its own.
func (s *AuthorizedPaymentsService) Search(ctx context.Context, q *AuthorizedPaymentSearch, opts ...paykit.RequestOption) iter.Seq2[*AuthorizedPayment, error] {
	return search[AuthorizedPayment](ctx, q, s.SearchPage, opts)
}

func (q *AuthorizedPaymentSearch) paging() (*int, *int) { return &q.Limit, &q.Offset }

func (p *AuthorizedPaymentPage) items(int, int) ([]AuthorizedPayment, Paging) {
	return p.Results, p.Paging
}

var _ page[AuthorizedPayment] = (*AuthorizedPaymentPage)(nil)
