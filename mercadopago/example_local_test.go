package mercadopago_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
	"github.com/paykit-go/paykit/money"
)

// localClient is a simulator of site and a client that knows the site.
func localClient(site mercadopago.Site) (*mercadopagotest.Server, *mercadopago.Client) {
	srv := mercadopagotest.NewServer(mercadopagotest.WithSite(site))
	c, _ := srv.Client(mercadopago.WithSite(site))
	return srv, c
}

// Pix: the payment is pending with a QR code to show; the notification says
// when it is paid.
func ExamplePayment_NextAction_pix() {
	srv, c := localClient(mercadopago.SiteBrazil)
	defer srv.Close()
	p, err := c.Payments.Create(context.Background(), &mercadopago.PaymentRequest{
		TransactionAmount: money.MustParse("149.90"),
		PaymentMethodID:   mercadopago.PaymentMethodPix,
		Payer: &mercadopago.PaymentPayer{Email: "ana@example.com",
			Identification: &mercadopago.Identification{Type: "CPF", Number: "19119119100"}},
	}, mercadopago.WithIdempotencyKey("order-42"))
	if err != nil {
		fmt.Println(err)
		return
	}
	a := p.NextAction(srv.Clock.Now())
	fmt.Println(p.Status, p.CurrencyID, a.Kind, strings.HasPrefix(a.QRCode, "000201"), string(a.QRCodePNG[1:4]))

	_, _ = srv.Settle(p.ID, mercadopagotest.OutcomePaid) // the payer pays in their bank's app
	p, _ = c.Payments.Get(context.Background(), p.ID)
	fmt.Println(p.Status, p.NextAction(srv.Clock.Now()).Kind)
	// Output:
	// pending BRL show_qr true PNG
	// approved none
}

// A boleto is a voucher: barcode, digitable line and a link; it expires
// unpaid after its date_of_expiration.
func ExamplePayment_NextAction_boleto() {
	srv, c := localClient(mercadopago.SiteBrazil)
	defer srv.Close()
	p, err := c.Payments.Create(context.Background(), &mercadopago.PaymentRequest{
		TransactionAmount: money.MustParse("89.00"),
		PaymentMethodID:   mercadopago.PaymentMethodBoleto,
		Payer: &mercadopago.PaymentPayer{Email: "ana@example.com", FirstName: "Ana", LastName: "Souza",
			Identification: &mercadopago.Identification{Type: "CPF", Number: "19119119100"},
			Address: &mercadopago.PayerAddress{ZipCode: "06233200", StreetName: "Av. das Nações Unidas", StreetNumber: "3003",
				Neighborhood: "Bonfim", City: "Osasco", FederalUnit: "SP"}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	a := p.NextAction(srv.Clock.Now())
	fmt.Println(a.Kind, len(a.Barcode), len(a.DigitableLine), a.URL != "")
	fmt.Println(p.NextAction(p.DateOfExpiration).Kind) // read again at its expiry
	// Output:
	// show_voucher 44 47 true
	// expired
}

// PSE sends the payer to their bank, chosen from the method's list; the
// bank sends them back to callback_url.
func ExamplePayment_NextAction_pse() {
	srv, c := localClient(mercadopago.SiteColombia)
	defer srv.Close()
	ctx := context.Background()
	methods, _ := c.PaymentMethods.List(ctx) // the client remembers PSE's banks
	var bank string
	for _, m := range methods {
		if m.ID == mercadopago.PaymentMethodPSE {
			bank = m.FinancialInstitutions[0].ID
		}
	}
	req := &mercadopago.PaymentRequest{
		TransactionAmount:  money.FromInt(120000), // COP: whole pesos
		PaymentMethodID:    mercadopago.PaymentMethodPSE,
		CallbackURL:        "https://shop.example/pse/back",
		TransactionDetails: &mercadopago.PaymentTransactionDetails{FinancialInstitution: bank},
		AdditionalInfo:     &mercadopago.AdditionalInfo{IPAddress: "203.0.113.9"},
		Payer: &mercadopago.PaymentPayer{Email: "ana@example.com", EntityType: mercadopago.EntityIndividual,
			Identification: &mercadopago.Identification{Type: "CC", Number: "1020304050"}},
	}
	p, err := c.Payments.Create(ctx, req)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.NextAction(srv.Clock.Now()).Kind, p.CurrencyID)

	req.TransactionDetails.FinancialInstitution = "9999"
	_, err = c.Payments.Create(ctx, req)
	fmt.Println(err)
	// Output:
	// redirect COP
	// mercadopago: transaction_details.financial_institution: must be one of the pse method's financial_institutions; "9999" is not
}

// OXXO, Paycash, SPEI and Efecty are vouchers with a reference the payer
// quotes at the counter or in the transfer.
func ExamplePayment_NextAction_oxxo() {
	srv, c := localClient(mercadopago.SiteMexico)
	defer srv.Close()
	p, err := c.Payments.Create(context.Background(), &mercadopago.PaymentRequest{
		TransactionAmount: money.MustParse("349.00"),
		PaymentMethodID:   mercadopago.PaymentMethodOXXO,
		Payer:             &mercadopago.PaymentPayer{Email: "ana@example.com"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	a := p.NextAction(srv.Clock.Now())
	fmt.Println(a.Kind, a.Reference == p.PaymentMethod.Data.ReferenceID, p.CurrencyID)
	// Output:
	// show_voucher true MXN
}

// Yape: the front end makes the token from the payer's phone and the app's
// code; the payment is decided at once, in one installment.
func ExamplePaymentsService_Create_yape() {
	srv, c := localClient(mercadopago.SitePeru)
	defer srv.Close()
	token, _ := srv.YapeToken("987654321", "123456") // MercadoPago.js: mp.yape({phoneNumber, otp}).create()
	p, err := c.Payments.Create(context.Background(), &mercadopago.PaymentRequest{
		TransactionAmount: money.MustParse("59.90"),
		PaymentMethodID:   mercadopago.PaymentMethodYape,
		Token:             token,
		Installments:      mercadopago.Ptr(1),
		Payer:             &mercadopago.PaymentPayer{Email: "ana@example.com"},
	})
	fmt.Println(p.Status, p.CurrencyID, err)
	// Output:
	// approved PEN <nil>
}

// An amount with more decimals than the site's currency allows is refused
// before anything is sent: 15.990 in CLP is not 15.99 pesos.
func ExampleWithSite() {
	c, _ := mercadopago.NewClient(mercadopago.Credentials{AccessToken: "TEST-1234"}, mercadopago.WithSite(mercadopago.SiteChile))
	_, err := c.Payments.Create(context.Background(), &mercadopago.PaymentRequest{
		TransactionAmount: money.MustParse("15.990"), Token: "card-token", Installments: mercadopago.Ptr(1),
		Payer: &mercadopago.PaymentPayer{Email: "ana@example.com"},
	})
	fmt.Println(err)
	_, err = c.Payments.Create(context.Background(), &mercadopago.PaymentRequest{
		TransactionAmount: money.FromInt(15990), PaymentMethodID: mercadopago.PaymentMethodOXXO,
		Payer: &mercadopago.PaymentPayer{Email: "ana@example.com"},
	})
	fmt.Println(err)
	// Output:
	// mercadopago: transaction_amount: must be a whole amount in CLP (Mercado Pago takes no decimals in CLP), not 15.990
	// mercadopago: payment_method_id: oxxo is not offered on site MLC (CLP); it is a MLM (MXN) method
}

// Call reaches an endpoint paykit does not model, with the client's token,
// limits, typed errors and safe retries; path arguments are escaped.
func ExampleClient_Call() {
	srv := mercadopagotest.NewServer()
	defer srv.Close()
	c, _ := srv.Client()
	var methods []struct {
		ID string `json:"id"`
	}
	meta, err := c.Call(context.Background(), http.MethodGet, "/v1/payment_methods", nil, nil, &methods)
	fmt.Println(meta.StatusCode, len(methods) > 0, err)

	_, err = c.Call(context.Background(), http.MethodGet, "/v1/payments/{id}", []string{".."}, nil, nil)
	fmt.Println(err)
	// Output:
	// 200 true <nil>
	// mercadopago: pathArgs[0] (id): must not be "." or ".."
}

// Extra sends a member paykit does not model; it merges into the objects
// paykit builds and never replaces what paykit sets.
func ExamplePaymentRequest_extra() {
	c, _ := mercadopago.NewClient(mercadopago.Credentials{AccessToken: "TEST-1234"})
	_, err := c.Payments.Create(context.Background(), &mercadopago.PaymentRequest{
		TransactionAmount: money.FromInt(100), Token: "card-token", Installments: mercadopago.Ptr(1),
		Payer: &mercadopago.PaymentPayer{Email: "ana@example.com"},
		Extra: map[string]any{"payer": map[string]any{"email": "other@example.com"}},
	})
	fmt.Println(err)
	// Output:
	// mercadopago: extra.payer.email: is set by paykit from a typed field; set it there, not in Extra
}
