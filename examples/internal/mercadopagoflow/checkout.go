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

	"github.com/paykit-go/paykit/examples/internal/transcript"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
	"github.com/paykit-go/paykit/money"
)

// RunCard3DS: the card checkout's building blocks (installments for the
// card's BIN) and a card payment with 3-D Secure whose issuer asks for a
// challenge: passed (approved) and failed (rejected), each confirmed by
// reading the payment after the challenge.
func RunCard3DS(ctx context.Context, t *transcript.T, live bool) error {
	return run(ctx, t, live, card3DS)
}

// RunCheckoutPro: a Checkout Pro preference, the payer on the checkout page,
// the return to the back URL confirmed by reading the payment, a forged
// return refused, the merchant order and its notification, and a rejected card.
func RunCheckoutPro(ctx context.Context, t *transcript.T, live bool) error {
	return run(ctx, t, live, checkoutPro)
}

// browser is the payer's browser: it shows a redirect instead of following
// it, so the flow can read where Checkout Pro sends the payer.
var browser = &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// submit posts a form as the payer's browser and returns the status and the
// redirect target, if any.
func submit(ctx context.Context, target string, form url.Values) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader(form.Encode()))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := browser.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, resp.Header.Get("Location"), nil
}

func card3DS(ctx context.Context, e *env) error {
	t := e.t
	t.Section("Mercado Pago · card with 3-D Secure")
	amount := money.MustParse("15990")
	t.Sent("GET /v1/payment_methods/installments?amount=%s&bin=548392 (the card field's first digits)", amount)
	plans, err := e.c.PaymentMethods.Installments(ctx, &mercadopago.InstallmentsQuery{Amount: amount, BIN: "548392"})
	if err != nil {
		return fail(t, "installments", err)
	}
	if !t.Check(len(plans) > 0 && len(plans[0].PayerCosts) > 0, "the card's method has installment plans") {
		return errors.New("no installment plans")
	}
	chosen := plans[0].PayerCosts[0]
	for _, pc := range plans[0].PayerCosts {
		t.Got("%s: %d × %s = %s", plans[0].PaymentMethodID, pc.Installments, pc.InstallmentAmount, pc.TotalAmount)
		for _, l := range pc.Labels {
			if l == "recommended_installment" {
				chosen = pc
			}
		}
	}
	t.Actor("payer picks %d installments (%s)", chosen.Installments, chosen.RecommendedMessage)

	for _, c := range []struct {
		card testCard
		want mercadopago.PaymentStatus
	}{
		{testCard{Number: mercadopagotest.Card3DSChallenge, CVV: "123", Holder: mercadopagotest.HolderApproved}, mercadopago.StatusApproved},
		{testCard{Number: mercadopagotest.Card3DSChallengeFail, CVV: "123", Holder: mercadopagotest.HolderApproved}, mercadopago.StatusRejected},
	} {
		tok, err := e.newCardToken(ctx, c.card)
		if err != nil {
			return fail(t, "card token", err)
		}
		order := orderID("order")
		req := &mercadopago.PaymentRequest{
			TransactionAmount: amount, Token: tok, Installments: mercadopago.Ptr(chosen.Installments),
			Description: "Wool blanket", ExternalReference: order, StatementDescriptor: "PAYKITTOUR",
			Payer: &mercadopago.PaymentPayer{Email: "test_user_123@testuser.com",
				Identification: &mercadopago.Identification{Type: "RUT", Number: "11111111-1"}},
			AdditionalInfo: &mercadopago.AdditionalInfo{Items: []mercadopago.AdditionalItem{
				{ID: "SKU-1", Title: "Wool blanket", Quantity: 1, UnitPrice: amount}}},
			ThreeDSecureMode: mercadopago.ThreeDSOptional,
		}
		t.Sent("POST /v1/payments %s CLP, %d installments, three_d_secure_mode: optional, X-Idempotency-Key %s", amount, chosen.Installments, order)
		p, err := e.c.Payments.Create(ctx, req, mercadopago.WithIdempotencyKey(order))
		if err != nil {
			return fail(t, "create payment", err)
		}
		t.Got("%s", describe(p))
		ch, ok := p.Challenge()
		if !t.Check(ok, "the issuer asks for a challenge (pending / pending_challenge with three_ds_info)") {
			return errors.New("no challenge")
		}
		t.Detail("challenge URL %s, creq %d bytes", ch.URL, len(ch.CReq))
		t.Next("serve ch.HTMLForm(frame) to the payer's page: it posts creq to the issuer in an iframe")
		if e.live {
			t.Next("after the payer finishes, read payment %d: its status is the outcome", p.ID)
			continue
		}
		t.Actor("the payer's browser posts creq to %s and the payer types the code", ch.URL)
		if code, _, err := submit(ctx, ch.URL, url.Values{"creq": {ch.CReq}}); err != nil || code != http.StatusOK {
			return fail(t, "challenge page", fmt.Errorf("HTTP %d: %v", code, err))
		}
		if code, _, err := submit(ctx, e.baseURL+mercadopagotest.ChallengeCompletePath,
			url.Values{"creq": {ch.CReq}, "action": {mercadopagotest.ChallengeAuthenticate}}); err != nil || code != http.StatusOK {
			return fail(t, "challenge", fmt.Errorf("HTTP %d: %v", code, err))
		}
		t.Got("the page reports the challenge finished (a hint only)")
		n, err := e.awaitNotification(ctx, p.ID, "payment.updated")
		if err != nil {
			return fail(t, "notification", err)
		}
		t.Got("webhook %s for data.id %s, signature verified", n.Action, n.DataID)
		t.Sent("GET /v1/payments/%d", p.ID)
		p, err = e.c.Payments.Get(ctx, p.ID)
		if err != nil {
			return fail(t, "get payment", err)
		}
		t.Got("%s", describe(p))
		switch c.want {
		case mercadopago.StatusApproved:
			t.Check(p.Status == mercadopago.StatusApproved && p.Installments == chosen.Installments, "challenge passed: the payment is approved in %d installments", chosen.Installments)
			t.Detail("fees: %d, net received %s", len(p.FeeDetails), p.TransactionDetails.NetReceivedAmount)
			t.Next("ship order %s", order)
		default:
			t.Check(p.Status == mercadopago.StatusRejected && p.StatusDetail == mercadopago.DetailRejected3DSChallenge, "challenge failed: rejected (cc_rejected_3ds_challenge)")
			t.Next("ask the payer for another card; nothing was charged")
		}
	}
	return nil
}

func checkoutPro(ctx context.Context, e *env) error {
	t := e.t
	t.Section("Mercado Pago · Checkout Pro")
	order := orderID("order")
	req := &mercadopago.PreferenceRequest{
		Items: []mercadopago.PreferenceItem{{ID: "SKU-1", Title: "Wool blanket", Quantity: 2, CurrencyID: "CLP", UnitPrice: money.MustParse("7995")}},
		BackURLs: &mercadopago.BackURLs{Success: "https://shop.example/checkout/success",
			Pending: "https://shop.example/checkout/pending", Failure: "https://shop.example/checkout/failure"},
		AutoReturn:        mercadopago.AutoReturnApproved,
		ExternalReference: order,
		PaymentMethods:    &mercadopago.PreferencePaymentMethods{ExcludedPaymentTypes: []mercadopago.IDRef{{ID: "ticket"}}, Installments: mercadopago.Ptr(6)},
		Expires:           mercadopago.Ptr(true),
		ExpirationDateTo:  mercadopago.Ptr(time.Now().Add(time.Hour)),
	}
	t.Sent("POST /checkout/preferences {2 × Wool blanket at 7995 CLP, back_urls, auto_return: approved, external_reference: %s}", order)
	pref, err := e.c.Preferences.Create(ctx, req, mercadopago.WithIdempotencyKey(order))
	if err != nil {
		return fail(t, "create preference", err)
	}
	t.Got("preference %s", pref.ID)
	t.Detail("init_point %s", pref.InitPoint)
	t.Check(pref.InitPoint != "" && pref.ExternalReference == order, "the preference has a checkout URL and carries the order id")
	t.Next("redirect the payer to init_point (sandbox_init_point with test credentials)")
	if e.live {
		t.Next("pay in the browser with a test card, then hand the back URL's query to ParseCheckoutReturn")
		return nil
	}

	resp, err := browser.Get(pref.InitPoint)
	if err != nil {
		return fail(t, "checkout page", err)
	}
	resp.Body.Close()
	t.Check(resp.StatusCode == http.StatusOK, "the checkout page opens")
	t.Actor("payer pays with the Mastercard held by APRO")
	code, back, err := submit(ctx, e.baseURL+mercadopagotest.CheckoutPayPath, url.Values{"pref_id": {pref.ID}, "card": {mercadopagotest.CheckoutCardApproved}})
	if err != nil || code != http.StatusSeeOther {
		return fail(t, "pay", fmt.Errorf("HTTP %d: %v", code, err))
	}
	u, err := url.Parse(back)
	if err != nil {
		return fail(t, "back URL", err)
	}
	t.Got("the browser comes back to %s%s?payment_id=%s&status=%s&merchant_order_id=%s…", u.Host, u.Path,
		u.Query().Get("payment_id"), u.Query().Get("status"), u.Query().Get("merchant_order_id"))
	ret, err := mercadopago.ParseCheckoutReturn(u.Query())
	if err != nil {
		return fail(t, "parse return", err)
	}
	t.Sent("GET /v1/payments/%d (the query is a hint: read the payment)", ret.PaymentID)
	p, err := e.c.Payments.ConfirmReturn(ctx, ret, order)
	if err != nil {
		return fail(t, "verify return", err)
	}
	t.Got("%s", describe(p))
	t.Check(p.Status == mercadopago.StatusApproved && p.TransactionAmount.Equal(money.FromInt(15990)) && p.ExternalReference == order,
		"the payment read back is approved for 15990 and belongs to %s", order)

	forged := u.Query()
	forged.Set("external_reference", "order-someone-else")
	fret, err := mercadopago.ParseCheckoutReturn(forged)
	if err != nil {
		return fail(t, "parse forged return", err)
	}
	_, err = e.c.Payments.ConfirmReturn(ctx, fret, order)
	t.Check(errors.Is(err, mercadopago.ErrCheckoutReturnMismatch), "a return naming another order is refused")

	n, err := e.awaitNotification(ctx, ret.MerchantOrderID, "update")
	if err != nil {
		return fail(t, "merchant order notification", err)
	}
	moID, ok := n.MerchantOrderID()
	t.Got("webhook %s for merchant order %d, signature verified", n.Type, moID)
	t.Sent("GET /merchant_orders/%d", moID)
	mo, err := e.c.MerchantOrders.Get(ctx, moID)
	if err != nil {
		return fail(t, "merchant order", err)
	}
	t.Got("merchant order %d: %s / %s, paid %s of %s, %d payment(s)", mo.ID, mo.Status, mo.OrderStatus, mo.PaidAmount, mo.TotalAmount, len(mo.Payments))
	t.Check(ok && mo.Status == "closed" && mo.OrderStatus == "paid" && len(mo.Payments) == 1 && mo.Payments[0].ID == p.ID,
		"the merchant order is closed and paid by payment %d", p.ID)
	t.Next("ship order %s", order)

	t.Actor("another payer on the same checkout pays with the Visa held by OTHE")
	code, back, err = submit(ctx, e.baseURL+mercadopagotest.CheckoutPayPath, url.Values{"pref_id": {pref.ID}, "card": {mercadopagotest.CheckoutCardRejected}})
	if err != nil || code != http.StatusSeeOther {
		return fail(t, "pay", fmt.Errorf("HTTP %d: %v", code, err))
	}
	u, _ = url.Parse(back)
	ret, err = mercadopago.ParseCheckoutReturn(u.Query())
	if err != nil {
		return fail(t, "parse return", err)
	}
	p, err = e.c.Payments.ConfirmReturn(ctx, ret, order)
	if err != nil {
		return fail(t, "verify return", err)
	}
	t.Got("back to %s: %s", u.Path, describe(p))
	t.Check(u.Path == "/checkout/failure" && p.Status == mercadopago.StatusRejected, "a rejected card returns to the failure URL, and the payment says rejected")
	t.Next("show the order again; the payer may retry")
	return nil
}
