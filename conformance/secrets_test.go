package conformance

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit/etpay"
	"github.com/paykit-go/paykit/etpay/etpaytest"
	"github.com/paykit-go/paykit/finrota"
	"github.com/paykit-go/paykit/finrota/finrotatest"
	"github.com/paykit-go/paykit/fintecture"
	"github.com/paykit-go/paykit/fintecture/fintecturetest"
	"github.com/paykit-go/paykit/internal/sim"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
	"github.com/paykit-go/paykit/money"
)

// leakWatch gathers everything a merchant's program could print or log, and
// the secrets that must not be in it. Tokens issued during the run (access
// tokens, OAuth tokens) are secrets too: the recording transport adds every
// credential header it sees on the wire.
type leakWatch struct {
	mu      sync.Mutex
	secrets map[string]string // secret -> what it is
	outputs []string
	logs    bytes.Buffer
}

func newLeakWatch() *leakWatch { return &leakWatch{secrets: map[string]string{}} }

func (w *leakWatch) secret(what, s string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(s) >= 6 {
		w.secrets[s] = what
	}
}

// see records the ways a value is commonly printed.
func (w *leakWatch) see(vs ...any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, v := range vs {
		if v == nil {
			continue
		}
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%d", "%x", "%q"} {
			w.outputs = append(w.outputs, fmt.Sprintf(verb, v))
		}
		if err, ok := v.(error); ok {
			w.outputs = append(w.outputs, err.Error())
		}
	}
}

func (w *leakWatch) logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(&lockedWriter{w: w}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type lockedWriter struct{ w *leakWatch }

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.w.mu.Lock()
	defer l.w.mu.Unlock()
	return l.w.logs.Write(p)
}

// transport records credential headers as secrets and passes requests on.
func (w *leakWatch) transport() http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		for _, h := range []string{"Authorization", "Proxy-Authorization"} {
			if v := r.Header.Get(h); v != "" {
				_, cred, _ := strings.Cut(v, " ")
				if !strings.HasPrefix(v, "Basic ") {
					w.secret(h+" token", cred)
				}
			}
		}
		return http.DefaultTransport.RoundTrip(r)
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// leaks names every secret found in the outputs or the logs.
func (w *leakWatch) leaks() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	all := strings.Join(append(w.outputs, w.logs.String()), "\n")
	var found []string
	for s, what := range w.secrets {
		if i := strings.Index(all, s); i >= 0 {
			if debugLeaks {
				fmt.Println("LEAK", what, all[max(0, i-300):min(len(all), i+100)])
			}
			found = append(found, what)
		}
	}
	return found
}

func (w *leakWatch) check(t *testing.T) {
	t.Helper()
	w.mu.Lock()
	logged, printed := w.logs.Len(), len(w.outputs)
	w.mu.Unlock()
	require.NotZero(t, logged, "the debug logger saw the calls")
	require.NotZero(t, printed)
	assert.Empty(t, w.leaks(), "secrets in a log record, an error string or formatted output")
}

// pemSecretLines returns the base64 lines of a PEM block: any of them in an
// output means key material leaked.
func pemSecretLines(p []byte) []string {
	var lines []string
	for _, l := range strings.Split(string(p), "\n") {
		if len(l) > 40 && !strings.HasPrefix(l, "-----") {
			lines = append(lines, l)
		}
	}
	return lines
}

func TestNoSecretReachesLogsErrorsOrFormattedValues(t *testing.T) {
	ctx := context.Background()

	t.Run("mercadopago", func(t *testing.T) {
		w := newLeakWatch()
		const token = "APP_USR-PLANTED-4411-mercadopago-access-token"
		const hookSecret = "planted-webhook-secret-8812"
		w.secret("access token", token)
		w.secret("webhook secret", hookSecret)
		srv := mercadopagotest.NewServer(mercadopagotest.WithAccessToken(token))
		defer srv.Close()
		hc := &http.Client{Transport: w.transport()}
		c, err := srv.Client(mercadopago.WithLogger(w.logger()), mercadopago.WithHTTPClient(hc), mercadopago.WithRetryBackoff(instantBackoff, instantBackoff))
		require.NoError(t, err)
		creds := mercadopago.Credentials{AccessToken: token}
		w.see(creds, &creds, c, c.Payments, c.Refunds, c.Customers, c.Cards)
		w.logger().Info("credentials", "creds", creds)

		cardTok, err := srv.CardToken(mercadopagotest.TestCard{Number: "5031755734530604", ExpirationMonth: 11, ExpirationYear: 2099,
			SecurityCode: "123", HolderName: "APRO", IdentificationType: "RUT", IdentificationNumber: "111111111"})
		require.NoError(t, err)
		w.secret("card token", cardTok)
		p, err := c.Payments.Create(ctx, &mercadopago.PaymentRequest{TransactionAmount: money.MustParse("100"), Token: cardTok,
			Installments: mercadopago.Ptr(1), Payer: &mercadopago.PaymentPayer{Email: "payer@example.com"}})
		require.NoError(t, err)
		w.see(p)
		f, err := c.Payments.CreateFintoc(ctx, &mercadopago.FintocRequest{TransactionAmount: money.MustParse("10701"),
			Description: "order", CallbackURL: "https://shop.example/cb", PayerEmail: "payer@example.com"})
		require.NoError(t, err)
		w.see(f)
		srv.FailNext(1, sim.Fault{Kind: sim.Status, Status: 400, Body: `{"message":"bad token ` + token + `","error":"bad_request","status":400,"cause":[]}`})
		_, err = c.Payments.Get(ctx, p.ID)
		require.Error(t, err)
		w.see(err)
		// A wrong token: the 401 is reported without it.
		wrong, err := mercadopago.NewClient(mercadopago.Credentials{AccessToken: "APP_USR-PLANTED-wrong-token-0000"},
			mercadopago.WithBaseURL(srv.URL), mercadopago.WithLogger(w.logger()), mercadopago.WithHTTPClient(hc), mercadopago.WithRetryBackoff(instantBackoff, instantBackoff), mercadopago.WithMaxRetries(0))
		require.NoError(t, err)
		w.secret("wrong access token", "APP_USR-PLANTED-wrong-token-0000")
		_, err = wrong.Payments.Get(ctx, p.ID)
		require.Error(t, err)
		w.see(err)

		v, err := mercadopago.NewWebhookVerifier(hookSecret)
		require.NoError(t, err)
		w.see(v)
		req, _ := http.NewRequest("POST", "https://shop.example/hook?data.id=1&type=payment", strings.NewReader(`{"data":{"id":"1"}}`))
		req.Header.Set("x-signature", "ts=1,v1=00")
		_, err = v.Verify(req)
		require.Error(t, err)
		w.see(err)
		w.check(t)
	})

	t.Run("mercadopago marketplace", func(t *testing.T) {
		mercadopagoMarketplaceSecrets(t)
	})

	t.Run("finrota", func(t *testing.T) {
		w := newLeakWatch()
		const apiKey, secretKey = "fr-PLANTED-api-key-5521", "fr-PLANTED-secret-key-9932"
		w.secret("API key", apiKey)
		w.secret("secret key", secretKey)
		srv := finrotatest.NewServer(finrotatest.WithCredentials(apiKey, secretKey))
		defer srv.Close()
		hc := &http.Client{Transport: w.transport()}
		c, err := srv.Client(finrota.WithLogger(w.logger()), finrota.WithHTTPClient(hc), finrota.WithRetryBackoff(instantBackoff, instantBackoff))
		require.NoError(t, err)
		creds := finrota.Credentials{APIKey: apiKey, SecretKey: secretKey}
		w.see(creds, &creds, c, c.Widget, c.Transactions)
		w.logger().Info("credentials", "creds", creds)

		wt, err := c.Widget.CreateToken(ctx)
		require.NoError(t, err)
		card := finrotatest.TestCard("4155650100416111")
		w.secret("card number", card.Number)
		pt, err := srv.PreparePayment(ctx, wt.Token, finrotatest.Prepare{Card: card, Amount: money.MustParse("100"), Currency: "TRY"})
		require.NoError(t, err)
		res, err := c.Widget.Pay(ctx, &finrota.PaymentRequest{PrepareToken: pt, Amount: money.MustParse("100"),
			ReturnURL: "https://shop.example/r", ClientReferenceCode: "S-1", CustomerIP: "203.0.113.9"})
		require.NoError(t, err)
		w.see(wt, res)
		_, err = c.Widget.Pay(ctx, &finrota.PaymentRequest{PrepareToken: pt, Amount: money.MustParse("100"),
			ReturnURL: "https://shop.example/r", ClientReferenceCode: "S-2", CustomerIP: "203.0.113.9"})
		require.Error(t, err, "a used prepare token")
		w.see(err)
		wrong, err := finrota.NewClient(finrota.Credentials{APIKey: apiKey, SecretKey: "fr-PLANTED-wrong-secret-0000"},
			finrota.WithBaseURL(srv.URL), finrota.WithLogger(w.logger()), finrota.WithHTTPClient(hc), finrota.WithRetryBackoff(instantBackoff, instantBackoff))
		require.NoError(t, err)
		w.secret("wrong secret key", "fr-PLANTED-wrong-secret-0000")
		_, err = wrong.Widget.CreateToken(ctx)
		require.Error(t, err)
		w.see(err)
		w.check(t)
	})

	t.Run("fintecture", func(t *testing.T) {
		w := newLeakWatch()
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		require.NoError(t, err)
		der, err := x509.MarshalPKCS8PrivateKey(key)
		require.NoError(t, err)
		keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
		for _, l := range pemSecretLines(keyPEM) {
			w.secret("private key material", l)
		}
		const appID, appSecret = "planted-app-id-3141", "planted-app-secret-2718"
		w.secret("app secret", appSecret)
		srv := fintecturetest.NewServer(fintecturetest.WithProduction(), fintecturetest.WithApp(appID, appSecret), fintecturetest.WithMerchantKey(keyPEM))
		defer srv.Close()
		hc := &http.Client{Transport: w.transport()}
		creds := fintecture.Credentials{AppID: appID, AppSecret: appSecret, PrivateKey: keyPEM}
		c, err := fintecture.NewClient(creds, fintecture.WithEnvironment(fintecture.Production), fintecture.WithBaseURL(srv.URL),
			fintecture.WithLogger(w.logger()), fintecture.WithHTTPClient(hc), fintecture.WithRetryBackoff(instantBackoff, instantBackoff))
		require.NoError(t, err)
		w.see(creds, &creds, c, c.PIS)
		w.logger().Info("credentials", "creds", creds)

		s, err := c.PIS.Connect(ctx, &fintecture.ConnectRequest{Amount: money.MustParse("273.00"), Currency: "EUR",
			Communication: "B34970692", RedirectURI: "https://shop.example/cb", State: "order-1"})
		require.NoError(t, err)
		_, err = srv.Pay(s.SessionID, fintecture.PaymentStatus("payment_created"))
		require.NoError(t, err)
		p, err := c.PIS.GetPayment(ctx, s.SessionID)
		require.NoError(t, err)
		tok, err := c.Token(ctx)
		require.NoError(t, err)
		w.see(s, p, tok)
		_, err = c.PIS.GetPayment(ctx, "no-such-session")
		require.Error(t, err)
		w.see(err)
		_, err = c.PIS.UpdatePayment(ctx, s.SessionID, &fintecture.PaymentUpdate{Amount: money.MustParse("1.00")})
		require.Error(t, err, "a paid session keeps its amount")
		w.see(err)
		_, err = fintecture.NewClient(fintecture.Credentials{AppID: appID, AppSecret: appSecret, PrivateKey: keyPEM[:len(keyPEM)/2]},
			fintecture.WithEnvironment(fintecture.Production))
		require.Error(t, err, "a truncated key")
		w.see(err)
		wrong, err := fintecture.NewClient(fintecture.Credentials{AppID: appID, AppSecret: "planted-wrong-secret-0000", PrivateKey: keyPEM},
			fintecture.WithEnvironment(fintecture.Production), fintecture.WithBaseURL(srv.URL), fintecture.WithLogger(w.logger()), fintecture.WithHTTPClient(hc), fintecture.WithRetryBackoff(instantBackoff, instantBackoff))
		require.NoError(t, err)
		w.secret("wrong app secret", "planted-wrong-secret-0000")
		_, err = wrong.PIS.GetPayment(ctx, s.SessionID)
		require.Error(t, err)
		w.see(err)
		v, err := fintecture.NewWebhookVerifier(keyPEM)
		require.NoError(t, err)
		w.see(v)
		w.check(t)
	})

	t.Run("etpay", func(t *testing.T) {
		w := newLeakWatch()
		const code, apiToken = "cl_PLANTED_merchant", "etpay-PLANTED-api-token-6620"
		w.secret("merchant API token", apiToken)
		srv := etpaytest.NewServer(etpaytest.WithMerchant(code, apiToken))
		defer srv.Close()
		hc := &http.Client{Transport: w.transport()}
		creds := etpay.Credentials{MerchantCode: code, MerchantAPIToken: apiToken}
		c, err := etpay.NewClient(creds, etpay.WithAPIURL(srv.APIURL()), etpay.WithPaymentURL(srv.PaymentURL()), etpay.WithLogger(w.logger()), etpay.WithHTTPClient(hc), etpay.WithRetryBackoff(instantBackoff, instantBackoff))
		require.NoError(t, err)
		w.see(creds, &creds, c, c.Sessions, c.Payments)
		w.logger().Info("credentials", "creds", creds)

		s, err := c.Sessions.Create(ctx, &etpay.SessionRequest{OrderID: "OC1", Amount: 2000})
		require.NoError(t, err)
		w.secret("signature token", s.SignatureToken)
		w.see(s, *s)
		res, err := srv.Pay(ctx, s.Token, etpay.PaymentSuccess)
		require.NoError(t, err)
		w.see(res)
		st, err := c.Payments.Status(ctx, &etpay.StatusQuery{SessionToken: s.Token})
		require.NoError(t, err)
		w.see(st)
		wrong, err := etpay.NewClient(etpay.Credentials{MerchantCode: code, MerchantAPIToken: "etpay-PLANTED-wrong-token-0000"},
			etpay.WithAPIURL(srv.APIURL()), etpay.WithPaymentURL(srv.PaymentURL()), etpay.WithLogger(w.logger()), etpay.WithHTTPClient(hc), etpay.WithRetryBackoff(instantBackoff, instantBackoff))
		require.NoError(t, err)
		w.secret("wrong API token", "etpay-PLANTED-wrong-token-0000")
		_, err = wrong.Sessions.Create(ctx, &etpay.SessionRequest{OrderID: "OC2", Amount: 2000})
		require.Error(t, err)
		w.see(err)
		_, err = etpay.VerifyNotification("e30.e30.AAAA", s.SignatureToken)
		require.Error(t, err)
		w.see(err)
		w.check(t)
	})
}

// TestLeakWatchCatchesALeak proves the watch above can fail: a secret that
// is printed is found.
func TestLeakWatchCatchesALeak(t *testing.T) {
	w := newLeakWatch()
	w.secret("token", "planted-token-123456")
	w.secret("key", "planted-key-654321")
	w.see(fmt.Errorf("oops: planted-token-123456"))
	w.logger().Debug("fine")
	assert.Equal(t, []string{"token"}, w.leaks())
	w.logger().Debug("leak", "k", "planted-key-654321")
	assert.ElementsMatch(t, []string{"token", "key"}, w.leaks())
}

// debugLeaks prints the context of a leak when set while investigating one.
var debugLeaks = false

// secretSweepCalls are the calls TestNoSecretReachesLogsInAnyCall runs: every
// call of the suite, so a method gets its secrets row with its fault-matrix
// call. TestEveryMethodHasEveryRow reads this list.
func secretSweepCalls(e env) []call { return e.calls }

// TestNoSecretReachesLogsInAnyCall runs every call of every suite, one fresh
// simulator each, on a client that logs every attempt at debug level
// through a recording transport: the call succeeds against the simulator,
// and neither its debug records nor the client printed under the usual
// verbs shows a configured secret, the card data the suite sends, or a
// token seen on the wire.
func TestNoSecretReachesLogsInAnyCall(t *testing.T) {
	for _, ps := range providerSuites {
		t.Run(ps.name, func(t *testing.T) {
			t.Parallel()
			probe := ps.setup(t, &http.Client{Timeout: hangGuard}, nil)
			probe.srv.Close()
			for i, pc := range secretSweepCalls(probe) {
				t.Run(pc.name, func(t *testing.T) {
					w := newLeakWatch()
					e := ps.setup(t, &http.Client{Timeout: hangGuard, Transport: w.transport()}, w.logger())
					defer e.srv.Close()
					for _, s := range e.secrets {
						w.secret("suite secret", s)
					}
					w.mu.Lock()
					w.logs.Reset() // the setup's records; the call's own follow
					w.mu.Unlock()
					ctx, cancel := context.WithTimeout(context.Background(), 2*hangGuard)
					defer cancel()
					require.NoError(t, secretSweepCalls(e)[i].run(ctx), "the call should succeed against the simulator")
					w.see(e.client)
					w.check(t)
				})
			}
		})
	}
}
