// Command mercadopago-fintoc shows a Fintoc bank transfer through package
// mercadopago: create the payment, open Fintoc's widget with its token,
// receive the signed notification when the payer has paid, and read the
// payment to learn the outcome. In the sandbox the amount's last two
// digits choose it: 01 approved, 03 rejected.
//
// Offline, against paykit's in-process Mercado Pago simulator (no account
// needed):
//
//	go run ./examples/mercadopago-fintoc
//
// Against Mercado Pago, with a test user's access token (TEST-…):
//
//	MERCADOPAGO_ACCESS_TOKEN=TEST-… go run ./examples/mercadopago-fintoc
//
// Against Mercado Pago the program creates the payment and prints what the
// widget needs: the payer finishes in a browser (sandbox bank account
// 813990168, code 000000), and the notification needs a public URL.
// Offline, the simulator plays the payer in the widget (SIMULATOR ONLY).
package main

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"strconv"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
	"github.com/paykit-go/paykit/money"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "mercadopago-fintoc:", explain(err))
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	const webhookSecret = "your-webhook-secret" // Your integrations → Webhooks → secret signature
	// Your notification endpoint: the verifier checks x-signature, then
	// hands you the notification (it only says "look at payment N").
	verifier, err := mercadopago.NewWebhookVerifier(webhookSecret)
	if err != nil {
		return err
	}
	notes := make(chan *mercadopago.Notification, 8)
	hook := httptest.NewServer(verifier.Handler(func(_ context.Context, n *mercadopago.Notification) error {
		notes <- n
		return nil
	}))
	defer hook.Close()

	var c *mercadopago.Client
	var srv *mercadopagotest.Server
	if tok := os.Getenv("MERCADOPAGO_ACCESS_TOKEN"); tok != "" {
		c, err = mercadopago.NewClient(mercadopago.Credentials{AccessToken: tok})
	} else {
		srv = mercadopagotest.NewServer(mercadopagotest.WithWebhook(hook.URL+"/mercadopago/webhooks", webhookSecret))
		defer srv.Close()
		c, err = srv.Client()
	}
	if err != nil {
		return err
	}

	// 1. The payment: pending until the payer finishes in the widget.
	order := fmt.Sprintf("order-%d", time.Now().UnixNano())
	fp, err := c.Payments.CreateFintoc(ctx, &mercadopago.FintocRequest{
		TransactionAmount: money.MustParse("10701"), Description: "Wool blanket", ExternalReference: order,
		CallbackURL: "https://shop.example/checkout/done", PayerEmail: "test_user_123@testuser.com",
	}, mercadopago.WithIdempotencyKey(order))
	if err != nil {
		return err
	}
	fmt.Printf("payment %d is %s; open the widget: mp.fintoc().open({widgetToken}) before %s\n",
		fp.Payment.ID, fp.Payment.Status, fp.WidgetTokenExpiresAt.Format(time.TimeOnly))
	if srv == nil {
		fmt.Printf("or send the payer to %s; then read payment %d\n", fp.RedirectURL, fp.Payment.ID)
		return nil
	}

	// 2. SIMULATOR ONLY: the payer logs in to their bank in the widget and
	// confirms the transfer; Mercado Pago notifies your endpoint.
	if _, err := srv.CompleteFintoc(fp.WidgetToken); err != nil {
		return err
	}

	// 3. The notification names the payment; it is a hint, so read it.
	want := strconv.FormatInt(fp.Payment.ID, 10)
	for {
		var n *mercadopago.Notification
		select {
		case n = <-notes:
		case <-ctx.Done():
			return errors.New("no notification arrived")
		}
		if n.DataID != want || n.Action != "payment.updated" {
			continue
		}
		fmt.Printf("notification %s for payment %s, signature verified\n", n.Action, n.DataID)
		break
	}
	p, err := c.Payments.Get(ctx, fp.Payment.ID)
	if err != nil {
		return err
	}
	if p.Status != mercadopago.StatusApproved {
		return fmt.Errorf("payment %d is %s (%s)", p.ID, p.Status, p.StatusDetail)
	}
	fmt.Printf("done: payment %d approved, %s %s; deliver order %s\n", p.ID, p.TransactionAmount, p.CurrencyID, order)
	return nil
}

// explain says what kind of failure err is, the way a caller tells them apart.
func explain(err error) string {
	var apiErr *mercadopago.Error
	var netErr *paykit.NetworkError
	var badReq *paykit.ValidationError
	switch {
	case errors.As(err, &badReq):
		return fmt.Sprintf("not sent: %s %s", badReq.Field, badReq.Rule)
	case errors.As(err, &apiErr):
		return fmt.Sprintf("Mercado Pago answered HTTP %d (%s: %s, causes %v, request id %s)",
			apiErr.StatusCode, apiErr.Code, apiErr.Message, apiErr.Causes, apiErr.RequestID)
	case errors.As(err, &netErr):
		return fmt.Sprintf("no answer (may have reached Mercado Pago: %t): %v", netErr.MayHaveReachedServer, netErr.Err)
	}
	return err.Error()
}
