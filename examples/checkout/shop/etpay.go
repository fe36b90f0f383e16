package shop

import (
	"context"
	"errors"
	"net/http"

	"github.com/paykit-go/paykit/etpay"
)

// etPay creates an ETpay session, keeps its signature token with the order
// and sends the payer to the funnel.
func (s *Shop) etPay(ctx context.Context, w http.ResponseWriter, r *http.Request, o *Order, m Method) {
	back := s.base + "/orders/" + o.ID + "/return/etpay"
	sess, err := s.c.ETpay.Sessions.Create(ctx, &etpay.SessionRequest{
		OrderID:         o.ID,
		Amount:          o.Total,
		CompletedURL:    back,
		CancellationURL: back + "?cancelled=1",
		WebhookURL:      s.base + "/webhooks/etpay",
	})
	if err != nil {
		s.fail(w, http.StatusBadGateway, o, "ETpay did not open a session: "+err.Error())
		return
	}
	s.withOrder(o.ID, func(o *Order) {
		o.Method, o.ETpaySession, o.keys.etSignature, o.attempt = m.Key, sess.Token, sess.SignatureToken, "etpay-"+sess.Token
		o.event("backend", "ETpay session created; sending the payer to the funnel")
		if o.Status != StatusPaid {
			o.Status, o.Detail = StatusPending, "waiting for the bank transfer"
		}
	})
	http.Redirect(w, r, sess.RedirectURL, http.StatusSeeOther)
}

// etpaySignatureToken finds the signature token kept with the order of a
// session (the notification verifier's lookup).
func (s *Shop) etpaySignatureToken(_ context.Context, session string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range s.orders {
		if o.ETpaySession != "" && o.ETpaySession == session {
			return o.keys.etSignature, nil
		}
	}
	return "", etpay.ErrUnknownSession
}

// etReturn is the funnel's redirect. Its JWT is checked, but it is only
// for the page: the order moves on the status lookup that follows.
func (s *Shop) etReturn(ctx context.Context, r *http.Request, o *Order) (string, error) {
	notice := "returned"
	if r.URL.Query().Get("cancelled") != "" {
		notice = "cancelled"
	}
	if _, err := s.etVerifier.VerifyRedirect(r); err != nil {
		return notice, err
	}
	return notice, s.etLookup(ctx, o.ID)
}

// etLookup asks ETpay about every attempt of the order's session.
func (s *Shop) etLookup(ctx context.Context, id string) error {
	o, ok := s.Order(id)
	if !ok || o.ETpaySession == "" {
		return errors.New("no ETpay session for this order yet")
	}
	pays, err := s.c.ETpay.Payments.Status(ctx, &etpay.StatusQuery{SessionToken: o.ETpaySession})
	if err != nil {
		return err
	}
	s.etSettle(id, o.ETpaySession, pays, FromLookup)
	return nil
}

func (s *Shop) etSettle(id, session string, pays []etpay.Payment, src Source) {
	s.withOrder(id, func(o *Order) {
		attempt := "etpay-" + session
		if len(pays) == 0 {
			s.settle(o, src, outPending, attempt, "etpay-session", "no payment yet")
			return
		}
		for _, p := range pays {
			if p.PaymentStatus.IsSuccess() && p.OrderID == o.ID && p.Amount == o.Total {
				s.settle(o, src, outPaid, attempt, "etpay-"+p.PaymentToken, string(p.PaymentStatus))
				return
			}
		}
		last := pays[len(pays)-1]
		s.settle(o, src, outFailed, attempt, "etpay-"+last.PaymentToken, string(last.PaymentStatus))
	})
}

// etNotification handles a notification whose JWT the verifier accepted
// with the session's signature token; the payment is then confirmed with
// the status call.
func (s *Shop) etNotification(ctx context.Context, n *etpay.Notification) error {
	id, ok := s.findOrder(func(o *Order) bool { return o.ETpaySession == n.SessionToken })
	if !ok {
		return nil
	}
	pays, err := s.c.ETpay.Payments.Status(ctx, &etpay.StatusQuery{PaymentToken: n.PaymentToken})
	if err != nil {
		return err // answered 500: ETpay tries again
	}
	s.etSettle(id, n.SessionToken, pays, FromNotification)
	return nil
}
