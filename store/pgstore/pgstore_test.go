package pgstore_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/paykittest/storetest"
	"github.com/paykit-go/paykit/store/internal/servers"
	"github.com/paykit-go/paykit/store/pgstore"
)

func pool(t *testing.T, url string) *pgxpool.Pool {
	p, err := pgxpool.New(context.Background(), url)
	require.NoError(t, err)
	t.Cleanup(p.Close)
	return p
}

func TestContract(t *testing.T) {
	srv := servers.StartPostgres(t)
	ctx := context.Background()
	first, err := pgstore.New(pool(t, srv.URL))
	require.NoError(t, err)
	require.NoError(t, first.Migrate(ctx))
	// Each subtest gets a Store with a pool of its own on one database, as
	// the replicas of a fleet do.
	newStore := func(t *testing.T) *pgstore.Store {
		s, err := pgstore.New(pool(t, srv.URL))
		require.NoError(t, err)
		return s
	}
	t.Run("TokenStore", func(t *testing.T) {
		storetest.TokenStore(t, func(t *testing.T) paykit.TokenStore { return newStore(t) })
	})
	t.Run("Locker", func(t *testing.T) {
		storetest.Locker(t, func(t *testing.T) paykit.Locker { return newStore(t) })
	})
	t.Run("ReplayStore", func(t *testing.T) {
		storetest.ReplayStore(t, func(t *testing.T) paykit.ReplayStore { return newStore(t) })
	})
}

func TestMigrateConcurrentlyAndPrefixes(t *testing.T) {
	srv := servers.StartPostgres(t)
	ctx := context.Background()
	p := pool(t, srv.URL)
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			s, err := pgstore.New(p, pgstore.WithTablePrefix("shop_"))
			if err == nil {
				err = s.Migrate(ctx)
			}
			errs[i] = err
		}(i)
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err, "every replica may migrate at start")
	}
	a, err := pgstore.New(p, pgstore.WithTablePrefix("shop_"))
	require.NoError(t, err)
	b, err := pgstore.New(p)
	require.NoError(t, err)
	require.NoError(t, b.Migrate(ctx))
	_, ok, err := a.TryLock(ctx, "seller-1", time.Minute)
	require.NoError(t, err)
	require.True(t, ok)
	_, ok, err = b.TryLock(ctx, "seller-1", time.Minute)
	require.NoError(t, err)
	assert.True(t, ok, "another prefix is another table")

	var n int
	require.NoError(t, p.QueryRow(ctx, `SELECT count(*) FROM shop_locks`).Scan(&n))
	assert.Equal(t, 1, n)
}

func TestBadInput(t *testing.T) {
	_, err := pgstore.New(nil)
	assert.ErrorContains(t, err, "db is nil")
	for _, bad := range []string{"", "Shop_", "shop;drop table x;", "1shop", "public.shop_", `"x"`} {
		_, err := pgstore.New(nil, pgstore.WithTablePrefix(bad))
		assert.Error(t, err, "prefix %q", bad)
	}
	srv := servers.StartPostgres(t)
	s, err := pgstore.New(pool(t, srv.URL))
	require.NoError(t, err)
	_, ok, err := s.TryLock(context.Background(), "k", 0)
	assert.ErrorContains(t, err, "ttl")
	assert.False(t, ok)
}

func TestPrune(t *testing.T) {
	srv := servers.StartPostgres(t)
	ctx := context.Background()
	s, err := pgstore.New(pool(t, srv.URL))
	require.NoError(t, err)
	require.NoError(t, s.Migrate(ctx))
	ok, err := s.Claim(ctx, "gone", time.Now().Add(-time.Minute))
	require.NoError(t, err)
	require.True(t, ok, "a claim whose until passed reports true")
	ok, err = s.Claim(ctx, "kept", time.Now().Add(time.Hour))
	require.NoError(t, err)
	require.True(t, ok)
	n, err := s.Prune(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(1), n, "only the expired row goes")
	ok, err = s.Claim(ctx, "kept", time.Now().Add(time.Hour))
	require.NoError(t, err)
	assert.False(t, ok)
}
