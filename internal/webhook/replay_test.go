package webhook

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
)

// ctxStore records the state of the context Release was given.
type ctxStore struct {
	paykit.MemoryReplayStore
	releaseErr  error
	hasDeadline bool
	calls       int
}

func (s *ctxStore) Release(ctx context.Context, key string) error {
	s.calls++
	s.releaseErr = ctx.Err()
	_, s.hasDeadline = ctx.Deadline()
	return s.MemoryReplayStore.Release(ctx, key)
}

func TestClaimAndRelease(t *testing.T) {
	s := &ctxStore{}
	until := time.Now().Add(time.Hour)
	require.NoError(t, Claim(context.Background(), s, "x: webhook", "k", until))
	err := Claim(context.Background(), s, "x: webhook", "k", until)
	require.ErrorIs(t, err, paykit.ErrReplayed)
	assert.Equal(t, "x: webhook: paykit: delivery already accepted (replayed)", err.Error())

	// The request is over (its context cancelled): the release still runs,
	// under a deadline of its own.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.NoError(t, Release(ctx, s, "x: webhook", "k"))
	require.Equal(t, 1, s.calls)
	assert.NoError(t, s.releaseErr, "not cancelled with the request")
	assert.True(t, s.hasDeadline, "bounded")
	assert.NoError(t, Claim(context.Background(), s, "x: webhook", "k", until), "released")

	assert.NoError(t, Release(ctx, s, "x", ""), "an empty key is a no-op")
	assert.NoError(t, Release(ctx, nil, "x", "k"), "so is a nil store")
}

type failing struct{}

var errDown = errors.New("down")

func (failing) Claim(context.Context, string, time.Time) (bool, error) { return false, errDown }
func (failing) Release(context.Context, string) error                  { return errDown }
func (failing) Done(context.Context, string, time.Time) error          { return errDown }

func TestClaimAndReleaseErrors(t *testing.T) {
	err := Claim(context.Background(), failing{}, "x: webhook", "k", time.Now())
	assert.ErrorIs(t, err, paykit.ErrReplayStore)
	assert.ErrorIs(t, err, errDown)
	assert.NotErrorIs(t, err, paykit.ErrReplayed)
	err = Release(context.Background(), failing{}, "x: webhook", "k")
	assert.ErrorIs(t, err, paykit.ErrReplayStore)
	assert.ErrorIs(t, err, errDown)
}

func TestClaimUntil(t *testing.T) {
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	end := now.Add(time.Hour)
	assert.Equal(t, end, ClaimUntil(now, end, 0), "no lease: the whole window")
	assert.Equal(t, now.Add(2*time.Minute), ClaimUntil(now, end, 2*time.Minute))
	assert.Equal(t, end, ClaimUntil(now, end, 2*time.Hour), "never beyond the window")
}

func TestDoneOutlivesTheRequestAndWrapsErrors(t *testing.T) {
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	store := paykit.NewMemoryReplayStore(0, paykit.WithReplayClock(func() time.Time { return now }))
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the request is over
	require.NoError(t, Done(ctx, store, "x", "k", now.Add(time.Hour)))
	ok, err := store.Claim(context.Background(), "k", now.Add(time.Hour))
	require.NoError(t, err)
	assert.False(t, ok, "recorded although the request's context had ended")
	assert.NoError(t, Done(ctx, store, "x", "", now.Add(time.Hour)), "no key: nothing to do")

	err = Done(context.Background(), failing{}, "prov: webhook", "k", now)
	assert.ErrorIs(t, err, paykit.ErrReplayStore)
	assert.Contains(t, err.Error(), "prov: webhook")
}
