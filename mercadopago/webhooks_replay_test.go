package mercadopago_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
)

// settable is a clock the tests move by hand.
type settable struct {
	mu sync.Mutex
	t  time.Time
}

func (c *settable) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *settable) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// brokenStore fails every call, as a shared store that is down would.
type brokenStore struct{ claims int }

var errStoreDown = errors.New("store: connection refused")

func (s *brokenStore) Claim(context.Context, string, time.Time) (bool, error) {
	s.claims++
	return false, errStoreDown
}
func (s *brokenStore) Release(context.Context, string) error         { return errStoreDown }
func (s *brokenStore) Done(context.Context, string, time.Time) error { return errStoreDown }

// delivery is one signed notification; each call of request makes a fresh
// copy of the same delivery.
type delivery struct{ query, sig, reqID, body string }

func newDelivery(dataID, reqID string, ts time.Time) delivery {
	return delivery{query: "?data.id=" + dataID + "&type=payment", sig: mercadopagotest.SignNotification(whSecret, dataID, reqID, ts),
		reqID: reqID, body: `{"action":"payment.updated","type":"payment","data":{"id":"` + dataID + `"}}`}
}

func (d delivery) request() *http.Request { return notifRequest(d.query, d.sig, d.reqID, d.body) }

func TestVerifyRefusesAReplay(t *testing.T) {
	v := newVerifier(t)
	d := newDelivery("123456", "req-abc", whNow)
	n, err := v.Verify(d.request())
	require.NoError(t, err)

	_, err = v.Verify(d.request())
	require.ErrorIs(t, err, paykit.ErrReplayed, "the same delivery again")
	assert.NotErrorIs(t, err, paykit.ErrReplayStore)
	assert.Contains(t, err.Error(), "mercadopago: webhook")

	// The header written differently (parts reordered, hex in capitals, an
	// extra v1 for another secret) is still the same delivery.
	ts, v1, _ := strings.Cut(strings.TrimPrefix(d.sig, "ts="), ",v1=")
	dressed := d
	dressed.sig = "v1=" + strings.Repeat("ab", 32) + ", v1=" + strings.ToUpper(v1) + " ,ts=" + ts
	_, err = v.Verify(dressed.request())
	assert.ErrorIs(t, err, paykit.ErrReplayed, "a re-dressed header")

	// Another delivery (another x-request-id) of the same payment is new.
	_, err = v.Verify(newDelivery("123456", "req-abd", whNow).request())
	assert.NoError(t, err)

	// Released, the delivery is accepted again, once.
	require.NoError(t, v.Release(context.Background(), n))
	_, err = v.Verify(d.request())
	assert.NoError(t, err, "accepted again after Release")
	_, err = v.Verify(d.request())
	assert.ErrorIs(t, err, paykit.ErrReplayed)

	assert.NoError(t, v.Release(context.Background(), nil), "nil is ignored")
	assert.NoError(t, v.Release(context.Background(), &mercadopago.Notification{}), "a notification Verify did not make is ignored")
}

func TestVerifyRefusesAReplayOfEveryTopic(t *testing.T) {
	v := newVerifier(t)
	for _, tc := range []struct{ topic, id, body string }{
		{mercadopago.TopicMerchantOrder, "ORD-AB12", `{"type":"topic_merchant_order_wh","data":{"id":"ORD-AB12"}}`},
		{mercadopago.TopicSubscriptionPreapproval, "2c9380847", `{"type":"subscription_preapproval","entity":"preapproval","data":{"id":"2c9380847"}}`},
		{mercadopago.TopicSubscriptionAuthorizedPayment, "6114264375", `{"type":"subscription_authorized_payment","data":{"id":6114264375}}`},
	} {
		d := delivery{query: "?data.id=" + tc.id + "&type=" + tc.topic, sig: mercadopagotest.SignNotification(whSecret, tc.id, "req-"+tc.topic, whNow),
			reqID: "req-" + tc.topic, body: tc.body}
		_, err := v.Verify(d.request())
		require.NoError(t, err, tc.topic)
		_, err = v.Verify(d.request())
		assert.ErrorIs(t, err, paykit.ErrReplayed, tc.topic)
	}
}

func TestReplayRecordLastsUntilTheToleranceEnds(t *testing.T) {
	clk := &settable{t: whNow}
	store := paykit.NewMemoryReplayStore(0, paykit.WithReplayClock(clk.Now))
	v, err := mercadopago.NewWebhookVerifier(whSecret, mercadopago.WithWebhookClock(clk.Now), mercadopago.WithReplayStore(store))
	require.NoError(t, err)
	d := newDelivery("123456", "req-abc", whNow)
	_, err = v.Verify(d.request())
	require.NoError(t, err)

	clk.Add(mercadopago.DefaultWebhookMaxAge) // the last instant the ts is accepted
	_, err = v.Verify(d.request())
	assert.ErrorIs(t, err, paykit.ErrReplayed, "still remembered at the edge of the tolerance")
	assert.Equal(t, 1, store.Len())

	clk.Add(time.Second)
	_, err = v.Verify(d.request())
	assert.ErrorIs(t, err, mercadopago.ErrWebhookTooOld, "afterwards the age check refuses it")
	assert.Equal(t, 0, store.Len(), "and the record is gone")
}

func TestReplayWithTheAgeCheckOff(t *testing.T) {
	clk := &settable{t: whNow}
	v, err := mercadopago.NewWebhookVerifier(whSecret, mercadopago.WithWebhookClock(clk.Now), mercadopago.WithMaxAge(0))
	require.NoError(t, err)
	d := newDelivery("123456", "req-abc", whNow.Add(-72*time.Hour))
	_, err = v.Verify(d.request())
	require.NoError(t, err)
	clk.Add(23 * time.Hour)
	_, err = v.Verify(d.request())
	assert.ErrorIs(t, err, paykit.ErrReplayed, "remembered for a day")
	clk.Add(2 * time.Hour)
	_, err = v.Verify(d.request())
	assert.NoError(t, err, "the documented limit of turning the age check off")
}

func TestSharedReplayStoreAcrossReplicas(t *testing.T) {
	store := paykit.NewMemoryReplayStore(0, paykit.WithReplayClock(func() time.Time { return whNow }))
	a := newVerifier(t, mercadopago.WithReplayStore(store))
	b := newVerifier(t, mercadopago.WithReplayStore(store))
	d := newDelivery("123456", "req-abc", whNow)
	_, err := a.Verify(d.request())
	require.NoError(t, err)
	_, err = b.Verify(d.request())
	assert.ErrorIs(t, err, paykit.ErrReplayed, "the other replica refuses it")
}

func TestWithReplayStoreNil(t *testing.T) {
	_, err := mercadopago.NewWebhookVerifier(whSecret, mercadopago.WithReplayStore(nil))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "replay store")
}

func TestVerifyWithABrokenStore(t *testing.T) {
	store := &brokenStore{}
	v := newVerifier(t, mercadopago.WithReplayStore(store))
	_, err := v.Verify(newDelivery("123456", "req-abc", whNow).request())
	require.ErrorIs(t, err, paykit.ErrReplayStore)
	assert.ErrorIs(t, err, errStoreDown, "the store's error is wrapped")
	assert.NotErrorIs(t, err, paykit.ErrReplayed)

	// Only a valid notification reaches the store.
	_, err = v.Verify(newDelivery("123456", "req-abc", whNow.Add(-time.Hour)).request())
	assert.ErrorIs(t, err, mercadopago.ErrWebhookTooOld)
	assert.Equal(t, 1, store.claims)
}

func TestHandlerReplayProtection(t *testing.T) {
	fail := true
	calls := 0
	v := newVerifier(t)
	h := v.Handler(func(_ context.Context, n *mercadopago.Notification) error {
		calls++
		if fail {
			return errors.New("database down")
		}
		return nil
	})
	post := func(d delivery) int {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, d.request())
		return w.Code
	}
	d := newDelivery("123456", "req-abc", whNow)

	assert.Equal(t, http.StatusInternalServerError, post(d), "fn failed: Mercado Pago retries")
	assert.Equal(t, 1, calls)

	fail = false
	assert.Equal(t, http.StatusOK, post(d), "the retry is accepted")
	assert.Equal(t, 2, calls, "and handled")

	assert.Equal(t, http.StatusOK, post(d), "a replay is acknowledged")
	assert.Equal(t, 2, calls, "but not handled again")

	_, err := v.Verify(d.request())
	assert.ErrorIs(t, err, paykit.ErrReplayed, "Verify agrees")
}

func TestHandlerWithABrokenStore(t *testing.T) {
	calls := 0
	v := newVerifier(t, mercadopago.WithReplayStore(&brokenStore{}))
	h := v.Handler(func(context.Context, *mercadopago.Notification) error { calls++; return nil })
	w := httptest.NewRecorder()
	h.ServeHTTP(w, newDelivery("123456", "req-abc", whNow).request())
	assert.Equal(t, http.StatusServiceUnavailable, w.Code, "unrecorded: Mercado Pago must retry")
	assert.Equal(t, 0, calls, "and nothing is acted upon")
}

// releaseFails claims like a memory store but cannot release.
type releaseFails struct{ *paykit.MemoryReplayStore }

func (releaseFails) Release(context.Context, string) error { return errStoreDown }

func TestReleaseError(t *testing.T) {
	store := paykit.NewMemoryReplayStore(0, paykit.WithReplayClock(func() time.Time { return whNow }))
	v := newVerifier(t, mercadopago.WithReplayStore(releaseFails{store}))
	n, err := v.Verify(newDelivery("123456", "req-"+strconv.Itoa(1), whNow).request())
	require.NoError(t, err)
	err = v.Release(context.Background(), n)
	assert.ErrorIs(t, err, paykit.ErrReplayStore)
	assert.ErrorIs(t, err, errStoreDown)
}
