package mercadopagotest_test

import (
	"errors"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/sim"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
)

// keyRecorder remembers the X-Idempotency-Key of every POST attempt.
type keyRecorder struct {
	mu   sync.Mutex
	keys []string
	next http.RoundTripper
}

func (k *keyRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodPost {
		k.mu.Lock()
		k.keys = append(k.keys, r.Header.Get(mercadopago.IdempotencyHeader))
		k.mu.Unlock()
	}
	return k.next.RoundTrip(r)
}

// orderKey is how a merchant derives the key from its own order: the same
// on every replica and after a restart, unlike a key generated per call.
func orderKey(orderID string) string { return "shop-order-" + orderID }

func TestIdempotencyKeyFromTheOrderIDAcrossReplicasAndRestarts(t *testing.T) {
	srv, _ := setup(t)
	replica := func() *mercadopago.Client {
		c, err := srv.Client(mercadopago.WithMaxRetries(0))
		require.NoError(t, err)
		return c
	}
	req := cardPayment(token(t, srv, "APRO"), "15990")

	// Replica A pays order 77; the answer is lost on the way back.
	srv.FailNext(1, sim.Fault{Kind: sim.ResetAfter, Method: http.MethodPost, PathPrefix: "/v1/payments"})
	_, err := replica().Payments.Create(ctx, req, mercadopago.WithIdempotencyKey(orderKey("77")))
	var ne *paykit.NetworkError
	require.ErrorAs(t, err, &ne)
	require.True(t, ne.MayHaveReachedServer)
	require.Equal(t, 1, srv.PaymentCount(), "the payment was made")

	// Replica B (or A after a restart, with nothing in memory) repeats the
	// order: the key it derives is the same, so Mercado Pago answers with
	// the payment already made instead of charging again.
	p, err := replica().Payments.Create(ctx, req, mercadopago.WithIdempotencyKey(orderKey("77")))
	require.NoError(t, err)
	assert.Equal(t, 1, srv.PaymentCount(), "one payment for the order across the fleet")
	assert.Equal(t, orderKey("77"), p.Meta.IdempotencyKey)
	stored, ok := srv.Payment(p.ID)
	require.True(t, ok)
	assert.Equal(t, stored.ID, p.ID)

	// Another replica sending something else under the order's key gets
	// the provider's error, not a second payment.
	_, err = replica().Payments.Create(ctx, cardPayment(token(t, srv, "APRO"), "1"), mercadopago.WithIdempotencyKey(orderKey("77")))
	var e *mercadopago.Error
	require.True(t, errors.As(err, &e))
	assert.Equal(t, http.StatusConflict, e.StatusCode)
	assert.Equal(t, 1, srv.PaymentCount())

	// A key generated per call is new on each replica: the same order
	// paid from two replicas without a key of its own is caught only by
	// Mercado Pago's one-minute guard on identical requests (cause 2001);
	// a body that differs at all (a new card token) is a second payment.
	// This is why the order id makes the key.
	_, err = replica().Payments.Create(ctx, req)
	require.True(t, errors.As(err, &e))
	assert.True(t, e.HasCause("2001"))
	_, err = replica().Payments.Create(ctx, cardPayment(token(t, srv, "APRO"), "15990"))
	require.NoError(t, err)
	assert.Equal(t, 2, srv.PaymentCount())
}

func TestGeneratedKeyIsTheSameOnEveryAttempt(t *testing.T) {
	for _, kind := range []sim.FaultKind{sim.StatusAfter, sim.ResetAfter, sim.Status, sim.DropBefore} {
		t.Run(kind.String(), func(t *testing.T) {
			srv := mercadopagotest.NewServer()
			t.Cleanup(srv.Close)
			rec := &keyRecorder{next: http.DefaultTransport}
			c, err := srv.Client(mercadopago.WithHTTPClient(&http.Client{Transport: rec}))
			require.NoError(t, err)
			srv.FailNext(2, sim.Fault{Kind: kind, Status: http.StatusBadGateway, Method: http.MethodPost, PathPrefix: "/v1/payments"})
			p, err := c.Payments.Create(ctx, cardPayment(token(t, srv, "APRO"), "15990"))
			require.NoError(t, err)
			require.Equal(t, 3, p.Meta.Attempts)
			require.Len(t, rec.keys, 3)
			assert.NotEmpty(t, rec.keys[0])
			assert.Equal(t, rec.keys[0], rec.keys[1])
			assert.Equal(t, rec.keys[0], rec.keys[2])
			assert.Equal(t, rec.keys[0], p.Meta.IdempotencyKey)
			assert.Equal(t, 1, srv.PaymentCount())
		})
	}
}
