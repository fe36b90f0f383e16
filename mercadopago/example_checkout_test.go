package mercadopago_test

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
	"github.com/paykit-go/paykit/money"
)

// What a card form asks before the payer pays: the installment plans for
// the card's BIN and the amount, each with the message to show.
func ExamplePaymentMethodsService_Installments() {
	srv := mercadopagotest.NewServer()
	defer srv.Close()
	c, _ := srv.Client()
	ctx := context.Background()

	plans, err := c.PaymentMethods.Installments(ctx, &mercadopago.InstallmentsQuery{
		Amount: money.MustParse("15990"),
		BIN:    "503175", // the first digits MercadoPago.js read from the card field
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, pc := range plans[0].PayerCosts[:2] {
		fmt.Println(pc.Installments, pc.TotalAmount, pc.RecommendedMessage)
	}
	types, _ := c.IdentificationTypes.List(ctx)
	issuers, _ := c.PaymentMethods.CardIssuers(ctx, plans[0].PaymentMethodID)
	fmt.Println(plans[0].PaymentMethodID, types[0].ID, issuers[0].ID)
	// Output:
	// 1 15990.00 1 cuota de $ 15990.00 ($ 15990.00)
	// 3 17622.58 3 cuotas de $ 5874.19 ($ 17622.58)
	// master RUT 24
}

// Card tokens made by the backend, for tests and tools only: a real
// checkout tokenizes in the browser with MercadoPago.js (PCI).
func ExampleCardTokensService_Create() {
	srv := mercadopagotest.NewServer()
	defer srv.Close()
	c, _ := srv.Client()
	tok, err := c.CardTokens.Create(context.Background(), &mercadopago.CardTokenRequest{
		CardNumber: mercadopagotest.CardMastercard, SecurityCode: "123",
		ExpirationMonth: 11, ExpirationYear: time.Now().Year() + 2,
		Cardholder: &mercadopago.Cardholder{Name: "APRO"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(tok.Status, tok.LastFourDigits)
	fmt.Println(tok) // the token id is a credential: it is never printed
	// Output:
	// active 0604
	// mercadopago.CardToken{ID: [redacted], LastFourDigits: 0604, Status: active}
}

// A card payment with 3-D Secure: it may come back waiting for the issuer's
// challenge. The payer's browser runs it (HTMLForm), then the payment is
// read again: its status is the outcome.
func ExamplePayment_Challenge() {
	srv := mercadopagotest.NewServer()
	defer srv.Close()
	c, _ := srv.Client()
	ctx := context.Background()
	token, _ := srv.CardToken(mercadopagotest.TestCard{Number: mercadopagotest.Card3DSChallenge, ExpirationMonth: 11,
		ExpirationYear: time.Now().Year() + 2, SecurityCode: "123", HolderName: "APRO"})

	p, err := c.Payments.Create(ctx, &mercadopago.PaymentRequest{
		TransactionAmount: money.MustParse("15990"),
		Token:             token,
		Installments:      mercadopago.Ptr(1),
		Payer:             &mercadopago.PaymentPayer{Email: "buyer@example.com"},
		ThreeDSecureMode:  mercadopago.ThreeDSOptional,
	}, mercadopago.WithIdempotencyKey("order-1043"))
	if err != nil {
		fmt.Println(err)
		return
	}
	if ch, ok := p.Challenge(); ok {
		fmt.Println(p.Status, p.StatusDetail)
		_ = ch.HTMLForm("challenge-frame") // serve this to the payer's page, in an iframe
		// Here the simulator plays the payer passing the challenge.
		_, _ = srv.CompleteChallenge(ch.CReq, true)
		p, _ = c.Payments.Get(ctx, p.ID)
	}
	fmt.Println(p.Status, p.StatusDetail)
	// Output:
	// pending pending_challenge
	// approved accredited
}

// Checkout Pro: a preference, the payer sent to its InitPoint, and the
// return confirmed by reading the payment, not by trusting the query.
func ExamplePreferencesService_Create() {
	srv := mercadopagotest.NewServer()
	defer srv.Close()
	c, _ := srv.Client()
	ctx := context.Background()

	pref, err := c.Preferences.Create(ctx, &mercadopago.PreferenceRequest{
		Items: []mercadopago.PreferenceItem{{Title: "Wool blanket", Quantity: 1, CurrencyID: "CLP", UnitPrice: money.MustParse("15990")}},
		BackURLs: &mercadopago.BackURLs{
			Success: "https://shop.example/checkout/success",
			Pending: "https://shop.example/checkout/pending",
			Failure: "https://shop.example/checkout/failure",
		},
		AutoReturn:        mercadopago.AutoReturnApproved,
		ExternalReference: "order-1044",
	}, mercadopago.WithIdempotencyKey("order-1044"))
	if err != nil {
		fmt.Println(err)
		return
	}
	// Redirect the payer to pref.InitPoint; here the simulator plays them.
	back, _ := srv.PayCheckout(pref.ID, mercadopagotest.CheckoutCardApproved)
	u, _ := url.Parse(back)
	fmt.Println(u.Path, u.Query().Get("status"))
	// Output: /checkout/success approved
}

// The back URL handler: parse the query, then confirm with Mercado Pago.
func ExampleParseCheckoutReturn() {
	srv := mercadopagotest.NewServer()
	defer srv.Close()
	c, _ := srv.Client()
	ctx := context.Background()
	pref, _ := c.Preferences.Create(ctx, &mercadopago.PreferenceRequest{
		Items:             []mercadopago.PreferenceItem{{Title: "Tea", Quantity: 2, UnitPrice: money.FromInt(3000)}},
		BackURLs:          &mercadopago.BackURLs{Success: "https://shop.example/back"},
		ExternalReference: "order-1045",
	})
	back, _ := srv.PayCheckout(pref.ID, mercadopagotest.CheckoutCardApproved)
	u, _ := url.Parse(back)
	query := u.Query() // in your handler: r.URL.Query()

	ret, err := mercadopago.ParseCheckoutReturn(query)
	if err != nil {
		fmt.Println(err) // ErrCheckoutReturnNoPayment: the payer left without paying
		return
	}
	p, err := c.Payments.ConfirmReturn(ctx, ret, "order-1045") // the order id you stored
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Status, p.TransactionAmount, p.ExternalReference)
	mo, _ := c.MerchantOrders.Get(ctx, ret.MerchantOrderID)
	fmt.Println(mo.Status, mo.OrderStatus, len(mo.Payments))
	// Output:
	// approved 6000 order-1045
	// closed paid 1
}
