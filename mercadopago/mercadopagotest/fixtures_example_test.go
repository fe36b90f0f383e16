package mercadopagotest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/jarcoal/httpmock"

	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
	"github.com/paykit-go/paykit/money"
)

// chargeOrder is the merchant's own code under test: it pays for an order
// and says what to do next.
func chargeOrder(ctx context.Context, c *mercadopago.Client, orderID, cardToken string) (string, error) {
	p, err := c.Payments.Create(ctx, &mercadopago.PaymentRequest{
		TransactionAmount: money.MustParse("15990"), Token: cardToken, Installments: mercadopago.Ptr(1),
		Description: "Wool blanket", ExternalReference: orderID,
		Payer: &mercadopago.PaymentPayer{Email: "buyer@example.com"},
	}, mercadopago.WithIdempotencyKey(orderID))
	switch {
	case mercadopago.IsDuplicatePayment(err):
		return "look the first payment up", nil
	case err != nil:
		return "", err
	case p.Status == mercadopago.StatusApproved:
		return fmt.Sprintf("ship (payment %d)", p.ID), nil
	}
	return "wait", nil
}

// A merchant's unit test with httpmock: RegisterFixtures answers the common
// calls with Mercado Pago's documented answers; Responder mounts an error
// (or a drifted answer) on the one call a case is about.
func ExampleRegisterFixtures() {
	mt := httpmock.NewMockTransport()
	mercadopagotest.RegisterFixtures(mt)
	c, err := mercadopago.NewClient(mercadopago.Credentials{AccessToken: "TEST-unit-test"},
		mercadopago.WithHTTPClient(&http.Client{Transport: mt}))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()

	next, err := chargeOrder(ctx, c, "order-77", "card-token-1")
	fmt.Println(next, err)

	// The same request posted twice within a minute.
	mt.RegisterResponder("POST", mercadopago.DefaultBaseURL+"/v1/payments", mercadopagotest.Responder("error_duplicate"))
	next, err = chargeOrder(ctx, c, "order-77", "card-token-1")
	fmt.Println(next, err)

	// An invalid access token: the error says so, with the status.
	mt.RegisterResponder("GET", mercadopago.DefaultBaseURL+"/v1/payments/1316782591", mercadopagotest.Responder("error_cause_null"))
	_, err = c.Payments.Get(ctx, 1316782591)
	var apiErr *mercadopago.Error
	fmt.Println(errors.As(err, &apiErr), apiErr.StatusCode, apiErr.Code)

	// A drifted answer (the id as a string, a status paykit does not know)
	// still decodes; the status is kept as sent.
	mt.RegisterResponder("GET", mercadopago.DefaultBaseURL+"/v1/payments/1316782592", mercadopagotest.Responder("payment_drifted"))
	p, err := c.Payments.Get(ctx, 1316782592)
	fmt.Println(p.ID, p.Status, err)
	// Output:
	// ship (payment 1316782591) <nil>
	// look the first payment up <nil>
	// true 401 unauthorized
	// 1316782592 on_hold_for_review <nil>
}
