package shop

import (
	"context"
	"errors"
	"net/http"

	"github.com/paykit-go/paykit/fintecture"
	"github.com/paykit-go/paykit/internal/sim"
)

// ftPay creates a payment session and sends the payer to its Connect
// page. The state, random per session, is kept with the order and must
// come back on the callback.
func (s *Shop) ftPay(ctx context.Context, w http.ResponseWriter, r *http.Request, o *Order, m Method) {
	state := "st-" + sim.RandomHex(12)
	sess, err := s.c.Fintecture.PIS.Connect(ctx, &fintecture.ConnectRequest{
		Amount:        o.Amount(),
		Currency:      m.Currency,
		Communication: o.ID,
		RedirectURI:   s.base + "/orders/" + o.ID + "/return/fintecture",
		State:         state,
		PSU:           &fintecture.PSU{Name: "Julien Lefebre", Email: "julien.lefebre@example.com"},
	})
	if err != nil {
		s.fail(w, http.StatusBadGateway, o, "Fintecture did not open a payment: "+err.Error())
		return
	}
	s.withOrder(o.ID, func(o *Order) {
		o.Method, o.FintectureSession, o.keys.ftState, o.attempt = m.Key, sess.SessionID, state, "fintecture-"+sess.SessionID
		o.event("backend", "Fintecture session %s created; sending the payer to Connect", sess.SessionID)
		if o.Status != StatusPaid {
			o.Status, o.Detail = StatusPending, "waiting for the bank transfer"
		}
	})
	http.Redirect(w, r, sess.URL, http.StatusSeeOther)
}

// ftReturn is the payer's callback: the state must match the one stored
// with the order, and ConfirmReturn fetches the payment.
func (s *Shop) ftReturn(ctx context.Context, r *http.Request, o *Order) error {
	cb, err := fintecture.ParseCallback(r.URL.Query())
	if err != nil {
		return err
	}
	if cb.SessionID != o.FintectureSession {
		return errors.New("the callback names another payment session")
	}
	var state string
	s.withOrder(o.ID, func(o *Order) { state = o.keys.ftState })
	p, err := s.c.Fintecture.PIS.ConfirmReturn(ctx, cb, state)
	if err != nil {
		return err
	}
	s.ftSettle(o.ID, p, FromLookup)
	return nil
}

// ftLookup asks Fintecture about the order's session.
func (s *Shop) ftLookup(ctx context.Context, id string) error {
	o, ok := s.Order(id)
	if !ok || o.FintectureSession == "" {
		return errors.New("no Fintecture session for this order yet")
	}
	p, err := s.c.Fintecture.PIS.GetPayment(ctx, o.FintectureSession)
	if err != nil {
		return err
	}
	s.ftSettle(id, p, FromLookup)
	return nil
}

func (s *Shop) ftSettle(id string, p *fintecture.Payment, src Source) {
	out := outPending
	switch {
	case p.Status.Paid():
		out = outPaid
	case p.Status.Final():
		out = outFailed
	}
	s.withOrder(id, func(o *Order) {
		s.settle(o, src, out, "fintecture-"+p.SessionID, "fintecture-"+p.SessionID, string(p.Status))
	})
}

// ftNotification handles a webhook the verifier accepted (its signature
// decrypted with the app's key): the session is then fetched, and only
// that answer moves the order.
func (s *Shop) ftNotification(ctx context.Context, ev *fintecture.Notification) error {
	if ev.SessionID == "" {
		return nil
	}
	id, ok := s.findOrder(func(o *Order) bool { return o.FintectureSession == ev.SessionID })
	if !ok {
		s.log.Warn("fintecture webhook for an unknown session")
		return nil
	}
	p, err := s.c.Fintecture.PIS.GetPayment(ctx, ev.SessionID)
	if err != nil {
		return err // answered 500: Fintecture tries again
	}
	s.ftSettle(id, p, FromNotification)
	return nil
}
