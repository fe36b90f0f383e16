// Command mercadopago-marketplace shows a platform on Mercado Pago with
// package mercadopago: an order of the Orders API paid by card and refunded
// in two parts, then a seller connecting through OAuth (state and PKCE
// checked) and a payment made for them with their token, the platform
// keeping an application fee.
//
// Offline, against paykit's in-process Mercado Pago simulator (no account
// needed):
//
//	go run ./examples/mercadopago-marketplace
//
// Against Mercado Pago, with a test user's access token (TEST-…), and your
// application's OAuth details to see the seller's authorization URL:
//
//	MERCADOPAGO_ACCESS_TOKEN=TEST-… MERCADOPAGO_CLIENT_ID=… MERCADOPAGO_CLIENT_SECRET=… \
//	MERCADOPAGO_REDIRECT_URI=https://… go run ./examples/mercadopago-marketplace
//
// Against Mercado Pago the order runs in full; connecting a seller needs a
// person at the authorization page, so the program prints its URL and stops.
// Offline, the simulator plays the seller (the step marked SIMULATOR ONLY).
// Card tokens are made server-side with c.CardTokens, standing in for
// MercadoPago.js: fine for test cards, never for real card numbers.
package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
	"github.com/paykit-go/paykit/money"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "mercadopago-marketplace:", explain(err))
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	var c *mercadopago.Client
	var srv *mercadopagotest.Server
	var err error
	app := &mercadopago.OAuthApp{ClientID: os.Getenv("MERCADOPAGO_CLIENT_ID"), ClientSecret: os.Getenv("MERCADOPAGO_CLIENT_SECRET"),
		RedirectURI: os.Getenv("MERCADOPAGO_REDIRECT_URI")}
	if tok := os.Getenv("MERCADOPAGO_ACCESS_TOKEN"); tok != "" {
		c, err = mercadopago.NewClient(mercadopago.Credentials{AccessToken: tok})
	} else {
		srv = mercadopagotest.NewServer()
		defer srv.Close()
		c, err = srv.Client()
		app = &mercadopago.OAuthApp{ClientID: mercadopagotest.DefaultClientID, ClientSecret: mercadopagotest.DefaultClientSecret,
			RedirectURI: "https://platform.example/mercadopago/callback", AuthorizationURL: srv.AuthURL()}
	}
	if err != nil {
		return err
	}

	// 1. An order paid by card (the token would come from MercadoPago.js).
	ref := fmt.Sprintf("order-%d", time.Now().UnixNano())
	card, err := cardToken(ctx, c)
	if err != nil {
		return err
	}
	o, err := c.Orders.Create(ctx, &mercadopago.OrderRequest{
		ProcessingMode: mercadopago.ProcessAutomatic, TotalAmount: money.MustParse("24990.00"), ExternalReference: ref,
		Description: "Reading lamp", Payer: &mercadopago.OrderPayer{Email: "test_user_123@testuser.com"},
		Payments: []mercadopago.OrderPaymentRequest{{Amount: money.MustParse("24990.00"), PaymentMethod: mercadopago.OrderPaymentMethod{
			ID: "master", Type: "credit_card", Token: card, Installments: 1}}},
	}, mercadopago.WithIdempotencyKey(ref))
	if err != nil {
		return err
	}
	fmt.Printf("order %s: %s / %s\n", o.ID, o.Status, o.StatusDetail)
	pay := o.Payment()
	if pay == nil {
		return fmt.Errorf("order %s has no payment", o.ID)
	}
	// 2. Refund 5000.00 of it, then the rest.
	o, err = c.Orders.Refund(ctx, o.ID, &mercadopago.OrderRefundRequest{Transactions: []mercadopago.OrderRefundTransaction{
		{ID: pay.ID, Amount: money.MustParse("5000.00")}}})
	if err != nil {
		return err
	}
	fmt.Printf("refunded 5000.00: %s\n", o.StatusDetail)
	if o, err = c.Orders.Refund(ctx, o.ID, nil); err != nil {
		return err
	}
	fmt.Printf("refunded the rest: %s\n", o.Status)

	// 3. A seller connects: send them to the authorization URL, keeping
	// State and PKCE.Verifier in their session.
	if app.ClientID == "" {
		fmt.Println("set MERCADOPAGO_CLIENT_ID, MERCADOPAGO_CLIENT_SECRET and MERCADOPAGO_REDIRECT_URI to connect a seller")
		return nil
	}
	start, err := c.OAuth.Start(app)
	if err != nil {
		return err
	}
	fmt.Printf("send the seller to %s\n", start.URL)
	if srv == nil {
		return nil
	}
	// SIMULATOR ONLY: the seller logs in and agrees; the browser comes back
	// to your redirect URI with a code.
	back, err := srv.Authorize(start.URL, 0)
	if err != nil {
		return err
	}
	u, err := url.Parse(back)
	if err != nil {
		return err
	}
	code, err := mercadopago.ParseOAuthCallback(u, start.State) // refuses another session's state
	if err != nil {
		return err
	}
	tok, err := c.OAuth.Exchange(ctx, app, code, start.PKCE.Verifier)
	if err != nil {
		return err
	}
	// Store the token (encrypted) by seller; onRefresh hands you each new one.
	seller, err := c.OAuth.TokenSource(app, tok, func(*mercadopago.OAuthToken) {})
	if err != nil {
		return err
	}
	fmt.Printf("seller %d connected\n", tok.UserID)

	// 4. Charge for the seller; the platform keeps 990.
	if card, err = cardToken(ctx, c); err != nil {
		return err
	}
	p, err := c.Payments.Create(ctx, &mercadopago.PaymentRequest{
		TransactionAmount: money.FromInt(9990), Token: card, Installments: mercadopago.Ptr(1),
		Description: "Handmade mug", ExternalReference: ref + "-mkt", ApplicationFee: mercadopago.Ptr(money.FromInt(990)),
		Payer: &mercadopago.PaymentPayer{Email: "test_user_123@testuser.com"},
	}, mercadopago.WithSeller(seller), mercadopago.WithIdempotencyKey(ref+"-mkt"))
	if err != nil {
		return err
	}
	if p.Status != mercadopago.StatusApproved {
		return fmt.Errorf("payment %d is %s (%s)", p.ID, p.Status, p.StatusDetail)
	}
	fmt.Printf("done: payment %d of %s approved for seller %d, application fee 990\n", p.ID, p.TransactionAmount, tok.UserID)
	return nil
}

// cardToken stands in for MercadoPago.js: a one-use token for the sandbox's
// approved test card.
func cardToken(ctx context.Context, c *mercadopago.Client) (string, error) {
	t, err := c.CardTokens.Create(ctx, &mercadopago.CardTokenRequest{CardNumber: mercadopagotest.CardMastercard, SecurityCode: "123",
		ExpirationMonth: 11, ExpirationYear: time.Now().Year() + 3,
		Cardholder: &mercadopago.Cardholder{Name: mercadopagotest.HolderApproved, Identification: mercadopago.Identification{Type: "RUT", Number: "11111111-1"}}})
	if err != nil {
		return "", err
	}
	return t.ID, nil
}

// explain says what kind of failure err is, the way a caller tells them apart.
func explain(err error) string {
	var apiErr *mercadopago.Error
	var netErr *paykit.NetworkError
	var badReq *paykit.ValidationError
	switch {
	case errors.As(err, &badReq):
		return fmt.Sprintf("not sent: %s %s", badReq.Field, badReq.Rule)
	case errors.As(err, &apiErr):
		return fmt.Sprintf("Mercado Pago answered HTTP %d (%s: %s, causes %v, request id %s)",
			apiErr.StatusCode, apiErr.Code, apiErr.Message, apiErr.Causes, apiErr.RequestID)
	case errors.As(err, &netErr):
		return fmt.Sprintf("no answer (may have reached Mercado Pago: %t): %v", netErr.MayHaveReachedServer, netErr.Err)
	}
	return err.Error()
}
