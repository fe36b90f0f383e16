package fleet

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/paykit-go/paykit/finrota/finrotatest"
	"github.com/paykit-go/paykit/fintecture/fintecturetest"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
	"github.com/paykit-go/paykit/store/internal/servers"
	"github.com/paykit-go/paykit/store/pgstore"
)

// Options shape one run of the simulation.
type Options struct {
	Store         string // Memory, Redis or Postgres
	Replicas      int    // in all, OS processes included
	Procs         int    // how many replicas are OS processes (one of them the victim); at least 1
	Sellers       int
	PerRound      int // sellers each replica calls in a round
	Notifications int
	Deliveries    int           // deliveries of each notification to random replicas, at once
	LeaseTTL      time.Duration // the seller refresh lock's lease
	ProcArgs      []string      // arguments for the re-executed program
	Seed          uint64
	Logf          func(format string, args ...any)
}

// Report is what a run measured.
type Report struct {
	Store string
	// Expiries is how many times every seller's token expired together.
	Expiries int
	// SellerTokenCalls counts refresh_token grants the simulator received
	// (answered, or refused with invalid_grant) over those expiries.
	SellerTokenCalls int
	InvalidGrants    int
	// SellersLost counts sellers for whom some replica's refresh was
	// refused (invalid_grant: the pair it had was spent), or for whom the
	// new replica started after the last round (the merchant's first pair
	// in hand, the fleet settled) could not make a call.
	SellersLost int
	// CCExpiries is how many times the client-credential tokens expired
	// (the cold start included); CCTokenCalls counts Fintecture's and
	// Finrota's token endpoint calls.
	CCExpiries   int
	FintectureCC int
	FinrotaCC    int
	// Notifications acted upon more than once, and not at all.
	DoubleActions, Unacted int
	// Deliveries answered 5xx and retried (the store was away), and
	// deliveries refused with a 4xx (none expected: all are signed right).
	Retried, Refused int
	// Lock waits of the seller refreshes, over every replica.
	LockWaitP50, LockWaitP99 time.Duration
	// Recovery is the time from the SIGKILL of the replica holding a
	// seller's lock, mid-refresh, to another replica's fresh token for
	// that seller; negative when that replica never gets one (its pair
	// was spent by another replica).
	Recovery time.Duration
	// CallErrors counts calls that failed for a while without losing
	// anything: a lock not granted in time while the killed holder's
	// lease ran, the store away during its restart.
	CallErrors int
	Notes      []string

	sellers int
}

// replica is a replica as the run sees it.
type replica interface {
	Do(context.Context, Command) Result
	URL() string
}

// Run runs the simulation once. t starts the servers (and stops them when
// it ends).
func Run(t servers.T, o Options) (*Report, error) {
	logf := o.Logf
	if logf == nil {
		logf = func(string, ...any) {}
	}
	rng := rand.New(rand.NewPCG(o.Seed, 42))
	ctx := context.Background()
	rep := &Report{Store: o.Store, sellers: o.Sellers}
	clock := &Clock{}
	const ttl = 10 * time.Minute // every token's lifetime; a round advances the clock by it

	// The providers.
	mp := mercadopagotest.NewServer(
		mercadopagotest.WithOAuthApp(mercadopagotest.DefaultClientID, mercadopagotest.DefaultClientSecret, "https://shop.example/mp"),
		mercadopagotest.WithSellerTokenTTL(ttl))
	t.Cleanup(mp.Close)
	fin := fintecturetest.NewServer(fintecturetest.WithTokenTTL(ttl), fintecturetest.WithClock(clock.Now))
	t.Cleanup(fin.Close)
	fr := finrotatest.NewServer(finrotatest.WithAccessTokenTTL(ttl), finrotatest.WithClock(clock.Now))
	t.Cleanup(fr.Close)
	setClock := func(offset time.Duration) {
		clock.SetOffset(offset)
		mp.Clock.Set(clock.Now())
	}
	setClock(0)

	// The sellers connect the marketplace (OAuth with PKCE), once.
	boot, err := mp.Client(mercadopago.WithClock(clock.Now))
	if err != nil {
		return nil, err
	}
	app := &mercadopago.OAuthApp{ClientID: mercadopagotest.DefaultClientID, ClientSecret: mercadopagotest.DefaultClientSecret,
		RedirectURI: "https://shop.example/mp", AuthorizationURL: mp.AuthURL()}
	var sellers []Seller
	for i := 0; i < o.Sellers; i++ {
		id := int64(0)
		if i > 0 {
			id = mp.AddSeller(fmt.Sprintf("SELLER%02d", i), fmt.Sprintf("seller%02d@testuser.com", i)).ID
		}
		start, err := boot.OAuth.Start(app)
		if err != nil {
			return nil, err
		}
		back, err := mp.Authorize(start.URL, id)
		if err != nil {
			return nil, err
		}
		u, err := url.Parse(back)
		if err != nil {
			return nil, err
		}
		code, err := mercadopago.ParseOAuthCallback(u, start.State)
		if err != nil {
			return nil, err
		}
		tok, err := boot.OAuth.Exchange(ctx, app, code, start.PKCE.Verifier)
		if err != nil {
			return nil, err
		}
		sellers = append(sellers, Seller{ID: tok.UserID, Access: tok.AccessToken, Refresh: tok.RefreshToken, Expiry: tok.Expiry})
	}

	// The shared store.
	fcred := fin.Credentials()
	rcred := fr.Credentials()
	cfg := Config{Store: o.Store, MPURL: mp.URL, MPAccessToken: mp.AccessToken,
		MPClientID: mercadopagotest.DefaultClientID, MPClientSecret: mercadopagotest.DefaultClientSecret, MPRedirect: "https://shop.example/mp",
		Sellers: sellers, WebhookSecret: mp.WebhookSecret,
		FintectureURL: fin.URL, FintectureID: fcred.AppID, FintectureSecret: fcred.AppSecret, FintectureKey: fcred.PrivateKey,
		FinrotaURL: fr.URL, FinrotaKey: rcred.APIKey, FinrotaSecret: rcred.SecretKey, LeaseTTL: o.LeaseTTL}
	var rds *servers.Redis
	switch o.Store {
	case Redis:
		// The append-only file with an fsync per write: the restart
		// mid-run keeps what was acknowledged (see the package README for
		// a restart without it).
		rds = servers.StartRedis(t, servers.RedisOptions{AppendOnly: true})
		cfg.RedisAddr = rds.Addr
	case Postgres:
		pg := servers.StartPostgres(t)
		cfg.PostgresURL = pg.URL
		pool, err := pgxpool.New(ctx, pg.URL)
		if err != nil {
			return nil, err
		}
		s, err := pgstore.New(pool)
		if err == nil {
			err = s.Migrate(ctx)
		}
		pool.Close()
		if err != nil {
			return nil, err
		}
	}

	// The replicas: the first Procs are OS processes, the first of them
	// the victim.
	reps := make([]replica, o.Replicas)
	var victim *Proc
	var closers []func()
	defer func() {
		for _, c := range closers {
			c()
		}
	}()
	for i := 0; i < o.Procs; i++ {
		c := cfg
		c.Victim = i == 0
		p, err := StartProc(c, o.ProcArgs...)
		if err != nil {
			return nil, err
		}
		closers = append(closers, p.Close)
		reps[i] = p
		if i == 0 {
			victim = p
		}
	}
	for i := o.Procs; i < o.Replicas; i++ {
		r, err := NewReplica(cfg, clock, nil)
		if err != nil {
			return nil, err
		}
		closers = append(closers, r.Close)
		reps[i] = r
	}
	logf("%s: %d replicas up (%d OS processes)", o.Store, o.Replicas, o.Procs)

	alive := func() []replica {
		if victim == nil {
			return reps
		}
		out := make([]replica, 0, len(reps))
		for _, r := range reps {
			if r != replica(victim) {
				out = append(out, r)
			}
		}
		return out
	}
	failedSellers := map[int]bool{}
	var fmu sync.Mutex
	// round has every live replica call PerRound random sellers and use
	// the client-credential tokens, all at once.
	round := func(offset time.Duration) {
		setClock(offset)
		var wg sync.WaitGroup
		live := alive()
		picks := make([][]int, len(live))
		for i := range live {
			picks[i] = rng.Perm(o.Sellers)[:o.PerRound]
		}
		for i, r := range live {
			wg.Add(1)
			go func(r replica, pick []int) {
				defer wg.Done()
				res := r.Do(ctx, Command{Op: "sellers", Offset: offset, Sellers: pick})
				cc := r.Do(ctx, Command{Op: "cc", Offset: offset})
				fmu.Lock()
				defer fmu.Unlock()
				// A refresh refused invalid_grant loses the seller for
				// that replica. A call that failed otherwise (a lock not
				// granted in time on a busy machine) is counted in
				// CallErrors; whether the seller is still usable is what
				// the new replica's calls after the last round tell.
				for _, s := range res.GrantLost {
					failedSellers[s] = true
				}
				rep.CallErrors += res.Failed + cc.Failed
				if res.Err != "" || cc.Err != "" {
					rep.Notes = append(rep.Notes, res.Err+cc.Err)
				}
				if len(res.Errors) > 0 && len(rep.Notes) < 5 {
					rep.Notes = append(rep.Notes, res.Errors[0])
				}
				if len(cc.Errors) > 0 && len(rep.Notes) < 5 {
					rep.Notes = append(rep.Notes, cc.Errors[0])
				}
			}(r, picks[i])
		}
		wg.Wait()
	}

	// Round 0: the cold start (client-credential tokens fetched; seller
	// pairs fresh).
	offset := time.Duration(0)
	round(offset)
	rep.CCExpiries++
	refreshesBefore := func() int { return mp.SellerRefreshes() + mp.InvalidGrants() }
	base := refreshesBefore()
	logf("%s: cold start done", o.Store)

	// Round 1: every token expires together.
	offset += ttl
	round(offset)
	rep.Expiries++
	rep.CCExpiries++
	logf("%s: expiry 1 done", o.Store)

	// Round 2: the victim takes seller 0's lock and stops before its
	// refresh reaches the provider; it is killed there (SIGKILL), and the
	// fleet goes on.
	offset += ttl
	setClock(offset)
	if err := victim.Send(Command{Op: "sellers", Offset: offset, Sellers: []int{0}}); err != nil {
		return nil, err
	}
	held, err := victim.Next(2 * time.Minute)
	if err != nil || !held.Holding {
		return nil, fmt.Errorf("fleet: the victim did not reach its refresh: %v %+v", err, held)
	}
	victim.Kill()
	killed := time.Now()
	recovered := make(chan time.Duration, 1)
	probe := reps[o.Procs] // an in-process replica
	go func() {
		for {
			res := probe.Do(ctx, Command{Op: "sellers", Offset: offset, Sellers: []int{0}})
			if res.OK == 1 {
				recovered <- time.Since(killed)
				return
			}
			if res.InvalidGrant > 0 {
				// This replica's pair was spent by another: it never
				// recovers (the in-memory defaults).
				recovered <- -1
				return
			}
			if time.Since(killed) > 3*time.Minute {
				recovered <- -1
				return
			}
		}
	}()
	round(offset)
	rep.Recovery = <-recovered
	rep.Expiries++
	rep.CCExpiries++
	logf("%s: expiry 2 with the lock holder killed done (recovery %s)", o.Store, rep.Recovery)

	// Round 3, with the notifications delivered at the same time, each
	// to Deliveries random replicas at once, retried while a replica
	// answers 5xx; Redis is restarted in the middle.
	offset += ttl
	setClock(offset)
	var nwg sync.WaitGroup
	var retried int
	var rmu sync.Mutex
	restartAt := o.Notifications / 2
	live := alive()
	nrng := rand.New(rand.NewPCG(o.Seed, 43)) // the notifier's own: round uses rng meanwhile
	nwg.Add(1)
	go func() {
		defer nwg.Done()
		for n := 0; n < o.Notifications; n++ {
			if rds != nil && n == restartAt {
				rds.Restart()
				logf("%s: redis-server restarted", o.Store)
			}
			dataID := fmt.Sprintf("%d", 9000000+n)
			reqID := fmt.Sprintf("req-%d-%d", o.Seed, n)
			ts := clock.Now()
			sig := mercadopagotest.SignNotification(cfg.WebhookSecret, dataID, reqID, ts)
			body := fmt.Sprintf(`{"action":"payment.updated","api_version":"v1","data":{"id":"%s"},"date_created":"%s","id":%d,"live_mode":false,"type":"payment","user_id":%d}`,
				dataID, ts.UTC().Format(time.RFC3339), 100000+n, sellers[0].ID)
			targets := make([]replica, o.Deliveries)
			for i := range targets {
				targets[i] = live[nrng.IntN(len(live))]
			}
			nwg.Add(1)
			go func() {
				defer nwg.Done()
				var dwg sync.WaitGroup
				for i, r := range targets {
					// Mercado Pago signs every sending anew: every other
					// delivery carries a later ts and its own signature, so
					// only the event's own id tells it is the same one.
					sig := sig
					if i%2 == 1 {
						sig = mercadopagotest.SignNotification(cfg.WebhookSecret, dataID, reqID, ts.Add(time.Duration(i)*time.Second))
					}
					dwg.Add(1)
					go func(r replica) {
						defer dwg.Done()
						// Mercado Pago's retries, compressed: each 5xx or
						// broken answer is retried after a growing wait.
						wait := 20 * time.Millisecond
						for attempt := 0; attempt < 12; attempt++ {
							req, _ := http.NewRequest(http.MethodPost, r.URL()+"?data.id="+dataID+"&type=payment", bytes.NewReader([]byte(body)))
							req.Header.Set("Content-Type", "application/json")
							req.Header.Set("X-Signature", sig)
							req.Header.Set("X-Request-Id", reqID)
							resp, err := http.DefaultClient.Do(req)
							if err == nil {
								resp.Body.Close()
								if resp.StatusCode < 500 {
									if resp.StatusCode != http.StatusOK {
										rmu.Lock()
										rep.Refused++
										rmu.Unlock()
									}
									return
								}
							}
							rmu.Lock()
							retried++
							rmu.Unlock()
							time.Sleep(wait)
							wait *= 2
						}
					}(r)
				}
				dwg.Wait()
			}()
			time.Sleep(2 * time.Millisecond)
		}
	}()
	round(offset)
	nwg.Wait()
	rep.Retried = retried
	rep.Expiries++
	rep.CCExpiries++
	logf("%s: expiry 3 with the notifications done", o.Store)

	// The final expiry: every live replica calls its sellers again, and
	// a new replica (a scale-up: the pair the merchant first stored) calls
	// every seller.
	offset += ttl
	round(offset)
	fresh, err := NewReplica(cfg, clock, nil)
	if err != nil {
		return nil, err
	}
	closers = append(closers, fresh.Close)
	all := make([]int, o.Sellers)
	for i := range all {
		all[i] = i
	}
	last := fresh.Do(ctx, Command{Op: "sellers", Offset: offset, Sellers: all})
	for _, s := range last.FailedSeller {
		failedSellers[s] = true
	}
	rep.Expiries++
	rep.CCExpiries++
	rep.SellerTokenCalls = refreshesBefore() - base
	rep.InvalidGrants = mp.InvalidGrants()
	rep.SellersLost = len(failedSellers)
	rep.FintectureCC = fin.Handled(http.MethodPost, "/oauth/accesstoken")
	rep.FinrotaCC = fr.AccessTokensIssued()

	// What the replicas did.
	acts := map[string]int{}
	var waits []time.Duration
	for _, r := range alive() {
		res := r.Do(ctx, Command{Op: "report"})
		for k, v := range res.Actions {
			acts[k] += v
		}
		waits = append(waits, res.LockWaits...)
	}
	for n := 0; n < o.Notifications; n++ {
		switch c := acts[fmt.Sprintf("%d", 9000000+n)]; {
		case c == 0:
			rep.Unacted++
		case c > 1:
			rep.DoubleActions++
		}
	}
	sort.Slice(waits, func(i, j int) bool { return waits[i] < waits[j] })
	if len(waits) > 0 {
		rep.LockWaitP50 = waits[len(waits)/2]
		rep.LockWaitP99 = waits[len(waits)*99/100]
	}
	return rep, nil
}

// Table renders reports as the Markdown table in BENCHMARKS.md.
func Table(reports []*Report) string {
	var b strings.Builder
	b.WriteString("| store | seller token calls per expiry per seller | invalid_grant | sellers lost | Fintecture / Finrota token calls per expiry | notifications acted on twice / never | deliveries retried | calls failed for a while | lock wait p50 / p99 | recovery after the holder's SIGKILL |\n")
	b.WriteString("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
	for _, r := range reports {
		fmt.Fprintf(&b, "| %s | %.2f | %d | %d | %.1f / %.1f | %d / %d | %d | %d | %s / %s | %s |\n",
			r.Store, float64(r.SellerTokenCalls)/float64(r.Expiries*sellerCount(r)), r.InvalidGrants, r.SellersLost,
			float64(r.FintectureCC)/float64(r.CCExpiries), float64(r.FinrotaCC)/float64(r.CCExpiries),
			r.DoubleActions, r.Unacted, r.Retried, r.CallErrors,
			r.LockWaitP50.Round(time.Millisecond), r.LockWaitP99.Round(time.Millisecond), recovery(r.Recovery))
	}
	return b.String()
}

// sellerCount is the run's number of sellers.
func sellerCount(r *Report) int { return r.sellers }

func recovery(d time.Duration) string {
	if d < 0 {
		return "never (invalid_grant)"
	}
	return d.Round(10 * time.Millisecond).String()
}
