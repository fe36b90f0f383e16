package etpaytest

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit/etpay"
	"github.com/paykit-go/paykit/internal/sim"
)

// merchant is a tiny merchant backend: it stores signature tokens per
// session and receives notifications through etpay.NotificationHandler.
type merchant struct {
	mu      sync.Mutex
	secrets map[string]string
	got     []*etpay.Notification
	srv     *httptest.Server
}

func newMerchant(t *testing.T) *merchant {
	m := &merchant{secrets: map[string]string{}}
	m.srv = httptest.NewServer(etpay.NotificationHandler(
		func(_ context.Context, session string) (string, error) {
			m.mu.Lock()
			defer m.mu.Unlock()
			if s, ok := m.secrets[session]; ok {
				return s, nil
			}
			return "", etpay.ErrUnknownSession
		},
		func(_ context.Context, n *etpay.Notification) error {
			// Its exported fields only: a verified notification also holds
			// the verifier's replay key, which a literal cannot match.
			m.mu.Lock()
			m.got = append(m.got, &etpay.Notification{SessionToken: n.SessionToken, PaymentToken: n.PaymentToken,
				PaymentStatus: n.PaymentStatus, OrderID: n.OrderID, Amount: n.Amount, UserRUT: n.UserRUT,
				IssuedAt: n.IssuedAt, ExpiresAt: n.ExpiresAt, NotBefore: n.NotBefore, Extra: n.Extra})
			m.mu.Unlock()
			return nil
		}))
	t.Cleanup(m.srv.Close)
	return m
}

func (m *merchant) remember(s *etpay.Session) {
	m.mu.Lock()
	m.secrets[s.Token] = s.SignatureToken
	m.mu.Unlock()
}

func newClient(t *testing.T, srv *Server, opts ...etpay.Option) *etpay.Client {
	t.Helper()
	c, err := srv.Client(opts...)
	require.NoError(t, err)
	return c
}

func TestFullFlow(t *testing.T) {
	for _, enc := range []Encoding{JSON, Form, Raw} {
		srv := NewServer(WithNotificationEncoding(enc))
		defer srv.Close()
		m := newMerchant(t)
		c := newClient(t, srv)
		ctx := context.Background()

		s, err := c.Sessions.Create(ctx, &etpay.SessionRequest{OrderID: "OC700104", Amount: 2000, UserRUT: "12345678-5",
			WebhookURL: m.srv.URL + "/notify", CompletedURL: "https://shop.example/ok?order=OC700104"})
		require.NoError(t, err)
		assert.Equal(t, srv.PaymentURL()+"/session/"+s.Token, s.RedirectURL)
		m.remember(s)
		sig, ok := srv.SignatureToken(s.Token)
		require.True(t, ok)
		assert.Equal(t, s.SignatureToken, sig)

		res, err := srv.Pay(ctx, s.Token, etpay.PaymentSuccess)
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, res.Delivery.StatusCode)
		require.Len(t, m.got, 1)
		n := m.got[0]
		assert.False(t, n.IssuedAt.IsZero(), "the simulator stamps iat")
		assert.Equal(t, &etpay.Notification{SessionToken: s.Token, PaymentToken: res.PaymentToken, PaymentStatus: etpay.PaymentSuccess,
			OrderID: "OC700104", Amount: 2000, UserRUT: "12345678-5", IssuedAt: n.IssuedAt}, n)

		// The redirect carries the same JWT, for a result page only.
		assert.True(t, strings.HasPrefix(res.RedirectURL, "https://shop.example/ok?"), res.RedirectURL)
		v, err := etpay.NewWebhookVerifier(func(context.Context, string) (string, error) { return s.SignatureToken, nil })
		require.NoError(t, err)
		out, err := v.VerifyRedirect(httptest.NewRequest(http.MethodGet, res.RedirectURL, nil))
		require.NoError(t, err)
		assert.Equal(t, etpay.PaymentSuccess, out.PaymentStatus)

		pays, err := c.Payments.Status(ctx, &etpay.StatusQuery{PaymentToken: res.PaymentToken})
		require.NoError(t, err)
		require.Len(t, pays, 1)
		assert.Equal(t, etpay.Payment{PaymentToken: res.PaymentToken, PaymentStatus: etpay.PaymentSuccess, OrderID: "OC700104",
			Amount: 2000, SessionToken: s.Token, Extra: pays[0].Extra}, pays[0])
		assert.Contains(t, pays[0].Extra, "created_at")

		_, err = srv.Pay(ctx, s.Token, etpay.PaymentSuccess)
		assert.ErrorIs(t, err, ErrAlreadyPaid)
	}
}

func TestFailedThenPaid(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	c := newClient(t, srv)
	ctx := context.Background()
	s, err := c.Sessions.Create(ctx, &etpay.SessionRequest{OrderID: "A1", Amount: 990,
		CompletedURL: "https://shop.example/ok", CancellationURL: "https://shop.example/ko"})
	require.NoError(t, err)
	res, err := srv.Pay(ctx, s.Token, etpay.PaymentFailed)
	require.NoError(t, err)
	assert.Empty(t, res.Delivery.URL, "no webhook configured anywhere")
	assert.True(t, strings.HasPrefix(res.RedirectURL, "https://shop.example/ko?jwt="))
	_, err = srv.Pay(ctx, s.Token, etpay.PaymentSuccess)
	require.NoError(t, err)
	pays, err := c.Payments.Status(ctx, &etpay.StatusQuery{OrderID: "A1"})
	require.NoError(t, err)
	require.Len(t, pays, 2)
	assert.Equal(t, etpay.PaymentFailed, pays[0].PaymentStatus)
	assert.Equal(t, etpay.PaymentSuccess, pays[1].PaymentStatus)
	pays, err = c.Payments.Status(ctx, &etpay.StatusQuery{OrderID: "nothing"})
	require.NoError(t, err)
	assert.Empty(t, pays)

	_, err = srv.Pay(ctx, "nope", etpay.PaymentSuccess)
	assert.ErrorIs(t, err, ErrUnknownSession)
}

func TestServerWideWebhookAndRedelivery(t *testing.T) {
	hits := 0
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		if hits == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer hook.Close()
	srv := NewServer(WithWebhookURL(hook.URL))
	defer srv.Close()
	c := newClient(t, srv)
	s, err := c.Sessions.Create(context.Background(), &etpay.SessionRequest{OrderID: "A2", Amount: 5})
	require.NoError(t, err)
	res, err := srv.Pay(context.Background(), s.Token, etpay.PaymentSuccess)
	require.NoError(t, err)
	assert.Equal(t, 503, res.Delivery.StatusCode)
	d := srv.Redeliver(context.Background(), res, hook.URL)
	assert.Equal(t, 200, d.StatusCode)
	assert.Len(t, srv.Deliveries(), 2)
}

func TestServerChecks(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	post := func(path, ct, body string) (int, string) {
		resp, err := http.Post(srv.APIURL()+path, ct, strings.NewReader(body))
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	creds := `"merchant_code":"` + DefaultMerchantCode + `","merchant_api_token":"` + DefaultMerchantAPIToken + `"`
	for _, tt := range []struct {
		path, ct, body string
		want           int
	}{
		{"/session/initialize", "application/json", `{` + creds + `,"merchant_order_id":"A","order_amount":10}`, 200},
		{"/session/initialize", "application/json", `{` + creds + `,"merchant_order_id":"A","order_amount":10.5}`, 400},
		{"/session/initialize", "application/json", `{` + creds + `,"merchant_order_id":"A","order_amount":0}`, 400},
		{"/session/initialize", "application/json", `{` + creds + `,"merchant_order_id":"A B","order_amount":1}`, 400},
		{"/session/initialize", "application/json", `{` + creds + `,"merchant_order_id":"A","order_amount":1,"payment_webhook_url":"/x"}`, 400},
		{"/session/initialize", "application/json", `{"merchant_code":"x","merchant_api_token":"y","merchant_order_id":"A","order_amount":1}`, 401},
		{"/session/initialize", "application/json", `{"merchant_order_id":"A","order_amount":1}`, 401},
		{"/session/initialize", "text/plain", `{}`, 415},
		{"/session/initialize", "application/json", `{`, 400},
		{"/merchant/check_payment_status", "application/json", `{` + creds + `}`, 400},
		{"/merchant/check_payment_status", "application/json", `{` + creds + `,"session_token":"x"}`, 200},
	} {
		got, body := post(tt.path, tt.ct, tt.body)
		assert.Equal(t, tt.want, got, "%s %s → %s", tt.path, tt.body, body)
		if got >= 400 {
			assert.Contains(t, body, `"error":`)
			assert.Contains(t, body, `"message":`)
		}
	}
	resp, err := http.Get(srv.APIURL() + "/session/initialize")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 405, resp.StatusCode)
}

func TestWrongCredentialsError(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	c, err := etpay.NewClient(etpay.Credentials{MerchantCode: DefaultMerchantCode, MerchantAPIToken: "wrong-token-123"},
		etpay.WithAPIURL(srv.APIURL()), etpay.WithPaymentURL(srv.PaymentURL()))
	require.NoError(t, err)
	_, err = c.Sessions.Create(context.Background(), &etpay.SessionRequest{OrderID: "A", Amount: 1})
	var e *etpay.Error
	require.True(t, errors.As(err, &e))
	assert.Equal(t, 401, e.StatusCode)
	assert.Equal(t, "unauthorized", e.Code)
	assert.Equal(t, "invalid merchant credentials", e.Message)
	assert.NotContains(t, err.Error(), "wrong-token-123")
}

// TestNoRepeatAfterServerActed shows that a session the server may have
// created is never asked for twice, while a 429 refusal is retried and a
// status query, which only reads, is retried like a GET.
func TestNoRepeatAfterServerActed(t *testing.T) {
	const initPath, statusPath = "/api/session/initialize", "/api/merchant/check_payment_status"
	tests := []struct {
		name        string
		fault       sim.Fault
		path        string
		wantHandled int
		wantErr     bool
	}{
		{"reset after session created", sim.Fault{Kind: sim.ResetAfter}, initPath, 1, true},
		{"500 after session created", sim.Fault{Kind: sim.StatusAfter, Status: 500, Body: `{"error":"internal"}`}, initPath, 1, true},
		{"truncated answer", sim.Fault{Kind: sim.Truncate}, initPath, 1, true},
		{"HTML 502 before", sim.Fault{Kind: sim.HTMLPage}, initPath, 0, true},
		{"dropped before", sim.Fault{Kind: sim.DropBefore}, initPath, 0, true},
		{"empty body", sim.Fault{Kind: sim.EmptyBody}, initPath, 1, true},
		{"429 is retried", sim.Fault{Kind: sim.Status, Status: 429, Header: http.Header{"Retry-After": {"0"}}}, initPath, 1, false},
		{"503 on status is retried", sim.Fault{Kind: sim.Status, Status: 503}, statusPath, 1, false},
		{"reset after status read is retried", sim.Fault{Kind: sim.ResetAfter}, statusPath, 2, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := NewServer()
			defer srv.Close()
			c := newClient(t, srv, etpay.WithMaxRetries(3))
			f := tt.fault
			f.PathPrefix = tt.path
			srv.FailNext(1, f)
			var err error
			if tt.path == initPath {
				_, err = c.Sessions.Create(context.Background(), &etpay.SessionRequest{OrderID: "A", Amount: 1})
			} else {
				_, err = c.Payments.Status(context.Background(), &etpay.StatusQuery{OrderID: "A"})
			}
			assert.Equal(t, tt.wantErr, err != nil, "%v", err)
			assert.Equal(t, tt.wantHandled, srv.Handled(http.MethodPost, tt.path))
		})
	}
}

func TestFunnelPages(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	c := newClient(t, srv)
	_, err := c.Sessions.Create(context.Background(), &etpay.SessionRequest{OrderID: "A<b>", Amount: 1})
	require.Error(t, err, "validated client side")
	s, err := c.Sessions.Create(context.Background(), &etpay.SessionRequest{OrderID: "A7", Amount: 1500, CompletedURL: "https://shop.example/ok"})
	require.NoError(t, err)

	resp, err := http.Get(s.RedirectURL)
	require.NoError(t, err)
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)
	assert.Contains(t, string(page), "Pay order A7: $1500 CLP")

	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err = noFollow.PostForm(s.RedirectURL+"/pay", map[string][]string{"status": {"success"}})
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.True(t, strings.HasPrefix(resp.Header.Get("Location"), "https://shop.example/ok?jwt="))

	resp, err = http.Get(srv.PaymentURL() + "/session/unknown")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 404, resp.StatusCode)
}

func TestSignNotification(t *testing.T) {
	tok, err := SignNotification(map[string]any{"session_token": "s1", "payment_status": "success", "order_amount": 7,
		"exp": time.Now().Add(time.Hour).Unix()}, "secret-1")
	require.NoError(t, err)
	n, err := etpay.VerifyNotification(tok, "secret-1")
	require.NoError(t, err)
	assert.Equal(t, int64(7), n.Amount)
	_, err = etpay.VerifyNotification(tok, "secret-2")
	assert.ErrorIs(t, err, etpay.ErrSignature)
	_, err = SignNotification(nil, "")
	assert.Error(t, err)
	_, err = SignNotification(map[string]any{"x": make(chan int)}, "k")
	assert.Error(t, err)
}

// A notification redelivered after a 200 is the same JWT: the verifier
// acknowledges it without handing it to the merchant again.
func TestRedeliveryOfAHandledNotification(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	m := newMerchant(t)
	c := newClient(t, srv)
	s, err := c.Sessions.Create(context.Background(), &etpay.SessionRequest{OrderID: "A3", Amount: 5, WebhookURL: m.srv.URL})
	require.NoError(t, err)
	m.remember(s)
	res, err := srv.Pay(context.Background(), s.Token, etpay.PaymentSuccess)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, res.Delivery.StatusCode)
	assert.Equal(t, res.Notification, res.Delivery.Notification, "the delivery records the JWT it carried")

	d := srv.Redeliver(context.Background(), res, m.srv.URL)
	assert.Equal(t, http.StatusOK, d.StatusCode, "acknowledged")
	m.mu.Lock()
	defer m.mu.Unlock()
	assert.Len(t, m.got, 1, "but handled once")
}

// WithUntimedNotifications sends what ETpay's documents list (no iat); the
// verifiers take it only when told to.
func TestUntimedNotifications(t *testing.T) {
	srv := NewServer(WithUntimedNotifications())
	defer srv.Close()
	c := newClient(t, srv)
	s, err := c.Sessions.Create(context.Background(), &etpay.SessionRequest{OrderID: "A4", Amount: 5})
	require.NoError(t, err)
	res, err := srv.Pay(context.Background(), s.Token, etpay.PaymentSuccess)
	require.NoError(t, err)
	_, err = etpay.VerifyNotification(res.Notification, s.SignatureToken)
	assert.ErrorIs(t, err, etpay.ErrNoTimeClaims)
	n, err := etpay.VerifyNotification(res.Notification, s.SignatureToken, etpay.WithUntimedTokens())
	require.NoError(t, err)
	assert.True(t, n.IssuedAt.IsZero())
}
