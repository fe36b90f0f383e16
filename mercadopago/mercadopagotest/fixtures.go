package mercadopagotest

import (
	"embed"

	"github.com/jarcoal/httpmock"

	"github.com/paykit-go/paykit/internal/sim"
	"github.com/paykit-go/paykit/mercadopago"
)

// fixtureFiles are Mercado Pago's answers as its API reference shows them
// (https://www.mercadopago.com/developers/en/reference), the error bodies it
// sends, and "drifted" variants (numbers as strings, nulls, unknown states)
// that package mercadopago's own tests read too.
//
//go:embed testdata/*.json
var fixtureFiles embed.FS

var fixtures = sim.NewFixtureSet(fixtureFiles, "testdata", map[string]int{
	"error_cause_null":    401, // invalid access token, "cause": null
	"error_causes_object": 400, // customer already exists (cause 101), "causes" as one object
	"error_duplicate":     400, // the same request posted twice within a minute (cause 2001)
})

// Fixture returns a copy of the recorded answer called name: the file name
// without ".json", as Fixtures lists them. Answers: "payment_approved",
// "payment_fintoc", the local methods' pending payments "payment_pix",
// "payment_boleto", "payment_pse", "payment_oxxo" (and
// "payment_local_drifted": a Pix payment as the API really sends it, ids
// beyond int64, blank dates, masked card fields, offsets without a colon),
// "refund", "customer", "card", "cards_list",
// "card_token", "preference", "merchant_order", "order_processed",
// "order_search", "order_pix", "authorized_payment", "chargeback_sdk",
// "oauth_token", "user_me", "advanced_payment", "disbursement_refunds",
// "point_payment_intent", "point_devices", "notification_point"… Errors: "error_duplicate", "error_cause_null",
// "error_causes_object". Each "<name>_drifted" is <name> with the shape
// changes paykit tolerates. It panics on a name that is not a fixture.
func Fixture(name string) []byte { return fixtures.Bytes(name) }

// Fixtures lists the names Fixture and Responder accept, sorted.
func Fixtures() []string { return fixtures.Names() }

// Responder answers every request with the fixture called name, with the
// status Mercado Pago sends it with (200, or the error's 4xx) and
// Content-Type application/json. Mount it on a route of your own:
//
//	mt.RegisterResponder("POST", mercadopago.DefaultBaseURL+"/v1/payments", mercadopagotest.Responder("error_duplicate"))
//
// It panics on a name that is not a fixture.
func Responder(name string) httpmock.Responder { return fixtures.Responder(name) }

// RegisterFixtures mounts a success answer for the common calls on mt,
// under mercadopago.DefaultBaseURL (a client made with
// WithHTTPClient(&http.Client{Transport: mt}) and no WithBaseURL):
// payments (create, get, refunds), customers and cards, card tokens,
// payment methods and installments, identification types, preferences and
// merchant orders (with their one-page searches), orders (with search and
// transactions), chargebacks, subscriptions' authorized payments, OAuth
// tokens and /users/me, advanced payments (create, get, search, refunds)
// and Point (devices, intents). Every call of a kind
// gets the same answer, whatever ids it names. Register a route again
// (mt.RegisterResponder, or RegisterRegexpResponder) to answer it otherwise.
func RegisterFixtures(mt *httpmock.MockTransport) {
	fixtures.Register(mt, mercadopago.DefaultBaseURL, []sim.FixtureRoute{
		{Method: "POST", Path: "/v1/payments", Fixture: "payment_approved"},
		{Method: "GET", Path: "/v1/payments/{n}", Fixture: "payment_approved"},
		{Method: "POST", Path: "/v1/payments/{n}/refunds", Fixture: "refund"},
		{Method: "GET", Path: "/v1/payments/{n}/refunds", Fixture: "refunds_list"},
		{Method: "POST", Path: "/v1/customers", Fixture: "customer"},
		{Method: "GET", Path: "/v1/customers/search", Fixture: "customer_search"},
		{Method: "GET", Path: "/v1/customers/{id}", Fixture: "customer"},
		{Method: "POST", Path: "/v1/customers/{id}/cards", Fixture: "card"},
		{Method: "GET", Path: "/v1/customers/{id}/cards", Fixture: "cards_list"},
		{Method: "POST", Path: "/v1/card_tokens", Fixture: "card_token"},
		{Method: "GET", Path: "/v1/card_tokens/{id}", Fixture: "card_token"},
		{Method: "GET", Path: "/v1/payment_methods", Fixture: "payment_methods"},
		{Method: "GET", Path: "/v1/payment_methods/installments", Fixture: "installments"},
		{Method: "GET", Path: "/v1/payment_methods/card_issuers", Fixture: "card_issuers"},
		{Method: "GET", Path: "/v1/identification_types", Fixture: "identification_types"},
		{Method: "POST", Path: "/checkout/preferences", Fixture: "preference"},
		{Method: "GET", Path: "/checkout/preferences/search", Fixture: "preference_search"},
		{Method: "GET", Path: "/checkout/preferences/{id}", Fixture: "preference"},
		{Method: "GET", Path: "/merchant_orders/search", Fixture: "merchant_order_search"},
		{Method: "GET", Path: "/merchant_orders/{n}", Fixture: "merchant_order"},
		{Method: "POST", Path: "/v1/orders", Fixture: "order_processed"},
		{Method: "GET", Path: "/v1/orders/{id}", Fixture: "order_processed"},
		{Method: "POST", Path: "/v1/orders/{id}/refund", Fixture: "order_partially_refunded"},
		{Method: "GET", Path: "/v1/orders", Fixture: "order_search"},
		{Method: "POST", Path: "/v1/orders/{id}/transactions", Fixture: "order_transactions"},
		{Method: "PUT", Path: "/v1/orders/{id}/transactions/{id}", Fixture: "order_transaction_updated"},
		{Method: "GET", Path: "/v1/chargebacks/search", Fixture: "chargeback_search"},
		{Method: "GET", Path: "/v1/chargebacks/{id}", Fixture: "chargeback"},
		{Method: "GET", Path: "/authorized_payments/search", Fixture: "authorized_payment_search"},
		{Method: "GET", Path: "/authorized_payments/{n}", Fixture: "authorized_payment"},
		{Method: "POST", Path: "/preapproval_plan", Fixture: "plan"},
		{Method: "GET", Path: "/preapproval_plan/{id}", Fixture: "plan"},
		{Method: "POST", Path: "/preapproval", Fixture: "subscription"},
		{Method: "GET", Path: "/preapproval/{id}", Fixture: "subscription"},
		{Method: "POST", Path: "/oauth/token", Fixture: "oauth_token"},
		{Method: "GET", Path: "/users/me", Fixture: "user_me"},
		// Advanced payments and Point.
		{Method: "POST", Path: "/v1/advanced_payments", Fixture: "advanced_payment"},
		{Method: "GET", Path: "/v1/advanced_payments/search", Fixture: "advanced_payment_search"},
		{Method: "GET", Path: "/v1/advanced_payments/{n}", Fixture: "advanced_payment"},
		{Method: "GET", Path: "/v1/advanced_payments/{n}/refunds", Fixture: "disbursement_refunds"},
		{Method: "GET", Path: "/point/integration-api/devices", Fixture: "point_devices"},
		{Method: "POST", Path: "/point/integration-api/devices/{id}/payment-intents", Fixture: "point_payment_intent"},
		{Method: "GET", Path: "/point/integration-api/payment-intents/{id}", Fixture: "point_payment_intent"},
	})
}
