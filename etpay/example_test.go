package etpay_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/paykit-go/paykit/etpay"
	"github.com/paykit-go/paykit/etpay/etpaytest"
)

// Creating a session and sending the payer to the funnel, here against the
// simulator (use WithAPIURL/WithPaymentURL or WithSandbox for ETpay).
func ExampleSessionsService_Create() {
	srv := etpaytest.NewServer()
	defer srv.Close()
	c, err := etpay.NewClient(srv.Credentials(), etpay.WithAPIURL(srv.APIURL()), etpay.WithPaymentURL(srv.PaymentURL()))
	if err != nil {
		panic(err)
	}
	s, err := c.Sessions.Create(context.Background(), &etpay.SessionRequest{OrderID: "OC700104", Amount: 2000})
	if err != nil {
		panic(err)
	}
	// Keep s.SignatureToken with the order; redirect the payer to s.RedirectURL.
	fmt.Println(strings.HasPrefix(s.RedirectURL, srv.PaymentURL()+"/session/"), s.SignatureToken != "")
	// Output: true true
}

// Receiving the notification: look the session's signature token up, verify
// the HS256 JWT, then confirm with Payments.Status before fulfilling.
func ExampleNotificationHandler() {
	srv := etpaytest.NewServer()
	defer srv.Close()
	c, _ := srv.Client()
	ctx := context.Background()

	signatureTokens := map[string]string{} // your order store
	hook := httptest.NewServer(etpay.NotificationHandler(
		func(_ context.Context, session string) (string, error) {
			if tok, ok := signatureTokens[session]; ok {
				return tok, nil
			}
			return "", etpay.ErrUnknownSession
		},
		func(ctx context.Context, n *etpay.Notification) error {
			pays, err := c.Payments.Status(ctx, &etpay.StatusQuery{PaymentToken: n.PaymentToken})
			if err != nil {
				return err // answered 500: ETpay tries again
			}
			fmt.Println("notified:", n.OrderID, n.PaymentStatus, n.Amount)
			fmt.Println("confirmed:", len(pays) == 1 && pays[0].PaymentStatus.IsSuccess() && pays[0].Amount == n.Amount)
			return nil
		}))
	defer hook.Close()

	s, _ := c.Sessions.Create(ctx, &etpay.SessionRequest{OrderID: "OC700104", Amount: 2000, WebhookURL: hook.URL})
	signatureTokens[s.Token] = s.SignatureToken
	res, _ := srv.Pay(ctx, s.Token, etpay.PaymentSuccess) // the payer in the funnel
	fmt.Println("answered:", res.Delivery.StatusCode == http.StatusOK)
	// Output:
	// notified: OC700104 success 2000
	// confirmed: true
	// answered: true
}

// Verifying one JWT directly, when you already hold the signature token. A
// token without exp needs a recent iat; VerifyNotification keeps no record
// of what it accepted (WebhookVerifier refuses replays).
func ExampleVerifyNotification() {
	tok, _ := etpaytest.SignNotification(map[string]any{
		"session_token": "sess_1", "payment_token": "pay_1", "payment_status": "success",
		"merchant_order_id": "OC700104", "order_amount": 2000, "iat": time.Now().Unix(),
	}, "the-session-signature-token")
	n, err := etpay.VerifyNotification(tok, "the-session-signature-token")
	fmt.Println(n.OrderID, n.Amount, n.PaymentStatus.IsSuccess(), err)
	_, err = etpay.VerifyNotification(tok, "another-token")
	fmt.Println(err)
	// Output:
	// OC700104 2000 true <nil>
	// etpay: notification: signature does not match
}
