package paykit

import (
	"context"
	"net/http"
	"time"
)

// Observer watches what a client or a webhook verifier does, for tracing
// and metrics: every call, every attempt of it, every token fetch and every
// verification. Each field is optional; a nil field (or a nil *Observer)
// costs nothing. Give it to a client with the provider package's
// WithObserver option and to a verifier with WithWebhookObserver. The
// module github.com/paykit-go/paykit/otel fills one from OpenTelemetry.
//
// Like net/http/httptrace.ClientTrace, the funcs are called on the caller's
// goroutine while the call runs, so they must be quick and safe for
// concurrent use. What they are given is bounded (operation names and route
// templates are fixed strings, never a path with ids in it) and holds no
// secret: no token, no idempotency key, no body.
type Observer struct {
	// Call is called as a call starts, before anything is sent. The
	// context it returns (nil keeps ctx) is the one the call's attempts
	// and token fetches run in, so a tracer can make them children of the
	// call's span. The func it returns (nil for none) is called once, when
	// the call ends, with how it ended.
	Call func(ctx context.Context, c CallInfo) (context.Context, func(CallDone))
	// Attempt is called as each attempt starts, with the context Call
	// returned; it works as Call does, for one round trip.
	Attempt func(ctx context.Context, a AttemptInfo) (context.Context, func(AttemptDone))
	// Inject is called with each attempt's context and an empty header
	// just before the attempt is authenticated and signed; what it sets
	// there is sent with the attempt, except for a header paykit sets
	// itself (Authorization, the idempotency key, Content-Type...), which
	// wins. It is how trace context reaches a provider: leave it nil to
	// send none.
	Inject func(ctx context.Context, h http.Header)
	// Token is called when a token source has fetched (or failed to fetch)
	// a token: a client-credentials access token (finrota, fintecture) or
	// a Mercado Pago seller's refreshed OAuth token.
	Token func(ctx context.Context, t TokenInfo)
	// Verify is called once per verification of an incoming webhook,
	// notification or redirect, with its outcome. ctx is the incoming
	// request's.
	Verify func(ctx context.Context, v VerifyInfo)
}

// CallInfo names one call to a provider. Every field is bounded: the same
// method of the same client always gives the same values.
type CallInfo struct {
	// Provider is the package's name: "mercadopago", "finrota",
	// "fintecture" or "etpay".
	Provider string
	// Operation is "<provider>.<Service>.<Method>" for the client method
	// that made the call, e.g. "mercadopago.Payments.Create". A method
	// that only wraps another (Subscriptions.Pause wraps
	// Subscriptions.Update) reports the one it wraps; a token fetch is
	// "<provider>.AccessToken".
	Operation string
	// Route is the path template of the endpoint, with each id as a
	// {name} placeholder, e.g. "/v1/payments/{id}".
	Route string
	// Method is the HTTP method.
	Method string
	// ServerAddress and ServerPort are the API's host and port.
	ServerAddress string
	ServerPort    int
}

// AttemptInfo describes one attempt of a call as it starts.
type AttemptInfo struct {
	// Call is the call the attempt belongs to.
	Call CallInfo
	// Attempt counts from 1.
	Attempt int
	// Wait is how long paykit waited before this attempt (backoff or the
	// provider's Retry-After); 0 for the first.
	Wait time.Duration
	// IdempotencyKeySent tells whether the attempt carries an idempotency
	// key. The key itself is never given to an Observer.
	IdempotencyKeySent bool
}

// AttemptDone is how one attempt ended.
type AttemptDone struct {
	// StatusCode is the answer's HTTP status; 0 when none came.
	StatusCode int
	// ErrorType is "" when the attempt got an answer the call accepts, or
	// one of the ErrorType constants, or the status code as text ("503")
	// for an answer of 400 or more.
	ErrorType string
	// Sends is how many times the attempt was written to a connection.
	Sends int
}

// CallDone is how a call ended.
type CallDone struct {
	// StatusCode is the last answer's HTTP status; 0 when none came.
	StatusCode int
	// Attempts and Sends are as in Meta.
	Attempts, Sends int
	// ErrorType is "" for a call that succeeded, as in AttemptDone
	// otherwise.
	ErrorType string
	// RequestID is the provider's id of the last answer, when it sent one.
	RequestID string
	// Err is the error the call returns (nil on success). paykit's errors
	// hold no secret, but their text holds ids: keep it out of metric
	// labels.
	Err error
}

// The error types an Observer sees besides HTTP status codes. They follow
// OpenTelemetry's error.type: a short, bounded name for what failed.
const (
	// ErrorTypeInvalidRequest: paykit refused the call before sending it.
	ErrorTypeInvalidRequest = "invalid_request"
	// ErrorTypeAuth: credentials could not be obtained or the request could
	// not be signed; nothing was sent.
	ErrorTypeAuth = "auth"
	// ErrorTypeNetwork: no answer came and the request never left.
	ErrorTypeNetwork = "network"
	// ErrorTypeMayHaveReachedServer: no answer came, and the request may
	// have reached the provider; it may have acted on it.
	ErrorTypeMayHaveReachedServer = "may_have_reached_server"
	// ErrorTypeTimeout: the caller's context deadline passed.
	ErrorTypeTimeout = "timeout"
	// ErrorTypeCanceled: the caller's context was canceled.
	ErrorTypeCanceled = "canceled"
	// ErrorTypeRedirect: the provider answered with a redirect, which
	// paykit never follows.
	ErrorTypeRedirect = "redirect"
	// ErrorTypeResponseTooLarge: the answer's body was over the cap.
	ErrorTypeResponseTooLarge = "response_too_large"
	// ErrorTypeInvalidResponse: a 2xx answer paykit could not read or use.
	ErrorTypeInvalidResponse = "invalid_response"
	// ErrorTypeOther: any other failure.
	ErrorTypeOther = "other"
)

// TokenInfo is one token fetch.
type TokenInfo struct {
	// Provider is as in CallInfo.
	Provider string
	// Refresh is true when the fetch replaced a token the source had held
	// (expired, about to expire, or refused with a 401), false for the
	// first one.
	Refresh bool
	// ErrorType is "" when a token came, as in CallDone otherwise.
	ErrorType string
	// Duration is how long the fetch took.
	Duration time.Duration
}

// VerifyOutcome is what a verification decided.
type VerifyOutcome string

// The outcomes of a verification.
const (
	// VerifyAccepted: the delivery is authentic and new.
	VerifyAccepted VerifyOutcome = "accepted"
	// VerifyRefused: the delivery was refused; VerifyInfo.Reason says why.
	VerifyRefused VerifyOutcome = "refused"
	// VerifyReplayRefused: the delivery is authentic but was accepted
	// before (see ErrReplayed).
	VerifyReplayRefused VerifyOutcome = "replay_refused"
)

// VerifyInfo is one verification of an incoming webhook, notification or
// redirect.
type VerifyInfo struct {
	// Provider is as in CallInfo.
	Provider string
	// Kind is what was verified: "webhook", "notification" or "redirect".
	Kind string
	// Outcome is what the verifier decided.
	Outcome VerifyOutcome
	// Reason is "" for an accepted delivery, otherwise a short bounded name
	// of why it was refused: "missing_signature", "malformed",
	// "signature", "too_old", "body_too_large", "replayed", "replay_store",
	// a provider's own ("unknown_session", "key_id", "algorithm"), or
	// "other".
	Reason string
	// Duration is how long the verification took.
	Duration time.Duration
}
