package conformance

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit/etpay"
	"github.com/paykit-go/paykit/internal/wiretest"
)

// etpayWireCreds are the credentials of the etpay wire rows: ETpay reads
// them from every request body, never from a header.
var etpayWireCreds = etpay.Credentials{MerchantCode: "cl_demo_cl", MerchantAPIToken: "4a005f0eca91cd9474cadce4e5fc6f91"}

// etpayWire is where the etpay client puts each call on the wire. The API
// lives under /api on the test server, the payment pages under /pmt.
func etpayWire(t *testing.T) (wiretest.Provider[*etpay.Client], []wiretest.Row[*etpay.Client]) {
	fixture := func(name string) string {
		b, err := readFixture("etpay", name)
		require.NoError(t, err)
		return string(b)
	}
	creds := `"merchant_code":"cl_demo_cl","merchant_api_token":"4a005f0eca91cd9474cadce4e5fc6f91"`
	session := wiretest.Reply{Body: fixture("session_initialize_response.json"), Header: http.Header{"X-Request-Id": {"req-123"}}}
	statusReply := wiretest.Reply{Body: fixture("check_payment_status_response.json")}
	wantSession := func(t *testing.T, got any) {
		s := got.(*etpay.Session)
		assert.Equal(t, "Wm9kNEJ2c2VzczEyMw", s.Token)
		assert.Equal(t, "9c1d0b7e2f5a4c3b8e6d1f0a7b2c9e4d", s.SignatureToken)
		assert.True(t, strings.HasSuffix(s.RedirectURL, "/pmt/session/Wm9kNEJ2c2VzczEyMw"), s.RedirectURL)
		assert.Equal(t, "req-123", s.Meta.RequestID)
		assert.Equal(t, 1, s.Meta.Attempts)
		assert.Empty(t, s.Meta.IdempotencyKey)
	}
	status := func(q *etpay.StatusQuery) func(context.Context, *etpay.Client) (any, error) {
		return func(ctx context.Context, c *etpay.Client) (any, error) { return c.Payments.Status(ctx, q) }
	}
	p := wiretest.Provider[*etpay.Client]{
		Name: "etpay",
		New: func(t *testing.T, base string) *etpay.Client {
			c, err := etpay.NewClient(etpayWireCreds, etpay.WithAPIURL(base+"/api"), etpay.WithPaymentURL(base+"/pmt"))
			require.NoError(t, err)
			return c
		},
		Auth: wiretest.NoAuth, // the credentials travel in the body only
		Check: func(t testing.TB, r *wiretest.Request) {
			assert.Equal(t, "application/json", r.Header.Get("Accept"))
			assert.Contains(t, r.Header.Get("User-Agent"), "(etpay)")
		},
	}
	rows := []wiretest.Row[*etpay.Client]{
		{Name: "Sessions.Create (minimal)", Method: "POST", Path: "/api/session/initialize",
			Call: func(ctx context.Context, c *etpay.Client) (any, error) {
				return c.Sessions.Create(ctx, &etpay.SessionRequest{OrderID: "OC700104", Amount: 2000})
			},
			Body: fixture("session_initialize_request_min.json"), Reply: session, Then: wantSession},
		{Name: "Sessions.Create (every field)", Method: "POST", Path: "/api/session/initialize",
			Call: func(ctx context.Context, c *etpay.Client) (any, error) {
				req := &etpay.SessionRequest{
					OrderID: "OC-700104", Amount: 50000, CustomerEmail: "payer@example.com",
					Metadata:     []etpay.Metadata{{Name: "Cuenta Servicio Gas", Value: "30.215", Show: true}, {Name: "internal", Value: "x"}},
					UserBankCode: etpay.BankEstado, UserRUT: "12345678-5", BlockRUT: true,
					CompletedURL: "https://shop.example/ok?o=1&x=<y>", CancellationURL: "https://shop.example/cancel",
					WebhookURL: "https://shop.example/etpay/notify",
				}
				before := *req
				s, err := c.Sessions.Create(ctx, req)
				assert.Equal(t, before, *req, "the caller's request is not modified")
				return s, err
			},
			Body: fixture("session_initialize_request.json"), Reply: session, Then: wantSession},
		{Name: "Sessions.Create (drifted answer)", Method: "POST", Path: "/api/session/initialize",
			Call: func(ctx context.Context, c *etpay.Client) (any, error) {
				return c.Sessions.Create(ctx, &etpay.SessionRequest{OrderID: "OC700104", Amount: 2000})
			},
			Body:  fixture("session_initialize_request_min.json"),
			Reply: wiretest.Reply{Body: fixture("session_initialize_response_drifted.json"), Header: session.Header}, Then: wantSession},
		{Name: "Payments.Status (by order)", Method: "POST", Path: "/api/merchant/check_payment_status",
			Call: status(&etpay.StatusQuery{OrderID: "OC700104"}),
			Body: fixture("check_payment_status_request.json"), Reply: statusReply,
			Then: func(t *testing.T, got any) {
				ps := got.([]etpay.Payment)
				require.Len(t, ps, 2)
				assert.Equal(t, etpay.Payment{PaymentToken: "pay_91c2", PaymentStatus: etpay.PaymentSuccess, OrderID: "OC700104",
					Amount: 2000, SessionToken: "Wm9kNEJ2c2VzczEyMw"}, ps[0])
				assert.Equal(t, etpay.PaymentFailed, ps[1].PaymentStatus)
			}},
		{Name: "Payments.Status (by payment token)", Method: "POST", Path: "/api/merchant/check_payment_status",
			Call: status(&etpay.StatusQuery{PaymentToken: "pay_1"}),
			Body: `{` + creds + `,"payment_token":"pay_1"}`, Reply: wiretest.Reply{Body: `[]`}},
		{Name: "Payments.Status (by session token)", Method: "POST", Path: "/api/merchant/check_payment_status",
			Call: status(&etpay.StatusQuery{SessionToken: "sess_1"}),
			Body: `{` + creds + `,"session_token":"sess_1"}`, Reply: wiretest.Reply{Body: `[]`},
			Then: func(t *testing.T, got any) {
				assert.NotNil(t, got.([]etpay.Payment))
				assert.Empty(t, got.([]etpay.Payment))
			}},
		// An unsigned return: the payment is asked for by the order id.
		{Name: "Payments.ConfirmReturn (unsigned)", Method: "POST", Path: "/api/merchant/check_payment_status",
			Call: func(ctx context.Context, c *etpay.Client) (any, error) {
				v, err := etpay.NewWebhookVerifier(func(context.Context, string) (string, error) { return "", nil })
				if err != nil {
					return nil, err
				}
				return c.Payments.ConfirmReturn(ctx, v, httptest.NewRequest(http.MethodGet, "/etpay/ok?order=OC700104", nil), "OC700104")
			},
			Body: fixture("check_payment_status_request.json"), Reply: statusReply,
			Then: func(t *testing.T, got any) {
				rc := got.(*etpay.RedirectConfirmation)
				assert.False(t, rc.Signed)
				require.NotNil(t, rc.Payment)
				assert.True(t, rc.Paid())
			}},
	}
	return p, rows
}
