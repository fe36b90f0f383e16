package fintecturetest

import (
	"embed"

	"github.com/jarcoal/httpmock"

	"github.com/paykit-go/paykit/fintecture"
	"github.com/paykit-go/paykit/internal/sim"
)

// fixtureFiles are Fintecture's answers as its API reference shows them
// (https://docs.fintecture.com/), the error bodies it sends, and "drifted"
// variants (numbers as strings, missing fields, unknown states) that package
// fintecture's own tests read too.
//
//go:embed testdata/*.json
var fixtureFiles embed.FS

var fixtures = sim.NewFixtureSet(fixtureFiles, "testdata", map[string]int{
	"error_400_detail": 400, // a refused request, with one entry per field at fault
	"error_401":        401, // an invalid or expired access token
})

// Fixture returns a copy of the recorded answer called name: the file name
// without ".json", as Fixtures lists them. Answers: "token",
// "connect_response", "payment", "refund_status", "providers",
// "provider_one", "settlements", "settlement_one", "request_to_pay_response"…
// Errors: "error_400_detail", "error_401". Each "<name>_drifted" is <name>
// with the shape changes paykit tolerates. It panics on a name that is not
// a fixture.
func Fixture(name string) []byte { return fixtures.Bytes(name) }

// Fixtures lists the names Fixture and Responder accept, sorted.
func Fixtures() []string { return fixtures.Names() }

// Responder answers every request with the fixture called name, with the
// status Fintecture sends it with (200, or the error's 4xx) and Content-Type
// application/json. Mount it on a route of your own:
//
//	mt.RegisterResponder("GET", fintecture.SandboxURL+"/pis/v2/payments/s1", fintecturetest.Responder("error_401"))
//
// It panics on a name that is not a fixture.
func Responder(name string) httpmock.Responder { return fixtures.Responder(name) }

// RegisterFixtures mounts a success answer for the common calls on mt,
// under fintecture.SandboxURL (a client made with
// WithHTTPClient(&http.Client{Transport: mt}) in the default Sandbox
// environment): the access token, Connect, the payment lookup, the banks
// (providers), settlements and a request to pay. Every call of a kind gets
// the same answer, whatever ids it names. Register a route again
// (mt.RegisterResponder with the full URL wins over these) to answer it
// otherwise.
func RegisterFixtures(mt *httpmock.MockTransport) {
	fixtures.Register(mt, fintecture.SandboxURL, []sim.FixtureRoute{
		{Method: "POST", Path: "/oauth/accesstoken", Fixture: "token"},
		{Method: "POST", Path: "/pis/v2/connect", Fixture: "connect_response"},
		{Method: "GET", Path: "/pis/v2/payments/{id}", Fixture: "payment"},
		{Method: "POST", Path: "/pis/v2/request-to-pay", Fixture: "request_to_pay_response"},
		{Method: "GET", Path: "/pis/v2/settlements", Fixture: "settlements"},
		{Method: "GET", Path: "/pis/v2/settlements/{id}", Fixture: "settlement_one"},
		{Method: "GET", Path: "/res/v1/providers", Fixture: "providers"},
		{Method: "GET", Path: "/res/v1/providers/{id}", Fixture: "provider_one"},
	})
}
