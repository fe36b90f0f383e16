package fintecturetest_test

import (
	"context"
	"fmt"

	"github.com/paykit-go/paykit/fintecture"
	"github.com/paykit-go/paykit/fintecture/fintecturetest"
	"github.com/paykit-go/paykit/money"
)

// Client points a fintecture client at the simulator with the application's
// credentials (and, for a production server, signed requests); options
// passed to it are applied last.
func ExampleServer_Client() {
	srv := fintecturetest.NewServer(fintecturetest.WithProduction())
	defer srv.Close()
	c, err := srv.Client(fintecture.WithUserAgent("shop/1"))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	s, err := c.PIS.Connect(ctx, &fintecture.ConnectRequest{Amount: money.MustParse("12.30"), Currency: "EUR",
		Communication: "ORDER-1", RedirectURI: "https://shop.example/back", State: "order-1"})
	if err != nil {
		panic(err)
	}
	if _, err := srv.Pay(s.SessionID, fintecture.StatusCreated); err != nil {
		panic(err)
	}
	p, err := c.PIS.GetPayment(ctx, s.SessionID)
	if err != nil {
		panic(err)
	}
	fmt.Println(p.Status, p.Amount)
	// Output: payment_created 12.30
}
