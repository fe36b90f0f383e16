// Command etpay-funnel shows ETpay's funnel with package etpay: create a
// payment session, send the payer to the funnel, check the payer's return
// and the signed notification, and confirm the payment with ETpay.
//
// Offline, against paykit's in-process ETpay simulator (no account needed):
//
//	go run ./examples/etpay-funnel
//
// Against ETpay, with your merchant credentials (the URLs default to the
// sandbox pair):
//
//	ETPAY_MERCHANT_CODE=… ETPAY_MERCHANT_API_TOKEN=… \
//	ETPAY_API_URL=https://… ETPAY_PAYMENT_URL=https://… go run ./examples/etpay-funnel
//
// ETPAY_WEBHOOK_URL, if set, is sent as the session's notification URL.
// Against ETpay the program prints the funnel link and reads the status once:
// paying happens in a browser, and the notification needs a public URL.
// Offline, the simulator plays the payer (the steps marked SIMULATOR ONLY).
package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/etpay"
	"github.com/paykit-go/paykit/etpay/etpaytest"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "etpay-funnel:", explain(err))
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	// The signature token of each session, kept with the order: it is the
	// key that signs the session's notification and return.
	var sigs sync.Map
	lookup := func(_ context.Context, session string) (string, error) {
		if s, ok := sigs.Load(session); ok {
			return s.(string), nil
		}
		return "", etpay.ErrUnknownSession
	}

	var c *etpay.Client
	var srv *etpaytest.Server
	var err error
	webhookURL := os.Getenv("ETPAY_WEBHOOK_URL")
	if code, token := os.Getenv("ETPAY_MERCHANT_CODE"), os.Getenv("ETPAY_MERCHANT_API_TOKEN"); code != "" && token != "" {
		opts := []etpay.Option{etpay.WithSandbox()}
		if u := os.Getenv("ETPAY_API_URL"); u != "" {
			opts = append(opts, etpay.WithAPIURL(u), etpay.WithPaymentURL(os.Getenv("ETPAY_PAYMENT_URL")))
		}
		c, err = etpay.NewClient(etpay.Credentials{MerchantCode: code, MerchantAPIToken: token}, opts...)
	} else {
		srv = etpaytest.NewServer()
		defer srv.Close()
		c, err = srv.Client()
	}
	if err != nil {
		return err
	}

	// Your notification endpoint (mount it on your mux): it verifies the
	// JWT with the session's signature token, then hands you the outcome.
	notified := make(chan *etpay.Notification, 1)
	handler := etpay.NotificationHandler(lookup, func(_ context.Context, n *etpay.Notification) error {
		notified <- n
		return nil
	})
	if srv != nil {
		hook := httptest.NewServer(handler)
		defer hook.Close()
		webhookURL = hook.URL + "/etpay/notify"
	}

	// 1. A session for the order; send the payer to its RedirectURL.
	orderID := fmt.Sprintf("OC%d", time.Now().Unix())
	s, err := c.Sessions.Create(ctx, &etpay.SessionRequest{
		OrderID: orderID, Amount: 2000, // CLP, an integer
		CompletedURL: "https://shop.example/etpay/done", CancellationURL: "https://shop.example/etpay/cancelled",
		WebhookURL: webhookURL,
	})
	if err != nil {
		return err
	}
	sigs.Store(s.Token, s.SignatureToken)
	fmt.Printf("session %s for order %s: send the payer to %s\n", s.Token, orderID, s.RedirectURL)

	if srv == nil {
		pays, err := c.Payments.Status(ctx, &etpay.StatusQuery{OrderID: orderID})
		if err != nil {
			return err
		}
		fmt.Printf("check_payment_status: %d payment(s) so far; pay in the browser, then ETpay notifies %q\n", len(pays), webhookURL)
		return nil
	}

	// 2. SIMULATOR ONLY: the payer picks a bank and pays; the funnel posts
	// the notification to your webhook and sends the payer back with a JWT.
	res, err := srv.Pay(ctx, s.Token, etpay.PaymentSuccess)
	if err != nil {
		return err
	}

	// 3. The payer's return: its JWT is verified, then ETpay is asked.
	verifier, err := etpay.NewWebhookVerifier(lookup)
	if err != nil {
		return err
	}
	back, err := c.Payments.ConfirmReturn(ctx, verifier, httptest.NewRequest(http.MethodGet, res.RedirectURL, nil), orderID)
	if err != nil {
		return err
	}
	fmt.Printf("payer is back (signed return: %t), ETpay says %s: show \"payment received\"\n", back.Signed, back.Payment.PaymentStatus)

	// 4. The notification: verified by the handler; fulfil on it.
	var n *etpay.Notification
	select {
	case n = <-notified:
	case <-ctx.Done():
		return errors.New("no notification arrived")
	}
	fmt.Printf("notification for order %s: %s, $%d\n", n.OrderID, n.PaymentStatus, n.Amount)

	// 5. Confirm with ETpay before shipping.
	pays, err := c.Payments.Status(ctx, &etpay.StatusQuery{PaymentToken: n.PaymentToken})
	if err != nil {
		return err
	}
	if len(pays) != 1 || !pays[0].PaymentStatus.IsSuccess() || pays[0].Amount != 2000 {
		return fmt.Errorf("ETpay does not confirm the payment: %v", pays)
	}
	fmt.Printf("done: ETpay confirms payment %s of $%d for order %s; ship it\n", pays[0].PaymentToken, pays[0].Amount, orderID)
	return nil
}

// explain says what kind of failure err is, the way a caller tells them apart.
func explain(err error) string {
	var apiErr *etpay.Error
	var netErr *paykit.NetworkError
	var badReq *paykit.ValidationError
	switch {
	case errors.As(err, &badReq):
		return fmt.Sprintf("not sent: %s %s", badReq.Field, badReq.Rule)
	case errors.As(err, &apiErr):
		return fmt.Sprintf("ETpay answered HTTP %d (%s: %s)", apiErr.StatusCode, apiErr.Code, apiErr.Message)
	case errors.As(err, &netErr):
		return fmt.Sprintf("no answer (may have reached ETpay: %t): %v", netErr.MayHaveReachedServer, netErr.Err)
	}
	return err.Error()
}
