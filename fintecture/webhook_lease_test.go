package fintecture

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
)

// leaseReplicas are two verifiers sharing one replay store and one clock.
func leaseReplicas(t *testing.T, clk *settable, opts ...WebhookOption) (*WebhookVerifier, *WebhookVerifier) {
	t.Helper()
	store := paykit.NewMemoryReplayStore(0, paykit.WithReplayClock(clk.Now))
	opts = append([]WebhookOption{WithWebhookClock(clk.Now), WithReplayStore(store)}, opts...)
	return testVerifier(t, opts...), testVerifier(t, opts...)
}

func TestWebhookProcessingLeaseRunsOutAfterACrash(t *testing.T) {
	clk := &settable{t: testDate}
	a, b := leaseReplicas(t, clk, WithProcessingLease(time.Minute))
	body := "session_id=s9&status=payment_created"
	_, err := a.Verify(signWebhook(t, body, formCT, testDate, nil))
	require.NoError(t, err)
	// a dies before acting: no Done, no Release.
	_, err = b.Verify(signWebhook(t, body, formCT, testDate, nil))
	assert.ErrorIs(t, err, paykit.ErrReplayed, "within the lease")

	clk.Add(time.Minute + time.Second)
	ev, err := b.Verify(signWebhook(t, body, formCT, testDate, nil))
	require.NoError(t, err, "Fintecture's retry after the lease is taken")
	require.NoError(t, b.Done(context.Background(), ev))

	clk.Add(time.Hour)
	_, err = a.Verify(signWebhook(t, body, formCT, testDate, nil))
	assert.ErrorIs(t, err, paykit.ErrReplayed, "done: refused for the rest of the window")
}

func TestWebhookVerifyWithoutLeaseClaimsTheWindow(t *testing.T) {
	clk := &settable{t: testDate}
	a, b := leaseReplicas(t, clk)
	body := "session_id=s10&status=payment_created"
	_, err := a.Verify(signWebhook(t, body, formCT, testDate, nil))
	require.NoError(t, err)
	clk.Add(time.Hour)
	_, err = b.Verify(signWebhook(t, body, formCT, testDate, nil))
	assert.ErrorIs(t, err, paykit.ErrReplayed, "no Done needed: the claim is the window's")
}

func TestWebhookHandlerMarksDoneAcrossReplicas(t *testing.T) {
	clk := &settable{t: testDate}
	a, b := leaseReplicas(t, clk)
	var acted atomic.Int32
	fn := func(context.Context, *Notification) error { acted.Add(1); return nil }
	body := "session_id=s11&status=payment_created"
	w := httptest.NewRecorder()
	a.Handler(fn).ServeHTTP(w, signWebhook(t, body, formCT, testDate, nil))
	require.Equal(t, http.StatusOK, w.Code)
	// Past the Handler's lease, the retry on the other replica is still
	// refused: Done recorded the delivery for its window.
	clk.Add(time.Hour)
	w = httptest.NewRecorder()
	b.Handler(fn).ServeHTTP(w, signWebhook(t, body, formCT, testDate, nil))
	assert.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, int32(1), acted.Load())
}

func TestWebhookProcessingLeaseMustBePositive(t *testing.T) {
	_, err := NewWebhookVerifier(readTestdata(t, "key.pem"), WithProcessingLease(-time.Second))
	assert.ErrorContains(t, err, "processing lease")
}
