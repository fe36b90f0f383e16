package mercadopagotest

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/paykit-go/paykit/internal/sim"
)

// The marketplace application the simulator knows, and its first seller.
const (
	DefaultClientID     = "4599991948843755"
	DefaultClientSecret = "simulator-client-secret-0000"
	// DefaultSellerID is the user id of the seller who connects when the
	// authorization page is visited (see Authorize).
	DefaultSellerID = 2000000001
	// AuthCodeTTL is how long an authorization code can be exchanged, once
	// (simulator's choice: the documentation says the code is short-lived).
	AuthCodeTTL = 10 * time.Minute
	// SellerTokenTTL is the lifetime of a seller's access token: the
	// expires_in of 15552000 seconds (180 days) the API answers with.
	SellerTokenTTL = 15552000 * time.Second
)

// Seller is a Mercado Pago account that can connect to the marketplace
// application through OAuth.
type Seller struct {
	ID       int64
	Nickname string
	Email    string
}

// authCode is an authorization code waiting to be exchanged.
type authCode struct {
	seller      *Seller
	redirectURI string
	challenge   string
	method      string
	expires     time.Time
	used        bool
}

// grant is what one access or refresh token stands for.
type grant struct {
	seller  *Seller
	access  string
	refresh string
	expires time.Time
}

// WithOAuthApp sets the marketplace application's credentials and the
// redirect URIs it registered (the authorization page refuses others).
func WithOAuthApp(clientID, clientSecret string, redirectURIs ...string) Option {
	return func(s *Server) {
		x := s.ext()
		x.clientID, x.secret, x.redirects = clientID, clientSecret, redirectURIs
	}
}

func (x *ext) addSeller(id int64, nickname, email string) *Seller {
	sl := &Seller{ID: id, Nickname: nickname, Email: email}
	x.sellers.Put(id, sl)
	return sl
}

// AddSeller registers another seller account that can connect.
func (s *Server) AddSeller(nickname, email string) Seller {
	s.mu.Lock()
	defer s.mu.Unlock()
	x := s.ext()
	return *x.addSeller(DefaultSellerID+int64(x.sellers.Len()), nickname, email)
}

// AuthURL is the simulator's stand-in for https://auth.mercadopago.com/authorization;
// give it to the client as OAuthApp.AuthorizationURL.
func (s *Server) AuthURL() string { return s.URL + "/authorization" }

// sellerForHeader finds the seller whose unexpired access token is in an
// Authorization header.
func (x *ext) sellerForHeader(h string, now time.Time) *Seller {
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok {
		return nil
	}
	g, ok := x.access[tok]
	if !ok || !now.Before(g.expires) {
		return nil
	}
	return g.seller
}

// Authorize plays a seller in the browser: they open authURL (the client's
// authorization URL), log in as sellerID (0 for DefaultSellerID) and agree.
// It checks the URL as the authorization page would and returns the
// redirect the browser follows: redirect_uri?code=…&state=….
func (s *Server) Authorize(authURL string, sellerID int64) (string, error) {
	u, err := url.Parse(authURL)
	if err != nil {
		return "", err
	}
	if sellerID == 0 {
		sellerID = DefaultSellerID
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.authorizeLocked(u.Query(), sellerID)
}

func (s *Server) authorizeLocked(q url.Values, sellerID int64) (string, error) {
	x := s.ext()
	switch {
	case q.Get("client_id") != x.clientID:
		return "", errors.New("unknown client_id")
	case q.Get("response_type") != "code":
		return "", errors.New("response_type must be code")
	case q.Get("platform_id") != "mp":
		return "", errors.New("platform_id must be mp")
	case q.Get("state") == "":
		return "", errors.New("state is missing") // simulator's choice: the documentation asks for one
	}
	redirect := q.Get("redirect_uri")
	ru, err := url.Parse(redirect)
	if err != nil || !ru.IsAbs() {
		return "", errors.New("redirect_uri must be an absolute URL")
	}
	if len(x.redirects) > 0 && !contains(x.redirects, redirect) {
		return "", errors.New("redirect_uri is not one the application registered")
	}
	method := q.Get("code_challenge_method")
	if q.Get("code_challenge") != "" && method != "S256" && method != "plain" {
		return "", errors.New("code_challenge_method must be S256 or plain")
	}
	sl, ok := x.sellers.Get(sellerID)
	if !ok {
		return "", errors.New("unknown seller")
	}
	code := "TG-" + sim.RandomHex(12) + "-" + strconv.FormatInt(sl.ID, 10)
	x.codes[code] = &authCode{seller: sl, redirectURI: redirect, challenge: q.Get("code_challenge"), method: method,
		expires: s.Clock.Now().Add(AuthCodeTTL)}
	back := ru.Query()
	back.Set("code", code)
	back.Set("state", q.Get("state"))
	ru.RawQuery = back.Encode()
	return ru.String(), nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// authorizeHTTP is GET /authorization: the default seller agrees at once
// and the browser is redirected to redirect_uri with the code and state.
func (s *Server) authorizeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	s.mu.Lock()
	to, err := s.authorizeLocked(r.URL.Query(), DefaultSellerID)
	s.mu.Unlock()
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	http.Redirect(w, r, to, http.StatusFound)
}

// tokenIn is the body of POST /oauth/token.
type tokenIn struct {
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	GrantType    string `json:"grant_type"`
	Code         string `json:"code"`
	RedirectURI  string `json:"redirect_uri"`
	CodeVerifier string `json:"code_verifier"`
	RefreshToken string `json:"refresh_token"`
	TestToken    *bool  `json:"test_token"`
}

func oauthError(w http.ResponseWriter, status int, code, message string) {
	apiError(w, status, code, message)
}

// token is POST /oauth/token: authorization_code and refresh_token grants.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	var in tokenIn
	if !readJSON(w, r, &in) {
		return
	}
	if hook := s.ext().tokenHook; hook != nil {
		hook(in.GrantType)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	x := s.ext()
	if subtle.ConstantTimeCompare([]byte(in.ClientID), []byte(x.clientID)) != 1 ||
		subtle.ConstantTimeCompare([]byte(in.ClientSecret), []byte(x.secret)) != 1 {
		oauthError(w, http.StatusBadRequest, "invalid_client", "invalid client_id or client_secret")
		return
	}
	now := s.Clock.Now()
	var seller *Seller
	switch in.GrantType {
	case "authorization_code":
		c, ok := x.codes[in.Code]
		if !ok || c.used || now.After(c.expires) {
			oauthError(w, http.StatusBadRequest, "invalid_grant", "invalid or expired authorization code")
			return
		}
		if in.RedirectURI != c.redirectURI {
			oauthError(w, http.StatusBadRequest, "invalid_grant", "redirect_uri does not match the authorization request")
			return
		}
		if c.challenge != "" && !pkceMatches(c.challenge, c.method, in.CodeVerifier) {
			oauthError(w, http.StatusBadRequest, "invalid_grant", "code_verifier does not match the code_challenge")
			return
		}
		c.used = true
		seller = c.seller
	case "refresh_token":
		g, ok := x.refresh[in.RefreshToken]
		if !ok {
			x.invalidGrants++
			oauthError(w, http.StatusBadRequest, "invalid_grant", "invalid refresh_token")
			return
		}
		// A refresh token is used once, as the API documents ("can only be
		// used once"): the answer carries the next one, and the spent one
		// answers invalid_grant from then on.
		delete(x.refresh, in.RefreshToken)
		x.refreshes++
		seller = g.seller
	default:
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "grant_type must be authorization_code or refresh_token")
		return
	}
	g := &grant{seller: seller, access: "APP_USR-" + sim.RandomHex(16) + "-" + strconv.FormatInt(seller.ID, 10),
		refresh: "TG-" + sim.RandomHex(16) + "-" + strconv.FormatInt(seller.ID, 10), expires: now.Add(x.sellerTTL)}
	x.access[g.access], x.refresh[g.refresh] = g, g
	sim.WriteJSON(w, http.StatusOK, map[string]any{
		"access_token": g.access, "token_type": "Bearer", "expires_in": int64(x.sellerTTL / time.Second),
		"scope": "offline_access read write", "user_id": seller.ID, "refresh_token": g.refresh,
		"public_key": "APP_USR-" + sim.RandomHex(8), "live_mode": false,
	})
}

// pkceMatches checks a code_verifier against the challenge (RFC 7636).
func pkceMatches(challenge, method, verifier string) bool {
	if verifier == "" {
		return false
	}
	want := verifier
	if method == "S256" {
		sum := sha256.Sum256([]byte(verifier))
		want = base64.RawURLEncoding.EncodeToString(sum[:])
	}
	return subtle.ConstantTimeCompare([]byte(want), []byte(challenge)) == 1
}

// WithSellerTokenTTL sets the lifetime of the seller access tokens the
// OAuth endpoint issues (default SellerTokenTTL, the documented 180 days),
// so a test can make them expire while it runs. A duration that is not
// positive keeps the default.
func WithSellerTokenTTL(d time.Duration) Option {
	return func(s *Server) {
		if d > 0 {
			s.ext().sellerTTL = d
		}
	}
}

// WithTokenHook calls hook at the start of every POST /oauth/token with
// its grant_type, before the grant is checked and outside the server's
// lock: a test blocks in it to hold a refresh in flight (a replica paused
// mid-refresh).
func WithTokenHook(hook func(grantType string)) Option {
	return func(s *Server) { s.ext().tokenHook = hook }
}

// SellerRefreshes is how many refresh_token grants the server answered with
// a new pair.
func (s *Server) SellerRefreshes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ext().refreshes
}

// InvalidGrants is how many refresh_token grants the server refused with
// invalid_grant (an unknown or already spent refresh token).
func (s *Server) InvalidGrants() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ext().invalidGrants
}

// SellerTokenCount is how many seller access tokens the server has issued.
func (s *Server) SellerTokenCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.ext().access)
}

// ExpireSellerTokens makes every seller access token issued so far stale,
// as if its 180 days had passed; the API then answers 401 to it.
func (s *Server) ExpireSellerTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, g := range s.ext().access {
		g.expires = time.Time{}
	}
}

// usersMe is GET /users/me: the account behind the token.
func (s *Server) usersMe(w http.ResponseWriter, r *http.Request) {
	id, nick, email := int64(simUserID), "TESTSIMULATOR", "test_user_simulator@testuser.com"
	if sl := sellerOf(r); sl != nil {
		id, nick, email = sl.ID, sl.Nickname, sl.Email
	}
	sim.WriteJSON(w, http.StatusOK, map[string]any{
		"id": id, "nickname": nick, "registration_date": "2024-03-27T20:26:10.298-04:00",
		"first_name": "Test", "last_name": "Test", "gender": "", "country_id": "CL", "email": email,
		"site_id": "MLC", "user_type": "normal", "status": map[string]any{"site_status": "active"},
	})
}
