package conformance

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit/finrota"
	"github.com/paykit-go/paykit/internal/wiretest"
	"github.com/paykit-go/paykit/money"
)

// finrotaWire is where the finrota client puts each call on the wire. Every
// call first fetches an access token with the key pair in the body (the
// Aux answer), then sends it as a Bearer credential.
func finrotaWire(t *testing.T) (wiretest.Provider[*finrota.Client], []wiretest.Row[*finrota.Client]) {
	fixture := func(name string) string {
		b, err := readFixture("finrota", name)
		require.NoError(t, err)
		return strings.TrimSpace(string(b))
	}
	const apiKey, secretKey = "ak_live_0123456789", "sk_live_abcdefghij"
	const access = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtZXJjaGFudCJ9.c2lnbmF0dXJl" // in token_connect.json
	now := time.Date(2030, 1, 2, 10, 0, 0, 0, time.UTC)
	p := wiretest.Provider[*finrota.Client]{
		Name: "finrota",
		New: func(t *testing.T, base string) *finrota.Client {
			c, err := finrota.NewClient(finrota.Credentials{APIKey: apiKey, SecretKey: secretKey}, finrota.WithBaseURL(base),
				finrota.WithClock(func() time.Time { return now }))
			require.NoError(t, err)
			return c
		},
		Auth: "Bearer " + access,
		Aux:  map[string]wiretest.Reply{"POST /auth/api/token/connect": {Body: fixture("token_connect.json")}},
		AuxCheck: func(t testing.TB, r *wiretest.Request) {
			assert.Equal(t, `{"apiKey":"`+apiKey+`","secretKey":"`+secretKey+`"}`, string(r.Body))
			assert.Empty(t, r.Header.Get("Authorization"), "the key pair travels in the body only")
		},
		Check: func(t testing.TB, r *wiretest.Request) {
			assert.Equal(t, "application/json", r.Header.Get("Accept"))
			assert.Contains(t, r.Header.Get("User-Agent"), "(finrota)")
		},
	}
	txGet := func(lookup finrota.TransactionLookup) func(context.Context, *finrota.Client) (any, error) {
		return func(ctx context.Context, c *finrota.Client) (any, error) { return c.Transactions.Get(ctx, lookup) }
	}
	transaction := wiretest.Reply{Body: fixture("transaction.json")}
	rows := []wiretest.Row[*finrota.Client]{
		{Name: "Widget.CreateToken", Method: "GET", Path: "/b2c/widget/token",
			Call:  func(ctx context.Context, c *finrota.Client) (any, error) { return c.Widget.CreateToken(ctx) },
			Reply: wiretest.Reply{Body: fixture("widget_token.json")},
			Then: func(t *testing.T, got any) {
				assert.Equal(t, finrota.WidgetToken("wdg_7f3c9a1e2b4d4f60a1c2"), got.(*finrota.WidgetTokenResponse).Token)
			}},
		{Name: "Widget.Pay", Method: "POST", Path: "/b2c/widget/payment",
			Call: func(ctx context.Context, c *finrota.Client) (any, error) {
				return c.Widget.Pay(ctx, &finrota.PaymentRequest{PrepareToken: "prp_5d1e0c9b8a7f", Amount: money.MustParse("2750"),
					ReturnURL: "https://shop.example/finrota/return?order=A-1001", ClientReferenceCode: "A-1001", CustomerIP: "203.0.113.7"})
			},
			Body: fixture("payment_request.json"), Reply: wiretest.Reply{Body: fixture("payment_direct.json")},
			Then: func(t *testing.T, got any) { assert.True(t, got.(*finrota.PaymentResult).Paid()) }},
		{Name: "Transactions.Get (by transaction id)", Method: "GET", Path: "/pws/payment/transaction", Query: "transactionId=884213",
			Call: txGet(finrota.ByTransactionID("884213")), Reply: transaction},
		{Name: "Transactions.Get (by reference number)", Method: "GET", Path: "/pws/payment/transaction", Query: "referenceNumber=FR2030010200001",
			Call: txGet(finrota.ByReferenceNumber("FR2030010200001")), Reply: transaction},
		{Name: "Transactions.Get (by client reference)", Method: "GET", Path: "/pws/payment/transaction", Query: "clientReferenceNumber=A-1001+%26x",
			Call: txGet(finrota.ByClientReference("A-1001 &x")), Reply: transaction},
		{Name: "Transactions.ConfirmReturn", Method: "GET", Path: "/pws/payment/transaction", Query: "clientReferenceNumber=A-1001",
			Call: func(ctx context.Context, c *finrota.Client) (any, error) {
				r := httptest.NewRequest(http.MethodGet, "https://shop.example/finrota/return?order=A-1001&clientReferenceCode=A-1001", nil)
				return c.Transactions.ConfirmReturn(ctx, r, "A-1001")
			},
			Reply: transaction,
			Then:  func(t *testing.T, got any) { assert.True(t, got.(*finrota.Transaction).Paid()) }},
		{Name: "Transactions.Refund", Method: "POST", Path: "/pws/payment/refund",
			Call: func(ctx context.Context, c *finrota.Client) (any, error) {
				return c.Transactions.Refund(ctx, &finrota.RefundRequest{ReferenceCode: "FR2030010200001", Amount: money.MustParse("10.00"), Reason: "damaged"})
			},
			Body: `{"referenceCode":"FR2030010200001","refundAmount":10.00,"reason":"damaged"}`, Reply: wiretest.Reply{Body: fixture("refund_ok.json")}},
		{Name: "Transactions.Cancel", Method: "POST", Path: "/pws/payment/cancel",
			Call: func(ctx context.Context, c *finrota.Client) (any, error) {
				return c.Transactions.Cancel(ctx, &finrota.CancelRequest{ReferenceCode: "FR2030010200001", Reason: "customer changed mind"})
			},
			Body: `{"referenceCode":"FR2030010200001","reason":"customer changed mind"}`, Reply: wiretest.Reply{Body: fixture("cancel_ok.json")}},
		{Name: "Transactions.SearchPage", Method: "GET", Path: "/erp/payments",
			Query: "StartDate=2025-09-01T00%3A00%3A00Z&EndDate=2025-09-30T23%3A59%3A59Z&vendorErpCode=GARANTI&NonIntegrated=true&page=1&pageSize=2",
			Call: func(ctx context.Context, c *finrota.Client) (any, error) {
				yes := true
				return c.Transactions.SearchPage(ctx, &finrota.TransactionSearch{From: time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC),
					To: time.Date(2025, 9, 30, 23, 59, 59, 0, time.UTC), VendorERPCode: "GARANTI", NonIntegrated: &yes, PageSize: 2})
			},
			Reply: wiretest.Reply{Body: fixture("erp_payments_page1.json")}},
		// The installment options want the token in Proxy-Authorization.
		{Name: "PaymentOptions", Method: "GET", Path: "/b2c/paymentOptions", Query: "amount=27.50&binNumber=41556501&currency=TRY",
			AuthHeader: "Proxy-Authorization",
			Header:     map[string]string{"Authorization": ""},
			Call: func(ctx context.Context, c *finrota.Client) (any, error) {
				return c.PaymentOptions(ctx, "41556501", money.MustParse("27.50"), "TRY")
			},
			Reply: wiretest.Reply{Body: fixture("payment_options.json")}},
	}
	return p, rows
}
