// Package fleet simulates a merchant's backend running as many replicas
// against paykit's simulators, sharing the in-memory defaults (that is,
// nothing), Redis or PostgreSQL: the test in this package asserts the
// targets and the program store/cmd/fleet prints the table in BENCHMARKS.md.
//
// A replica is one process's worth of paykit: its own Mercado Pago,
// Fintecture and Finrota clients, its own seller token sources, its own
// webhook verifier behind an HTTP server, and its own connection to the
// shared store. Most replicas run in the simulation's process; a few are
// real OS processes (the program re-executed with ChildEnv set), driven by
// JSON lines on stdin and stdout, and one of them is killed with SIGKILL
// while it holds a seller's refresh lock.
package fleet

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/finrota"
	"github.com/paykit-go/paykit/fintecture"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/store/pgstore"
	"github.com/paykit-go/paykit/store/redisstore"
)

// Store kinds.
const (
	Memory   = "memory"
	Redis    = "redis"
	Postgres = "postgres"
)

// Seller is one connected seller's first pair, as the merchant stored it
// when the seller authorised the marketplace.
type Seller struct {
	ID      int64     `json:"id"`
	Access  string    `json:"access"`
	Refresh string    `json:"refresh"`
	Expiry  time.Time `json:"expiry"`
}

// Config is everything a replica needs; it travels to the OS-process
// replicas as JSON (test credentials of the simulators only).
type Config struct {
	Store       string `json:"store"`
	RedisAddr   string `json:"redis_addr,omitempty"`
	PostgresURL string `json:"postgres_url,omitempty"`

	MPURL          string   `json:"mp_url"`
	MPAccessToken  string   `json:"mp_access_token"`
	MPClientID     string   `json:"mp_client_id"`
	MPClientSecret string   `json:"mp_client_secret"`
	MPRedirect     string   `json:"mp_redirect"`
	Sellers        []Seller `json:"sellers"`
	WebhookSecret  string   `json:"webhook_secret"`

	FintectureURL    string `json:"fintecture_url"`
	FintectureID     string `json:"fintecture_id"`
	FintectureSecret string `json:"fintecture_secret"`
	FintectureKey    []byte `json:"fintecture_key"`

	FinrotaURL    string `json:"finrota_url"`
	FinrotaKey    string `json:"finrota_key"`
	FinrotaSecret string `json:"finrota_secret"`

	LeaseTTL time.Duration `json:"lease_ttl"`
	// Victim makes the replica stop dead before sending its first
	// refresh (after taking the seller's lock), report "holding" and wait
	// to be killed.
	Victim bool `json:"victim,omitempty"`
}

// Command is one instruction to a replica. Offset is how far the
// simulation's clock runs ahead of the real one.
type Command struct {
	Op      string        `json:"op"` // "sellers", "cc", "report", "close"
	Offset  time.Duration `json:"offset"`
	Sellers []int         `json:"sellers,omitempty"`
}

// Result is a replica's answer.
type Result struct {
	OK           int              `json:"ok"`
	InvalidGrant int              `json:"invalid_grant"`
	Failed       int              `json:"failed"`
	FailedSeller []int            `json:"failed_sellers,omitempty"` // any failure
	GrantLost    []int            `json:"grant_lost,omitempty"`     // refused with invalid_grant
	Errors       []string         `json:"errors,omitempty"`
	Actions      map[string]int   `json:"actions,omitempty"`
	LockWaits    []time.Duration  `json:"lock_waits,omitempty"`
	Holding      bool             `json:"holding,omitempty"`
	URL          string           `json:"url,omitempty"`
	Err          string           `json:"err,omitempty"`
	Extra        map[string]int64 `json:"extra,omitempty"`
}

// Clock is the simulation's clock: the real time plus an offset that only
// grows, so lifetimes the stores count on the real clock (Redis PX,
// PostgreSQL now()) are never in the past.
type Clock struct {
	mu     sync.Mutex
	offset time.Duration
}

// Now is the simulation's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

// SetOffset moves the clock to run d ahead of the real one.
func (c *Clock) SetOffset(d time.Duration) {
	c.mu.Lock()
	c.offset = d
	c.mu.Unlock()
}

// timedLocker measures how long a replica waits for each lock: from its
// first refused TryLock of a key to the grant.
//
// It also moves each lease's Until onto the simulation's clock: the stores
// count leases on the real clock, and the SDK compares Until with the
// client's clock (WithClock), which here runs ahead.
type timedLocker struct {
	paykit.Locker
	clock   *Clock
	mu      sync.Mutex
	waiting map[string]time.Time
	waits   []time.Duration
}

func (l *timedLocker) TryLock(ctx context.Context, key string, ttl time.Duration) (paykit.Lease, bool, error) {
	lease, ok, err := l.Locker.TryLock(ctx, key, ttl)
	now := time.Now()
	if ok {
		lease.Until = lease.Until.Add(l.clock.Now().Sub(now))
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case err != nil:
	case ok:
		if since, was := l.waiting[key]; was {
			l.waits = append(l.waits, now.Sub(since))
			delete(l.waiting, key)
		} else {
			l.waits = append(l.waits, 0)
		}
	default:
		if _, was := l.waiting[key]; !was {
			l.waiting[key] = now
		}
	}
	return lease, ok, err
}

// Replica is one replica's paykit.
type Replica struct {
	cfg     Config
	clock   *Clock
	tokens  paykit.TokenStore
	locker  *timedLocker
	replay  paykit.ReplayStore
	mp      *mercadopago.Client
	sources []*mercadopago.SellerTokenSource
	fin     *fintecture.Client
	fr      *finrota.Client
	srv     *http.Server
	url     string
	closers []func()

	mu      sync.Mutex
	actions map[string]int
}

// holdingHook, when set, is called by a victim replica once it holds a
// seller's lock and is about to send the refresh; it never returns.
type blockingTransport struct {
	base    http.RoundTripper
	holding func()
}

func (b *blockingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodPost && r.URL.Path == "/oauth/token" {
		b.holding()
		select {} // killed here, before the refresh reaches the provider
	}
	return b.base.RoundTrip(r)
}

// NewReplica builds a replica from cfg, reading the simulation's time from
// clock; holding is called by a victim replica (cfg.Victim) when it stops.
func NewReplica(cfg Config, clock *Clock, holding func()) (*Replica, error) {
	r := &Replica{cfg: cfg, clock: clock, actions: map[string]int{}}
	switch cfg.Store {
	case Memory:
		r.tokens = paykit.NewMemoryTokenStore()
		r.locker = &timedLocker{Locker: paykit.NewMemoryLocker(), waiting: map[string]time.Time{}, clock: clock}
		r.replay = paykit.NewMemoryReplayStore(0)
	case Redis:
		rdb := redis.NewClient(&redis.Options{Addr: cfg.RedisAddr, PoolSize: 4, MinIdleConns: 0})
		r.closers = append(r.closers, func() { _ = rdb.Close() })
		s := redisstore.New(rdb)
		r.tokens, r.replay = s, s
		r.locker = &timedLocker{Locker: s, waiting: map[string]time.Time{}, clock: clock}
	case Postgres:
		pc, err := pgxpool.ParseConfig(cfg.PostgresURL)
		if err != nil {
			return nil, err
		}
		pc.MaxConns = 2
		pool, err := pgxpool.NewWithConfig(context.Background(), pc)
		if err != nil {
			return nil, err
		}
		r.closers = append(r.closers, pool.Close)
		s, err := pgstore.New(pool)
		if err != nil {
			return nil, err
		}
		r.tokens, r.replay = s, s
		r.locker = &timedLocker{Locker: s, waiting: map[string]time.Time{}, clock: clock}
	default:
		return nil, fmt.Errorf("fleet: unknown store %q", cfg.Store)
	}

	hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	if cfg.Victim {
		hc.Transport = &blockingTransport{base: hc.Transport, holding: holding}
	}
	var err error
	r.mp, err = mercadopago.NewClient(mercadopago.Credentials{AccessToken: cfg.MPAccessToken},
		mercadopago.WithBaseURL(cfg.MPURL), mercadopago.WithHTTPClient(hc), mercadopago.WithClock(clock.Now),
		mercadopago.WithRetryBackoff(time.Millisecond, 5*time.Millisecond))
	if err != nil {
		return nil, err
	}
	app := &mercadopago.OAuthApp{ClientID: cfg.MPClientID, ClientSecret: cfg.MPClientSecret, RedirectURI: cfg.MPRedirect,
		AuthorizationURL: cfg.MPURL + "/authorization"}
	for _, s := range cfg.Sellers {
		tok := &mercadopago.OAuthToken{AccessToken: s.Access, RefreshToken: s.Refresh, Expiry: s.Expiry, UserID: s.ID, TokenType: "Bearer"}
		src, err := r.mp.OAuth.TokenSource(app, tok, nil, mercadopago.WithSellerStore(mercadopago.SellerStore{
			Tokens: r.tokens, Locker: r.locker, Key: fmt.Sprintf("mercadopago:seller:%d", s.ID), LeaseTTL: cfg.LeaseTTL}))
		if err != nil {
			return nil, err
		}
		r.sources = append(r.sources, src)
	}

	r.fin, err = fintecture.NewClient(fintecture.Credentials{AppID: cfg.FintectureID, AppSecret: cfg.FintectureSecret, PrivateKey: cfg.FintectureKey},
		fintecture.WithBaseURL(cfg.FintectureURL), fintecture.WithClock(clock.Now), fintecture.WithMaxRetries(0),
		fintecture.WithTokenStore(r.tokens, "fintecture:app"), fintecture.WithTokenLocker(r.locker))
	if err != nil {
		return nil, err
	}
	r.fr, err = finrota.NewClient(finrota.Credentials{APIKey: cfg.FinrotaKey, SecretKey: cfg.FinrotaSecret},
		finrota.WithBaseURL(cfg.FinrotaURL), finrota.WithClock(clock.Now), finrota.WithMaxRetries(0),
		finrota.WithTokenStore(r.tokens, "finrota:app"), finrota.WithTokenLocker(r.locker))
	if err != nil {
		return nil, err
	}

	v, err := mercadopago.NewWebhookVerifier(cfg.WebhookSecret, mercadopago.WithReplayStore(r.replay),
		mercadopago.WithWebhookClock(clock.Now))
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r.url = "http://" + l.Addr().String() + "/notifications"
	mux := http.NewServeMux()
	mux.Handle("/notifications", v.Handler(func(_ context.Context, n *mercadopago.Notification) error {
		r.mu.Lock()
		r.actions[n.DataID]++ // the merchant's action: ship the order, once
		r.mu.Unlock()
		return nil
	}))
	r.srv = &http.Server{Handler: mux, ReadHeaderTimeout: time.Minute}
	go func() { _ = r.srv.Serve(l) }()
	return r, nil
}

// URL is where the replica takes notifications.
func (r *Replica) URL() string { return r.url }

// Close stops the replica's server and closes its store connections.
func (r *Replica) Close() {
	_ = r.srv.Close()
	for _, c := range r.closers {
		c()
	}
}

// Do runs one command.
func (r *Replica) Do(ctx context.Context, cmd Command) Result {
	r.clock.SetOffset(cmd.Offset)
	var res Result
	switch cmd.Op {
	case "sellers":
		var mu sync.Mutex
		var wg sync.WaitGroup
		for _, i := range cmd.Sellers {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				_, err := r.mp.Users.Me(ctx, mercadopago.WithSeller(r.sources[i]))
				mu.Lock()
				defer mu.Unlock()
				var apiErr *mercadopago.Error
				switch {
				case err == nil:
					res.OK++
				case errors.As(err, &apiErr) && apiErr.Code == "invalid_grant":
					res.InvalidGrant++
					res.FailedSeller = append(res.FailedSeller, i)
					res.GrantLost = append(res.GrantLost, i)
				default:
					res.Failed++
					res.FailedSeller = append(res.FailedSeller, i)
					if len(res.Errors) < 3 {
						res.Errors = append(res.Errors, err.Error())
					}
				}
			}(i)
		}
		wg.Wait()
	case "cc":
		// Calls that need the application's client-credentials token; the
		// ids do not exist, so a 404 is the answer that proves the token.
		for _, err := range []error{
			func() error { _, err := r.fin.PIS.GetPayment(ctx, "fleet-none"); return err }(),
			func() error {
				_, err := r.fr.Transactions.Get(ctx, finrota.ByTransactionID("fleet-none"))
				return err
			}(),
		} {
			var fe *fintecture.Error
			var re *finrota.Error
			switch {
			case err == nil:
				res.OK++
			case errors.As(err, &fe) && fe.StatusCode == http.StatusNotFound,
				errors.As(err, &re) && re.StatusCode == http.StatusNotFound:
				res.OK++
			default:
				res.Failed++
				if len(res.Errors) < 3 {
					res.Errors = append(res.Errors, err.Error())
				}
			}
		}
	case "report":
		r.mu.Lock()
		res.Actions = make(map[string]int, len(r.actions))
		for k, v := range r.actions {
			res.Actions[k] = v
		}
		r.mu.Unlock()
		r.locker.mu.Lock()
		res.LockWaits = append([]time.Duration(nil), r.locker.waits...)
		r.locker.mu.Unlock()
	default:
		res.Err = fmt.Sprintf("unknown op %q", cmd.Op)
	}
	sort.Ints(res.FailedSeller)
	return res
}
