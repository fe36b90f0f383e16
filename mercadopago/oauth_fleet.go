package mercadopago

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/transport"
)

// DefaultSellerLeaseTTL is how long a replica holds a seller's refresh lock
// when SellerStore.LeaseTTL is zero. The refresh call is bounded to two
// thirds of the lease, so a holder that is alive always stores the new pair
// before its lease runs out.
const DefaultSellerLeaseTTL = 30 * time.Second

// ErrSellerStore is matched (errors.Is) by the error a SellerTokenSource
// returns when its SellerStore (the token store or the lock) failed: the
// token could not be read, or the lock could not be taken, so no refresh was
// made (a refresh outside the lock could spend the single-use refresh token
// another replica is using). The store's own error is wrapped too; a lock
// not granted in time also matches paykit.ErrLockTimeout.
var ErrSellerStore = errors.New("mercadopago: oauth: seller token store failed")

// SellerStore is where a fleet of replicas keeps one seller's token pair, so
// that they all use the same pair and refresh it once, under one lock
// (Mercado Pago refresh tokens are single-use: a second refresh with the
// same one answers invalid_grant, and storing a spent one would lose the
// seller). Give it to TokenSource with WithSellerStore.
//
// The stored value is JSON with the access token, the refresh token, the
// expiry and the seller's user id (and the token's scope, type, public key
// and live mode): secrets, so keep the store where your other secrets are.
type SellerStore struct {
	// Tokens holds the pair; required.
	Tokens paykit.TokenStore
	// Locker is the fleet-wide refresh lock; required.
	Locker paykit.Locker
	// Key names this seller's pair in Tokens (and, prefixed with "lock:",
	// its lock), e.g. "mercadopago:seller:" + the seller's user id. Required.
	Key string
	// LeaseTTL is the refresh lock's lease (DefaultSellerLeaseTTL when
	// zero). A replica that dies while holding the lock holds up the
	// seller's refresh this long.
	LeaseTTL time.Duration
}

func (st *SellerStore) check() error {
	switch {
	case st.Tokens == nil:
		return invalid("seller store tokens", "must not be nil")
	case st.Locker == nil:
		return invalid("seller store locker", "must not be nil: a shared refresh needs the fleet-wide lock")
	case st.Key == "" || len(st.Key) > 200:
		return invalid("seller store key", "must be 1 to 200 bytes")
	case st.LeaseTTL < 0:
		return invalid("seller store lease", "must not be negative")
	}
	for i := 0; i < len(st.Key); i++ {
		if st.Key[i] < 0x20 || st.Key[i] == 0x7f {
			return invalid("seller store key", "must not contain control characters")
		}
	}
	return nil
}

func (st *SellerStore) lease() time.Duration {
	if st.LeaseTTL <= 0 {
		return DefaultSellerLeaseTTL
	}
	return st.LeaseTTL
}

// lockWait is how long a replica waits for the seller's refresh lock: a
// lease and a quarter. A holder that died right after taking the lock
// frees it one lease after the grant, and a waiter began waiting no
// earlier than that grant, so the quarter leaves it time to see the lock
// run out (polling, and a store's own expiry, are not instant) instead of
// failing just before.
func (st *SellerStore) lockWait() time.Duration {
	return st.lease() + st.lease()/4
}

func (st *SellerStore) lockKey() string { return "lock:" + st.Key }

// SellerOption configures TokenSource.
type SellerOption func(*SellerTokenSource)

// WithSellerStore makes the source share the seller's token pair with
// every replica that uses the same store and key. The stored pair is the
// truth: the source loads it first (the tok given to TokenSource only seeds
// an empty store, and may be nil when the store already holds the pair).
// When the access token is due, or the API answered 401 to it, the source
// takes the seller's lock, reads the pair again (another replica may have
// refreshed it: then that pair is used and no refresh is made), refreshes,
// and stores the new pair under the lease's fence before unlocking; then
// onRefresh is called. A replica that dies holding the lock delays the
// refresh until its lease runs out; one that was paused past its lease
// cannot store over a newer pair (the store refuses its version and fence)
// and uses the stored pair instead. When the store or the lock fails the
// call fails with an error matching ErrSellerStore, and no refresh is made.
func WithSellerStore(st SellerStore) SellerOption {
	return func(src *SellerTokenSource) {
		if err := st.check(); err != nil {
			src.optErr = err
			return
		}
		src.shared = &st
	}
}

// storedSeller is the JSON a SellerStore keeps. It holds secrets.
type storedSeller struct {
	AccessToken  string    `json:"access_token"`
	RefreshToken string    `json:"refresh_token"`
	Expiry       time.Time `json:"expiry"`
	UserID       int64     `json:"user_id"`
	TokenType    string    `json:"token_type,omitempty"`
	Scope        string    `json:"scope,omitempty"`
	PublicKey    string    `json:"public_key,omitempty"`
	LiveMode     bool      `json:"live_mode,omitempty"`
}

func encodeSeller(t *OAuthToken) ([]byte, error) {
	return json.Marshal(storedSeller{AccessToken: t.AccessToken, RefreshToken: t.RefreshToken, Expiry: t.Expiry,
		UserID: t.UserID, TokenType: t.TokenType, Scope: t.Scope, PublicKey: t.PublicKey, LiveMode: t.LiveMode})
}

func decodeSeller(b []byte) (*OAuthToken, error) {
	var s storedSeller
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, errors.New("the stored pair is not valid JSON")
	}
	if s.AccessToken == "" {
		return nil, errors.New("the stored pair has no access token")
	}
	t := &OAuthToken{AccessToken: s.AccessToken, RefreshToken: s.RefreshToken, Expiry: s.Expiry, UserID: s.UserID,
		TokenType: s.TokenType, Scope: s.Scope, PublicKey: s.PublicKey, LiveMode: s.LiveMode}
	return t, nil
}

func storeErr(what string, err error) error {
	return fmt.Errorf("%w: %s: %w", ErrSellerStore, what, err)
}

// load reads the stored pair, seeding an empty store with the newest pair
// the source knows (the token it was given, until it used another).
// The tokens read become secrets of the client.
func (src *SellerTokenSource) load(ctx context.Context) (paykit.StoredToken, *OAuthToken, error) {
	sh := src.shared
	for i := 0; i < 3; i++ {
		st, err := sh.Tokens.Load(ctx, sh.Key)
		if err != nil {
			return st, nil, storeErr("loading the seller's token", err)
		}
		if st.Version != 0 {
			tok, err := decodeSeller(st.Data)
			if err != nil {
				return st, nil, storeErr("reading the seller's token", err)
			}
			src.svc.c.t.AddSecrets(tok.AccessToken, tok.RefreshToken)
			return st, tok, nil
		}
		src.mu.Lock()
		seed := src.seed
		src.mu.Unlock()
		if seed == nil {
			return st, nil, fmt.Errorf("%w: no token is stored under the seller's key and none was given", ErrSellerStore)
		}
		data, err := encodeSeller(seed)
		if err != nil {
			return st, nil, err
		}
		if _, _, err := sh.Tokens.CompareAndSwap(ctx, sh.Key, 0, data, 0); err != nil {
			return st, nil, storeErr("storing the seller's first token", err)
		}
		// Stored, or another replica stored first: read what won.
	}
	return paykit.StoredToken{}, nil, fmt.Errorf("%w: the seller's key stays empty", ErrSellerStore)
}

// fresh reports whether tok may be handed out: not due, and not the token
// this source handed out last (the transport asks again for a token only
// when the one it had is due or was answered 401).
func (src *SellerTokenSource) fresh(tok *OAuthToken) bool {
	src.mu.Lock()
	last := src.last
	src.mu.Unlock()
	if tok.AccessToken == last {
		return false
	}
	return tok.Expiry.IsZero() || src.svc.c.t.Now().Add(transport.DefaultTokenSkew).Before(tok.Expiry)
}

func (src *SellerTokenSource) use(tok *OAuthToken) transport.Token {
	src.mu.Lock()
	// The pair in use is the newest this source knows, and what seeds the
	// store should it ever read empty again (a store that lost its
	// state): the pair TokenSource was given may have been spent since.
	src.cur, src.last, src.seed = tok, tok.AccessToken, tok
	pending := src.unsaved != nil
	src.mu.Unlock()
	t := transport.Token{Value: tok.AccessToken, Expiry: tok.Expiry}
	if pending {
		// Come back soon, to write the pair the store refused to take.
		soon := src.svc.c.t.Now().Add(unsavedRetry)
		if t.Expiry.IsZero() || soon.Before(t.Expiry) {
			t.Expiry = soon
		}
	}
	return t
}

// unsavedRetry is how soon a source whose refreshed pair could not be
// stored tries to store it again.
const unsavedRetry = 2 * time.Minute

// unsavedPair is a refreshed pair the store failed to take, and the version
// it replaces.
type unsavedPair struct {
	tok  *OAuthToken
	from int64
}

// flushUnsaved writes the pair the store failed to take, under the lock. It
// reports the token to use: the unsaved pair while the store still fails,
// or nil when the pair is stored (or a newer one was stored meanwhile) and
// the stored pair is the truth again.
func (src *SellerTokenSource) flushUnsaved(ctx context.Context) *OAuthToken {
	src.mu.Lock()
	u := src.unsaved
	src.mu.Unlock()
	if u == nil {
		return nil
	}
	sh := src.shared
	lctx, cancel := context.WithTimeout(ctx, sh.lockWait())
	lease, err := paykit.Lock(lctx, sh.Locker, sh.lockKey(), sh.lease())
	cancel()
	if err != nil {
		return u.tok
	}
	defer func() {
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = sh.Locker.Unlock(uctx, lease)
	}()
	st, err := sh.Tokens.Load(ctx, sh.Key)
	if err != nil {
		return u.tok
	}
	if st.Version == u.from {
		data, err := encodeSeller(u.tok)
		if err != nil {
			return u.tok
		}
		if _, _, err := sh.Tokens.CompareAndSwap(ctx, sh.Key, st.Version, data, lease.Fence); err != nil {
			return u.tok
		}
	}
	src.mu.Lock()
	src.unsaved = nil
	src.mu.Unlock()
	return nil
}

// fetchShared is fetch with a SellerStore.
func (src *SellerTokenSource) fetchShared(ctx context.Context) (transport.Token, error) {
	sh := src.shared
	if tok := src.flushUnsaved(ctx); tok != nil {
		return src.use(tok), nil
	}
	for round := 0; round < 3; round++ {
		st, cur, err := src.load(ctx)
		if err != nil {
			return transport.Token{}, err
		}
		if src.fresh(cur) {
			return src.use(cur), nil
		}
		lctx, cancel := context.WithTimeout(ctx, sh.lockWait())
		lease, err := paykit.Lock(lctx, sh.Locker, sh.lockKey(), sh.lease())
		cancel()
		if err != nil {
			return transport.Token{}, storeErr("taking the seller's refresh lock", err)
		}
		tok, again, err := src.refreshLocked(ctx, lease, st)
		uctx, ucancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		_ = sh.Locker.Unlock(uctx, lease) // a lease that is gone is no error; one left behind runs out
		ucancel()
		if again {
			continue
		}
		if err != nil {
			return transport.Token{}, err
		}
		return src.use(tok), nil
	}
	return transport.Token{}, errors.New("mercadopago: oauth: the seller's refresh lock kept running out before the refresh could be sent")
}

// refreshLocked runs while src holds lease: it re-reads the pair and, when
// no other replica refreshed it, refreshes it and stores the new pair.
// again asks the caller to start over (the lease ran out before the
// single-use refresh token was sent).
func (src *SellerTokenSource) refreshLocked(ctx context.Context, lease paykit.Lease, before paykit.StoredToken) (tok *OAuthToken, again bool, err error) {
	sh := src.shared
	st, cur, err := src.load(ctx)
	if err != nil {
		return nil, false, err
	}
	if st.Version != before.Version || src.fresh(cur) {
		return cur, false, nil // another replica refreshed it meanwhile
	}
	if src.beforeRefresh != nil {
		src.beforeRefresh(lease)
	}
	if !src.svc.c.t.Now().Before(lease.Until) {
		// Paused past the lease before sending: another replica may be
		// refreshing now. Start over rather than spend the token twice.
		return nil, true, nil
	}
	if cur.RefreshToken == "" {
		return nil, false, errors.New("mercadopago: oauth: the seller's token expired and there is no refresh token")
	}
	rctx, cancel := context.WithTimeout(ctx, sh.lease()*2/3)
	nt, err := src.svc.Refresh(rctx, &src.app, cur.RefreshToken)
	cancel()
	if err != nil {
		var e *Error
		if errors.As(err, &e) && e.Code == "invalid_grant" {
			// Spent: a replica whose lease we outlived may have refreshed
			// with it and stored the new pair. Use that pair if so.
			if st2, cur2, lerr := src.load(ctx); lerr == nil && st2.Version != st.Version {
				return cur2, false, nil
			}
		}
		return nil, false, err
	}
	data, err := encodeSeller(nt)
	if err != nil {
		return nil, false, err
	}
	var ok bool
	for i := 0; ; i++ {
		var serr error
		if _, ok, serr = sh.Tokens.CompareAndSwap(context.WithoutCancel(ctx), sh.Key, st.Version, data, lease.Fence); serr == nil {
			break
		}
		if i == 2 {
			// The new pair works, but the fleet cannot read it: the other
			// replicas hold a spent refresh token. Use it here, tell
			// onRefresh (your own durable copy), and write it again soon.
			src.mu.Lock()
			src.unsaved = &unsavedPair{tok: nt, from: st.Version}
			src.mu.Unlock()
			src.refreshed(nt)
			return nt, false, nil
		}
	}
	if !ok {
		// A newer pair was stored under a newer lease: it is the truth.
		_, cur2, lerr := src.load(ctx)
		if lerr != nil {
			return nil, false, lerr
		}
		return cur2, false, nil
	}
	src.refreshed(nt)
	return nt, false, nil
}

func (src *SellerTokenSource) refreshed(nt *OAuthToken) {
	src.mu.Lock()
	src.refresh++
	src.mu.Unlock()
	if src.onRefresh != nil {
		src.onRefresh(nt)
	}
}

// Save stores tok as the seller's pair, replacing what is stored: call it
// after Exchange when a seller connects again (the stored refresh token was
// revoked with the old grant). It takes the seller's lock, so it never
// overlaps a refresh.
func (st SellerStore) Save(ctx context.Context, tok *OAuthToken) error {
	if err := st.check(); err != nil {
		return err
	}
	if tok == nil || tok.AccessToken == "" {
		return invalid("access_token", "must not be empty")
	}
	data, err := encodeSeller(tok)
	if err != nil {
		return err
	}
	lease, err := paykit.Lock(ctx, st.Locker, st.lockKey(), st.lease())
	if err != nil {
		return storeErr("taking the seller's refresh lock", err)
	}
	defer func() {
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = st.Locker.Unlock(uctx, lease)
	}()
	cur, err := st.Tokens.Load(ctx, st.Key)
	if err != nil {
		return storeErr("loading the seller's token", err)
	}
	_, ok, err := st.Tokens.CompareAndSwap(ctx, st.Key, cur.Version, data, lease.Fence)
	if err != nil {
		return storeErr("storing the seller's token", err)
	}
	if !ok {
		return fmt.Errorf("%w: another writer stored the seller's token first", ErrSellerStore)
	}
	return nil
}
