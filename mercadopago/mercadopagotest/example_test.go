package mercadopagotest_test

import (
	"context"
	"fmt"

	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
)

// Client points a mercadopago client at the simulator with its access
// token and retries that wait only milliseconds; options passed to it are
// applied last.
func ExampleServer_Client() {
	srv := mercadopagotest.NewServer()
	defer srv.Close()
	c, err := srv.Client(mercadopago.WithUserAgent("shop/1"))
	if err != nil {
		panic(err)
	}
	methods, err := c.PaymentMethods.List(context.Background())
	if err != nil {
		panic(err)
	}
	fmt.Println(len(methods) > 0, srv.Handled("GET", "/v1/payment_methods"))
	// Output: true 1
}
