// Package pgstore keeps paykit's fleet-wide state in PostgreSQL: one Store
// is a paykit.TokenStore (tokens, durably), a paykit.Locker (the lock a
// replica takes to refresh a token for the whole fleet) and a
// paykit.ReplayStore (the record of notification deliveries), shared by
// every replica that uses the same database.
//
// Pick PostgreSQL for what must not be lost: Mercado Pago sellers' refresh
// tokens are single-use and cannot be fetched again, so a committed write
// here survives a crash or restart of the server (with the server's default
// fsync and synchronous_commit). It is slower than Redis (package
// redisstore), which suits locks, client-credential caches and claims; one
// Store can serve all three, or the tokens can live here and the rest in
// Redis.
//
// The state is three tables and a sequence, created by Migrate (or by the
// SQL in Schema):
//
//   - tokens: a compare-and-swap is INSERT … ON CONFLICT DO NOTHING (the
//     first write) or UPDATE … WHERE version = $old AND fence <= $fence;
//   - locks: one row per lock with its owner, fence and lease end; TryLock
//     is one INSERT … ON CONFLICT … DO UPDATE … WHERE until < now(), which
//     takes the row lock (as SELECT … FOR UPDATE would) and re-checks the
//     lease on the newest row, so of concurrent callers exactly one is
//     granted; Unlock deletes the row only while its owner is the lease's;
//   - fences come from a sequence, so they grow across every key, every
//     replica and every restart;
//   - claims: INSERT … ON CONFLICT … DO UPDATE … WHERE until < now().
//
// Time is the server's: a lease or claim lifetime is turned into an
// interval at the moment of the call and added to the server's now(), and
// expiry is compared with the server's now(), so replicas whose clocks
// disagree still agree on who holds what.
package pgstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/paykit-go/paykit"
)

// DB is what a Store needs of a database handle: *pgxpool.Pool, *pgx.Conn
// and pgx.Tx all have these methods. Share a pool among a process's
// goroutines; a *pgx.Conn is not safe for concurrent use.
type DB interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// DefaultTablePrefix starts the name of every table and sequence a Store
// uses when not told otherwise.
const DefaultTablePrefix = "paykit_"

// Store is a paykit.TokenStore, paykit.Locker and paykit.ReplayStore on
// one PostgreSQL database. It is safe for concurrent use when its DB is.
type Store struct {
	db DB
	q  queries
}

// Option configures New.
type Option func(*config) error

type config struct{ prefix string }

var prefixRule = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,39}$`)

// WithTablePrefix names the tables prefix+"tokens", prefix+"locks",
// prefix+"claims" and the sequence prefix+"fences" instead of using
// DefaultTablePrefix. The prefix is lower-case letters, digits and
// underscores, starting with a letter or underscore, at most 40 long; it
// may not name a schema (set search_path for that).
func WithTablePrefix(prefix string) Option {
	return func(c *config) error {
		if !prefixRule.MatchString(prefix) {
			return fmt.Errorf("pgstore: WithTablePrefix: %q is not lower-case letters, digits and underscores starting with a letter or underscore (at most 40)", prefix)
		}
		c.prefix = prefix
		return nil
	}
}

// New returns a Store on db. It does not touch the database: call Migrate
// (or run Schema's SQL) once before the first use.
func New(db DB, opts ...Option) (*Store, error) {
	if db == nil {
		return nil, errors.New("pgstore: New: db is nil")
	}
	c := config{prefix: DefaultTablePrefix}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&c); err != nil {
			return nil, err
		}
	}
	return &Store{db: db, q: newQueries(c.prefix)}, nil
}

var (
	_ paykit.TokenStore  = (*Store)(nil)
	_ paykit.Locker      = (*Store)(nil)
	_ paykit.ReplayStore = (*Store)(nil)
)

type queries struct {
	schema, load, insert, update, current, lock, unlock, claim, done, release, prune string
}

func newQueries(p string) queries {
	r := strings.NewReplacer("{p}", p)
	return queries{
		schema: r.Replace(`
CREATE TABLE IF NOT EXISTS {p}tokens (
	key        text PRIMARY KEY,
	data       bytea NOT NULL,
	version    bigint NOT NULL,
	fence      bigint NOT NULL,
	updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS {p}locks (
	key   text PRIMARY KEY,
	owner text NOT NULL,
	fence bigint NOT NULL,
	until timestamptz NOT NULL
);
CREATE SEQUENCE IF NOT EXISTS {p}fences;
CREATE TABLE IF NOT EXISTS {p}claims (
	key   text PRIMARY KEY,
	until timestamptz NOT NULL
);`),
		load:   r.Replace(`SELECT data, version, fence FROM {p}tokens WHERE key = $1`),
		insert: r.Replace(`INSERT INTO {p}tokens (key, data, version, fence) VALUES ($1, $2, 1, $3) ON CONFLICT (key) DO NOTHING RETURNING version`),
		update: r.Replace(`UPDATE {p}tokens SET data = $3, version = version + 1, fence = $4, updated_at = now()
WHERE key = $1 AND version = $2 AND fence <= $4 RETURNING version`),
		current: r.Replace(`SELECT coalesce((SELECT version FROM {p}tokens WHERE key = $1), 0)`),
		lock: r.Replace(`INSERT INTO {p}locks AS l (key, owner, fence, until)
VALUES ($1, $2, nextval('{p}fences'), now() + $3 * interval '1 microsecond')
ON CONFLICT (key) DO UPDATE SET owner = excluded.owner, fence = excluded.fence, until = excluded.until
WHERE l.until < now()
RETURNING fence`),
		unlock: r.Replace(`DELETE FROM {p}locks WHERE key = $1 AND owner = $2`),
		claim: r.Replace(`INSERT INTO {p}claims AS c (key, until) VALUES ($1, now() + $2 * interval '1 microsecond')
ON CONFLICT (key) DO UPDATE SET until = excluded.until WHERE c.until < now()
RETURNING true`),
		done: r.Replace(`INSERT INTO {p}claims (key, until) VALUES ($1, now() + $2 * interval '1 microsecond')
ON CONFLICT (key) DO UPDATE SET until = excluded.until`),
		release: r.Replace(`DELETE FROM {p}claims WHERE key = $1`),
		prune: r.Replace(`WITH c AS (DELETE FROM {p}claims WHERE until < now() RETURNING 1),
l AS (DELETE FROM {p}locks WHERE until < now() RETURNING 1)
SELECT (SELECT count(*) FROM c) + (SELECT count(*) FROM l)`),
	}
}

// Schema returns the SQL Migrate runs (tables and a sequence, each created
// only if missing), for a merchant who applies migrations with a tool of
// its own.
func (s *Store) Schema() string { return s.q.schema }

// Migrate creates the Store's tables and sequence if they are missing. It
// is safe to run on every start, from every replica.
func (s *Store) Migrate(ctx context.Context) error {
	// Concurrent CREATE … IF NOT EXISTS can still collide in the
	// catalogue; a transaction-scoped advisory lock serialises them.
	tx, ok := s.db.(interface {
		Begin(context.Context) (pgx.Tx, error)
	})
	if !ok {
		if _, err := s.db.Exec(ctx, s.q.schema); err != nil {
			return fmt.Errorf("pgstore: migrating: %w", err)
		}
		return nil
	}
	t, err := tx.Begin(ctx)
	if err != nil {
		return fmt.Errorf("pgstore: migrating: %w", err)
	}
	defer func() { _ = t.Rollback(ctx) }()
	if _, err := t.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('paykit pgstore migrate'))`); err != nil {
		return fmt.Errorf("pgstore: migrating: %w", err)
	}
	if _, err := t.Exec(ctx, s.q.schema); err != nil {
		return fmt.Errorf("pgstore: migrating: %w", err)
	}
	if err := t.Commit(ctx); err != nil {
		return fmt.Errorf("pgstore: migrating: %w", err)
	}
	return nil
}

// Load implements paykit.TokenStore.
func (s *Store) Load(ctx context.Context, key string) (paykit.StoredToken, error) {
	var tok paykit.StoredToken
	err := s.db.QueryRow(ctx, s.q.load, key).Scan(&tok.Data, &tok.Version, &tok.Fence)
	if errors.Is(err, pgx.ErrNoRows) {
		return paykit.StoredToken{}, nil
	}
	if err != nil {
		return paykit.StoredToken{}, fmt.Errorf("pgstore: loading a token: %w", err)
	}
	if tok.Data == nil {
		tok.Data = []byte{}
	}
	return tok, nil
}

// CompareAndSwap implements paykit.TokenStore: the first write is INSERT …
// ON CONFLICT DO NOTHING, later ones UPDATE … WHERE version = old AND
// fence <= fence. When neither wrote, it reads the current version.
func (s *Store) CompareAndSwap(ctx context.Context, key string, old int64, data []byte, fence int64) (int64, bool, error) {
	if data == nil {
		data = []byte{}
	}
	var v int64
	var err error
	if old == 0 {
		err = s.db.QueryRow(ctx, s.q.insert, key, data, fence).Scan(&v)
	} else {
		err = s.db.QueryRow(ctx, s.q.update, key, old, data, fence).Scan(&v)
	}
	if err == nil {
		return v, true, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		// The write may have been committed with its answer lost; a caller
		// that reloads sees which.
		return 0, false, fmt.Errorf("pgstore: storing a token: %w", err)
	}
	if err := s.db.QueryRow(ctx, s.q.current, key).Scan(&v); err != nil {
		return 0, false, fmt.Errorf("pgstore: storing a token: reading the current version: %w", err)
	}
	return v, false, nil
}

// TryLock implements paykit.Locker with one upsert on the lock's row that
// writes only when the row's lease has ended; the fence is the sequence's
// next value. The lease's Until is this process's clock before the call
// plus ttl: the row's lease, counted on the server, ends no earlier.
func (s *Store) TryLock(ctx context.Context, key string, ttl time.Duration) (paykit.Lease, bool, error) {
	if ttl < time.Millisecond {
		return paykit.Lease{}, false, fmt.Errorf("pgstore: locking %q: the lease's ttl must be at least 1ms, got %s", key, ttl)
	}
	owner := randomID()
	start := time.Now()
	var fence int64
	err := s.db.QueryRow(ctx, s.q.lock, key, owner, ttl.Microseconds()).Scan(&fence)
	if errors.Is(err, pgx.ErrNoRows) {
		return paykit.Lease{}, false, nil
	}
	if err != nil {
		return paykit.Lease{}, false, fmt.Errorf("pgstore: locking: %w", err)
	}
	return paykit.Lease{Key: key, Owner: owner, Fence: fence, Until: start.Add(ttl)}, true, nil
}

// Unlock implements paykit.Locker: it deletes the lock's row only while
// the row is still lease's grant.
func (s *Store) Unlock(ctx context.Context, lease paykit.Lease) error {
	if lease.Owner == "" {
		return nil
	}
	if _, err := s.db.Exec(ctx, s.q.unlock, lease.Key, lease.Owner); err != nil {
		return fmt.Errorf("pgstore: unlocking: %w", err)
	}
	return nil
}

// Claim implements paykit.ReplayStore with INSERT … ON CONFLICT … DO
// UPDATE … WHERE until < now(): a row whose until passed is taken over.
func (s *Store) Claim(ctx context.Context, key string, until time.Time) (bool, error) {
	var ok bool
	err := s.db.QueryRow(ctx, s.q.claim, key, time.Until(until).Microseconds()).Scan(&ok)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("pgstore: claiming a delivery: %w", err)
	}
	return ok, nil
}

// Done implements paykit.ReplayStore with an upsert of the delivery's row.
func (s *Store) Done(ctx context.Context, key string, until time.Time) error {
	if _, err := s.db.Exec(ctx, s.q.done, key, time.Until(until).Microseconds()); err != nil {
		return fmt.Errorf("pgstore: marking a delivery done: %w", err)
	}
	return nil
}

// Release implements paykit.ReplayStore with DELETE.
func (s *Store) Release(ctx context.Context, key string) error {
	if _, err := s.db.Exec(ctx, s.q.release, key); err != nil {
		return fmt.Errorf("pgstore: releasing a delivery: %w", err)
	}
	return nil
}

// Prune deletes the claims and locks whose time has passed and reports how
// many rows it deleted. Expired rows are harmless (they are taken over in
// place) but take space: run it now and then, from any one replica.
func (s *Store) Prune(ctx context.Context) (int64, error) {
	var n int64
	if err := s.db.QueryRow(ctx, s.q.prune).Scan(&n); err != nil {
		return 0, fmt.Errorf("pgstore: pruning: %w", err)
	}
	return n, nil
}

func randomID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}
