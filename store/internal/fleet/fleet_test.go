package fleet_test

import (
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit/store/internal/fleet"
)

func TestMain(m *testing.M) {
	fleet.MaybeChild() // the OS-process replicas are this test binary again
	os.Exit(m.Run())
}

func options(store string, t *testing.T) fleet.Options {
	// The lease is twice the benchmark program's: a refresh may take two
	// thirds of it, and a waiter waits a lease and a quarter, which a busy
	// machine running every package's tests under -race must not miss.
	return fleet.Options{Store: store, Replicas: 100, Procs: 3, Sellers: 50, PerRound: 5,
		Notifications: 60, Deliveries: 3, LeaseTTL: 6 * time.Second, ProcArgs: []string{"-test.run=^$"},
		Seed: 1, Logf: t.Logf}
}

// TestFleet runs the fleet simulation on each adapter and asserts the
// targets: no seller loses authorisation, no notification is acted upon
// twice (or never), and about one token call per expiry per seller, with
// a lock holder killed mid-refresh and, for Redis, redis-server restarted
// in the middle. Counts only: the times are the benchmark program's.
func TestFleet(t *testing.T) {
	// The in-memory defaults first: the same simulation must see what the
	// adapters are for, or its zeros below would prove nothing.
	t.Run(fleet.Memory, func(t *testing.T) {
		rep, err := fleet.Run(t, options(fleet.Memory, t))
		require.NoError(t, err)
		t.Logf("\n%s", fleet.Table([]*fleet.Report{rep}))
		assert.Positive(t, rep.InvalidGrants, "replicas spend each other's refresh tokens")
		assert.Positive(t, rep.SellersLost, "sellers lose authorisation")
		assert.Positive(t, rep.DoubleActions, "notifications are acted upon more than once")
		assert.Greater(t, rep.FintectureCC, 10*rep.CCExpiries, "every replica fetches its own token")
	})

	for _, store := range []string{fleet.Redis, fleet.Postgres} {
		t.Run(store, func(t *testing.T) {
			rep, err := fleet.Run(t, options(store, t))
			require.NoError(t, err)
			t.Logf("\n%s", fleet.Table([]*fleet.Report{rep}))
			assert.Zero(t, rep.SellersLost, "sellers lost")
			assert.Zero(t, rep.InvalidGrants, "invalid_grant answers")
			assert.Zero(t, rep.DoubleActions, "notifications acted upon twice")
			assert.Zero(t, rep.Unacted, "notifications never acted upon")
			assert.Zero(t, rep.Refused, "deliveries refused")
			for _, n := range rep.Notes {
				t.Log(n)
			}
			// One refresh per seller per expiry; the killed holder's seller
			// may cost one more (its lease ran out, its refresh was never
			// sent, another replica refreshed).
			assert.LessOrEqual(t, rep.SellerTokenCalls, rep.Expiries*50+1, "seller token calls")
			assert.GreaterOrEqual(t, rep.SellerTokenCalls, rep.Expiries*50, "every seller refreshed at every expiry")
			assert.LessOrEqual(t, rep.FintectureCC, rep.CCExpiries, "Fintecture token calls")
			assert.LessOrEqual(t, rep.FinrotaCC, rep.CCExpiries, "Finrota token calls")
			assert.Positive(t, rep.Recovery, "the killed holder's seller was refreshed by another replica")
		})
	}
}
