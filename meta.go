package paykit

import "github.com/paykit-go/paykit/internal/reqopt"

// Meta tells how a call went. Results carry it (they embed it, so it is
// their Meta field) so the caller can log the provider's request id and
// store the idempotency key with the order.
type Meta struct {
	// StatusCode is the HTTP status of the answer.
	StatusCode int
	// RequestID is the provider's id for the request, when it sent one.
	RequestID string
	// IdempotencyKey is the key the call carried ("" when none).
	IdempotencyKey string
	// Attempts is how many tries paykit made: each try is one round trip
	// through the http.Client (a retry after a 5xx, a 429 or a broken
	// connection is another try).
	Attempts int
	// Sends is how many times the request was written to a connection. It
	// can exceed Attempts: net/http resends a request by itself when a
	// reused keep-alive connection breaks before any answer, for methods it
	// deems idempotent and requests carrying an idempotency key.
	Sends int
}

// SetMeta replaces m with v. Results embed Meta, and the provider packages
// record how each call went through this method; callers have no need of
// it.
func (m *Meta) SetMeta(v Meta) { *m = v }

// RequestOption adjusts one call. Each provider package makes them:
// WithIdempotencyKey and WithHeader in all four, and mercadopago's
// WithSeller and WithAccessToken. A nil option is ignored.
type RequestOption func(*reqopt.Settings)
