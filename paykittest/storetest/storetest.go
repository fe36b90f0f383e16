// Package storetest is a contract test suite for implementations of
// paykit's shared-state interfaces (paykit.TokenStore, paykit.Locker and
// paykit.ReplayStore): the in-memory defaults, the Redis and PostgreSQL
// adapters in github.com/paykit-go/paykit/store, and a merchant's own.
//
// Each function runs a set of subtests against stores made by the factory
// it is given:
//
//	func TestMyStore(t *testing.T) {
//		storetest.TokenStore(t, func(t *testing.T) paykit.TokenStore { return newMyStore(t) })
//	}
//
// The factory may return a fresh store for each subtest or the same one:
// every subtest uses keys of its own, so several runs can share one server.
//
// What the suite checks is what the fleet relies on: compare-and-swap is
// atomic (of many concurrent writes on one version exactly one wins),
// fences grow strictly with every grant of a lock and a write under a stale
// fence is refused, a lease runs out on its own, a non-owner cannot unlock,
// and a delivery is claimed exactly once. Expiry tests use short lifetimes
// and wait until the expiry happens (polling, with a hang guard of a
// minute); no test puts an upper bound on how long anything takes, so a busy
// machine passes too.
package storetest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
)

// HangGuard is how long an expiry test waits for a lease or a claim to run
// out before it fails. It guards against a hang; it is not a speed bound.
const HangGuard = 90 * time.Second

// shortTTL is the lifetime of the leases and claims whose expiry a test
// waits for.
const shortTTL = 200 * time.Millisecond

// longTTL is the lifetime of the leases and claims that must not run out
// during a test.
const longTTL = 10 * time.Minute

// concurrency is how many goroutines race in the concurrency tests.
const concurrency = 32

// key returns a key no other subtest (of this or another run) uses.
func key(t *testing.T, name string) string {
	var b [6]byte
	_, err := rand.Read(b[:])
	require.NoError(t, err)
	return fmt.Sprintf("storetest:%s:%s", name, hex.EncodeToString(b[:]))
}

func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*HangGuard)
	t.Cleanup(cancel)
	return ctx
}

// eventually calls cond every few milliseconds until it reports true, and
// fails the test when HangGuard passes first.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(HangGuard)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: did not happen within the hang guard of %s", what, HangGuard)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// race starts n goroutines that each run f(i) as soon as all of them are
// ready, and waits for them.
func race(n int, f func(i int)) {
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	ready.Add(n)
	done.Add(n)
	for i := 0; i < n; i++ {
		go func(i int) {
			defer done.Done()
			ready.Done()
			<-start
			f(i)
		}(i)
	}
	ready.Wait()
	close(start)
	done.Wait()
}

// TokenStore runs the contract of paykit.TokenStore against stores made by
// newStore.
func TokenStore(t *testing.T, newStore func(t *testing.T) paykit.TokenStore) {
	t.Run("LoadOfAnEmptyKey", func(t *testing.T) {
		s, ctx := newStore(t), ctxFor(t)
		got, err := s.Load(ctx, key(t, "empty"))
		require.NoError(t, err)
		assert.Zero(t, got.Version, "nothing stored: version 0")
		assert.Empty(t, got.Data)
		assert.Zero(t, got.Fence)
	})

	t.Run("FirstWriteAndReadBack", func(t *testing.T) {
		s, ctx := newStore(t), ctxFor(t)
		k := key(t, "first")
		v, ok, err := s.CompareAndSwap(ctx, k, 0, []byte("pair-1"), 0)
		require.NoError(t, err)
		require.True(t, ok, "a write on version 0 of an empty key wins")
		assert.Positive(t, v)
		got, err := s.Load(ctx, k)
		require.NoError(t, err)
		assert.Equal(t, []byte("pair-1"), got.Data)
		assert.Equal(t, v, got.Version)
		assert.Zero(t, got.Fence)
	})

	t.Run("VersionGrowsWithEveryWrite", func(t *testing.T) {
		s, ctx := newStore(t), ctxFor(t)
		k := key(t, "grow")
		var prev int64
		for i := 0; i < 5; i++ {
			v, ok, err := s.CompareAndSwap(ctx, k, prev, []byte(fmt.Sprint("pair-", i)), 0)
			require.NoError(t, err)
			require.True(t, ok, "write %d on the current version", i)
			assert.Greater(t, v, prev, "write %d", i)
			prev = v
		}
		got, err := s.Load(ctx, k)
		require.NoError(t, err)
		assert.Equal(t, []byte("pair-4"), got.Data)
		assert.Equal(t, prev, got.Version)
	})

	t.Run("StaleVersionIsRefused", func(t *testing.T) {
		s, ctx := newStore(t), ctxFor(t)
		k := key(t, "stale-version")
		v1, ok, err := s.CompareAndSwap(ctx, k, 0, []byte("a"), 0)
		require.NoError(t, err)
		require.True(t, ok)
		v2, ok, err := s.CompareAndSwap(ctx, k, v1, []byte("b"), 0)
		require.NoError(t, err)
		require.True(t, ok)

		cur, ok, err := s.CompareAndSwap(ctx, k, v1, []byte("spent"), 0)
		require.NoError(t, err)
		assert.False(t, ok, "a write on a version that moved on is refused")
		assert.Equal(t, v2, cur, "the refusal reports the current version")

		cur, ok, err = s.CompareAndSwap(ctx, k, 0, []byte("spent"), 0)
		require.NoError(t, err)
		assert.False(t, ok, "a write on version 0 of a stored key is refused")
		assert.Equal(t, v2, cur)

		got, err := s.Load(ctx, k)
		require.NoError(t, err)
		assert.Equal(t, []byte("b"), got.Data, "refused writes change nothing")
		assert.Equal(t, v2, got.Version)
	})

	t.Run("StaleFenceIsRefused", func(t *testing.T) {
		s, ctx := newStore(t), ctxFor(t)
		k := key(t, "stale-fence")
		v, ok, err := s.CompareAndSwap(ctx, k, 0, []byte("under-5"), 5)
		require.NoError(t, err)
		require.True(t, ok)
		got, err := s.Load(ctx, k)
		require.NoError(t, err)
		assert.Equal(t, int64(5), got.Fence, "the store keeps the fence of the last write")

		cur, ok, err := s.CompareAndSwap(ctx, k, v, []byte("under-3"), 3)
		require.NoError(t, err)
		assert.False(t, ok, "a write under a lower fence than the stored one is refused, even on the current version")
		assert.Equal(t, v, cur)

		cur, ok, err = s.CompareAndSwap(ctx, k, v, []byte("no-lease"), 0)
		require.NoError(t, err)
		assert.False(t, ok, "a write without a lease after one under a lease is refused")
		assert.Equal(t, v, cur)

		v2, ok, err := s.CompareAndSwap(ctx, k, v, []byte("again-5"), 5)
		require.NoError(t, err)
		require.True(t, ok, "the same fence may write again (one lease, several writes)")
		v3, ok, err := s.CompareAndSwap(ctx, k, v2, []byte("under-9"), 9)
		require.NoError(t, err)
		require.True(t, ok, "a higher fence writes")

		got, err = s.Load(ctx, k)
		require.NoError(t, err)
		assert.Equal(t, []byte("under-9"), got.Data)
		assert.Equal(t, v3, got.Version)
		assert.Equal(t, int64(9), got.Fence)
	})

	t.Run("BytesKeptExactly", func(t *testing.T) {
		s, ctx := newStore(t), ctxFor(t)
		k := key(t, "bytes")
		data := make([]byte, 0, 512)
		for i := 0; i < 256; i++ {
			data = append(data, byte(i), byte(255-i))
		}
		in := bytes.Clone(data)
		_, ok, err := s.CompareAndSwap(ctx, k, 0, in, 0)
		require.NoError(t, err)
		require.True(t, ok)
		in[0] = 'X' // the caller reuses its buffer
		got, err := s.Load(ctx, k)
		require.NoError(t, err)
		assert.Equal(t, data, got.Data, "every byte value round-trips, and the store keeps its own copy")
		got.Data[1] = 'Y' // the caller scribbles on what it loaded
		again, err := s.Load(ctx, k)
		require.NoError(t, err)
		assert.Equal(t, data, again.Data, "what Load returned is the caller's to change")
	})

	t.Run("KeysAreIndependent", func(t *testing.T) {
		s, ctx := newStore(t), ctxFor(t)
		a, b := key(t, "a"), key(t, "b")
		_, ok, err := s.CompareAndSwap(ctx, a, 0, []byte("A"), 7)
		require.NoError(t, err)
		require.True(t, ok)
		_, ok, err = s.CompareAndSwap(ctx, b, 0, []byte("B"), 0)
		require.NoError(t, err)
		require.True(t, ok, "a fence on one key says nothing about another")
		ga, err := s.Load(ctx, a)
		require.NoError(t, err)
		gb, err := s.Load(ctx, b)
		require.NoError(t, err)
		assert.Equal(t, []byte("A"), ga.Data)
		assert.Equal(t, []byte("B"), gb.Data)
	})

	t.Run("ConcurrentWritesOnOneVersionOneWins", func(t *testing.T) {
		s, ctx := newStore(t), ctxFor(t)
		for _, from := range []string{"empty", "stored"} {
			k := key(t, "cas-race-"+from)
			var old int64
			if from == "stored" {
				v, ok, err := s.CompareAndSwap(ctx, k, 0, []byte("seed"), 0)
				require.NoError(t, err)
				require.True(t, ok)
				old = v
			}
			var wins atomic.Int32
			var winner atomic.Value
			errs := make(chan error, concurrency)
			race(concurrency, func(i int) {
				data := []byte(fmt.Sprint("writer-", i))
				_, ok, err := s.CompareAndSwap(ctx, k, old, data, 0)
				if err != nil {
					errs <- err
					return
				}
				if ok {
					wins.Add(1)
					winner.Store(data)
				}
			})
			close(errs)
			for err := range errs {
				require.NoError(t, err)
			}
			require.Equal(t, int32(1), wins.Load(), "from %s: of %d concurrent writes on one version exactly one wins", from, concurrency)
			got, err := s.Load(ctx, k)
			require.NoError(t, err)
			assert.Equal(t, winner.Load(), got.Data, "from %s: the stored value is the winner's", from)
		}
	})

	t.Run("ConcurrentReadModifyWriteLosesNoUpdate", func(t *testing.T) {
		s, ctx := newStore(t), ctxFor(t)
		k := key(t, "counter")
		const workers, each = 8, 10
		errs := make(chan error, workers)
		race(workers, func(int) {
			for n := 0; n < each; {
				cur, err := s.Load(ctx, k)
				if err != nil {
					errs <- err
					return
				}
				var count int
				if cur.Version != 0 {
					_, _ = fmt.Sscan(string(cur.Data), &count)
				}
				_, ok, err := s.CompareAndSwap(ctx, k, cur.Version, []byte(fmt.Sprint(count+1)), 0)
				if err != nil {
					errs <- err
					return
				}
				if ok {
					n++
				}
			}
		})
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		got, err := s.Load(ctx, k)
		require.NoError(t, err)
		assert.Equal(t, fmt.Sprint(workers*each), string(got.Data), "every increment made by a winning compare-and-swap is kept")
	})
}

// Locker runs the contract of paykit.Locker against lockers made by
// newLocker.
func Locker(t *testing.T, newLocker func(t *testing.T) paykit.Locker) {
	t.Run("GrantAndRefuse", func(t *testing.T) {
		l, ctx := newLocker(t), ctxFor(t)
		k := key(t, "grant")
		lease, ok, err := l.TryLock(ctx, k, longTTL)
		require.NoError(t, err)
		require.True(t, ok, "a free key is granted")
		assert.Equal(t, k, lease.Key)
		assert.NotEmpty(t, lease.Owner)
		assert.Positive(t, lease.Fence)
		assert.False(t, lease.Until.IsZero(), "the lease says when it ends")

		other, ok, err := l.TryLock(ctx, k, longTTL)
		require.NoError(t, err)
		assert.False(t, ok, "a held key is refused")
		assert.Equal(t, paykit.Lease{}, other, "a refusal gives a zero Lease")

		_, ok, err = l.TryLock(ctx, key(t, "grant-other"), longTTL)
		require.NoError(t, err)
		assert.True(t, ok, "keys are independent")
	})

	t.Run("UnlockFreesAndFencesGrow", func(t *testing.T) {
		l, ctx := newLocker(t), ctxFor(t)
		k := key(t, "fences")
		var prev paykit.Lease
		for i := 0; i < 10; i++ {
			lease, ok, err := l.TryLock(ctx, k, longTTL)
			require.NoError(t, err)
			require.True(t, ok, "grant %d after an unlock", i)
			assert.Greater(t, lease.Fence, prev.Fence, "grant %d: fences grow strictly", i)
			assert.NotEqual(t, prev.Owner, lease.Owner, "grant %d: every grant has its own owner", i)
			require.NoError(t, l.Unlock(ctx, lease))
			prev = lease
		}
		require.NoError(t, l.Unlock(ctx, prev), "unlocking a lease that already ended is not an error")
	})

	t.Run("UnlockByANonOwnerIsANoOp", func(t *testing.T) {
		l, ctx := newLocker(t), ctxFor(t)
		k := key(t, "non-owner")
		lease, ok, err := l.TryLock(ctx, k, longTTL)
		require.NoError(t, err)
		require.True(t, ok)

		forged := lease
		forged.Owner = "someone-else"
		require.NoError(t, l.Unlock(ctx, forged), "a non-owner's unlock is not an error")
		require.NoError(t, l.Unlock(ctx, paykit.Lease{Key: k}), "nor is an unlock with no owner")
		_, ok, err = l.TryLock(ctx, k, longTTL)
		require.NoError(t, err)
		assert.False(t, ok, "a non-owner's unlock leaves the lease as it is")

		require.NoError(t, l.Unlock(ctx, lease))
		_, ok, err = l.TryLock(ctx, k, longTTL)
		require.NoError(t, err)
		assert.True(t, ok, "the owner's unlock frees the key")
	})

	t.Run("LeaseExpires", func(t *testing.T) {
		l, ctx := newLocker(t), ctxFor(t)
		k := key(t, "expiry")
		first, ok, err := l.TryLock(ctx, k, shortTTL)
		require.NoError(t, err)
		require.True(t, ok)

		// The holder "dies" without unlocking: the key is granted again
		// once the lease runs out.
		var second paykit.Lease
		eventually(t, "the dead holder's lease runs out", func() bool {
			lease, ok, err := l.TryLock(ctx, k, longTTL)
			require.NoError(t, err)
			second = lease
			return ok
		})
		assert.Greater(t, second.Fence, first.Fence, "the grant after expiry has a higher fence")
		assert.NotEqual(t, first.Owner, second.Owner)

		// The old holder wakes up and unlocks: it must not free the new
		// holder's lease.
		require.NoError(t, l.Unlock(ctx, first))
		_, ok, err = l.TryLock(ctx, k, longTTL)
		require.NoError(t, err)
		assert.False(t, ok, "an expired holder's unlock leaves the new lease as it is")
	})

	t.Run("ConcurrentTryLockOneWins", func(t *testing.T) {
		l, ctx := newLocker(t), ctxFor(t)
		k := key(t, "race")
		var wins atomic.Int32
		errs := make(chan error, concurrency)
		race(concurrency, func(int) {
			_, ok, err := l.TryLock(ctx, k, longTTL)
			if err != nil {
				errs <- err
				return
			}
			if ok {
				wins.Add(1)
			}
		})
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		assert.Equal(t, int32(1), wins.Load(), "of %d concurrent TryLocks on a free key exactly one wins", concurrency)
	})

	t.Run("MutualExclusionAndFenceOrderUnderContention", func(t *testing.T) {
		l, ctx := newLocker(t), ctxFor(t)
		k := key(t, "contention")
		const workers, each = 8, 5
		var (
			mu      sync.Mutex
			holders int
			overlap bool
			fences  []int64
		)
		errs := make(chan error, workers)
		race(workers, func(int) {
			for n := 0; n < each; {
				lease, ok, err := l.TryLock(ctx, k, longTTL)
				if err != nil {
					errs <- err
					return
				}
				if !ok {
					time.Sleep(time.Millisecond)
					continue
				}
				mu.Lock()
				holders++
				overlap = overlap || holders > 1
				fences = append(fences, lease.Fence)
				mu.Unlock()
				time.Sleep(time.Millisecond)
				mu.Lock()
				holders--
				mu.Unlock()
				if err := l.Unlock(ctx, lease); err != nil {
					errs <- err
					return
				}
				n++
			}
		})
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		assert.False(t, overlap, "two holders at once")
		require.Len(t, fences, workers*each)
		for i := 1; i < len(fences); i++ {
			assert.Greater(t, fences[i], fences[i-1], "grant %d's fence follows grant %d's", i, i-1)
		}
	})
}

// ReplayStore runs the contract of paykit.ReplayStore against stores made
// by newStore.
func ReplayStore(t *testing.T, newStore func(t *testing.T) paykit.ReplayStore) {
	t.Run("ClaimOnce", func(t *testing.T) {
		s, ctx := newStore(t), ctxFor(t)
		k := key(t, "once")
		until := time.Now().Add(longTTL)
		ok, err := s.Claim(ctx, k, until)
		require.NoError(t, err)
		assert.True(t, ok, "the first claim wins")
		ok, err = s.Claim(ctx, k, until)
		require.NoError(t, err)
		assert.False(t, ok, "a held key is refused")
		ok, err = s.Claim(ctx, key(t, "once-other"), until)
		require.NoError(t, err)
		assert.True(t, ok, "keys are independent")
	})

	t.Run("ConcurrentClaimsOneWins", func(t *testing.T) {
		s, ctx := newStore(t), ctxFor(t)
		k := key(t, "race")
		until := time.Now().Add(longTTL)
		var wins atomic.Int32
		errs := make(chan error, concurrency)
		race(concurrency, func(int) {
			ok, err := s.Claim(ctx, k, until)
			if err != nil {
				errs <- err
				return
			}
			if ok {
				wins.Add(1)
			}
		})
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		assert.Equal(t, int32(1), wins.Load(), "of %d concurrent claims exactly one wins", concurrency)
	})

	t.Run("ClaimExpires", func(t *testing.T) {
		s, ctx := newStore(t), ctxFor(t)
		k := key(t, "expiry")
		ok, err := s.Claim(ctx, k, time.Now().Add(shortTTL))
		require.NoError(t, err)
		require.True(t, ok)
		eventually(t, "the claim runs out", func() bool {
			ok, err := s.Claim(ctx, k, time.Now().Add(longTTL))
			require.NoError(t, err)
			return ok
		})
		ok, err = s.Claim(ctx, k, time.Now().Add(longTTL))
		require.NoError(t, err)
		assert.False(t, ok, "the claim taken after expiry holds")
	})

	t.Run("ReleaseFrees", func(t *testing.T) {
		s, ctx := newStore(t), ctxFor(t)
		k := key(t, "release")
		ok, err := s.Claim(ctx, k, time.Now().Add(longTTL))
		require.NoError(t, err)
		require.True(t, ok)
		require.NoError(t, s.Release(ctx, k))
		ok, err = s.Claim(ctx, k, time.Now().Add(longTTL))
		require.NoError(t, err)
		assert.True(t, ok, "a released key is claimed again")
		require.NoError(t, s.Release(ctx, key(t, "never-claimed")), "releasing a key that is not held is not an error")
	})

	t.Run("DoneOutlivesTheClaim", func(t *testing.T) {
		s, ctx := newStore(t), ctxFor(t)
		k, witness := key(t, "done"), key(t, "done-witness")
		claimUntil := time.Now().Add(shortTTL)
		ok, err := s.Claim(ctx, k, claimUntil)
		require.NoError(t, err)
		require.True(t, ok)
		require.NoError(t, s.Done(ctx, k, time.Now().Add(longTTL)))
		// The witness is claimed with the same lifetime, a little later:
		// once it has run out, the first claim would have too.
		ok, err = s.Claim(ctx, witness, claimUntil.Add(10*time.Millisecond))
		require.NoError(t, err)
		require.True(t, ok)
		eventually(t, "the witness claim runs out", func() bool {
			ok, err := s.Claim(ctx, witness, time.Now().Add(longTTL))
			require.NoError(t, err)
			return ok
		})
		ok, err = s.Claim(ctx, k, time.Now().Add(longTTL))
		require.NoError(t, err)
		assert.False(t, ok, "a delivery marked done stays held after its processing claim ran out")
	})

	t.Run("DoneWithoutAClaim", func(t *testing.T) {
		s, ctx := newStore(t), ctxFor(t)
		k := key(t, "done-unclaimed")
		require.NoError(t, s.Done(ctx, k, time.Now().Add(longTTL)))
		ok, err := s.Claim(ctx, k, time.Now().Add(longTTL))
		require.NoError(t, err)
		assert.False(t, ok, "Done records the key whether or not it was claimed")
	})

	t.Run("DoneRunsOut", func(t *testing.T) {
		s, ctx := newStore(t), ctxFor(t)
		k := key(t, "done-expiry")
		ok, err := s.Claim(ctx, k, time.Now().Add(longTTL))
		require.NoError(t, err)
		require.True(t, ok)
		require.NoError(t, s.Done(ctx, k, time.Now().Add(shortTTL)), "Done replaces the claim's lifetime with its own")
		eventually(t, "the done record runs out", func() bool {
			ok, err := s.Claim(ctx, k, time.Now().Add(longTTL))
			require.NoError(t, err)
			return ok
		})
	})
}
