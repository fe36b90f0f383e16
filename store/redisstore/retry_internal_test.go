package redisstore

import (
	"context"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit/store/internal/servers"
)

// The client library repeats a script whose answer was lost on a broken
// connection (a restart, a network blip). A repeat of a claim or a grant
// the first attempt made must be answered as the first attempt would have
// been: a claim answered 0 would acknowledge the delivery as a replay and
// never act on it (the fleet simulation caught this during a Redis
// restart).
func TestRepeatedScriptsAnswerAsTheFirstAttempt(t *testing.T) {
	srv := servers.StartRedis(t, servers.RedisOptions{})
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
	t.Cleanup(func() { _ = rdb.Close() })
	s := New(rdb)
	ctx := context.Background()

	claim := func(id string) int64 {
		n, err := s.run(ctx, claimScript, []string{s.claimKey("delivery")}, 60_000, id).Int64()
		require.NoError(t, err)
		return n
	}
	assert.Equal(t, int64(1), claim("attempt-a"))
	assert.Equal(t, int64(1), claim("attempt-a"), "the same claim repeated")
	assert.Equal(t, int64(0), claim("attempt-b"), "another claim")

	grant := func(owner string) int64 {
		f, err := s.run(ctx, lockScript, []string{s.lockKey("seller"), s.fenceKey("seller")}, owner, 60_000).Int64()
		require.NoError(t, err)
		return f
	}
	first := grant("owner-a")
	require.Positive(t, first)
	assert.Equal(t, first, grant("owner-a"), "the same grant repeated gives its fence again")
	assert.Zero(t, grant("owner-b"), "another owner is refused")
}
