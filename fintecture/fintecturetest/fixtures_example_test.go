package fintecturetest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/jarcoal/httpmock"

	"github.com/paykit-go/paykit/fintecture"
	"github.com/paykit-go/paykit/fintecture/fintecturetest"
	"github.com/paykit-go/paykit/money"
)

// orderPaid is the merchant's own code under test: it looks a payment
// session up and says whether the order can ship.
func orderPaid(ctx context.Context, c *fintecture.Client, sessionID string, amount money.Decimal) (bool, error) {
	p, err := c.PIS.GetPayment(ctx, sessionID)
	if err != nil {
		return false, err
	}
	return p.Status == fintecture.StatusCreated && p.Amount.Equal(amount), nil
}

// A merchant's unit test with httpmock: RegisterFixtures answers the common
// calls with Fintecture's documented answers; Responder mounts an error or
// a drifted answer on the one call a case is about.
func ExampleRegisterFixtures() {
	mt := httpmock.NewMockTransport()
	fintecturetest.RegisterFixtures(mt)
	c, err := fintecture.NewClient(fintecture.Credentials{AppID: "unit-test-app", AppSecret: "unit-test-secret"},
		fintecture.WithHTTPClient(&http.Client{Transport: mt}))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()

	fmt.Println(orderPaid(ctx, c, "44f00841780445d4981be9ea2f8aafae", money.MustParse("273.00")))

	mt.RegisterResponder("GET", fintecture.SandboxURL+"/pis/v2/payments/expired", fintecturetest.Responder("error_401"))
	_, err = orderPaid(ctx, c, "expired", money.MustParse("273.00"))
	var apiErr *fintecture.Error
	fmt.Println(errors.As(err, &apiErr), apiErr.StatusCode, apiErr.Code, apiErr.LogID)

	// A drifted answer (the amount as a number, a status paykit does not
	// know) still decodes; the status is kept as sent.
	mt.RegisterResponder("GET", fintecture.SandboxURL+"/pis/v2/payments/drifted", fintecturetest.Responder("payment_drifted"))
	p, err := c.PIS.GetPayment(ctx, "drifted")
	fmt.Println(p.Status, p.Amount, err)
	// Output:
	// true <nil>
	// true 401 unauthorized b1c6f9a3e2d54b0f
	// payment_teleported 273.5 <nil>
}
