package conformance

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit/internal/wiretest"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
	"github.com/paykit-go/paykit/money"
)

// mercadopagoLocalRows are the wire rows of the methods that are not cards
// (one Payments.Create per method, its exact body) and of Client.Call.
func mercadopagoLocalRows(fixture func(string) string) []wiretest.Row[*mercadopago.Client] {
	type mp = *mercadopago.Client
	cpf := &mercadopago.Identification{Type: "CPF", Number: "19119119100"}
	create := func(name, key string, req *mercadopago.PaymentRequest, body, reply string, then func(*testing.T, *mercadopago.Payment)) wiretest.Row[mp] {
		return wiretest.Row[mp]{Name: "Payments.Create (" + name + ")", Method: "POST", Path: "/v1/payments", KeyValue: key,
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.Payments.Create(ctx, req, mercadopago.WithIdempotencyKey(key))
			},
			Body: body, Reply: wiretest.Reply{Status: 201, Body: reply},
			Then: func(t *testing.T, got any) {
				p := got.(*mercadopago.Payment)
				assert.Empty(t, p.Unparsed)
				if then != nil {
					then(t, p)
				}
			}}
	}
	kind := func(k mercadopago.ActionKind) func(*testing.T, *mercadopago.Payment) {
		return func(t *testing.T, p *mercadopago.Payment) {
			assert.Equal(t, k, p.NextAction(p.DateCreated).Kind)
		}
	}
	email := func(e string) *mercadopago.PaymentPayer { return &mercadopago.PaymentPayer{Email: e} }
	return []wiretest.Row[mp]{
		create("pix", "order-pix", &mercadopago.PaymentRequest{TransactionAmount: money.MustParse("149.90"), PaymentMethodID: mercadopago.PaymentMethodPix,
			Description: "Rede de dormir", ExternalReference: "order-42", Payer: &mercadopago.PaymentPayer{Email: "test_user_br@testuser.com", Identification: cpf}},
			`{"transaction_amount":149.90,"payment_method_id":"pix","description":"Rede de dormir","external_reference":"order-42",`+
				`"payer":{"email":"test_user_br@testuser.com","identification":{"type":"CPF","number":"19119119100"}}}`,
			fixture("payment_pix.json"), kind(mercadopago.ActionShowQR)),
		create("boleto", "order-boleto", &mercadopago.PaymentRequest{TransactionAmount: money.FromInt(89), PaymentMethodID: mercadopago.PaymentMethodBoleto,
			Payer: &mercadopago.PaymentPayer{Email: "test_user_br@testuser.com", FirstName: "Ana", LastName: "Souza", Identification: cpf,
				Address: &mercadopago.PayerAddress{ZipCode: "06233200", StreetName: "Av. das Nações Unidas", StreetNumber: "3003",
					Neighborhood: "Bonfim", City: "Osasco", FederalUnit: "SP"}}},
			`{"transaction_amount":89,"payment_method_id":"bolbradesco","payer":{"email":"test_user_br@testuser.com","first_name":"Ana","last_name":"Souza",`+
				`"identification":{"type":"CPF","number":"19119119100"},"address":{"zip_code":"06233200","street_name":"Av. das Nações Unidas",`+
				`"street_number":"3003","neighborhood":"Bonfim","city":"Osasco","federal_unit":"SP"}}}`,
			fixture("payment_boleto.json"), kind(mercadopago.ActionShowVoucher)),
		create("pse", "order-pse", &mercadopago.PaymentRequest{TransactionAmount: money.FromInt(120000), PaymentMethodID: mercadopago.PaymentMethodPSE,
			CallbackURL: "https://shop.example/pse/back", TransactionDetails: &mercadopago.PaymentTransactionDetails{FinancialInstitution: "1007"},
			AdditionalInfo: &mercadopago.AdditionalInfo{IPAddress: "203.0.113.9"},
			Payer: &mercadopago.PaymentPayer{Email: "test_user_co@testuser.com", EntityType: mercadopago.EntityIndividual,
				Identification: &mercadopago.Identification{Type: "CC", Number: "1020304050"}}},
			`{"transaction_amount":120000,"payment_method_id":"pse","callback_url":"https://shop.example/pse/back",`+
				`"payer":{"email":"test_user_co@testuser.com","identification":{"type":"CC","number":"1020304050"},"entity_type":"individual"},`+
				`"additional_info":{"ip_address":"203.0.113.9"},"transaction_details":{"financial_institution":"1007"}}`,
			fixture("payment_pse.json"), kind(mercadopago.ActionRedirect)),
		create("efecty", "order-efecty", &mercadopago.PaymentRequest{TransactionAmount: money.FromInt(45000), PaymentMethodID: mercadopago.PaymentMethodEfecty,
			Payer: email("test_user_co@testuser.com")},
			`{"transaction_amount":45000,"payment_method_id":"efecty","payer":{"email":"test_user_co@testuser.com"}}`, `{"id":11,"status":"pending"}`, nil),
		create("oxxo", "order-oxxo", &mercadopago.PaymentRequest{TransactionAmount: money.MustParse("349.00"), PaymentMethodID: mercadopago.PaymentMethodOXXO,
			Payer: email("test_user_mx@testuser.com")},
			`{"transaction_amount":349.00,"payment_method_id":"oxxo","payer":{"email":"test_user_mx@testuser.com"}}`,
			fixture("payment_oxxo.json"), kind(mercadopago.ActionShowVoucher)),
		create("paycash", "order-paycash", &mercadopago.PaymentRequest{TransactionAmount: money.MustParse("349.00"), PaymentMethodID: mercadopago.PaymentMethodPaycash,
			Payer: email("test_user_mx@testuser.com")},
			`{"transaction_amount":349.00,"payment_method_id":"paycash","payer":{"email":"test_user_mx@testuser.com"}}`, `{"id":12,"status":"pending"}`, nil),
		create("spei", "order-spei", &mercadopago.PaymentRequest{TransactionAmount: money.MustParse("1250.00"), PaymentMethodID: mercadopago.PaymentMethodSPEI,
			Payer: email("test_user_mx@testuser.com")},
			`{"transaction_amount":1250.00,"payment_method_id":"clabe","payer":{"email":"test_user_mx@testuser.com"}}`, `{"id":13,"status":"pending"}`, nil),
		create("yape", "order-yape", &mercadopago.PaymentRequest{TransactionAmount: money.MustParse("59.90"), PaymentMethodID: mercadopago.PaymentMethodYape,
			Token: "ff8080814c11e237014c1ff593b57b4e", Installments: mercadopago.Ptr(1), Payer: email("test_user_pe@testuser.com")},
			`{"transaction_amount":59.90,"token":"ff8080814c11e237014c1ff593b57b4e","installments":1,"payment_method_id":"yape","payer":{"email":"test_user_pe@testuser.com"}}`,
			`{"id":14,"status":"approved","currency_id":"PEN"}`, nil),
		create("extra fields", "order-extra", &mercadopago.PaymentRequest{TransactionAmount: money.MustParse("349.00"), PaymentMethodID: mercadopago.PaymentMethodOXXO,
			Payer: email("test_user_mx@testuser.com"), Extra: map[string]any{"payer": map[string]any{"first_name": "Ana"}, "counter_currency": nil}},
			`{"transaction_amount":349.00,"payment_method_id":"oxxo","payer":{"email":"test_user_mx@testuser.com","first_name":"Ana"},"counter_currency":null}`,
			`{"id":15,"status":"pending"}`, nil),
		{Name: "Call", Method: "GET", Path: "/v1/payment_methods/card_issuers", Query: "payment_method_id=visa",
			Call: func(ctx context.Context, c mp) (any, error) {
				var out []mercadopago.Issuer
				_, err := c.Call(ctx, http.MethodGet, "/v1/payment_methods/card_issuers", nil, url.Values{"payment_method_id": {"visa"}}, &out)
				return out, err
			},
			Reply: wiretest.Reply{Body: fixture("card_issuers.json")},
			Then:  func(t *testing.T, got any) { assert.NotEmpty(t, got) }},
		{Name: "Call (escaped path argument, PUT)", Method: "PUT", Path: "/v1/customers/a%2Fb%20c", Key: wiretest.NoKey,
			Call: func(ctx context.Context, c mp) (any, error) {
				_, err := c.Call(ctx, http.MethodPut, "/v1/customers/{id}", []string{"a/b c"}, json.RawMessage(`{"first_name":"Ana"}`), nil)
				return nil, err
			},
			Body: `{"first_name":"Ana"}`, Reply: wiretest.Reply{Body: `{}`}},
		{Name: "Call (POST with a key)", Method: "POST", Path: "/v1/payments/1316782591/refunds", KeyValue: "refund-7",
			Call: func(ctx context.Context, c mp) (any, error) {
				var out mercadopago.Refund
				_, err := c.Call(ctx, http.MethodPost, "/v1/payments/{id}/refunds", []string{"1316782591"}, map[string]any{"amount": money.MustParse("10.50")},
					&out, mercadopago.WithIdempotencyKey("refund-7"))
				return &out, err
			},
			Body: `{"amount":10.50}`, Reply: wiretest.Reply{Status: 201, Body: fixture("refund.json")}},
	}
}

// mercadopagoCallCalls are Client.Call's rows of the fault matrix and the
// secrets sweep: a read, and a payment made through Call with a key (so it
// may be repeated, and the simulator holds one payment however often).
func mercadopagoCallCalls(t *testing.T, srv *mercadopagotest.Server, c *mercadopago.Client) []call {
	tok, err := srv.CardToken(mercadopagotest.TestCard{Number: "5031755734530604", ExpirationMonth: 11, ExpirationYear: 2099,
		SecurityCode: "123", HolderName: "APRO", IdentificationType: "RUT", IdentificationNumber: "111111111"})
	require.NoError(t, err)
	return []call{
		{name: "Call", method: "GET", path: "/v1/payment_methods", repeatable: true,
			run: func(ctx context.Context) error {
				var out []mercadopago.PaymentMethod
				_, err := c.Call(ctx, http.MethodGet, "/v1/payment_methods", nil, nil, &out)
				return err
			},
			withID: func(ctx context.Context, id string) error {
				_, err := c.Call(ctx, http.MethodGet, "/v1/customers/{id}/cards/{card_id}", []string{id, id}, nil, nil)
				return err
			}},
		{name: "Call (POST with a key)", method: "POST", path: "/v1/payments", repeatable: true, keyed: true, effects: srv.PaymentCount,
			run: func(ctx context.Context) error {
				var out mercadopago.Payment
				_, err := c.Call(ctx, http.MethodPost, "/v1/payments", nil, map[string]any{"transaction_amount": money.FromInt(1000),
					"token": tok, "installments": 1, "payer": map[string]any{"email": "payer@example.com"}}, &out, mercadopago.WithIdempotencyKey("call-pay-1"))
				return err
			}},
	}
}
