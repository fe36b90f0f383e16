package etpaytest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/jarcoal/httpmock"

	"github.com/paykit-go/paykit/etpay"
	"github.com/paykit-go/paykit/etpay/etpaytest"
)

// orderPaid is the merchant's own code under test: it asks ETpay about an
// order and says whether any attempt paid it.
func orderPaid(ctx context.Context, c *etpay.Client, orderID string) (bool, error) {
	pays, err := c.Payments.Status(ctx, &etpay.StatusQuery{OrderID: orderID})
	if err != nil {
		return false, err
	}
	for _, p := range pays {
		if p.PaymentStatus.IsSuccess() {
			return true, nil
		}
	}
	return false, nil
}

// A merchant's unit test with httpmock: RegisterFixtures answers both API
// calls with ETpay's documented answers; Responder mounts an error or a
// drifted answer on the one call a case is about.
func ExampleRegisterFixtures() {
	mt := httpmock.NewMockTransport()
	etpaytest.RegisterFixtures(mt)
	c, err := etpay.NewClient(etpay.Credentials{MerchantCode: "unit_test", MerchantAPIToken: "unit-test-token"},
		etpay.WithSandbox(), etpay.WithHTTPClient(&http.Client{Transport: mt}))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()

	s, err := c.Sessions.Create(ctx, &etpay.SessionRequest{OrderID: "OC700104", Amount: 2000})
	fmt.Println(s.RedirectURL, err)
	fmt.Println(orderPaid(ctx, c, "OC700104"))

	mt.RegisterResponder("POST", etpay.SandboxAPIURL+"/merchant/check_payment_status", etpaytest.Responder("error_401"))
	_, err = orderPaid(ctx, c, "OC700104")
	var apiErr *etpay.Error
	fmt.Println(errors.As(err, &apiErr), apiErr.StatusCode, apiErr.Code)

	// A drifted answer (a numeric payment token, the amount as a string or
	// an object)
	// still decodes.
	mt.RegisterResponder("POST", etpay.SandboxAPIURL+"/merchant/check_payment_status", etpaytest.Responder("check_payment_status_response_drifted"))
	fmt.Println(orderPaid(ctx, c, "OC700104"))
	// Output:
	// https://pmt-sandbox.etpay.com/session/Wm9kNEJ2c2VzczEyMw <nil>
	// true <nil>
	// true 401 unauthorized
	// true <nil>
}
