// Command mercadopago-checkout-pro shows Checkout Pro with package
// mercadopago: create a preference, send the payer to its checkout page,
// confirm their return to your back URL by reading the payment (a forged
// return is refused), then read the merchant order the payment belongs to.
//
// Offline, against paykit's in-process Mercado Pago simulator (no account
// needed):
//
//	go run ./examples/mercadopago-checkout-pro
//
// Against Mercado Pago, with a test user's access token (TEST-…):
//
//	MERCADOPAGO_ACCESS_TOKEN=TEST-… go run ./examples/mercadopago-checkout-pro
//
// Against Mercado Pago the program creates the preference and prints its
// checkout URL: paying happens in a browser. Offline, the simulator's
// checkout page plays the payer (the step marked SIMULATOR ONLY).
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
		fmt.Fprintln(os.Stderr, "mercadopago-checkout-pro:", explain(err))
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	var c *mercadopago.Client
	var srv *mercadopagotest.Server
	var err error
	if tok := os.Getenv("MERCADOPAGO_ACCESS_TOKEN"); tok != "" {
		c, err = mercadopago.NewClient(mercadopago.Credentials{AccessToken: tok})
	} else {
		srv = mercadopagotest.NewServer()
		defer srv.Close()
		c, err = srv.Client()
	}
	if err != nil {
		return err
	}

	// 1. The preference: what is sold, and where the payer comes back to.
	order := fmt.Sprintf("order-%d", time.Now().UnixNano())
	pref, err := c.Preferences.Create(ctx, &mercadopago.PreferenceRequest{
		Items: []mercadopago.PreferenceItem{{ID: "SKU-1", Title: "Wool blanket", Quantity: 2, CurrencyID: "CLP", UnitPrice: money.MustParse("7995")}},
		BackURLs: &mercadopago.BackURLs{Success: "https://shop.example/checkout/success",
			Pending: "https://shop.example/checkout/pending", Failure: "https://shop.example/checkout/failure"},
		AutoReturn:        mercadopago.AutoReturnApproved,
		ExternalReference: order,
	}, mercadopago.WithIdempotencyKey(order))
	if err != nil {
		return err
	}
	fmt.Printf("preference %s: send the payer to %s\n", pref.ID, pref.InitPoint)
	if srv == nil {
		fmt.Printf("with test credentials use %s; on return, hand the query to ParseCheckoutReturn\n", pref.SandboxInitPoint)
		return nil
	}

	// 2. SIMULATOR ONLY: the payer pays with a test card and is sent back
	// to the success URL with the payment in the query.
	back, err := srv.PayCheckout(pref.ID, mercadopagotest.CheckoutCardApproved)
	if err != nil {
		return err
	}

	// 3. The query is a hint: read the payment, and check it is this order's.
	u, err := url.Parse(back)
	if err != nil {
		return err
	}
	ret, err := mercadopago.ParseCheckoutReturn(u.Query())
	if err != nil {
		return err
	}
	p, err := c.Payments.ConfirmReturn(ctx, ret, order)
	if err != nil {
		return err
	}
	fmt.Printf("payer is back at %s: payment %d is %s, %s %s\n", u.Path, p.ID, p.Status, p.TransactionAmount, p.CurrencyID)

	forged := u.Query()
	forged.Set("external_reference", "order-someone-else")
	fret, err := mercadopago.ParseCheckoutReturn(forged)
	if err != nil {
		return err
	}
	if _, err := c.Payments.ConfirmReturn(ctx, fret, order); !errors.Is(err, mercadopago.ErrCheckoutReturnMismatch) {
		return fmt.Errorf("a return naming another order was not refused: %v", err)
	}
	fmt.Println("a return naming another order is refused")

	// 4. The merchant order groups the preference's payments.
	mo, err := c.MerchantOrders.Get(ctx, ret.MerchantOrderID)
	if err != nil {
		return err
	}
	if p.Status != mercadopago.StatusApproved || mo.OrderStatus != "paid" {
		return fmt.Errorf("payment %d is %s, merchant order %d is %s", p.ID, p.Status, mo.ID, mo.OrderStatus)
	}
	fmt.Printf("done: merchant order %d is %s, paid %s of %s; ship order %s\n", mo.ID, mo.OrderStatus, mo.PaidAmount, mo.TotalAmount, order)
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
