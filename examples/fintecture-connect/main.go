// Command fintecture-connect shows a Fintecture immediate transfer with
// package fintecture: open a payment session (Connect), send the payer to
// it, check the callback against the API, verify the webhook with the
// application's key, and refund part of the payment. Every request is
// signed with the application's key, as Fintecture's production requires.
//
// Offline, against paykit's in-process Fintecture simulator (no account
// needed; it checks every signature):
//
//	go run ./examples/fintecture-connect
//
// Against the Fintecture sandbox, with your application from the Console
// (FINTECTURE_REDIRECT_URI, optional, must be registered there):
//
//	FINTECTURE_APP_ID=… FINTECTURE_APP_SECRET=… \
//	FINTECTURE_PRIVATE_KEY_FILE=./private_key.pem go run ./examples/fintecture-connect
//
// Against the sandbox the program creates the session, prints its Connect
// URL and reads the payment once: paying happens in a browser, and the
// webhook needs a public URL. Offline, the simulator plays the payer at the
// bank (the step marked SIMULATOR ONLY).
package main

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/fintecture"
	"github.com/paykit-go/paykit/fintecture/fintecturetest"
	"github.com/paykit-go/paykit/money"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "fintecture-connect:", explain(err))
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	var creds fintecture.Credentials
	var c *fintecture.Client
	var srv *fintecturetest.Server
	var err error
	// Your webhook endpoint; offline the simulator posts to it.
	hook := httptest.NewUnstartedServer(nil)
	defer hook.Close()
	if id, secret, keyFile := os.Getenv("FINTECTURE_APP_ID"), os.Getenv("FINTECTURE_APP_SECRET"), os.Getenv("FINTECTURE_PRIVATE_KEY_FILE"); id != "" && secret != "" && keyFile != "" {
		key, err := os.ReadFile(keyFile)
		if err != nil {
			return err
		}
		creds = fintecture.Credentials{AppID: id, AppSecret: secret, PrivateKey: key}
		c, err = fintecture.NewClient(creds, fintecture.WithEnvironment(fintecture.Sandbox))
		if err != nil {
			return err
		}
	} else {
		srv = fintecturetest.NewServer(fintecturetest.WithProduction(),
			fintecturetest.WithWebhookURL("http://"+hook.Listener.Addr().String()+"/fintecture/webhook", nil))
		defer srv.Close()
		creds = srv.Credentials()
		if c, err = srv.Client(); err != nil {
			return err
		}
	}

	// The webhook is encrypted to your key: verify it with the same key.
	verifier, err := fintecture.NewWebhookVerifier(creds.PrivateKey, fintecture.WithExpectedKeyID(creds.AppID))
	if err != nil {
		return err
	}
	events := make(chan *fintecture.Notification, 4)
	hook.Config.Handler = verifier.Handler(func(_ context.Context, ev *fintecture.Notification) error {
		events <- ev
		return nil
	})
	hook.Start()

	// 1. A payment session for the order; send the payer to its URL.
	amount, state := money.MustParse("273.00"), fmt.Sprintf("order-%d", time.Now().Unix())
	redirectURI := os.Getenv("FINTECTURE_REDIRECT_URI")
	if redirectURI == "" {
		redirectURI = "https://shop.example/fintecture/return"
	}
	sess, err := c.PIS.Connect(ctx, &fintecture.ConnectRequest{
		Amount: amount, Currency: "EUR", Communication: "B34970692",
		RedirectURI: redirectURI, State: state,
		PSU: &fintecture.PSU{Name: "Julien Lefebre", Email: "julien.lefebre@example.com"},
	})
	if err != nil {
		return err
	}
	fmt.Printf("session %s: send the payer to %s\n", sess.SessionID, sess.URL)

	if srv == nil {
		p, err := c.PIS.GetPayment(ctx, sess.SessionID)
		if err != nil {
			return err
		}
		fmt.Printf("payment %s: %s %s, %s; pay in the browser to go on\n", p.SessionID, p.Amount, p.Currency, p.Status)
		return nil
	}

	// 2. SIMULATOR ONLY: the payer authorises the transfer at their bank
	// and the browser comes back to your redirect URI.
	back, err := srv.Pay(sess.SessionID, fintecture.StatusCreated)
	if err != nil {
		return err
	}

	// 3. The callback's query could be typed by anyone: match the state,
	// then ask Fintecture.
	u, err := url.Parse(back)
	if err != nil {
		return err
	}
	cb, err := fintecture.ParseCallback(u.Query())
	if err != nil {
		return err
	}
	pay, err := c.PIS.ConfirmReturn(ctx, cb, state)
	if err != nil {
		return err
	}
	fmt.Printf("payer is back; Fintecture says %s for %s %s\n", pay.Status, pay.Amount, pay.Currency)

	// 4. The webhook, verified by the handler.
	select {
	case ev := <-events:
		fmt.Printf("webhook verified: session %s is %s\n", ev.SessionID, ev.Status)
	case <-ctx.Done():
		return errors.New("no webhook arrived")
	}

	// 5. Refund part of it (never repeated automatically: no idempotency key).
	ref, err := c.PIS.Refund(ctx, &fintecture.RefundRequest{SessionID: sess.SessionID, Amount: money.MustParse("73.00"), Communication: "Refund B34970692"})
	if err != nil {
		return err
	}
	fmt.Printf("refund %s of %s: %s\n", ref.SessionID, ref.Amount, ref.Status)
	fmt.Printf("done: payment %s received and partly refunded\n", sess.SessionID)
	return nil
}

// explain says what kind of failure err is, the way a caller tells them apart.
func explain(err error) string {
	var apiErr *fintecture.Error
	var netErr *paykit.NetworkError
	var badReq *paykit.ValidationError
	switch {
	case errors.As(err, &badReq):
		return fmt.Sprintf("not sent: %s %s", badReq.Field, badReq.Rule)
	case errors.As(err, &apiErr):
		return fmt.Sprintf("Fintecture answered HTTP %d (%s, log id %s)", apiErr.StatusCode, apiErr.Code, apiErr.LogID)
	case errors.As(err, &netErr):
		return fmt.Sprintf("no answer (may have reached Fintecture: %t): %v", netErr.MayHaveReachedServer, netErr.Err)
	}
	return err.Error()
}
