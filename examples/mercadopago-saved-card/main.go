// Command mercadopago-saved-card shows a saved-card payment with package
// mercadopago: create a customer, save a card for them, list their cards on
// the next visit, and pay with a fresh token made from the saved card's id
// and the CVV the payer types.
//
// Offline, against paykit's in-process Mercado Pago simulator (no account
// needed):
//
//	go run ./examples/mercadopago-saved-card
//
// Against Mercado Pago, with a test user's access token (TEST-…):
//
//	MERCADOPAGO_ACCESS_TOKEN=TEST-… go run ./examples/mercadopago-saved-card
//
// Card tokens are made server-side here with c.CardTokens, standing in for
// MercadoPago.js in the payer's browser: fine for test cards, never for
// real card numbers (your server must not see them).
package main

import (
	"context"
	"errors"
	"fmt"
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
		fmt.Fprintln(os.Stderr, "mercadopago-saved-card:", explain(err))
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	var c *mercadopago.Client
	var err error
	if tok := os.Getenv("MERCADOPAGO_ACCESS_TOKEN"); tok != "" {
		c, err = mercadopago.NewClient(mercadopago.Credentials{AccessToken: tok})
	} else {
		srv := mercadopagotest.NewServer()
		defer srv.Close()
		c, err = srv.Client()
	}
	if err != nil {
		return err
	}

	// 1. The customer; if the email is taken (cause 101), find them instead.
	email := fmt.Sprintf("test_payer_%d@testuser.com", time.Now().Unix())
	cu, err := c.Customers.Create(ctx, &mercadopago.CustomerRequest{Email: email, FirstName: "Ana"})
	if mercadopago.IsCustomerAlreadyExists(err) {
		for found, serr := range c.Customers.Search(ctx, &mercadopago.CustomerSearch{Email: email}) {
			cu, err = found, serr
			break
		}
	}
	if err != nil {
		return err
	}
	fmt.Printf("customer %s (%s)\n", cu.ID, email)

	// 2. Save a card: MercadoPago.js makes a token in the browser, your
	// backend attaches it to the customer.
	tok, err := c.CardTokens.Create(ctx, &mercadopago.CardTokenRequest{
		CardNumber: mercadopagotest.CardMastercard, SecurityCode: "123",
		ExpirationMonth: 11, ExpirationYear: time.Now().Year() + 3,
		Cardholder: &mercadopago.Cardholder{Name: mercadopagotest.HolderApproved, // "APRO": approved in the sandbox
			Identification: mercadopago.Identification{Type: "RUT", Number: "11111111-1"}},
	})
	if err != nil {
		return err
	}
	card, err := c.Cards.Create(ctx, cu.ID, tok.ID)
	if err != nil {
		return err
	}
	fmt.Printf("saved card %s: %s ending in %s\n", card.ID, card.PaymentMethod.ID, card.LastFourDigits)

	// 3. Next visit: show the saved cards; the payer picks one and types its CVV.
	cards, err := c.Cards.List(ctx, cu.ID)
	if err != nil {
		return err
	}
	for _, cd := range cards {
		fmt.Printf("  option: %s ending in %s (id %s)\n", cd.PaymentMethod.Name, cd.LastFourDigits, cd.ID)
	}
	fresh, err := c.CardTokens.Create(ctx, &mercadopago.CardTokenRequest{CardID: card.ID, SecurityCode: "123"})
	if err != nil {
		return err
	}

	// 4. Pay with the fresh token, as the customer. The idempotency key
	// makes a repeat after a lost answer safe.
	order := fmt.Sprintf("order-%d", time.Now().UnixNano())
	p, err := c.Payments.Create(ctx, &mercadopago.PaymentRequest{
		TransactionAmount: money.FromInt(100), Token: fresh.ID, Installments: mercadopago.Ptr(1),
		Description: "Coffee beans", ExternalReference: order,
		Payer: &mercadopago.PaymentPayer{Type: mercadopago.PayerCustomer, ID: cu.ID},
	}, mercadopago.WithIdempotencyKey(order))
	if err != nil {
		return err
	}
	if p.Status != mercadopago.StatusApproved {
		return fmt.Errorf("payment %d is %s (%s)", p.ID, p.Status, p.StatusDetail)
	}
	fmt.Printf("done: payment %d approved, %s %s with the saved card\n", p.ID, p.TransactionAmount, p.CurrencyID)
	return nil
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
