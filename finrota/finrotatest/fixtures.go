package finrotatest

import (
	"embed"

	"github.com/jarcoal/httpmock"

	"github.com/paykit-go/paykit/finrota"
	"github.com/paykit-go/paykit/internal/sim"
)

// fixtureFiles are Finrota's answers as its integration guide shows them,
// the error envelopes and refusals it sends, and "drifted" variants (numbers
// as strings, missing fields, unknown states) that package finrota's own
// tests read too.
//
//go:embed testdata/*.json
var fixtureFiles embed.FS

var fixtures = sim.NewFixtureSet(fixtureFiles, "testdata", map[string]int{
	"error_envelope":                400, // a widget token where the prepare token belongs (PRP_INVALID)
	"error_validation":              400, // ASP.NET validation errors, field by field
	"token_connect_bad_credentials": 401, // wrong API key or secret key
})

// Fixture returns a copy of the recorded answer called name: the file name
// without ".json", as Fixtures lists them. Answers: "token_connect",
// "widget_token", "payment_redirect" (3-D Secure), "payment_direct",
// "transaction", "refund_ok", "cancel_ok", "payment_options"… Errors and
// refusals: "error_envelope", "error_validation",
// "token_connect_bad_credentials", and, answered with 200 as Finrota does,
// "payment_declined" and "refund_refused". Each "<name>_drifted" is <name>
// with the shape changes paykit tolerates. It panics on a name that is not
// a fixture.
func Fixture(name string) []byte { return fixtures.Bytes(name) }

// Fixtures lists the names Fixture and Responder accept, sorted.
func Fixtures() []string { return fixtures.Names() }

// Responder answers every request with the fixture called name, with the
// status Finrota sends it with (200, or the error's 4xx) and Content-Type
// application/json. Mount it on a route of your own:
//
//	mt.RegisterResponder("POST", finrota.DefaultBaseURL+"/b2c/widget/payment", finrotatest.Responder("payment_declined"))
//
// It panics on a name that is not a fixture.
func Responder(name string) httpmock.Responder { return fixtures.Responder(name) }

// RegisterFixtures mounts a success answer for the common calls on mt,
// under finrota.DefaultBaseURL (a client made with
// WithHTTPClient(&http.Client{Transport: mt}) and no WithBaseURL): the
// access token, the widget token, a direct-sale payment, transaction
// details, refund, cancel and payment options. Every call of a kind gets
// the same answer. Register a route again (mt.RegisterResponder with the
// full URL wins over these) to answer it otherwise.
func RegisterFixtures(mt *httpmock.MockTransport) {
	fixtures.Register(mt, finrota.DefaultBaseURL, []sim.FixtureRoute{
		{Method: "POST", Path: "/auth/api/token/connect", Fixture: "token_connect"},
		{Method: "GET", Path: "/b2c/widget/token", Fixture: "widget_token"},
		{Method: "POST", Path: "/b2c/widget/payment", Fixture: "payment_direct"},
		{Method: "GET", Path: "/pws/payment/transaction", Fixture: "transaction"},
		{Method: "POST", Path: "/pws/payment/refund", Fixture: "refund_ok"},
		{Method: "POST", Path: "/pws/payment/cancel", Fixture: "cancel_ok"},
		{Method: "GET", Path: "/b2c/paymentOptions", Fixture: "payment_options"},
	})
}
