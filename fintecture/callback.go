package fintecture

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/webhook"
)

// Callback is what the payer's browser brings back to your redirect URI:
// redirect_uri?session_id=…&status=…&provider=…&customer_id=…&state=…
// Anyone can type such a URL, so none of it is proof of payment: pass it to
// PISService.ConfirmReturn.
type Callback struct {
	SessionID string
	// ReportedStatus is the status in the query string. It is only a hint
	// for what to display while you verify; never act on it.
	ReportedStatus PaymentStatus
	Provider       string
	CustomerID     string
	State          string
}

// Callback errors, matched with errors.Is.
var (
	// ErrCallbackMalformed: a required parameter is missing or unusable.
	ErrCallbackMalformed = errors.New("fintecture: callback is malformed")
	// ErrStateMismatch: the callback's state is not the one you expected
	// (another order's redirect, or a forged one).
	ErrStateMismatch = errors.New("fintecture: callback state does not match the expected state")
	// ErrSessionMismatch: Fintecture's payment is not the session the
	// callback named.
	ErrSessionMismatch = errors.New("fintecture: payment session does not match the callback")
)

// ParseCallback reads the redirect's query parameters. session_id and state
// are required; the others are kept when present.
func ParseCallback(q url.Values) (*Callback, error) {
	cb := &Callback{
		SessionID:      q.Get("session_id"),
		ReportedStatus: PaymentStatus(q.Get("status")),
		Provider:       q.Get("provider"),
		CustomerID:     q.Get("customer_id"),
		State:          q.Get("state"),
	}
	if cb.SessionID == "" {
		return nil, fmt.Errorf("%w: session_id is missing", ErrCallbackMalformed)
	}
	if err := checkSessionID(cb.SessionID); err != nil {
		return nil, fmt.Errorf("%w: session_id is too long", ErrCallbackMalformed)
	}
	if cb.State == "" {
		return nil, fmt.Errorf("%w: state is missing", ErrCallbackMalformed)
	}
	if len(cb.State) > MaxStateLen {
		return nil, fmt.Errorf("%w: state is longer than %d characters", ErrCallbackMalformed, MaxStateLen)
	}
	return cb, nil
}

// ConfirmReturn confirms a redirect: the callback's state must equal
// expectedState (the one you stored with the order), then the payment is
// fetched from Fintecture and returned only if it is the session the
// callback named. The query's status is ignored: read the returned
// Payment's Status (StatusCreated means paid).
func (s *PISService) ConfirmReturn(ctx context.Context, cb *Callback, expectedState string, opts ...paykit.RequestOption) (*Payment, error) {
	if cb == nil {
		return nil, fmt.Errorf("%w: nil callback", ErrCallbackMalformed)
	}
	if expectedState == "" {
		return nil, invalid("expectedState", "must not be empty")
	}
	if !webhook.EqualString(cb.State, expectedState) {
		return nil, ErrStateMismatch
	}
	p, err := s.GetPayment(ctx, cb.SessionID, opts...)
	if err != nil {
		return nil, err
	}
	if p.SessionID != cb.SessionID {
		return nil, ErrSessionMismatch
	}
	return p, nil
}
