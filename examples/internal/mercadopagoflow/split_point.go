package mercadopagoflow

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/examples/internal/transcript"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
	"github.com/paykit-go/paykit/money"
)

// RunSplitPayment: two sellers connect to the marketplace, a buyer pays
// one cart split between them (each part with the marketplace's fee), the
// release of one part is moved, one part is refunded in part and the rest
// in full; a disbursement to a seller who never connected and a fee above
// its part are refused. Offline only: connecting needs sellers at a browser.
func RunSplitPayment(ctx context.Context, t *transcript.T, live bool) error {
	return run(ctx, t, live, splitPayment)
}

// RunPoint: a point of sale lists its Point terminals, switches one to PDV
// mode, queues a payment intent on it, the payer taps a card on the
// terminal's screen, and the signed point_integration_wh notification and
// the intent say FINISHED with the payment's id. Offline only.
func RunPoint(ctx context.Context, t *transcript.T, live bool) error {
	return run(ctx, t, live, point)
}

// connectSeller runs the OAuth dance for one seller on the simulator and
// returns their user id (the collector_id of their disbursements).
func (e *env) connectSeller(ctx context.Context, sellerID int64) (int64, error) {
	app := &mercadopago.OAuthApp{ClientID: mercadopagotest.DefaultClientID, ClientSecret: mercadopagotest.DefaultClientSecret,
		RedirectURI: "https://market.example/mercadopago/callback", AuthorizationURL: e.srv.AuthURL()}
	start, err := e.c.OAuth.Start(app)
	if err != nil {
		return 0, err
	}
	back, err := e.srv.Authorize(start.URL, sellerID)
	if err != nil {
		return 0, err
	}
	u, err := url.Parse(back)
	if err != nil {
		return 0, err
	}
	code, err := mercadopago.ParseOAuthCallback(u, start.State)
	if err != nil {
		return 0, err
	}
	tok, err := e.c.OAuth.Exchange(ctx, app, code, start.PKCE.Verifier)
	if err != nil {
		return 0, err
	}
	return tok.UserID, nil
}

func splitPayment(ctx context.Context, e *env) error {
	t := e.t
	t.Section("Mercado Pago · a split payment released to two sellers and refunded")
	if e.live {
		t.Next("connecting sellers needs people at the authorization page: this flow runs on the simulator only")
		return nil
	}
	shoes, err := e.connectSeller(ctx, mercadopagotest.DefaultSellerID)
	if err != nil {
		return fail(t, "connect seller", err)
	}
	socks, err := e.connectSeller(ctx, e.srv.AddSeller("SOCKSHOP", "socks@testuser.com").ID)
	if err != nil {
		return fail(t, "connect seller", err)
	}
	t.Actor("two sellers authorised the marketplace through OAuth: users %d and %d", shoes, socks)

	ct, err := e.newCardToken(ctx, cardApproved)
	if err != nil {
		return fail(t, "card token", err)
	}
	cart := orderID("cart")
	req := &mercadopago.AdvancedPaymentRequest{ExternalReference: cart, Description: "Shoes and socks",
		Payer: &mercadopago.AdvancedPaymentPayer{Email: "test_user_123@testuser.com"},
		Payments: []mercadopago.AdvancedPaymentCharge{{PaymentMethodID: "master", PaymentTypeID: "credit_card", Token: ct,
			TransactionAmount: money.MustParse("25990.00"), Installments: mercadopago.Ptr(1), ProcessingMode: "aggregator"}},
		Disbursements: []mercadopago.DisbursementRequest{
			{CollectorID: shoes, Amount: money.MustParse("19990.00"), ApplicationFee: mercadopago.Ptr(money.MustParse("1999.00")), ExternalReference: cart + "-shoes"},
			{CollectorID: socks, Amount: money.MustParse("6000.00"), ApplicationFee: mercadopago.Ptr(money.MustParse("600.00")), ExternalReference: cart + "-socks",
				MoneyReleaseDays: mercadopago.Ptr(7)},
		}}

	// Refused before sending: a fee above its disbursement.
	bad := *req
	bad.Disbursements = append([]mercadopago.DisbursementRequest(nil), req.Disbursements...)
	bad.Disbursements[1].ApplicationFee = mercadopago.Ptr(money.MustParse("6000.01"))
	_, err = e.c.AdvancedPayments.Create(ctx, &bad)
	var ve *paykit.ValidationError
	t.Check(errors.As(err, &ve) && ve.Field == "disbursements[1].application_fee", "a fee above its disbursement is refused before sending (%v)", err)
	// Refused by the API: a seller who never connected.
	stranger := e.srv.AddSeller("STRANGER", "stranger@testuser.com")
	bad.Disbursements[1] = mercadopago.DisbursementRequest{CollectorID: stranger.ID, Amount: money.MustParse("6000.00")}
	ct2, err := e.newCardToken(ctx, cardApproved)
	if err != nil {
		return fail(t, "card token", err)
	}
	bad.Payments = []mercadopago.AdvancedPaymentCharge{req.Payments[0]}
	bad.Payments[0].Token = ct2
	_, err = e.c.AdvancedPayments.Create(ctx, &bad)
	var apiErr *mercadopago.Error
	t.Check(errors.As(err, &apiErr) && apiErr.HasCause(mercadopago.CauseCollectorNotFound), "a seller who never connected cannot be paid (cause %s)", mercadopago.CauseCollectorNotFound)

	t.Sent("POST /v1/advanced_payments 25990.00 paid once: 19990.00 to seller %d (fee 1999.00), 6000.00 to seller %d (fee 600.00), X-Idempotency-Key %s", shoes, socks, cart)
	ap, err := e.c.AdvancedPayments.Create(ctx, req, mercadopago.WithIdempotencyKey(cart))
	if err != nil {
		return fail(t, "advanced payment", err)
	}
	for _, d := range ap.Disbursements {
		t.Got("disbursement %d to %d: %s, fee %s, released %s", d.ID, d.CollectorID, d.Amount, d.ApplicationFee, d.MoneyReleaseDate.Format(time.DateOnly))
	}
	t.Check(ap.Status == mercadopago.AdvancedApproved && len(ap.Disbursements) == 2 &&
		ap.Disbursements[0].ApplicationFee.Equal(money.MustParse("1999.00")) && ap.Disbursements[1].ApplicationFee.Equal(money.MustParse("600.00")),
		"approved, each seller's part with its exact fee")

	when := e.srv.Clock.Now().Add(3 * 24 * time.Hour)
	t.Sent("POST /v1/advanced_payments/%d/disbursements/%d/disburses money_release_date %s", ap.ID, ap.Disbursements[0].ID, when.Format(time.DateOnly))
	ap, err = e.c.AdvancedPayments.UpdateDisbursementReleaseDate(ctx, ap.ID, ap.Disbursements[0].ID, when)
	if err != nil {
		return fail(t, "release date", err)
	}
	t.Check(ap.Disbursements[0].MoneyReleaseDate.Equal(when.Truncate(time.Millisecond)), "the shoe seller's money is released on %s", when.Format(time.DateOnly))

	t.Sent("POST /v1/advanced_payments/%d/disbursements/%d/refunds amount 1000.00", ap.ID, ap.Disbursements[1].ID)
	part, err := e.c.AdvancedPayments.RefundDisbursement(ctx, ap.ID, ap.Disbursements[1].ID, mercadopago.Ptr(money.MustParse("1000.00")))
	if err != nil {
		return fail(t, "disbursement refund", err)
	}
	ap, _ = e.c.AdvancedPayments.Get(ctx, ap.ID)
	t.Check(part.Amount.Equal(money.MustParse("1000.00")) && ap.Status == mercadopago.AdvancedPartiallyRefunded, "socks refunded 1000.00: partially_refunded")
	t.Sent("POST /v1/advanced_payments/%d/refunds (what is left, every part)", ap.ID)
	rest, err := e.c.AdvancedPayments.Refund(ctx, ap.ID)
	if err != nil {
		return fail(t, "refund", err)
	}
	for _, r := range rest.Refunds {
		t.Got("refund %d of disbursement %d: %s", r.ID, r.DisbursementID, r.Amount)
	}
	ap, _ = e.c.AdvancedPayments.Get(ctx, ap.ID)
	t.Check(ap.Status == mercadopago.AdvancedRefunded && len(rest.Refunds) == 2, "refunded: 19990.00 and 5000.00 back")
	t.Next("reconcile with AdvancedPayments.Search by external_reference %s or by seller", cart)
	return nil
}

func point(ctx context.Context, e *env) error {
	t := e.t
	t.Section("Mercado Pago · a Point payment taken on the simulated terminal")
	if e.live {
		t.Next("a Point payment needs a person at a terminal: this flow runs on the simulator only")
		return nil
	}
	devs, err := e.c.Point.ListDevices(ctx, nil)
	if err != nil {
		return fail(t, "devices", err)
	}
	for _, d := range devs.Devices {
		t.Got("device %s in %s mode", d.ID, d.OperatingMode)
	}
	dev := mercadopagotest.DeviceStandalone
	_, err = e.c.Point.CreatePaymentIntent(ctx, dev, &mercadopago.PaymentIntentRequest{Amount: money.MustParse("4990")})
	var apiErr *mercadopago.Error
	t.Check(errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusBadRequest, "a device in STANDALONE mode takes no intent (HTTP %d)", statusOf(apiErr))
	t.Sent("PATCH /point/integration-api/devices/%s operating_mode PDV", dev)
	if _, err := e.c.Point.ChangeOperatingMode(ctx, dev, mercadopago.ModePDV); err != nil {
		return fail(t, "operating mode", err)
	}
	sale := orderID("sale")
	t.Sent("POST /point/integration-api/devices/%s/payment-intents amount 4990.50 (sent as 499050 cents), X-Idempotency-Key %s", dev, sale)
	in, err := e.c.Point.CreatePaymentIntent(ctx, dev, &mercadopago.PaymentIntentRequest{Amount: money.MustParse("4990.50"),
		AdditionalInfo: &mercadopago.PaymentIntentAdditionalInfo{ExternalReference: sale, PrintOnTerminal: mercadopago.Ptr(true)}},
		mercadopago.WithIdempotencyKey(sale))
	if err != nil {
		return fail(t, "payment intent", err)
	}
	t.Got("intent %s queued on %s: %s", in.ID, in.DeviceID, in.Amount.Decimal())

	// The payer at the terminal: its screen is a page of the simulator.
	t.Actor("the payer taps a card on the terminal (%s)", e.srv.TerminalURL(dev))
	resp, err := http.PostForm(e.srv.TerminalURL(dev), url.Values{"action": {mercadopagotest.TerminalTap}, "holder": {mercadopagotest.HolderApproved}})
	if err != nil {
		return fail(t, "terminal", err)
	}
	page, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	resp.Body.Close()
	t.Check(strings.Contains(string(page), `data-state="FINISHED"`), "the terminal shows the payment finished")

	n, err := e.awaitIntentNotification(ctx, in.ID)
	if err != nil {
		return fail(t, "notification", err)
	}
	t.Got("%s notification for intent %s (signature checked)", n.Type, n.DataID)
	in, err = e.c.Point.GetPaymentIntent(ctx, in.ID)
	if err != nil {
		return fail(t, "intent", err)
	}
	p, err := e.c.Payments.Get(ctx, in.Payment.ID)
	if err != nil {
		return fail(t, "payment", err)
	}
	t.Got("intent %s, %s", in.State, describe(p))
	t.Check(in.State == mercadopago.IntentFinished && p.Status == mercadopago.StatusApproved && p.TransactionAmount.Equal(money.MustParse("4990.50")),
		"FINISHED, and the payment of 4990.50 is approved")
	today := e.srv.Clock.Now()
	evs, err := e.c.Point.ListPaymentIntentEvents(ctx, &mercadopago.PaymentIntentEventsQuery{StartDate: today, EndDate: today})
	if err != nil {
		return fail(t, "events", err)
	}
	var states []string
	for _, ev := range evs.Events {
		if ev.PaymentIntentID == in.ID {
			states = append(states, string(ev.Status))
		}
	}
	t.Got("events: %s", strings.Join(states, " → "))
	t.Check(len(states) == 5, "OPEN, ON_TERMINAL, PROCESSING, PROCESSED, FINISHED")
	t.Next("hand the receipt over; refund from the payment (Refunds.Create %d) if the sale is returned", p.ID)
	return nil
}

func statusOf(e *mercadopago.Error) int {
	if e == nil {
		return 0
	}
	return e.StatusCode
}

// awaitIntentNotification waits for the verified point_integration_wh
// notification of an intent.
func (e *env) awaitIntentNotification(ctx context.Context, intentID string) (*mercadopago.Notification, error) {
	deadline := time.Now().Add(notificationWait)
	for {
		e.mu.Lock()
		for _, n := range e.notifs {
			if id, ok := n.PaymentIntentID(); ok && id == intentID {
				e.mu.Unlock()
				return n, nil
			}
		}
		e.mu.Unlock()
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("no point notification for intent %s", intentID)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
}
