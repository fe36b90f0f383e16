package shop

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/paykit-go/paykit/finrota"
)

// finrotaPayPage makes a widget token (the access token stays in the
// backend) and renders the page that opens the FinrotaPay widget with it.
func (s *Shop) finrotaPayPage(w http.ResponseWriter, r *http.Request, v view) {
	wt, err := s.c.Finrota.Widget.CreateToken(r.Context())
	if err != nil {
		s.fail(w, http.StatusBadGateway, v.Order, "Finrota is not available: "+err.Error())
		return
	}
	v.FinrotaScript, v.WidgetToken, v.Use3D = s.sims.Finrota().ScriptURL(), string(wt.Token), v.Method.Key == "finrota-3ds"
	s.render(w, http.StatusOK, "pay-finrota", v)
}

// finrotaPay pays with the prepare token the widget's onSuccess gave the
// page. Finrota has no idempotency key: the POST is never repeated, and
// each attempt has its own client reference to look it up by.
func (s *Shop) finrotaPay(ctx context.Context, w http.ResponseWriter, r *http.Request, o *Order, m Method) {
	pt := r.PostForm.Get("prepareToken")
	if pt == "" {
		s.fail(w, http.StatusBadRequest, o, "No prepared card arrived from the card form.")
		return
	}
	var ref string
	s.withOrder(o.ID, func(o *Order) {
		o.Method = m.Key
		o.finrotaAttempts++
		ref = o.ID + "-" + strconv.Itoa(o.finrotaAttempts)
		o.FinrotaRef = ref
		o.attempt = "finrota-" + ref
	})
	res, err := s.c.Finrota.Widget.Pay(ctx, &finrota.PaymentRequest{
		PrepareToken:        finrota.PrepareToken(pt),
		Amount:              o.Amount(),
		ReturnURL:           s.base + "/orders/" + o.ID + "/return/finrota",
		ClientReferenceCode: ref,
		CustomerIP:          clientIP(r),
	})
	var declined *finrota.DeclineError
	switch {
	case errors.As(err, &declined):
		s.note(o.ID, "backend", "Finrota declined the card (%s); confirming", declined.Reason)
	case err != nil:
		s.note(o.ID, "backend", "Finrota payment failed: %v; looking it up", err)
	case res.NeedsRedirect():
		s.withOrder(o.ID, func(o *Order) {
			o.event("backend", "Finrota wants 3-D Secure for %s; sending the payer to the bank", ref)
			if o.Status != StatusPaid {
				o.Status, o.Detail = StatusPending, "waiting for 3-D Secure"
			}
		})
		http.Redirect(w, r, res.RedirectURL, http.StatusSeeOther)
		return
	default:
		s.note(o.ID, "backend", "Finrota answered %s for %s; confirming", res.Type, ref)
	}
	if err := s.finrotaLookup(ctx, o.ID); err != nil {
		s.log.Warn("finrota lookup", "order", o.ID, "err", err)
	}
	http.Redirect(w, r, "/orders/"+o.ID, http.StatusSeeOther)
}

// finrotaReturn is the bank's redirect after 3-D Secure: ConfirmReturn
// ignores what the query claims and asks Finrota by our reference.
func (s *Shop) finrotaReturn(ctx context.Context, r *http.Request, o *Order) error {
	if o.FinrotaRef == "" {
		return errors.New("no Finrota payment for this order")
	}
	tx, err := s.c.Finrota.Transactions.ConfirmReturn(ctx, r, o.FinrotaRef)
	if err != nil {
		return err
	}
	s.finrotaSettle(o.ID, tx)
	return nil
}

// finrotaLookup asks Finrota about the order's last attempt.
func (s *Shop) finrotaLookup(ctx context.Context, id string) error {
	o, ok := s.Order(id)
	if !ok || o.FinrotaRef == "" {
		return errors.New("no Finrota payment for this order yet")
	}
	tx, err := s.c.Finrota.Transactions.Get(ctx, finrota.ByClientReference(o.FinrotaRef))
	if err != nil {
		return err
	}
	s.finrotaSettle(id, tx)
	return nil
}

func (s *Shop) finrotaSettle(id string, tx *finrota.Transaction) {
	out, detail := outPending, tx.Status.String()
	switch {
	case tx.Paid():
		out = outPaid
	case tx.Status == finrota.StatusFailed || tx.Status == finrota.StatusCancelled:
		out = outFailed
		if tx.ErrorMessage != "" {
			detail = fmt.Sprintf("%s: %s", detail, tx.ErrorMessage)
		}
	case tx.Status == finrota.StatusPending:
		detail = "pending: 3-D Secure not completed"
	}
	s.withOrder(id, func(o *Order) {
		s.settle(o, FromLookup, out, "finrota-"+tx.ClientReferenceNumber, "finrota-"+tx.ClientReferenceNumber, detail)
	})
}
