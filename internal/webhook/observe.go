package webhook

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/paykit-go/paykit"
)

// Reason names, for a paykit.Observer, why a verifier refused a delivery:
// the first Reason whose Err the error matches (errors.Is) gives Name.
type Reason struct {
	Err  error
	Name string
}

// Observe tells o's Verify (if any) how one verification that began at
// started ended: err nil is accepted, one matching paykit.ErrReplayed is a
// refused replay, any other is refused for the first matching reason's
// Name ("body_too_large" for ErrBodyTooLarge, "replay_store" for
// paykit.ErrReplayStore, "other" when nothing matches). r is the incoming
// request (nil gives context.Background). kind is "webhook",
// "notification" or "redirect".
func Observe(o *paykit.Observer, r *http.Request, provider, kind string, started time.Time, err error, reasons []Reason) {
	if o == nil || o.Verify == nil {
		return
	}
	ctx := context.Background()
	if r != nil {
		ctx = r.Context()
	}
	v := paykit.VerifyInfo{Provider: provider, Kind: kind, Outcome: paykit.VerifyAccepted, Duration: time.Since(started)}
	switch {
	case err == nil:
	case errors.Is(err, paykit.ErrReplayed):
		v.Outcome, v.Reason = paykit.VerifyReplayRefused, "replayed"
	default:
		v.Outcome, v.Reason = paykit.VerifyRefused, reasonOf(err, reasons)
	}
	o.Verify(ctx, v)
}

func reasonOf(err error, reasons []Reason) string {
	switch {
	case errors.Is(err, ErrBodyTooLarge):
		return "body_too_large"
	case errors.Is(err, paykit.ErrReplayStore):
		return "replay_store"
	case errors.Is(err, ErrOutOfTolerance):
		return "too_old"
	}
	for _, r := range reasons {
		if errors.Is(err, r.Err) {
			return r.Name
		}
	}
	return "other"
}

// Observed runs verify and, when o hears of verifications, tells it how
// that one ended (see Observe). Without an Observer it only runs verify.
func Observed[T any](o *paykit.Observer, r *http.Request, provider, kind string, reasons []Reason, verify func() (T, error)) (T, error) {
	if o == nil || o.Verify == nil {
		return verify()
	}
	started := time.Now()
	out, err := verify()
	Observe(o, r, provider, kind, started, err, reasons)
	return out, err
}
