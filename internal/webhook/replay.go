package webhook

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/paykit-go/paykit"
)

// UntimedRetention is how long a verifier keeps the record of a delivery
// when it has no time window to bound it (its age check was turned off):
// a replay later than this is accepted again.
const UntimedRetention = 24 * time.Hour

// releaseTimeout bounds Release: it runs after the request's context may
// have ended, so it gets a deadline of its own instead.
const releaseTimeout = 5 * time.Second

// ErrNilReplayStore is returned by verifier constructors given a nil
// ReplayStore: replay protection cannot be turned off that way.
var ErrNilReplayStore = errors.New("replay store: must not be nil (pass a store, or leave the option out for the in-memory default)")

// DefaultReplayStore is the store a verifier uses when given none: a
// paykit.MemoryReplayStore with the default bound and the verifier's clock.
func DefaultReplayStore(c Clock) paykit.ReplayStore {
	return paykit.NewMemoryReplayStore(0, paykit.WithReplayClock(c.Now))
}

// Claim records key in store until until. It returns nil when the key was
// free (the delivery is new), an error matching paykit.ErrReplayed when it
// was held, and one matching paykit.ErrReplayStore and wrapping the store's
// error when the store failed. name prefixes the error ("mercadopago:
// webhook").
func Claim(ctx context.Context, store paykit.ReplayStore, name, key string, until time.Time) error {
	ok, err := store.Claim(ctx, key, until)
	if err != nil {
		return fmt.Errorf("%s: %w: %w", name, paykit.ErrReplayStore, err)
	}
	if !ok {
		return fmt.Errorf("%s: %w", name, paykit.ErrReplayed)
	}
	return nil
}

// Release forgets key in store. It ignores the cancellation of ctx (the
// request that claimed the key may be over) but gives up after a few
// seconds, so a store that hangs cannot hold a handler forever. An empty key
// (a delivery that was never claimed) is a no-op. The error matches
// paykit.ErrReplayStore.
func Release(ctx context.Context, store paykit.ReplayStore, name, key string) error {
	if key == "" || store == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), releaseTimeout)
	defer cancel()
	if err := store.Release(ctx, key); err != nil {
		return fmt.Errorf("%s: releasing a claim: %w: %w", name, paykit.ErrReplayStore, err)
	}
	return nil
}

// DefaultProcessingLease is how long a verifier's Handler holds its claim
// on a delivery while the handler func runs, unless WithProcessingLease
// says otherwise: when the process dies before the func returns, the claim
// runs out this long after it was taken and the provider's retry is
// accepted (by any replica sharing the store). Keep it above the longest
// time the func may take, or a retry arriving after the lease while the
// func still runs is acted upon too.
const DefaultProcessingLease = 2 * time.Minute

// ErrBadProcessingLease is returned by verifier constructors given a
// processing lease that is not positive.
var ErrBadProcessingLease = errors.New("processing lease: must be positive")

// ClaimUntil is when a claim taken at now ends: at now plus lease when
// lease is positive (a processing lease, made good by Done), but never after
// end, the end of the replay window; at end when lease is zero.
func ClaimUntil(now, end time.Time, lease time.Duration) time.Time {
	if lease <= 0 {
		return end
	}
	if u := now.Add(lease); u.Before(end) {
		return u
	}
	return end
}

// Done records key in store as acted upon until until (the end of the
// replay window), whoever holds it now. Like Release it ignores the
// cancellation of ctx and gives up after a few seconds. An empty key is a
// no-op. The error matches paykit.ErrReplayStore.
func Done(ctx context.Context, store paykit.ReplayStore, name, key string, until time.Time) error {
	if key == "" || store == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), releaseTimeout)
	defer cancel()
	if err := store.Done(ctx, key, until); err != nil {
		return fmt.Errorf("%s: marking a delivery done: %w: %w", name, paykit.ErrReplayStore, err)
	}
	return nil
}
