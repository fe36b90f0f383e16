package conformance

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
	"github.com/paykit-go/paykit/money"
)

// mercadopagoOrders sets up one order per Orders API call and returns the
// calls for the client under test. Every call is a POST with an
// X-Idempotency-Key (or a GET), so each may be repeated, and each creates
// its effect once.
func mercadopagoOrders(t *testing.T, srv *mercadopagotest.Server, setup *mercadopago.Client, card func() string) func(c *mercadopago.Client) []call {
	req := func(mode mercadopago.ProcessingMode, capture mercadopago.CaptureMode, amount string) *mercadopago.OrderRequest {
		return &mercadopago.OrderRequest{ProcessingMode: mode, CaptureMode: capture, TotalAmount: money.MustParse(amount),
			ExternalReference: "fault-" + amount, Payer: &mercadopago.OrderPayer{Email: "payer@example.com"},
			Payments: []mercadopago.OrderPaymentRequest{{Amount: money.MustParse(amount), PaymentMethod: mercadopago.OrderPaymentMethod{
				ID: "master", Type: "credit_card", Token: card(), Installments: 1}}}}
	}
	mk := func(mode mercadopago.ProcessingMode, capture mercadopago.CaptureMode, amount string) *mercadopago.Order {
		o, err := setup.Orders.Create(bg, req(mode, capture, amount))
		require.NoError(t, err)
		return o
	}
	paid := mk(mercadopago.ProcessAutomatic, "", "5000")
	manual := func(amount string, pay bool) *mercadopago.Order {
		r := req(mercadopago.ProcessManual, "", amount)
		if !pay {
			r.Payments = nil
		}
		return mustOrder(t, setup, r)
	}
	toAdd := manual("900", false)
	toUpdate := manual("910", true)
	toDelete := manual("920", true)
	newCard := card()
	addReq := &mercadopago.OrderTransactionsRequest{Payments: []mercadopago.OrderPaymentRequest{{Amount: money.MustParse("900"),
		PaymentMethod: mercadopago.OrderPaymentMethod{ID: "master", Type: "credit_card", Token: newCard, Installments: 1}}}}
	updCard := card()
	updReq := &mercadopago.OrderPaymentUpdate{PaymentMethod: &mercadopago.OrderPaymentMethod{ID: "master", Type: "credit_card", Token: updCard, Installments: 2}}
	added := func() int {
		o, ok := srv.Order(toAdd.ID)
		require.True(t, ok)
		return len(o.Transactions.Payments)
	}
	updated := func() int { // 1 once the payment carries the new installments
		o, ok := srv.Order(toUpdate.ID)
		require.True(t, ok)
		if p := o.Payment(); p != nil && p.PaymentMethod.Installments == 2 {
			return 1
		}
		return 0
	}
	deleted := func() int { // 1 once the payment is gone
		o, ok := srv.Order(toDelete.ID)
		require.True(t, ok)
		return 1 - len(o.Transactions.Payments)
	}
	window := time.Now()
	toCapture := mk(mercadopago.ProcessAutomatic, mercadopago.CaptureManual, "6000")
	toCancel := mk(mercadopago.ProcessAutomatic, mercadopago.CaptureManual, "7000")
	toProcess := mk(mercadopago.ProcessManual, "", "8000")
	fresh := req(mercadopago.ProcessAutomatic, "", "1500.50")
	status := func(id string, want mercadopago.OrderStatus) func() int {
		return func() int {
			o, ok := srv.Order(id)
			require.True(t, ok)
			if o.Status == want {
				return 1
			}
			return 0
		}
	}
	refunds := func() int {
		o, ok := srv.Order(paid.ID)
		require.True(t, ok)
		return len(o.Transactions.Refunds)
	}
	path := func(id string, verb ...string) string {
		p := "/v1/orders/" + id
		for _, v := range verb {
			p += "/" + v
		}
		return p
	}
	return func(c *mercadopago.Client) []call {
		refund := func(ctx context.Context, id string) error {
			_, err := c.Orders.Refund(ctx, id, &mercadopago.OrderRefundRequest{Transactions: []mercadopago.OrderRefundTransaction{
				{ID: paid.Payment().ID, Amount: money.MustParse("100")}}})
			return err
		}
		return []call{
			{name: "Orders.Create", method: "POST", path: "/v1/orders", repeatable: true, keyed: true, effects: srv.OrderCount,
				run: func(ctx context.Context) error { _, err := c.Orders.Create(ctx, fresh); return err }},
			{name: "Orders.Get", method: "GET", path: path(paid.ID), repeatable: true,
				run:    func(ctx context.Context) error { _, err := c.Orders.Get(ctx, paid.ID); return err },
				withID: func(ctx context.Context, id string) error { _, err := c.Orders.Get(ctx, id); return err }},
			{name: "Orders.Process", method: "POST", path: path(toProcess.ID, "process"), repeatable: true, keyed: true,
				effects: status(toProcess.ID, mercadopago.OrderProcessed),
				run:     func(ctx context.Context) error { _, err := c.Orders.Process(ctx, toProcess.ID); return err },
				withID:  func(ctx context.Context, id string) error { _, err := c.Orders.Process(ctx, id); return err }},
			{name: "Orders.Capture", method: "POST", path: path(toCapture.ID, "capture"), repeatable: true, keyed: true,
				effects: status(toCapture.ID, mercadopago.OrderProcessed),
				run:     func(ctx context.Context) error { _, err := c.Orders.Capture(ctx, toCapture.ID); return err },
				withID:  func(ctx context.Context, id string) error { _, err := c.Orders.Capture(ctx, id); return err }},
			{name: "Orders.Cancel", method: "POST", path: path(toCancel.ID, "cancel"), repeatable: true, keyed: true,
				effects: status(toCancel.ID, mercadopago.OrderCanceled),
				run:     func(ctx context.Context) error { _, err := c.Orders.Cancel(ctx, toCancel.ID); return err },
				withID:  func(ctx context.Context, id string) error { _, err := c.Orders.Cancel(ctx, id); return err }},
			{name: "Orders.Refund", method: "POST", path: path(paid.ID, "refund"), repeatable: true, keyed: true, effects: refunds,
				run:    func(ctx context.Context) error { return refund(ctx, paid.ID) },
				withID: refund},
			{name: "Orders.SearchPage", method: "GET", path: "/v1/orders", repeatable: true,
				run: func(ctx context.Context) error {
					_, err := c.Orders.SearchPage(ctx, &mercadopago.OrderSearch{BeginDate: window.Add(-time.Hour), EndDate: window.Add(time.Hour), PageSize: 2})
					return err
				}},
			{name: "Orders.AddTransactions", method: "POST", path: path(toAdd.ID, "transactions"), repeatable: true, keyed: true, effects: added,
				run: func(ctx context.Context) error { _, err := c.Orders.AddTransactions(ctx, toAdd.ID, addReq); return err },
				withID: func(ctx context.Context, id string) error {
					_, err := c.Orders.AddTransactions(ctx, id, addReq)
					return err
				}},
			// PUT with a key: a repeat gets the first answer back.
			{name: "Orders.UpdateTransaction", method: "PUT", path: path(toUpdate.ID, "transactions"), repeatable: true, keyed: true, effects: updated,
				run: func(ctx context.Context) error {
					_, err := c.Orders.UpdateTransaction(ctx, toUpdate.ID, toUpdate.Payment().ID, updReq)
					return err
				},
				withID: func(ctx context.Context, id string) error {
					_, err1 := c.Orders.UpdateTransaction(ctx, id, toUpdate.Payment().ID, updReq)
					_, err2 := c.Orders.UpdateTransaction(ctx, toUpdate.ID, id, updReq)
					return errors.Join(err1, err2)
				}},
			{name: "Orders.DeleteTransaction", method: "DELETE", path: path(toDelete.ID, "transactions"), repeatable: true, keyed: true, effects: deleted,
				run: func(ctx context.Context) error {
					_, err := c.Orders.DeleteTransaction(ctx, toDelete.ID, toDelete.Payment().ID)
					return err
				},
				withID: func(ctx context.Context, id string) error {
					_, err1 := c.Orders.DeleteTransaction(ctx, id, toDelete.Payment().ID)
					_, err2 := c.Orders.DeleteTransaction(ctx, toDelete.ID, id)
					return errors.Join(err1, err2)
				}},
		}
	}
}

func mustOrder(t *testing.T, c *mercadopago.Client, r *mercadopago.OrderRequest) *mercadopago.Order {
	o, err := c.Orders.Create(bg, r)
	require.NoError(t, err)
	return o
}

// mercadopagoOAuth connects a seller and returns the OAuth calls. The
// token POSTs move no money and a code or refresh token is spent by its
// first use, so a repeat cannot double anything: they are repeatable.
func mercadopagoOAuth(t *testing.T, srv *mercadopagotest.Server, c, setup *mercadopago.Client) []call {
	app := &mercadopago.OAuthApp{ClientID: mercadopagotest.DefaultClientID, ClientSecret: mercadopagotest.DefaultClientSecret,
		RedirectURI: "https://platform.example/cb", AuthorizationURL: srv.AuthURL()}
	code := func() (string, string) {
		start, err := setup.OAuth.Start(app)
		require.NoError(t, err)
		back, err := srv.Authorize(start.URL, 0)
		require.NoError(t, err)
		u, err := url.Parse(back)
		require.NoError(t, err)
		cd, err := mercadopago.ParseOAuthCallback(u, start.State)
		require.NoError(t, err)
		return cd, start.PKCE.Verifier
	}
	cd, verifier := code()
	cd2, verifier2 := code()
	tok, err := setup.OAuth.Exchange(bg, app, cd2, verifier2)
	require.NoError(t, err)
	return []call{
		{name: "OAuth.Exchange", method: "POST", path: "/oauth/token", repeatable: true,
			run: func(ctx context.Context) error { _, err := c.OAuth.Exchange(ctx, app, cd, verifier); return err }},
		{name: "OAuth.Refresh", method: "POST", path: "/oauth/token", repeatable: true,
			run: func(ctx context.Context) error { _, err := c.OAuth.Refresh(ctx, app, tok.RefreshToken); return err }},
		{name: "Users.Me (seller)", method: "GET", path: "/users/me", repeatable: true,
			run: func(ctx context.Context) error {
				_, err := c.Users.Me(ctx, mercadopago.WithAccessToken(tok.AccessToken))
				return err
			}},
	}
}

// mercadopagoMarketplaceSecrets plants an OAuth client secret, runs a seller
// connection, calls for the seller, refreshes and fails a refresh, and
// checks that no client secret, seller token, refresh token or PKCE
// verifier reached a log record, an error or formatted output.
func mercadopagoMarketplaceSecrets(t *testing.T) {
	ctx := context.Background()
	w := newLeakWatch()
	const clientSecret = "PLANTED-oauth-client-secret-5510"
	w.secret("client secret", clientSecret)
	srv := mercadopagotest.NewServer(mercadopagotest.WithOAuthApp("77001", clientSecret))
	defer srv.Close()
	hc := &http.Client{Transport: w.transport()}
	c, err := srv.Client(mercadopago.WithLogger(w.logger()), mercadopago.WithHTTPClient(hc), mercadopago.WithRetryBackoff(instantBackoff, instantBackoff))
	require.NoError(t, err)
	app := &mercadopago.OAuthApp{ClientID: "77001", ClientSecret: clientSecret, RedirectURI: "https://platform.example/cb", AuthorizationURL: srv.AuthURL()}
	start, err := c.OAuth.Start(app)
	require.NoError(t, err)
	w.secret("PKCE verifier", start.PKCE.Verifier)
	back, err := srv.Authorize(start.URL, 0)
	require.NoError(t, err)
	u, err := url.Parse(back)
	require.NoError(t, err)
	code, err := mercadopago.ParseOAuthCallback(u, start.State)
	require.NoError(t, err)
	tok, err := c.OAuth.Exchange(ctx, app, code, start.PKCE.Verifier)
	require.NoError(t, err)
	w.secret("seller access token", tok.AccessToken)
	w.secret("seller refresh token", tok.RefreshToken)
	w.see(app, *app, start, *start, start.PKCE, tok, *tok, c.OAuth)
	w.logger().Info("oauth", "app", *app, "token", tok, "pkce", start.PKCE)

	var refreshed *mercadopago.OAuthToken
	src, err := c.OAuth.TokenSource(app, tok, func(nt *mercadopago.OAuthToken) { refreshed = nt })
	require.NoError(t, err)
	_, err = c.Users.Me(ctx, mercadopago.WithSeller(src))
	require.NoError(t, err)
	srv.ExpireSellerTokens()
	me, err := c.Users.Me(ctx, mercadopago.WithSeller(src))
	require.NoError(t, err)
	require.NotNil(t, refreshed)
	w.secret("refreshed access token", refreshed.AccessToken)
	w.secret("refreshed refresh token", refreshed.RefreshToken)
	w.see(me, src, refreshed)

	// A spent refresh token, a bad code and a bad seller token: the errors name no secret.
	_, err = c.OAuth.Refresh(ctx, app, tok.RefreshToken)
	require.Error(t, err)
	w.see(err)
	_, err = c.OAuth.Exchange(ctx, app, code, start.PKCE.Verifier)
	require.Error(t, err)
	w.see(err)
	_, err = c.Users.Me(ctx, mercadopago.WithAccessToken(tok.AccessToken))
	require.Error(t, err)
	w.see(err)
	w.check(t)
}

// mercadopagoSubscriptions returns the plan, subscription and chargeback
// calls: POSTs carry a key and create their effect once, PUTs are
// idempotent, the rest only read.
func mercadopagoSubscriptions(t *testing.T, srv *mercadopagotest.Server, c, setup *mercadopago.Client, card func() string) []call {
	planReq := func() *mercadopago.PlanRequest {
		return &mercadopago.PlanRequest{Reason: "Yoga classes", BackURL: "https://gym.example/thanks",
			AutoRecurring: &mercadopago.AutoRecurring{Frequency: 1, FrequencyType: mercadopago.FrequencyMonths,
				TransactionAmount: money.MustParse("10990"), CurrencyID: "CLP"}}
	}
	plan, err := setup.Plans.Create(bg, planReq())
	require.NoError(t, err)
	sub, err := setup.Subscriptions.Create(bg, &mercadopago.SubscriptionRequest{PreapprovalPlanID: plan.ID, PayerEmail: "member@example.com", CardTokenID: card()})
	require.NoError(t, err)
	fresh := &mercadopago.SubscriptionRequest{PreapprovalPlanID: plan.ID, PayerEmail: "new-member@example.com", CardTokenID: card()}
	toDispute, err := setup.Payments.Create(bg, &mercadopago.PaymentRequest{TransactionAmount: money.MustParse("900"), Token: card(),
		Installments: mercadopago.Ptr(1), Payer: &mercadopago.PaymentPayer{Email: "payer@example.com"}})
	require.NoError(t, err)
	cbID, err := srv.Chargeback(toDispute.ID)
	require.NoError(t, err)
	apID, err := srv.ChargeSubscription(sub.ID)
	require.NoError(t, err)
	paused, err := setup.Subscriptions.Create(bg, &mercadopago.SubscriptionRequest{PreapprovalPlanID: plan.ID, PayerEmail: "paused@example.com", CardTokenID: card()})
	require.NoError(t, err)
	_, err = setup.Subscriptions.Pause(bg, paused.ID)
	require.NoError(t, err)
	subPath := "/preapproval/" + sub.ID
	upload := func(ctx context.Context, id string) error {
		_, err := c.Chargebacks.UploadDocumentation(ctx, id, []mercadopago.ChargebackFile{{Name: "invoice.pdf", Data: []byte("%PDF-1.4 invoice")}})
		return err
	}
	return []call{
		{name: "Plans.Create", method: "POST", path: "/preapproval_plan", repeatable: true, keyed: true, effects: srv.PlanCount,
			run: func(ctx context.Context) error { _, err := c.Plans.Create(ctx, planReq()); return err }},
		{name: "Plans.Get", method: "GET", path: "/preapproval_plan/" + plan.ID, repeatable: true,
			run:    func(ctx context.Context) error { _, err := c.Plans.Get(ctx, plan.ID); return err },
			withID: func(ctx context.Context, id string) error { _, err := c.Plans.Get(ctx, id); return err }},
		{name: "Plans.Update", method: "PUT", path: "/preapproval_plan/" + plan.ID, repeatable: true,
			run: func(ctx context.Context) error {
				_, err := c.Plans.Update(ctx, plan.ID, &mercadopago.PlanRequest{Reason: "Yoga classes (new)"})
				return err
			},
			withID: func(ctx context.Context, id string) error {
				_, err := c.Plans.Update(ctx, id, &mercadopago.PlanRequest{Reason: "Yoga classes (new)"})
				return err
			}},
		{name: "Plans.SearchPage", method: "GET", path: "/preapproval_plan/search", repeatable: true,
			run: func(ctx context.Context) error { _, err := c.Plans.SearchPage(ctx, nil); return err }},
		{name: "Subscriptions.Create", method: "POST", path: "/preapproval", repeatable: true, keyed: true, effects: srv.SubscriptionCount,
			run: func(ctx context.Context) error { _, err := c.Subscriptions.Create(ctx, fresh); return err }},
		{name: "Subscriptions.Get", method: "GET", path: subPath, repeatable: true,
			run:    func(ctx context.Context) error { _, err := c.Subscriptions.Get(ctx, sub.ID); return err },
			withID: func(ctx context.Context, id string) error { _, err := c.Subscriptions.Get(ctx, id); return err }},
		{name: "Subscriptions.Pause", method: "PUT", path: subPath, repeatable: true,
			run:    func(ctx context.Context) error { _, err := c.Subscriptions.Pause(ctx, sub.ID); return err },
			withID: func(ctx context.Context, id string) error { _, err := c.Subscriptions.Pause(ctx, id); return err }},
		{name: "Subscriptions.Update", method: "PUT", path: subPath, repeatable: true,
			run: func(ctx context.Context) error {
				_, err := c.Subscriptions.Update(ctx, sub.ID, &mercadopago.SubscriptionUpdate{Reason: "Yoga (evenings)"})
				return err
			},
			withID: func(ctx context.Context, id string) error {
				_, err := c.Subscriptions.Update(ctx, id, &mercadopago.SubscriptionUpdate{Reason: "Yoga (evenings)"})
				return err
			}},
		// Cancelling again is refused by the simulator, but a repeat carries
		// the first attempt's idempotency key and gets its answer back.
		{name: "Subscriptions.Cancel", method: "PUT", path: subPath, repeatable: true,
			run:    func(ctx context.Context) error { _, err := c.Subscriptions.Cancel(ctx, sub.ID); return err },
			withID: func(ctx context.Context, id string) error { _, err := c.Subscriptions.Cancel(ctx, id); return err }},
		{name: "Subscriptions.Resume", method: "PUT", path: "/preapproval/" + paused.ID, repeatable: true,
			run:    func(ctx context.Context) error { _, err := c.Subscriptions.Resume(ctx, paused.ID); return err },
			withID: func(ctx context.Context, id string) error { _, err := c.Subscriptions.Resume(ctx, id); return err }},
		{name: "Subscriptions.SearchPage", method: "GET", path: "/preapproval/search", repeatable: true,
			run: func(ctx context.Context) error {
				_, err := c.Subscriptions.SearchPage(ctx, &mercadopago.SubscriptionSearch{PreapprovalPlanID: plan.ID})
				return err
			}},
		{name: "Chargebacks.Get", method: "GET", path: "/v1/chargebacks/" + cbID, repeatable: true,
			run:    func(ctx context.Context) error { _, err := c.Chargebacks.Get(ctx, cbID); return err },
			withID: func(ctx context.Context, id string) error { _, err := c.Chargebacks.Get(ctx, id); return err }},
		// No idempotency key (the guides do not say the endpoint honours
		// one): never repeated once it may have arrived.
		{name: "Chargebacks.UploadDocumentation", method: "POST", path: "/v1/chargebacks/" + cbID + "/documentation",
			run: func(ctx context.Context) error { return upload(ctx, cbID) }, withID: upload},
		{name: "Chargebacks.SearchPage", method: "GET", path: "/v1/chargebacks/search", repeatable: true,
			run: func(ctx context.Context) error {
				_, err := c.Chargebacks.SearchPage(ctx, &mercadopago.ChargebackSearch{PaymentID: toDispute.ID})
				return err
			}},
		{name: "AuthorizedPayments.Get", method: "GET", path: "/authorized_payments/" + itoa(apID), repeatable: true,
			run: func(ctx context.Context) error { _, err := c.AuthorizedPayments.Get(ctx, apID); return err }},
		{name: "AuthorizedPayments.SearchPage", method: "GET", path: "/authorized_payments/search", repeatable: true,
			run: func(ctx context.Context) error {
				_, err := c.AuthorizedPayments.SearchPage(ctx, &mercadopago.AuthorizedPaymentSearch{PreapprovalID: sub.ID})
				return err
			}},
	}
}
