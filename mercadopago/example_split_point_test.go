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

// connectSeller plays one seller authorising the marketplace on the
// simulator's OAuth page and returns their user id, the collector_id of
// their disbursements.
func connectSeller(srv *mercadopagotest.Server, c *mercadopago.Client, sellerID int64) int64 {
	app := &mercadopago.OAuthApp{ClientID: mercadopagotest.DefaultClientID, ClientSecret: mercadopagotest.DefaultClientSecret,
		RedirectURI: "https://market.example/mp/callback", AuthorizationURL: srv.AuthURL()}
	start, _ := c.OAuth.Start(app)
	back, _ := srv.Authorize(start.URL, sellerID)
	u, _ := url.Parse(back)
	code, _ := mercadopago.ParseOAuthCallback(u, start.State)
	tok, err := c.OAuth.Exchange(context.Background(), app, code, start.PKCE.Verifier)
	if err != nil {
		panic(err)
	}
	return tok.UserID
}

// A marketplace cart of 1000.00 paid once and split between two connected
// sellers, each with the marketplace's fee taken from their part; one
// seller's money is released earlier, then one part is refunded in part and
// the rest in full.
func ExampleAdvancedPaymentsService_Create() {
	srv := mercadopagotest.NewServer()
	defer srv.Close()
	c, _ := srv.Client()
	ctx := context.Background()
	shoes := connectSeller(srv, c, mercadopagotest.DefaultSellerID)
	socks := connectSeller(srv, c, srv.AddSeller("SOCKS", "socks@testuser.com").ID)
	token, _ := srv.CardToken(mercadopagotest.TestCard{Number: mercadopagotest.CardMastercard, ExpirationMonth: 11,
		ExpirationYear: time.Now().Year() + 2, SecurityCode: "123", HolderName: "APRO"})

	ap, err := c.AdvancedPayments.Create(ctx, &mercadopago.AdvancedPaymentRequest{
		ExternalReference: "cart-77",
		Payer:             &mercadopago.AdvancedPaymentPayer{Email: "buyer@example.com"},
		Payments: []mercadopago.AdvancedPaymentCharge{{PaymentMethodID: "master", PaymentTypeID: "credit_card", Token: token,
			TransactionAmount: money.MustParse("1000.00"), Installments: mercadopago.Ptr(1)}},
		Disbursements: []mercadopago.DisbursementRequest{
			{CollectorID: shoes, Amount: money.MustParse("700.00"), ApplicationFee: mercadopago.Ptr(money.MustParse("70.35"))},
			{CollectorID: socks, Amount: money.MustParse("300.00"), ApplicationFee: mercadopago.Ptr(money.MustParse("30.15")),
				MoneyReleaseDays: mercadopago.Ptr(7)},
		},
	}, mercadopago.WithIdempotencyKey("cart-77"))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, d := range ap.Disbursements {
		fmt.Println(ap.Status, d.Amount, "fee", d.ApplicationFee, "released after", d.MoneyReleaseDays, "days")
	}
	soon := srv.Clock.Now().Add(48 * time.Hour)
	_, err = c.AdvancedPayments.UpdateDisbursementReleaseDate(ctx, ap.ID, ap.Disbursements[0].ID, soon)
	fmt.Println("release moved:", err == nil)

	r, _ := c.AdvancedPayments.RefundDisbursement(ctx, ap.ID, ap.Disbursements[1].ID, mercadopago.Ptr(money.MustParse("50.00")))
	fmt.Println("refunded", r.Amount)
	all, _ := c.AdvancedPayments.Refund(ctx, ap.ID) // what is left of every part
	for _, r := range all.Refunds {
		fmt.Println("refunded", r.Amount)
	}
	ap, _ = c.AdvancedPayments.Get(ctx, ap.ID)
	fmt.Println(ap.Status)
	// Output:
	// approved 700.00 fee 70.35 released after 30 days
	// approved 300.00 fee 30.15 released after 7 days
	// release moved: true
	// refunded 50.00
	// refunded 700.00
	// refunded 250.00
	// refunded
}

// An in-person sale on a Point terminal: the point of sale queues a payment
// intent on the device, the payer taps a card on it (here the simulator's
// PayOnTerminal; a browser can use srv.TerminalURL(device) instead) and the
// intent ends FINISHED with the payment's id.
func ExamplePointService_CreatePaymentIntent() {
	srv := mercadopagotest.NewServer()
	defer srv.Close()
	c, _ := srv.Client()
	ctx := context.Background()

	devices, _ := c.Point.ListDevices(ctx, nil)
	for _, d := range devices.Devices {
		fmt.Println(d.ID, d.OperatingMode)
	}
	in, err := c.Point.CreatePaymentIntent(ctx, mercadopagotest.DevicePDV, &mercadopago.PaymentIntentRequest{
		Amount:         money.MustParse("15.50"), // sent as 1550 cents
		AdditionalInfo: &mercadopago.PaymentIntentAdditionalInfo{ExternalReference: "till-3-sale-9", PrintOnTerminal: mercadopago.Ptr(true)},
	}, mercadopago.WithIdempotencyKey("till-3-sale-9"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("queued", in.Amount.Decimal())

	_, _ = srv.PayOnTerminal(mercadopagotest.DevicePDV, mercadopagotest.HolderApproved)
	in, _ = c.Point.GetPaymentIntent(ctx, in.ID)
	pay, _ := c.Payments.Get(ctx, in.Payment.ID)
	fmt.Println(in.State, pay.Status, pay.TransactionAmount)
	// Output:
	// PAX_A910__SMARTPOS1234567890 PDV
	// GERTEC_MP35P__8701012051267123 STANDALONE
	// queued 15.50
	// FINISHED approved 15.50
}
