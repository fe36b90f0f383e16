package etpaytest

import (
	"embed"

	"github.com/jarcoal/httpmock"

	"github.com/paykit-go/paykit/etpay"
	"github.com/paykit-go/paykit/internal/sim"
)

// fixtureFiles are ETpay's answers as its merchant integration guides show
// them (https://etpay.notion.site), error bodies in the shapes seen from it,
// and "drifted" variants (numbers as strings, unknown states) that package
// etpay's own tests read too.
//
//go:embed testdata/*.json
var fixtureFiles embed.FS

var fixtures = sim.NewFixtureSet(fixtureFiles, "testdata", map[string]int{
	"error_400": 400, // a refused request (an order amount that is not a positive integer)
	"error_401": 401, // wrong merchant code or API token
})

// Fixture returns a copy of the recorded answer called name: the file name
// without ".json", as Fixtures lists them. Answers:
// "session_initialize_response", "check_payment_status_response" (two
// attempts of one order: one failed, one successful). Errors: "error_400",
// "error_401". Each "<name>_drifted" is <name> with the shape changes
// paykit tolerates. It panics on a name that is not a fixture.
func Fixture(name string) []byte { return fixtures.Bytes(name) }

// Fixtures lists the names Fixture and Responder accept, sorted.
func Fixtures() []string { return fixtures.Names() }

// Responder answers every request with the fixture called name, with the
// status ETpay sends it with (200, or the error's 4xx) and Content-Type
// application/json. Mount it on a route of your own:
//
//	mt.RegisterResponder("POST", etpay.SandboxAPIURL+"/session/initialize", etpaytest.Responder("error_401"))
//
// It panics on a name that is not a fixture.
func Responder(name string) httpmock.Responder { return fixtures.Responder(name) }

// RegisterFixtures mounts a success answer for the two API calls on mt,
// under etpay.SandboxAPIURL (a client made with etpay.WithSandbox() and
// WithHTTPClient(&http.Client{Transport: mt})): session initialize and
// check_payment_status. Register a route again (mt.RegisterResponder with
// the full URL wins over these) to answer it otherwise.
func RegisterFixtures(mt *httpmock.MockTransport) {
	fixtures.Register(mt, etpay.SandboxAPIURL, []sim.FixtureRoute{
		{Method: "POST", Path: "/session/initialize", Fixture: "session_initialize_response"},
		{Method: "POST", Path: "/merchant/check_payment_status", Fixture: "check_payment_status_response"},
	})
}
