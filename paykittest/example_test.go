package paykittest_test

import (
	"context"
	"fmt"
	"time"

	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
	"github.com/paykit-go/paykit/money"
	"github.com/paykit-go/paykit/paykittest"
)

// A payment whose answer is lost after Mercado Pago made it: the client
// repeats it with the same idempotency key, and there is still one payment.
func ExampleFault() {
	srv := mercadopagotest.NewServer()
	defer srv.Close()
	c, _ := srv.Client()
	token, _ := srv.CardToken(mercadopagotest.TestCard{Number: mercadopagotest.CardMastercard, ExpirationMonth: 11,
		ExpirationYear: time.Now().Year() + 2, SecurityCode: "123", HolderName: "APRO"})

	srv.FailNext(1, paykittest.Fault{Kind: paykittest.StatusAfter, Status: 502}) // the provider acts, the answer is lost
	p, err := c.Payments.Create(context.Background(), &mercadopago.PaymentRequest{
		TransactionAmount: money.MustParse("15990"),
		Token:             token,
		Installments:      mercadopago.Ptr(1),
		Payer:             &mercadopago.PaymentPayer{Email: "buyer@example.com"},
	}, mercadopago.WithIdempotencyKey("order-1042"))
	fmt.Println(p.Status, p.Meta.Attempts, srv.PaymentCount(), err)

	// Output:
	// approved 2 1 <nil>
}
