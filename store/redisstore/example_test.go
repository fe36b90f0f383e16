package redisstore_test

import (
	"context"
	"log"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/store/redisstore"
)

// One Store per process, on the fleet's Redis: its lock serialises a
// refresh across replicas, and the lease's fence guards the write.
func Example() {
	ctx := context.Background()
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
	defer rdb.Close()
	store := redisstore.New(rdb, redisstore.WithPrefix("shop:"))

	lease, err := paykit.Lock(ctx, store, "fintecture:app-token", 30*time.Second)
	if err != nil {
		log.Fatal(err) // the lock could not be taken: do not fetch outside it
	}
	defer store.Unlock(ctx, lease)
	cur, err := store.Load(ctx, "fintecture:app-token")
	if err != nil {
		log.Fatal(err)
	}
	// ... fetch a new token when cur is due, then:
	if _, ok, err := store.CompareAndSwap(ctx, "fintecture:app-token", cur.Version, []byte("sealed token"), lease.Fence); err != nil || !ok {
		log.Fatal("another replica stored first, or the store failed: ", err)
	}
}
