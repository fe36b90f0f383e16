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

import (
	"net/http"
	"time"
)

// FaultKind says what a Fault does to a request.
type FaultKind int

// The faults a simulator can play. "Before" faults answer without running the
// handler (the operation did not happen); "After" faults run the handler
// first (the operation happened) and then spoil the answer, which is the
// case that tempts a client into charging twice.
const (
	// Status answers with Fault.Status (and Fault.Body, Fault.Header) before
	// the handler runs.
	Status FaultKind = iota
	// StatusAfter runs the handler, then answers with Fault.Status instead.
	StatusAfter
	// Delay waits Fault.Delay before running the handler (or until the
	// client gives up).
	Delay
	// DropBefore closes the connection before the handler runs.
	DropBefore
	// ResetAfter runs the handler, then resets the connection with no answer.
	ResetAfter
	// Truncate runs the handler, then sends half its body and cuts the
	// connection.
	Truncate
	// HTMLPage answers 502 with an HTML proxy page before the handler runs.
	HTMLPage
	// EmptyBody runs the handler, then answers 200 with an empty body.
	EmptyBody
	// HugeBody runs the handler, then answers 200 with a 20 MiB body.
	HugeBody
	// Echo plays a hostile or broken server that repeats what it received:
	// before the handler runs it answers Fault.Status (400 when zero) with a
	// JSON error whose text fields ("message", "error", "code", "detail",
	// "errors", "echo") carry the Authorization credential without its
	// scheme word, the method and request URI, and the request body as a
	// string. Only the client's own list of secrets can keep them out of
	// its errors: no "Bearer" or "Basic" word, no JSON key next to a value.
	Echo
)

// String names the fault for test tables.
func (k FaultKind) String() string {
	return [...]string{"status", "status after handling", "delay", "drop before handling", "reset after handling",
		"truncated body", "HTML error page", "empty body", "20 MiB body", "echo"}[k]
}

// Fault is one injected failure, given to a simulator's FailNext: its
// Kind, and for the kinds that need them the Status, Header and Body to
// answer with, the Delay, and the Method and PathPrefix it is limited to.
type Fault struct {
	// Kind is what the fault does.
	Kind FaultKind
	// Status is the HTTP status Status, StatusAfter and Echo answer with.
	Status int
	// Header and Body are what Status and StatusAfter answer with.
	Header http.Header
	Body   string
	// Delay is how long a Delay fault holds the request.
	Delay time.Duration
	// Method and PathPrefix restrict the fault to matching requests ("" = any).
	Method, PathPrefix string
	// Held, if not nil, receives a value each time a Delay fault starts
	// holding a request (sent without blocking: give it room), so a test can
	// give up on the request then, as a client timeout would, instead of
	// guessing how long a busy machine takes to deliver it.
	Held chan<- struct{}
}
