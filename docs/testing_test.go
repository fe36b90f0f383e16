// Package docs_test holds the Go code of docs/testing.md, so that every
// snippet there compiles, and those with an Output run.
package docs_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
	"github.com/paykit-go/paykit/money"
)

// chargeOrder stands for the merchant's own code under test.
func chargeOrder(ctx context.Context, c *mercadopago.Client, orderID, cardToken string) (mercadopago.PaymentStatus, error) {
	p, err := c.Payments.Create(ctx, &mercadopago.PaymentRequest{
		TransactionAmount: money.MustParse("15990"), Token: cardToken, Installments: mercadopago.Ptr(1),
		Description: "Wool blanket", ExternalReference: orderID,
		Payer: &mercadopago.PaymentPayer{Email: "buyer@example.com"},
	}, mercadopago.WithIdempotencyKey(orderID))
	if err != nil {
		return "", err
	}
	return p.Status, nil
}

// Example_inProcessSimulator is "1. The in-process simulator".
func Example_inProcessSimulator() {
	srv := mercadopagotest.NewServer()
	defer srv.Close()
	c, err := srv.Client()
	if err != nil {
		panic(err)
	}
	// The payer's browser would make this token with MercadoPago.js.
	tok, err := srv.CardToken(mercadopagotest.TestCard{Number: mercadopagotest.CardMastercard,
		ExpirationMonth: 11, ExpirationYear: time.Now().Year() + 3, SecurityCode: "123",
		HolderName: mercadopagotest.HolderRejectedOther}) // "OTHE": the sandbox rejects it
	if err != nil {
		panic(err)
	}
	status, err := chargeOrder(context.Background(), c, "order-1", tok)
	fmt.Println(status, err, srv.PaymentCount())
	// Output: rejected <nil> 1
}

// Example_simulatorsServer is "2. The simulators server": a client pointed
// at `go run ./examples/simulators` (it compiles here; it needs the server
// running to do anything).
func Example_simulatorsServer() {
	// Values from `curl -s 127.0.0.1:8300/` (mercadopago.url, .access_token).
	c, err := mercadopago.NewClient(mercadopago.Credentials{AccessToken: os.Getenv("SIM_MP_ACCESS_TOKEN")},
		mercadopago.WithBaseURL("http://127.0.0.1:8301"))
	if err != nil {
		panic(err)
	}
	_, _ = c.PaymentMethods.List(context.Background())
}

// Example_httpmockFixtures is "3. httpmock and the recorded answers".
func Example_httpmockFixtures() {
	mt := httpmock.NewMockTransport()
	mercadopagotest.RegisterFixtures(mt) // documented success answers for the common calls
	c, err := mercadopago.NewClient(mercadopago.Credentials{AccessToken: "TEST-unit-test"},
		mercadopago.WithHTTPClient(&http.Client{Transport: mt}))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	status, err := chargeOrder(ctx, c, "order-1", "any-token")
	fmt.Println(status, err)

	// One case, one answer: a duplicate posted within a minute.
	mt.RegisterResponder("POST", mercadopago.DefaultBaseURL+"/v1/payments",
		mercadopagotest.Responder("error_duplicate"))
	_, err = chargeOrder(ctx, c, "order-1", "any-token")
	fmt.Println(mercadopago.IsDuplicatePayment(err))
	// Output:
	// approved <nil>
	// true
}
