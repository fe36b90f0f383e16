package mercadopago

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/transport"
	"github.com/paykit-go/paykit/money"
)

// Refund is one refund of a payment.
// See https://www.mercadopago.com/developers/en/reference/chargebacks/_payments_id_refunds/post
type Refund struct {
	ID                    int64          `json:"id"`
	PaymentID             int64          `json:"payment_id"`
	Amount                money.Decimal  `json:"amount"`
	AmountRefundedToPayer money.Decimal  `json:"amount_refunded_to_payer"`
	Status                string         `json:"status"`
	RefundMode            string         `json:"refund_mode"`
	Reason                string         `json:"reason"`
	UniqueSequenceNumber  string         `json:"unique_sequence_number"`
	DateCreated           time.Time      `json:"date_created"`
	Metadata              map[string]any `json:"metadata"`

	// Meta tells how the call went (idempotency key, request id); set on Create and Get.
	paykit.Meta `json:"-"`
	// Unparsed names the fields that arrived in a shape that could not be read.
	Unparsed []string `json:"-"`
}

// RefundRequest asks for a partial refund. A nil request (or a zero Amount)
// refunds the whole remaining amount.
type RefundRequest struct {
	// Amount to give back; must be positive and at most what is left.
	Amount money.Decimal `json:"amount"`
}

// RefundsService is c.Refunds.
type RefundsService struct{ c *Client }

// Create refunds a payment (POST /v1/payments/{id}/refunds): in full with a
// nil req (an empty body), in part with req.Amount. It always carries an
// X-Idempotency-Key, the same on every retry, so a lost answer cannot refund
// twice. Refusals come back as *Error with IsRefundRejected true.
func (s *RefundsService) Create(ctx context.Context, paymentID int64, req *RefundRequest, opts ...paykit.RequestOption) (*Refund, error) {
	if paymentID <= 0 {
		return nil, invalid("payment_id", "must be a positive payment id")
	}
	r := &transport.Request{Op: transport.Op{Name: "mercadopago.Refunds.Create", Route: "/v1/payments/{id}/refunds"}, Method: http.MethodPost, Path: paymentPath(paymentID, "refunds")}
	if req != nil && !req.Amount.IsZero() {
		if !req.Amount.IsPositive() {
			return nil, invalid("amount", "must be greater than zero")
		}
		r.JSON = req
	}
	return transport.Call[Refund](ctx, s.c.t, r, opts)
}

// Get reads one refund (GET /v1/payments/{id}/refunds/{refund_id}).
func (s *RefundsService) Get(ctx context.Context, paymentID, refundID int64, opts ...paykit.RequestOption) (*Refund, error) {
	if paymentID <= 0 {
		return nil, invalid("payment_id", "must be a positive payment id")
	}
	if refundID <= 0 {
		return nil, invalid("refund_id", "must be a positive refund id")
	}
	return transport.Call[Refund](ctx, s.c.t, &transport.Request{Op: transport.Op{Name: "mercadopago.Refunds.Get", Route: "/v1/payments/{id}/refunds/{refund_id}"}, Method: http.MethodGet,
		Path: paymentPath(paymentID, "refunds", strconv.FormatInt(refundID, 10))}, opts)
}

// List returns every refund of a payment (GET /v1/payments/{id}/refunds).
func (s *RefundsService) List(ctx context.Context, paymentID int64, opts ...paykit.RequestOption) ([]Refund, error) {
	if paymentID <= 0 {
		return nil, invalid("payment_id", "must be a positive payment id")
	}
	var out []Refund
	if _, err := s.c.t.Do(ctx, (&transport.Request{Op: transport.Op{Name: "mercadopago.Refunds.List", Route: "/v1/payments/{id}/refunds"}, Method: http.MethodGet, Path: paymentPath(paymentID, "refunds")}).Apply(opts), &out); err != nil {
		return nil, err
	}
	return out, nil
}
