package mercadopagotest_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
)

const redirect = "https://platform.example/mp/callback"

func simApp(srv *mercadopagotest.Server) *mercadopago.OAuthApp {
	return &mercadopago.OAuthApp{ClientID: mercadopagotest.DefaultClientID, ClientSecret: mercadopagotest.DefaultClientSecret,
		RedirectURI: redirect, AuthorizationURL: srv.AuthURL()}
}

// connect runs the whole OAuth dance for one seller and returns their token.
func connect(t *testing.T, srv *mercadopagotest.Server, c *mercadopago.Client, sellerID int64) *mercadopago.OAuthToken {
	t.Helper()
	app := simApp(srv)
	start, err := c.OAuth.Start(app)
	require.NoError(t, err)
	back, err := srv.Authorize(start.URL, sellerID)
	require.NoError(t, err)
	u, err := url.Parse(back)
	require.NoError(t, err)
	code, err := mercadopago.ParseOAuthCallback(u, start.State)
	require.NoError(t, err)
	tok, err := c.OAuth.Exchange(ctx, app, code, start.PKCE.Verifier)
	require.NoError(t, err)
	return tok
}

func TestSellerConnectsAndIsPaidFor(t *testing.T) {
	srv, c := setup(t, mercadopagotest.WithOAuthApp(mercadopagotest.DefaultClientID, mercadopagotest.DefaultClientSecret, redirect))
	tok := connect(t, srv, c, 0)
	assert.Equal(t, int64(mercadopagotest.DefaultSellerID), tok.UserID)
	assert.Equal(t, int64(15552000), tok.ExpiresIn)
	assert.NotEmpty(t, tok.RefreshToken)

	me, err := c.Users.Me(ctx, mercadopago.WithAccessToken(tok.AccessToken))
	require.NoError(t, err)
	assert.Equal(t, int64(mercadopagotest.DefaultSellerID), me.ID)
	own, err := c.Users.Me(ctx)
	require.NoError(t, err)
	assert.NotEqual(t, me.ID, own.ID, "the platform's own token is another account")

	p, err := c.Payments.Create(ctx, cardPayment(token(t, srv, "APRO"), "5000"), mercadopago.WithAccessToken(tok.AccessToken))
	require.NoError(t, err)
	assert.Equal(t, mercadopago.StatusApproved, p.Status)
	seller, ok := srv.CollectorOf(p.ID)
	require.True(t, ok)
	assert.Equal(t, int64(mercadopagotest.DefaultSellerID), seller)
	got, err := c.Payments.Get(ctx, p.ID, mercadopago.WithAccessToken(tok.AccessToken))
	require.NoError(t, err)
	assert.Equal(t, p.ID, got.ID)
	_, ok = srv.CollectorOf(999)
	assert.False(t, ok)

	o, err := c.Orders.Create(ctx, cardOrder(token(t, srv, "APRO"), "700", mercadopago.ProcessAutomatic, ""), mercadopago.WithAccessToken(tok.AccessToken))
	require.NoError(t, err)
	assert.Equal(t, strconv.Itoa(mercadopagotest.DefaultSellerID), o.UserID)
	ref, err := strconv.ParseInt(o.Payment().ReferenceID, 10, 64)
	require.NoError(t, err)
	seller, ok = srv.CollectorOf(ref)
	assert.True(t, ok && seller == mercadopagotest.DefaultSellerID, "the order's payment is the seller's")
	other := srv.AddSeller("OTHER", "other@testuser.com")
	tok2 := connect(t, srv, c, other.ID)
	_, err = c.Orders.Get(ctx, o.ID, mercadopago.WithAccessToken(tok2.AccessToken))
	assert.True(t, mercadopago.IsNotFound(err), "one seller cannot read another's order")
}

func TestOAuthChecksWhatTheAPIChecks(t *testing.T) {
	srv, c := setup(t, mercadopagotest.WithOAuthApp(mercadopagotest.DefaultClientID, mercadopagotest.DefaultClientSecret, redirect))
	app := simApp(srv)
	start, err := c.OAuth.Start(app)
	require.NoError(t, err)
	back, err := srv.Authorize(start.URL, 0)
	require.NoError(t, err)
	u, _ := url.Parse(back)
	code, err := mercadopago.ParseOAuthCallback(u, start.State)
	require.NoError(t, err)

	var apiErr *mercadopago.Error
	_, err = c.OAuth.Exchange(ctx, app, code, "wrong-verifier")
	require.ErrorAs(t, err, &apiErr, "PKCE verifier checked")
	assert.Equal(t, "invalid_grant", apiErr.Code)
	bad := *app
	bad.ClientSecret = "wrong"
	_, err = c.OAuth.Exchange(ctx, &bad, code, start.PKCE.Verifier)
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "invalid_client", apiErr.Code)
	tok, err := c.OAuth.Exchange(ctx, app, code, start.PKCE.Verifier)
	require.NoError(t, err)
	_, err = c.OAuth.Exchange(ctx, app, code, start.PKCE.Verifier)
	require.ErrorAs(t, err, &apiErr, "a code is used once")

	next, err := c.OAuth.Refresh(ctx, app, tok.RefreshToken)
	require.NoError(t, err)
	assert.NotEqual(t, tok.AccessToken, next.AccessToken)
	_, err = c.OAuth.Refresh(ctx, app, tok.RefreshToken)
	require.ErrorAs(t, err, &apiErr, "the old refresh token was replaced")

	// Unregistered redirect URI, missing state: the page refuses.
	other := *app
	other.RedirectURI = "https://evil.example/cb"
	u2, err := c.OAuth.AuthorizationURL(&other, "s", nil)
	require.NoError(t, err)
	_, err = srv.Authorize(u2, 0)
	assert.Error(t, err)
	_, err = srv.Authorize(srv.AuthURL()+"?client_id="+mercadopagotest.DefaultClientID+"&response_type=code&platform_id=mp&redirect_uri="+url.QueryEscape(redirect), 0)
	assert.Error(t, err)

	// Expired seller tokens are refused; a SellerTokenSource refreshes and repeats.
	srv.ExpireSellerTokens()
	_, err = c.Users.Me(ctx, mercadopago.WithAccessToken(next.AccessToken))
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusUnauthorized, apiErr.StatusCode)
	var stored *mercadopago.OAuthToken
	src, err := c.OAuth.TokenSource(app, next, func(t *mercadopago.OAuthToken) { stored = t })
	require.NoError(t, err)
	me, err := c.Users.Me(ctx, mercadopago.WithSeller(src))
	require.NoError(t, err)
	assert.Equal(t, int64(mercadopagotest.DefaultSellerID), me.ID)
	require.NotNil(t, stored)
	assert.Equal(t, 1, src.Refreshes())
}

func TestAuthorizationPageRedirects(t *testing.T) {
	srv, c := setup(t)
	start, err := c.OAuth.Start(simApp(srv))
	require.NoError(t, err)
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Get(start.URL)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	loc, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	assert.Equal(t, "platform.example", loc.Host)
	code, err := mercadopago.ParseOAuthCallback(loc, start.State)
	require.NoError(t, err)
	tok, err := c.OAuth.Exchange(ctx, simApp(srv), code, start.PKCE.Verifier)
	require.NoError(t, err)
	assert.Equal(t, int64(mercadopagotest.DefaultSellerID), tok.UserID)
	assert.Equal(t, 1, srv.SellerTokenCount())

	resp, err = hc.Get(srv.AuthURL() + "?client_id=nope")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
}
