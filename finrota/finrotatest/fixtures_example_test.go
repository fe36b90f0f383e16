package finrotatest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/jarcoal/httpmock"

	"github.com/paykit-go/paykit/finrota"
	"github.com/paykit-go/paykit/finrota/finrotatest"
	"github.com/paykit-go/paykit/money"
)

// payOrder is the merchant's own code under test: it pays with the prepare
// token the widget gave the page and says what to do next.
func payOrder(ctx context.Context, c *finrota.Client, ref string, pt finrota.PrepareToken) (string, error) {
	res, err := c.Widget.Pay(ctx, &finrota.PaymentRequest{PrepareToken: pt, Amount: money.MustParse("27.50"),
		ClientReferenceCode: ref, ReturnURL: "https://shop.example/finrota/return", CustomerIP: "203.0.113.7"})
	var declined *finrota.DeclineError
	switch {
	case errors.As(err, &declined):
		return "ask for another card: " + declined.Reason, nil
	case err != nil:
		return "", err
	case res.NeedsRedirect():
		return "redirect the buyer to the bank", nil
	}
	tx, err := c.Transactions.Get(ctx, finrota.ByClientReference(ref))
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("ship (%s, %s %s)", tx.Status, tx.Amount, tx.Currency), nil
}

// A merchant's unit test with httpmock: RegisterFixtures answers the common
// calls with Finrota's documented answers; Responder mounts a refusal, an
// error or a drifted answer on the one call a case is about.
func ExampleRegisterFixtures() {
	mt := httpmock.NewMockTransport()
	finrotatest.RegisterFixtures(mt)
	c, err := finrota.NewClient(finrota.Credentials{APIKey: "unit-test-key", SecretKey: "unit-test-secret"},
		finrota.WithHTTPClient(&http.Client{Transport: mt}))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()

	fmt.Println(payOrder(ctx, c, "A-1001", "prepare-token-1"))

	mt.RegisterResponder("POST", finrota.DefaultBaseURL+"/b2c/widget/payment", finrotatest.Responder("payment_redirect"))
	fmt.Println(payOrder(ctx, c, "A-1001", "prepare-token-1"))

	mt.RegisterResponder("POST", finrota.DefaultBaseURL+"/b2c/widget/payment", finrotatest.Responder("payment_declined"))
	fmt.Println(payOrder(ctx, c, "A-1001", "prepare-token-1"))

	mt.RegisterResponder("POST", finrota.DefaultBaseURL+"/b2c/widget/payment", finrotatest.Responder("error_envelope"))
	_, err = payOrder(ctx, c, "A-1001", "prepare-token-1")
	var apiErr *finrota.Error
	fmt.Println(errors.As(err, &apiErr), apiErr.StatusCode, apiErr.Code)
	// Output:
	// ship (success, 27.50 TRY) <nil>
	// redirect the buyer to the bank <nil>
	// ask for another card: Insufficient funds <nil>
	// true 400 PRP_INVALID
}
