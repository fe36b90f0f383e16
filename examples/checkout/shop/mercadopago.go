package shop

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/sim"
	"github.com/paykit-go/paykit/mercadopago"
)

func (s *Shop) mpPayPage(w http.ResponseWriter, r *http.Request, v view) {
	mp := s.sims.MercadoPago()
	v.MPScript, v.MPPublicKey = mp.ScriptURL(), mp.PublicKey
	v.ExpiryYear = time.Now().Year() + 3
	switch v.Method.Key {
	case "mp-saved-card":
		cards, err := s.c.MercadoPago.Cards.List(r.Context(), s.customerID)
		if err != nil {
			s.fail(w, http.StatusBadGateway, v.Order, "Could not load your saved cards: "+err.Error())
			return
		}
		for _, c := range cards {
			v.Cards = append(v.Cards, cardView{ID: c.ID, Label: fmt.Sprintf("%s ending in %s, expires %02d/%d", c.PaymentMethod.ID, c.LastFourDigits, c.ExpirationMonth, c.ExpirationYear)})
		}
		v.CustomerEmail = DemoCustomerEmail
		s.render(w, http.StatusOK, "pay-mp-saved-card", v)
	case "mp-fintoc":
		v.StartURL = "/orders/" + v.Order.ID + "/pay/mp-fintoc"
		v.ReturnURL = "/orders/" + v.Order.ID + "/return/mp-fintoc"
		s.render(w, http.StatusOK, "pay-mp-fintoc", v)
	default:
		s.render(w, http.StatusOK, "pay-mp-card", v)
	}
}

// mpPayCard pays with the card token MercadoPago.js made in the browser.
// The idempotency key is derived from the order and the token, so a form
// posted twice cannot charge twice.
func (s *Shop) mpPayCard(ctx context.Context, w http.ResponseWriter, r *http.Request, o *Order, m Method) {
	token := r.PostForm.Get("token")
	if token == "" {
		s.fail(w, http.StatusBadRequest, o, "No card token arrived: the card form needs JavaScript.")
		return
	}
	req := &mercadopago.PaymentRequest{
		TransactionAmount: o.Amount(),
		Token:             token,
		Installments:      mercadopago.Ptr(1),
		Description:       "paykit demo shop order " + o.ID,
		ExternalReference: o.ID,
		NotificationURL:   s.base + "/webhooks/mercadopago",
	}
	if m.Key == "mp-saved-card" {
		req.Payer = &mercadopago.PaymentPayer{Type: mercadopago.PayerCustomer, ID: s.customerID}
	} else {
		req.Payer = &mercadopago.PaymentPayer{Email: r.PostForm.Get("email")}
	}
	sum := sha256.Sum256([]byte(token))
	key := "shop-" + o.ID + "-" + hex.EncodeToString(sum[:8])
	s.withOrder(o.ID, func(o *Order) { o.Method, o.attempt = m.Key, mpCreating })
	p, err := s.c.MercadoPago.Payments.Create(ctx, req, mercadopago.WithIdempotencyKey(key))
	if err != nil {
		var ve *paykit.ValidationError
		if errors.As(err, &ve) {
			s.fail(w, http.StatusBadRequest, o, "Please check the form: "+ve.Error())
			return
		}
		s.fail(w, http.StatusBadGateway, o, "Mercado Pago did not take the payment: "+err.Error())
		return
	}
	s.withOrder(o.ID, func(o *Order) {
		o.MPPayments = append(o.MPPayments, p.ID)
		o.attempt = "mp-" + strconv.FormatInt(p.ID, 10)
		o.event("backend", "Mercado Pago payment %d created (%s); confirming it", p.ID, p.Status)
	})
	if err := s.mpSettle(ctx, s.c.MercadoPago, p.ID, FromLookup); err != nil {
		s.log.Warn("mercadopago lookup", "order", o.ID, "err", err)
	}
	http.Redirect(w, r, "/orders/"+o.ID, http.StatusSeeOther)
}

// mpStartFintoc creates the Fintoc payment (or reuses the order's pending
// one while its widget token lives) and answers the widget token as JSON.
func (s *Shop) mpStartFintoc(ctx context.Context, w http.ResponseWriter, o *Order, m Method) {
	var token string
	s.withOrder(o.ID, func(o *Order) {
		o.Method = m.Key
		if o.keys.fintocToken != "" && o.Status != StatusFailed && time.Now().Add(30*time.Second).Before(o.fintocExpires) {
			token = o.keys.fintocToken
		}
	})
	if token == "" {
		s.withOrder(o.ID, func(o *Order) { o.attempt = mpCreating })
		fp, err := s.c.MercadoPago.Payments.CreateFintoc(ctx, &mercadopago.FintocRequest{
			TransactionAmount: o.Amount(),
			Description:       "paykit demo shop order " + o.ID,
			CallbackURL:       s.base + "/orders/" + o.ID + "/return/mp-fintoc",
			PayerEmail:        "buyer@example.com",
			ExternalReference: o.ID,
			NotificationURL:   s.base + "/webhooks/mercadopago",
		}, mercadopago.WithIdempotencyKey("shop-"+o.ID+"-fintoc-"+sim.RandomHex(4)))
		if err != nil {
			sim.WriteJSON(w, http.StatusBadGateway, map[string]string{"error": err.Error()})
			return
		}
		token = fp.WidgetToken
		s.withOrder(o.ID, func(o *Order) {
			o.FintocPayment, o.keys.fintocToken, o.fintocExpires = fp.Payment.ID, fp.WidgetToken, fp.WidgetTokenExpiresAt
			o.attempt = "mp-" + strconv.FormatInt(fp.Payment.ID, 10)
			o.event("backend", "Mercado Pago Fintoc payment %d created (%s); widget token valid until %s",
				fp.Payment.ID, fp.Payment.Status, fp.WidgetTokenExpiresAt.Local().Format("15:04:05"))
			if o.Status != StatusPaid {
				o.Status, o.Detail = StatusPending, "waiting for the bank transfer"
			}
		})
	}
	sim.WriteJSON(w, http.StatusOK, map[string]string{"widgetToken": token})
}

// mpLookup asks Mercado Pago about the order's last payment, with the
// client of the account it belongs to.
func (s *Shop) mpLookup(ctx context.Context, id string) error {
	o, ok := s.Order(id)
	if !ok {
		return nil
	}
	pid := o.FintocPayment
	if o.Method != "mp-fintoc" && len(o.MPPayments) > 0 {
		pid = o.MPPayments[len(o.MPPayments)-1]
	}
	if pid == 0 {
		return errors.New("no Mercado Pago payment for this order yet")
	}
	return s.mpSettle(ctx, s.mpClientOf(o.mpLocal[pid]), pid, FromLookup)
}

// mpSettle gets the payment with c and settles the order named by its
// external_reference. Where the payment stands is what the SDK read: its
// status, and for a pending one whether NextAction reads it as expired.
func (s *Shop) mpSettle(ctx context.Context, c *mercadopago.Client, paymentID int64, src Source) error {
	p, err := c.Payments.Get(ctx, paymentID)
	if err != nil {
		return err
	}
	state := localState(p, s.mpNow())
	ref := "mp-" + strconv.FormatInt(p.ID, 10)
	if !s.withOrder(p.ExternalReference, func(o *Order) { s.settle(o, src, outcomeOf(state), ref, ref, detailOf(p, state)) }) {
		s.log.Warn("mercadopago payment for an unknown order", "payment", p.ID, "reference", p.ExternalReference)
	}
	return nil
}

// mpNotification handles a notification the verifier accepted: the
// notification says only which payment changed; the payment is fetched.
func (s *Shop) mpNotification(ctx context.Context, n *mercadopago.Notification) error {
	id, ok := n.PaymentID()
	if !ok || n.Type != "payment" {
		return nil // another topic: acknowledged, nothing to do
	}
	return s.mpSettle(ctx, s.c.MercadoPago, id, FromNotification)
}
