// Package paykit is the vocabulary shared by every provider package
// (mercadopago, finrota, fintecture, etpay): the names a merchant's code uses
// the same way whichever provider it talks to.
//
// Errors. A call that got an HTTP answer it could not accept returns the
// provider's *Error, which embeds *HTTPError (method, path, status, request
// id, idempotency key, attempts, a redacted excerpt). A call that got no
// usable answer returns *NetworkError, whose MayHaveReachedServer says
// whether the provider may have acted. A request refused before anything
// was sent returns *ValidationError naming the field and the rule. A
// redirect is never followed (*RedirectError, ErrRedirect).
//
// Results carry Meta (how the call went: status, request id, idempotency
// key, attempts), and every call takes RequestOptions, which each provider
// package makes (WithIdempotencyKey, WithHeader, and mercadopago's
// WithSeller and WithAccessToken).
//
// Replay protection for webhook and notification verifiers: the ReplayStore
// interface every verifier records accepted deliveries in, its bounded
// in-memory default (NewMemoryReplayStore), and the errors a verifier
// returns for a replayed delivery (ErrReplayed) or a record that could not
// be written (ErrReplayStore).
//
// The package depends on the standard library only (and two internal
// packages of this module), so importing it costs nothing beyond the
// provider package that already needs it.
package paykit
