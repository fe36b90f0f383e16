package fintecture

import (
	"context"
	"net/http"
	"net/url"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/transport"
	"github.com/paykit-go/paykit/money"
)

// RefundRequest refunds a paid session, fully or partly
// (POST /pis/v2/refund, https://docs.fintecture.com/, "/refund").
type RefundRequest struct {
	// SessionID is the paid session to refund.
	SessionID string
	// Amount is the part to refund; the zero value refunds the whole
	// payment. Above 0 with at most two decimals otherwise.
	Amount money.Decimal
	// Communication is the remittance text of the refund transfer.
	Communication string
	// State optionally comes back in the refund's webhook (sent as the
	// state query parameter, as the official PHP and Python SDKs do), so
	// you can tie the webhook to your credit note. At most 512 characters.
	State string
}

// Refund is a created refund.
type Refund struct {
	// SessionID identifies the refund (a session of its own), when
	// Fintecture returns one.
	SessionID string
	// RefundedSessionID is the session that was refunded.
	RefundedSessionID string
	// Status is the refund's status as Fintecture reports it.
	Status PaymentStatus
	// Amount is the refunded amount when Fintecture states it, otherwise
	// the amount that was asked for (zero for a full refund).
	Amount money.Decimal
	// Meta says how the call went.
	paykit.Meta `json:"-"`
}

type wireRefundBody struct {
	Meta struct {
		SessionID string `json:"session_id"`
	} `json:"meta"`
	Data struct {
		Attributes struct {
			Amount        *Amount `json:"amount,omitempty"`
			Communication string  `json:"communication,omitempty"`
		} `json:"attributes"`
	} `json:"data"`
}

type wireRefundResponse struct {
	Meta struct {
		SessionID         flexString `json:"session_id"`
		RefundedSessionID flexString `json:"refunded_session_id"`
		Status            flexString `json:"status"`
	} `json:"meta"`
	Data struct {
		ID         flexString `json:"id"`
		Attributes struct {
			Amount Amount `json:"amount"`
		} `json:"attributes"`
	} `json:"data"`
}

// Refund asks Fintecture to send money back to the payer of a paid session.
//
// Fintecture has no idempotency key: a Refund that fails after it may have
// reached Fintecture is never repeated by the client. Check the session
// before asking again, or you may refund twice.
func (s *PISService) Refund(ctx context.Context, r *RefundRequest, opts ...paykit.RequestOption) (*Refund, error) {
	if r == nil {
		return nil, invalid("request", "must not be nil")
	}
	if err := checkSessionID(r.SessionID); err != nil {
		return nil, invalid("meta.session_id", err.(*paykit.ValidationError).Rule)
	}
	var body wireRefundBody
	body.Meta.SessionID = r.SessionID
	body.Data.Attributes.Communication = r.Communication
	if !r.Amount.IsZero() {
		if err := checkAmount("data.attributes.amount", r.Amount); err != nil {
			return nil, err
		}
		a := wireAmount(r.Amount)
		body.Data.Attributes.Amount = &a
	}
	if len(r.State) > MaxStateLen {
		return nil, invalid("state", "must be at most 512 characters")
	}
	req := &transport.Request{Op: transport.Op{Name: "fintecture.PIS.Refund", Route: "/pis/v2/refund"}, Method: http.MethodPost, Path: "/pis/v2/refund", JSON: &body, AllowEmpty: true}
	if r.State != "" {
		req.Query = url.Values{"state": {r.State}}
	}
	req.Apply(opts)
	return transport.CallWire(ctx, s.c.api, req, nil, func(out *wireRefundResponse, _ *transport.Response) (*Refund, error) {
		return out.refund(r), nil
	})
}

// refund is the refund the answer describes, completed from the request r
// where the answer is silent.
func (out *wireRefundResponse) refund(r *RefundRequest) *Refund {
	ref := &Refund{
		SessionID:         string(out.Meta.SessionID),
		RefundedSessionID: string(out.Meta.RefundedSessionID),
		Status:            PaymentStatus(out.Meta.Status),
		Amount:            money.Decimal(out.Data.Attributes.Amount),
	}
	if ref.SessionID == "" {
		ref.SessionID = string(out.Data.ID)
	}
	if ref.RefundedSessionID == "" {
		ref.RefundedSessionID = r.SessionID
	}
	if ref.Amount.IsZero() && !r.Amount.IsZero() {
		ref.Amount = wireAmount(r.Amount).Decimal()
	}
	return ref
}
