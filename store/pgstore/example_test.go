package pgstore_test

import (
	"context"
	"log"
	"os"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/paykit-go/paykit/store/pgstore"
)

// One pool and one Store per process; Migrate at start is safe from every
// replica. The Store then serves as the fleet's TokenStore (durable: the
// place for Mercado Pago sellers' refresh tokens), Locker and ReplayStore.
func Example() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()
	store, err := pgstore.New(pool)
	if err != nil {
		log.Fatal(err)
	}
	if err := store.Migrate(ctx); err != nil {
		log.Fatal(err)
	}
	tok, err := store.Load(ctx, "mercadopago:seller:123456")
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("seller pair at version %d", tok.Version) // never log tok.Data: it holds secrets
}
