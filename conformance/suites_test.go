package conformance

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"

	"github.com/paykit-go/paykit/etpay"
	"github.com/paykit-go/paykit/etpay/etpaytest"
	"github.com/paykit-go/paykit/finrota"
	"github.com/paykit-go/paykit/finrota/finrotatest"
	"github.com/paykit-go/paykit/fintecture"
	"github.com/paykit-go/paykit/fintecture/fintecturetest"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
	"github.com/paykit-go/paykit/money"
)

var providerSuites = []providerSuite{
	{name: "mercadopago", setup: mercadopagoSuite},
	{name: "finrota", setup: finrotaSuite},
	{name: "fintecture", setup: fintectureSuite},
	{name: "etpay", setup: etpaySuite},
}

var bg = context.Background()

// observerOf is the suite's optional Observer (nil: none).
func observerOf(obs []*paykit.Observer) *paykit.Observer {
	if len(obs) == 0 {
		return nil
	}
	return obs[0]
}

func mercadopagoSuite(t *testing.T, hc *http.Client, log *slog.Logger, obs ...*paykit.Observer) env {
	srv := mercadopagotest.NewServer()
	c, err := srv.Client(mercadopago.WithHTTPClient(hc), mercadopago.WithLogger(log), mercadopago.WithRetryBackoff(instantBackoff, instantBackoff), mercadopago.WithObserver(observerOf(obs)))
	require.NoError(t, err)
	setupClient, err := srv.Client()
	require.NoError(t, err)

	card := func() string {
		tok, err := srv.CardToken(mercadopagotest.TestCard{Number: "5031755734530604", ExpirationMonth: 11, ExpirationYear: 2099,
			SecurityCode: "123", HolderName: "APRO", IdentificationType: "RUT", IdentificationNumber: "111111111"})
		require.NoError(t, err)
		return tok
	}
	pay := func(capture *bool) *mercadopago.Payment {
		p, err := setupClient.Payments.Create(bg, &mercadopago.PaymentRequest{TransactionAmount: money.MustParse("20000"),
			Token: card(), Installments: mercadopago.Ptr(1), Payer: &mercadopago.PaymentPayer{Email: "payer@example.com"}, Capture: capture})
		require.NoError(t, err)
		return p
	}
	paid := pay(nil)
	refunded := pay(nil)
	refund, err := setupClient.Refunds.Create(bg, refunded.ID, &mercadopago.RefundRequest{Amount: money.MustParse("500")})
	require.NoError(t, err)
	authorized := pay(mercadopago.Ptr(false))
	toCancel := pay(mercadopago.Ptr(false))
	newToken := card()
	idPath := func(id int64) string { return "/v1/payments/" + itoa(id) }
	refunds := func() int {
		p, ok := srv.Payment(paid.ID)
		require.True(t, ok)
		return len(p.Refunds)
	}
	customers := func() int {
		page, err := setupClient.Customers.SearchPage(bg, &mercadopago.CustomerSearch{Email: "fault@example.com"})
		require.NoError(t, err)
		return len(page.Results)
	}
	orders := mercadopagoOrders(t, srv, setupClient, card)
	oauth := mercadopagoOAuth(t, srv, c, setupClient)
	subs := mercadopagoSubscriptions(t, srv, c, setupClient, card)
	return env{srv: srv.Server, client: c, secrets: []string{mercadopagotest.DefaultAccessToken, mercadopagotest.DefaultClientSecret,
		mercadopagotest.CardMastercard, mercadopagotest.CardVisa, mercadopagotest.CardAmex, `"security_code":"123"`},
		calls: append(append(append([]call{
			{name: "Payments.Create", method: "POST", path: "/v1/payments", repeatable: true, keyed: true, effects: srv.PaymentCount,
				run: func(ctx context.Context) error {
					_, err := c.Payments.Create(ctx, &mercadopago.PaymentRequest{TransactionAmount: money.MustParse("1500.50"),
						Token: newToken, Installments: mercadopago.Ptr(1), Payer: &mercadopago.PaymentPayer{Email: "payer@example.com"}})
					return err
				}},
			{name: "Payments.Get", method: "GET", path: idPath(paid.ID), repeatable: true,
				run: func(ctx context.Context) error { _, err := c.Payments.Get(ctx, paid.ID); return err }},
			{name: "Payments.SearchPage", method: "GET", path: "/v1/payments/search", repeatable: true,
				run: func(ctx context.Context) error {
					_, err := c.Payments.SearchPage(ctx, &mercadopago.PaymentSearch{Limit: 2})
					return err
				}},
			// PUT is idempotent: capturing or cancelling twice changes nothing more.
			{name: "Payments.Capture", method: "PUT", path: idPath(authorized.ID), repeatable: true,
				run: func(ctx context.Context) error { _, err := c.Payments.Capture(ctx, authorized.ID, nil); return err }},
			{name: "Payments.Cancel", method: "PUT", path: idPath(toCancel.ID), repeatable: true,
				run: func(ctx context.Context) error { _, err := c.Payments.Cancel(ctx, toCancel.ID); return err }},
			{name: "Refunds.Create", method: "POST", path: idPath(paid.ID) + "/refunds", repeatable: true, keyed: true, effects: refunds,
				run: func(ctx context.Context) error {
					_, err := c.Refunds.Create(ctx, paid.ID, &mercadopago.RefundRequest{Amount: money.MustParse("100")})
					return err
				}},
			{name: "Refunds.Get", method: "GET", path: idPath(refunded.ID) + "/refunds/" + itoa(refund.ID), repeatable: true,
				run: func(ctx context.Context) error { _, err := c.Refunds.Get(ctx, refunded.ID, refund.ID); return err }},
			{name: "Refunds.List", method: "GET", path: idPath(refunded.ID) + "/refunds", repeatable: true,
				run: func(ctx context.Context) error { _, err := c.Refunds.List(ctx, refunded.ID); return err }},
			{name: "Payments.CreateFintoc", method: "POST", path: "/v1/payments", repeatable: true, keyed: true, effects: srv.PaymentCount,
				run: func(ctx context.Context) error {
					_, err := c.Payments.CreateFintoc(ctx, &mercadopago.FintocRequest{TransactionAmount: money.MustParse("10701"),
						Description: "order", CallbackURL: "https://shop.example/cb", PayerEmail: "payer@example.com"})
					return err
				}},
			{name: "Customers.SearchPage", method: "GET", path: "/v1/customers/search", repeatable: true,
				run: func(ctx context.Context) error {
					_, err := c.Customers.SearchPage(ctx, &mercadopago.CustomerSearch{Email: "saved@example.com"})
					return err
				}},
			{name: "Customers.Create", method: "POST", path: "/v1/customers", repeatable: true, keyed: true, effects: customers,
				run: func(ctx context.Context) error {
					_, err := c.Customers.Create(ctx, &mercadopago.CustomerRequest{Email: "fault@example.com"})
					return err
				}},
		}, mercadopagoCheckoutCalls(t, srv, c, setupClient)...), orders(c)...), append(append(append(oauth, subs...),
			append(mercadopagoCustomers(t, srv, c, setupClient), mercadopagoCallCalls(t, srv, c)...)...), mercadopagoSplitPoint(t, srv, c, setupClient, card)...)...)}
}

func finrotaSuite(t *testing.T, hc *http.Client, log *slog.Logger, obs ...*paykit.Observer) env {
	srv := finrotatest.NewServer()
	c, err := srv.Client(finrota.WithHTTPClient(hc), finrota.WithLogger(log), finrota.WithRetryBackoff(instantBackoff, instantBackoff), finrota.WithObserver(observerOf(obs)))
	require.NoError(t, err)
	setupClient, err := srv.Client()
	require.NoError(t, err)

	prepare := func(cl *finrota.Client, amount string) finrota.PrepareToken {
		wt, err := cl.Widget.CreateToken(bg)
		require.NoError(t, err)
		pt, err := srv.PreparePayment(bg, wt.Token, finrotatest.Prepare{Card: finrotatest.TestCard("4155650100416111"),
			Amount: money.MustParse(amount), Currency: "TRY"})
		require.NoError(t, err)
		return pt
	}
	sale := func(ref string) *finrota.PaymentResult {
		r, err := setupClient.Widget.Pay(bg, &finrota.PaymentRequest{PrepareToken: prepare(setupClient, "500"), Amount: money.MustParse("500"),
			ReturnURL: "https://shop.example/return", ClientReferenceCode: ref, CustomerIP: "203.0.113.7"})
		require.NoError(t, err)
		return r
	}
	toRefund, toCancel := sale("REF-1"), sale("CAN-1")
	reference := func(r *finrota.PaymentResult) string {
		tx, err := setupClient.Transactions.Get(bg, finrota.ByTransactionID(r.OrderID))
		require.NoError(t, err)
		return tx.ReferenceNumber
	}
	refundRef, cancelRef := reference(toRefund), reference(toCancel)
	pt := prepare(c, "750.25") // also warms c's access token
	cold, err := srv.Client(finrota.WithHTTPClient(hc), finrota.WithLogger(log), finrota.WithRetryBackoff(instantBackoff, instantBackoff), finrota.WithObserver(observerOf(obs)))
	require.NoError(t, err)
	creds := srv.Credentials()
	return env{srv: srv.Server, client: c, secrets: []string{creds.APIKey, creds.SecretKey, "4155650100416111"}, calls: []call{
		// A client's first call fetches its access token with the key pair
		// in the body; asking twice charges nothing.
		{name: "token", method: "POST", path: "/auth/api/token/connect", repeatable: true,
			run: func(ctx context.Context) error { _, err := cold.Widget.CreateToken(ctx); return err }},
		{name: "Widget.CreateToken", method: "GET", path: "/b2c/widget/token", repeatable: true,
			run: func(ctx context.Context) error { _, err := c.Widget.CreateToken(ctx); return err }},
		{name: "Widget.Pay", method: "POST", path: "/b2c/widget/payment",
			run: func(ctx context.Context) error {
				_, err := c.Widget.Pay(ctx, &finrota.PaymentRequest{PrepareToken: pt, Amount: money.MustParse("750.25"),
					ReturnURL: "https://shop.example/return", ClientReferenceCode: "PAY-1", CustomerIP: "2001:db8::7"})
				return err
			}},
		{name: "Transactions.Get", method: "GET", path: "/pws/payment/transaction", repeatable: true,
			run: func(ctx context.Context) error {
				_, err := c.Transactions.Get(ctx, finrota.ByClientReference("REF-1"))
				return err
			}},
		{name: "Transactions.Refund", method: "POST", path: "/pws/payment/refund",
			run: func(ctx context.Context) error {
				_, err := c.Transactions.Refund(ctx, &finrota.RefundRequest{ReferenceCode: refundRef, Amount: money.MustParse("100"), Reason: "fault test"})
				return err
			}},
		{name: "Transactions.Cancel", method: "POST", path: "/pws/payment/cancel",
			run: func(ctx context.Context) error {
				_, err := c.Transactions.Cancel(ctx, &finrota.CancelRequest{ReferenceCode: cancelRef, Reason: "fault test"})
				return err
			}},
		{name: "Transactions.Search", method: "GET", path: "/erp/payments", repeatable: true,
			run: func(ctx context.Context) error {
				for _, err := range c.Transactions.Search(ctx, &finrota.TransactionSearch{PageSize: 1}) {
					if err != nil {
						return err
					}
				}
				return nil
			}},
		{name: "Transactions.SearchPage", method: "GET", path: "/erp/payments", repeatable: true,
			run: func(ctx context.Context) error {
				_, err := c.Transactions.SearchPage(ctx, &finrota.TransactionSearch{PageSize: 1})
				return err
			}},
		// The buyer's return from 3-D Secure: only a read of the transaction.
		{name: "Transactions.ConfirmReturn", method: "GET", path: "/pws/payment/transaction", repeatable: true,
			run: func(ctx context.Context) error {
				r := httptest.NewRequest(http.MethodGet, "https://shop.example/return?clientReferenceCode=REF-1", nil)
				_, err := c.Transactions.ConfirmReturn(ctx, r, "REF-1")
				return err
			}},
		{name: "PaymentOptions", method: "GET", path: "/b2c/paymentOptions", repeatable: true,
			run: func(ctx context.Context) error {
				_, err := c.PaymentOptions(ctx, "41556501", money.MustParse("750.25"), "TRY")
				return err
			}},
	}}
}

func fintectureSuite(t *testing.T, hc *http.Client, log *slog.Logger, obs ...*paykit.Observer) env {
	srv := fintecturetest.NewServer(fintecturetest.WithProduction())
	opts := []fintecture.Option{fintecture.WithEnvironment(fintecture.Production), fintecture.WithBaseURL(srv.URL)}
	c, err := fintecture.NewClient(srv.Credentials(), append(opts, fintecture.WithHTTPClient(hc), fintecture.WithLogger(log), fintecture.WithRetryBackoff(instantBackoff, instantBackoff), fintecture.WithObserver(observerOf(obs)))...)
	require.NoError(t, err)
	setupClient, err := fintecture.NewClient(srv.Credentials(), opts...)
	require.NoError(t, err)
	connect := func(cl *fintecture.Client, state string) *fintecture.Session {
		s, err := cl.PIS.Connect(bg, &fintecture.ConnectRequest{Amount: money.MustParse("273.00"), Currency: "EUR",
			Communication: "B34970692", RedirectURI: "https://shop.example/cb", State: state})
		require.NoError(t, err)
		return s
	}
	paid := connect(setupClient, "order-1")
	_, err = srv.Pay(paid.SessionID, fintecture.PaymentStatus("payment_created"))
	require.NoError(t, err)
	open := connect(setupClient, "order-2")
	refund, err := setupClient.PIS.Refund(bg, &fintecture.RefundRequest{SessionID: paid.SessionID, Amount: money.MustParse("1.00")})
	require.NoError(t, err)
	settlementID, err := srv.Settle(paid.SessionID)
	require.NoError(t, err)
	fresh, err := fintecture.NewClient(srv.Credentials(), append(opts, fintecture.WithHTTPClient(hc), fintecture.WithLogger(log), fintecture.WithRetryBackoff(instantBackoff, instantBackoff), fintecture.WithObserver(observerOf(obs)))...)
	require.NoError(t, err)
	_, err = c.Token(bg) // warm the token so faults hit the call itself
	require.NoError(t, err)
	payPath := func(id string) string { return "/pis/v2/payments/" + url.PathEscape(id) }
	creds := srv.Credentials()
	return env{srv: srv.Server, client: c, secrets: append([]string{creds.AppSecret}, pemSecretLines(creds.PrivateKey)...), calls: []call{
		{name: "Token", method: "POST", path: "/oauth/accesstoken", repeatable: true,
			run: func(ctx context.Context) error { _, err := fresh.Token(ctx); return err }},
		{name: "PIS.Connect", method: "POST", path: "/pis/v2/connect", effects: srv.Sessions,
			run: func(ctx context.Context) error {
				_, err := c.PIS.Connect(ctx, &fintecture.ConnectRequest{Amount: money.MustParse("12.30"), Currency: "EUR",
					Communication: "ORDER-9", RedirectURI: "https://shop.example/cb", State: "order-9"})
				return err
			}},
		{name: "PIS.GetPayment", method: "GET", path: payPath(paid.SessionID), repeatable: true,
			run:    func(ctx context.Context) error { _, err := c.PIS.GetPayment(ctx, paid.SessionID); return err },
			withID: func(ctx context.Context, id string) error { _, err := c.PIS.GetPayment(ctx, id); return err }},
		{name: "PIS.CancelPayment", method: "PATCH", path: payPath(open.SessionID),
			run:    func(ctx context.Context) error { _, err := c.PIS.CancelPayment(ctx, open.SessionID); return err },
			withID: func(ctx context.Context, id string) error { _, err := c.PIS.CancelPayment(ctx, id); return err }},
		{name: "PIS.UpdatePayment", method: "PATCH", path: payPath(open.SessionID),
			run: func(ctx context.Context) error {
				_, err := c.PIS.UpdatePayment(ctx, open.SessionID, &fintecture.PaymentUpdate{Amount: money.MustParse("250.00")})
				return err
			},
			withID: func(ctx context.Context, id string) error {
				_, err := c.PIS.UpdatePayment(ctx, id, &fintecture.PaymentUpdate{Amount: money.MustParse("250.00")})
				return err
			}},
		{name: "PIS.Refund", method: "POST", path: "/pis/v2/refund",
			run: func(ctx context.Context) error {
				_, err := c.PIS.Refund(ctx, &fintecture.RefundRequest{SessionID: paid.SessionID, Amount: money.MustParse("10.00"), Communication: "refund"})
				return err
			}},
		{name: "PIS.GetRefund", method: "GET", path: payPath(refund.SessionID), repeatable: true,
			run:    func(ctx context.Context) error { _, err := c.PIS.GetRefund(ctx, refund.SessionID); return err },
			withID: func(ctx context.Context, id string) error { _, err := c.PIS.GetRefund(ctx, id); return err }},
		{name: "PIS.RequestToPay", method: "POST", path: "/pis/v2/request-to-pay", effects: srv.Sessions,
			run: func(ctx context.Context) error {
				_, err := c.PIS.RequestToPay(ctx, &fintecture.RequestToPayRequest{Amount: money.MustParse("230.79"), Currency: "EUR",
					Communication: "INV-1", Name: "John Doe", Email: "john@example.com", Language: "fr"})
				return err
			}},
		{name: "PIS.ListPayments", method: "GET", path: "/pis/v2/payments", repeatable: true,
			run: func(ctx context.Context) error {
				for _, err := range c.PIS.ListPayments(ctx, &fintecture.PaymentQuery{Status: fintecture.StatusCreated}) {
					if err != nil {
						return err
					}
				}
				return nil
			}},
		{name: "PIS.ListPaymentsPage", method: "GET", path: "/pis/v2/payments", repeatable: true,
			run: func(ctx context.Context) error {
				_, err := c.PIS.ListPaymentsPage(ctx, &fintecture.PaymentQuery{Status: fintecture.StatusCreated})
				return err
			}},
		{name: "PIS.ListSettlementsPage", method: "GET", path: "/pis/v2/settlements", repeatable: true,
			run: func(ctx context.Context) error { _, err := c.PIS.ListSettlementsPage(ctx, nil); return err }},
		// The payer's redirect back: only a read of the payment it names.
		{name: "PIS.ConfirmReturn", method: "GET", path: payPath(paid.SessionID), repeatable: true,
			run: func(ctx context.Context) error {
				_, err := c.PIS.ConfirmReturn(ctx, &fintecture.Callback{SessionID: paid.SessionID, State: "order-1"}, "order-1")
				return err
			}},
		{name: "PIS.ListSettlements", method: "GET", path: "/pis/v2/settlements", repeatable: true,
			run: func(ctx context.Context) error {
				for _, err := range c.PIS.ListSettlements(ctx, nil) {
					if err != nil {
						return err
					}
				}
				return nil
			}},
		{name: "PIS.GetSettlement", method: "GET", path: "/pis/v2/settlements/" + settlementID, repeatable: true,
			run:    func(ctx context.Context) error { _, err := c.PIS.GetSettlement(ctx, settlementID, true); return err },
			withID: func(ctx context.Context, id string) error { _, err := c.PIS.GetSettlement(ctx, id, true); return err }},
		{name: "Providers.List", method: "GET", path: "/res/v1/providers", repeatable: true,
			run: func(ctx context.Context) error {
				_, err := c.Providers.List(ctx, &fintecture.ProviderQuery{Country: "FR"})
				return err
			}},
		{name: "Providers.Get", method: "GET", path: "/res/v1/providers/cmcifrpp", repeatable: true,
			run:    func(ctx context.Context) error { _, err := c.Providers.Get(ctx, "cmcifrpp"); return err },
			withID: func(ctx context.Context, id string) error { _, err := c.Providers.Get(ctx, id); return err }},
	}}
}

func etpaySuite(t *testing.T, hc *http.Client, log *slog.Logger, obs ...*paykit.Observer) env {
	srv := etpaytest.NewServer()
	c, err := srv.Client(etpay.WithHTTPClient(hc), etpay.WithLogger(log), etpay.WithRetryBackoff(instantBackoff, instantBackoff), etpay.WithObserver(observerOf(obs)))
	require.NoError(t, err)
	setupClient, err := srv.Client()
	require.NoError(t, err)
	s, err := setupClient.Sessions.Create(bg, &etpay.SessionRequest{OrderID: "OC700104", Amount: 2000,
		CompletedURL: "https://shop.example/etpay/done?order=OC700104"})
	require.NoError(t, err)
	paid, err := srv.Pay(bg, s.Token, etpay.PaymentSuccess)
	require.NoError(t, err)
	api, err := url.Parse(srv.APIURL())
	require.NoError(t, err)
	creds := srv.Credentials()
	return env{srv: srv.Server, client: c, secrets: []string{creds.MerchantAPIToken, creds.MerchantCode}, calls: []call{
		{name: "Sessions.Create", method: "POST", path: api.Path + "/session/initialize",
			run: func(ctx context.Context) error {
				_, err := c.Sessions.Create(ctx, &etpay.SessionRequest{OrderID: "OC700105", Amount: 15990})
				return err
			}},
		{name: "Payments.Status", method: "POST", path: api.Path + "/merchant/check_payment_status", repeatable: true,
			run: func(ctx context.Context) error {
				_, err := c.Payments.Status(ctx, &etpay.StatusQuery{OrderID: "OC700104"})
				return err
			}},
		{name: "Payments.ConfirmReturn", method: "POST", path: api.Path + "/merchant/check_payment_status", repeatable: true,
			run: func(ctx context.Context) error {
				v, err := etpay.NewWebhookVerifier(func(context.Context, string) (string, error) { return s.SignatureToken, nil })
				if err != nil {
					return err
				}
				_, err = c.Payments.ConfirmReturn(ctx, v, httptest.NewRequest(http.MethodGet, paid.RedirectURL, nil), "OC700104")
				return err
			}},
	}}
}

func itoa(n int64) string { return money.FromInt(n).String() }
