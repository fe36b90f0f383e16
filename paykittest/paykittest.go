// Package paykittest names the faults every paykit simulator can play
// (mercadopagotest, finrotatest, fintecturetest, etpaytest), so tests of a
// merchant's own integration can break the provider on purpose:
//
//	srv.FailNext(1, paykittest.Fault{Kind: paykittest.StatusAfter, Status: 502})
//
// "Before" faults answer without the simulator acting on the request;
// "after" faults let it act (the payment is made) and then spoil the answer,
// which is the case that tempts a client into charging twice. Each
// simulator's Handled(method, path) counts the requests it acted on.
package paykittest

import "github.com/paykit-go/paykit/internal/sim"

// Fault is one injected failure: its Kind, and for the kinds that need them
// the Status, Header and Body to answer with, the Delay (and Held, a channel
// told when a Delay fault starts holding a request), and the Method and
// PathPrefix it is limited to ("" = any).
type Fault = sim.Fault

// FaultKind says what a Fault does to a request.
type FaultKind = sim.FaultKind

// The kinds of fault.
const (
	// Status answers with Fault.Status before the simulator acts.
	Status = sim.Status
	// StatusAfter lets the simulator act, then answers with Fault.Status.
	StatusAfter = sim.StatusAfter
	// Delay holds the request for Fault.Delay before the simulator acts.
	Delay = sim.Delay
	// DropBefore closes the connection before the simulator acts.
	DropBefore = sim.DropBefore
	// ResetAfter lets the simulator act, then resets the connection.
	ResetAfter = sim.ResetAfter
	// Truncate lets the simulator act, then cuts its answer in half.
	Truncate = sim.Truncate
	// HTMLPage answers 502 with a proxy's HTML page before the simulator acts.
	HTMLPage = sim.HTMLPage
	// EmptyBody lets the simulator act, then answers 200 with no body.
	EmptyBody = sim.EmptyBody
	// HugeBody lets the simulator act, then answers 200 with 20 MiB.
	HugeBody = sim.HugeBody
	// Echo plays a hostile or broken provider before the simulator acts: it
	// answers Fault.Status (400 when zero) with an error body that repeats
	// the request's Authorization credential (without "Bearer" or "Basic"),
	// its method and URI, and its body (card data, client secrets, API keys),
	// to prove none of them reaches an error or a log line.
	Echo = sim.Echo
)
