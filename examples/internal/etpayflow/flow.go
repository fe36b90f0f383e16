// Package etpayflow is the ETpay funnel flow the example program and the tour
// run: create a session, let the payer pay in the funnel, verify the signed
// notification, confirm it with the payment-status call.
package etpayflow

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/paykit-go/paykit/etpay"
	"github.com/paykit-go/paykit/etpay/etpaytest"
	"github.com/paykit-go/paykit/examples/internal/transcript"
)

// notificationWait bounds the wait for a simulator's webhook. The
// delivery is a loopback POST; the bound is only a hang guard, so that a
// busy machine (the flows run as tests under -race) never misses it.
const notificationWait = time.Minute

// Env names the variables that switch Run to ETpay's real API.
var Env = []string{"ETPAY_MERCHANT_CODE", "ETPAY_MERCHANT_API_TOKEN", "ETPAY_API_URL", "ETPAY_PAYMENT_URL"}

// LiveConfigured reports whether every variable in Env is set.
func LiveConfigured() bool {
	for _, k := range Env {
		if os.Getenv(k) == "" {
			return false
		}
	}
	return true
}

// Run tells the flow on t. Offline (live false) it runs on the simulator;
// live it creates a real session from the Env credentials and reads its
// status (the payer and the notification are then up to you).
func Run(ctx context.Context, t *transcript.T, live bool) error {
	t.Section("ETpay · session, funnel, notification, status")
	if live {
		return runLive(ctx, t)
	}
	return runOffline(ctx, t)
}

// orders is the merchant's order store: the signature token of each session
// and the notifications received.
type orders struct {
	mu       sync.Mutex
	sigs     map[string]string
	notified chan *etpay.Notification
}

func (o *orders) lookup(_ context.Context, session string) (string, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if s, ok := o.sigs[session]; ok {
		return s, nil
	}
	return "", etpay.ErrUnknownSession
}

// next waits for the notification the simulator delivered.
func (o *orders) next(ctx context.Context) (*etpay.Notification, error) {
	select {
	case n := <-o.notified:
		return n, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-time.After(notificationWait):
		return nil, errors.New("etpayflow: no notification arrived")
	}
}

func runOffline(ctx context.Context, t *transcript.T) error {
	srv := etpaytest.NewServer()
	defer srv.Close()
	store := &orders{sigs: map[string]string{}, notified: make(chan *etpay.Notification, 4)}
	hook := httptest.NewServer(etpay.NotificationHandler(store.lookup, func(_ context.Context, n *etpay.Notification) error {
		store.notified <- n
		return nil
	}))
	defer hook.Close()
	c, err := srv.Client()
	if err != nil {
		return err
	}
	t.Detail("simulator: api_url %s, pmt_url %s; merchant webhook %s", srv.APIURL(), srv.PaymentURL(), hook.URL)

	// 1. Session.
	const orderID, amount = "OC700104", int64(2000)
	req := &etpay.SessionRequest{OrderID: orderID, Amount: amount,
		Metadata:     []etpay.Metadata{{Name: "Pedido", Value: orderID, Show: true}},
		CompletedURL: "https://shop.example/etpay/done", CancellationURL: "https://shop.example/etpay/cancelled",
		WebhookURL: hook.URL + "/etpay/notify"}
	t.Sent("POST /session/initialize  merchant_order_id=%s order_amount=%d (merchant_code and merchant_api_token in the body)", orderID, amount)
	s, err := c.Sessions.Create(ctx, req)
	if err != nil {
		t.Fail("session initialize: %v", err)
		return err
	}
	t.Got("session token %s, signature token [kept with the order]", s.Token)
	store.mu.Lock()
	store.sigs[s.Token] = s.SignatureToken
	store.mu.Unlock()
	t.Check(s.RedirectURL == srv.PaymentURL()+"/session/"+s.Token, "funnel link is {pmt_url}/session/{token}")
	t.Next("redirect the payer to %s", s.RedirectURL)

	// 2-4. Funnel and redirect.
	t.Actor("payer picks a bank, signs in and approves the transfer (simulator: Pay success)")
	res, err := srv.Pay(ctx, s.Token, etpay.PaymentSuccess)
	if err != nil {
		t.Fail("funnel: %v", err)
		return err
	}
	verifier, err := etpay.NewWebhookVerifier(store.lookup)
	if err != nil {
		t.Fail("verifier: %v", err)
		return err
	}
	t.Actor("funnel sends the payer back to %s?jwt=…", req.CompletedURL)
	t.Sent("POST /merchant/check_payment_status  (ConfirmReturn: the redirect's JWT verified first, then ETpay asked by its payment_token)")
	back, err := c.Payments.ConfirmReturn(ctx, verifier, httptest.NewRequest(http.MethodGet, res.RedirectURL, nil), orderID)
	if err != nil {
		t.Fail("confirm redirect: %v", err)
		return err
	}
	t.Check(back.Signed && back.Outcome.PaymentStatus.IsSuccess() && back.Paid(),
		"redirect JWT verifies and ETpay confirms %s: show \"payment received\" (fulfil on the notification)", back.Payment.PaymentStatus)

	// 5. Notification.
	n, err := store.next(ctx)
	if err != nil {
		t.Fail("%v", err)
		return err
	}
	t.Got("notification POST {\"payment\": <JWT>} → answered %d", res.Delivery.StatusCode)
	t.Detail("claims: session_token=%s payment_token=%s payment_status=%s merchant_order_id=%s order_amount=%d",
		n.SessionToken, n.PaymentToken, n.PaymentStatus, n.OrderID, n.Amount)
	t.Check(res.Delivery.StatusCode == http.StatusOK, "notification verified (HS256 with the session's signature token) and acknowledged 200")
	t.Check(n.SessionToken == s.Token && n.OrderID == orderID && n.Amount == amount && n.PaymentStatus.IsSuccess(),
		"notification says %s for order %s, $%d", n.PaymentStatus, n.OrderID, n.Amount)

	// Validation step.
	t.Sent("POST /merchant/check_payment_status  payment_token=%s", n.PaymentToken)
	pays, err := c.Payments.Status(ctx, &etpay.StatusQuery{PaymentToken: n.PaymentToken})
	if err != nil {
		t.Fail("check_payment_status: %v", err)
		return err
	}
	t.Got("%d record(s): %s", len(pays), describe(pays))
	ok := len(pays) == 1 && pays[0].PaymentStatus.IsSuccess() && pays[0].Amount == amount && pays[0].OrderID == orderID
	t.Check(ok, "status confirmed: success, $%d, order %s", amount, orderID)
	t.Next("fulfil order %s", orderID)

	// A forged notification: right shape, wrong key.
	forged, _ := etpaytest.SignNotification(map[string]any{"session_token": s.Token, "payment_token": "pay_forged",
		"payment_status": "success", "merchant_order_id": orderID, "order_amount": amount}, "not-the-signature-token")
	resp, err := http.Post(hook.URL+"/etpay/notify", "application/json", strings.NewReader(`{"payment":"`+forged+`"}`))
	if err != nil {
		return err
	}
	resp.Body.Close()
	t.Actor("someone posts a notification signed with another key")
	t.Check(resp.StatusCode == http.StatusUnauthorized, "forged notification refused with %d", resp.StatusCode)

	// A failed payment: the notification and the status agree, nothing ships.
	banks := etpay.Banks()
	t.Detail("a page with one button per bank (etpay.Banks(): %d documented codes, %s … %s)", len(banks), banks[0], banks[len(banks)-1])
	t.Actor("payer presses the %s button", etpay.BankMACH)
	t.Sent("POST /session/initialize  merchant_order_id=OC700105 order_amount=15990 user_bank_code=%s", etpay.BankMACH)
	s2, err := c.Sessions.Create(ctx, &etpay.SessionRequest{OrderID: "OC700105", Amount: 15990, WebhookURL: hook.URL + "/etpay/notify",
		UserBankCode: etpay.BankMACH})
	if err != nil {
		t.Fail("second session: %v", err)
		return err
	}
	store.mu.Lock()
	store.sigs[s2.Token] = s2.SignatureToken
	store.mu.Unlock()
	t.Actor("payer abandons at the bank (simulator: Pay failed)")
	if _, err := srv.Pay(ctx, s2.Token, etpay.PaymentFailed); err != nil {
		return err
	}
	n2, err := store.next(ctx)
	if err != nil {
		t.Fail("%v", err)
		return err
	}
	pays2, err := c.Payments.Status(ctx, &etpay.StatusQuery{OrderID: "OC700105"})
	if err != nil {
		t.Fail("check_payment_status: %v", err)
		return err
	}
	t.Got("notification %s; status %s", n2.PaymentStatus, describe(pays2))
	t.Check(!n2.PaymentStatus.IsSuccess() && len(pays2) == 1 && !pays2[0].PaymentStatus.IsSuccess(), "failed payment: order OC700105 stays unpaid")
	t.Actor("payer lands on https://shop.example/etpay/cancelled?order=OC700105 with no JWT (a visual-only redirect)")
	back2, err := c.Payments.ConfirmReturn(ctx, verifier, httptest.NewRequest(http.MethodGet, "https://shop.example/etpay/cancelled?order=OC700105", nil), "OC700105")
	if err != nil {
		t.Fail("confirm redirect: %v", err)
		return err
	}
	t.Check(!back2.Signed && back2.Payment != nil && !back2.Paid(), "an unsigned redirect is confirmed by the order id: %s, nothing ships", back2.Payment.PaymentStatus)
	t.Next("offer the payer another try (a new session)")
	return nil
}

func describe(pays []etpay.Payment) string {
	parts := make([]string, 0, len(pays))
	for _, p := range pays {
		parts = append(parts, fmt.Sprintf("%s %s $%d", p.PaymentToken, p.PaymentStatus, p.Amount))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, "; ")
}

func runLive(ctx context.Context, t *transcript.T) error {
	if !LiveConfigured() {
		return fmt.Errorf("etpayflow: live mode needs %s", strings.Join(Env, ", "))
	}
	c, err := etpay.NewClient(etpay.Credentials{MerchantCode: os.Getenv("ETPAY_MERCHANT_CODE"), MerchantAPIToken: os.Getenv("ETPAY_MERCHANT_API_TOKEN")},
		etpay.WithAPIURL(os.Getenv("ETPAY_API_URL")), etpay.WithPaymentURL(os.Getenv("ETPAY_PAYMENT_URL")))
	if err != nil {
		return err
	}
	orderID := fmt.Sprintf("PK%d", time.Now().Unix())
	t.Sent("POST %s/session/initialize  merchant_order_id=%s order_amount=2000", c.APIURL(), orderID)
	s, err := c.Sessions.Create(ctx, &etpay.SessionRequest{OrderID: orderID, Amount: 2000})
	if err != nil {
		t.Fail("session initialize: %v", err)
		return err
	}
	t.Got("session token %s", s.Token)
	t.Check(s.Token != "" && s.SignatureToken != "", "session and signature token issued")
	t.Next("open %s and pay; ETpay posts the notification to your configured webhook", s.RedirectURL)
	pays, err := c.Payments.Status(ctx, &etpay.StatusQuery{OrderID: orderID})
	if err != nil {
		t.Fail("check_payment_status: %v", err)
		return err
	}
	t.Got("check_payment_status: %s", describe(pays))
	t.Check(true, "status call answered (nothing paid yet is expected)")
	return nil
}
