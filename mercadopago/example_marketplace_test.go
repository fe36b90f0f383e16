package mercadopago_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
	"github.com/paykit-go/paykit/money"
)

// An order of the Orders API: created and processed at once with a card
// token, then refunded in part and in full. Amounts travel as decimal
// strings; the order id is the idempotency key.
func ExampleOrdersService_Create() {
	srv := mercadopagotest.NewServer()
	defer srv.Close()
	c, _ := srv.Client()
	ctx := context.Background()
	token, _ := srv.CardToken(mercadopagotest.TestCard{Number: mercadopagotest.CardMastercard, ExpirationMonth: 11,
		ExpirationYear: time.Now().Year() + 2, SecurityCode: "123", HolderName: "APRO"})

	o, err := c.Orders.Create(ctx, &mercadopago.OrderRequest{
		ProcessingMode:    mercadopago.ProcessAutomatic,
		TotalAmount:       money.MustParse("24990.00"),
		ExternalReference: "order-1042",
		Payer:             &mercadopago.OrderPayer{Email: "buyer@example.com"},
		Payments: []mercadopago.OrderPaymentRequest{{
			Amount:        money.MustParse("24990.00"),
			PaymentMethod: mercadopago.OrderPaymentMethod{ID: "master", Type: "credit_card", Token: token, Installments: 1},
		}},
	}, mercadopago.WithIdempotencyKey("order-1042"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(o.Status, o.StatusDetail, o.TotalPaidAmount)

	part := []mercadopago.OrderRefundTransaction{{ID: o.Payment().ID, Amount: money.MustParse("5000.00")}}
	o, _ = c.Orders.Refund(ctx, o.ID, &mercadopago.OrderRefundRequest{Transactions: part})
	fmt.Println(o.Status, o.StatusDetail)
	o, _ = c.Orders.Refund(ctx, o.ID, nil) // no body: refund what is left
	fmt.Println(o.Status, len(o.Transactions.Refunds))
	// Output:
	// processed accredited 24990.00
	// processed partially_refunded
	// refunded 2
}

// Authorize with manual capture, capture later.
func ExampleOrdersService_Capture() {
	srv := mercadopagotest.NewServer()
	defer srv.Close()
	c, _ := srv.Client()
	ctx := context.Background()
	token, _ := srv.CardToken(mercadopagotest.TestCard{Number: mercadopagotest.CardVisa, ExpirationMonth: 11,
		ExpirationYear: time.Now().Year() + 2, SecurityCode: "123", HolderName: "APRO"})
	o, _ := c.Orders.Create(ctx, &mercadopago.OrderRequest{
		ProcessingMode: mercadopago.ProcessAutomatic, CaptureMode: mercadopago.CaptureManual,
		TotalAmount: money.FromInt(8000), ExternalReference: "order-77", Payer: &mercadopago.OrderPayer{Email: "buyer@example.com"},
		Payments: []mercadopago.OrderPaymentRequest{{Amount: money.FromInt(8000),
			PaymentMethod: mercadopago.OrderPaymentMethod{ID: "visa", Type: "credit_card", Token: token, Installments: 1}}},
	})
	fmt.Println(o.Status, o.StatusDetail)
	o, err := c.Orders.Capture(ctx, o.ID)
	fmt.Println(o.Status, err)
	// Output:
	// action_required waiting_capture
	// processed <nil>
}

// A seller connects to the platform through OAuth (state and PKCE), and the
// platform then acts for them with their token over its own client.
func ExampleOAuthService_Start() {
	srv := mercadopagotest.NewServer()
	defer srv.Close()
	c, _ := srv.Client()
	ctx := context.Background()
	app := &mercadopago.OAuthApp{ClientID: mercadopagotest.DefaultClientID, ClientSecret: mercadopagotest.DefaultClientSecret,
		RedirectURI: "https://platform.example/mp/callback", AuthorizationURL: srv.AuthURL()}

	start, _ := c.OAuth.Start(app) // keep start.State and start.PKCE.Verifier in the seller's session
	back, _ := srv.Authorize(start.URL, 0)
	callback, _ := url.Parse(back) // the request your redirect URI receives
	code, err := mercadopago.ParseOAuthCallback(callback, start.State)
	if err != nil {
		fmt.Println(err)
		return
	}
	tok, _ := c.OAuth.Exchange(ctx, app, code, start.PKCE.Verifier)
	seller, _ := c.OAuth.TokenSource(app, tok, func(t *mercadopago.OAuthToken) { /* store t */ })
	me, _ := c.Users.Me(ctx, mercadopago.WithSeller(seller))
	fmt.Println(me.ID == tok.UserID, tok.UserID, tok.Scope)
	fmt.Println(strings.Contains(fmt.Sprint(tok), tok.AccessToken)) // tokens never print
	// Output:
	// true 2000000001 offline_access read write
	// false
}

// Check the credentials at start-up: the account behind the access token.
func ExampleUsersService_Me() {
	srv := mercadopagotest.NewServer()
	defer srv.Close()
	c, _ := srv.Client()
	me, err := c.Users.Me(context.Background())
	fmt.Println(me.ID, me.SiteID, err)
	// Output: 1003743392 MLC <nil>
}

// A plan, and a member subscribing to it with a card; the subscription is
// then paused and cancelled. Amounts are exact, frequencies typed.
func ExamplePlansService_Create() {
	srv := mercadopagotest.NewServer()
	defer srv.Close()
	c, _ := srv.Client()
	ctx := context.Background()
	card, _ := srv.CardToken(mercadopagotest.TestCard{Number: mercadopagotest.CardMastercard, ExpirationMonth: 11,
		ExpirationYear: time.Now().Year() + 2, SecurityCode: "123", HolderName: "APRO"})

	plan, err := c.Plans.Create(ctx, &mercadopago.PlanRequest{
		Reason:  "Yoga classes",
		BackURL: "https://gym.example/thanks",
		AutoRecurring: &mercadopago.AutoRecurring{Frequency: 1, FrequencyType: mercadopago.FrequencyMonths,
			TransactionAmount: money.MustParse("10990"), CurrencyID: "CLP"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	sub, _ := c.Subscriptions.Create(ctx, &mercadopago.SubscriptionRequest{
		PreapprovalPlanID: plan.ID,
		PayerEmail:        "member@example.com",
		CardTokenID:       card,
	})
	fmt.Println(sub.Status, sub.AutoRecurring.TransactionAmount, sub.AutoRecurring.FrequencyType)
	sub, _ = c.Subscriptions.Pause(ctx, sub.ID)
	fmt.Println(sub.Status)
	sub, _ = c.Subscriptions.Cancel(ctx, sub.ID)
	fmt.Println(sub.Status)
	// Output:
	// authorized 10990 months
	// paused
	// cancelled
}

// Subscription notifications are verified like payment ones; the signed
// data id says which subscription or periodic charge changed.
func ExampleNotification_SubscriptionID() {
	v, _ := mercadopago.NewWebhookVerifier("your-webhook-secret")
	h := v.Handler(func(ctx context.Context, n *mercadopago.Notification) error {
		if id, ok := n.SubscriptionID(); ok {
			fmt.Println("subscription changed:", id) // then: c.Subscriptions.Get(ctx, id)
		}
		if id, ok := n.AuthorizedPaymentID(); ok {
			fmt.Println("periodic charge:", id)
		}
		return nil
	})
	srv := mercadopagotest.NewServer()
	defer srv.Close()
	sig := mercadopagotest.SignNotification("your-webhook-secret", "2c938084726fca48", "req-1", time.Now())
	req := httptest.NewRequest("POST", "/hooks?data.id=2c938084726fca48&type=subscription_preapproval",
		strings.NewReader(`{"type":"subscription_preapproval","action":"updated","data":{"id":"2c938084726fca48"}}`))
	req.Header.Set("X-Signature", sig)
	req.Header.Set("X-Request-Id", "req-1")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	fmt.Println(rec.Code)
	// Output:
	// subscription changed: 2c938084726fca48
	// 200
}

// A chargeback: read it with the id from the notification.
func ExampleChargebacksService_Get() {
	srv := mercadopagotest.NewServer()
	defer srv.Close()
	c, _ := srv.Client()
	ctx := context.Background()
	card, _ := srv.CardToken(mercadopagotest.TestCard{Number: mercadopagotest.CardVisa, ExpirationMonth: 11,
		ExpirationYear: time.Now().Year() + 2, SecurityCode: "123", HolderName: "APRO"})
	p, _ := c.Payments.Create(ctx, &mercadopago.PaymentRequest{TransactionAmount: money.FromInt(15990), Token: card,
		Installments: mercadopago.Ptr(1), Payer: &mercadopago.PaymentPayer{Email: "buyer@example.com"}})
	id, _ := srv.Chargeback(p.ID) // the payer disputes the charge with their bank

	cb, err := c.Chargebacks.Get(ctx, id)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cb.Amount, cb.DocumentationRequired, cb.DocumentationStatus, cb.Payments[0] == p.ID)
	// Output: 15990 true pending true
}
