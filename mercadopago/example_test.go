package mercadopago_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
	"github.com/paykit-go/paykit/money"
)

func ExampleNewClient() {
	_, err := mercadopago.NewClient(mercadopago.Credentials{})
	fmt.Println(err)

	c, err := mercadopago.NewClient(mercadopago.Credentials{AccessToken: "TEST-1234"},
		mercadopago.WithMaxRetries(2), mercadopago.WithUserAgent("myshop/1.0"))
	fmt.Println(c.BaseURL(), err)
	// Output:
	// mercadopago: access token: must not be empty
	// https://api.mercadopago.com <nil>
}

// A card payment: the browser made the card token with MercadoPago.js; the
// order id is the idempotency key, so a repeat can never pay twice.
func ExamplePaymentsService_Create() {
	srv := mercadopagotest.NewServer()
	defer srv.Close()
	c, _ := mercadopago.NewClient(mercadopago.Credentials{AccessToken: srv.AccessToken}, mercadopago.WithBaseURL(srv.URL))
	token, _ := srv.CardToken(mercadopagotest.TestCard{Number: mercadopagotest.CardMastercard, ExpirationMonth: 11,
		ExpirationYear: time.Now().Year() + 2, SecurityCode: "123", HolderName: "APRO"})

	p, err := c.Payments.Create(context.Background(), &mercadopago.PaymentRequest{
		TransactionAmount: money.MustParse("15990"),
		Token:             token,
		Installments:      mercadopago.Ptr(1),
		Payer:             &mercadopago.PaymentPayer{Email: "buyer@example.com"},
	}, mercadopago.WithIdempotencyKey("order-1042"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Status, p.StatusDetail, p.TransactionAmount, p.Meta.IdempotencyKey)
	// Output: approved accredited 15990 order-1042
}

// A saved-card payment: a fresh token from the saved card's id and the CVV,
// and the customer as payer.
func ExamplePaymentsService_Create_savedCard() {
	srv := mercadopagotest.NewServer()
	defer srv.Close()
	c, _ := srv.Client()
	ctx := context.Background()
	cu, _ := c.Customers.Create(ctx, &mercadopago.CustomerRequest{Email: "ana@example.com"})
	tok, _ := srv.CardToken(mercadopagotest.TestCard{Number: mercadopagotest.CardVisa, ExpirationMonth: 5,
		ExpirationYear: time.Now().Year() + 2, SecurityCode: "123", HolderName: "APRO"})
	card, _ := c.Cards.Create(ctx, cu.ID, tok)

	fresh, _ := srv.SavedCardToken(cu.ID, card.ID, "123") // MercadoPago.js: createCardToken({cardId, securityCode})
	p, err := c.Payments.Create(ctx, &mercadopago.PaymentRequest{
		TransactionAmount: money.FromInt(100),
		Token:             fresh,
		Installments:      mercadopago.Ptr(1),
		Payer:             &mercadopago.PaymentPayer{Type: mercadopago.PayerCustomer, ID: cu.ID},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Status, p.Card.LastFourDigits, p.Payer.ID == cu.ID)
	// Output: approved 3704 true
}

// Authorize now, capture part later; capture:false is sent even though it is a zero value.
func ExamplePaymentsService_Capture() {
	srv := mercadopagotest.NewServer()
	defer srv.Close()
	c, _ := srv.Client()
	ctx := context.Background()
	tok, _ := srv.CardToken(mercadopagotest.TestCard{Number: mercadopagotest.CardMastercard, ExpirationMonth: 11,
		ExpirationYear: time.Now().Year() + 2, SecurityCode: "123", HolderName: "APRO"})
	p, _ := c.Payments.Create(ctx, &mercadopago.PaymentRequest{TransactionAmount: money.FromInt(12000), Token: tok,
		Installments: mercadopago.Ptr(1), Capture: mercadopago.Ptr(false), Payer: &mercadopago.PaymentPayer{Email: "buyer@example.com"}})
	fmt.Println(p.Status)
	p, _ = c.Payments.Capture(ctx, p.ID, mercadopago.Ptr(money.FromInt(8000)))
	fmt.Println(p.Status, p.TransactionAmount)
	_, err := c.Payments.Cancel(ctx, p.ID)
	fmt.Println(mercadopago.IsInvalidStateForAction(err))
	// Output:
	// authorized
	// approved 8000
	// true
}

func ExamplePaymentsService_CreateFintoc() {
	srv := mercadopagotest.NewServer()
	defer srv.Close()
	c, _ := srv.Client()
	fp, err := c.Payments.CreateFintoc(context.Background(), &mercadopago.FintocRequest{
		TransactionAmount: money.FromInt(10703),
		Description:       "Product title",
		CallbackURL:       "https://www.your-site.com",
		PayerEmail:        "test_user_123@testuser.com",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(fp.Payment.Status, strings.HasPrefix(fp.WidgetToken, "pi_"))
	// The front end opens mp.fintoc().open({widgetToken: fp.WidgetToken}); here the simulator plays the payer.
	status, _ := srv.CompleteFintoc(fp.WidgetToken)
	fmt.Println(status)
	// Output:
	// pending true
	// rejected
}

func ExampleFintocSandboxOutcome() {
	for _, a := range []string{"10701", "10703", "5000"} {
		s, documented := mercadopago.FintocSandboxOutcome(money.MustParse(a))
		fmt.Printf("%s: %q %v\n", a, s, documented)
	}
	// Output:
	// 10701: "approved" true
	// 10703: "rejected" true
	// 5000: "" false
}

func ExampleRefundsService_Create() {
	srv := mercadopagotest.NewServer()
	defer srv.Close()
	c, _ := srv.Client()
	ctx := context.Background()
	tok, _ := srv.CardToken(mercadopagotest.TestCard{Number: mercadopagotest.CardMastercard, ExpirationMonth: 11,
		ExpirationYear: time.Now().Year() + 2, SecurityCode: "123", HolderName: "APRO"})
	p, _ := c.Payments.Create(ctx, &mercadopago.PaymentRequest{TransactionAmount: money.FromInt(20000), Token: tok,
		Installments: mercadopago.Ptr(1), Payer: &mercadopago.PaymentPayer{Email: "buyer@example.com"}})

	part, _ := c.Refunds.Create(ctx, p.ID, &mercadopago.RefundRequest{Amount: money.FromInt(5000)})
	rest, _ := c.Refunds.Create(ctx, p.ID, nil) // an empty body refunds what is left
	_, err := c.Refunds.Create(ctx, p.ID, nil)
	fmt.Println(part.Amount, rest.Amount, mercadopago.IsInvalidStateForAction(err))
	// Output: 5000 15000 true
}

func ExampleError() {
	srv := mercadopagotest.NewServer()
	defer srv.Close()
	c, _ := srv.Client()
	_, err := c.Payments.Get(context.Background(), 42)
	var apiErr *mercadopago.Error
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Message, apiErr.Causes[0].Code, apiErr.RequestID != "")
	}
	// Output: 404 Payment not found 2000 true
}

func ExampleWebhookVerifier_Handler() {
	v, err := mercadopago.NewWebhookVerifier("your-webhook-secret")
	if err != nil {
		panic(err)
	}
	h := v.Handler(func(ctx context.Context, n *mercadopago.Notification) error {
		id, _ := n.PaymentID()
		fmt.Println(n.Action, id) // then: c.Payments.Get(ctx, id) for the facts
		return nil
	})

	// What Mercado Pago sends:
	body := `{"action":"payment.updated","api_version":"v1","data":{"id":"123456"},"date_created":"2024-01-10T17:33:28Z","id":12345,"live_mode":false,"type":"payment","user_id":44444}`
	r := httptest.NewRequest(http.MethodPost, "/mercadopago/webhooks?data.id=123456&type=payment", strings.NewReader(body))
	r.Header.Set("X-Request-Id", "bb56a2f1-6aae-46ac-982e-9dcd3581d08e")
	r.Header.Set("X-Signature", mercadopagotest.SignNotification("your-webhook-secret", "123456", "bb56a2f1-6aae-46ac-982e-9dcd3581d08e", time.Now()))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	fmt.Println(w.Code)
	// Output:
	// payment.updated 123456
	// 200
}
