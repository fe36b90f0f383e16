package conformance

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit/internal/wiretest"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/money"
)

// mercadopagoWire is where the mercadopago client puts each call on the
// wire: a Bearer access token on every call but the OAuth token ones (the
// client secret travels in their body), and an X-Idempotency-Key on every
// write, generated unless the caller gives one.
func mercadopagoWire(t *testing.T) (wiretest.Provider[*mercadopago.Client], []wiretest.Row[*mercadopago.Client]) {
	fixture := func(name string) string {
		b, err := readFixture("mercadopago", name)
		require.NoError(t, err)
		return string(b)
	}
	reply := func(name string) wiretest.Reply { return wiretest.Reply{Body: fixture(name)} }
	const token = "TEST-4412-0000-secret-access-token"
	type mp = *mercadopago.Client
	p := wiretest.Provider[mp]{
		Name: "mercadopago",
		New: func(t *testing.T, base string) mp {
			c, err := mercadopago.NewClient(mercadopago.Credentials{AccessToken: token}, mercadopago.WithBaseURL(base))
			require.NoError(t, err)
			return c
		},
		Auth:              "Bearer " + token,
		IdempotencyHeader: mercadopago.IdempotencyHeader,
		Check: func(t testing.TB, r *wiretest.Request) {
			assert.Equal(t, "application/json", r.Header.Get("Accept"))
			assert.True(t, strings.HasPrefix(r.Header.Get("User-Agent"), "paykit-go/"), r.Header.Get("User-Agent"))
		},
	}
	const (
		payment  = int64(1316782591)
		customer = "255276729-yLOTNHQjpDWw1X"
		card     = "1493990563105"
		prefID   = "1003743392-7c8a2cd6-33a5-4e36-bb73-8f6f3b1e2a11"
		order    = "01JAQD7X3WDPR0QXH2FM2ZD8WY"
		plan     = "2c93"
	)
	app := &mercadopago.OAuthApp{ClientID: "4599991948843755", ClientSecret: "planted-client-secret-7731", RedirectURI: "https://shop.example/mp/callback"}
	// The upload's boundary is derived from the files (sha256 of their
	// bytes, in order), so the same upload is the same body.
	sum := sha256.Sum256([]byte("%PDF-1.4 invoiceJFIF proof"))
	uploadBoundary := "paykit" + hex.EncodeToString(sum[:])[:30]
	pay := "/v1/payments/" + itoa(payment)
	cust := "/v1/customers/" + customer
	cards := cust + "/cards"
	orders := "/v1/orders/" + order
	rows := []wiretest.Row[mp]{
		// Payments
		{Name: "Payments.Create", Method: "POST", Path: "/v1/payments", KeyValue: "order-1042",
			Header: map[string]string{"X-Meli-Session-Id": "dev-1"},
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.Payments.Create(ctx, &mercadopago.PaymentRequest{TransactionAmount: money.MustParse("15990"),
					Token: "ff8080814c11e237014c1ff593b57b4d", Installments: mercadopago.Ptr(1), Description: "Order 1042",
					ExternalReference: "order-1042", Payer: &mercadopago.PaymentPayer{Type: mercadopago.PayerCustomer, ID: "123456789-jxOV430go9fx2e"}},
					mercadopago.WithIdempotencyKey("order-1042"), mercadopago.WithHeader("X-Meli-Session-Id", "dev-1"))
			},
			Body: fixture("req_saved_card.json"), Reply: wiretest.Reply{Status: 201, Body: fixture("payment_approved.json")},
			Then: func(t *testing.T, got any) {
				assert.Equal(t, "order-1042", got.(*mercadopago.Payment).Meta.IdempotencyKey)
			}},
		{Name: "Payments.Create (generated key)", Method: "POST", Path: "/v1/payments", Key: wiretest.AnyKey,
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.Payments.Create(ctx, &mercadopago.PaymentRequest{TransactionAmount: money.MustParse("15990.00"),
					Token: "ff8080814c11e237014c1ff593b57b4d", Installments: mercadopago.Ptr(0),
					Payer: &mercadopago.PaymentPayer{Email: "buyer@example.com"}, Capture: mercadopago.Ptr(false)})
			},
			Body: fixture("req_authorize_only.json"), Reply: wiretest.Reply{Status: 201, Body: `{"id":7,"status":"authorized"}`}},
		{Name: "Payments.CreateFintoc", Method: "POST", Path: "/v1/payments", Key: wiretest.AnyKey,
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.Payments.CreateFintoc(ctx, &mercadopago.FintocRequest{TransactionAmount: money.FromInt(5000),
					Description: "Product title", CallbackURL: "https://www.your-site.com", PayerEmail: "test_user_123@testuser.com"})
			},
			Body:  fixture("req_fintoc.json"),
			Reply: wiretest.Reply{Status: 201, Body: fixture("payment_fintoc.json")}},
		{Name: "Payments.Get", Method: "GET", Path: pay,
			Call:  func(ctx context.Context, c mp) (any, error) { return c.Payments.Get(ctx, payment) },
			Reply: reply("payment_approved.json")},
		{Name: "Payments.SearchPage", Method: "GET", Path: "/v1/payments/search", Query: "external_reference=order-1&limit=2",
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.Payments.SearchPage(ctx, &mercadopago.PaymentSearch{ExternalReference: "order-1", Limit: 2})
			},
			Reply: reply("search_page1.json")},
		{Name: "Payments.Capture", Method: "PUT", Path: pay, Key: wiretest.AnyKey,
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.Payments.Capture(ctx, payment, mercadopago.Ptr(money.MustParse("80.50")))
			},
			Body: `{"capture":true,"transaction_amount":80.50}`, Reply: wiretest.Reply{Body: `{"id":1316782591,"status":"approved"}`}},
		{Name: "Payments.Cancel", Method: "PUT", Path: pay, Key: wiretest.AnyKey,
			Call: func(ctx context.Context, c mp) (any, error) { return c.Payments.Cancel(ctx, payment) },
			Body: `{"status":"cancelled"}`, Reply: wiretest.Reply{Body: `{"id":1316782591,"status":"cancelled"}`}},
		// Checkout Pro's return: the payment is read back, its status trusted.
		{Name: "Payments.ConfirmReturn", Method: "GET", Path: "/v1/payments/1316782601",
			Call: func(ctx context.Context, c mp) (any, error) {
				q, err := url.ParseQuery("collection_id=1316782601&collection_status=approved&payment_id=1316782601&status=approved" +
					"&external_reference=order-77&payment_type=credit_card&merchant_order_id=7501234567&preference_id=" + prefID)
				if err != nil {
					return nil, err
				}
				ret, err := mercadopago.ParseCheckoutReturn(q)
				if err != nil {
					return nil, err
				}
				return c.Payments.ConfirmReturn(ctx, ret, "order-77")
			},
			Reply: reply("payment_full.json"),
			Then: func(t *testing.T, got any) {
				assert.Equal(t, mercadopago.StatusApproved, got.(*mercadopago.Payment).Status)
			}},

		// Refunds
		{Name: "Refunds.Create", Method: "POST", Path: pay + "/refunds", KeyValue: "refund-1042-1",
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.Refunds.Create(ctx, payment, &mercadopago.RefundRequest{Amount: money.MustParse("10.50")}, mercadopago.WithIdempotencyKey("refund-1042-1"))
			},
			Body: `{"amount":10.50}`, Reply: wiretest.Reply{Status: 201, Body: fixture("refund.json")}},
		{Name: "Refunds.Create (full: no body)", Method: "POST", Path: pay + "/refunds", Key: wiretest.AnyKey,
			Call:  func(ctx context.Context, c mp) (any, error) { return c.Refunds.Create(ctx, payment, nil) },
			Reply: wiretest.Reply{Status: 201, Body: fixture("refund.json")}},
		{Name: "Refunds.Get", Method: "GET", Path: pay + "/refunds/1009042015",
			Call:  func(ctx context.Context, c mp) (any, error) { return c.Refunds.Get(ctx, payment, 1009042015) },
			Reply: reply("refund.json"),
			Then:  func(t *testing.T, got any) { assert.Equal(t, int64(1009042015), got.(*mercadopago.Refund).ID) }},
		{Name: "Refunds.List", Method: "GET", Path: pay + "/refunds",
			Call:  func(ctx context.Context, c mp) (any, error) { return c.Refunds.List(ctx, payment) },
			Reply: reply("refunds_list.json"),
			Then:  func(t *testing.T, got any) { assert.Len(t, got.([]mercadopago.Refund), 2) }},

		// Customers and their cards
		{Name: "Customers.Create", Method: "POST", Path: "/v1/customers", Key: wiretest.AnyKey,
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.Customers.Create(ctx, &mercadopago.CustomerRequest{Email: "test@test.com"})
			},
			Body: `{"email":"test@test.com"}`, Reply: wiretest.Reply{Status: 201, Body: fixture("customer.json")}},
		{Name: "Customers.Get", Method: "GET", Path: cust,
			Call:  func(ctx context.Context, c mp) (any, error) { return c.Customers.Get(ctx, customer) },
			Reply: reply("customer.json")},
		{Name: "Customers.Get (escaped id)", Method: "GET", Path: "/v1/customers/..%2Fpayments%2F1",
			Call:  func(ctx context.Context, c mp) (any, error) { return c.Customers.Get(ctx, "../payments/1") },
			Reply: reply("customer.json")},
		{Name: "Customers.Update", Method: "PUT", Path: cust, Key: wiretest.AnyKey,
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.Customers.Update(ctx, customer, &mercadopago.CustomerRequest{FirstName: "Ana",
					Phone: &mercadopago.Phone{AreaCode: "56", Number: "912345678"}})
			},
			Body: `{"first_name":"Ana","phone":{"area_code":"56","number":"912345678"}}`, Reply: reply("customer.json")},
		{Name: "Customers.Delete", Method: "DELETE", Path: cust, Key: wiretest.AnyKey,
			Call:  func(ctx context.Context, c mp) (any, error) { return c.Customers.Delete(ctx, customer) },
			Reply: reply("customer.json")},
		{Name: "Customers.SearchPage", Method: "GET", Path: "/v1/customers/search", Query: "email=test%40test.com",
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.Customers.SearchPage(ctx, &mercadopago.CustomerSearch{Email: "test@test.com"})
			},
			Reply: reply("customer_search.json")},
		{Name: "Cards.Create", Method: "POST", Path: cards, Key: wiretest.AnyKey,
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.Cards.Create(ctx, customer, "9b2d63e00d66a8c721607214cedaecda")
			},
			Body: `{"token":"9b2d63e00d66a8c721607214cedaecda"}`, Reply: wiretest.Reply{Status: 201, Body: fixture("card.json")},
			Then: func(t *testing.T, got any) { assert.Equal(t, card, got.(*mercadopago.Card).ID) }},
		{Name: "Cards.List", Method: "GET", Path: cards,
			Call:  func(ctx context.Context, c mp) (any, error) { return c.Cards.List(ctx, customer) },
			Reply: reply("cards_list.json"),
			Then:  func(t *testing.T, got any) { assert.Len(t, got.([]mercadopago.Card), 2) }},
		{Name: "Cards.Get", Method: "GET", Path: cards + "/" + card,
			Call:  func(ctx context.Context, c mp) (any, error) { return c.Cards.Get(ctx, customer, card) },
			Reply: reply("card.json")},
		{Name: "Cards.Update", Method: "PUT", Path: cards + "/" + card, Key: wiretest.AnyKey,
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.Cards.Update(ctx, customer, card, &mercadopago.CardUpdate{ExpirationMonth: mercadopago.Ptr(1), ExpirationYear: mercadopago.Ptr(2031)})
			},
			Body: `{"expiration_month":1,"expiration_year":2031}`, Reply: reply("card.json")},
		{Name: "Cards.Delete", Method: "DELETE", Path: cards + "/" + card, Key: wiretest.AnyKey,
			Call:  func(ctx context.Context, c mp) (any, error) { return c.Cards.Delete(ctx, customer, card) },
			Reply: reply("card.json")},

		// Card checkout building blocks
		{Name: "PaymentMethods.List", Method: "GET", Path: "/v1/payment_methods",
			Call:  func(ctx context.Context, c mp) (any, error) { return c.PaymentMethods.List(ctx) },
			Reply: reply("payment_methods.json")},
		{Name: "PaymentMethods.Installments", Method: "GET", Path: "/v1/payment_methods/installments",
			Query: "amount=15990.00&bin=45099535&issuer.id=310&payment_method_id=visa",
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.PaymentMethods.Installments(ctx, &mercadopago.InstallmentsQuery{Amount: money.MustParse("15990.00"), BIN: "45099535",
					IssuerID: "310", PaymentMethodID: "visa"})
			},
			Reply: reply("installments.json")},
		{Name: "PaymentMethods.CardIssuers", Method: "GET", Path: "/v1/payment_methods/card_issuers", Query: "payment_method_id=visa",
			Call:  func(ctx context.Context, c mp) (any, error) { return c.PaymentMethods.CardIssuers(ctx, "visa") },
			Reply: reply("card_issuers.json")},
		{Name: "IdentificationTypes.List", Method: "GET", Path: "/v1/identification_types",
			Call:  func(ctx context.Context, c mp) (any, error) { return c.IdentificationTypes.List(ctx) },
			Reply: reply("identification_types.json")},
		// A card token is made with the access token, like every call here.
		{Name: "CardTokens.Create", Method: "POST", Path: "/v1/card_tokens", Key: wiretest.AnyKey,
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.CardTokens.Create(ctx, &mercadopago.CardTokenRequest{CardNumber: "5031755734530604", SecurityCode: "123",
					ExpirationMonth: 11, ExpirationYear: 2030, Cardholder: &mercadopago.Cardholder{Name: "APRO",
						Identification: mercadopago.Identification{Type: "RUT", Number: "11111111-1"}}})
			},
			Body:  `{"card_number":"5031755734530604","security_code":"123","expiration_month":11,"expiration_year":2030,"cardholder":{"name":"APRO","identification":{"type":"RUT","number":"11111111-1"}}}`,
			Reply: wiretest.Reply{Status: 201, Body: fixture("card_token.json")}},
		{Name: "CardTokens.Get", Method: "GET", Path: "/v1/card_tokens/9b2d63e00d66a8c721607214cedaecda",
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.CardTokens.Get(ctx, "9b2d63e00d66a8c721607214cedaecda")
			},
			Reply: reply("card_token.json")},

		// Checkout Pro and merchant orders
		{Name: "Preferences.Create", Method: "POST", Path: "/checkout/preferences", Key: wiretest.AnyKey,
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.Preferences.Create(ctx, &mercadopago.PreferenceRequest{
					Items:             []mercadopago.PreferenceItem{{Title: "Tea", Quantity: 1, UnitPrice: money.FromInt(3000)}},
					ExternalReference: "order-77"})
			},
			Body:  `{"items":[{"title":"Tea","quantity":1,"unit_price":3000}],"external_reference":"order-77"}`,
			Reply: wiretest.Reply{Status: 201, Body: fixture("preference.json")}},
		{Name: "Preferences.Get", Method: "GET", Path: "/checkout/preferences/" + prefID,
			Call:  func(ctx context.Context, c mp) (any, error) { return c.Preferences.Get(ctx, prefID) },
			Reply: reply("preference.json")},
		{Name: "Preferences.Update", Method: "PUT", Path: "/checkout/preferences/" + prefID, Key: wiretest.AnyKey,
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.Preferences.Update(ctx, prefID, &mercadopago.PreferenceRequest{ExternalReference: "order-78", Expires: mercadopago.Ptr(false)})
			},
			Body: `{"external_reference":"order-78","expires":false}`, Reply: reply("preference.json")},
		{Name: "Preferences.SearchPage", Method: "GET", Path: "/checkout/preferences/search", Query: "external_reference=order-77&limit=10",
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.Preferences.SearchPage(ctx, &mercadopago.PreferenceSearch{ExternalReference: "order-77", Limit: 10})
			},
			Reply: reply("preference_search.json")},
		{Name: "MerchantOrders.Create", Method: "POST", Path: "/merchant_orders", Key: wiretest.AnyKey,
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.MerchantOrders.Create(ctx, &mercadopago.MerchantOrderRequest{PreferenceID: prefID, ExternalReference: "order-77",
					Items: []mercadopago.MerchantOrderItem{{ID: "SKU-1", Title: "Wool blanket", CurrencyID: "CLP", Quantity: 2, UnitPrice: money.FromInt(7995)}}})
			},
			Body:  `{"preference_id":"` + prefID + `","external_reference":"order-77","items":[{"id":"SKU-1","title":"Wool blanket","currency_id":"CLP","quantity":2,"unit_price":7995}]}`,
			Reply: wiretest.Reply{Status: 201, Body: fixture("merchant_order.json")}},
		{Name: "MerchantOrders.Get", Method: "GET", Path: "/merchant_orders/7501234567",
			Call:  func(ctx context.Context, c mp) (any, error) { return c.MerchantOrders.Get(ctx, 7501234567) },
			Reply: reply("merchant_order.json")},
		{Name: "MerchantOrders.Update", Method: "PUT", Path: "/merchant_orders/7501234567", Key: wiretest.AnyKey,
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.MerchantOrders.Update(ctx, 7501234567, &mercadopago.MerchantOrderRequest{AdditionalInfo: "gift wrap"})
			},
			Body: `{"additional_info":"gift wrap"}`, Reply: reply("merchant_order.json")},
		{Name: "MerchantOrders.SearchPage", Method: "GET", Path: "/merchant_orders/search", Query: "preference_id=" + prefID,
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.MerchantOrders.SearchPage(ctx, &mercadopago.MerchantOrderSearch{PreferenceID: prefID})
			},
			Reply: reply("merchant_order_search.json")},

		// Orders
		{Name: "Orders.Create", Method: "POST", Path: "/v1/orders", KeyValue: "order-1042",
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.Orders.Create(ctx, &mercadopago.OrderRequest{ProcessingMode: mercadopago.ProcessAutomatic,
					TotalAmount: money.MustParse("15990.00"), ExternalReference: "order-1042", Description: "Wool blanket",
					Payer: &mercadopago.OrderPayer{Email: "buyer@example.com"},
					Payments: []mercadopago.OrderPaymentRequest{{Amount: money.MustParse("15990.00"), PaymentMethod: mercadopago.OrderPaymentMethod{
						ID: "master", Type: "credit_card", Token: "ff8080814c11e237014c1ff593b57b4d", Installments: 1, StatementDescriptor: "SHOP"}}},
					Items: []mercadopago.OrderItem{{Title: "Wool blanket", UnitPrice: money.MustParse("15990.00"), Quantity: 1}},
				}, mercadopago.WithIdempotencyKey("order-1042"))
			},
			Body: strings.TrimSpace(fixture("req_order.json")), Reply: wiretest.Reply{Status: 201, Body: fixture("order_processed.json")}},
		{Name: "Orders.Get", Method: "GET", Path: orders,
			Call:  func(ctx context.Context, c mp) (any, error) { return c.Orders.Get(ctx, order) },
			Reply: reply("order_processed.json")},
		{Name: "Orders.Process", Method: "POST", Path: orders + "/process", Key: wiretest.AnyKey,
			Call:  func(ctx context.Context, c mp) (any, error) { return c.Orders.Process(ctx, order) },
			Reply: reply("order_processed.json")},
		{Name: "Orders.Capture", Method: "POST", Path: orders + "/capture", Key: wiretest.AnyKey,
			Call:  func(ctx context.Context, c mp) (any, error) { return c.Orders.Capture(ctx, order) },
			Reply: reply("order_processed.json")},
		{Name: "Orders.Cancel", Method: "POST", Path: orders + "/cancel", Key: wiretest.AnyKey,
			Call:  func(ctx context.Context, c mp) (any, error) { return c.Orders.Cancel(ctx, order) },
			Reply: reply("order_processed.json")},
		{Name: "Orders.Refund", Method: "POST", Path: orders + "/refund", Key: wiretest.AnyKey,
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.Orders.Refund(ctx, order, &mercadopago.OrderRefundRequest{Transactions: []mercadopago.OrderRefundTransaction{
					{ID: "PAY01JAQD7X3WDPR0QXH2FPMBH9PS", Amount: money.MustParse("5000.00")}}})
			},
			Body:  `{"transactions":[{"id":"PAY01JAQD7X3WDPR0QXH2FPMBH9PS","amount":"5000.00"}]}`,
			Reply: reply("order_partially_refunded.json")},
		{Name: "Orders.SearchPage", Method: "GET", Path: "/v1/orders",
			Query: "begin_date=2025-11-01T00%3A00%3A00Z&end_date=2025-11-11T23%3A59%3A59Z&external_reference=ext_ref_1234&page=1&page_size=20" +
				"&payment_method_id=visa&payment_method_type=credit_card&sort_by=created_date&sort_order=desc&status=processed&status_detail=accredited&type=online",
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.Orders.SearchPage(ctx, &mercadopago.OrderSearch{BeginDate: time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC),
					EndDate: time.Date(2025, 11, 11, 23, 59, 59, 0, time.UTC), ExternalReference: "ext_ref_1234", Type: "online",
					Status: mercadopago.OrderProcessed, StatusDetail: mercadopago.OrderDetailAccredited, PaymentMethodID: "visa",
					PaymentMethodType: "credit_card", Page: 1, PageSize: 20, SortBy: "created_date", SortOrder: "desc"})
			},
			Reply: reply("order_search.json"),
			Then: func(t *testing.T, got any) {
				p := got.(*mercadopago.OrderPage)
				require.Len(t, p.Data, 1)
				assert.Equal(t, "ORD01K9SN1Q5959CGN8QGW00EH7V5", p.Data[0].ID)
			}},
		{Name: "Orders.AddTransactions", Method: "POST", Path: orders + "/transactions", KeyValue: "add-1042",
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.Orders.AddTransactions(ctx, order, &mercadopago.OrderTransactionsRequest{Payments: []mercadopago.OrderPaymentRequest{{
					Amount: money.MustParse("1000.00"), PaymentMethod: mercadopago.OrderPaymentMethod{ID: "master", Type: "credit_card",
						Token: "ff8080814c11e237014c1ff593b57b4d", Installments: 1}}}}, mercadopago.WithIdempotencyKey("add-1042"))
			},
			Body:  `{"payments":[{"amount":"1000.00","payment_method":{"id":"master","type":"credit_card","token":"ff8080814c11e237014c1ff593b57b4d","installments":1}}]}`,
			Reply: wiretest.Reply{Status: 201, Body: fixture("order_transactions.json")}},
		{Name: "Orders.UpdateTransaction", Method: "PUT", Path: orders + "/transactions/PAY01JAQD7X3WDPR0QXH2FPMBH9PT", Key: wiretest.AnyKey,
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.Orders.UpdateTransaction(ctx, order, "PAY01JAQD7X3WDPR0QXH2FPMBH9PT", &mercadopago.OrderPaymentUpdate{Amount: money.MustParse("1000.00"),
					PaymentMethod: &mercadopago.OrderPaymentMethod{ID: "visa", Type: "credit_card", Token: "e3ed6f098462036dd2cbabe314b9de2a", Installments: 3}})
			},
			Body:  `{"amount":"1000.00","payment_method":{"id":"visa","type":"credit_card","token":"e3ed6f098462036dd2cbabe314b9de2a","installments":3}}`,
			Reply: reply("order_transaction_updated.json")},
		{Name: "Orders.DeleteTransaction", Method: "DELETE", Path: orders + "/transactions/PAY01JAQD7X3WDPR0QXH2FPMBH9PT", Key: wiretest.AnyKey,
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.Orders.DeleteTransaction(ctx, order, "PAY01JAQD7X3WDPR0QXH2FPMBH9PT")
			},
			Reply: wiretest.Reply{Status: 204}},

		// Marketplace: OAuth and acting for a seller
		{Name: "OAuth.Exchange", Method: "POST", Path: "/oauth/token", Auth: wiretest.NoAuth, Key: wiretest.AnyKey,
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.OAuth.Exchange(ctx, app, "TG-code-1", "verifier-1")
			},
			Body: `{"client_id":"4599991948843755","client_secret":"planted-client-secret-7731","grant_type":"authorization_code",` +
				`"code":"TG-code-1","redirect_uri":"https://shop.example/mp/callback","code_verifier":"verifier-1"}`,
			Reply: reply("oauth_token.json")},
		{Name: "OAuth.Refresh", Method: "POST", Path: "/oauth/token", Auth: wiretest.NoAuth, Key: wiretest.AnyKey,
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.OAuth.Refresh(ctx, app, "TG-6716a1e4b0c1fa0001f3e1c2-2000000001")
			},
			Body: `{"client_id":"4599991948843755","client_secret":"planted-client-secret-7731","grant_type":"refresh_token",` +
				`"refresh_token":"TG-6716a1e4b0c1fa0001f3e1c2-2000000001"}`,
			Reply: reply("oauth_token.json")},
		{Name: "Users.Me", Method: "GET", Path: "/users/me",
			Call:  func(ctx context.Context, c mp) (any, error) { return c.Users.Me(ctx) },
			Reply: reply("user_me.json")},
		{Name: "Users.Me (for a seller)", Method: "GET", Path: "/users/me", Auth: "Bearer APP_USR-seller-token-0001",
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.Users.Me(ctx, mercadopago.WithAccessToken("APP_USR-seller-token-0001"))
			},
			Reply: reply("user_me.json")},

		// Subscriptions
		{Name: "Plans.Create", Method: "POST", Path: "/preapproval_plan", KeyValue: "plan-yoga",
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.Plans.Create(ctx, &mercadopago.PlanRequest{Reason: "Yoga classes", BackURL: "https://gym.example/thanks",
					AutoRecurring: &mercadopago.AutoRecurring{Frequency: 1, FrequencyType: mercadopago.FrequencyMonths,
						TransactionAmount: money.MustParse("10990"), CurrencyID: "CLP"}}, mercadopago.WithIdempotencyKey("plan-yoga"))
			},
			Body:  `{"reason":"Yoga classes","auto_recurring":{"frequency":1,"frequency_type":"months","transaction_amount":10990,"currency_id":"CLP"},"back_url":"https://gym.example/thanks"}`,
			Reply: wiretest.Reply{Status: 201, Body: fixture("plan.json")}},
		{Name: "Plans.Get", Method: "GET", Path: "/preapproval_plan/" + plan,
			Call:  func(ctx context.Context, c mp) (any, error) { return c.Plans.Get(ctx, plan) },
			Reply: reply("plan.json")},
		{Name: "Plans.Update", Method: "PUT", Path: "/preapproval_plan/" + plan, Key: wiretest.AnyKey,
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.Plans.Update(ctx, plan, &mercadopago.PlanRequest{AutoRecurring: &mercadopago.AutoRecurring{Frequency: 1,
					FrequencyType: mercadopago.FrequencyMonths, TransactionAmount: money.MustParse("12990"), CurrencyID: "CLP"}, Status: mercadopago.PlanInactive})
			},
			Body:  `{"auto_recurring":{"frequency":1,"frequency_type":"months","transaction_amount":12990,"currency_id":"CLP"},"status":"inactive"}`,
			Reply: reply("plan.json")},
		{Name: "Plans.SearchPage", Method: "GET", Path: "/preapproval_plan/search", Query: "limit=1&status=active",
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.Plans.SearchPage(ctx, &mercadopago.PlanSearch{Status: mercadopago.PlanActive, Limit: 1})
			},
			Reply: wiretest.Reply{Body: `{"paging":{"total":2,"limit":1,"offset":0},"results":[{"id":"p1","status":"active"}]}`}},
		{Name: "Subscriptions.Create", Method: "POST", Path: "/preapproval", Key: wiretest.AnyKey,
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.Subscriptions.Create(ctx, &mercadopago.SubscriptionRequest{PreapprovalPlanID: "2c938084726fca480172750000000001",
					PayerEmail: "member@example.com", CardTokenID: "e3ed6f098462036dd2cbabe314b9de2a", ExternalReference: "member-23",
					Status: mercadopago.SubscriptionAuthorized})
			},
			Body: `{"preapproval_plan_id":"2c938084726fca480172750000000001","external_reference":"member-23","payer_email":"member@example.com",` +
				`"card_token_id":"e3ed6f098462036dd2cbabe314b9de2a","status":"authorized"}`,
			Reply: wiretest.Reply{Status: 201, Body: fixture("subscription.json")}},
		{Name: "Subscriptions.Get", Method: "GET", Path: "/preapproval/" + plan,
			Call:  func(ctx context.Context, c mp) (any, error) { return c.Subscriptions.Get(ctx, plan) },
			Reply: reply("subscription.json")},
		{Name: "Subscriptions.Pause", Method: "PUT", Path: "/preapproval/" + plan, Key: wiretest.AnyKey,
			Call: func(ctx context.Context, c mp) (any, error) { return c.Subscriptions.Pause(ctx, plan) },
			Body: `{"status":"paused"}`, Reply: reply("subscription.json")},
		{Name: "Subscriptions.Cancel", Method: "PUT", Path: "/preapproval/" + plan, Key: wiretest.AnyKey,
			Call: func(ctx context.Context, c mp) (any, error) { return c.Subscriptions.Cancel(ctx, plan) },
			Body: `{"status":"cancelled"}`, Reply: reply("subscription.json")},
		{Name: "Subscriptions.Resume", Method: "PUT", Path: "/preapproval/" + plan, Key: wiretest.AnyKey,
			Call: func(ctx context.Context, c mp) (any, error) { return c.Subscriptions.Resume(ctx, plan) },
			Body: `{"status":"authorized"}`, Reply: reply("subscription.json")},
		{Name: "Subscriptions.Update", Method: "PUT", Path: "/preapproval/" + plan, Key: wiretest.AnyKey,
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.Subscriptions.Update(ctx, plan, &mercadopago.SubscriptionUpdate{AutoRecurring: &mercadopago.AmountUpdate{
					TransactionAmount: money.MustParse("12990.00"), CurrencyID: "CLP"}})
			},
			Body: `{"auto_recurring":{"transaction_amount":12990.00,"currency_id":"CLP"}}`, Reply: reply("subscription.json")},
		{Name: "Subscriptions.SearchPage", Method: "GET", Path: "/preapproval/search", Query: "preapproval_plan_id=" + plan,
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.Subscriptions.SearchPage(ctx, &mercadopago.SubscriptionSearch{PreapprovalPlanID: plan})
			},
			Reply: reply("subscription_search.json")},
		{Name: "Chargebacks.Get", Method: "GET", Path: "/v1/chargebacks/217000087654321000",
			Call:  func(ctx context.Context, c mp) (any, error) { return c.Chargebacks.Get(ctx, "217000087654321000") },
			Reply: reply("chargeback.json")},
		{Name: "Chargebacks.Get (SDK shape)", Method: "GET", Path: "/v1/chargebacks/CB-001-2022",
			Call:  func(ctx context.Context, c mp) (any, error) { return c.Chargebacks.Get(ctx, "CB-001-2022") },
			Reply: reply("chargeback_sdk.json"),
			Then: func(t *testing.T, got any) {
				cb := got.(*mercadopago.Chargeback)
				assert.Equal(t, []int64{19951521071}, cb.PaymentIDs())
				assert.Equal(t, "BRL", cb.CurrencyCode())
			}},
		{Name: "Chargebacks.UploadDocumentation", Method: "POST", Path: "/v1/chargebacks/217000087654321000/documentation", Key: wiretest.NoKey,
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.Chargebacks.UploadDocumentation(ctx, "217000087654321000", []mercadopago.ChargebackFile{
					{Name: "invoice.pdf", Data: []byte("%PDF-1.4 invoice")}, {Name: "proof.jpg", Data: []byte("JFIF proof")}})
			},
			ContentType: "multipart/form-data; boundary=" + uploadBoundary,
			Body: "--" + uploadBoundary + "\r\nContent-Disposition: form-data; name=\"files[]\"; filename=\"invoice.pdf\"\r\nContent-Type: application/pdf\r\n\r\n" +
				"%PDF-1.4 invoice\r\n--" + uploadBoundary + "\r\nContent-Disposition: form-data; name=\"files[]\"; filename=\"proof.jpg\"\r\n" +
				"Content-Type: image/jpeg\r\n\r\nJFIF proof\r\n--" + uploadBoundary + "--\r\n",
			Reply: wiretest.Reply{Status: 200}},
		{Name: "Chargebacks.SearchPage", Method: "GET", Path: "/v1/chargebacks/search", Query: "limit=30&payment_id=1316782591&status=in_review",
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.Chargebacks.SearchPage(ctx, &mercadopago.ChargebackSearch{PaymentID: payment, Status: "in_review", Limit: 30})
			},
			Reply: reply("chargeback_search.json")},
		{Name: "AuthorizedPayments.Get", Method: "GET", Path: "/authorized_payments/6114264375",
			Call:  func(ctx context.Context, c mp) (any, error) { return c.AuthorizedPayments.Get(ctx, 6114264375) },
			Reply: reply("authorized_payment.json"),
			Then: func(t *testing.T, got any) {
				assert.Equal(t, int64(19951521071), got.(*mercadopago.AuthorizedPayment).Payment.ID)
			}},
		{Name: "AuthorizedPayments.SearchPage", Method: "GET", Path: "/authorized_payments/search",
			Query: "limit=20&offset=20&payer_id=1000000001&payment_id=19951521071&preapproval_id=2c938084726fca480172750000000000",
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.AuthorizedPayments.SearchPage(ctx, &mercadopago.AuthorizedPaymentSearch{PreapprovalID: "2c938084726fca480172750000000000",
					PaymentID: 19951521071, PayerID: 1000000001, Limit: 20, Offset: 20})
			},
			Reply: reply("authorized_payment_search.json")},
	}
	rows = append(rows, mercadopagoLocalRows(fixture)...)
	return p, append(rows, mercadopagoSplitPointWire(fixture)...)
}
