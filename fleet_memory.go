package paykit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"sync"
	"time"
)

// MemoryTokenStore is the in-memory TokenStore: one process's record, for a
// single replica or for tests. It is safe for concurrent use and starts no
// goroutine. The zero value is ready to use.
//
// It shares nothing between processes: when several replicas serve one
// merchant, give them all one shared store (Redis, PostgreSQL) instead.
type MemoryTokenStore struct {
	mu      sync.Mutex
	entries map[string]StoredToken
}

// NewMemoryTokenStore returns an empty MemoryTokenStore.
func NewMemoryTokenStore() *MemoryTokenStore { return &MemoryTokenStore{} }

// Load implements TokenStore. It never fails. The Data it returns is a copy.
func (s *MemoryTokenStore) Load(_ context.Context, key string) (StoredToken, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.entries[key]
	st.Data = append([]byte(nil), st.Data...)
	return st, nil
}

// CompareAndSwap implements TokenStore. It never fails. It keeps a copy of
// data.
func (s *MemoryTokenStore) CompareAndSwap(_ context.Context, key string, old int64, data []byte, fence int64) (int64, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur := s.entries[key]
	if cur.Version != old || cur.Fence > fence {
		return cur.Version, false, nil
	}
	if s.entries == nil {
		s.entries = make(map[string]StoredToken)
	}
	next := StoredToken{Data: append([]byte(nil), data...), Version: cur.Version + 1, Fence: fence}
	s.entries[key] = next
	return next.Version, true, nil
}

// MemoryLocker is the in-memory Locker: it orders the goroutines of one
// process, for a single replica or for tests. It is safe for concurrent use
// and starts no goroutine: an expired lease is dropped when its key is next
// asked for. Fences come from one counter for every key, so they grow
// strictly per key and need no record once a lease is gone. The zero value
// is ready to use, with the system clock.
type MemoryLocker struct {
	mu     sync.Mutex
	now    func() time.Time
	fence  int64
	leases map[string]Lease
}

// MemoryLockerOption configures NewMemoryLocker.
type MemoryLockerOption func(*MemoryLocker)

// WithLockClock makes a MemoryLocker read the time from now instead of
// time.Now (a test's settable clock). A lease runs out when now passes its
// Until.
func WithLockClock(now func() time.Time) MemoryLockerOption {
	return func(l *MemoryLocker) { l.now = now }
}

// NewMemoryLocker returns a MemoryLocker holding no lease.
func NewMemoryLocker(opts ...MemoryLockerOption) *MemoryLocker {
	l := &MemoryLocker{}
	for _, o := range opts {
		if o != nil {
			o(l)
		}
	}
	return l
}

func (l *MemoryLocker) clock() time.Time {
	if l.now == nil {
		return time.Now()
	}
	return l.now()
}

// TryLock implements Locker. It fails only for a ttl that is not positive.
func (l *MemoryLocker) TryLock(_ context.Context, key string, ttl time.Duration) (Lease, bool, error) {
	if ttl <= 0 {
		return Lease{}, false, fmt.Errorf("paykit: lock %q: ttl must be positive, got %s", key, ttl)
	}
	owner, err := newOwner()
	if err != nil {
		return Lease{}, false, err
	}
	now := l.clock()
	l.mu.Lock()
	defer l.mu.Unlock()
	if cur, ok := l.leases[key]; ok && !now.After(cur.Until) {
		return Lease{}, false, nil
	}
	if l.leases == nil {
		l.leases = make(map[string]Lease)
	}
	l.fence++
	lease := Lease{Key: key, Owner: owner, Fence: l.fence, Until: now.Add(ttl)}
	l.leases[key] = lease
	return lease, true, nil
}

// Unlock implements Locker. It never fails.
func (l *MemoryLocker) Unlock(_ context.Context, lease Lease) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if cur, ok := l.leases[lease.Key]; ok && cur.Owner == lease.Owner && cur.Fence == lease.Fence {
		delete(l.leases, lease.Key)
	}
	return nil
}

// newOwner makes a lease's random owner id.
func newOwner() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("paykit: lock owner id: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// Backoff bounds of Lock's polling, unless WithLockBackoff changes them.
const (
	DefaultLockPollBase = 5 * time.Millisecond
	DefaultLockPollCap  = 250 * time.Millisecond
)

// LockOption configures Lock.
type LockOption func(*lockSettings)

type lockSettings struct {
	base, cap time.Duration
	sleep     func(ctx context.Context, d time.Duration) error
}

// WithLockBackoff shapes the wait between two TryLock calls: doubling from
// base, never above max, each wait drawn at random between half of it and
// all of it (so replicas waiting for one lock do not poll in step).
// Durations that are not positive keep the defaults (DefaultLockPollBase,
// DefaultLockPollCap).
func WithLockBackoff(base, max time.Duration) LockOption {
	return func(s *lockSettings) {
		if base > 0 {
			s.base = base
		}
		if max > 0 {
			s.cap = max
		}
	}
}

// WithLockSleep replaces the wait between two TryLock calls (a test that
// advances a fake clock instead of sleeping). sleep returns an error when
// ctx ends first; nil keeps the timer.
func WithLockSleep(sleep func(ctx context.Context, d time.Duration) error) LockOption {
	return func(s *lockSettings) {
		if sleep != nil {
			s.sleep = sleep
		}
	}
}

// Lock takes key from locker for ttl, waiting while another holder has it:
// it calls TryLock, and after each refusal waits (a capped, jittered
// backoff; see WithLockBackoff) and tries again, until the lock is granted
// or ctx ends. When ctx ends first the error matches ErrLockTimeout and
// ctx's own error; a locker error ends the wait at once and is wrapped.
// Give the lease back with locker.Unlock.
func Lock(ctx context.Context, locker Locker, key string, ttl time.Duration, opts ...LockOption) (Lease, error) {
	if locker == nil {
		return Lease{}, errors.New("paykit: lock: locker must not be nil")
	}
	s := lockSettings{base: DefaultLockPollBase, cap: DefaultLockPollCap, sleep: sleepCtx}
	for _, o := range opts {
		if o != nil {
			o(&s)
		}
	}
	if s.cap < s.base {
		s.cap = s.base
	}
	wait := s.base
	for {
		if err := ctx.Err(); err != nil {
			return Lease{}, fmt.Errorf("paykit: lock %q: %w: %w", key, ErrLockTimeout, err)
		}
		lease, ok, err := locker.TryLock(ctx, key, ttl)
		if err != nil {
			if ctx.Err() != nil {
				return Lease{}, fmt.Errorf("paykit: lock %q: %w: %w", key, ErrLockTimeout, ctx.Err())
			}
			return Lease{}, fmt.Errorf("paykit: lock %q: %w", key, err)
		}
		if ok {
			return lease, nil
		}
		d := wait/2 + mrand.N(wait/2+1)
		if err := s.sleep(ctx, d); err != nil {
			return Lease{}, fmt.Errorf("paykit: lock %q: %w: %w", key, ErrLockTimeout, err)
		}
		wait = min(2*wait, s.cap)
	}
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
