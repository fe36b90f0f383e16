package finrota_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/paykit-go/paykit/finrota"
	"github.com/paykit-go/paykit/finrota/finrotatest"
	"github.com/paykit-go/paykit/money"
)

// The backend creates one widget token per payment and hands only that to
// the page's FinrotaPay.init. The access token never leaves the client.
func ExampleWidgetService_CreateToken() {
	srv := finrotatest.NewServer() // in production: finrota.NewClient(creds)
	defer srv.Close()
	c, _ := srv.Client()

	wt, err := c.Widget.CreateToken(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(wt.Token != "", wt.ExpiresAt.Sub(wt.ExpiresAt.Add(-finrota.WidgetTokenLifetime)))
	// Output: true 20m0s
}

// After the widget's onSuccess, the page posts the prepare token to the
// backend, which pays. Without 3-D Secure the sale completes at once.
func ExampleWidgetService_Pay() {
	srv := finrotatest.NewServer()
	defer srv.Close()
	c, _ := srv.Client()
	ctx := context.Background()

	wt, _ := c.Widget.CreateToken(ctx)
	// In a browser the widget does this; the simulator stands in for it.
	pt, _ := srv.PreparePayment(ctx, wt.Token, finrotatest.Prepare{
		Card: finrotatest.TestCard(finrotatest.CardApproved), Amount: money.MustParse("2750"), Currency: "TRY"})

	res, err := c.Widget.Pay(ctx, &finrota.PaymentRequest{
		PrepareToken:        pt, // a finrota.WidgetToken here would not compile
		Amount:              money.MustParse("2750"),
		ReturnURL:           "https://shop.example/finrota/return?order=A-1001",
		ClientReferenceCode: "A-1001",
		CustomerIP:          "203.0.113.7",
	})
	var declined *finrota.DeclineError
	switch {
	case errors.As(err, &declined):
		fmt.Println("declined:", declined.Reason)
	case err != nil:
		fmt.Println("failed:", err)
	case res.NeedsRedirect():
		fmt.Println("redirect the buyer to", res.RedirectURL)
	case res.Paid():
		fmt.Println("paid:", res.Type, res.ClientReferenceCode)
	}
	// Output: paid: DirectSale A-1001
}

// A declined card is an error, so it cannot be mistaken for a sale.
func ExampleDeclineError() {
	srv := finrotatest.NewServer()
	defer srv.Close()
	c, _ := srv.Client()
	ctx := context.Background()
	wt, _ := c.Widget.CreateToken(ctx)
	pt, _ := srv.PreparePayment(ctx, wt.Token, finrotatest.Prepare{
		Card: finrotatest.TestCard(finrotatest.CardDeclined), Amount: money.FromInt(120), Currency: "TRY"})

	_, err := c.Widget.Pay(ctx, &finrota.PaymentRequest{PrepareToken: pt, Amount: money.FromInt(120),
		ReturnURL: "https://shop.example/r", ClientReferenceCode: "A-1002", CustomerIP: "203.0.113.7"})
	fmt.Println(errors.Is(err, finrota.ErrDeclined))
	fmt.Println(err)
	// Output:
	// true
	// finrota: payment declined: Insufficient funds (code 51)
}

// With 3-D Secure the buyer goes to the bank and comes back to the return
// URL; ConfirmReturn asks Finrota for the outcome instead of trusting the
// return request.
func ExampleTransactionsService_ConfirmReturn() {
	srv := finrotatest.NewServer()
	defer srv.Close()
	c, _ := srv.Client()
	ctx := context.Background()
	wt, _ := c.Widget.CreateToken(ctx)
	pt, _ := srv.PreparePayment(ctx, wt.Token, finrotatest.Prepare{
		Card: finrotatest.TestCard(finrotatest.CardApproved), Use3D: true, Amount: money.FromInt(2750), Currency: "TRY"})
	res, _ := c.Widget.Pay(ctx, &finrota.PaymentRequest{PrepareToken: pt, Amount: money.FromInt(2750),
		ReturnURL: "https://shop.example/return?order=A-1003", ClientReferenceCode: "A-1003", CustomerIP: "203.0.113.7"})
	fmt.Println("redirect:", res.NeedsRedirect())

	// The buyer completes 3-D Secure; the browser arrives at the return URL.
	back, _ := srv.Complete3DS(ctx, res.RedirectURL, finrotatest.OTP)

	// In your return handler: the order reference comes from your own URL.
	tx, err := c.Transactions.ConfirmReturn(ctx, back, back.URL.Query().Get("order"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("paid:", tx.Paid(), tx.Amount, tx.Currency)
	// Output:
	// redirect: true
	// paid: true 2750 TRY
}
