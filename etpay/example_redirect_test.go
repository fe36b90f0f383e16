package etpay_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/paykit-go/paykit/etpay"
	"github.com/paykit-go/paykit/etpay/etpaytest"
)

// The payer comes back from the funnel to your completed URL. Verify the
// redirect's JWT when there is one and let ETpay say how the payment went;
// the result page can then tell the truth.
func ExamplePaymentsService_ConfirmReturn() {
	srv := etpaytest.NewServer()
	defer srv.Close()
	c, _ := srv.Client()
	ctx := context.Background()

	s, _ := c.Sessions.Create(ctx, &etpay.SessionRequest{OrderID: "OC700104", Amount: 2000,
		CompletedURL: "https://shop.example/etpay/done?order=OC700104"})
	signatureTokens := map[string]string{s.Token: s.SignatureToken} // your order store
	res, _ := srv.Pay(ctx, s.Token, etpay.PaymentSuccess)           // the payer pays in the funnel

	v, err := etpay.NewWebhookVerifier(func(_ context.Context, session string) (string, error) {
		return signatureTokens[session], nil
	}) // add etpay.WithRedirectParams("…") if your redirect names the JWT otherwise
	if err != nil {
		panic(err)
	}

	// In your handler of https://shop.example/etpay/done: r is the request.
	r := httptest.NewRequest(http.MethodGet, res.RedirectURL, nil)
	back, err := c.Payments.ConfirmReturn(ctx, v, r, r.URL.Query().Get("order"))
	if err != nil {
		fmt.Println("refused:", err)
		return
	}
	fmt.Println("signed:", back.Signed, "paid:", back.Paid(), back.Payment.Amount)
	// Output: signed: true paid: true 2000
}

// When your funnel appends the JWT under another name, tell the verifier.
func ExampleWithRedirectParams() {
	srv := etpaytest.NewServer(etpaytest.WithRedirectParam("etpay_jwt"))
	defer srv.Close()
	c, _ := srv.Client()
	ctx := context.Background()
	s, _ := c.Sessions.Create(ctx, &etpay.SessionRequest{OrderID: "OC700106", Amount: 1500,
		CompletedURL: "https://shop.example/etpay/done"})
	res, _ := srv.Pay(ctx, s.Token, etpay.PaymentSuccess)

	v, err := etpay.NewWebhookVerifier(func(context.Context, string) (string, error) { return s.SignatureToken, nil },
		etpay.WithRedirectParams("etpay_jwt"))
	if err != nil {
		panic(err)
	}
	out, err := v.VerifyRedirect(httptest.NewRequest(http.MethodGet, res.RedirectURL, nil))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(out.OrderID, out.PaymentStatus)
	// Output: OC700106 success
}
