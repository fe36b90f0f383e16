// Package finrotaflow is the Finrota widget flow told step by step: the
// backend creates a widget token, the (simulated) widget prepares the card,
// the backend pays with and without 3-D Secure, confirms each outcome with
// Finrota, sees a decline, and refunds. It runs offline on finrotatest by
// default, or against a real gateway.
package finrotaflow

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/paykit-go/paykit/examples/internal/transcript"
	"github.com/paykit-go/paykit/finrota"
	"github.com/paykit-go/paykit/finrota/finrotatest"
	"github.com/paykit-go/paykit/money"
)

// Environment variables read in live mode.
const (
	EnvAPIKey       = "FINROTA_API_KEY"
	EnvSecretKey    = "FINROTA_SECRET_KEY"
	EnvBaseURL      = "FINROTA_BASE_URL"      // optional; default finrota.DefaultBaseURL
	EnvPrepareToken = "FINROTA_PREPARE_TOKEN" // optional; a prepare token from a real widget
	EnvAmount       = "FINROTA_AMOUNT"        // amount the widget was initialised with (default 2750)
	EnvReturnURL    = "FINROTA_RETURN_URL"    // default https://shop.example/finrota/return
)

// Live reports whether the live credentials are set.
func Live() bool { return os.Getenv(EnvAPIKey) != "" && os.Getenv(EnvSecretKey) != "" }

// Run tells the flow. With live false it starts the simulator; with live
// true it talks to the gateway named by the environment.
func Run(ctx context.Context, t *transcript.T, live bool) error {
	if live {
		return runLive(ctx, t)
	}
	srv := finrotatest.NewServer()
	defer srv.Close()
	c, err := srv.Client(finrota.WithUserAgent("paykit-tour/1"))
	if err != nil {
		return err
	}
	t.Section("Finrota · widget payment with 3-D Secure (simulator)")
	tx, err := payWith3DS(ctx, t, srv, c)
	if err != nil {
		return err
	}
	t.Section("Finrota · widget payment without 3-D Secure, then a refund")
	if err := payDirectAndRefund(ctx, t, srv, c); err != nil {
		return err
	}
	t.Section("Finrota · a declined card and a mixed-up token")
	if err := declineAndMixUp(ctx, t, srv, c); err != nil {
		return err
	}
	t.Section("Finrota · cancel the 3-D Secure payment the same day")
	t.Sent("POST /pws/payment/cancel {referenceCode: %s, reason}", tx.ReferenceNumber)
	res, err := c.Transactions.Cancel(ctx, &finrota.CancelRequest{ReferenceCode: tx.ReferenceNumber, Reason: "order cancelled by the buyer"})
	if err != nil {
		t.Fail("cancel: %v", err)
		return nil
	}
	t.Got("isSuccess true, transactionStatusId %d, lastAmount %s", int(res.Status), res.LastAmount)
	after, err := c.Transactions.Get(ctx, finrota.ByReferenceNumber(tx.ReferenceNumber))
	if err != nil {
		t.Fail("transaction details: %v", err)
		return nil
	}
	t.Check(after.Status == finrota.StatusCancelled, "Finrota reports the payment %s", after.Status)
	t.Check(srv.AccessTokensIssued() == 1, "one access token served every call (%d issued)", srv.AccessTokensIssued())
	return nil
}

// widgetSteps runs steps 2 to 7: a widget token for the page, the widget
// preparing the card, onSuccess handing back a prepare token.
func widgetSteps(ctx context.Context, t *transcript.T, srv *finrotatest.Server, c *finrota.Client, card string, amount money.Decimal, use3D bool, installment finrota.InstallmentToken) (finrota.PrepareToken, error) {
	t.Sent("GET /b2c/widget/token (Authorization: Bearer <access token, kept inside the client>)")
	wt, err := c.Widget.CreateToken(ctx)
	if err != nil {
		t.Fail("widget token: %v", err)
		return "", err
	}
	t.Got("widget token %s, valid until %s", short(string(wt.Token)), wt.ExpiresAt.Format("15:04:05"))
	t.Detail("HTTP %d, request id %q; the access token came from one cached POST /auth/api/token/connect", wt.Meta.StatusCode, wt.Meta.RequestID)
	t.Next("render FinrotaPay.init({token: %q, amount: %s, currency: \"TRY\", mode: \"modal\"})", short(string(wt.Token)), amount)
	t.Actor("buyer types card %s…%s, picks %s; widget calls /b2c/widget/preparePayment (use3D %t)",
		card[:6], card[len(card)-4:], installmentLabel(installment), use3D)
	pt, err := srv.PreparePayment(ctx, wt.Token, finrotatest.Prepare{Card: finrotatest.TestCard(card), Installment: installment,
		Use3D: use3D, Amount: amount, Currency: "TRY"})
	if err != nil {
		t.Fail("widget prepare: %v", err)
		return "", err
	}
	t.Actor("widget onSuccess(prepareToken %s): payment prepared, nothing charged yet", short(string(pt)))
	t.Next("the page POSTs the prepareToken to the backend; the backend pays")
	return pt, nil
}

func installmentLabel(tok finrota.InstallmentToken) string {
	if tok == "" {
		return "a single payment"
	}
	return "an installment plan"
}

func payWith3DS(ctx context.Context, t *transcript.T, srv *finrotatest.Server, c *finrota.Client) (*finrota.Transaction, error) {
	amount := money.MustParse("2750")
	t.Sent("GET /b2c/paymentOptions?binNumber=%s&amount=%s&currency=TRY (Proxy-Authorization: Bearer <access token>)", finrotatest.CardApproved[:8], amount)
	opts, err := c.PaymentOptions(ctx, finrotatest.CardApproved[:8], amount, "TRY")
	if err != nil {
		t.Fail("payment options: %v", err)
		return nil, err
	}
	var plan finrota.Installment
	for _, p := range opts {
		for _, in := range p.Installments {
			t.Got("%s (%s): %d × %s = %s", p.CardProgram, p.BankName, in.Count, in.InstallmentAmount, in.TotalAmount)
			if in.Count == 3 {
				plan = in
			}
		}
	}
	if !t.Check(plan.Token != "", "a 3-installment plan is offered") {
		return nil, errors.New("no 3-installment plan")
	}
	pt, err := widgetSteps(ctx, t, srv, c, finrotatest.CardApproved, amount, true, plan.Token)
	if err != nil {
		return nil, err
	}
	const ref = "ORDER-3DS-1001"
	req := &finrota.PaymentRequest{PrepareToken: pt, Amount: amount, ReturnURL: "https://shop.example/finrota/return?order=" + ref,
		ClientReferenceCode: ref, CustomerIP: "203.0.113.7"}
	t.Sent("POST /b2c/widget/payment {amount: %s, prepareToken, returnUrl, clientReferenceCode: %s, customerIpAddress}", amount, ref)
	res, err := c.Widget.Pay(ctx, req)
	if err != nil {
		t.Fail("pay: %v", err)
		return nil, err
	}
	t.Got("paymentType %s, redirectTo %s", res.Type, res.RedirectURL)
	t.Detail("HTTP %d after %d attempt; Finrota has no idempotency key, so this POST is never repeated once sent", res.Meta.StatusCode, res.Meta.Attempts)
	if !t.Check(res.NeedsRedirect() && !res.Paid(), "3-D Secure: the buyer must be redirected; nothing is paid yet") {
		return nil, errors.New("expected a 3-D Secure redirect")
	}
	t.Next("redirect the buyer's browser to redirectTo")
	t.Actor("buyer enters the bank's one-time code; the bank sends them back to returnUrl")
	back, err := srv.Complete3DS(ctx, res.RedirectURL, finrotatest.OTP)
	if err != nil {
		t.Fail("3-D Secure: %v", err)
		return nil, err
	}
	t.Got("GET %s", back.URL.String())
	t.Next("do not trust the return: look the payment up by our own order reference")
	t.Sent("GET /pws/payment/transaction?clientReferenceNumber=%s", ref)
	tx, err := c.Transactions.ConfirmReturn(ctx, back, ref)
	if err != nil {
		t.Fail("confirm: %v", err)
		return nil, err
	}
	t.Got("transaction %s (reference %s): %s, %s %s in %d installments", tx.TransactionID, tx.ReferenceNumber, tx.Status, tx.Amount, tx.Currency, tx.Installment)
	t.Check(tx.Paid() && tx.Amount.Equal(amount) && tx.Installment == 3, "Finrota confirms the 3-D Secure payment of %s TRY in 3 installments", amount)
	t.Next("fulfil order %s", ref)
	return tx, nil
}

func payDirectAndRefund(ctx context.Context, t *transcript.T, srv *finrotatest.Server, c *finrota.Client) error {
	amount := money.MustParse("6650")
	pt, err := widgetSteps(ctx, t, srv, c, finrotatest.CardApproved2, amount, false, "")
	if err != nil {
		return err
	}
	const ref = "ORDER-DS-1002"
	t.Sent("POST /b2c/widget/payment {amount: %s, prepareToken, clientReferenceCode: %s, …}", amount, ref)
	res, err := c.Widget.Pay(ctx, &finrota.PaymentRequest{PrepareToken: pt, Amount: amount,
		ReturnURL: "https://shop.example/finrota/return?order=" + ref, ClientReferenceCode: ref, CustomerIP: "2001:db8::42"})
	if err != nil {
		t.Fail("pay: %v", err)
		return err
	}
	t.Got("paymentType %s, success true, orderId %s", res.Type, res.OrderID)
	t.Check(res.Paid(), "direct sale: completed without 3-D Secure")
	t.Sent("GET /pws/payment/transaction?transactionId=%s", res.OrderID)
	tx, err := c.Transactions.Get(ctx, finrota.ByTransactionID(res.OrderID))
	if err != nil {
		t.Fail("transaction details: %v", err)
		return err
	}
	t.Got("%s, reference %s", tx.Status, tx.ReferenceNumber)
	t.Check(tx.Paid(), "Finrota confirms the direct sale")

	part := money.MustParse("1650")
	t.Sent("POST /pws/payment/refund {referenceCode: %s, refundAmount: %s, reason}", tx.ReferenceNumber, part)
	r, err := c.Transactions.Refund(ctx, &finrota.RefundRequest{ReferenceCode: tx.ReferenceNumber, Amount: part, Reason: "one item returned"})
	if err != nil {
		t.Fail("refund: %v", err)
		return err
	}
	t.Got("isSuccess true, lastAmount %s", r.LastAmount)
	t.Check(r.LastAmount.Equal(money.MustParse("5000")), "partial refund leaves 5000 TRY")
	t.Sent("POST /pws/payment/refund {referenceCode: %s, reason} (no amount: the rest)", tx.ReferenceNumber)
	r, err = c.Transactions.Refund(ctx, &finrota.RefundRequest{ReferenceCode: tx.ReferenceNumber, Reason: "order returned"})
	if err != nil {
		t.Fail("refund: %v", err)
		return err
	}
	t.Got("isSuccess true, lastAmount %s", r.LastAmount)
	tx, err = c.Transactions.Get(ctx, finrota.ByClientReference(ref))
	if err != nil {
		t.Fail("transaction details: %v", err)
		return err
	}
	t.Check(tx.Status == finrota.StatusRefunded && tx.RefundedAmount.Equal(amount), "Finrota reports %s, %s TRY refunded", tx.Status, tx.RefundedAmount)
	return reconcile(ctx, t, c, ref)
}

func declineAndMixUp(ctx context.Context, t *transcript.T, srv *finrotatest.Server, c *finrota.Client) error {
	amount := money.MustParse("120")
	pt, err := widgetSteps(ctx, t, srv, c, finrotatest.CardDeclined, amount, false, "")
	if err != nil {
		return err
	}
	const ref = "ORDER-DECL-1003"
	t.Sent("POST /b2c/widget/payment {amount: %s, clientReferenceCode: %s, …}", amount, ref)
	_, err = c.Widget.Pay(ctx, &finrota.PaymentRequest{PrepareToken: pt, Amount: amount,
		ReturnURL: "https://shop.example/finrota/return", ClientReferenceCode: ref, CustomerIP: "198.51.100.9"})
	var d *finrota.DeclineError
	if !errors.As(err, &d) {
		t.Fail("expected a decline, got %v", err)
		return nil
	}
	t.Got("success false, error %q (code %s)", d.Reason, d.Code)
	t.Check(errors.Is(err, finrota.ErrDeclined) && d.Reason == "Insufficient funds", "the card is declined with Finrota's reason, as an error (not a nil, not a panic)")
	t.Next("show the buyer the reason; offer another card with a new widget token")

	wt, err := c.Widget.CreateToken(ctx)
	if err != nil {
		t.Fail("widget token: %v", err)
		return nil
	}
	t.Actor("a developer passes the widget token where the prepare token belongs;")
	t.Actor("finrota.PaymentRequest{PrepareToken: wt.Token} does not compile, so they force it with a conversion")
	_, err = c.Widget.Pay(ctx, &finrota.PaymentRequest{PrepareToken: finrota.PrepareToken(wt.Token), Amount: amount,
		ReturnURL: "https://shop.example/finrota/return", ClientReferenceCode: "ORDER-MIX-1004", CustomerIP: "198.51.100.9"})
	var ae *finrota.Error
	if !errors.As(err, &ae) {
		t.Fail("expected Finrota to refuse, got %v", err)
		return nil
	}
	t.Got("%d %s (code %s)", ae.StatusCode, ae.Message, ae.Code)
	t.Check(ae.StatusCode == 400 && ae.Code == "PRP_INVALID", "Finrota refuses a widget token in place of a prepare token")
	return nil
}

func runLive(ctx context.Context, t *transcript.T) error {
	if !Live() {
		return fmt.Errorf("live mode needs %s and %s", EnvAPIKey, EnvSecretKey)
	}
	opts := []finrota.Option{finrota.WithUserAgent("paykit-example/1")}
	if u := os.Getenv(EnvBaseURL); u != "" {
		opts = append(opts, finrota.WithBaseURL(u))
	}
	c, err := finrota.NewClient(finrota.Credentials{APIKey: os.Getenv(EnvAPIKey), SecretKey: os.Getenv(EnvSecretKey)}, opts...)
	if err != nil {
		return err
	}
	t.Section("Finrota · widget payment (live: " + c.BaseURL() + ")")
	t.Sent("POST /auth/api/token/connect, then GET /b2c/widget/token")
	wt, err := c.Widget.CreateToken(ctx)
	if err != nil {
		t.Fail("widget token: %v", err)
		return err
	}
	t.Got("widget token %s, valid until %s", short(string(wt.Token)), wt.ExpiresAt.Format("15:04:05"))
	t.Check(wt.Token != "", "the gateway issued a widget token")
	prep := os.Getenv(EnvPrepareToken)
	if prep == "" {
		t.Next("open a page with FinrotaPay.init({token: <the widget token>, amount: 2750, currency: \"TRY\"}),")
		t.Next("pay with a test card, then rerun with %s=<prepareToken from onSuccess>", EnvPrepareToken)
		return nil
	}
	amount := money.MustParse("2750")
	if a := os.Getenv(EnvAmount); a != "" {
		if amount, err = money.Parse(a); err != nil {
			return err
		}
	}
	returnURL := os.Getenv(EnvReturnURL)
	if returnURL == "" {
		returnURL = "https://shop.example/finrota/return"
	}
	ref := "PAYKIT-" + wt.ExpiresAt.Format("20060102150405")
	t.Sent("POST /b2c/widget/payment {amount: %s, clientReferenceCode: %s, …}", amount, ref)
	res, err := c.Widget.Pay(ctx, &finrota.PaymentRequest{PrepareToken: finrota.PrepareToken(prep), Amount: amount,
		ReturnURL: returnURL, ClientReferenceCode: ref, CustomerIP: "203.0.113.7"})
	if err != nil {
		t.Fail("pay: %v", err)
		return nil
	}
	if res.NeedsRedirect() {
		t.Got("3-D Secure: redirect the buyer to %s", res.RedirectURL)
		t.Next("after the bank returns them, confirm with Transactions.ConfirmReturn(…, %q)", ref)
		return nil
	}
	t.Got("paymentType %s, orderId %s", res.Type, res.OrderID)
	tx, err := c.Transactions.Get(ctx, finrota.ByClientReference(ref))
	if err != nil {
		t.Fail("transaction details: %v", err)
		return nil
	}
	t.Check(tx.Paid(), "Finrota reports the payment %s", tx.Status)
	return nil
}

// short shows the start of a token, enough to follow it through the story.
func short(s string) string {
	if len(s) <= 12 {
		return s
	}
	return s[:12] + "…"
}
