package paykit_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
)

func TestMemoryTokenStoreCompareAndSwap(t *testing.T) {
	ctx := context.Background()
	s := paykit.NewMemoryTokenStore()
	st, err := s.Load(ctx, "k")
	require.NoError(t, err)
	assert.Equal(t, int64(0), st.Version)
	assert.Nil(t, st.Data)

	v, ok, err := s.CompareAndSwap(ctx, "k", 0, []byte("one"), 3)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, int64(1), v)

	// A writer that read version 0 comes second: refused, nothing changes.
	v, ok, _ = s.CompareAndSwap(ctx, "k", 0, []byte("late"), 9)
	assert.False(t, ok)
	assert.Equal(t, int64(1), v)

	// A paused holder with an older fence is refused even at the current
	// version.
	v, ok, _ = s.CompareAndSwap(ctx, "k", 1, []byte("stale"), 2)
	assert.False(t, ok)
	assert.Equal(t, int64(1), v)

	v, ok, _ = s.CompareAndSwap(ctx, "k", 1, []byte("two"), 3)
	require.True(t, ok)
	assert.Equal(t, int64(2), v)

	st, _ = s.Load(ctx, "k")
	assert.Equal(t, "two", string(st.Data))
	assert.Equal(t, int64(2), st.Version)
	assert.Equal(t, int64(3), st.Fence)

	// The store keeps its own copy: changing what Load returned or what was
	// written changes nothing stored.
	st.Data[0] = 'X'
	again, _ := s.Load(ctx, "k")
	assert.Equal(t, "two", string(again.Data))

	other, _ := s.Load(ctx, "other")
	assert.Equal(t, int64(0), other.Version, "keys are apart")
}

func TestMemoryTokenStoreConcurrentCASHasOneWinner(t *testing.T) {
	ctx := context.Background()
	s := paykit.NewMemoryTokenStore()
	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 32; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, ok, _ := s.CompareAndSwap(ctx, "k", 0, []byte("x"), 0); ok {
				wins.Add(1)
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, int32(1), wins.Load())
}

func TestMemoryLockerLeaseAndFence(t *testing.T) {
	ctx := context.Background()
	clk := &fakeClock{t: t0}
	l := paykit.NewMemoryLocker(paykit.WithLockClock(clk.Now))

	a, ok, err := l.TryLock(ctx, "seller", 30*time.Second)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, "seller", a.Key)
	assert.Equal(t, t0.Add(30*time.Second), a.Until)
	assert.NotEmpty(t, a.Owner)

	_, ok, _ = l.TryLock(ctx, "seller", 30*time.Second)
	assert.False(t, ok, "held until the lease ends")

	other, ok, _ := l.TryLock(ctx, "another seller", time.Second)
	require.True(t, ok, "another key is free")

	clk.Add(30 * time.Second)
	_, ok, _ = l.TryLock(ctx, "seller", 30*time.Second)
	assert.False(t, ok, "held up to and including Until")

	// The holder died: its lease runs out and the next one gets a higher fence.
	clk.Add(time.Nanosecond)
	b, ok, _ := l.TryLock(ctx, "seller", 30*time.Second)
	require.True(t, ok)
	assert.Greater(t, b.Fence, a.Fence)
	assert.Greater(t, b.Fence, other.Fence)
	assert.NotEqual(t, a.Owner, b.Owner)

	// The dead holder's late Unlock does not end the new lease.
	require.NoError(t, l.Unlock(ctx, a))
	_, ok, _ = l.TryLock(ctx, "seller", time.Second)
	assert.False(t, ok)

	require.NoError(t, l.Unlock(ctx, b))
	c, ok, _ := l.TryLock(ctx, "seller", time.Second)
	require.True(t, ok, "free once its holder unlocked")
	assert.Greater(t, c.Fence, b.Fence, "fences grow after an unlock too")

	_, _, err = l.TryLock(ctx, "x", 0)
	assert.Error(t, err)
}

func TestMemoryLockerOneHolderAtATime(t *testing.T) {
	ctx := context.Background()
	l := paykit.NewMemoryLocker()
	var inside, maxInside, entered atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lease, err := paykit.Lock(ctx, l, "k", time.Minute, paykit.WithLockBackoff(time.Microsecond, 50*time.Microsecond))
			if !assert.NoError(t, err) {
				return
			}
			n := inside.Add(1)
			for {
				m := maxInside.Load()
				if n <= m || maxInside.CompareAndSwap(m, n) {
					break
				}
			}
			entered.Add(1)
			inside.Add(-1)
			assert.NoError(t, l.Unlock(ctx, lease))
		}()
	}
	wg.Wait()
	assert.Equal(t, int32(16), entered.Load())
	assert.Equal(t, int32(1), maxInside.Load())
}

// sleepRecorder is a Lock sleep that advances a fake clock instead of
// waiting, and records what it was asked to wait.
type sleepRecorder struct {
	clk   *fakeClock
	waits []time.Duration
}

func (s *sleepRecorder) sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.waits = append(s.waits, d)
	s.clk.Add(d)
	return nil
}

func TestLockWaitsForAnExpiredLease(t *testing.T) {
	ctx := context.Background()
	clk := &fakeClock{t: t0}
	l := paykit.NewMemoryLocker(paykit.WithLockClock(clk.Now))
	dead, ok, _ := l.TryLock(ctx, "k", 2*time.Second) // never unlocked
	require.True(t, ok)

	rec := &sleepRecorder{clk: clk}
	lease, err := paykit.Lock(ctx, l, "k", time.Second, paykit.WithLockSleep(rec.sleep),
		paykit.WithLockBackoff(100*time.Millisecond, 400*time.Millisecond))
	require.NoError(t, err)
	assert.Greater(t, lease.Fence, dead.Fence)
	assert.True(t, clk.Now().After(dead.Until), "granted only after the dead holder's lease ran out")
	require.NotEmpty(t, rec.waits)
	for i, d := range rec.waits {
		assert.LessOrEqual(t, d, 400*time.Millisecond, "wait %d above the cap", i)
		assert.GreaterOrEqual(t, d, 50*time.Millisecond, "wait %d below half the base", i)
	}
	assert.Greater(t, len(rec.waits), 3, "polled more than a few times over two seconds")
}

func TestLockGivesUpWithTheContext(t *testing.T) {
	clk := &fakeClock{t: t0}
	l := paykit.NewMemoryLocker(paykit.WithLockClock(clk.Now))
	_, ok, _ := l.TryLock(context.Background(), "k", time.Hour)
	require.True(t, ok)

	ctx, cancel := context.WithCancel(context.Background())
	tries := 0
	_, err := paykit.Lock(ctx, l, "k", time.Second, paykit.WithLockSleep(func(ctx context.Context, d time.Duration) error {
		tries++
		if tries == 5 {
			cancel()
			return ctx.Err()
		}
		return nil
	}))
	require.Error(t, err)
	assert.ErrorIs(t, err, paykit.ErrLockTimeout)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 5, tries)
	assert.Contains(t, err.Error(), `"k"`)
}

type failingLocker struct{ err error }

func (f failingLocker) TryLock(context.Context, string, time.Duration) (paykit.Lease, bool, error) {
	return paykit.Lease{}, false, f.err
}
func (f failingLocker) Unlock(context.Context, paykit.Lease) error { return f.err }

func TestLockReportsALockerFailureAtOnce(t *testing.T) {
	down := errors.New("connection refused")
	_, err := paykit.Lock(context.Background(), failingLocker{down}, "k", time.Second)
	require.Error(t, err)
	assert.ErrorIs(t, err, down)
	assert.NotErrorIs(t, err, paykit.ErrLockTimeout)

	_, err = paykit.Lock(context.Background(), nil, "k", time.Second)
	assert.Error(t, err)
}
