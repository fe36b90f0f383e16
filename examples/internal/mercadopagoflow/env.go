// Package mercadopagoflow tells the Mercado Pago flows of the seeds step by
// step: a card payment (and what a lost answer does), a saved-card payment,
// Fintoc bank transfers (approved, and rejected by an amount ending in 03),
// and refunds, captures and cancellations. Each runs offline on the
// in-process simulator, or against the real API when live is true and
// MERCADOPAGO_ACCESS_TOKEN (plus MERCADOPAGO_PUBLIC_KEY for card tokens) is
// set.
package mercadopagoflow

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"time"

	"github.com/paykit-go/paykit/examples/internal/transcript"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
)

// notificationWait bounds the wait for a simulator's webhook. The
// delivery is a loopback POST; the bound is only a hang guard, so that a
// busy machine (the flows run as tests under -race) never misses it.
const notificationWait = time.Minute

// Environment variables read in live mode.
const (
	EnvAccessToken = "MERCADOPAGO_ACCESS_TOKEN"
	EnvPublicKey   = "MERCADOPAGO_PUBLIC_KEY"
)

const webhookSecret = "tour-webhook-secret"

// env is what every flow needs: a client, a stand-in for MercadoPago.js
// (card tokens), and, offline, the simulator and a webhook receiver.
type env struct {
	t         *transcript.T
	c         *mercadopago.Client
	live      bool
	baseURL   string
	publicKey string
	srv       *mercadopagotest.Server // nil when live
	hook      *httptest.Server

	mu     sync.Mutex
	notifs []*mercadopago.Notification
}

func newEnv(t *transcript.T, live bool) (*env, error) {
	e := &env{t: t, live: live}
	if live {
		tok := os.Getenv(EnvAccessToken)
		if tok == "" {
			return nil, fmt.Errorf("live mode needs %s", EnvAccessToken)
		}
		c, err := mercadopago.NewClient(mercadopago.Credentials{AccessToken: tok}, mercadopago.WithUserAgent("paykit-examples"))
		if err != nil {
			return nil, err
		}
		e.c, e.baseURL, e.publicKey = c, c.BaseURL(), os.Getenv(EnvPublicKey)
		return e, nil
	}
	// The verifier reads the simulator's clock, which flows that let days
	// pass (an expiring voucher, a subscription's charges) move forward, so
	// their notifications are still accepted as fresh.
	simNow := func() time.Time {
		if e.srv != nil {
			return e.srv.Clock.Now()
		}
		return time.Now()
	}
	v, err := mercadopago.NewWebhookVerifier(webhookSecret, mercadopago.WithWebhookClock(simNow))
	if err != nil {
		return nil, err
	}
	// The merchant's notification endpoint: verify, record, answer 200.
	e.hook = httptest.NewServer(v.Handler(func(_ context.Context, n *mercadopago.Notification) error {
		e.mu.Lock()
		e.notifs = append(e.notifs, n)
		e.mu.Unlock()
		return nil
	}))
	e.srv = mercadopagotest.NewServer(mercadopagotest.WithWebhook(e.hook.URL+"/mercadopago/webhooks", webhookSecret))
	c, err := e.srv.Client()
	if err != nil {
		e.close()
		return nil, err
	}
	e.c, e.baseURL, e.publicKey = c, e.srv.URL, e.srv.PublicKey
	return e, nil
}

func (e *env) close() {
	if e.srv != nil {
		e.srv.Close()
	}
	if e.hook != nil {
		e.hook.Close()
	}
}

// run sets up an environment, runs the flows in it and tears it down.
func run(ctx context.Context, t *transcript.T, live bool, flows ...func(context.Context, *env) error) error {
	e, err := newEnv(t, live)
	if err != nil {
		return err
	}
	defer e.close()
	for _, f := range flows {
		if err := f(ctx, e); err != nil {
			return err
		}
	}
	return nil
}

// orderID makes a fresh order id; it doubles as the idempotency key, so a
// repeat after a crash is recognised.
func orderID(prefix string) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return prefix + "-" + hex.EncodeToString(b)
}

// testCard is one of Mercado Pago's test cards with a holder name that
// chooses the sandbox outcome.
type testCard struct {
	Number, CVV, Holder string
}

var (
	cardApproved = testCard{Number: mercadopagotest.CardMastercard, CVV: "123", Holder: mercadopagotest.HolderApproved}
	cardRejected = testCard{Number: mercadopagotest.CardVisa, CVV: "123", Holder: mercadopagotest.HolderRejectedOther}
)

// cardToken plays MercadoPago.js in the payer's browser: POST
// /v1/card_tokens?public_key=… with the card data (or a saved card's id and
// the CVV). Card data never touches the merchant's backend in real life.
func (e *env) cardToken(ctx context.Context, body map[string]any) (string, error) {
	if e.publicKey == "" {
		return "", fmt.Errorf("card tokens need %s in live mode", EnvPublicKey)
	}
	b, _ := json.Marshal(body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.baseURL+"/v1/card_tokens?public_key="+e.publicKey, bytes.NewReader(b))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	rb, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var out struct {
		ID string `json:"id"`
	}
	if resp.StatusCode/100 != 2 || json.Unmarshal(rb, &out) != nil || out.ID == "" {
		return "", fmt.Errorf("card token: HTTP %d", resp.StatusCode)
	}
	return out.ID, nil
}

func (e *env) newCardToken(ctx context.Context, c testCard) (string, error) {
	e.t.Actor("payer types card …%s (holder %s) into MercadoPago.js; the browser makes a one-use card token", c.Number[len(c.Number)-4:], c.Holder)
	return e.cardToken(ctx, map[string]any{
		"card_number": c.Number, "security_code": c.CVV,
		"expiration_month": 11, "expiration_year": time.Now().Year() + 3,
		"cardholder": map[string]any{"name": c.Holder, "identification": map[string]string{"type": "RUT", "number": "11111111-1"}},
	})
}

// awaitNotification waits for the verified notification about a payment
// with the given action (offline only).
func (e *env) awaitNotification(ctx context.Context, paymentID int64, action string) (*mercadopago.Notification, error) {
	if e.live {
		return nil, errors.New("no notification receiver in live mode")
	}
	want := fmt.Sprint(paymentID)
	deadline := time.Now().Add(notificationWait)
	for {
		e.mu.Lock()
		for i, n := range e.notifs {
			if n.DataID == want && n.Action == action {
				e.notifs = append(e.notifs[:i], e.notifs[i+1:]...)
				e.mu.Unlock()
				return n, nil
			}
		}
		e.mu.Unlock()
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("no %s notification for payment %d", action, paymentID)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// errNoChargeback: a search found no dispute for the payment.
var errNoChargeback = errors.New("no chargeback found for the payment")

// awaitTopic waits for the verified notification of topic about the
// resource id (offline only).
func (e *env) awaitTopic(ctx context.Context, topic string, id int64) (*mercadopago.Notification, error) {
	want := fmt.Sprint(id)
	deadline := time.Now().Add(notificationWait)
	for {
		e.mu.Lock()
		for i, n := range e.notifs {
			if n.Type == topic && n.DataID == want {
				e.notifs = append(e.notifs[:i], e.notifs[i+1:]...)
				e.mu.Unlock()
				return n, nil
			}
		}
		e.mu.Unlock()
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("no %s notification for %d", topic, id)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// describe is the one line a transcript shows for a payment.
func describe(p *mercadopago.Payment) string {
	return fmt.Sprintf("payment %d: %s / %s, %s %s", p.ID, p.Status, p.StatusDetail, p.TransactionAmount, p.CurrencyID)
}

// fail records an unexpected error of a step and returns it.
func fail(t *transcript.T, step string, err error) error {
	t.Fail("%s: %v", step, err)
	return err
}
