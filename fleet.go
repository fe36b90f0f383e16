package paykit

import (
	"context"
	"errors"
	"time"
)

// This file holds the state that must be shared when several processes
// (replicas behind a load balancer) serve one merchant: tokens, the lock
// that lets one replica refresh a token for the whole fleet, and (in
// replay.go) the record of notification deliveries. Each is a small
// interface with an in-memory default, so a single process needs nothing
// new; the nested modules github.com/paykit-go/paykit/store/redisstore and
// github.com/paykit-go/paykit/store/pgstore implement them on Redis and
// PostgreSQL.

// StoredToken is what a TokenStore holds under one key: an opaque value
// (the provider package encodes its token pair in it) and the version the
// store gave it.
type StoredToken struct {
	// Data is the stored value. It holds secrets: keep it out of logs.
	Data []byte
	// Version is 0 when nothing is stored under the key, and grows by at
	// least one with every successful write.
	Version int64
	// Fence is the lease fence the last write was made under (0 when the
	// write held no lease).
	Fence int64
}

// TokenStore is a shared, versioned record of tokens, one value per key
// (for example one Mercado Pago seller's access and refresh token pair, or a
// Fintecture application's client-credentials token).
//
// Implementations must be safe for concurrent use by many processes, and
// CompareAndSwap must be atomic.
type TokenStore interface {
	// Load returns what is stored under key; a key with nothing stored
	// gives a StoredToken with Version 0 and a nil error.
	Load(ctx context.Context, key string) (StoredToken, error)
	// CompareAndSwap stores data under key when the stored version is
	// still old (0: nothing is stored) and the stored fence is not above
	// fence, and returns the new version and true. When another writer came
	// first (the version moved on, or a newer lease's fence wrote), it
	// changes nothing and returns the current version and false. fence is
	// the Lease.Fence the caller holds, or 0 when it holds none.
	CompareAndSwap(ctx context.Context, key string, old int64, data []byte, fence int64) (version int64, ok bool, err error)
}

// Lease is one grant of a Locker's lock: who holds it, until when, and the
// fence number that orders it after every earlier grant of the same key.
type Lease struct {
	// Key is the lock's name.
	Key string
	// Owner is a random identifier of this grant; Unlock ends the lease
	// only while it is still this grant (compare and delete).
	Owner string
	// Fence grows strictly with every grant of Key, so a holder that was
	// paused past its lease writes with a fence lower than the newer
	// holder's, and a TokenStore refuses that write.
	Fence int64
	// Until is when the lease ends on its own, by the locker's clock.
	Until time.Time
}

// Locker is a lock shared by a fleet, with leases: a holder that dies
// without unlocking loses the lock when its lease runs out.
//
// Implementations must be safe for concurrent use by many processes.
type Locker interface {
	// TryLock grants key to the caller for ttl when no unexpired lease
	// holds it, and reports false (with a zero Lease) when one does.
	TryLock(ctx context.Context, key string, ttl time.Duration) (lease Lease, ok bool, err error)
	// Unlock ends lease if it is still the current grant of its key. A
	// lease that expired, or was granted anew to someone else, is left as
	// it is and is not an error.
	Unlock(ctx context.Context, lease Lease) error
}

// ErrLockTimeout is matched (errors.Is) by the error Lock returns when its
// context ended before the lock could be taken.
var ErrLockTimeout = errors.New("paykit: lock not acquired before the context ended")
