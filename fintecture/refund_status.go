package fintecture

import (
	"context"
	"net/http"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/transport"
	"github.com/paykit-go/paykit/money"
)

// RefundStatus is where a refund stands. A Fintecture refund is a payment
// session of its own (Refund.SessionID), looked up like any payment; its
// status reads as a payment's: StatusCreated means the refund transfer was
// initiated, StatusPending / StatusWaiting that it is on its way.
type RefundStatus struct {
	// SessionID identifies the refund; RefundedSessionID the payment it
	// refunds, when Fintecture says so.
	SessionID, RefundedSessionID string
	// Status is the refund session's status.
	Status PaymentStatus
	// TransferState is where the refund's money is.
	TransferState TransferState
	// Type names the session kind Fintecture reports (e.g. "Refund").
	Type string
	// Amount and Currency are what is refunded.
	Amount   money.Decimal
	Currency string
	// Communication is the refund transfer's remittance text.
	Communication string
	// Meta says how the call went.
	paykit.Meta `json:"-"`
	// Unparsed lists the JSON paths of fields that could not be read.
	Unparsed []string `json:"-"`
}

// Done reports whether the refund transfer was initiated
// (payment_created).
func (r *RefundStatus) Done() bool { return r.Status == StatusCreated }

// wireRefundStatus is GET /pis/v2/payments/{refund session id}. [unsure]
// Whether the refund session carries refunded_session_id in meta (as the
// refund answer and the refund webhook do) is not in a public reference;
// it is read when present.
type wireRefundStatus struct {
	Meta struct {
		SessionID         string `json:"session_id"`
		RefundedSessionID string `json:"refunded_session_id"`
		Status            string `json:"status"`
		Type              string `json:"type"`
	} `json:"meta"`
	Data struct {
		ID         string `json:"id"`
		Attributes struct {
			Amount        money.Decimal `json:"amount"`
			Currency      string        `json:"currency"`
			Communication string        `json:"communication"`
			TransferState string        `json:"transfer_state"`
		} `json:"attributes"`
	} `json:"data"`
	Unparsed []string `json:"-"`
}

// GetRefund looks a refund up by the session id Refund returned (or a
// refund webhook's SessionID): GET /pis/v2/payments/{session_id}. It only
// reads, so it is retried on 5xx and broken connections; use it to decide
// whether a Refund that failed with a NetworkError went through before
// asking again.
func (s *PISService) GetRefund(ctx context.Context, refundSessionID string, opts ...paykit.RequestOption) (*RefundStatus, error) {
	if err := checkSessionID(refundSessionID); err != nil {
		return nil, err
	}
	req := (&transport.Request{Op: transport.Op{Name: "fintecture.PIS.GetRefund", Route: "/pis/v2/payments/{session_id}"}, Method: http.MethodGet, Path: transport.Path("pis", "v2", "payments", refundSessionID)}).Apply(opts)
	return transport.CallWire(ctx, s.c.api, req, nil, func(w *wireRefundStatus, _ *transport.Response) (*RefundStatus, error) {
		return w.status(refundSessionID), nil
	})
}

// status is the refund the answer describes; id is the session id asked
// for, used when the answer names none.
func (w *wireRefundStatus) status(id string) *RefundStatus {
	a := &w.Data.Attributes
	return &RefundStatus{
		SessionID:         firstOf(w.Meta.SessionID, w.Data.ID, id),
		RefundedSessionID: w.Meta.RefundedSessionID,
		Status:            PaymentStatus(w.Meta.Status),
		TransferState:     TransferState(a.TransferState),
		Type:              w.Meta.Type,
		Amount:            a.Amount,
		Currency:          a.Currency,
		Communication:     a.Communication,
		Unparsed:          w.Unparsed,
	}
}

// IsRefund reports whether the webhook is about a refund: it names the
// refunded payment in refunded_session_id, and SessionID is then the
// refund's own session (the field Fintecture's own plugins test).
func (e *Notification) IsRefund() bool { return e.RefundedSessionID != "" }

// RefundDone reports whether a refund webhook says the refund transfer was
// initiated (status payment_created). It is false for payment webhooks.
// Like every webhook, confirm with GetRefund before acting on it.
func (e *Notification) RefundDone() bool { return e.IsRefund() && e.Status == StatusCreated }
