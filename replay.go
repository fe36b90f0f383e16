package paykit

import (
	"container/heap"
	"context"
	"errors"
	"sync"
	"time"
)

// ReplayStore is the record of notification deliveries a verifier has
// accepted, so that the same delivery sent again (a replay, by an attacker
// who captured it or by the provider itself) is not acted upon twice.
//
// Every webhook and notification verifier claims a key for each delivery it
// accepts. By default each verifier keeps its own in-memory record
// (NewMemoryReplayStore); when several processes serve the same webhook URL,
// give them all one shared store instead (Redis, a database table), so a
// replay sent to another replica is refused too.
//
// Implementations must be safe for concurrent use, and Claim must be atomic:
// of any number of concurrent claims of one key, exactly one reports true.
type ReplayStore interface {
	// Claim records key as accepted until the time until and reports true
	// when key was not already held. A key is held up to and including its
	// until; after that it counts as not held and may be claimed again. It
	// reports false, and changes nothing, when key is held. An error means
	// nothing is known about key: the verifier then refuses the delivery
	// with an error matching ErrReplayStore, so that the provider retries it
	// later, and never acts on a delivery it could not record.
	Claim(ctx context.Context, key string, until time.Time) (bool, error)
	// Release forgets key, so that the same delivery is accepted again: a
	// handler releases its claim when it could not act on the delivery and
	// answers the provider with an error, so the provider's retry is taken.
	// Releasing a key that is not held is not an error.
	Release(ctx context.Context, key string) error
	// Done records key as acted upon until the time until, whether or not
	// it is held now and by whom: a verifier claims a delivery for a short
	// processing lease, and marks it done once the handler acted, so that a
	// replica that dies between the claim and the action leaves a claim
	// that runs out (and the provider's retry is taken) instead of one that
	// refuses the retry for the whole window.
	Done(ctx context.Context, key string, until time.Time) error
}

// ErrReplayed is matched (errors.Is) by the error a verifier returns for a
// delivery it has already accepted: the signature and the time are right,
// but the delivery was seen before and must not be acted upon again. The
// verifiers' HTTP handlers answer it 200, so the provider stops sending it.
var ErrReplayed = errors.New("paykit: delivery already accepted (replayed)")

// ErrReplayStore is matched (errors.Is) by the error a verifier returns when
// its ReplayStore failed; the store's own error is wrapped too. The delivery
// was not recorded and must not be acted upon: answer 5xx (the verifiers'
// HTTP handlers answer 503) so that the provider retries it.
var ErrReplayStore = errors.New("paykit: replay store failed")

// DefaultMaxReplayEntries is how many deliveries a MemoryReplayStore
// remembers when not told otherwise. Each entry takes about 200 bytes, so a
// full store holds some 20 MB.
const DefaultMaxReplayEntries = 100_000

// MemoryReplayStore is the in-memory ReplayStore every verifier uses unless
// given another. It is safe for concurrent use and starts no goroutine:
// expired entries are dropped while claiming.
//
// It is bounded. When it is full of entries that have not expired, a new
// claim evicts the entries that expire soonest; a delivery evicted that way
// is accepted again if it is replayed before its time would have run out.
// Size it above the number of deliveries a verifier accepts within its time
// window (at the default of 100,000: some 330 a second for Mercado Pago's
// five minutes, two a second for Fintecture's twelve hours), or share a
// store that is not bounded this way.
//
// The zero value is ready to use, with DefaultMaxReplayEntries and the
// system clock.
type MemoryReplayStore struct {
	mu      sync.Mutex
	max     int
	now     func() time.Time
	entries map[string]*replayEntry
	order   replayHeap // entries, soonest expiry first
}

type replayEntry struct {
	key   string
	until time.Time
	index int // position in the heap
}

// MemoryReplayOption configures NewMemoryReplayStore.
type MemoryReplayOption func(*MemoryReplayStore)

// WithReplayClock makes a MemoryReplayStore read the time from now instead
// of time.Now. Give it the same clock as the verifier that uses the store:
// an entry expires when now passes the until the verifier computed.
func WithReplayClock(now func() time.Time) MemoryReplayOption {
	return func(s *MemoryReplayStore) { s.now = now }
}

// NewMemoryReplayStore returns an empty MemoryReplayStore that holds at most
// max entries (DefaultMaxReplayEntries when max is zero or less).
func NewMemoryReplayStore(max int, opts ...MemoryReplayOption) *MemoryReplayStore {
	s := &MemoryReplayStore{max: max}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	return s
}

func (s *MemoryReplayStore) clock() time.Time {
	if s.now == nil {
		return time.Now()
	}
	return s.now()
}

func (s *MemoryReplayStore) limit() int {
	if s.max <= 0 {
		return DefaultMaxReplayEntries
	}
	return s.max
}

// Claim implements ReplayStore. It never fails. A claim whose until has
// already passed reports true and records nothing.
func (s *MemoryReplayStore) Claim(_ context.Context, key string, until time.Time) (bool, error) {
	now := s.clock()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.entries == nil {
		s.entries = make(map[string]*replayEntry)
	}
	if e, ok := s.entries[key]; ok {
		if !now.After(e.until) {
			return false, nil
		}
		s.remove(e)
	}
	s.prune(now)
	if now.After(until) {
		return true, nil
	}
	for len(s.entries) >= s.limit() {
		s.remove(s.order[0])
	}
	e := &replayEntry{key: key, until: until}
	s.entries[key] = e
	heap.Push(&s.order, e)
	return true, nil
}

// Release implements ReplayStore. It never fails.
func (s *MemoryReplayStore) Release(_ context.Context, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.entries[key]; ok {
		s.remove(e)
	}
	return nil
}

// Done implements ReplayStore. It never fails. An until that has already
// passed forgets key.
func (s *MemoryReplayStore) Done(_ context.Context, key string, until time.Time) error {
	now := s.clock()
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.entries[key]; ok {
		s.remove(e)
	}
	if now.After(until) {
		return nil
	}
	if s.entries == nil {
		s.entries = make(map[string]*replayEntry)
	}
	s.prune(now)
	for len(s.entries) >= s.limit() {
		s.remove(s.order[0])
	}
	e := &replayEntry{key: key, until: until}
	s.entries[key] = e
	heap.Push(&s.order, e)
	return nil
}

// Len reports how many entries the store holds, after dropping the expired
// ones. It never exceeds the store's maximum.
func (s *MemoryReplayStore) Len() int {
	now := s.clock()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.prune(now)
	return len(s.entries)
}

// prune drops the entries that expired before now.
func (s *MemoryReplayStore) prune(now time.Time) {
	for len(s.order) > 0 && now.After(s.order[0].until) {
		s.remove(s.order[0])
	}
}

func (s *MemoryReplayStore) remove(e *replayEntry) {
	heap.Remove(&s.order, e.index)
	delete(s.entries, e.key)
}

// replayHeap is a min-heap of entries by until (container/heap).
type replayHeap []*replayEntry

func (h replayHeap) Len() int           { return len(h) }
func (h replayHeap) Less(i, j int) bool { return h[i].until.Before(h[j].until) }
func (h replayHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}

func (h *replayHeap) Push(x any) {
	e := x.(*replayEntry)
	e.index = len(*h)
	*h = append(*h, e)
}

func (h *replayHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	e.index = -1
	return e
}
