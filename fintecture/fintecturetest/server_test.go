package fintecturetest_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/fintecture"
	"github.com/paykit-go/paykit/fintecture/fintecturetest"
	"github.com/paykit-go/paykit/internal/sim"
	"github.com/paykit-go/paykit/money"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func newClient(t *testing.T, srv *fintecturetest.Server, creds fintecture.Credentials, opts ...fintecture.Option) *fintecture.Client {
	t.Helper()
	c, err := fintecture.NewClient(creds, append([]fintecture.Option{fintecture.WithBaseURL(srv.URL)}, opts...)...)
	require.NoError(t, err)
	return c
}

func connectReq(state string) *fintecture.ConnectRequest {
	return &fintecture.ConnectRequest{
		Amount: money.MustParse("273.00"), Currency: "EUR", Communication: "B34970692",
		RedirectURI: "https://shop.example.com/return", State: state,
		PSU: &fintecture.PSU{Name: "Julien Lefebre", Email: "julien@example.com"},
	}
}

func TestFullFlowProduction(t *testing.T) {
	var got atomic.Pointer[fintecture.Notification]
	srv := fintecturetest.NewServer(fintecturetest.WithProduction())
	defer srv.Close()
	v, err := fintecture.NewWebhookVerifier(srv.Credentials().PrivateKey, fintecture.WithExpectedKeyID(srv.Credentials().AppID))
	require.NoError(t, err)
	hook := httptest.NewServer(v.Handler(func(_ context.Context, ev *fintecture.Notification) error {
		got.Store(ev)
		return nil
	}))
	defer hook.Close()
	srv2 := fintecturetest.NewServer(fintecturetest.WithProduction(), fintecturetest.WithWebhookURL(hook.URL, nil),
		fintecturetest.WithMerchantKey(srv.Credentials().PrivateKey))
	defer srv2.Close()

	c := newClient(t, srv2, srv2.Credentials(), fintecture.WithEnvironment(fintecture.Production))
	ctx := context.Background()
	sess, err := c.PIS.Connect(ctx, connectReq("order-1"))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(sess.URL, srv2.URL+"/v2/"))
	page, err := http.Get(sess.URL)
	require.NoError(t, err)
	_ = page.Body.Close()
	assert.Equal(t, 200, page.StatusCode)

	p, err := c.PIS.GetPayment(ctx, sess.SessionID)
	require.NoError(t, err)
	assert.Equal(t, fintecture.StatusProviderRequired, p.Status)

	redirect, err := srv2.Pay(sess.SessionID, fintecture.StatusCreated)
	require.NoError(t, err)
	u, err := url.Parse(redirect)
	require.NoError(t, err)
	cb, err := fintecture.ParseCallback(u.Query())
	require.NoError(t, err)
	assert.Equal(t, fintecture.StatusCreated, cb.ReportedStatus)
	p, err = c.PIS.ConfirmReturn(ctx, cb, "order-1")
	require.NoError(t, err)
	assert.Equal(t, fintecture.StatusCreated, p.Status)
	assert.Equal(t, fintecture.TransferCompleted, p.TransferState)
	assert.Equal(t, "273.00", p.Amount.String())

	d := srv2.Deliveries()
	require.Len(t, d, 1)
	assert.Equal(t, 200, d[0].StatusCode)
	ev := got.Load()
	require.NotNil(t, ev)
	assert.Equal(t, sess.SessionID, ev.SessionID)
	assert.Equal(t, "order-1", ev.State)
	assert.Equal(t, fintecture.StatusCreated, ev.Status)

	ref, err := c.PIS.Refund(ctx, &fintecture.RefundRequest{SessionID: sess.SessionID, Amount: money.MustParse("73")})
	require.NoError(t, err)
	assert.Equal(t, "73.00", ref.Amount.String())
	_, err = c.PIS.Refund(ctx, &fintecture.RefundRequest{SessionID: sess.SessionID, Amount: money.MustParse("200.01")})
	var fe *fintecture.Error
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "refund_not_allowed", fe.Code)
	ref, err = c.PIS.Refund(ctx, &fintecture.RefundRequest{SessionID: sess.SessionID})
	require.NoError(t, err)
	assert.Equal(t, "200.00", ref.Amount.String(), "a full refund returns what is left")

	_, err = c.PIS.CancelPayment(ctx, sess.SessionID)
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, 409, fe.StatusCode)
	assert.Equal(t, "session_final", fe.Code)
}

func TestProductionRejectsBadSignatures(t *testing.T) {
	srv := fintecturetest.NewServer(fintecturetest.WithProduction())
	defer srv.Close()
	creds := srv.Credentials()

	// Unsigned (sandbox client without a key) is refused in production.
	unsigned := newClient(t, srv, fintecture.Credentials{AppID: creds.AppID, AppSecret: creds.AppSecret})
	_, err := unsigned.PIS.Connect(context.Background(), connectReq("o"))
	var fe *fintecture.Error
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, 401, fe.StatusCode)
	assert.Equal(t, "signature_required", fe.Code)
	assert.NotEmpty(t, fe.LogID)
	require.Len(t, fe.Details, 1)

	// Signed with another key.
	other, err := os.ReadFile("../testdata/key.pem")
	require.NoError(t, err)
	wrong := newClient(t, srv, fintecture.Credentials{AppID: creds.AppID, AppSecret: creds.AppSecret, PrivateKey: other})
	_, err = wrong.PIS.Connect(context.Background(), connectReq("o"))
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "invalid_signature", fe.Code)
	assert.Contains(t, err.Error(), "public key")
	assert.Equal(t, 0, srv.Sessions())

	// A body changed after signing (a proxy rewriting it) fails the Digest.
	good := newClient(t, srv, creds, fintecture.WithHTTPClient(&http.Client{Transport: rewriteBody{}}))
	_, err = good.PIS.Connect(context.Background(), connectReq("o"))
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "invalid_digest", fe.Code)

	// A Date far from the server's clock.
	late := fintecturetest.NewServer(fintecturetest.WithProduction(), fintecturetest.WithMerchantKey(creds.PrivateKey),
		fintecturetest.WithClock(func() time.Time { return time.Now().Add(time.Hour) }))
	defer late.Close()
	_, err = newClient(t, late, creds).PIS.Connect(context.Background(), connectReq("o"))
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "invalid_date", fe.Code)
}

// rewriteBody changes one byte of a Connect body after the client signed it.
type rewriteBody struct{}

func (rewriteBody) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Path == "/pis/v2/connect" && r.Body != nil {
		b := new(strings.Builder)
		_, _ = copyAll(b, r.Body)
		s := strings.Replace(b.String(), "273.00", "273.01", 1)
		r = r.Clone(r.Context())
		r.Body = readCloser{strings.NewReader(s)}
		r.ContentLength = int64(len(s))
	}
	return http.DefaultTransport.RoundTrip(r)
}

type readCloser struct{ *strings.Reader }

func (readCloser) Close() error { return nil }

func copyAll(w *strings.Builder, r interface{ Read([]byte) (int, error) }) (int, error) {
	buf := make([]byte, 4096)
	n := 0
	for {
		k, err := r.Read(buf)
		w.Write(buf[:k])
		n += k
		if err != nil {
			return n, nil
		}
	}
}

func TestSandboxAcceptsUnsignedButChecksSigned(t *testing.T) {
	srv := fintecturetest.NewServer()
	defer srv.Close()
	creds := srv.Credentials()
	_, err := newClient(t, srv, fintecture.Credentials{AppID: creds.AppID, AppSecret: creds.AppSecret}).PIS.Connect(context.Background(), connectReq("o"))
	require.NoError(t, err)
	other, _ := os.ReadFile("../testdata/key.pem")
	_, err = newClient(t, srv, fintecture.Credentials{AppID: creds.AppID, AppSecret: creds.AppSecret, PrivateKey: other}).PIS.Connect(context.Background(), connectReq("o"))
	var fe *fintecture.Error
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "invalid_signature", fe.Code)
}

func TestConnectIsNeverRepeated(t *testing.T) {
	for _, f := range []sim.Fault{
		{Kind: sim.StatusAfter, Status: 503, Body: `{"status":"503","code":"service_unavailable"}`},
		{Kind: sim.StatusAfter, Status: 500},
		{Kind: sim.ResetAfter},
		{Kind: sim.Truncate},
	} {
		t.Run(f.Kind.String(), func(t *testing.T) {
			srv := fintecturetest.NewServer(fintecturetest.WithProduction())
			defer srv.Close()
			c := newClient(t, srv, srv.Credentials(), fintecture.WithMaxRetries(3))
			f.Method, f.PathPrefix = http.MethodPost, "/pis/v2/connect"
			srv.FailNext(1, f)
			_, err := c.PIS.Connect(context.Background(), connectReq("o"))
			require.Error(t, err)
			assert.Equal(t, 1, srv.Handled(http.MethodPost, "/pis/v2/connect"), "the session was created once and the POST never repeated")
			assert.Equal(t, 1, srv.Sessions())
			var ne *paykit.NetworkError
			if errors.As(err, &ne) {
				assert.True(t, ne.MayHaveReachedServer)
				assert.Equal(t, 1, ne.Attempts)
			} else {
				var fe *fintecture.Error
				require.ErrorAs(t, err, &fe)
				assert.Equal(t, 1, fe.Attempts)
			}
		})
	}
}

func TestRefundIsNeverRepeated(t *testing.T) {
	for _, kind := range []sim.FaultKind{sim.StatusAfter, sim.ResetAfter} {
		t.Run(kind.String(), func(t *testing.T) {
			srv := fintecturetest.NewServer()
			defer srv.Close()
			c := newClient(t, srv, srv.Credentials(), fintecture.WithMaxRetries(3))
			sess, err := c.PIS.Connect(context.Background(), connectReq("o"))
			require.NoError(t, err)
			_, err = srv.Pay(sess.SessionID, fintecture.StatusCreated)
			require.NoError(t, err)
			srv.FailNext(1, sim.Fault{Kind: kind, Status: 502, Method: http.MethodPost, PathPrefix: "/pis/v2/refund"})
			_, err = c.PIS.Refund(context.Background(), &fintecture.RefundRequest{SessionID: sess.SessionID, Amount: money.MustParse("10")})
			require.Error(t, err)
			assert.Equal(t, 1, srv.Handled(http.MethodPost, "/pis/v2/refund"))
			// The refund did happen: a full refund now returns the rest only.
			ref, err := c.PIS.Refund(context.Background(), &fintecture.RefundRequest{SessionID: sess.SessionID})
			require.NoError(t, err)
			assert.Equal(t, "263.00", ref.Amount.String())
		})
	}
}

func TestGetIsRetriedWithFreshSignatures(t *testing.T) {
	srv := fintecturetest.NewServer(fintecturetest.WithProduction())
	defer srv.Close()
	c := newClient(t, srv, srv.Credentials(), fintecture.WithMaxRetries(2))
	sess, err := c.PIS.Connect(context.Background(), connectReq("o"))
	require.NoError(t, err)
	// The first attempt is acted on but answered 503; the repeat must carry a
	// new X-Request-ID (the simulator refuses a reused one) and verify again.
	srv.FailNext(1, sim.Fault{Kind: sim.StatusAfter, Status: 503, Method: http.MethodGet})
	p, err := c.PIS.GetPayment(context.Background(), sess.SessionID)
	require.NoError(t, err)
	assert.Equal(t, 2, p.Meta.Attempts)
	assert.Equal(t, 2, srv.Handled(http.MethodGet, "/pis/v2/payments/"+sess.SessionID))
}

func TestExpiredTokenIsRefetchedOnce(t *testing.T) {
	srv := fintecturetest.NewServer()
	defer srv.Close()
	c := newClient(t, srv, srv.Credentials())
	sess, err := c.PIS.Connect(context.Background(), connectReq("o"))
	require.NoError(t, err)
	srv.ExpireTokens()
	p, err := c.PIS.GetPayment(context.Background(), sess.SessionID)
	require.NoError(t, err)
	assert.Equal(t, 2, p.Meta.Attempts)
	assert.Equal(t, 2, srv.Handled(http.MethodPost, "/oauth/accesstoken"))
}

func TestTokenChecks(t *testing.T) {
	srv := fintecturetest.NewServer()
	defer srv.Close()
	_, err := newClient(t, srv, fintecture.Credentials{AppID: srv.Credentials().AppID, AppSecret: "wrong"}).PIS.GetPayment(context.Background(), "x")
	var fe *fintecture.Error
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "invalid_client", fe.Code)
	assert.NotContains(t, err.Error(), "wrong")
}

func TestSimulatorValidates(t *testing.T) {
	srv := fintecturetest.NewServer()
	defer srv.Close()
	hc := srv.Server.Client() // the httptest client; srv.Client makes a fintecture one
	tok := func() string {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/oauth/accesstoken", strings.NewReader("grant_type=client_credentials&app_id="+fintecturetest.DefaultAppID+"&scope=PIS"))
		req.SetBasicAuth(fintecturetest.DefaultAppID, fintecturetest.DefaultAppSecret)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := hc.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		require.Equal(t, 200, resp.StatusCode)
		var out struct {
			AccessToken string `json:"access_token"`
		}
		require.NoError(t, jsonDecode(resp, &out))
		return out.AccessToken
	}()
	post := func(query, body string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/pis/v2/connect?"+query, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := hc.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var out struct {
			Code string `json:"code"`
		}
		_ = jsonDecode(resp, &out)
		return resp.StatusCode, out.Code
	}
	good := `{"data":{"type":"PIS","attributes":{"amount":"1.00","currency":"EUR"}}}`
	q := "redirect_uri=https%3A%2F%2Fx.example%2Fr&state=s"
	cases := []struct {
		name, query, body, code string
	}{
		{"ok", q, good, ""},
		{"amount as number", q, `{"data":{"type":"PIS","attributes":{"amount":1.00,"currency":"EUR"}}}`, "invalid_amount"},
		{"three decimals", q, `{"data":{"type":"PIS","attributes":{"amount":"1.001","currency":"EUR"}}}`, "invalid_amount"},
		{"bad currency", q, `{"data":{"type":"PIS","attributes":{"amount":"1.00","currency":"eur"}}}`, "invalid_currency"},
		{"no state", "redirect_uri=https%3A%2F%2Fx.example%2Fr", good, "invalid_state"},
		{"relative redirect", "redirect_uri=%2Fr&state=s", good, "invalid_redirect_uri"},
		{"not JSON", q, `{`, "invalid_body"},
		{"bad type", q, `{"data":{"type":"AIS","attributes":{"amount":"1.00","currency":"EUR"}}}`, "invalid_type"},
		{"bad digest", q, good, "invalid_digest"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.name == "bad digest" {
				req, _ := http.NewRequest(http.MethodPost, srv.URL+"/pis/v2/connect?"+c.query, strings.NewReader(c.body))
				req.Header.Set("Authorization", "Bearer "+tok)
				req.Header.Set("Digest", "SHA-256=AAAA")
				resp, err := hc.Do(req)
				require.NoError(t, err)
				defer resp.Body.Close()
				assert.Equal(t, 401, resp.StatusCode)
				return
			}
			status, code := post(c.query, c.body)
			if c.code == "" {
				assert.Equal(t, 200, status)
				return
			}
			assert.Equal(t, 400, status)
			assert.Equal(t, c.code, code)
		})
	}
}

func TestNewWebhookRequestVerifies(t *testing.T) {
	srv := fintecturetest.NewServer()
	defer srv.Close()
	v, err := fintecture.NewWebhookVerifier(srv.Credentials().PrivateKey, fintecture.WithMaxAge(time.Hour))
	require.NoError(t, err)
	req, err := srv.NewWebhookRequest("https://shop.example.com/hook", url.Values{"session_id": {"s"}, "status": {"payment_created"}, "state": {"o"}})
	require.NoError(t, err)
	ev, err := v.Verify(req)
	require.NoError(t, err)
	assert.Equal(t, "s", ev.SessionID)
	assert.Equal(t, fintecture.StatusCreated, ev.Status)
}

func TestPayErrors(t *testing.T) {
	srv := fintecturetest.NewServer()
	defer srv.Close()
	_, err := srv.Pay("nope", fintecture.StatusCreated)
	assert.Error(t, err)
	c := newClient(t, srv, srv.Credentials())
	sess, err := c.PIS.Connect(context.Background(), connectReq("o"))
	require.NoError(t, err)
	_, err = srv.Pay(sess.SessionID, "")
	assert.Error(t, err)
	redirect, err := srv.Pay(sess.SessionID, fintecture.StatusUnsuccessful)
	require.NoError(t, err)
	assert.Contains(t, redirect, "status=payment_unsuccessful")
	_, err = srv.Pay(sess.SessionID, fintecture.StatusCreated)
	assert.Error(t, err, "a final session cannot be paid again")
	_, err = c.PIS.Refund(context.Background(), &fintecture.RefundRequest{SessionID: sess.SessionID})
	var fe *fintecture.Error
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "refund_not_allowed", fe.Code)
	st, ok := srv.SessionStatus(sess.SessionID)
	assert.True(t, ok)
	assert.Equal(t, fintecture.StatusUnsuccessful, st)

	// Cancel an open session.
	sess, err = c.PIS.Connect(context.Background(), connectReq("o2"))
	require.NoError(t, err)
	p, err := c.PIS.CancelPayment(context.Background(), sess.SessionID)
	require.NoError(t, err)
	assert.Equal(t, fintecture.StatusCancelled, p.Status)
	assert.Equal(t, fintecture.TransferCancelled, p.TransferState)
}

func TestWithoutSignatureChecks(t *testing.T) {
	other, err := os.ReadFile("../testdata/key.pem")
	require.NoError(t, err)
	srv := fintecturetest.NewServer(fintecturetest.WithoutSignatureChecks())
	defer srv.Close()
	creds := srv.Credentials()
	_, err = newClient(t, srv, fintecture.Credentials{AppID: creds.AppID, AppSecret: creds.AppSecret, PrivateKey: other}).PIS.Connect(context.Background(), connectReq("o"))
	assert.NoError(t, err, "a wrongly signed request passes when checks are off")

	prod := fintecturetest.NewServer(fintecturetest.WithoutSignatureChecks(), fintecturetest.WithProduction())
	defer prod.Close()
	_, err = newClient(t, prod, fintecture.Credentials{AppID: creds.AppID, AppSecret: creds.AppSecret, PrivateKey: other}).PIS.Connect(context.Background(), connectReq("o"))
	assert.Error(t, err, "production always checks")
}
