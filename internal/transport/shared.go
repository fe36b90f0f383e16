package transport

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/paykit-go/paykit"
)

// SharedToken makes a client-credentials fetch share its token with every
// process that uses the same store and key, so that a fleet of replicas asks
// the token endpoint about once per expiry instead of once per replica.
// Wrap gives the FetchFunc to hand to NewTokenSource; the TokenSource's
// in-process single flight stays in front of it.
//
// A fetch through it first loads the stored token and uses it while it is
// fresh. Otherwise, with a Locker, it takes the lock, loads again (another
// replica may have fetched meanwhile), fetches, and stores the token before
// unlocking; without one it fetches and stores with a compare-and-swap, so
// replicas that start cold together may each fetch once. A store or locker
// that fails, or a lock not granted within the wait, never fails the call:
// a client-credentials token may be fetched twice without harm, so the
// process fetches one for itself (and stores it when it can).
type SharedToken struct {
	// Store holds the token; required.
	Store paykit.TokenStore
	// Key names the token in Store (and, prefixed with "lock:", the lock).
	Key string
	// Locker, when not nil, lets one replica fetch while the others wait.
	Locker paykit.Locker
	// LeaseTTL is the lock's lease (DefaultSharedLeaseTTL when zero).
	LeaseTTL time.Duration
	// LockWait bounds the wait for the lock (DefaultSharedLockWait when zero).
	LockWait time.Duration
	// Skew is how long before its expiry a stored token counts as due, at
	// most: a token that lived less than ten times as long is due a tenth
	// of its lifetime early instead (DefaultTokenSkew when zero).
	Skew time.Duration
	// Clock reads the time (time.Now when nil).
	Clock func() time.Time
	// OnLoad is told every token value read from the store, so the client
	// can redact it (AddSecrets).
	OnLoad func(value string)
	// OnFetch, when set, is told of every fetch from the provider's token
	// endpoint (not of a token read from the store), with whether the
	// store held a token before: what an Observer counts as a token fetch
	// or refresh across the fleet.
	OnFetch func(ctx context.Context, refresh bool, started time.Time, err error)
}

// Defaults of SharedToken.
const (
	// DefaultSharedLeaseTTL is the lease a replica holds the token lock
	// for: longer than a fetch may take (DefaultTokenFetchTimeout).
	DefaultSharedLeaseTTL = 45 * time.Second
	// DefaultSharedLockWait is how long a replica waits for the token lock
	// before fetching a token of its own.
	DefaultSharedLockWait = 10 * time.Second
)

// storedClientToken is the JSON a SharedToken keeps in the store. It holds
// a secret.
type storedClientToken struct {
	AccessToken string    `json:"access_token"`
	Expiry      time.Time `json:"expiry"`
	Obtained    time.Time `json:"obtained"`
}

// Wrap returns fetch shared through the store.
func (c SharedToken) Wrap(fetch FetchFunc) FetchFunc {
	if c.LeaseTTL <= 0 {
		c.LeaseTTL = DefaultSharedLeaseTTL
	}
	if c.LockWait <= 0 {
		c.LockWait = DefaultSharedLockWait
	}
	if c.Skew <= 0 {
		c.Skew = DefaultTokenSkew
	}
	if c.Clock == nil {
		c.Clock = time.Now
	}
	sh := &sharedFetch{c: c, fetch: fetch}
	return sh.run
}

// fetchObserved fetches from the provider and tells OnFetch; held says
// whether the store had a token before.
func (sh *sharedFetch) fetchObserved(ctx context.Context, held bool) (Token, error) {
	if sh.c.OnFetch == nil {
		return sh.fetch(ctx)
	}
	return fetchTold(ctx, sh.fetch, sh.c.Clock, held, sh.c.OnFetch)
}

type sharedFetch struct {
	c     SharedToken
	fetch FetchFunc

	mu   sync.Mutex
	last string // the value this process last handed out
}

// usable reports the stored token when it is fresh and is not the one this
// process handed out last: the TokenSource asks again for a token only
// when the one it had is due (then the stored one, the same, is due too)
// or was answered 401.
func (sh *sharedFetch) usable(st paykit.StoredToken) (Token, bool) {
	if st.Version == 0 || len(st.Data) == 0 {
		return Token{}, false
	}
	var s storedClientToken
	if json.Unmarshal(st.Data, &s) != nil || s.AccessToken == "" {
		return Token{}, false
	}
	sh.mu.Lock()
	last := sh.last
	sh.mu.Unlock()
	if s.AccessToken == last {
		return Token{}, false
	}
	if !s.Expiry.IsZero() {
		skew := min(sh.c.Skew, s.Expiry.Sub(s.Obtained)/10)
		if !sh.c.Clock().Add(skew).Before(s.Expiry) {
			return Token{}, false
		}
	}
	if sh.c.OnLoad != nil {
		sh.c.OnLoad(s.AccessToken)
	}
	return Token{Value: s.AccessToken, Expiry: s.Expiry}, true
}

func (sh *sharedFetch) hand(t Token) Token {
	sh.mu.Lock()
	sh.last = t.Value
	sh.mu.Unlock()
	return t
}

func (sh *sharedFetch) run(ctx context.Context) (Token, error) {
	c := sh.c
	st, err := c.Store.Load(ctx, c.Key)
	if err != nil {
		// The store is down: fetch for this process alone.
		t, err := sh.fetchObserved(ctx, false)
		if err != nil {
			return Token{}, err
		}
		return sh.hand(t), nil
	}
	if t, ok := sh.usable(st); ok {
		return sh.hand(t), nil
	}
	var fence int64
	if c.Locker != nil {
		lctx, cancel := context.WithTimeout(ctx, c.LockWait)
		lease, lerr := paykit.Lock(lctx, c.Locker, "lock:"+c.Key, c.LeaseTTL)
		cancel()
		if lerr == nil {
			defer func() {
				uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
				defer cancel()
				_ = c.Locker.Unlock(uctx, lease)
			}()
			fence = lease.Fence
			if again, err := c.Store.Load(ctx, c.Key); err == nil {
				st = again
				if t, ok := sh.usable(st); ok {
					return sh.hand(t), nil
				}
			}
		}
	}
	now := c.Clock()
	t, err := sh.fetchObserved(ctx, len(st.Data) > 0)
	if err != nil {
		return Token{}, err
	}
	if data, err := json.Marshal(storedClientToken{AccessToken: t.Value, Expiry: t.Expiry, Obtained: now}); err == nil {
		// Refused (another replica stored first) or failed: this process
		// uses its own token all the same.
		_, _, _ = c.Store.CompareAndSwap(ctx, c.Key, st.Version, data, fence)
	}
	return sh.hand(t), nil
}
