package mercadopago

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/paykit-go/paykit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	testSellerToken   = "APP_USR-4599991948843755-102110-3c8b5ffd2d0a5d56a4ebd1e1b1f5e8b1-2000000001"
	testRefreshToken  = "TG-6716a1e4b0c1fa0001f3e1c2-2000000001"
	testClientSecret  = "planted-client-secret-7731"
	testRedirect      = "https://shop.example/mp/callback"
	testClientID      = "4599991948843755"
	sellerTokenSuffix = "3c8b5ffd2d0a5d56a4ebd1e1b1f5e8b1"
)

func testApp() *OAuthApp {
	return &OAuthApp{ClientID: testClientID, ClientSecret: testClientSecret, RedirectURI: testRedirect}
}

var fixedNow = time.Date(2026, 1, 5, 12, 0, 0, 0, time.UTC)

func TestOAuthAuthorizationURL(t *testing.T) {
	c, _ := newMocked(t)
	p := PKCE{Verifier: "v", Challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", Method: "S256"}
	u, err := c.OAuth.AuthorizationURL(testApp(), "st-1", &p)
	require.NoError(t, err)
	pu, err := url.Parse(u)
	require.NoError(t, err)
	assert.Equal(t, "https", pu.Scheme)
	assert.Equal(t, "auth.mercadopago.com", pu.Host)
	assert.Equal(t, "/authorization", pu.Path)
	assert.Equal(t, url.Values{"client_id": {testClientID}, "response_type": {"code"}, "platform_id": {"mp"}, "state": {"st-1"},
		"redirect_uri": {testRedirect}, "code_challenge": {p.Challenge}, "code_challenge_method": {"S256"}}, pu.Query())
	assert.NotContains(t, u, testClientSecret)

	u, err = c.OAuth.AuthorizationURL(&OAuthApp{ClientID: "1", RedirectURI: testRedirect, AuthorizationURL: "http://127.0.0.1:9/authorization"}, "s", nil)
	require.NoError(t, err)
	assert.Equal(t, "http://127.0.0.1:9/authorization?client_id=1&platform_id=mp&redirect_uri=https%3A%2F%2Fshop.example%2Fmp%2Fcallback&response_type=code&state=s", u)

	for _, tt := range []struct {
		app   *OAuthApp
		state string
		pkce  *PKCE
		field string
	}{
		{nil, "s", nil, "oauth app"},
		{&OAuthApp{RedirectURI: testRedirect}, "s", nil, "client_id"},
		{&OAuthApp{ClientID: "1", RedirectURI: "/cb"}, "s", nil, "redirect_uri"},
		{&OAuthApp{ClientID: "1", RedirectURI: "https://x.example/cb#frag"}, "s", nil, "redirect_uri"},
		{testApp(), " ", nil, "state"},
		{testApp(), "s", &PKCE{Challenge: "c", Method: "MD5"}, "code_challenge"},
		{&OAuthApp{ClientID: "1", RedirectURI: testRedirect, AuthorizationURL: "not a url"}, "s", nil, "authorization_url"},
	} {
		_, err := c.OAuth.AuthorizationURL(tt.app, tt.state, tt.pkce)
		var ve *paykit.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, tt.field, ve.Field)
	}
}

func TestOAuthStartMakesFreshStateAndPKCE(t *testing.T) {
	c, _ := newMocked(t)
	a, err := c.OAuth.Start(testApp())
	require.NoError(t, err)
	b, err := c.OAuth.Start(testApp())
	require.NoError(t, err)
	assert.NotEqual(t, a.State, b.State)
	assert.NotEqual(t, a.PKCE.Verifier, b.PKCE.Verifier)
	assert.Len(t, a.PKCE.Verifier, 43)
	q, _ := url.Parse(a.URL)
	assert.Equal(t, a.State, q.Query().Get("state"))
	assert.Equal(t, a.PKCE.Challenge, q.Query().Get("code_challenge"))
	assert.NotContains(t, a.URL, a.PKCE.Verifier)
	// The challenge is base64url(SHA-256(verifier)) without padding (RFC 7636 §4.2).
	sum := sha256.Sum256([]byte(a.PKCE.Verifier))
	assert.Equal(t, base64.RawURLEncoding.EncodeToString(sum[:]), a.PKCE.Challenge)
	assert.Equal(t, "S256", a.PKCE.Method)
	for _, s := range []string{fmt.Sprint(a.PKCE), fmt.Sprintf("%#v %+v", a.PKCE, a.PKCE)} {
		assert.NotContains(t, s, a.PKCE.Verifier)
	}
}

func TestParseOAuthCallback(t *testing.T) {
	mk := func(q string) *url.URL { u, _ := url.Parse(testRedirect + "?" + q); return u }
	code, err := ParseOAuthCallback(mk("code=TG-abc-123&state=st-1"), "st-1")
	require.NoError(t, err)
	assert.Equal(t, "TG-abc-123", code)

	for _, tt := range []struct {
		q, want string
		is      error
	}{
		{"code=TG-1&state=other", "st-1", ErrOAuthStateMismatch},
		{"code=TG-1", "st-1", ErrOAuthStateMismatch},
		{"code=TG-1&state=", "", ErrOAuthStateMismatch},
		{"error=access_denied&state=st-1", "st-1", ErrOAuthDenied},
		{"error=access_denied&state=evil", "st-1", ErrOAuthStateMismatch},
		{"state=st-1", "st-1", ErrOAuthMissingCode},
		{"state=st-1&code=%zz", "st-1", ErrOAuthMissingCode},
		{"state=st-1&code=" + strings.Repeat("a", 2000), "st-1", ErrOAuthMissingCode},
	} {
		_, err := ParseOAuthCallback(mk(tt.q), tt.want)
		assert.ErrorIs(t, err, tt.is, tt.q)
	}
	_, err = ParseOAuthCallback(nil, "x")
	assert.ErrorIs(t, err, ErrOAuthMissingCode)
}

func FuzzParseOAuthCallback(f *testing.F) {
	f.Add("code=TG-1&state=s", "s")
	f.Add("error=access_denied&state=s&error_description=%E2%80%AE", "s")
	f.Add("state=%zz&code=1", "")
	f.Fuzz(func(t *testing.T, rawQuery, want string) {
		code, err := ParseOAuthCallback(&url.URL{RawQuery: rawQuery}, want)
		if err == nil && (code == "" || want == "") {
			t.Fatalf("accepted %q with state %q", rawQuery, want)
		}
	})
}

func TestOAuthExchange(t *testing.T) {
	c, mt := newMocked(t, WithClock(func() time.Time { return fixedNow }))
	rec := &recorder{}
	mt.RegisterResponder(http.MethodPost, testBase+"/oauth/token", rec.responder(200, fixture(t, "oauth_token.json"), nil))
	tok, err := c.OAuth.Exchange(context.Background(), testApp(), "TG-code-1", "verifier-1")
	require.NoError(t, err)
	got := rec.last(t)
	assert.Equal(t, http.MethodPost, got.Method)
	assert.Equal(t, "/oauth/token", got.Path)
	assert.Empty(t, got.Header.Get("Authorization"), "the token call authenticates with the client secret in the body")
	assert.NotEmpty(t, got.Header.Get(IdempotencyHeader))
	assert.Equal(t, "application/json", got.Header.Get("Content-Type"))
	assert.Equal(t, `{"client_id":"4599991948843755","client_secret":"planted-client-secret-7731","grant_type":"authorization_code",`+
		`"code":"TG-code-1","redirect_uri":"https://shop.example/mp/callback","code_verifier":"verifier-1"}`, string(got.Body))
	assert.Equal(t, testSellerToken, tok.AccessToken)
	assert.Equal(t, testRefreshToken, tok.RefreshToken)
	assert.Equal(t, int64(2000000001), tok.UserID)
	assert.Equal(t, "offline_access payments read write", tok.Scope)
	assert.True(t, tok.LiveMode)
	assert.Equal(t, fixedNow.Add(15552000*time.Second), tok.Expiry)
	assert.Empty(t, tok.Unparsed)

	var logBuf bytes.Buffer
	slog.New(slog.NewTextHandler(&logBuf, nil)).Info("tok", "t", tok, "app", *testApp())
	for _, s := range []string{fmt.Sprint(tok), fmt.Sprintf("%v %+v %#v %s %q %x", tok, tok, tok, tok, tok, tok), logBuf.String(),
		fmt.Sprintf("%v %+v %#v %s", *testApp(), *testApp(), *testApp(), testApp())} {
		assert.NotContains(t, s, sellerTokenSuffix)
		assert.NotContains(t, s, "6716a1e4b0c1fa0001f3e1c2")
		assert.NotContains(t, s, testClientSecret)
	}
	assert.Contains(t, tok.String(), "user 2000000001")
}

func TestOAuthRefreshAndValidation(t *testing.T) {
	c, mt := newMocked(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodPost, testBase+"/oauth/token", rec.responder(200, fixture(t, "oauth_token.json"), nil))
	_, err := c.OAuth.Refresh(context.Background(), testApp(), testRefreshToken)
	require.NoError(t, err)
	assert.Equal(t, `{"client_id":"4599991948843755","client_secret":"planted-client-secret-7731","grant_type":"refresh_token",`+
		`"refresh_token":"TG-6716a1e4b0c1fa0001f3e1c2-2000000001"}`, string(rec.last(t).Body))

	ctx := context.Background()
	for _, call := range []func() error{
		func() error { _, err := c.OAuth.Refresh(ctx, testApp(), ""); return err },
		func() error { _, err := c.OAuth.Exchange(ctx, testApp(), " ", ""); return err },
		func() error {
			_, err := c.OAuth.Exchange(ctx, &OAuthApp{ClientID: "1", RedirectURI: testRedirect}, "code", "")
			return err
		},
		func() error { _, err := c.OAuth.TokenSource(testApp(), nil, nil); return err },
	} {
		assert.ErrorAs(t, call(), new(*paykit.ValidationError))
	}
	assert.Equal(t, 1, rec.count())
}

func TestOAuthTokenErrorsAndDrift(t *testing.T) {
	c, mt := newMocked(t, WithMaxRetries(0))
	mt.RegisterResponder(http.MethodPost, testBase+"/oauth/token", (&recorder{}).responder(400,
		[]byte(`{"error_description":"invalid_grant","error":"invalid_grant","status":400,"cause":[]}`), nil))
	_, err := c.OAuth.Exchange(context.Background(), testApp(), "TG-used", "")
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "invalid_grant", e.Code)
	assert.NotContains(t, err.Error(), testClientSecret)

	c2, mt2 := newMocked(t)
	mt2.RegisterResponder(http.MethodPost, testBase+"/oauth/token", (&recorder{}).responder(200,
		[]byte(`{"token_type":"bearer","echo":"`+testClientSecret+` TG-code-77"}`), nil))
	_, err = c2.OAuth.Exchange(context.Background(), testApp(), "TG-code-77", "", WithIdempotencyKey("oauth-key-1"))
	require.Error(t, err, "an answer without a token is an error")
	assert.Contains(t, err.Error(), "no access_token")
	// The error is built as the transport's own are: every field, an
	// excerpt redacted with the call's secrets, the package's decodeError.
	require.ErrorAs(t, err, &e)
	assert.Equal(t, http.MethodPost, e.Method)
	assert.Equal(t, "/oauth/token", e.Path)
	assert.Equal(t, 200, e.StatusCode)
	assert.Equal(t, "req-200", e.RequestID)
	assert.Equal(t, "req-200", e.Header.Get("X-Request-Id"))
	assert.Equal(t, "oauth-key-1", e.IdempotencyKey)
	assert.Equal(t, 1, e.Attempts)
	assert.Contains(t, e.Excerpt, `"token_type":"bearer"`)
	for _, out := range []string{err.Error(), e.Excerpt, fmt.Sprintf("%+v", err)} {
		assert.NotContains(t, out, testClientSecret)
		assert.NotContains(t, out, "TG-code-77")
	}
}

func TestOAuthTokenDrifted(t *testing.T) {
	c, mt := newMocked(t)
	mt.RegisterResponder(http.MethodPost, testBase+"/oauth/token", (&recorder{}).responder(200, fixture(t, "oauth_token_drifted.json"), nil))
	tok, err := c.OAuth.Exchange(context.Background(), testApp(), "TG-1", "")
	require.NoError(t, err)
	assert.Equal(t, testSellerToken, tok.AccessToken)
	assert.Equal(t, int64(15552000), tok.ExpiresIn, "numeric string")
	assert.Equal(t, int64(2000000001), tok.UserID)
	assert.False(t, tok.LiveMode)
	assert.Empty(t, tok.Scope)
	assert.Equal(t, []string{"scope"}, tok.Unparsed)
}

func TestWithAccessTokenActsForTheSeller(t *testing.T) {
	c, mt := newMocked(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"/users/me", rec.responder(200, fixture(t, "user_me.json"), nil))
	u, err := c.Users.Me(context.Background(), WithAccessToken(testSellerToken))
	require.NoError(t, err)
	assert.Equal(t, "Bearer "+testSellerToken, rec.last(t).Header.Get("Authorization"))
	assert.Equal(t, int64(1340175910), u.ID)
	assert.Equal(t, "TEST_USER_658045679", u.Nickname)
	assert.Equal(t, "MLC", u.SiteID)
	assert.Equal(t, time.Date(2023, 3, 28, 0, 26, 10, 298e6, time.UTC), u.RegistrationDate.UTC())

	_, err = c.Users.Me(context.Background())
	require.NoError(t, err)
	assertCommonHeaders(t, rec.last(t))
	assert.Nil(t, rec.last(t).Body)

	for _, bad := range []string{"", "  ", "a b", "tok\r\nX-Evil: 1"} {
		_, err := c.Users.Me(context.Background(), WithAccessToken(bad))
		require.Error(t, err, "%q", bad)
		assert.Contains(t, err.Error(), "access token")
	}
	_, err = c.Users.Me(context.Background(), WithSeller(nil))
	require.Error(t, err)
	assert.Equal(t, 2, rec.count(), "bad credentials send nothing")
}

func TestUsersMeDrifted(t *testing.T) {
	c, mt := newMocked(t)
	mt.RegisterResponder(http.MethodGet, testBase+"/users/me", (&recorder{}).responder(200, fixture(t, "user_me_drifted.json"), nil))
	u, err := c.Users.Me(context.Background())
	require.NoError(t, err)
	assert.Equal(t, int64(1340175910), u.ID)
	assert.Equal(t, "42", u.Nickname)
	assert.True(t, u.RegistrationDate.IsZero())
	assert.Equal(t, []string{"registration_date"}, u.Unparsed)
}

// TestSellerTokenSourceRefreshesOnce: many goroutines act for a seller
// whose token has expired; one refresh runs, every call uses its token,
// and onRefresh sees the new token once.
func TestSellerTokenSourceRefreshesOnce(t *testing.T) {
	now := fixedNow
	var clockMu sync.Mutex
	clock := func() time.Time { clockMu.Lock(); defer clockMu.Unlock(); return now }
	c, mt := newMocked(t, WithClock(clock))
	var refreshes atomic.Int32
	mt.RegisterResponder(http.MethodPost, testBase+"/oauth/token", func(r *http.Request) (*http.Response, error) {
		refreshes.Add(1)
		time.Sleep(20 * time.Millisecond) // let the other goroutines pile up
		return httpmock.NewStringResponse(200, `{"access_token":"APP_USR-fresh-token-2","token_type":"Bearer","expires_in":21600,`+
			`"user_id":2000000001,"refresh_token":"TG-next-refresh-2"}`), nil
	})
	var mu sync.Mutex
	seen := map[string]int{}
	mt.RegisterResponder(http.MethodGet, testBase+"/users/me", func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		seen[r.Header.Get("Authorization")]++
		mu.Unlock()
		if r.Header.Get("Authorization") != "Bearer APP_USR-fresh-token-2" {
			return httpmock.NewStringResponse(401, `{"message":"invalid_token","status":401}`), nil
		}
		return httpmock.NewStringResponse(200, `{"id":2000000001}`), nil
	})
	var stored []*OAuthToken
	src, err := c.OAuth.TokenSource(testApp(), &OAuthToken{AccessToken: testSellerToken, RefreshToken: testRefreshToken, Expiry: now.Add(time.Hour)},
		func(t *OAuthToken) { mu.Lock(); stored = append(stored, t); mu.Unlock() })
	require.NoError(t, err)

	// The first call uses the token as given; the API refuses it (revoked),
	// the source refreshes once and the call is repeated.
	u, err := c.Users.Me(context.Background(), WithSeller(src))
	require.NoError(t, err)
	assert.Equal(t, int64(2000000001), u.ID)
	assert.Equal(t, 1, seen["Bearer "+testSellerToken])
	assert.Equal(t, int32(1), refreshes.Load())

	// Hours later the fresh token nears its expiry: 20 goroutines, one refresh.
	clockMu.Lock()
	now = now.Add(6 * time.Hour)
	clockMu.Unlock()
	mt.RegisterResponder(http.MethodPost, testBase+"/oauth/token", func(r *http.Request) (*http.Response, error) {
		refreshes.Add(1)
		time.Sleep(20 * time.Millisecond)
		return httpmock.NewStringResponse(200, `{"access_token":"APP_USR-fresh-token-2","expires_in":21600,"refresh_token":"TG-next-refresh-3"}`), nil
	})
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.Users.Me(context.Background(), WithSeller(src))
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, int32(2), refreshes.Load(), "one refresh for all 20 callers")
	assert.Equal(t, 2, src.Refreshes())
	require.Len(t, stored, 2)
	assert.Equal(t, "TG-next-refresh-3", stored[1].RefreshToken, "the rotated refresh token is handed over for storage")
	cur, err := src.Token(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "TG-next-refresh-3", cur.RefreshToken)
	for _, s := range []string{fmt.Sprint(src), fmt.Sprintf("%#v %+v", src, src)} {
		assert.NotContains(t, s, "fresh-token")
	}

	// A source whose token cannot be refreshed says so.
	noRefresh, err := c.OAuth.TokenSource(testApp(), &OAuthToken{AccessToken: "APP_USR-old", Expiry: now.Add(-time.Minute)}, nil)
	require.NoError(t, err)
	_, err = c.Users.Me(context.Background(), WithSeller(noRefresh))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no refresh token")
	assert.False(t, errors.Is(err, context.Canceled))
}

func TestOAuthRefreshNeedsNoRedirectURI(t *testing.T) {
	c, mt := newMocked(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodPost, testBase+"/oauth/token", rec.responder(200, fixture(t, "oauth_token.json"), nil))
	app := &OAuthApp{ClientID: testClientID, ClientSecret: testClientSecret}
	_, err := c.OAuth.Refresh(context.Background(), app, testRefreshToken)
	require.NoError(t, err, "a background refresh needs the client id and secret only")
	_, err = c.OAuth.TokenSource(app, &OAuthToken{AccessToken: "APP_USR-1"}, nil)
	require.NoError(t, err)
	_, err = c.OAuth.Exchange(context.Background(), app, "TG-1", "")
	var ve *paykit.ValidationError
	require.ErrorAs(t, err, &ve, "the code exchange repeats the redirect URI")
	assert.Equal(t, "redirect_uri", ve.Field)
	_, err = c.OAuth.Refresh(context.Background(), &OAuthApp{ClientID: testClientID, ClientSecret: testClientSecret, RedirectURI: "/relative"}, testRefreshToken)
	require.ErrorAs(t, err, &ve, "a redirect URI that is given must still be valid")
	assert.Equal(t, 1, rec.count())
}

// A seller's token or an OAuth credential echoed in an error body never
// reaches the error text or the log.
func TestSellerCredentialsEchoedInErrorsAreRedacted(t *testing.T) {
	var logBuf bytes.Buffer
	c, mt := newMocked(t, WithMaxRetries(0), WithLogger(slog.New(slog.NewTextHandler(&logBuf, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	mt.RegisterResponder(http.MethodGet, testBase+"/users/me", (&recorder{}).responder(401,
		[]byte(`<html>token `+testSellerToken+` is not valid</html>`), nil))
	mt.RegisterResponder(http.MethodPost, testBase+"/oauth/token", (&recorder{}).responder(400,
		[]byte(`<html>bad grant: `+testRefreshToken+` for secret `+testClientSecret+`</html>`), nil))
	_, err1 := c.Users.Me(context.Background(), WithAccessToken(testSellerToken))
	require.Error(t, err1)
	_, err2 := c.OAuth.Refresh(context.Background(), testApp(), testRefreshToken)
	require.Error(t, err2)
	src, err := c.OAuth.TokenSource(testApp(), &OAuthToken{AccessToken: testSellerToken, RefreshToken: testRefreshToken}, nil)
	require.NoError(t, err)
	_, err3 := c.Users.Me(context.Background(), WithSeller(src))
	require.Error(t, err3)
	for _, s := range []string{err1.Error(), err2.Error(), err3.Error(), fmt.Sprintf("%+v %#v", err1, err2), logBuf.String()} {
		assert.NotContains(t, s, sellerTokenSuffix)
		assert.NotContains(t, s, "6716a1e4b0c1fa0001f3e1c2")
		assert.NotContains(t, s, testClientSecret)
	}
	assert.Contains(t, err1.Error(), "[redacted]", "the excerpt is kept, redacted")
}
