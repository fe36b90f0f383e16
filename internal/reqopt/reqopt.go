// Package reqopt holds what a per-call option (paykit.RequestOption) may
// set. It sits apart from the transport so that the root paykit package,
// which the transport imports, can name it.
package reqopt

import (
	"context"
	"net/http"
)

// Authenticator puts credentials on one attempt of a request. It is called
// again on every retry, so a refreshed token is picked up.
type Authenticator interface {
	Authenticate(ctx context.Context, req *http.Request) error
}

// Settings is the part of a call that per-call options adjust.
type Settings struct {
	// IdempotencyKey replaces the generated key.
	IdempotencyKey string
	// Header adds headers to every attempt.
	Header http.Header
	// Auth replaces the client's credentials for this call.
	Auth Authenticator
	// Secrets are values the call carries that errors and logs must hide.
	Secrets []string
}
