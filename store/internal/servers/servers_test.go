package servers

import (
	"context"
	"testing"
)

func TestRedisStartsAndRestarts(t *testing.T) {
	r := StartRedis(t, RedisOptions{})
	ctx := context.Background()
	if err := redisPing(ctx, r.Addr); err != nil {
		t.Fatalf("ping: %v", err)
	}
	r.Stop()
	if err := redisPing(ctx, r.Addr); err == nil {
		t.Fatal("a stopped server answered")
	}
	r.Start()
	if err := redisPing(ctx, r.Addr); err != nil {
		t.Fatalf("ping after restart: %v", err)
	}
}

func TestPostgresStarts(t *testing.T) {
	pg := StartPostgres(t)
	if err := pgReady(context.Background(), pgBin(t, "pg_isready"), pg.Port); err != nil {
		t.Fatal(err)
	}
}
