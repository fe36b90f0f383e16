package conformance

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit/fintecture"
	"github.com/paykit-go/paykit/internal/httpsig"
	"github.com/paykit-go/paykit/internal/wiretest"
	"github.com/paykit-go/paykit/money"
)

// fintectureWire is where the fintecture client (production: every call
// signed) puts each call on the wire. The PIS calls first fetch a token
// (the Aux answer) and send it as a Bearer credential; the resource calls
// name the app in an App_id header instead. New calls go at the end of
// rows, one row each.
func fintectureWire(t *testing.T) (wiretest.Provider[*fintecture.Client], []wiretest.Row[*fintecture.Client]) {
	fixture := func(name string) string {
		b, err := readFixture("fintecture", name)
		require.NoError(t, err)
		return string(b)
	}
	const appID, appSecret = "2dfdcf57-5b2f-4309-846f-913d0b2802cf", "app-secret-do-not-print-7f3a"
	const token = "eyJhbGciOiJub25lIn0.eyJleHAiOjE1MTQwODA0MjQsI.sandboxtoken" // in token.json
	key := []byte(fixture("key.pem"))
	basic := func() string {
		r, _ := http.NewRequest(http.MethodGet, "http://x", nil)
		r.SetBasicAuth(appID, appSecret)
		return r.Header.Get("Authorization")
	}()
	const tokenPath = "/oauth/accesstoken"
	tokenBody := "app_id=" + appID + "&grant_type=client_credentials&scope=PIS"
	p := wiretest.Provider[*fintecture.Client]{
		Name: "fintecture",
		New: func(t *testing.T, base string) *fintecture.Client {
			c, err := fintecture.NewClient(fintecture.Credentials{AppID: appID, AppSecret: appSecret, PrivateKey: key},
				fintecture.WithEnvironment(fintecture.Production), fintecture.WithBaseURL(base))
			require.NoError(t, err)
			return c
		},
		Auth: "Bearer " + token,
		Aux:  map[string]wiretest.Reply{"POST " + tokenPath: {Body: fixture("token.json")}},
		AuxCheck: func(t testing.TB, r *wiretest.Request) {
			assert.Equal(t, basic, r.Header.Get("Authorization"))
			assert.Equal(t, tokenBody, string(r.Body))
		},
		// Every call but the token's is signed: a Digest of the body when
		// there is one, a Date and a request id, all under the signature.
		Check: func(t testing.TB, r *wiretest.Request) {
			assert.Equal(t, "application/json", r.Header.Get("Accept"))
			assert.Contains(t, r.Header.Get("User-Agent"), "paykit-go/")
			if r.Path == tokenPath {
				for _, h := range []string{"Signature", "Digest", "Date", "X-Request-Id"} {
					assert.Empty(t, r.Header.Get(h), "the token call must not carry %s", h)
				}
				return
			}
			signed := `headers="(request-target) date x-request-id"`
			if len(r.Body) > 0 {
				assert.Equal(t, httpsig.Digest(r.Body), r.Header.Get("Digest"))
				signed = `headers="(request-target) date digest x-request-id"`
			} else {
				assert.Empty(t, r.Header.Get("Digest"), "no body, no Digest")
			}
			assert.True(t, strings.HasPrefix(r.Header.Get("Signature"), `keyId="`+appID+`",algorithm="rsa-sha256",`+signed+`,signature="`),
				r.Header.Get("Signature"))
			_, err := time.Parse(http.TimeFormat, r.Header.Get("Date"))
			assert.NoError(t, err, "Date")
			assert.NotEmpty(t, r.Header.Get("X-Request-Id"))
		},
	}
	sid := "44f00841780445d4981be9ea2f8aafae"
	resource := map[string]string{"App_id": appID}
	rows := []wiretest.Row[*fintecture.Client]{
		{Name: "Token", Method: "POST", Path: tokenPath, Auth: basic, ContentType: "application/x-www-form-urlencoded",
			Call: func(ctx context.Context, c *fintecture.Client) (any, error) { return c.Token(ctx) },
			Body: tokenBody, Reply: wiretest.Reply{Body: fixture("token.json")}},
		{Name: "PIS.Connect", Method: "POST", Path: "/pis/v2/connect",
			Query: "redirect_uri=https%3A%2F%2Fshop.example.com%2Ffintecture%2Freturn&state=order-B34970692",
			Call: func(ctx context.Context, c *fintecture.Client) (any, error) {
				return c.PIS.Connect(ctx, &fintecture.ConnectRequest{Amount: money.MustParse("273"), Currency: "EUR", Communication: "B34970692",
					RedirectURI: "https://shop.example.com/fintecture/return", State: "order-B34970692",
					PSU: &fintecture.PSU{Name: "Julien Lefebre", Email: "julien.lefebre@example.com", Phone: "09743593535",
						Company: "My Business SARL", Incorporation: "123456789",
						Address: &fintecture.Address{Street: "rue Marie Stuart", Number: "2", Complement: "2nd floor", Zip: "75002", City: "PARIS", Country: "FR"}}})
			},
			Body: fixture("connect_request.json"), Reply: wiretest.Reply{Body: fixture("connect_response.json")},
			Then: func(t *testing.T, got any) { assert.Equal(t, sid, got.(*fintecture.Session).SessionID) }},
		{Name: "PIS.GetPayment", Method: "GET", Path: "/pis/v2/payments/" + sid,
			Call:  func(ctx context.Context, c *fintecture.Client) (any, error) { return c.PIS.GetPayment(ctx, sid) },
			Reply: wiretest.Reply{Body: fixture("payment.json")},
			Then:  func(t *testing.T, got any) { assert.True(t, got.(*fintecture.Payment).Status.Paid()) }},
		{Name: "PIS.ConfirmReturn", Method: "GET", Path: "/pis/v2/payments/" + sid,
			Call: func(ctx context.Context, c *fintecture.Client) (any, error) {
				cb, err := fintecture.ParseCallback(url.Values{"session_id": {sid}, "state": {"order-1"}, "status": {"payment_created"}})
				if err != nil {
					return nil, err
				}
				return c.PIS.ConfirmReturn(ctx, cb, "order-1")
			},
			Reply: wiretest.Reply{Body: fixture("payment.json")}},
		{Name: "PIS.CancelPayment", Method: "PATCH", Path: "/pis/v2/payments/s1",
			Call: func(ctx context.Context, c *fintecture.Client) (any, error) { return c.PIS.CancelPayment(ctx, "s1") },
			Body: `{"meta":{"status":"payment_cancelled"}}`, Reply: wiretest.Reply{Body: ``},
			Then: func(t *testing.T, got any) {
				assert.Equal(t, fintecture.StatusCancelled, got.(*fintecture.Payment).Status)
			}},
		{Name: "PIS.UpdatePayment", Method: "PATCH", Path: "/pis/v2/payments/s1",
			Call: func(ctx context.Context, c *fintecture.Client) (any, error) {
				return c.PIS.UpdatePayment(ctx, "s1", &fintecture.PaymentUpdate{Amount: money.MustParse("1.5"),
					TransferReason: "price_changed", InvoiceReference: "#1"})
			},
			Body:  `{"meta":{"amount":"1.50","transfer_reason":"price_changed"},"data":{"attributes":{"invoice_reference":"#1"}}}`,
			Reply: wiretest.Reply{Body: fixture("payment_updated.json")}},
		{Name: "PIS.Refund", Method: "POST", Path: "/pis/v2/refund", Query: "state=credit+note+7",
			Call: func(ctx context.Context, c *fintecture.Client) (any, error) {
				return c.PIS.Refund(ctx, &fintecture.RefundRequest{SessionID: "s1", Amount: money.MustParse("15.2"),
					Communication: "REFUND ORDER-123", State: "credit note 7"})
			},
			Body:  `{"meta":{"session_id":"s1"},"data":{"attributes":{"amount":"15.20","communication":"REFUND ORDER-123"}}}`,
			Reply: wiretest.Reply{Body: `{"meta":{"session_id":"r1","refunded_session_id":"s1","status":"refund_waiting"}}`}},
		{Name: "PIS.GetRefund", Method: "GET", Path: "/pis/v2/payments/c1f0e2d3b4a5968778695a4b3c2d1e0f",
			Call: func(ctx context.Context, c *fintecture.Client) (any, error) {
				return c.PIS.GetRefund(ctx, "c1f0e2d3b4a5968778695a4b3c2d1e0f")
			},
			Reply: wiretest.Reply{Body: fixture("refund_status.json")}},
		{Name: "PIS.RequestToPay", Method: "POST", Path: "/pis/v2/request-to-pay",
			Query:  "redirect_uri=https%3A%2F%2Fshop.example.com%2Ffintecture%2Freturn&state=inv-8786469",
			Header: map[string]string{"X-Language": "fr"},
			Call: func(ctx context.Context, c *fintecture.Client) (any, error) {
				return c.PIS.RequestToPay(ctx, &fintecture.RequestToPayRequest{
					Amount: money.MustParse("230.79"), Currency: "EUR", Communication: "Reference 8786469",
					Name: "M. John Doe", Email: "john@doe.com", Phone: "06 01 02 03 04", PhonePrefix: "+33",
					Address: &fintecture.Address{Number: "5", Street: "Parvis Alan Turing", Zip: "75013", City: "Paris", Country: "FR"},
					CC:      "copy@shop.example", Expiry: 24 * time.Hour, Language: "fr",
					RedirectURI: "https://shop.example.com/fintecture/return", State: "inv-8786469"})
			},
			Body: `{"meta":{"psu_name":"M. John Doe","psu_email":"john@doe.com","psu_phone":"0601020304","psu_phone_prefix":"+33",` +
				`"psu_address":{"street":"Parvis Alan Turing","street_number":"5","zip":"75013","city":"Paris","country":"FR"},` +
				`"cc":"copy@shop.example","expiry":86400},` +
				`"data":{"type":"REQUEST_TO_PAY","attributes":{"amount":"230.79","currency":"EUR","communication":"Reference 8786469"}}}`,
			Reply: wiretest.Reply{Body: fixture("request_to_pay_response.json")}},
		{Name: "PIS.ListPaymentsPage", Method: "GET", Path: "/pis/v2/payments",
			Query: "filter%5Bstatus%5D=payment_created&filter%5Bdate_from%5D=2024-03-01&filter%5Bdate_to%5D=2024-03-31&page%5Bnumber%5D=1&page%5Bsize%5D=2",
			Call: func(ctx context.Context, c *fintecture.Client) (any, error) {
				return c.PIS.ListPaymentsPage(ctx, &fintecture.PaymentQuery{Status: fintecture.StatusCreated,
					From: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC), PageSize: 2})
			},
			Reply: wiretest.Reply{Body: fixture("payments_page1.json")}},
		{Name: "PIS.ListSettlementsPage", Method: "GET", Path: "/pis/v2/settlements",
			Query: "filter%5Bdate_from%5D=2024-03-01&page%5Bnumber%5D=1&page%5Bsize%5D=50",
			Call: func(ctx context.Context, c *fintecture.Client) (any, error) {
				return c.PIS.ListSettlementsPage(ctx, &fintecture.SettlementQuery{From: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)})
			},
			Reply: wiretest.Reply{Body: fixture("settlements.json")}},
		{Name: "PIS.GetSettlement", Method: "GET", Path: "/pis/v2/settlements/127335fdeb073e0eb2313ba0bd71ad44", Query: "include=payments",
			Call: func(ctx context.Context, c *fintecture.Client) (any, error) {
				return c.PIS.GetSettlement(ctx, "127335fdeb073e0eb2313ba0bd71ad44", true)
			},
			Reply: wiretest.Reply{Body: fixture("settlement_included.json")}},
		{Name: "Providers.List", Method: "GET", Path: "/res/v1/providers", Auth: wiretest.NoAuth, Header: resource,
			Query: "filter%5Bcountry%5D=FR&filter%5Bpis%5D=iSCT&filter%5Bpsu_type%5D=retail&filter%5Bauth_model%5D=redirect&sort%5Bfull_name%5D=DESC&filter%5Bbic%5D=CMCIFRPP",
			Call: func(ctx context.Context, c *fintecture.Client) (any, error) {
				return c.Providers.List(ctx, &fintecture.ProviderQuery{Country: "FR", PIS: fintecture.SchemeInstantSEPA, PSUType: fintecture.PSURetail,
					AuthModel: fintecture.AuthRedirect, SortBy: fintecture.SortByFullName, Descending: true, Extra: url.Values{"filter[bic]": {"CMCIFRPP"}}})
			},
			Reply: wiretest.Reply{Body: fixture("providers.json")}},
		{Name: "Providers.Get", Method: "GET", Path: "/res/v1/providers/cmcifrpp", Auth: wiretest.NoAuth, Header: resource,
			Call:  func(ctx context.Context, c *fintecture.Client) (any, error) { return c.Providers.Get(ctx, "cmcifrpp") },
			Reply: wiretest.Reply{Body: fixture("provider_one.json")}},
	}
	return p, rows
}
