package mercadopago_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
)

// attempt is one sending of event eventID about payment dataID, as Mercado
// Pago sends it at time at: every retry is signed anew (a new ts) and, to
// assume the worst, carries a new x-request-id; the body, with the event's
// id, is the same.
func attempt(dataID string, eventID, n int, at time.Time) *http.Request {
	reqID := "req-" + strconv.Itoa(eventID) + "-" + strconv.Itoa(n)
	body := `{"action":"payment.updated","api_version":"v1","data":{"id":"` + dataID + `"},"id":` + strconv.Itoa(eventID) + `,"type":"payment"}`
	return notifRequest("?data.id="+dataID+"&type=payment", mercadopagotest.SignNotification(whSecret, dataID, reqID, at), reqID, body)
}

// replicas are verifiers sharing one replay store and one clock.
func replicas(t *testing.T, clk *settable, n int, opts ...mercadopago.WebhookOption) []*mercadopago.WebhookVerifier {
	t.Helper()
	store := paykit.NewMemoryReplayStore(0, paykit.WithReplayClock(clk.Now))
	out := make([]*mercadopago.WebhookVerifier, n)
	for i := range out {
		all := append([]mercadopago.WebhookOption{mercadopago.WithWebhookClock(clk.Now), mercadopago.WithReplayStore(store)}, opts...)
		v, err := mercadopago.NewWebhookVerifier(whSecret, all...)
		require.NoError(t, err)
		out[i] = v
	}
	return out
}

func TestVerifierRetryOnAnotherReplicaIsRecognised(t *testing.T) {
	clk := &settable{t: whNow}
	vs := replicas(t, clk, 2)
	n, err := vs[0].Verify(attempt("555", 9001, 0, clk.Now()))
	require.NoError(t, err)
	require.NoError(t, vs[0].Done(context.Background(), n))

	// Mercado Pago did not get the answer and retries 15 minutes later,
	// signed anew; the balancer sends it to the other replica.
	clk.Add(15 * time.Minute)
	_, err = vs[1].Verify(attempt("555", 9001, 1, clk.Now()))
	assert.ErrorIs(t, err, paykit.ErrReplayed, "the same event, acted upon already")

	// Four days later the last retry is still recognised.
	clk.Add(96 * time.Hour)
	_, err = vs[0].Verify(attempt("555", 9001, 5, clk.Now()))
	assert.ErrorIs(t, err, paykit.ErrReplayed)

	// Another event about the same payment is new.
	_, err = vs[1].Verify(attempt("555", 9002, 0, clk.Now()))
	assert.NoError(t, err)
}

func TestVerifierCrashBetweenClaimAndActionLetsTheRetryIn(t *testing.T) {
	clk := &settable{t: whNow}
	vs := replicas(t, clk, 2, mercadopago.WithProcessingLease(2*time.Minute))
	_, err := vs[0].Verify(attempt("777", 42, 0, clk.Now()))
	require.NoError(t, err)
	// Replica 0 dies here: no Done, no Release.

	clk.Add(time.Minute)
	_, err = vs[1].Verify(attempt("777", 42, 1, clk.Now()))
	assert.ErrorIs(t, err, paykit.ErrReplayed, "within the lease the claim holds")

	clk.Add(2 * time.Minute)
	n, err := vs[1].Verify(attempt("777", 42, 2, clk.Now()))
	require.NoError(t, err, "the lease ran out: the retry is taken")
	require.NoError(t, vs[1].Done(context.Background(), n))

	clk.Add(6 * time.Hour)
	_, err = vs[0].Verify(attempt("777", 42, 3, clk.Now()))
	assert.ErrorIs(t, err, paykit.ErrReplayed, "done: refused for the retention")
}

func TestVerifyWithoutLeaseClaimsForTheRetention(t *testing.T) {
	clk := &settable{t: whNow}
	vs := replicas(t, clk, 2)
	_, err := vs[0].Verify(attempt("888", 7, 0, clk.Now()))
	require.NoError(t, err)
	// The caller never calls Done: the claim still lasts, so nobody acts twice.
	clk.Add(6 * time.Hour)
	_, err = vs[1].Verify(attempt("888", 7, 1, clk.Now()))
	assert.ErrorIs(t, err, paykit.ErrReplayed)
	clk.Add(mercadopago.DefaultEventRetention)
	_, err = vs[1].Verify(attempt("888", 7, 2, clk.Now()))
	assert.NoError(t, err, "past the retention the event is forgotten")
}

func TestHandlerActsOncePerEventAcrossReplicas(t *testing.T) {
	clk := &settable{t: whNow}
	vs := replicas(t, clk, 3)
	var acted, failNext atomic.Int32
	hs := make([]http.Handler, len(vs))
	for i, v := range vs {
		hs[i] = v.Handler(func(context.Context, *mercadopago.Notification) error {
			if failNext.CompareAndSwap(1, 0) {
				return assert.AnError
			}
			acted.Add(1)
			return nil
		})
	}
	serve := func(i int, r *http.Request) int {
		w := httptest.NewRecorder()
		hs[i].ServeHTTP(w, r)
		return w.Code
	}
	// The handler fails the first time: 500, and the retry elsewhere is taken.
	failNext.Store(1)
	assert.Equal(t, http.StatusInternalServerError, serve(0, attempt("1", 500, 0, clk.Now())))
	clk.Add(15 * time.Minute)
	assert.Equal(t, http.StatusOK, serve(1, attempt("1", 500, 1, clk.Now())))
	assert.Equal(t, int32(1), acted.Load())
	// Later retries (the provider missed the 200) are acknowledged unhandled.
	for i := 2; i < 6; i++ {
		clk.Add(time.Hour)
		assert.Equal(t, http.StatusOK, serve(i%3, attempt("1", 500, i, clk.Now())))
	}
	assert.Equal(t, int32(1), acted.Load(), "acted upon once across the fleet")
}

func TestHandlerCrashLeavesAClaimThatRunsOut(t *testing.T) {
	clk := &settable{t: whNow}
	vs := replicas(t, clk, 2)
	crashed := vs[0].Handler(func(context.Context, *mercadopago.Notification) error {
		panic(http.ErrAbortHandler) // the process dies mid-handling
	})
	func() {
		defer func() { _ = recover() }()
		crashed.ServeHTTP(httptest.NewRecorder(), attempt("2", 600, 0, clk.Now()))
	}()
	var acted atomic.Int32
	h := vs[1].Handler(func(context.Context, *mercadopago.Notification) error { acted.Add(1); return nil })
	clk.Add(15 * time.Minute) // Mercado Pago's first retry, past the 2-minute lease
	w := httptest.NewRecorder()
	h.ServeHTTP(w, attempt("2", 600, 1, clk.Now()))
	assert.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, int32(1), acted.Load(), "the retry after the dead replica's lease is handled")
}

func TestProcessingLeaseMustBePositive(t *testing.T) {
	_, err := mercadopago.NewWebhookVerifier(whSecret, mercadopago.WithProcessingLease(0))
	assert.ErrorContains(t, err, "processing lease")
	_, err = mercadopago.NewWebhookVerifier(whSecret, mercadopago.WithEventRetention(-time.Second))
	assert.ErrorContains(t, err, "retention")
}

func TestEventKeyReadsAHexEventID(t *testing.T) {
	clk := &settable{t: whNow}
	vs := replicas(t, clk, 2)
	mk := func(n int) *http.Request {
		reqID := "r" + strconv.Itoa(n)
		body := `{"action":"card.updated","type":"automatic-payments","data":{"id":"99"},"id":"a47fc06844bf4e418a03aeab1479c496"}`
		return notifRequest("?data.id=99&type=automatic-payments", mercadopagotest.SignNotification(whSecret, "99", reqID, clk.Now()), reqID, body)
	}
	n, err := vs[0].Verify(mk(0))
	require.NoError(t, err)
	require.NoError(t, vs[0].Done(context.Background(), n))
	clk.Add(30 * time.Minute)
	_, err = vs[1].Verify(mk(1))
	assert.ErrorIs(t, err, paykit.ErrReplayed)
}
