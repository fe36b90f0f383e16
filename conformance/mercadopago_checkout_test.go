package conformance

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit/internal/sim"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
	"github.com/paykit-go/paykit/money"
)

// mercadopagoCheckoutCalls are the fault-matrix calls of the card checkout
// building blocks, card tokens, Checkout Pro and merchant orders.
func mercadopagoCheckoutCalls(t *testing.T, srv *mercadopagotest.Server, c, setup *mercadopago.Client) []call {
	pref, err := setup.Preferences.Create(bg, &mercadopago.PreferenceRequest{
		Items:             []mercadopago.PreferenceItem{{Title: "Tea", Quantity: 1, UnitPrice: money.FromInt(3000)}},
		BackURLs:          &mercadopago.BackURLs{Success: "https://shop.example/ok"},
		ExternalReference: "order-fault",
	})
	require.NoError(t, err)
	back, err := srv.PayCheckout(pref.ID, mercadopagotest.CheckoutCardApproved)
	require.NoError(t, err)
	u, err := url.Parse(back)
	require.NoError(t, err)
	ret, err := mercadopago.ParseCheckoutReturn(u.Query())
	require.NoError(t, err)
	tok, err := setup.CardTokens.Create(bg, &mercadopago.CardTokenRequest{CardNumber: mercadopagotest.CardMastercard, SecurityCode: "123",
		ExpirationMonth: 11, ExpirationYear: time.Now().Year() + 2, Cardholder: &mercadopago.Cardholder{Name: "APRO"}})
	require.NoError(t, err)
	moPath := "/merchant_orders/" + itoa(ret.MerchantOrderID)
	prefPath := "/checkout/preferences/" + pref.ID
	item := []mercadopago.MerchantOrderItem{{Title: "Tea", Quantity: 1, UnitPrice: money.FromInt(3000)}}
	get := func(name, path string, run func(context.Context) error) call {
		return call{name: name, method: "GET", path: path, repeatable: true, run: run}
	}
	withID := func(cl call, f func(context.Context, string) error) call { cl.withID = f; return cl }
	return []call{
		get("PaymentMethods.List", "/v1/payment_methods", func(ctx context.Context) error { _, err := c.PaymentMethods.List(ctx); return err }),
		get("PaymentMethods.Installments", "/v1/payment_methods/installments", func(ctx context.Context) error {
			_, err := c.PaymentMethods.Installments(ctx, &mercadopago.InstallmentsQuery{Amount: money.FromInt(15990), BIN: "503175"})
			return err
		}),
		get("PaymentMethods.CardIssuers", "/v1/payment_methods/card_issuers", func(ctx context.Context) error {
			_, err := c.PaymentMethods.CardIssuers(ctx, "visa")
			return err
		}),
		get("IdentificationTypes.List", "/v1/identification_types", func(ctx context.Context) error { _, err := c.IdentificationTypes.List(ctx); return err }),
		// A second card token charges nothing: the call may repeat.
		{name: "CardTokens.Create", method: "POST", path: "/v1/card_tokens", repeatable: true,
			run: func(ctx context.Context) error {
				_, err := c.CardTokens.Create(ctx, &mercadopago.CardTokenRequest{CardNumber: mercadopagotest.CardVisa, SecurityCode: "123",
					ExpirationMonth: 11, ExpirationYear: time.Now().Year() + 2, Cardholder: &mercadopago.Cardholder{Name: "APRO"}})
				return err
			}},
		withID(get("CardTokens.Get", "/v1/card_tokens/"+tok.ID, func(ctx context.Context) error { _, err := c.CardTokens.Get(ctx, tok.ID); return err }),
			func(ctx context.Context, id string) error { _, err := c.CardTokens.Get(ctx, id); return err }),
		{name: "Preferences.Create", method: "POST", path: "/checkout/preferences", repeatable: true, keyed: true, effects: srv.PreferenceCount,
			run: func(ctx context.Context) error {
				_, err := c.Preferences.Create(ctx, &mercadopago.PreferenceRequest{
					Items: []mercadopago.PreferenceItem{{Title: "Tea", Quantity: 2, UnitPrice: money.MustParse("1500.50")}}})
				return err
			}},
		withID(get("Preferences.Get", prefPath, func(ctx context.Context) error { _, err := c.Preferences.Get(ctx, pref.ID); return err }),
			func(ctx context.Context, id string) error { _, err := c.Preferences.Get(ctx, id); return err }),
		{name: "Preferences.Update", method: "PUT", path: prefPath, repeatable: true,
			run: func(ctx context.Context) error {
				_, err := c.Preferences.Update(ctx, pref.ID, &mercadopago.PreferenceRequest{StatementDescriptor: "TEA"})
				return err
			},
			withID: func(ctx context.Context, id string) error {
				_, err := c.Preferences.Update(ctx, id, &mercadopago.PreferenceRequest{StatementDescriptor: "TEA"})
				return err
			}},
		get("Preferences.SearchPage", "/checkout/preferences/search", func(ctx context.Context) error {
			_, err := c.Preferences.SearchPage(ctx, &mercadopago.PreferenceSearch{ExternalReference: "order-fault"})
			return err
		}),
		get("Payments.ConfirmReturn", "/v1/payments/"+itoa(ret.PaymentID), func(ctx context.Context) error {
			_, err := c.Payments.ConfirmReturn(ctx, ret, "order-fault")
			return err
		}),
		{name: "MerchantOrders.Create", method: "POST", path: "/merchant_orders", repeatable: true, keyed: true, effects: srv.MerchantOrderCount,
			run: func(ctx context.Context) error {
				_, err := c.MerchantOrders.Create(ctx, &mercadopago.MerchantOrderRequest{ExternalReference: "order-mo", Items: item})
				return err
			}},
		get("MerchantOrders.Get", moPath, func(ctx context.Context) error { _, err := c.MerchantOrders.Get(ctx, ret.MerchantOrderID); return err }),
		{name: "MerchantOrders.Update", method: "PUT", path: moPath, repeatable: true,
			run: func(ctx context.Context) error {
				_, err := c.MerchantOrders.Update(ctx, ret.MerchantOrderID, &mercadopago.MerchantOrderRequest{AdditionalInfo: "gift"})
				return err
			}},
		get("MerchantOrders.SearchPage", "/merchant_orders/search", func(ctx context.Context) error {
			_, err := c.MerchantOrders.SearchPage(ctx, &mercadopago.MerchantOrderSearch{PreferenceID: pref.ID})
			return err
		}),
	}
}

// TestNoCardDataReachesLogsErrorsOrFormattedValuesCheckout plants card data,
// card tokens and the access token in the card-checkout and Checkout Pro
// calls and looks for them in logs, errors and formatted values.
func TestNoCardDataReachesLogsErrorsOrFormattedValuesCheckout(t *testing.T) {
	ctx := context.Background()
	w := newLeakWatch()
	const token = "APP_USR-PLANTED-7723-mercadopago-access-token"
	w.secret("access token", token)
	srv := mercadopagotest.NewServer(mercadopagotest.WithAccessToken(token))
	defer srv.Close()
	hc := &http.Client{Transport: w.transport()}
	c, err := srv.Client(mercadopago.WithLogger(w.logger()), mercadopago.WithHTTPClient(hc), mercadopago.WithRetryBackoff(instantBackoff, instantBackoff))
	require.NoError(t, err)
	w.see(c.PaymentMethods, c.IdentificationTypes, c.CardTokens, c.Preferences, c.MerchantOrders)

	req := &mercadopago.CardTokenRequest{CardNumber: mercadopagotest.Card3DSChallenge, SecurityCode: "123",
		ExpirationMonth: 11, ExpirationYear: time.Now().Year() + 2, Cardholder: &mercadopago.Cardholder{Name: "APRO"}}
	w.secret("card number", req.CardNumber)
	w.see(req, *req)
	w.logger().Info("token request", "req", req, "value", *req)
	tok, err := c.CardTokens.Create(ctx, req)
	require.NoError(t, err)
	w.secret("card token", tok.ID)
	w.see(tok, *tok)
	w.logger().Info("token", "tok", tok, "value", *tok)
	// GET /v1/card_tokens/{id} carries the token in its path: the debug
	// log and errors show the path with the token redacted.
	got, err := c.CardTokens.Get(ctx, tok.ID)
	require.NoError(t, err)
	w.see(got)
	srv.FailNext(1, sim.Fault{Kind: sim.Status, Status: 404, Body: `{"message":"not found","error":"not_found","status":404,"cause":[]}`})
	_, err = c.CardTokens.Get(ctx, tok.ID)
	require.Error(t, err)
	require.Contains(t, err.Error(), "/v1/card_tokens/[redacted]")
	w.see(err)

	// A bad card number is refused without being repeated.
	bad := *req
	bad.CardNumber = "5483928164574624"
	w.secret("bad card number", bad.CardNumber)
	_, err = c.CardTokens.Create(ctx, &bad)
	require.Error(t, err)
	w.see(err)

	p, err := c.Payments.Create(ctx, &mercadopago.PaymentRequest{TransactionAmount: money.MustParse("100"), Token: tok.ID,
		Installments: mercadopago.Ptr(1), Payer: &mercadopago.PaymentPayer{Email: "payer@example.com"}, ThreeDSecureMode: mercadopago.ThreeDSOptional})
	require.NoError(t, err)
	ch, ok := p.Challenge()
	require.True(t, ok)
	w.see(p, ch)

	pref, err := c.Preferences.Create(ctx, &mercadopago.PreferenceRequest{
		Items: []mercadopago.PreferenceItem{{Title: "Tea", Quantity: 1, UnitPrice: money.FromInt(3000)}}})
	require.NoError(t, err)
	w.see(pref)
	srv.FailNext(1, sim.Fault{Kind: sim.Status, Status: 400, Body: `{"message":"bad token ` + token + ` card ` + req.CardNumber + `","error":"bad_request","status":400,"cause":[]}`})
	_, err = c.Preferences.Get(ctx, pref.ID)
	require.Error(t, err)
	w.see(err)
	q, _ := url.ParseQuery("payment_id=" + strings.Repeat("9", 30))
	_, err = mercadopago.ParseCheckoutReturn(q)
	w.see(err)
	w.check(t)
}
