package fintecture

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
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

const formCT = "application/x-www-form-urlencoded"

func TestWebhookVerifyRefusesAReplay(t *testing.T) {
	v := testVerifier(t)
	ev, err := v.Verify(vectorRequest(t))
	require.NoError(t, err)

	_, err = v.Verify(vectorRequest(t))
	require.ErrorIs(t, err, paykit.ErrReplayed, "the same delivery again")
	assert.NotErrorIs(t, err, ErrInvalidWebhook, "a replay is genuine, not invalid: acknowledge it")
	assert.Contains(t, err.Error(), "fintecture: webhook")

	// The same signed lines encrypted afresh (RSA-OAEP is randomised) are
	// the same delivery.
	a := signWebhook(t, "session_id=s1&status=payment_created", formCT, testDate, nil)
	b := signWebhook(t, "session_id=s1&status=payment_created", formCT, testDate, nil)
	require.NotEqual(t, a.Header.Get("Signature"), b.Header.Get("Signature"))
	_, err = v.Verify(a)
	require.NoError(t, err)
	_, err = v.Verify(b)
	assert.ErrorIs(t, err, paykit.ErrReplayed, "re-encrypted copy")

	// Another body (another Digest) is another delivery.
	_, err = v.Verify(signWebhook(t, "session_id=s2&status=payment_created", formCT, testDate, nil))
	assert.NoError(t, err)

	// Released, the delivery is accepted again, once.
	require.NoError(t, v.Release(context.Background(), ev))
	_, err = v.Verify(vectorRequest(t))
	assert.NoError(t, err, "accepted again after Release")
	_, err = v.Verify(vectorRequest(t))
	assert.ErrorIs(t, err, paykit.ErrReplayed)

	assert.NoError(t, v.Release(context.Background(), nil))
	assert.NoError(t, v.Release(context.Background(), &Notification{}), "an event Verify did not make is ignored")
}

func TestWebhookDefaultMaxAge(t *testing.T) {
	assert.Equal(t, 12*time.Hour, DefaultWebhookMaxAge)
	v := testVerifier(t) // no WithMaxAge: the default applies
	_, err := v.Verify(signWebhook(t, "session_id=old", formCT, testDate.Add(-24*time.Hour), nil))
	require.ErrorIs(t, err, ErrWebhookTooOld, "a day-old webhook is refused by default")
	assert.ErrorIs(t, err, ErrInvalidWebhook)
	assert.Contains(t, err.Error(), "too old")

	_, err = v.Verify(signWebhook(t, "session_id=late", formCT, testDate.Add(-11*time.Hour), nil))
	assert.NoError(t, err, "a delivery delayed by hours of retries is taken")
	_, err = v.Verify(signWebhook(t, "session_id=ahead", formCT, testDate.Add(13*time.Hour), nil))
	assert.ErrorIs(t, err, ErrWebhookTooOld, "and so is one from too far ahead")
}

func TestWebhookReplayRecordLastsForTheMaxAge(t *testing.T) {
	clk := &settable{t: testDate}
	store := paykit.NewMemoryReplayStore(0, paykit.WithReplayClock(clk.Now))
	v := testVerifier(t, WithWebhookClock(clk.Now), WithReplayStore(store), WithMaxAge(2*time.Hour))
	_, err := v.Verify(vectorRequest(t))
	require.NoError(t, err)

	clk.Add(2 * time.Hour)
	_, err = v.Verify(vectorRequest(t))
	assert.ErrorIs(t, err, paykit.ErrReplayed, "remembered while the Date is within the maximum age")
	assert.Equal(t, 1, store.Len())

	clk.Add(time.Second)
	_, err = v.Verify(vectorRequest(t))
	assert.ErrorIs(t, err, ErrWebhookTooOld, "afterwards the age check refuses it")
	assert.Equal(t, 0, store.Len(), "and the record is gone")
}

func TestWebhookReplayWithTheAgeCheckOff(t *testing.T) {
	clk := &settable{t: testDate.Add(30 * 24 * time.Hour)}
	v := testVerifier(t, WithWebhookClock(clk.Now), WithMaxAge(0))
	_, err := v.Verify(vectorRequest(t))
	require.NoError(t, err, "a month-old webhook, the age check being off")
	clk.Add(23 * time.Hour)
	_, err = v.Verify(vectorRequest(t))
	assert.ErrorIs(t, err, paykit.ErrReplayed, "remembered for a day")
	clk.Add(2 * time.Hour)
	_, err = v.Verify(vectorRequest(t))
	assert.NoError(t, err, "the documented limit of turning the age check off")
}

func TestWebhookSharedReplayStore(t *testing.T) {
	store := paykit.NewMemoryReplayStore(0, paykit.WithReplayClock(func() time.Time { return testDate }))
	a := testVerifier(t, WithReplayStore(store))
	b := testVerifier(t, WithReplayStore(store))
	_, err := a.Verify(vectorRequest(t))
	require.NoError(t, err)
	_, err = b.Verify(vectorRequest(t))
	assert.ErrorIs(t, err, paykit.ErrReplayed, "the other replica refuses it")
}

func TestWebhookReplayStoreNil(t *testing.T) {
	_, err := NewWebhookVerifier(readTestdata(t, "key.pem"), WithReplayStore(nil))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "replay store")
}

func TestWebhookVerifyWithABrokenStore(t *testing.T) {
	store := &brokenStore{}
	v := testVerifier(t, WithReplayStore(store))
	_, err := v.Verify(vectorRequest(t))
	require.ErrorIs(t, err, paykit.ErrReplayStore)
	assert.ErrorIs(t, err, errStoreDown, "the store's error is wrapped")
	assert.NotErrorIs(t, err, ErrInvalidWebhook)

	// Only a valid webhook reaches the store.
	_, err = v.Verify(signWebhook(t, "a=b", formCT, testDate.Add(-24*time.Hour), nil))
	assert.ErrorIs(t, err, ErrWebhookTooOld)
	assert.Equal(t, 1, store.claims)
}

func TestWebhookHandlerReplayProtection(t *testing.T) {
	fail := true
	calls := 0
	v := testVerifier(t)
	h := v.Handler(func(context.Context, *Notification) error {
		calls++
		if fail {
			return errors.New("database down")
		}
		return nil
	})
	post := func() int {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, vectorRequest(t))
		return w.Code
	}
	assert.Equal(t, http.StatusInternalServerError, post(), "fn failed: Fintecture retries")
	assert.Equal(t, 1, calls)

	fail = false
	assert.Equal(t, http.StatusOK, post(), "the retry is accepted")
	assert.Equal(t, 2, calls, "and handled")

	assert.Equal(t, http.StatusOK, post(), "a replay is acknowledged")
	assert.Equal(t, 2, calls, "but not handled again")
}

func TestWebhookHandlerWithABrokenStore(t *testing.T) {
	calls := 0
	h := testVerifier(t, WithReplayStore(&brokenStore{})).Handler(func(context.Context, *Notification) error { calls++; return nil })
	w := httptest.NewRecorder()
	h.ServeHTTP(w, vectorRequest(t))
	assert.Equal(t, http.StatusServiceUnavailable, w.Code, "unrecorded: Fintecture must retry")
	assert.Equal(t, 0, calls, "and nothing is acted upon")
}
