package fintecture_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/paykit-go/paykit/fintecture"
	"github.com/paykit-go/paykit/fintecture/fintecturetest"
	"github.com/paykit-go/paykit/money"
)

// Create a payment session and send the payer to its Connect URL. The
// simulator stands in for api-sandbox.fintecture.com; in production mode it
// rejects any request that is not signed with the app's key.
func ExamplePISService_Connect() {
	srv := fintecturetest.NewServer(fintecturetest.WithProduction())
	defer srv.Close()

	c, err := fintecture.NewClient(srv.Credentials(), // AppID, AppSecret, PrivateKey (PEM)
		fintecture.WithEnvironment(fintecture.Production),
		fintecture.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	sess, err := c.PIS.Connect(context.Background(), &fintecture.ConnectRequest{
		Amount:        money.MustParse("273"), // sent as "273.00"
		Currency:      "EUR",
		Communication: "B34970692", // your order reference
		RedirectURI:   "https://shop.example.com/fintecture/return",
		State:         "order-B34970692",
		PSU:           &fintecture.PSU{Name: "Julien Lefebre", Email: "julien.lefebre@example.com"},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("session created:", sess.SessionID != "")
	fmt.Println("redirect the payer to the Connect page:", strings.HasPrefix(sess.URL, srv.URL+"/v2/"))
	// Output:
	// session created: true
	// redirect the payer to the Connect page: true
}

// When the payer comes back, check the state and fetch the payment: the
// status in the query string is not proof of anything.
func ExamplePISService_ConfirmReturn() {
	srv := fintecturetest.NewServer()
	defer srv.Close()
	c, _ := fintecture.NewClient(srv.Credentials(), fintecture.WithBaseURL(srv.URL))
	ctx := context.Background()
	sess, _ := c.PIS.Connect(ctx, &fintecture.ConnectRequest{Amount: money.MustParse("273.00"), Currency: "EUR",
		RedirectURI: "https://shop.example.com/return", State: "order-42"})
	back, _ := srv.Pay(sess.SessionID, fintecture.StatusCreated) // the payer pays at their bank

	// In your redirect handler: r.URL.Query().
	u, _ := url.Parse(back)
	cb, err := fintecture.ParseCallback(u.Query())
	if err != nil {
		panic(err)
	}
	p, err := c.PIS.ConfirmReturn(ctx, cb, "order-42") // the state you stored with the order
	if err != nil {
		panic(err)
	}
	fmt.Println(p.Status, p.Status.Paid(), p.Amount, p.Currency, p.TransferState)

	cb.State = "order-43"
	_, err = c.PIS.ConfirmReturn(ctx, cb, "order-42")
	fmt.Println(errors.Is(err, fintecture.ErrStateMismatch))
	// Output:
	// payment_created true 273.00 EUR completed
	// true
}

// Verify a webhook with the app's private key. fintecturetest builds one
// exactly as Fintecture does (Digest, Date, X-Request-ID, and the signing
// string encrypted with RSA-OAEP under the app's public key).
func ExampleNewWebhookVerifier() {
	srv := fintecturetest.NewServer()
	defer srv.Close()
	creds := srv.Credentials()

	v, err := fintecture.NewWebhookVerifier(creds.PrivateKey, fintecture.WithExpectedKeyID(creds.AppID))
	if err != nil {
		panic(err)
	}
	req, _ := srv.NewWebhookRequest("https://shop.example.com/webhooks/fintecture", url.Values{
		"session_id": {"b2bca2bcd3b64a32a7da0766df59a7d2"}, "status": {"payment_created"},
		"state": {"thisisastate"}, "transfer_state": {"completed"},
	})
	ev, err := v.Verify(req) // or mount v.Handler(func(ctx, ev) error {...})
	if err != nil {
		panic(err)
	}
	fmt.Println(ev.SessionID, ev.Status, ev.State, ev.TransferState)

	// The same headers on another body are refused.
	forged := httptest.NewRequest("POST", "/webhooks/fintecture", strings.NewReader("session_id=x&status=payment_created"))
	forged.Header = req.Header
	_, err = v.Verify(forged)
	fmt.Println(errors.Is(err, fintecture.ErrWebhookDigest))
	// Output:
	// b2bca2bcd3b64a32a7da0766df59a7d2 payment_created thisisastate completed
	// true
}

// Refund part of a paid session. Fintecture has no idempotency key, so a
// refund that failed in transit is not repeated for you: check first.
func ExamplePISService_Refund() {
	srv := fintecturetest.NewServer()
	defer srv.Close()
	c, _ := fintecture.NewClient(srv.Credentials(), fintecture.WithBaseURL(srv.URL))
	ctx := context.Background()
	sess, _ := c.PIS.Connect(ctx, &fintecture.ConnectRequest{Amount: money.MustParse("273.00"), Currency: "EUR",
		RedirectURI: "https://shop.example.com/return", State: "order-42"})
	_, _ = srv.Pay(sess.SessionID, fintecture.StatusCreated)

	ref, err := c.PIS.Refund(ctx, &fintecture.RefundRequest{SessionID: sess.SessionID,
		Amount: money.MustParse("73"), Communication: "Refund order-42"})
	if err != nil {
		panic(err)
	}
	fmt.Println(ref.Amount, ref.RefundedSessionID == sess.SessionID)
	// Output:
	// 73.00 true
}
