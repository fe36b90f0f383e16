package etpaytest_test

import (
	"context"
	"fmt"

	"github.com/paykit-go/paykit/etpay"
	"github.com/paykit-go/paykit/etpay/etpaytest"
)

// Client points an etpay client at the simulator with the credentials it
// accepts; options passed to it are applied last.
func ExampleServer_Client() {
	srv := etpaytest.NewServer()
	defer srv.Close()
	c, err := srv.Client(etpay.WithUserAgent("shop/1"))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	s, err := c.Sessions.Create(ctx, &etpay.SessionRequest{OrderID: "A1", Amount: 2000})
	if err != nil {
		panic(err)
	}
	if _, err := srv.Pay(ctx, s.Token, etpay.PaymentSuccess); err != nil {
		panic(err)
	}
	st, err := c.Payments.Status(ctx, &etpay.StatusQuery{SessionToken: s.Token})
	if err != nil {
		panic(err)
	}
	fmt.Println(len(st), st[0].PaymentStatus, st[0].Amount)
	// Output: 1 success 2000
}
