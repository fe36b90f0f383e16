// Package fintectureflow is the Fintecture "immediate transfer" flow told
// step by step: token, the merchant's own bank picker (providers list),
// payment session (Connect), the payer paying at the bank, the callback
// verified against the API, the webhook verified with the merchant's key, a
// refund followed to its webhook, the settlement that pays the payment out,
// the payments list, and a request to pay sent by e-mail. Offline it runs on fintecturetest in
// production mode (every request signed and checked); live it runs the
// steps that need no browser against the Fintecture sandbox.
package fintectureflow

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paykit-go/paykit/examples/internal/transcript"
	"github.com/paykit-go/paykit/fintecture"
	"github.com/paykit-go/paykit/fintecture/fintecturetest"
	"github.com/paykit-go/paykit/money"
)

// notificationWait bounds the wait for a simulator's webhook. The
// delivery is a loopback POST; the bound is only a hang guard, so that a
// busy machine (the flows run as tests under -race) never misses it.
const notificationWait = time.Minute

// Environment variables that switch the flow to the real sandbox.
const (
	EnvAppID       = "FINTECTURE_APP_ID"
	EnvAppSecret   = "FINTECTURE_APP_SECRET"
	EnvPrivateKey  = "FINTECTURE_PRIVATE_KEY"  // PEM text, or the path of a PEM file
	EnvRedirectURI = "FINTECTURE_REDIRECT_URI" // optional, must be registered in the Console
)

// LiveConfigured reports whether the environment holds sandbox credentials.
func LiveConfigured() bool {
	return os.Getenv(EnvAppID) != "" && os.Getenv(EnvAppSecret) != "" && os.Getenv(EnvPrivateKey) != ""
}

// The seed's order: 273 EUR, reference B34970692.
var (
	orderAmount    = money.MustParse("273.00")
	orderReference = "B34970692"
	refundAmount   = money.MustParse("73.00")
)

// Run tells the flow on t. Offline (live false) everything runs in process;
// live runs token, Connect and the payment lookup against the Fintecture
// sandbox with the credentials in the environment.
func Run(ctx context.Context, t *transcript.T, live bool) error {
	if live {
		return runLive(ctx, t)
	}
	return runOffline(ctx, t)
}

// wire remembers the headers of the last request of each path, for the
// verbose transcript (the Authorization value is never kept).
type wire struct {
	mu   sync.Mutex
	last map[string]http.Header
	next http.RoundTripper
}

func (w *wire) RoundTrip(r *http.Request) (*http.Response, error) {
	h := r.Header.Clone()
	h.Del("Authorization")
	w.mu.Lock()
	w.last[r.URL.Path] = h
	w.mu.Unlock()
	return w.next.RoundTrip(r)
}

func (w *wire) show(t *transcript.T, path string) {
	if !t.Verbose() {
		return
	}
	w.mu.Lock()
	h := w.last[path]
	w.mu.Unlock()
	for _, name := range []string{"Date", "X-Request-Id", "Digest", "Signature"} {
		if v := h.Get(name); v != "" {
			if len(v) > 120 {
				v = v[:117] + "..."
			}
			t.Detail("%s: %s", name, v)
		}
	}
}

func runOffline(ctx context.Context, t *transcript.T) error {
	t.Section("Fintecture · immediate transfer (offline simulator, production rules: every request signed)")

	// The merchant's webhook endpoint; its verifier is set once the
	// simulator has made the app's key.
	var handler atomic.Pointer[http.Handler]
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h := handler.Load(); h != nil {
			(*h).ServeHTTP(w, r)
			return
		}
		http.Error(w, "not ready", http.StatusServiceUnavailable)
	}))
	defer hook.Close()

	srv := fintecturetest.NewServer(fintecturetest.WithProduction(), fintecturetest.WithWebhookURL(hook.URL, nil))
	defer srv.Close()
	creds := srv.Credentials()

	verifier, err := fintecture.NewWebhookVerifier(creds.PrivateKey,
		fintecture.WithExpectedKeyID(creds.AppID), fintecture.WithMaxAge(2*time.Hour))
	if err != nil {
		return err
	}
	events := make(chan *fintecture.Notification, 4)
	var h http.Handler = verifier.Handler(func(_ context.Context, ev *fintecture.Notification) error {
		events <- ev
		return nil
	})
	handler.Store(&h)

	w := &wire{last: map[string]http.Header{}, next: http.DefaultTransport}
	c, err := fintecture.NewClient(creds, fintecture.WithEnvironment(fintecture.Production),
		fintecture.WithBaseURL(srv.URL), fintecture.WithHTTPClient(&http.Client{Transport: w, Timeout: 10 * time.Second}))
	if err != nil {
		return err
	}

	// 1. Token.
	t.Sent("POST /oauth/accesstoken  (Basic app_id:app_secret, grant_type=client_credentials, scope=PIS; not signed)")
	tok, err := c.Token(ctx)
	if err != nil {
		t.Fail("token: %v", err)
		return err
	}
	t.Got("Bearer token, valid until %s (cached; refreshed before expiry, refetched once on 401)", tok.Expiry.UTC().Format(time.RFC3339))

	// 1b. The merchant's own bank picker.
	bank, err := pickBank(ctx, t, c)
	if err != nil {
		return err
	}

	// 2. Payment session.
	state := "order-" + orderReference
	redirectURI := "https://shop.example.com/fintecture/return"
	t.Sent("POST /pis/v2/connect?redirect_uri=%s&state=%s\n%s EUR, communication %q, payer Julien Lefebre, x-provider %s; signed: Digest, Date, X-Request-ID, Signature",
		url.QueryEscape(redirectURI), state, orderAmount, orderReference, bank)
	sess, err := c.PIS.Connect(ctx, &fintecture.ConnectRequest{
		Amount: orderAmount, Currency: "EUR", Communication: orderReference,
		RedirectURI: redirectURI, State: state, Provider: bank,
		PSU: &fintecture.PSU{Name: "Julien Lefebre", Email: "julien.lefebre@example.com", Company: "My Business SARL",
			Address: &fintecture.Address{Street: "rue Marie Stuart", Number: "2", Zip: "75002", City: "PARIS", Country: "FR"}},
	})
	if err != nil {
		t.Fail("connect: %v", err)
		return err
	}
	w.show(t, "/pis/v2/connect")
	t.Got("session_id %s\nConnect URL %s", sess.SessionID, sess.URL)
	t.Next("store session_id and state with the order, then redirect the payer to the Connect URL")

	// 3. The payer pays.
	t.Actor("payer picks their bank on the Connect page and authorises %s EUR", orderAmount)
	back, err := srv.Pay(sess.SessionID, fintecture.StatusCreated)
	if err != nil {
		t.Fail("pay: %v", err)
		return err
	}
	t.Actor("browser returns to %s", back)

	// 4. Callback.
	u, err := url.Parse(back)
	if err != nil {
		return err
	}
	cb, err := fintecture.ParseCallback(u.Query())
	if err != nil {
		t.Fail("callback: %v", err)
		return err
	}
	t.Next("the query says %q, which anyone could type: match state to the order and fetch the payment", cb.ReportedStatus)
	t.Sent("GET /pis/v2/payments/%s  (signed)", cb.SessionID)
	pay, err := c.PIS.ConfirmReturn(ctx, cb, state)
	if err != nil {
		t.Fail("verify callback: %v", err)
		return err
	}
	w.show(t, "/pis/v2/payments/"+cb.SessionID)
	t.Got("status %s, transfer_state %s, %s %s, communication %q", pay.Status, pay.TransferState, pay.Amount, pay.Currency, pay.Communication)
	t.Check(pay.Status == fintecture.StatusCreated, "callback verified: payment %s is payment_created", pay.SessionID)
	t.Check(pay.Amount.Equal(orderAmount) && pay.Currency == "EUR" && pay.Communication == orderReference,
		"amount, currency and order reference match the order")
	t.Check(pay.Provider == bank, "the payment was made from the bank picked in the merchant's page (%s)", pay.Provider)

	forged := *cb
	forged.State = "order-somebody-else"
	_, err = c.PIS.ConfirmReturn(ctx, &forged, state)
	t.Check(errors.Is(err, fintecture.ErrStateMismatch), "a callback carrying another order's state is refused before any call")

	// 5. Webhook.
	select {
	case ev := <-events:
		t.Got("webhook POST (form): session_id %s, status %s, transfer_state %s, state %s", ev.SessionID, ev.Status, ev.TransferState, ev.State)
		t.Detail("X-Request-ID %s, Date %s, keyId %s", ev.RequestID, ev.Date.UTC().Format(http.TimeFormat), ev.KeyID)
		t.Check(ev.SessionID == sess.SessionID && ev.State == state && ev.Status == fintecture.StatusCreated,
			"webhook verified: Digest = SHA-256(body), RSA-OAEP signature lines match Date, Digest, X-Request-ID")
	case <-time.After(notificationWait):
		t.Fail("no webhook arrived")
	}
	d := srv.Deliveries()
	t.Check(len(d) == 1 && d[0].StatusCode == http.StatusOK, "the handler answered 200, so Fintecture will not redeliver")

	fields := url.Values{"session_id": {sess.SessionID}, "status": {"payment_created"}, "state": {state}, "amount": {"273.00"}}
	genuine, err := srv.NewWebhookRequest(hook.URL, fields)
	if err != nil {
		return err
	}
	fields.Set("amount", "999999.00")
	tampered, err := http.NewRequestWithContext(ctx, http.MethodPost, hook.URL, strings.NewReader(fields.Encode()))
	if err != nil {
		return err
	}
	tampered.Header = genuine.Header.Clone()
	resp, err := http.DefaultClient.Do(tampered)
	if err != nil {
		return err
	}
	_ = resp.Body.Close()
	t.Check(resp.StatusCode == http.StatusUnauthorized, "a webhook whose body was changed in transit is refused (%d)", resp.StatusCode)

	// 6. Refund.
	t.Sent("POST /pis/v2/refund  session %s, amount %s, communication %q  (signed; never repeated automatically)", sess.SessionID, refundAmount, "Refund "+orderReference)
	ref, err := c.PIS.Refund(ctx, &fintecture.RefundRequest{SessionID: sess.SessionID, Amount: refundAmount, Communication: "Refund " + orderReference})
	if err != nil {
		t.Fail("refund: %v", err)
		return err
	}
	w.show(t, "/pis/v2/refund")
	t.Got("refund %s of %s for session %s: %s", ref.SessionID, ref.Amount, ref.RefundedSessionID, ref.Status)
	t.Check(ref.Amount.Equal(refundAmount) && ref.RefundedSessionID == sess.SessionID, "partial refund of %s EUR accepted", refundAmount)
	t.Next("ship the order; keep session_id %s and the refund id for reconciliation", sess.SessionID)

	// 7–9. Refund status and webhook, settlement, the payments list.
	if err := afterRefund(ctx, t, c, srv, events, sess.SessionID, ref.SessionID); err != nil {
		return err
	}
	// 10. A request to pay: the link goes to the payer by e-mail.
	return requestToPay(ctx, t, c, srv)
}

func runLive(ctx context.Context, t *transcript.T) error {
	t.Section("Fintecture · immediate transfer (live sandbox)")
	if !LiveConfigured() {
		return fmt.Errorf("fintectureflow: set %s, %s and %s for the live sandbox", EnvAppID, EnvAppSecret, EnvPrivateKey)
	}
	key := os.Getenv(EnvPrivateKey)
	if !strings.Contains(key, "-----BEGIN") {
		b, err := os.ReadFile(key)
		if err != nil {
			return fmt.Errorf("fintectureflow: %s is neither PEM text nor a readable file", EnvPrivateKey)
		}
		key = string(b)
	}
	c, err := fintecture.NewClient(fintecture.Credentials{AppID: os.Getenv(EnvAppID), AppSecret: os.Getenv(EnvAppSecret), PrivateKey: []byte(key)},
		fintecture.WithEnvironment(fintecture.Sandbox))
	if err != nil {
		return err
	}
	t.Sent("POST /oauth/accesstoken  (scope=PIS)")
	tok, err := c.Token(ctx)
	if err != nil {
		t.Fail("token: %v", err)
		return err
	}
	t.Got("Bearer token, valid until %s", tok.Expiry.UTC().Format(time.RFC3339))

	redirectURI := os.Getenv(EnvRedirectURI)
	if redirectURI == "" {
		redirectURI = "https://example.com/fintecture/return"
	}
	state := fmt.Sprintf("paykit-%d", time.Now().UnixNano())
	t.Sent("POST /pis/v2/connect  %s EUR, communication %q, state %s  (signed)", orderAmount, orderReference, state)
	sess, err := c.PIS.Connect(ctx, &fintecture.ConnectRequest{Amount: orderAmount, Currency: "EUR",
		Communication: orderReference, RedirectURI: redirectURI, State: state,
		PSU: &fintecture.PSU{Name: "Julien Lefebre", Email: "julien.lefebre@example.com"}})
	if err != nil {
		t.Fail("connect: %v", err)
		return err
	}
	t.Got("session_id %s\nConnect URL %s", sess.SessionID, sess.URL)
	t.Check(sess.SessionID != "" && strings.HasPrefix(sess.URL, "https://"), "payment session created")

	t.Sent("GET /pis/v2/payments/%s  (signed)", sess.SessionID)
	p, err := c.PIS.GetPayment(ctx, sess.SessionID)
	if err != nil {
		t.Fail("payment lookup: %v", err)
		return err
	}
	t.Got("status %s, %s %s", p.Status, p.Amount, p.Currency)
	t.Check(p.SessionID == sess.SessionID && p.Amount.Equal(orderAmount), "the session holds the order's amount")
	t.Next("open the Connect URL to pay in the sandbox; the redirect and the webhook need a public URL, so run offline to see them verified")
	return nil
}
