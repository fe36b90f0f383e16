// Command fleet runs the fleet simulation of issue 20 and prints its
// table: 100 replicas of a merchant's backend (three of them OS processes,
// one killed with SIGKILL while it holds a seller's refresh lock) against
// paykit's simulators, with 50 Mercado Pago sellers whose tokens expire
// together, Fintecture and Finrota client-credential tokens expiring, and
// notifications delivered to several replicas at once and retried; once
// with the SDK's in-memory defaults, once sharing one Redis (restarted in
// the middle of the run) and once sharing one PostgreSQL. It needs
// redis-server and PostgreSQL installed (apt-get install redis-server
// postgresql). From the repository's root:
//
//	go run ./store/cmd/fleet
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	"github.com/paykit-go/paykit/store/internal/fleet"
)

// env is the program's stand-in for a test: it runs cleanups at exit.
type env struct{ cleanups []func() }

func (e *env) Helper()                           {}
func (e *env) Fatalf(format string, args ...any) { e.close(); log.Fatalf(format, args...) }
func (e *env) Cleanup(f func())                  { e.cleanups = append(e.cleanups, f) }
func (e *env) close() {
	for i := len(e.cleanups) - 1; i >= 0; i-- {
		e.cleanups[i]()
	}
	e.cleanups = nil
}

func main() {
	fleet.MaybeChild()
	stores := flag.String("stores", "memory,redis,postgres", "the runs, comma-separated")
	replicas := flag.Int("replicas", 100, "replicas in all")
	perRound := flag.Int("per-round", 5, "sellers each replica calls at each expiry")
	notifications := flag.Int("notifications", 200, "notifications, each delivered to -deliveries replicas at once")
	deliveries := flag.Int("deliveries", 3, "deliveries of each notification")
	verbose := flag.Bool("v", false, "log the phases")
	flag.Parse()
	var reports []*fleet.Report
	for _, s := range strings.Split(*stores, ",") {
		e := &env{}
		logf := func(string, ...any) {}
		if *verbose {
			logf = log.Printf
		}
		rep, err := fleet.Run(e, fleet.Options{Store: s, Replicas: *replicas, Procs: 3, Sellers: 50, PerRound: *perRound,
			Notifications: *notifications, Deliveries: *deliveries, LeaseTTL: 3 * time.Second, Seed: 1, Logf: logf})
		e.close()
		if err != nil {
			log.Fatalf("%s: %v", s, err)
		}
		reports = append(reports, rep)
	}
	fmt.Print(fleet.Table(reports))
	os.Exit(0)
}
