package mercadopagotest_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
)

// webhookFleet is three replicas behind the simulator's "load balancer",
// sharing one replay store; handle decides what the handler func answers.
func webhookFleet(t *testing.T, handle func() error) (urls []string, acted *atomic.Int32) {
	t.Helper()
	store := paykit.NewMemoryReplayStore(0)
	acted = &atomic.Int32{}
	for i := 0; i < 3; i++ {
		v, err := mercadopago.NewWebhookVerifier(mercadopagotest.DefaultWebhookSecret, mercadopago.WithReplayStore(store))
		require.NoError(t, err)
		srv := httptest.NewServer(v.Handler(func(context.Context, *mercadopago.Notification) error {
			if err := handle(); err != nil {
				return err
			}
			acted.Add(1)
			return nil
		}))
		t.Cleanup(srv.Close)
		urls = append(urls, srv.URL+"/mp/webhooks")
	}
	return urls, acted
}

// factor compresses Mercado Pago's four days of retries into about a
// second of real time.
const factor = 400_000

func TestNotificationRetriedToRandomReplicasUntilAnswered(t *testing.T) {
	var calls atomic.Int32
	urls, acted := webhookFleet(t, func() error {
		if calls.Add(1) <= 2 {
			return assert.AnError // the first two sendings fail
		}
		return nil
	})
	srv, c := setup(t, mercadopagotest.WithWebhookEndpoints(mercadopagotest.DefaultWebhookSecret, urls...),
		mercadopagotest.WithNotificationRetries(factor))
	_, err := c.Payments.Create(ctx, cardPayment(token(t, srv, "APRO"), "100"), mercadopago.WithIdempotencyKey("order-1"))
	require.NoError(t, err)

	wctx, cancel := context.WithTimeout(ctx, hangGuard)
	defer cancel()
	require.NoError(t, srv.WaitDeliveries(wctx, 3))
	ds := srv.Deliveries()
	require.Len(t, ds, 3)
	for i, d := range ds {
		assert.Equal(t, i, d.Attempt)
		assert.Equal(t, ds[0].RequestID, d.RequestID, "a retry is the same notification")
		assert.Equal(t, string(ds[0].Body), string(d.Body))
		assert.True(t, strings.HasSuffix(strings.SplitN(d.URL, "?", 2)[0], "/mp/webhooks"))
		assert.Contains(t, d.URL, "data.id="+ds[0].DataID)
	}
	// Each sending is signed anew with the simulator's clock; compressed
	// retries may fall in the same second and so carry the same ts.
	assert.Equal(t, []int{500, 500, 200}, []int{ds[0].StatusCode, ds[1].StatusCode, ds[2].StatusCode})
	assert.Equal(t, int32(1), acted.Load())
	assert.Equal(t, 0, srv.RetriesWaiting(), "answered: no retry is scheduled")
}

func TestNotificationRetriesFollowTheScheduleThenStop(t *testing.T) {
	urls, acted := webhookFleet(t, func() error { return assert.AnError })
	srv, c := setup(t, mercadopagotest.WithWebhookEndpoints(mercadopagotest.DefaultWebhookSecret, urls...),
		mercadopagotest.WithNotificationRetries(factor))
	_, err := c.Payments.Create(ctx, cardPayment(token(t, srv, "APRO"), "100"), mercadopago.WithIdempotencyKey("order-2"))
	require.NoError(t, err)
	wctx, cancel := context.WithTimeout(ctx, hangGuard)
	defer cancel()
	want := 1 + len(mercadopagotest.DefaultNotificationRetries)
	require.NoError(t, srv.WaitDeliveries(wctx, want))
	ds := srv.Deliveries()
	require.Len(t, ds, want)
	assert.Equal(t, want-1, ds[want-1].Attempt)
	assert.Equal(t, 0, srv.RetriesWaiting(), "the schedule is over")
	assert.Equal(t, int32(0), acted.Load())
	seen := map[string]bool{}
	for _, d := range ds {
		seen[strings.SplitN(d.URL, "?", 2)[0]] = true
		assert.Equal(t, http.StatusInternalServerError, d.StatusCode)
	}
	assert.Subset(t, urls, keys(seen))
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
