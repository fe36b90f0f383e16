package etpay

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
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

var vectorLookup = lookupFor(map[string]string{"sess_7f3a": vectorSecret})

// sign makes an HS256 token of the documented claims plus extra.
func sign(t testing.TB, extra jwt.MapClaims) string {
	t.Helper()
	c := jwt.MapClaims{"session_token": "sess_7f3a", "payment_token": "pay_91c2", "payment_status": "success",
		"merchant_order_id": "OC700104", "order_amount": 2000}
	for k, v := range extra {
		c[k] = v
	}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString([]byte(vectorSecret))
	require.NoError(t, err)
	return tok
}

func notifyRequest(tok string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/etpay/notify", strings.NewReader(`{"payment":"`+tok+`"}`))
	r.Header.Set("Content-Type", "application/json")
	return r
}

func TestNotificationVerifierRefusesAReplay(t *testing.T) {
	v := mustVerifier(t, vectorLookup, justAfter)
	tok := vector(t, "issued")
	n, err := v.Verify(notifyRequest(tok))
	require.NoError(t, err)

	_, err = v.Verify(notifyRequest(tok))
	require.ErrorIs(t, err, paykit.ErrReplayed, "the same token again")
	assert.NotErrorIs(t, err, paykit.ErrReplayStore)
	assert.Equal(t, http.StatusOK, StatusFor(err), "acknowledged, not acted upon")
	assert.Contains(t, err.Error(), "etpay: notification")

	// The signature's last character carries two unused bits; a decoder
	// that ignores them reads the same signature, so the key is the
	// decoded bytes, not the text.
	sig := tok[strings.LastIndexByte(tok, '.')+1:]
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := strings.IndexByte(alphabet, sig[len(sig)-1])
	variant := tok[:len(tok)-1] + string(alphabet[last^1])
	require.NotEqual(t, tok, variant)
	if _, verr := VerifyNotification(variant, vectorSecret, justAfter); verr == nil {
		_, err = v.Verify(notifyRequest(variant))
		assert.ErrorIs(t, err, paykit.ErrReplayed, "a re-encoded signature is the same token")
	}

	// The same payment signed at another time is another delivery.
	_, err = v.Verify(notifyRequest(sign(t, jwt.MapClaims{"iat": issuedAt.Unix() + 30})))
	assert.NoError(t, err)

	// Released, the token is accepted again, once.
	require.NoError(t, v.Release(context.Background(), n))
	_, err = v.Verify(notifyRequest(tok))
	assert.NoError(t, err, "accepted again after Release")
	_, err = v.Verify(notifyRequest(tok))
	assert.ErrorIs(t, err, paykit.ErrReplayed)

	assert.NoError(t, v.Release(context.Background(), nil))
	assert.NoError(t, v.Release(context.Background(), &Notification{}), "a notification Verify did not make is ignored")
}

func TestNotificationWithoutExpOrIat(t *testing.T) {
	tok := vector(t, "valid") // the claims ETpay documents: no exp, no iat
	_, err := VerifyNotification(tok, vectorSecret)
	require.ErrorIs(t, err, ErrNoTimeClaims)
	assert.Contains(t, err.Error(), "neither exp nor iat")
	assert.Equal(t, http.StatusUnauthorized, StatusFor(err))

	v := mustVerifier(t, vectorLookup)
	_, err = v.Verify(notifyRequest(tok))
	assert.ErrorIs(t, err, ErrNoTimeClaims)

	calls := 0
	rec := httptest.NewRecorder()
	v.Handler(func(context.Context, *Notification) error { calls++; return nil }).ServeHTTP(rec, notifyRequest(tok))
	assert.Equal(t, http.StatusUnauthorized, rec.Code)
	assert.Equal(t, 0, calls)
}

func TestNotificationIatMaxAge(t *testing.T) {
	assert.Equal(t, 12*time.Hour, DefaultMaxAge)
	tok := vector(t, "issued")
	_, err := VerifyNotification(tok, vectorSecret, at(issuedAt.Add(DefaultMaxAge+DefaultLeeway)))
	assert.NoError(t, err, "at the edge of the maximum age and the leeway")

	_, err = VerifyNotification(tok, vectorSecret, at(issuedAt.Add(13*time.Hour)))
	require.ErrorIs(t, err, ErrTooOld, "an old iat")
	assert.ErrorIs(t, err, ErrExpired, "ErrTooOld is a kind of expiry")
	assert.Contains(t, err.Error(), "maximum age 12h0m0s")
	assert.Equal(t, http.StatusUnauthorized, StatusFor(err))

	_, err = VerifyNotification(tok, vectorSecret, at(issuedAt.Add(2*time.Hour)), WithMaxAge(time.Hour))
	assert.ErrorIs(t, err, ErrTooOld, "WithMaxAge shortens it")

	// exp, when present, decides instead of iat.
	withExp := sign(t, jwt.MapClaims{"iat": issuedAt.Unix(), "exp": issuedAt.Add(48 * time.Hour).Unix()})
	_, err = VerifyNotification(withExp, vectorSecret, at(issuedAt.Add(47*time.Hour)))
	assert.NoError(t, err)

	// The redirect carries the same JWT and may be loaded again later: it
	// is not held to the maximum age.
	v := mustVerifier(t, vectorLookup, at(issuedAt.Add(72*time.Hour)))
	out, err := v.VerifyRedirect(httptest.NewRequest(http.MethodGet, "/ok?jwt="+tok, nil))
	require.NoError(t, err)
	assert.Equal(t, "OC700104", out.OrderID)
}

func TestNotificationVerifierOptionErrors(t *testing.T) {
	_, err := NewWebhookVerifier(nil)
	assert.ErrorContains(t, err, "lookup must not be nil")
	_, err = NewWebhookVerifier(vectorLookup, WithReplayStore(nil))
	assert.ErrorContains(t, err, "replay store")
	_, err = NewWebhookVerifier(vectorLookup, WithMaxAge(0))
	assert.ErrorContains(t, err, "WithMaxAge")
	_, err = VerifyNotification(vector(t, "issued"), vectorSecret, WithMaxAge(-time.Hour))
	assert.ErrorContains(t, err, "WithMaxAge")
	_, err = VerifyNotification(vector(t, "issued"), vectorSecret, justAfter, WithReplayStore(paykit.NewMemoryReplayStore(0)))
	assert.ErrorContains(t, err, "keeps no record", "an option VerifyNotification cannot honour is refused, not ignored")
	assert.Panics(t, func() { NotificationHandler(vectorLookup, nil, WithReplayStore(nil)) })
}

func TestNotificationReplayRecordLifetime(t *testing.T) {
	clk := &settable{t: issuedAt}
	store := paykit.NewMemoryReplayStore(0, paykit.WithReplayClock(clk.Now))
	v := mustVerifier(t, vectorLookup, WithWebhookClock(clk.Now), WithReplayStore(store))

	// iat only: until iat + maximum age + leeway.
	tok := vector(t, "issued")
	_, err := v.Verify(notifyRequest(tok))
	require.NoError(t, err)
	clk.Add(DefaultMaxAge + DefaultLeeway)
	_, err = v.Verify(notifyRequest(tok))
	assert.ErrorIs(t, err, paykit.ErrReplayed, "remembered while the iat is fresh")
	clk.Add(time.Second)
	_, err = v.Verify(notifyRequest(tok))
	assert.ErrorIs(t, err, ErrTooOld, "afterwards the age check refuses it")
	assert.Equal(t, 0, store.Len(), "and the record is gone")

	// exp: until exp + leeway.
	exp := clk.Now().Add(time.Hour)
	withExp := sign(t, jwt.MapClaims{"exp": exp.Unix()})
	_, err = v.Verify(notifyRequest(withExp))
	require.NoError(t, err)
	clk.Add(time.Hour + DefaultLeeway - time.Second) // golang-jwt: valid while before exp + leeway
	_, err = v.Verify(notifyRequest(withExp))
	assert.ErrorIs(t, err, paykit.ErrReplayed, "remembered until exp")
	clk.Add(time.Second)
	_, err = v.Verify(notifyRequest(withExp))
	assert.ErrorIs(t, err, ErrExpired, "at exp + leeway the token is expired")
	clk.Add(time.Nanosecond)
	assert.Equal(t, 0, store.Len(), "and right after, the record is gone")
}

func TestUntimedTokensAreRememberedForTheMaxAge(t *testing.T) {
	clk := &settable{t: issuedAt}
	v := mustVerifier(t, vectorLookup, WithWebhookClock(clk.Now), WithUntimedTokens())
	tok := vector(t, "valid")
	_, err := v.Verify(notifyRequest(tok))
	require.NoError(t, err)
	clk.Add(DefaultMaxAge)
	_, err = v.Verify(notifyRequest(tok))
	assert.ErrorIs(t, err, paykit.ErrReplayed)
	clk.Add(time.Second)
	_, err = v.Verify(notifyRequest(tok))
	assert.NoError(t, err, "the documented limit of WithUntimedTokens")
}

func TestVerifyRedirectRecordsNothing(t *testing.T) {
	v := mustVerifier(t, vectorLookup, justAfter)
	tok := vector(t, "issued")
	redirect := func() error {
		_, err := v.VerifyRedirect(httptest.NewRequest(http.MethodGet, "/ok?jwt="+tok, nil))
		return err
	}
	require.NoError(t, redirect())
	require.NoError(t, redirect(), "the payer reloads the result page")
	_, err := v.Verify(notifyRequest(tok))
	assert.NoError(t, err, "the notification with the same JWT is not a replay of the redirect")
	assert.NoError(t, redirect(), "nor the redirect of the notification")
}

func TestNotificationSharedReplayStore(t *testing.T) {
	store := paykit.NewMemoryReplayStore(0, paykit.WithReplayClock(func() time.Time { return issuedAt }))
	a := mustVerifier(t, vectorLookup, justAfter, WithReplayStore(store))
	b := mustVerifier(t, vectorLookup, justAfter, WithReplayStore(store))
	_, err := a.Verify(notifyRequest(vector(t, "issued")))
	require.NoError(t, err)
	_, err = b.Verify(notifyRequest(vector(t, "issued")))
	assert.ErrorIs(t, err, paykit.ErrReplayed, "the other replica refuses it")
}

func TestNotificationHandlerReplayProtection(t *testing.T) {
	fail := true
	calls := 0
	h := NotificationHandler(vectorLookup, func(context.Context, *Notification) error {
		calls++
		if fail {
			return errors.New("database down")
		}
		return nil
	}, justAfter)
	post := func() int {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, notifyRequest(vector(t, "issued")))
		return rec.Code
	}
	assert.Equal(t, http.StatusInternalServerError, post(), "handle failed: ETpay retries")
	assert.Equal(t, 1, calls)

	fail = false
	assert.Equal(t, http.StatusOK, post(), "the retry is accepted")
	assert.Equal(t, 2, calls, "and handled")

	assert.Equal(t, http.StatusOK, post(), "a replay is acknowledged")
	assert.Equal(t, 2, calls, "but not handled again")
}

func TestNotificationHandlerWithABrokenStore(t *testing.T) {
	store := &brokenStore{}
	v := mustVerifier(t, vectorLookup, justAfter, WithReplayStore(store))
	_, err := v.Verify(notifyRequest(vector(t, "issued")))
	require.ErrorIs(t, err, paykit.ErrReplayStore)
	assert.ErrorIs(t, err, errStoreDown, "the store's error is wrapped")
	assert.Equal(t, http.StatusServiceUnavailable, StatusFor(err))

	calls := 0
	rec := httptest.NewRecorder()
	v.Handler(func(context.Context, *Notification) error { calls++; return nil }).ServeHTTP(rec, notifyRequest(vector(t, "issued")))
	assert.Equal(t, http.StatusServiceUnavailable, rec.Code, "unrecorded: ETpay must retry")
	assert.Equal(t, 0, calls, "and nothing is acted upon")

	// Only a valid notification reaches the store.
	_, err = v.Verify(notifyRequest(vector(t, "tampered")))
	assert.ErrorIs(t, err, ErrSignature)
	assert.Equal(t, 2, store.claims)
}
