package mercadopago_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
)

const fleetRedirect = "https://platform.example/mp/callback"

// sellerFleet is one simulator, one seller connected through OAuth, and the
// shared store and lock the replicas use for that seller.
type sellerFleet struct {
	srv    *mercadopagotest.Server
	app    *mercadopago.OAuthApp
	tok    *mercadopago.OAuthToken
	tokens *paykit.MemoryTokenStore
	locker *paykit.MemoryLocker
	store  mercadopago.SellerStore
}

func newSellerFleet(t *testing.T, ttl time.Duration, opts ...mercadopagotest.Option) *sellerFleet {
	t.Helper()
	base := []mercadopagotest.Option{
		mercadopagotest.WithOAuthApp(mercadopagotest.DefaultClientID, mercadopagotest.DefaultClientSecret, fleetRedirect),
		mercadopagotest.WithSellerTokenTTL(ttl),
	}
	srv := mercadopagotest.NewServer(append(base, opts...)...)
	t.Cleanup(srv.Close)
	srv.Clock.Set(time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC))
	f := &sellerFleet{srv: srv, app: &mercadopago.OAuthApp{ClientID: mercadopagotest.DefaultClientID,
		ClientSecret: mercadopagotest.DefaultClientSecret, RedirectURI: fleetRedirect, AuthorizationURL: srv.AuthURL()}}
	c := f.client(t)
	start, err := c.OAuth.Start(f.app)
	require.NoError(t, err)
	back, err := srv.Authorize(start.URL, 0)
	require.NoError(t, err)
	u, err := url.Parse(back)
	require.NoError(t, err)
	code, err := mercadopago.ParseOAuthCallback(u, start.State)
	require.NoError(t, err)
	f.tok, err = c.OAuth.Exchange(context.Background(), f.app, code, start.PKCE.Verifier)
	require.NoError(t, err)
	f.tokens = paykit.NewMemoryTokenStore()
	f.locker = paykit.NewMemoryLocker(paykit.WithLockClock(srv.Clock.Now))
	f.store = mercadopago.SellerStore{Tokens: f.tokens, Locker: f.locker, Key: "mercadopago:seller:2000000001"}
	return f
}

// client is one replica's client: its own connections and token caches,
// the simulator's clock.
func (f *sellerFleet) client(t *testing.T) *mercadopago.Client {
	t.Helper()
	c, err := f.srv.Client(mercadopago.WithClock(f.srv.Clock.Now))
	require.NoError(t, err)
	return c
}

// replica is one replica's source for the seller, over the shared store.
func (f *sellerFleet) replica(t *testing.T, store mercadopago.SellerStore) *mercadopago.SellerTokenSource {
	t.Helper()
	src, err := f.client(t).OAuth.TokenSource(f.app, f.tok, nil, mercadopago.WithSellerStore(store))
	require.NoError(t, err)
	return src
}

// stored is the pair in the shared store.
func (f *sellerFleet) stored(t *testing.T) (access, refresh string, version int64) {
	t.Helper()
	st, err := f.tokens.Load(context.Background(), f.store.Key)
	require.NoError(t, err)
	var v struct {
		Access  string `json:"access_token"`
		Refresh string `json:"refresh_token"`
		UserID  int64  `json:"user_id"`
	}
	require.NoError(t, json.Unmarshal(st.Data, &v))
	assert.Equal(t, int64(mercadopagotest.DefaultSellerID), v.UserID)
	return v.Access, v.Refresh, st.Version
}

// actAll has every replica call the API for the seller at the same time.
func actAll(t *testing.T, c *mercadopago.Client, srcs []*mercadopago.SellerTokenSource) {
	t.Helper()
	var wg sync.WaitGroup
	for _, src := range srcs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			me, err := c.Users.Me(context.Background(), mercadopago.WithSeller(src))
			if assert.NoError(t, err) {
				assert.Equal(t, int64(mercadopagotest.DefaultSellerID), me.ID)
			}
		}()
	}
	wg.Wait()
}

func TestSellerFleetRefreshesOncePerExpiry(t *testing.T) {
	f := newSellerFleet(t, 10*time.Minute)
	srcs := make([]*mercadopago.SellerTokenSource, 20)
	for i := range srcs {
		srcs[i] = f.replica(t, f.store)
	}
	c := f.client(t)
	actAll(t, c, srcs)
	assert.Equal(t, 0, f.srv.SellerRefreshes(), "the connected pair is fresh")
	access0, _, v := f.stored(t)
	assert.Equal(t, f.tok.AccessToken, access0, "the first replica seeded the store")
	assert.Equal(t, int64(1), v)

	// The access token expires for the whole fleet at once.
	f.srv.Clock.Advance(10 * time.Minute)
	actAll(t, c, srcs)
	assert.Equal(t, 1, f.srv.SellerRefreshes(), "one refresh for the fleet")
	assert.Equal(t, 0, f.srv.InvalidGrants(), "nobody spent the single-use refresh token twice")
	access1, refresh1, v := f.stored(t)
	assert.NotEqual(t, access0, access1)
	assert.NotEqual(t, f.tok.RefreshToken, refresh1)
	assert.Equal(t, int64(2), v)
	for i, src := range srcs {
		got, err := src.Token(context.Background())
		require.NoError(t, err)
		assert.Equal(t, access1, got.AccessToken, "replica %d uses the stored pair", i)
	}

	// Again, after the next expiry: the stored refresh token is the one used.
	f.srv.Clock.Advance(10 * time.Minute)
	actAll(t, c, srcs)
	assert.Equal(t, 2, f.srv.SellerRefreshes())
	assert.Equal(t, 0, f.srv.InvalidGrants())

	// A replica started later (no token of its own) loads the pair.
	late, err := f.client(t).OAuth.TokenSource(f.app, nil, nil, mercadopago.WithSellerStore(f.store))
	require.NoError(t, err)
	actAll(t, c, []*mercadopago.SellerTokenSource{late})
	assert.Equal(t, 2, f.srv.SellerRefreshes())
}

func TestSellerFleetOn401LoadsTheReplacedToken(t *testing.T) {
	f := newSellerFleet(t, time.Hour)
	a, b := f.replica(t, f.store), f.replica(t, f.store)
	c := f.client(t)
	actAll(t, c, []*mercadopago.SellerTokenSource{a, b})

	// Mercado Pago stops taking the access token before its expiry.
	f.srv.ExpireSellerTokens()
	actAll(t, c, []*mercadopago.SellerTokenSource{a})
	assert.Equal(t, 1, f.srv.SellerRefreshes())
	// b gets a 401 on the token a replaced: it loads a's pair instead of
	// refreshing with the spent refresh token.
	actAll(t, c, []*mercadopago.SellerTokenSource{b})
	assert.Equal(t, 1, f.srv.SellerRefreshes())
	assert.Equal(t, 0, f.srv.InvalidGrants())
	ta, _ := a.Token(context.Background())
	tb, _ := b.Token(context.Background())
	assert.Equal(t, ta.AccessToken, tb.AccessToken)
}

func TestSellerFleetHolderPausedPastItsLeaseDoesNotRefresh(t *testing.T) {
	f := newSellerFleet(t, 10*time.Minute)
	a, b := f.replica(t, f.store), f.replica(t, f.store)
	c := f.client(t)
	actAll(t, c, []*mercadopago.SellerTokenSource{a, b})
	f.srv.Clock.Advance(10 * time.Minute)

	paused := false
	mercadopago.SetBeforeRefresh(a, func(lease paykit.Lease) {
		if paused {
			return
		}
		paused = true
		// a stalls (a GC pause, a frozen VM) until its lease has run out;
		// meanwhile b takes the lock and refreshes.
		f.srv.Clock.Set(lease.Until.Add(time.Second))
		_, err := c.Users.Me(context.Background(), mercadopago.WithSeller(b))
		require.NoError(t, err)
	})
	_, err := c.Users.Me(context.Background(), mercadopago.WithSeller(a))
	require.NoError(t, err)
	require.True(t, paused)
	assert.Equal(t, 1, f.srv.SellerRefreshes(), "only b refreshed")
	assert.Equal(t, 0, f.srv.InvalidGrants(), "a noticed its lease ran out and sent nothing")
	access, _, _ := f.stored(t)
	ta, _ := a.Token(context.Background())
	tb, _ := b.Token(context.Background())
	assert.Equal(t, access, tb.AccessToken)
	assert.Equal(t, access, ta.AccessToken, "a uses b's pair")
}

func TestSellerFleetHolderPausedMidRefreshNeverStoresOverTheNewerPair(t *testing.T) {
	inHook, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	f := newSellerFleet(t, 10*time.Minute, mercadopagotest.WithTokenHook(func(grant string) {
		if grant != "refresh_token" {
			return
		}
		first := false
		once.Do(func() { first = true })
		if first {
			close(inHook)
			<-release // a's refresh stalls on the wire
		}
	}))
	a, b := f.replica(t, f.store), f.replica(t, f.store)
	c := f.client(t)
	actAll(t, c, []*mercadopago.SellerTokenSource{a, b})
	f.srv.Clock.Advance(10 * time.Minute)

	done := make(chan error, 1)
	go func() {
		_, err := c.Users.Me(context.Background(), mercadopago.WithSeller(a))
		done <- err
	}()
	<-inHook
	// a's lease runs out while its refresh is in flight; b refreshes.
	f.srv.Clock.Advance(time.Minute)
	_, err := c.Users.Me(context.Background(), mercadopago.WithSeller(b))
	require.NoError(t, err)
	access, refresh, version := f.stored(t)
	close(release)
	require.NoError(t, <-done, "a recovers with b's pair")

	assert.Equal(t, 1, f.srv.SellerRefreshes())
	assert.Equal(t, 1, f.srv.InvalidGrants(), "a's late refresh was refused: the token was spent")
	a2, r2, v2 := f.stored(t)
	assert.Equal(t, access, a2, "the newer pair is still stored")
	assert.Equal(t, refresh, r2)
	assert.Equal(t, version, v2)
	ta, _ := a.Token(context.Background())
	assert.Equal(t, access, ta.AccessToken)

	// The seller is not lost: the next expiry refreshes with b's token.
	f.srv.Clock.Advance(10 * time.Minute)
	actAll(t, c, []*mercadopago.SellerTokenSource{a, b})
	assert.Equal(t, 2, f.srv.SellerRefreshes())
	assert.Equal(t, 1, f.srv.InvalidGrants())
}

func TestSellerFleetDeadHolderDelaysTheRefreshByItsLease(t *testing.T) {
	f := newSellerFleet(t, 10*time.Minute)
	c := f.client(t)
	a := f.replica(t, f.store)
	actAll(t, c, []*mercadopago.SellerTokenSource{a})
	f.srv.Clock.Advance(10 * time.Minute)

	// A replica took the lock and died: its lease is never released.
	dead, ok, err := f.locker.TryLock(context.Background(), "lock:"+f.store.Key, mercadopago.DefaultSellerLeaseTTL)
	require.NoError(t, err)
	require.True(t, ok)

	// While the lease holds, a replica waiting for the lock gives up with a
	// typed error and refreshes nothing. (A short lease bounds its wait.)
	short := f.store
	short.LeaseTTL = 200 * time.Millisecond
	waiting := f.replica(t, short)
	_, err = c.Users.Me(context.Background(), mercadopago.WithSeller(waiting))
	require.Error(t, err)
	assert.ErrorIs(t, err, paykit.ErrLockTimeout)
	assert.ErrorIs(t, err, mercadopago.ErrSellerStore)
	assert.Equal(t, 0, f.srv.SellerRefreshes())

	// Once the dead holder's lease runs out, the next replica refreshes.
	f.srv.Clock.Set(dead.Until.Add(time.Millisecond))
	_, err = c.Users.Me(context.Background(), mercadopago.WithSeller(a))
	require.NoError(t, err)
	assert.Equal(t, 1, f.srv.SellerRefreshes())
	assert.Equal(t, 0, f.srv.InvalidGrants())
	_, _, v := f.stored(t)
	assert.Equal(t, int64(2), v)
}

type brokenTokens struct{}

func (brokenTokens) Load(context.Context, string) (paykit.StoredToken, error) {
	return paykit.StoredToken{}, assert.AnError
}
func (brokenTokens) CompareAndSwap(context.Context, string, int64, []byte, int64) (int64, bool, error) {
	return 0, false, assert.AnError
}

func TestSellerFleetStoreDownFailsWithoutRefreshing(t *testing.T) {
	f := newSellerFleet(t, 10*time.Minute)
	store := f.store
	store.Tokens = brokenTokens{}
	src := f.replica(t, store)
	f.srv.Clock.Advance(10 * time.Minute)
	_, err := f.client(t).Users.Me(context.Background(), mercadopago.WithSeller(src))
	require.Error(t, err)
	assert.ErrorIs(t, err, mercadopago.ErrSellerStore)
	assert.ErrorIs(t, err, assert.AnError)
	assert.Equal(t, 0, f.srv.SellerRefreshes(), "no refresh outside the shared record")
	assert.NotContains(t, err.Error(), f.tok.RefreshToken)
}

func TestSellerStoreOptionIsChecked(t *testing.T) {
	f := newSellerFleet(t, time.Hour)
	c := f.client(t)
	for _, bad := range []mercadopago.SellerStore{
		{Locker: f.locker, Key: "k"},
		{Tokens: f.tokens, Key: "k"},
		{Tokens: f.tokens, Locker: f.locker},
		{Tokens: f.tokens, Locker: f.locker, Key: "a\nb"},
		{Tokens: f.tokens, Locker: f.locker, Key: "k", LeaseTTL: -time.Second},
	} {
		_, err := c.OAuth.TokenSource(f.app, f.tok, nil, mercadopago.WithSellerStore(bad))
		assert.Error(t, err)
	}
	_, err := c.OAuth.TokenSource(f.app, nil, nil)
	assert.Error(t, err, "without a store a token is required")
	// With a store and no token, an empty store is an error at the first call.
	src, err := c.OAuth.TokenSource(f.app, nil, nil, mercadopago.WithSellerStore(f.store))
	require.NoError(t, err)
	_, err = src.Token(context.Background())
	assert.ErrorIs(t, err, mercadopago.ErrSellerStore)
}

func TestSellerStoreSaveReplacesThePair(t *testing.T) {
	f := newSellerFleet(t, time.Hour)
	c := f.client(t)
	a := f.replica(t, f.store)
	actAll(t, c, []*mercadopago.SellerTokenSource{a})
	fresh := *f.tok
	fresh.AccessToken, fresh.RefreshToken = "APP_USR-reconnected", "TG-reconnected"
	require.NoError(t, f.store.Save(context.Background(), &fresh))
	access, refresh, v := f.stored(t)
	assert.Equal(t, "APP_USR-reconnected", access)
	assert.Equal(t, "TG-reconnected", refresh)
	assert.Equal(t, int64(2), v)
}

func TestSellerPairLoadedFromTheStoreIsASecret(t *testing.T) {
	const access, refresh = "APP_USR-stored-only-5f2c9a", "TG-stored-only-77aa01"
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"message":"bad token ` + strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ") +
			` refresh ` + refresh + `","error":"bad_request","status":400,"cause":[]}`))
	}))
	defer echo.Close()
	tokens := paykit.NewMemoryTokenStore()
	data, err := json.Marshal(map[string]any{"access_token": access, "refresh_token": refresh,
		"expiry": time.Now().Add(time.Hour), "user_id": 1})
	require.NoError(t, err)
	_, ok, err := tokens.CompareAndSwap(context.Background(), "seller", 0, data, 0)
	require.NoError(t, err)
	require.True(t, ok)

	c, err := mercadopago.NewClient(mercadopago.Credentials{AccessToken: "APP_USR-platform"}, mercadopago.WithBaseURL(echo.URL))
	require.NoError(t, err)
	app := &mercadopago.OAuthApp{ClientID: "1", ClientSecret: "s"}
	src, err := c.OAuth.TokenSource(app, nil, nil, mercadopago.WithSellerStore(mercadopago.SellerStore{
		Tokens: tokens, Locker: paykit.NewMemoryLocker(), Key: "seller"}))
	require.NoError(t, err)
	_, err = c.Users.Me(context.Background(), mercadopago.WithSeller(src))
	require.Error(t, err)
	assert.NotContains(t, err.Error(), access)
	assert.NotContains(t, err.Error(), refresh)
	assert.Contains(t, err.Error(), "[redacted]")
	assert.NotContains(t, fmt.Sprintf("%v %+v %#v", src, src, src), access)
}

// losableTokens is a token store that can lose everything it holds, as a
// Redis server restarted without persistence does.
type losableTokens struct {
	mu    sync.Mutex
	inner *paykit.MemoryTokenStore
}

func (l *losableTokens) store() *paykit.MemoryTokenStore {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.inner
}

func (l *losableTokens) Load(ctx context.Context, key string) (paykit.StoredToken, error) {
	return l.store().Load(ctx, key)
}

func (l *losableTokens) CompareAndSwap(ctx context.Context, key string, old int64, data []byte, fence int64) (int64, bool, error) {
	return l.store().CompareAndSwap(ctx, key, old, data, fence)
}

func (l *losableTokens) lose() {
	l.mu.Lock()
	l.inner = paykit.NewMemoryTokenStore()
	l.mu.Unlock()
}

// A store that lost the seller's pair is seeded again with the newest pair
// the replica loaded, not the spent pair it was first given.
func TestSellerFleetStoreThatLostItsStateIsSeededWithTheNewestPair(t *testing.T) {
	f := newSellerFleet(t, 10*time.Minute)
	tokens := &losableTokens{inner: paykit.NewMemoryTokenStore()}
	store := f.store
	store.Tokens = tokens
	src := f.replica(t, store)
	c := f.client(t)

	f.srv.Clock.Advance(10 * time.Minute)
	actAll(t, c, []*mercadopago.SellerTokenSource{src})
	require.Equal(t, 1, f.srv.SellerRefreshes(), "the given pair was refreshed: its refresh token is spent")

	tokens.lose()
	f.srv.Clock.Advance(10 * time.Minute)
	actAll(t, c, []*mercadopago.SellerTokenSource{src})
	assert.Equal(t, 2, f.srv.SellerRefreshes(), "the refresh after the loss used the newest refresh token")
	assert.Equal(t, 0, f.srv.InvalidGrants(), "the spent pair was never stored again")
	st, err := tokens.Load(context.Background(), store.Key)
	require.NoError(t, err)
	assert.NotEqual(t, int64(0), st.Version, "the store holds the pair again")
}

// A seller's pair sealed at rest: the replicas with the key use it; one
// given another key fails with a typed error and never refreshes.
func TestSellerFleetSealedStore(t *testing.T) {
	f := newSellerFleet(t, 10*time.Minute)
	key, wrong := bytes.Repeat([]byte{7}, 32), bytes.Repeat([]byte{9}, 32)
	sealed, err := paykit.NewSealedTokenStore(f.tokens, key, nil)
	require.NoError(t, err)
	store := f.store
	store.Tokens = sealed
	c := f.client(t)
	actAll(t, c, []*mercadopago.SellerTokenSource{f.replica(t, store), f.replica(t, store)})
	f.srv.Clock.Advance(10 * time.Minute)
	actAll(t, c, []*mercadopago.SellerTokenSource{f.replica(t, store)})
	require.Equal(t, 1, f.srv.SellerRefreshes())
	raw, err := f.tokens.Load(context.Background(), store.Key)
	require.NoError(t, err)
	assert.NotContains(t, string(raw.Data), "access_token", "the pair is sealed at rest")

	other, err := paykit.NewSealedTokenStore(f.tokens, wrong, nil)
	require.NoError(t, err)
	store.Tokens = other
	f.srv.Clock.Advance(10 * time.Minute)
	_, err = c.Users.Me(context.Background(), mercadopago.WithSeller(f.replica(t, store)))
	require.Error(t, err)
	assert.ErrorIs(t, err, mercadopago.ErrSellerStore)
	assert.ErrorIs(t, err, paykit.ErrTokenSeal)
	assert.Equal(t, 1, f.srv.SellerRefreshes(), "no refresh with a pair that did not open")
}
