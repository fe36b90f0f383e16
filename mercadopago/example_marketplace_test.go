package mercadopago_test

import (
	"context"
	"fmt"
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
