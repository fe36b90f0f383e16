// Package redisstore keeps paykit's fleet-wide state in Redis: one Store is
// a paykit.TokenStore (cached tokens), a paykit.Locker (the lock a replica
// takes to refresh a token for the whole fleet) and a paykit.ReplayStore
// (the record of notification deliveries), shared by every replica that
// points at the same server and prefix.
//
// It uses Redis's own primitives: a lease is SET NX PX (the key ends on its
// own when the lease does) and is ended by a compare-and-delete script, so
// only its owner can end it; fences come from INCR; a token is a hash
// written by a script that compares its version and fence first; a claim is
// SET NX PX, a delivery marked done is SET PX, a release is DEL. Expiry is
// Redis's: the client turns a deadline into a lifetime (PX, in
// milliseconds) at the moment of the call, and the server counts it down on
// its own clock, so replicas whose clocks disagree still agree on who holds
// what.
//
// Pick Redis for what is fast and can be rebuilt: locks, client-credential
// token caches (Fintecture, Finrota: a lost token is fetched again), and
// notification claims. Keep Mercado Pago sellers' refresh tokens, which
// cannot be fetched again (a lost one means the seller must authorise the
// marketplace anew), in the PostgreSQL adapter (package pgstore), or run
// Redis with the append-only file and appendfsync always.
//
// A Redis restart without persistence forgets everything: tokens, leases,
// claims and done records. The Store notices (every call checks a marker
// key the Store saw at its first call) and from then on fails every call
// with an error matching ErrStateLost, rather than reporting an empty token
// store or a free delivery as if nothing had happened; call Recover once
// the fleet has dealt with the loss. Fences keep growing across the loss
// (each is at least the server's clock in microseconds). Configure the
// server with maxmemory-policy noeviction: an evicted key is lost state too.
package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/paykit-go/paykit"
)

// ErrStateLost is matched (errors.Is) by the error every call returns once
// the server no longer holds the state this Store saw: the server restarted
// without persistence, was flushed or evicted keys. Tokens, leases, claims
// and done records may all be gone; nothing is answered from an empty
// server as if it were the truth. Recover makes the Store usable again.
var ErrStateLost = errors.New("redisstore: the Redis server lost its state (restarted without persistence, flushed, or evicted keys); call Recover once the loss is dealt with")

// DefaultPrefix is the prefix of every key a Store writes when not told
// otherwise.
const DefaultPrefix = "paykit:"

// Store is a paykit.TokenStore, paykit.Locker and paykit.ReplayStore on one
// Redis server (or one slot of a cluster: see WithPrefix). It is safe for
// concurrent use; make one per process and share it.
type Store struct {
	rdb    redis.UniversalClient
	prefix string

	mu    sync.Mutex
	epoch string // the marker this Store saw first; "" until its first call
}

// Option configures New.
type Option func(*Store)

// WithPrefix puts every key the Store writes under prefix instead of
// DefaultPrefix, so several applications can share one server. On a Redis
// Cluster make the prefix a hash tag (for example "{paykit}:"): each
// script touches the marker key and the key it works on, and a cluster runs
// a script only when all its keys are in one slot.
func WithPrefix(prefix string) Option {
	return func(s *Store) { s.prefix = prefix }
}

// New returns a Store that keeps its state on rdb. It does not connect:
// the first call does.
func New(rdb redis.UniversalClient, opts ...Option) *Store {
	s := &Store{rdb: rdb, prefix: DefaultPrefix}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	return s
}

var (
	_ paykit.TokenStore  = (*Store)(nil)
	_ paykit.Locker      = (*Store)(nil)
	_ paykit.ReplayStore = (*Store)(nil)
)

func (s *Store) markerKey() string        { return s.prefix + "epoch" }
func (s *Store) tokenKey(k string) string { return s.prefix + "token:" + k }
func (s *Store) lockKey(k string) string  { return s.prefix + "lock:" + k }
func (s *Store) fenceKey(k string) string { return s.prefix + "fence:" + k }
func (s *Store) claimKey(k string) string { return s.prefix + "claim:" + k }

// adoptScript sets the marker when the server has none and returns the
// marker the server holds.
var adoptScript = redis.NewScript(`
redis.call('SET', KEYS[1], ARGV[1], 'NX')
return redis.call('GET', KEYS[1])
`)

// epochOf returns the marker this Store works under, adopting the server's
// (or setting one) at the first call.
func (s *Store) epochOf(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.epoch != "" {
		return s.epoch, nil
	}
	e, err := adoptScript.Run(ctx, s.rdb, []string{s.markerKey()}, randomID()).Text()
	if err != nil {
		return "", fmt.Errorf("redisstore: reading the state marker: %w", err)
	}
	s.epoch = e
	return e, nil
}

// Recover makes a Store that reported ErrStateLost usable again: it adopts
// the server's current marker (setting a new one if there is none). Call
// it once the fleet has dealt with the loss: sellers' refresh tokens that
// were only in Redis are gone, leases are gone (fences still grow), and
// deliveries that were claimed or done will be accepted again.
func (s *Store) Recover(ctx context.Context) error {
	s.mu.Lock()
	s.epoch = ""
	s.mu.Unlock()
	_, err := s.epochOf(ctx)
	return err
}

// lost is what a script answers when the marker is not the Store's.
const lost = "PAYKIT_STATE_LOST"

// markerCheck starts every script: KEYS[1] is the marker, ARGV[1] the
// marker this Store saw.
const markerCheck = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return redis.error_reply('` + lost + `') end
`

// isLost reports whether err is the marker check's error reply (Redis may
// put a code such as ERR in front of it).
func isLost(err error) bool {
	var rerr redis.Error
	return errors.As(err, &rerr) && strings.HasSuffix(rerr.Error(), lost)
}

// run runs script with the marker check's key and argument in front.
func (s *Store) run(ctx context.Context, script *redis.Script, keys []string, args ...any) *redis.Cmd {
	epoch, err := s.epochOf(ctx)
	if err != nil {
		cmd := redis.NewCmd(ctx)
		cmd.SetErr(err)
		return cmd
	}
	return script.Run(ctx, s.rdb, append([]string{s.markerKey()}, keys...), append([]any{epoch}, args...)...)
}

func wrap(op string, err error) error {
	if isLost(err) {
		return fmt.Errorf("redisstore: %s: %w", op, ErrStateLost)
	}
	return fmt.Errorf("redisstore: %s: %w", op, err)
}

// loadScript: KEYS[2] is the token hash.
var loadScript = redis.NewScript(markerCheck + `
return redis.call('HMGET', KEYS[2], 'v', 'f', 'd')
`)

// Load implements paykit.TokenStore with HMGET on the token's hash.
func (s *Store) Load(ctx context.Context, key string) (paykit.StoredToken, error) {
	res, err := s.run(ctx, loadScript, []string{s.tokenKey(key)}).Slice()
	if err != nil {
		return paykit.StoredToken{}, wrap("loading a token", err)
	}
	if len(res) != 3 || res[0] == nil {
		return paykit.StoredToken{}, nil
	}
	v, errV := toInt(res[0])
	f, errF := toInt(res[1])
	d, okD := res[2].(string)
	if errV != nil || errF != nil || !okD {
		return paykit.StoredToken{}, errors.New("redisstore: loading a token: the stored hash is malformed")
	}
	return paykit.StoredToken{Data: []byte(d), Version: v, Fence: f}, nil
}

// casScript: KEYS[2] is the token hash; ARGV[2] the old version, ARGV[3]
// the data, ARGV[4] the fence. It answers {1, new version} or {0, current
// version}. Numbers are written as the strings they came in as (or with
// %d): Lua would print a fence of sixteen digits in exponent form.
var casScript = redis.NewScript(markerCheck + `
local cur = redis.call('HMGET', KEYS[2], 'v', 'f')
local v = tonumber(cur[1]) or 0
local f = tonumber(cur[2]) or 0
local fence = tonumber(ARGV[4])
if v ~= tonumber(ARGV[2]) or f > fence then
  return {0, v}
end
v = v + 1
redis.call('HSET', KEYS[2], 'v', string.format('%d', v), 'f', ARGV[4], 'd', ARGV[3])
return {1, v}
`)

// CompareAndSwap implements paykit.TokenStore with a script that compares
// the stored version and fence and writes the token's hash in one step.
func (s *Store) CompareAndSwap(ctx context.Context, key string, old int64, data []byte, fence int64) (int64, bool, error) {
	res, err := s.run(ctx, casScript, []string{s.tokenKey(key)}, old, data, fence).Int64Slice()
	if err != nil {
		return 0, false, wrap("storing a token", err)
	}
	if len(res) != 2 {
		return 0, false, errors.New("redisstore: storing a token: unexpected answer from the script")
	}
	return res[1], res[0] == 1, nil
}

// lockScript: KEYS[2] is the lock, KEYS[3] its fence counter; ARGV[2] the
// owner, ARGV[3] the lifetime in milliseconds. It answers the fence, or 0
// when the lock is held. A fence is INCR's answer, raised to the server's
// clock in microseconds when that is higher, so fences keep growing after
// the counter itself was lost.
//
// The client library repeats a command whose answer was lost on a broken
// connection; a grant already made to this owner by the first attempt is
// answered again (its fence) rather than refused.
var lockScript = redis.NewScript(markerCheck + `
if not redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PX', ARGV[3]) then
  if redis.call('GET', KEYS[2]) == ARGV[2] then
    return tonumber(redis.call('GET', KEYS[3]))
  end
  return 0
end
local t = redis.call('TIME')
local floor = tonumber(t[1]) * 1000000 + tonumber(t[2])
local f = redis.call('INCR', KEYS[3])
if f < floor then
  redis.call('SET', KEYS[3], string.format('%d', floor))
  f = floor
end
return f
`)

// TryLock implements paykit.Locker with SET NX PX; the fence comes from
// INCR. The lease's Until is this process's clock before the call plus
// ttl: the server's key lives at least that long.
func (s *Store) TryLock(ctx context.Context, key string, ttl time.Duration) (paykit.Lease, bool, error) {
	ms := ttl.Milliseconds()
	if ms < 1 {
		return paykit.Lease{}, false, fmt.Errorf("redisstore: locking %q: the lease's ttl must be at least 1ms, got %s", key, ttl)
	}
	owner := randomID()
	start := time.Now()
	fence, err := s.run(ctx, lockScript, []string{s.lockKey(key), s.fenceKey(key)}, owner, ms).Int64()
	if err != nil {
		// The SET may have happened with its answer lost: the lease then
		// runs out on its own.
		return paykit.Lease{}, false, wrap("locking", err)
	}
	if fence == 0 {
		return paykit.Lease{}, false, nil
	}
	return paykit.Lease{Key: key, Owner: owner, Fence: fence, Until: start.Add(time.Duration(ms) * time.Millisecond)}, true, nil
}

// unlockScript deletes the lock only while it is still lease's grant.
var unlockScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`)

// Unlock implements paykit.Locker with a compare-and-delete script.
func (s *Store) Unlock(ctx context.Context, lease paykit.Lease) error {
	if lease.Owner == "" {
		return nil
	}
	if err := unlockScript.Run(ctx, s.rdb, []string{s.lockKey(lease.Key)}, lease.Owner).Err(); err != nil {
		return wrap("unlocking", err)
	}
	return nil
}

// claimScript: KEYS[2] is the claim; ARGV[2] its lifetime in milliseconds,
// ARGV[3] a random id of this claim. The client library repeats a command
// whose answer was lost on a broken connection: a claim the first attempt
// made is recognised by its id and answered 1 again, rather than 0 (which
// would acknowledge the delivery as a replay and never act on it).
var claimScript = redis.NewScript(markerCheck + `
if redis.call('SET', KEYS[2], ARGV[3], 'NX', 'PX', ARGV[2]) then return 1 end
if redis.call('GET', KEYS[2]) == ARGV[3] then return 1 end
return 0
`)

// Claim implements paykit.ReplayStore with SET NX PX. A claim whose until
// has already passed reports true and records nothing, as
// paykit.MemoryReplayStore does.
func (s *Store) Claim(ctx context.Context, key string, until time.Time) (bool, error) {
	ms := time.Until(until).Milliseconds()
	if ms < 1 {
		if _, err := s.epochOf(ctx); err != nil {
			return false, err
		}
		return true, nil
	}
	n, err := s.run(ctx, claimScript, []string{s.claimKey(key)}, ms, randomID()).Int64()
	if err != nil {
		return false, wrap("claiming a delivery", err)
	}
	return n == 1, nil
}

// doneScript: KEYS[2] is the claim; ARGV[2] its lifetime in milliseconds,
// or 0 to forget it.
var doneScript = redis.NewScript(markerCheck + `
if ARGV[2] == '0' then
  redis.call('DEL', KEYS[2])
else
  redis.call('SET', KEYS[2], 'done', 'PX', ARGV[2])
end
return 1
`)

// Done implements paykit.ReplayStore with SET PX; an until that has
// already passed forgets key.
func (s *Store) Done(ctx context.Context, key string, until time.Time) error {
	ms := time.Until(until).Milliseconds()
	if ms < 0 {
		ms = 0
	}
	if err := s.run(ctx, doneScript, []string{s.claimKey(key)}, ms).Err(); err != nil {
		return wrap("marking a delivery done", err)
	}
	return nil
}

// Release implements paykit.ReplayStore with DEL.
func (s *Store) Release(ctx context.Context, key string) error {
	if err := s.rdb.Del(ctx, s.claimKey(key)).Err(); err != nil {
		return wrap("releasing a delivery", err)
	}
	return nil
}

func toInt(v any) (int64, error) {
	switch x := v.(type) {
	case int64:
		return x, nil
	case string:
		var n int64
		_, err := fmt.Sscan(x, &n)
		return n, err
	}
	return 0, fmt.Errorf("unexpected %T", v)
}

func randomID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}
