package mercadopago

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/reqopt"
	"github.com/paykit-go/paykit/internal/transport"
)

// DefaultAuthorizationURL is the page a seller visits to connect their
// Mercado Pago account to a marketplace application.
// See https://www.mercadopago.com/developers/en/docs/security/oauth/creation
const DefaultAuthorizationURL = "https://auth.mercadopago.com/authorization"

// OAuth callback errors. ParseOAuthCallback's errors match one of them with errors.Is.
var (
	// ErrOAuthStateMismatch: the callback's state is missing or is not the
	// one this seller's session started with (a forged or replayed callback).
	ErrOAuthStateMismatch = errors.New("mercadopago: oauth: state does not match")
	// ErrOAuthDenied: the seller did not grant access (the callback carries
	// an error instead of a code).
	ErrOAuthDenied = errors.New("mercadopago: oauth: the seller did not grant access")
	// ErrOAuthMissingCode: the callback has neither a code nor an error.
	ErrOAuthMissingCode = errors.New("mercadopago: oauth: callback carries no code")
)

// OAuthApp is a marketplace application's OAuth credentials: the client id
// and client secret of "Your integrations → Application details", and the
// redirect URI registered there. The secret never appears in fmt, %#v or
// slog output.
type OAuthApp struct {
	// ClientID is the application's id (APP_ID). Required.
	ClientID string
	// ClientSecret is the application's client secret. Required for the token calls.
	ClientSecret string
	// RedirectURI is where Mercado Pago sends the seller back; it must be
	// the one registered for the application. Required.
	RedirectURI string
	// AuthorizationURL replaces DefaultAuthorizationURL (a simulator).
	AuthorizationURL string
}

// String keeps the client secret out of fmt output.
func (a OAuthApp) String() string {
	return "mercadopago.OAuthApp{ClientID: " + a.ClientID + ", ClientSecret: [redacted], RedirectURI: " + a.RedirectURI + "}"
}

// GoString keeps the client secret out of %#v output.
func (a OAuthApp) GoString() string { return a.String() }

// LogValue keeps the client secret out of slog records.
func (a OAuthApp) LogValue() slog.Value { return slog.StringValue(a.String()) }

// Format prints String for every verb, so no verb reaches the secret.
func (a OAuthApp) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, a.String()) }

func (a *OAuthApp) check(needSecret, needRedirect bool) error {
	if a == nil {
		return invalid("oauth app", "must not be nil")
	}
	if strings.TrimSpace(a.ClientID) == "" {
		return invalid("client_id", "must not be empty")
	}
	if needSecret && strings.TrimSpace(a.ClientSecret) == "" {
		return invalid("client_secret", "must not be empty")
	}
	if !needRedirect && a.RedirectURI == "" {
		return nil
	}
	u, err := url.Parse(a.RedirectURI)
	if err != nil || !u.IsAbs() || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Fragment != "" {
		return invalid("redirect_uri", "must be an absolute http(s) URL without a fragment")
	}
	return nil
}

// PKCE is a Proof Key for Code Exchange pair (RFC 7636). Mercado Pago
// checks it when the application has "PKCE verification" turned on: the
// challenge goes in the authorization URL, the verifier with the code.
// Keep the verifier with the seller's session; it never prints.
//
// Unsure: the guide's excerpts read for this package say PKCE exists and
// is switched on per application, but do not show the parameter names;
// RFC 7636's names (code_challenge, code_challenge_method, code_verifier)
// are used.
type PKCE struct {
	// Verifier is the secret sent with the code (43 characters).
	Verifier string
	// Challenge is base64url(SHA-256(Verifier)), sent in the authorization URL.
	Challenge string
	// Method is "S256".
	Method string
}

// NewPKCE makes a fresh S256 pair from 32 random bytes.
func NewPKCE() (PKCE, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return PKCE{}, err
	}
	v := base64.RawURLEncoding.EncodeToString(b)
	sum := sha256.Sum256([]byte(v))
	return PKCE{Verifier: v, Challenge: base64.RawURLEncoding.EncodeToString(sum[:]), Method: "S256"}, nil
}

// String keeps the verifier out of fmt output.
func (p PKCE) String() string {
	return "mercadopago.PKCE{Verifier: [redacted], Method: " + p.Method + "}"
}

// GoString keeps the verifier out of %#v output.
func (p PKCE) GoString() string { return p.String() }

// Format prints String for every verb.
func (p PKCE) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, p.String()) }

// LogValue keeps the verifier out of slog records.
func (p PKCE) LogValue() slog.Value { return slog.StringValue(p.String()) }

// OAuthStart is what begins one seller's connection: the URL to send them
// to, and the state and PKCE verifier to keep in their session until the
// callback comes back.
type OAuthStart struct {
	URL   string
	State string
	PKCE  PKCE
}

// OAuthToken is a seller's credentials from POST /oauth/token. AccessToken
// acts for the seller (WithAccessToken, WithSeller); RefreshToken gets a new
// one. Neither ever prints: String, GoString, Format and LogValue redact.
// See https://www.mercadopago.com/developers/en/reference/oauth/_oauth_token/post
type OAuthToken struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	Scope        string `json:"scope"`
	UserID       int64  `json:"user_id"`
	RefreshToken string `json:"refresh_token"`
	PublicKey    string `json:"public_key"`
	LiveMode     bool   `json:"live_mode"`

	// Expiry is when the access token stops working: the client's clock
	// when the answer came plus ExpiresIn (zero when ExpiresIn was not given).
	Expiry time.Time `json:"-"`
	// Meta tells how the call went.
	paykit.Meta `json:"-"`
	// Unparsed names the fields that arrived in a shape that could not be read.
	Unparsed []string `json:"-"`
}

// String describes the token without its secrets.
func (t OAuthToken) String() string {
	return fmt.Sprintf("mercadopago.OAuthToken{user %d, scope %q, expiry %s, [redacted]}", t.UserID, t.Scope, t.Expiry.Format(time.RFC3339))
}

// GoString keeps the secrets out of %#v output.
func (t OAuthToken) GoString() string { return t.String() }

// Format prints String for every verb, so no verb reaches the secrets.
func (t OAuthToken) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, t.String()) }

// LogValue keeps the secrets out of slog records.
func (t OAuthToken) LogValue() slog.Value { return slog.StringValue(t.String()) }

// OAuthService is c.OAuth: marketplace OAuth (connect sellers, exchange and
// refresh their tokens). The token calls authenticate with the app's client
// secret in the body, not with the client's access token.
type OAuthService struct{ c *Client }

// Start makes a fresh state and PKCE pair and the authorization URL that
// carries them. Store State and PKCE.Verifier in the seller's session.
func (s *OAuthService) Start(app *OAuthApp) (*OAuthStart, error) {
	st := make([]byte, 24)
	if _, err := rand.Read(st); err != nil {
		return nil, err
	}
	p, err := NewPKCE()
	if err != nil {
		return nil, err
	}
	state := base64.RawURLEncoding.EncodeToString(st)
	u, err := s.AuthorizationURL(app, state, &p)
	if err != nil {
		return nil, err
	}
	return &OAuthStart{URL: u, State: state, PKCE: p}, nil
}

// AuthorizationURL builds the URL a seller visits to connect:
// client_id, response_type=code, platform_id=mp, state, redirect_uri and,
// when pkce is not nil, code_challenge and code_challenge_method.
// See https://www.mercadopago.com/developers/en/docs/security/oauth/creation
func (s *OAuthService) AuthorizationURL(app *OAuthApp, state string, pkce *PKCE) (string, error) {
	if err := app.check(false, true); err != nil {
		return "", err
	}
	if strings.TrimSpace(state) == "" {
		return "", invalid("state", "must not be empty: it ties the callback to this seller's session")
	}
	base := app.AuthorizationURL
	if base == "" {
		base = DefaultAuthorizationURL
	}
	u, err := url.Parse(base)
	if err != nil || !u.IsAbs() {
		return "", invalid("authorization_url", "must be an absolute URL")
	}
	q := url.Values{"client_id": {app.ClientID}, "response_type": {"code"}, "platform_id": {"mp"},
		"state": {state}, "redirect_uri": {app.RedirectURI}}
	if pkce != nil {
		if pkce.Challenge == "" || (pkce.Method != "S256" && pkce.Method != "plain") {
			return "", invalid("code_challenge", "must be set with method S256 or plain (use NewPKCE)")
		}
		q.Set("code_challenge", pkce.Challenge)
		q.Set("code_challenge_method", pkce.Method)
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// maxCallbackValue bounds the code and state read from a callback.
const maxCallbackValue = 1024

// ParseOAuthCallback reads the redirect Mercado Pago sends the seller back
// with (redirect_uri?code=…&state=…) and returns the code once the state is
// the one the session stored (compared in constant time). A refusal
// (error=…) returns ErrOAuthDenied; a missing or different state
// ErrOAuthStateMismatch. It never panics on hostile input.
func ParseOAuthCallback(u *url.URL, wantState string) (string, error) {
	if u == nil {
		return "", ErrOAuthMissingCode
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return "", fmt.Errorf("%w: malformed query", ErrOAuthMissingCode)
	}
	state := q.Get("state")
	if wantState == "" || len(state) > maxCallbackValue ||
		subtle.ConstantTimeCompare([]byte(state), []byte(wantState)) != 1 {
		return "", ErrOAuthStateMismatch
	}
	if e := q.Get("error"); e != "" {
		return "", fmt.Errorf("%w: %s", ErrOAuthDenied, transport.CleanText(e, nil, 100))
	}
	code := q.Get("code")
	if code == "" || len(code) > maxCallbackValue {
		return "", ErrOAuthMissingCode
	}
	return code, nil
}

// tokenRequest is the body of POST /oauth/token.
type tokenRequest struct {
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	GrantType    string `json:"grant_type"`
	Code         string `json:"code,omitempty"`
	RedirectURI  string `json:"redirect_uri,omitempty"`
	CodeVerifier string `json:"code_verifier,omitempty"`
	RefreshToken string `json:"refresh_token,omitempty"`
}

// Exchange trades the callback's code for the seller's token (POST
// /oauth/token, grant_type authorization_code). codeVerifier is the PKCE
// verifier from Start ("" when PKCE is not used). The code works once: a
// repeat of the call cannot create a second grant, so the call is retried
// like a read.
// See https://www.mercadopago.com/developers/en/reference/oauth/_oauth_token/post
func (s *OAuthService) Exchange(ctx context.Context, app *OAuthApp, code, codeVerifier string, opts ...paykit.RequestOption) (*OAuthToken, error) {
	if err := app.check(true, true); err != nil {
		return nil, err
	}
	if strings.TrimSpace(code) == "" {
		return nil, invalid("code", "must not be empty")
	}
	return s.token(ctx, transport.Op{Name: "mercadopago.OAuth.Exchange", Route: "/oauth/token"}, &tokenRequest{ClientID: app.ClientID, ClientSecret: app.ClientSecret, GrantType: "authorization_code",
		Code: code, RedirectURI: app.RedirectURI, CodeVerifier: codeVerifier}, opts)
}

// Refresh gets a new token for a seller (POST /oauth/token, grant_type
// refresh_token). Store the answer's RefreshToken: it replaces the old one.
// Use a SellerTokenSource to have this done once however many goroutines
// need the token.
func (s *OAuthService) Refresh(ctx context.Context, app *OAuthApp, refreshToken string, opts ...paykit.RequestOption) (*OAuthToken, error) {
	if err := app.check(true, false); err != nil {
		return nil, err
	}
	if strings.TrimSpace(refreshToken) == "" {
		return nil, invalid("refresh_token", "must not be empty")
	}
	return s.token(ctx, transport.Op{Name: "mercadopago.OAuth.Refresh", Route: "/oauth/token"}, &tokenRequest{ClientID: app.ClientID, ClientSecret: app.ClientSecret, GrantType: "refresh_token",
		RefreshToken: refreshToken}, opts)
}

func (s *OAuthService) token(ctx context.Context, op transport.Op, body *tokenRequest, opts []paykit.RequestOption) (*OAuthToken, error) {
	// Token requests move no money and a grant cannot be used twice, so a
	// repeat cannot double anything: Repeatable lets the transport retry it.
	r := (&transport.Request{Op: op, Method: http.MethodPost, Path: "/oauth/token", JSON: body, Repeatable: true}).Apply(opts)
	r.Auth = transport.NoAuth
	// An error body that echoes a credential shows "[redacted]" instead.
	r.Secrets = append(r.Secrets, secretsOf(body.ClientSecret, body.Code, body.CodeVerifier, body.RefreshToken)...)
	return transport.CallWire(ctx, s.c.t, r, nil, func(out *OAuthToken, resp *transport.Response) (*OAuthToken, error) {
		if out.AccessToken == "" {
			return nil, resp.Refuse("the answer carries no access_token", nil)
		}
		// The new tokens are secrets of the client from now on: an error that
		// echoes one, on any later call, shows "[redacted]".
		s.c.t.AddSecrets(out.AccessToken, out.RefreshToken)
		if out.ExpiresIn > 0 {
			out.Expiry = s.c.t.Now().Add(time.Duration(out.ExpiresIn) * time.Second)
		}
		return out, nil
	})
}

// SellerTokenSource keeps one seller's token fresh: it hands out the token
// it was given until that is about to expire (or the API answers 401), then
// refreshes it, one refresh at a time however many goroutines are waiting,
// and reports every new token to onRefresh so it can be stored. Pass it to
// a call with WithSeller. It is safe for concurrent use and never prints
// its tokens.
type SellerTokenSource struct {
	svc       *OAuthService
	app       OAuthApp
	onRefresh func(*OAuthToken)
	ts        *transport.TokenSource

	// shared is the fleet's record of the pair (WithSellerStore); nil
	// keeps the pair in this process.
	shared *SellerStore
	optErr error
	// beforeRefresh, set by this package's tests, runs under the lock
	// just before the refresh is sent.
	beforeRefresh func(paykit.Lease)

	mu      sync.Mutex
	cur     *OAuthToken
	seed    *OAuthToken  // seeds an empty store: the token TokenSource was given, then the pair last used
	last    string       // the access token last handed out (shared mode)
	unsaved *unsavedPair // a refreshed pair the store failed to take
	handed  bool
	refresh int
}

// TokenSource returns a SellerTokenSource starting from tok (from Exchange,
// or loaded from storage with its Expiry). onRefresh, if not nil, is called
// with every refreshed token (before it is used), so you can store it; it
// runs inside the one refresh in flight and must not call the source back.
// A refresh the API refuses (the seller revoked the application: an *Error
// with Code "invalid_grant") fails the call; connect the seller again.
//
// The source refreshes once per process. When several replicas act for the
// same seller, give each WithSellerStore: then they share one stored pair
// and one refresh per expiry across the fleet (refresh tokens are
// single-use), and tok may be nil once the store holds the pair.
func (s *OAuthService) TokenSource(app *OAuthApp, tok *OAuthToken, onRefresh func(*OAuthToken), opts ...SellerOption) (*SellerTokenSource, error) {
	if err := app.check(true, false); err != nil {
		return nil, err
	}
	src := &SellerTokenSource{svc: s, app: *app, onRefresh: onRefresh}
	for _, o := range opts {
		if o != nil {
			o(src)
		}
	}
	if src.optErr != nil {
		return nil, src.optErr
	}
	if tok != nil && tok.AccessToken != "" {
		s.c.t.AddSecrets(tok.AccessToken, tok.RefreshToken)
		src.cur, src.seed = tok, tok
	} else if src.shared == nil || tok != nil {
		return nil, invalid("access_token", "must not be empty")
	}
	src.ts = transport.NewTokenSource(src.fetch, 0, s.c.t.Now)
	if src.shared != nil {
		// Waiting for the lock (up to a lease and a quarter) and the
		// refresh (two thirds of a lease) must fit in one fetch.
		src.ts.SetFetchTimeout(2*src.shared.lease() + 5*time.Second)
	}
	return src, nil
}

func (src *SellerTokenSource) fetch(ctx context.Context) (transport.Token, error) {
	if src.shared != nil {
		return src.fetchShared(ctx)
	}
	src.mu.Lock()
	cur, handed := src.cur, src.handed
	src.mu.Unlock()
	now := src.svc.c.t.Now()
	if !handed && (cur.Expiry.IsZero() || now.Add(transport.DefaultTokenSkew).Before(cur.Expiry)) {
		src.mu.Lock()
		src.handed = true
		src.mu.Unlock()
		return transport.Token{Value: cur.AccessToken, Expiry: cur.Expiry}, nil
	}
	if cur.RefreshToken == "" {
		return transport.Token{}, errors.New("mercadopago: oauth: the seller's token expired and there is no refresh token")
	}
	started := src.svc.c.t.Now()
	nt, err := src.svc.Refresh(ctx, &src.app, cur.RefreshToken)
	src.svc.c.t.ObserveToken(ctx, true, started, err)
	if err != nil {
		return transport.Token{}, err
	}
	src.mu.Lock()
	src.cur, src.handed = nt, true
	src.refresh++
	src.mu.Unlock()
	if src.onRefresh != nil {
		src.onRefresh(nt)
	}
	return transport.Token{Value: nt.AccessToken, Expiry: nt.Expiry}, nil
}

// Token returns the seller's current token, refreshing it first if needed.
func (src *SellerTokenSource) Token(ctx context.Context) (*OAuthToken, error) {
	if _, err := src.ts.Token(ctx); err != nil {
		return nil, err
	}
	src.mu.Lock()
	defer src.mu.Unlock()
	return src.cur, nil
}

// Refreshes is how many times the source has refreshed the token.
func (src *SellerTokenSource) Refreshes() int {
	src.mu.Lock()
	defer src.mu.Unlock()
	return src.refresh
}

// Authenticate puts the seller's token on one attempt (transport.Authenticator).
func (src *SellerTokenSource) Authenticate(ctx context.Context, req *http.Request) error {
	return src.ts.Authenticate(ctx, req)
}

// Invalidate drops the token a 401 answered to, so the repeat refreshes it
// (transport.Invalidator).
func (src *SellerTokenSource) Invalidate(req *http.Request) bool { return src.ts.Invalidate(req) }

// String keeps the tokens out of fmt output.
func (src *SellerTokenSource) String() string { return "mercadopago.SellerTokenSource{[redacted]}" }

// GoString keeps the tokens out of %#v output.
func (src *SellerTokenSource) GoString() string { return src.String() }

// Format prints String for every verb, so no verb reaches the tokens.
func (src *SellerTokenSource) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, src.String()) }

// WithSeller makes one call act for a connected seller with the token src
// keeps fresh, over the client's own connections (no new HTTP stack per
// seller). A 401 drops the token and repeats the call once with a new one.
func WithSeller(src *SellerTokenSource) paykit.RequestOption {
	return func(s *reqopt.Settings) {
		if src == nil {
			s.Auth = badAuth{errors.New("mercadopago: seller token source: must not be nil")}
			return
		}
		s.Auth = src
		src.mu.Lock()
		if src.cur != nil {
			s.Secrets = append(s.Secrets, secretsOf(src.cur.AccessToken, src.cur.RefreshToken)...)
		}
		src.mu.Unlock()
	}
}

// WithAccessToken makes one call use token (a seller's OAuth access token)
// instead of the client's, over the client's own connections. A token that
// is empty or holds spaces fails the call before anything is sent.
func WithAccessToken(token string) paykit.RequestOption {
	return func(s *reqopt.Settings) {
		switch {
		case strings.TrimSpace(token) == "":
			s.Auth = badAuth{errors.New("mercadopago: access token: must not be empty")}
		case strings.ContainsAny(token, " \t\r\n"):
			s.Auth = badAuth{errors.New("mercadopago: access token: must not contain spaces or line breaks")}
		default:
			s.Auth = transport.Bearer(token)
			s.Secrets = append(s.Secrets, token)
		}
	}
}

// badAuth fails every attempt before it is sent.
type badAuth struct{ err error }

func (b badAuth) Authenticate(context.Context, *http.Request) error { return b.err }

// secretsOf keeps the non-empty values, for Request.Secrets.
func secretsOf(vals ...string) []string {
	var out []string
	for _, v := range vals {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}
