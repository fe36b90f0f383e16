package etpay

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
)

func leaseReplicas(t *testing.T, clk *settable, opts ...WebhookOption) (*WebhookVerifier, *WebhookVerifier) {
	t.Helper()
	store := paykit.NewMemoryReplayStore(0, paykit.WithReplayClock(clk.Now))
	opts = append([]WebhookOption{WithWebhookClock(clk.Now), WithReplayStore(store)}, opts...)
	return mustVerifier(t, vectorLookup, opts...), mustVerifier(t, vectorLookup, opts...)
}

func TestNotificationProcessingLeaseRunsOutAfterACrash(t *testing.T) {
	clk := &settable{t: issuedAt.Add(time.Minute)}
	a, b := leaseReplicas(t, clk, WithProcessingLease(time.Minute))
	tok := sign(t, jwt.MapClaims{"iat": issuedAt.Unix()})
	_, err := a.Verify(notifyRequest(tok))
	require.NoError(t, err)
	// a dies before acting.
	_, err = b.Verify(notifyRequest(tok))
	assert.ErrorIs(t, err, paykit.ErrReplayed, "within the lease")

	clk.Add(2 * time.Minute)
	n, err := b.Verify(notifyRequest(tok))
	require.NoError(t, err, "ETpay's repeat after the lease is taken")
	require.NoError(t, b.Done(context.Background(), n))
	clk.Add(time.Hour)
	_, err = a.Verify(notifyRequest(tok))
	assert.ErrorIs(t, err, paykit.ErrReplayed, "done: refused for the rest of the window")
}

func TestNotificationHandlerMarksDoneAcrossReplicas(t *testing.T) {
	clk := &settable{t: issuedAt.Add(time.Minute)}
	a, b := leaseReplicas(t, clk)
	var acted atomic.Int32
	handle := func(context.Context, *Notification) error { acted.Add(1); return nil }
	tok := sign(t, jwt.MapClaims{"iat": issuedAt.Unix()})
	w := httptest.NewRecorder()
	a.Handler(handle).ServeHTTP(w, notifyRequest(tok))
	require.Equal(t, http.StatusOK, w.Code)
	clk.Add(time.Hour) // past the Handler's 2-minute lease
	w = httptest.NewRecorder()
	b.Handler(handle).ServeHTTP(w, notifyRequest(tok))
	assert.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, int32(1), acted.Load())
}

func TestNotificationProcessingLeaseMustBePositive(t *testing.T) {
	_, err := NewWebhookVerifier(vectorLookup, WithProcessingLease(0))
	assert.ErrorContains(t, err, "processing lease")
}
