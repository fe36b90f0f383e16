package etpay

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/paykit-go/paykit"
)

// WithRedirectParams sets the query (or form) parameters VerifyRedirect
// reads the JWT from, tried in order; the default is "payment", "token",
// "jwt". Names that are empty or hold characters a parameter name cannot
// are ignored; with none left the default stays.
//
// [unsure] ETpay's public documents do not name the redirect's parameter:
// they call the success and error redirects a visual confirmation and let
// the merchant choose the concatenation character (the session's concat
// field). Use the name your funnel really appends.
func WithRedirectParams(names ...string) WebhookOption {
	var keep []string
	for _, n := range names {
		if n != "" && len(n) <= 64 && !strings.ContainsAny(n, "&=?# \r\n") {
			keep = append(keep, n)
		}
	}
	return func(c *verifyConfig) {
		if len(keep) > 0 {
			c.redirectParams = keep
		}
	}
}

// ErrRedirectOrderMismatch is returned by ConfirmReturn when the signed
// redirect is about another order than the one you expected.
var ErrRedirectOrderMismatch = errors.New("etpay: the redirect is for another order")

// RedirectConfirmation is what ConfirmReturn learned about a payer coming
// back from the funnel.
type RedirectConfirmation struct {
	// Signed reports whether the redirect carried a JWT that verified with
	// the session's signature token; Outcome is what it said (nil when the
	// redirect carried none).
	Signed  bool
	Outcome *RedirectOutcome
	// Payment is ETpay's record from check_payment_status, the status to
	// act on; nil when ETpay has no payment for the order yet (the payer
	// left the funnel before paying).
	Payment *Payment
}

// Paid reports whether ETpay's record says the payment succeeded.
func (c *RedirectConfirmation) Paid() bool {
	return c != nil && c.Payment != nil && c.Payment.PaymentStatus.IsSuccess()
}

// ConfirmReturn handles the payer's return to your completed or
// cancellation URL: when the redirect carries a JWT it is verified with v
// (a tampered one is an error, and nothing is looked up) and must be for
// orderID, the order you put in that URL or keep in the payer's session;
// then ETpay is asked (check_payment_status) for the payment, by the JWT's
// payment token when there is one, else by orderID. Nothing on the redirect
// itself is trusted for fulfilment: use Payment, or wait for the
// notification.
func (s *PaymentsService) ConfirmReturn(ctx context.Context, v *WebhookVerifier, r *http.Request, orderID string, opts ...paykit.RequestOption) (*RedirectConfirmation, error) {
	if v == nil {
		return nil, invalid("verifier", "must not be nil")
	}
	if r == nil {
		return nil, invalid("request", "must not be nil")
	}
	if err := validateOrderID(orderID); err != nil {
		return nil, err
	}
	out := &RedirectConfirmation{}
	q := &StatusQuery{OrderID: orderID}
	o, err := v.VerifyRedirect(r)
	switch {
	case errors.Is(err, ErrNoNotification):
		// An unsigned, visual-only redirect: ask ETpay about the order.
	case err != nil:
		return nil, err
	default:
		if o.OrderID != "" && o.OrderID != orderID {
			return nil, ErrRedirectOrderMismatch
		}
		out.Signed, out.Outcome = true, o
		if o.PaymentToken != "" {
			q = &StatusQuery{PaymentToken: o.PaymentToken}
		}
	}
	pays, err := s.Status(ctx, q, opts...)
	if err != nil {
		return nil, err
	}
	out.Payment = pick(pays, out.Outcome)
	if out.Payment != nil && out.Payment.OrderID != "" && out.Payment.OrderID != orderID {
		return nil, ErrRedirectOrderMismatch
	}
	return out, nil
}

// pick returns the record the redirect is about: the one with the JWT's
// payment token, else a successful one, else the last (the latest attempt).
func pick(pays []Payment, o *RedirectOutcome) *Payment {
	if len(pays) == 0 {
		return nil
	}
	if o != nil && o.PaymentToken != "" {
		for i := range pays {
			if pays[i].PaymentToken == o.PaymentToken {
				return &pays[i]
			}
		}
	}
	for i := range pays {
		if pays[i].PaymentStatus.IsSuccess() {
			return &pays[i]
		}
	}
	return &pays[len(pays)-1]
}
