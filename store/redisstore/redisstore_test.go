package redisstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/paykittest/storetest"
	"github.com/paykit-go/paykit/store/internal/servers"
	"github.com/paykit-go/paykit/store/redisstore"
)

func client(t *testing.T, addr string) *redis.Client {
	rdb := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

func TestContract(t *testing.T) {
	srv := servers.StartRedis(t, servers.RedisOptions{})
	// Each subtest gets a Store of its own on one server, as the replicas
	// of a fleet do.
	newStore := func(t *testing.T) *redisstore.Store { return redisstore.New(client(t, srv.Addr)) }
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

func TestPrefixesAreSeparate(t *testing.T) {
	srv := servers.StartRedis(t, servers.RedisOptions{})
	ctx := context.Background()
	a := redisstore.New(client(t, srv.Addr), redisstore.WithPrefix("app-a:"))
	b := redisstore.New(client(t, srv.Addr), redisstore.WithPrefix("app-b:"))
	_, ok, err := a.TryLock(ctx, "seller-1", time.Minute)
	require.NoError(t, err)
	require.True(t, ok)
	_, ok, err = b.TryLock(ctx, "seller-1", time.Minute)
	require.NoError(t, err)
	assert.True(t, ok, "another prefix is another lock")
}

func TestBadTTL(t *testing.T) {
	srv := servers.StartRedis(t, servers.RedisOptions{})
	s := redisstore.New(client(t, srv.Addr))
	_, ok, err := s.TryLock(context.Background(), "k", 0)
	require.Error(t, err)
	assert.False(t, ok)
	assert.Contains(t, err.Error(), "ttl")
}

// TestRestartWithoutPersistence restarts redis-server (no RDB, no AOF) in
// the middle of a fleet's work: nothing survives, and a Store that used
// the server before says so with ErrStateLost on every call instead of
// answering from the empty server (an empty token, a free delivery).
func TestRestartWithoutPersistence(t *testing.T) {
	srv := servers.StartRedis(t, servers.RedisOptions{})
	ctx := context.Background()
	s := redisstore.New(client(t, srv.Addr))

	v, ok, err := s.CompareAndSwap(ctx, "seller-1", 0, []byte("refresh-token-7"), 0)
	require.NoError(t, err)
	require.True(t, ok)
	lease, ok, err := s.TryLock(ctx, "seller-1", time.Hour)
	require.NoError(t, err)
	require.True(t, ok)
	ok, err = s.Claim(ctx, "delivery-1", time.Now().Add(time.Hour))
	require.NoError(t, err)
	require.True(t, ok)
	require.NoError(t, s.Done(ctx, "delivery-1", time.Now().Add(time.Hour)))

	srv.Restart()

	// While the server was away, or after it came back empty: errors,
	// never an answer from the empty server.
	_, err = s.Load(ctx, "seller-1")
	assert.ErrorIs(t, err, redisstore.ErrStateLost, "Load must not report an empty token store")
	_, _, err = s.CompareAndSwap(ctx, "seller-1", 0, []byte("spent-token"), 0)
	assert.ErrorIs(t, err, redisstore.ErrStateLost, "a write on version 0 must not win on the empty server")
	ok, err = s.Claim(ctx, "delivery-1", time.Now().Add(time.Hour))
	assert.ErrorIs(t, err, redisstore.ErrStateLost, "a delivery already done must not be claimed again")
	assert.False(t, ok)
	assert.ErrorIs(t, s.Done(ctx, "delivery-2", time.Now().Add(time.Hour)), redisstore.ErrStateLost)
	_, ok, err = s.TryLock(ctx, "seller-1", time.Minute)
	assert.ErrorIs(t, err, redisstore.ErrStateLost)
	assert.False(t, ok)
	require.NoError(t, s.Unlock(ctx, lease), "unlocking a lease the server forgot is a no-op, as after expiry")

	// A second replica that first talks to the server after the restart
	// cannot tell: it sees an empty server. This is what "no persistence"
	// means, and why refresh tokens belong in PostgreSQL.
	fresh := redisstore.New(client(t, srv.Addr))
	got, err := fresh.Load(ctx, "seller-1")
	require.NoError(t, err)
	assert.Zero(t, got.Version, "the refresh token did not survive the restart")
	ok, err = fresh.Claim(ctx, "delivery-1", time.Now().Add(time.Hour))
	require.NoError(t, err)
	assert.True(t, ok, "the done record did not survive the restart")

	// Recover: the first Store adopts the server's new state; fences keep
	// growing past the ones granted before the restart.
	require.NoError(t, s.Recover(ctx))
	after, ok, err := s.TryLock(ctx, "seller-1", time.Minute)
	require.NoError(t, err)
	require.True(t, ok, "the lease did not survive the restart either")
	assert.Greater(t, after.Fence, lease.Fence, "fences keep growing across the restart")
	_, _, err = s.CompareAndSwap(ctx, "seller-1", v, []byte("x"), after.Fence)
	require.NoError(t, err)
}

// TestRestartWithAppendOnlyFile is the same restart with appendonly yes and
// appendfsync always: everything acknowledged survives and the Store goes
// on without an error.
func TestRestartWithAppendOnlyFile(t *testing.T) {
	srv := servers.StartRedis(t, servers.RedisOptions{AppendOnly: true})
	ctx := context.Background()
	s := redisstore.New(client(t, srv.Addr))

	v, ok, err := s.CompareAndSwap(ctx, "seller-1", 0, []byte("refresh-token-7"), 3)
	require.NoError(t, err)
	require.True(t, ok)
	lease, ok, err := s.TryLock(ctx, "seller-1", time.Hour)
	require.NoError(t, err)
	require.True(t, ok)
	require.NoError(t, s.Done(ctx, "delivery-1", time.Now().Add(time.Hour)))

	srv.Restart()

	got, err := s.Load(ctx, "seller-1")
	require.NoError(t, err)
	assert.Equal(t, paykit.StoredToken{Data: []byte("refresh-token-7"), Version: v, Fence: 3}, got)
	_, ok, err = s.TryLock(ctx, "seller-1", time.Minute)
	require.NoError(t, err)
	assert.False(t, ok, "the lease survived")
	ok, err = s.Claim(ctx, "delivery-1", time.Now().Add(time.Hour))
	require.NoError(t, err)
	assert.False(t, ok, "the done record survived")
	require.NoError(t, s.Unlock(ctx, lease))
}

// TestServerDown: with the server stopped every call fails with an error
// (not ErrStateLost: nothing is known), and none reports success.
func TestServerDown(t *testing.T) {
	srv := servers.StartRedis(t, servers.RedisOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s := redisstore.New(client(t, srv.Addr))
	_, err := s.Load(ctx, "warm-up")
	require.NoError(t, err)
	srv.Stop()

	_, err = s.Load(ctx, "k")
	assert.Error(t, err)
	_, ok, err := s.CompareAndSwap(ctx, "k", 0, []byte("x"), 0)
	assert.Error(t, err)
	assert.False(t, ok)
	_, ok, err = s.TryLock(ctx, "k", time.Minute)
	assert.Error(t, err)
	assert.False(t, ok)
	ok, err = s.Claim(ctx, "k", time.Now().Add(time.Minute))
	assert.Error(t, err)
	assert.False(t, ok)
	assert.Error(t, s.Done(ctx, "k", time.Now().Add(time.Minute)))
	assert.Error(t, s.Release(ctx, "k"))
	assert.False(t, errors.Is(err, redisstore.ErrStateLost))
}
