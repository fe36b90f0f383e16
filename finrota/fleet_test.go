package finrota_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/finrota"
	"github.com/paykit-go/paykit/finrota/finrotatest"
	"github.com/paykit-go/paykit/internal/sim"
)

// fleet is n finrota clients (replicas, each with its own token cache)
// sharing one token store and, when locker is not nil, one lock.
func fleet(t *testing.T, srv *finrotatest.Server, clk *sim.Clock, n int, store paykit.TokenStore, locker paykit.Locker) []*finrota.Client {
	t.Helper()
	out := make([]*finrota.Client, n)
	for i := range out {
		opts := []finrota.Option{finrota.WithClock(clk.Now), finrota.WithTokenStore(store, "finrota:"+finrotatest.APIKey)}
		if locker != nil {
			opts = append(opts, finrota.WithTokenLocker(locker))
		}
		c, err := srv.Client(opts...)
		require.NoError(t, err)
		out[i] = c
	}
	return out
}

// allCall makes every client call the API once, all at the same time.
func allCall(t *testing.T, cs []*finrota.Client) {
	t.Helper()
	var wg sync.WaitGroup
	for _, c := range cs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.Widget.CreateToken(context.Background())
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
}

func TestFleetSharesOneAccessTokenPerExpiry(t *testing.T) {
	clk := &sim.Clock{}
	clk.Set(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC))
	srv := finrotatest.NewServer(finrotatest.WithClock(clk.Now), finrotatest.WithAccessTokenTTL(10*time.Minute))
	defer srv.Close()
	store := paykit.NewMemoryTokenStore()
	locker := paykit.NewMemoryLocker(paykit.WithLockClock(clk.Now))
	cs := fleet(t, srv, clk, 20, store, locker)

	allCall(t, cs)
	assert.Equal(t, 1, srv.AccessTokensIssued(), "a cold fleet fetched one token")

	allCall(t, cs)
	assert.Equal(t, 1, srv.AccessTokensIssued(), "cached")

	// The token expires for everyone at once.
	clk.Advance(10 * time.Minute)
	allCall(t, cs)
	assert.Equal(t, 2, srv.AccessTokensIssued(), "one fetch for the fleet per expiry")

	// A replica that starts later loads the stored token.
	late := fleet(t, srv, clk, 1, store, locker)
	allCall(t, late)
	assert.Equal(t, 2, srv.AccessTokensIssued())

	// Finrota rotates tokens early: the first replica to get a 401 fetches
	// one, the others load it instead of fetching again.
	srv.RevokeAccessTokens()
	allCall(t, cs)
	assert.Equal(t, 3, srv.AccessTokensIssued(), "one fetch after the 401s")
}

func TestFleetWithoutLockerSharesTokensFetchedOneAtATime(t *testing.T) {
	clk := &sim.Clock{}
	clk.Set(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC))
	srv := finrotatest.NewServer(finrotatest.WithClock(clk.Now))
	defer srv.Close()
	store := paykit.NewMemoryTokenStore()
	cs := fleet(t, srv, clk, 5, store, nil)
	for _, c := range cs {
		_, err := c.Widget.CreateToken(context.Background())
		require.NoError(t, err)
	}
	assert.Equal(t, 1, srv.AccessTokensIssued(), "replicas after the first load its token")
	st, _ := store.Load(context.Background(), "finrota:"+finrotatest.APIKey)
	assert.Equal(t, int64(1), st.Version)
}

// downStore is a token store that always fails.
type downStore struct{}

func (downStore) Load(context.Context, string) (paykit.StoredToken, error) {
	return paykit.StoredToken{}, assert.AnError
}
func (downStore) CompareAndSwap(context.Context, string, int64, []byte, int64) (int64, bool, error) {
	return 0, false, assert.AnError
}

func TestFleetStoreDownStillCalls(t *testing.T) {
	srv := finrotatest.NewServer()
	defer srv.Close()
	c, err := srv.Client(finrota.WithTokenStore(downStore{}, "k"), finrota.WithTokenLocker(paykit.NewMemoryLocker()))
	require.NoError(t, err)
	_, err = c.Widget.CreateToken(context.Background())
	require.NoError(t, err, "a token store that is down does not fail calls that need no shared state")
	assert.Equal(t, 1, srv.AccessTokensIssued())
}

func TestTokenStoreOptionsAreChecked(t *testing.T) {
	creds := finrota.Credentials{APIKey: "a", SecretKey: "b"}
	_, err := finrota.NewClient(creds, finrota.WithTokenStore(nil, "k"))
	assert.ErrorContains(t, err, "token store: must not be nil")
	_, err = finrota.NewClient(creds, finrota.WithTokenStore(paykit.NewMemoryTokenStore(), " "))
	assert.ErrorContains(t, err, "token store key: must not be empty")
	_, err = finrota.NewClient(creds, finrota.WithTokenStore(paykit.NewMemoryTokenStore(), "a\nb"))
	assert.ErrorContains(t, err, "control characters")
	_, err = finrota.NewClient(creds, finrota.WithTokenLocker(paykit.NewMemoryLocker()))
	assert.ErrorContains(t, err, "needs a token store")
	_, err = finrota.NewClient(creds, finrota.WithTokenLocker(nil))
	assert.ErrorContains(t, err, "token locker: must not be nil")
}

// With a shared store, an Observer hears of the fleet's fetches from
// Finrota's token endpoint, not of every replica reading the stored token.
func TestFleetObserverCountsProviderFetchesOnly(t *testing.T) {
	clk := &sim.Clock{}
	clk.Set(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC))
	srv := finrotatest.NewServer(finrotatest.WithClock(clk.Now), finrotatest.WithAccessTokenTTL(10*time.Minute))
	defer srv.Close()
	store := paykit.NewMemoryTokenStore()
	locker := paykit.NewMemoryLocker(paykit.WithLockClock(clk.Now))
	var mu sync.Mutex
	var seen []paykit.TokenInfo
	obs := &paykit.Observer{Token: func(_ context.Context, ti paykit.TokenInfo) {
		mu.Lock()
		seen = append(seen, ti)
		mu.Unlock()
	}}
	cs := make([]*finrota.Client, 10)
	for i := range cs {
		c, err := srv.Client(finrota.WithClock(clk.Now), finrota.WithTokenStore(store, "finrota:obs"),
			finrota.WithTokenLocker(locker), finrota.WithObserver(obs))
		require.NoError(t, err)
		cs[i] = c
	}

	allCall(t, cs)
	clk.Advance(10 * time.Minute)
	allCall(t, cs)

	require.Equal(t, 2, srv.AccessTokensIssued())
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, seen, 2, "one observed fetch per fetch from the provider")
	assert.False(t, seen[0].Refresh, "the cold start's fetch found no stored token")
	assert.True(t, seen[1].Refresh, "the expiry's fetch replaced the stored token")
	for _, ti := range seen {
		assert.Equal(t, "finrota", ti.Provider)
		assert.Empty(t, ti.ErrorType)
	}
}
