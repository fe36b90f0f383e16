package paykit_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
)

// fakeClock is a settable clock: no test here reads the wall clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

var t0 = time.Date(2024, 1, 10, 12, 0, 0, 0, time.UTC)

func newStore(max int) (*paykit.MemoryReplayStore, *fakeClock) {
	clk := &fakeClock{t: t0}
	return paykit.NewMemoryReplayStore(max, paykit.WithReplayClock(clk.Now)), clk
}

func TestMemoryReplayStoreClaimOnce(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(0)
	ok, err := s.Claim(ctx, "k", t0.Add(time.Minute))
	require.NoError(t, err)
	assert.True(t, ok, "first claim wins")
	ok, err = s.Claim(ctx, "k", t0.Add(time.Hour))
	require.NoError(t, err)
	assert.False(t, ok, "a held key cannot be claimed again")
	ok, _ = s.Claim(ctx, "other", t0.Add(time.Minute))
	assert.True(t, ok, "keys are independent")
	assert.Equal(t, 2, s.Len())
}

func TestMemoryReplayStoreExpiry(t *testing.T) {
	ctx := context.Background()
	s, clk := newStore(0)
	ok, _ := s.Claim(ctx, "k", t0.Add(time.Minute))
	require.True(t, ok)

	clk.Add(time.Minute)
	ok, _ = s.Claim(ctx, "k", t0.Add(2*time.Minute))
	assert.False(t, ok, "held up to and including until")

	clk.Add(time.Nanosecond)
	ok, _ = s.Claim(ctx, "k", t0.Add(2*time.Minute))
	assert.True(t, ok, "after until the entry counts as not held")
	ok, _ = s.Claim(ctx, "k", t0.Add(2*time.Minute))
	assert.False(t, ok, "and the new claim holds it again")

	clk.Add(time.Hour)
	assert.Equal(t, 0, s.Len(), "expired entries are dropped")
}

func TestMemoryReplayStoreClaimInThePastRecordsNothing(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(0)
	ok, err := s.Claim(ctx, "k", t0.Add(-time.Second))
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, 0, s.Len())
}

func TestMemoryReplayStoreRelease(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(0)
	ok, _ := s.Claim(ctx, "k", t0.Add(time.Minute))
	require.True(t, ok)
	require.NoError(t, s.Release(ctx, "k"))
	ok, _ = s.Claim(ctx, "k", t0.Add(time.Minute))
	assert.True(t, ok, "a released key is accepted again")
	assert.NoError(t, s.Release(ctx, "never-claimed"), "releasing an unknown key is fine")
}

func TestMemoryReplayStoreIsBounded(t *testing.T) {
	ctx := context.Background()
	const max = 100
	s, _ := newStore(max)
	// Entry i expires at t0 + (i+1) minutes, so the early ones expire soonest.
	for i := 0; i < 3*max; i++ {
		ok, err := s.Claim(ctx, fmt.Sprint("k", i), t0.Add(time.Duration(i+1)*time.Minute))
		require.NoError(t, err)
		require.True(t, ok, "key %d", i)
		require.LessOrEqual(t, s.Len(), max)
	}
	assert.Equal(t, max, s.Len())
	// The entries that expire soonest were evicted; the latest are held.
	ok, _ := s.Claim(ctx, fmt.Sprint("k", 3*max-1), t0.Add(time.Hour))
	assert.False(t, ok, "the latest-expiring entry survived eviction")
	ok, _ = s.Claim(ctx, "k0", t0.Add(time.Hour))
	assert.True(t, ok, "the soonest-expiring entry was evicted (the documented trade-off)")
	assert.Equal(t, max, s.Len())
}

func TestMemoryReplayStoreDropsExpiredBeforeEvicting(t *testing.T) {
	ctx := context.Background()
	s, clk := newStore(2)
	_, _ = s.Claim(ctx, "short", t0.Add(time.Second))
	_, _ = s.Claim(ctx, "long", t0.Add(time.Hour))
	clk.Add(time.Minute)
	ok, _ := s.Claim(ctx, "new", t0.Add(time.Hour))
	require.True(t, ok)
	ok, _ = s.Claim(ctx, "long", t0.Add(time.Hour))
	assert.False(t, ok, "the expired entry made room, not the live one")
}

func TestMemoryReplayStoreZeroValue(t *testing.T) {
	var s paykit.MemoryReplayStore
	ctx := context.Background()
	until := time.Now().Add(time.Hour) // only compared with the store's clock, far away
	ok, err := s.Claim(ctx, "k", until)
	require.NoError(t, err)
	assert.True(t, ok)
	ok, _ = s.Claim(ctx, "k", until)
	assert.False(t, ok)
	var _ paykit.ReplayStore = &s
}

func TestMemoryReplayStoreConcurrentClaims(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(10)
	const n = 50
	var wins atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			ok, err := s.Claim(ctx, "same", t0.Add(2*time.Hour))
			assert.NoError(t, err)
			if ok {
				wins.Add(1)
			}
			// Other keys churn the bounded store at the same time; they
			// expire sooner than "same", so eviction takes them first.
			_, _ = s.Claim(ctx, fmt.Sprint("churn", i), t0.Add(time.Hour))
			_ = s.Release(ctx, fmt.Sprint("churn", i-1))
			_ = s.Len()
		}(i)
	}
	close(start)
	wg.Wait()
	assert.Equal(t, int32(1), wins.Load(), "exactly one of the concurrent claims wins")
	assert.LessOrEqual(t, s.Len(), 10)
}

func TestMemoryReplayStoreDoneOutlivesTheShortClaim(t *testing.T) {
	ctx := context.Background()
	s, clk := newStore(0)
	ok, _ := s.Claim(ctx, "k", t0.Add(time.Minute))
	require.True(t, ok)
	require.NoError(t, s.Done(ctx, "k", t0.Add(time.Hour)))

	clk.Add(2 * time.Minute)
	ok, _ = s.Claim(ctx, "k", t0.Add(3*time.Minute))
	assert.False(t, ok, "a delivery marked done stays held past its processing lease")

	clk.Add(time.Hour)
	ok, _ = s.Claim(ctx, "k", t0.Add(2*time.Hour))
	assert.True(t, ok, "and is free after the until Done gave")
}

func TestMemoryReplayStoreClaimNotDoneRunsOut(t *testing.T) {
	ctx := context.Background()
	s, clk := newStore(0)
	ok, _ := s.Claim(ctx, "k", t0.Add(time.Minute))
	require.True(t, ok)
	clk.Add(time.Minute + time.Nanosecond)
	ok, _ = s.Claim(ctx, "k", t0.Add(time.Hour))
	assert.True(t, ok, "a claim never marked done (the holder died) runs out, so the retry is taken")
}

func TestMemoryReplayStoreDoneInThePastForgets(t *testing.T) {
	ctx := context.Background()
	s, clk := newStore(0)
	clk.Add(time.Hour)
	ok, _ := s.Claim(ctx, "k", t0.Add(2*time.Hour))
	require.True(t, ok)
	require.NoError(t, s.Done(ctx, "k", t0))
	assert.Equal(t, 0, s.Len())
}

func TestMemoryReplayStoreDoneIsBounded(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(2)
	for i := range 5 {
		require.NoError(t, s.Done(ctx, fmt.Sprint("k", i), t0.Add(time.Duration(i+1)*time.Minute)))
	}
	assert.Equal(t, 2, s.Len())
	ok, _ := s.Claim(ctx, "k4", t0.Add(time.Hour))
	assert.False(t, ok, "the latest entries are kept")
}
