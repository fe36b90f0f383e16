package etpay

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/webhook"
)

// Notification is the verified content of the JWT ETpay posts to your
// webhook URL when a payment ends. Confirm it with Payments.Status before
// fulfilling the order.
type Notification struct {
	SessionToken  string        // session_token
	PaymentToken  string        // payment_token
	PaymentStatus PaymentStatus // payment_status
	OrderID       string        // merchant_order_id
	Amount        int64         // order_amount
	UserRUT       string        // user_rut
	// IssuedAt, ExpiresAt and NotBefore are the iat, exp and nbf claims; zero
	// when absent.
	IssuedAt, ExpiresAt, NotBefore time.Time
	// Extra holds every other claim as sent (and a typed claim whose value
	// had an unexpected type).
	Extra map[string]json.RawMessage

	// replayKey is the key WebhookVerifier.Verify claimed in the replay
	// store ("" otherwise), and replayUntil the end of its window, which
	// Done records it for.
	replayKey   string
	replayUntil time.Time
}

// Errors a notification can fail with; the error returned wraps one of them
// (errors.Is) and never contains the token or the signature token.
var (
	// ErrNoNotification: the request carried no JWT.
	ErrNoNotification = errors.New("etpay: notification: no JWT found")
	// ErrMalformedNotification: not a JWT, or its header or claims are not
	// the JSON they must be.
	ErrMalformedNotification = errors.New("etpay: notification: malformed JWT")
	// ErrAlgorithm: signed with anything but HS256 (none, HS384, HS512, RS256…).
	ErrAlgorithm = errors.New("etpay: notification: algorithm must be HS256")
	// ErrSignature: the HS256 signature does not match the signature token.
	ErrSignature = errors.New("etpay: notification: signature does not match")
	// ErrExpired: the exp claim is in the past, or (ErrTooOld) the token has
	// no exp and its iat is older than the maximum age.
	ErrExpired = errors.New("etpay: notification: expired")
	// ErrTooOld: the token has no exp and its iat is older than the maximum
	// age (DefaultMaxAge, or WithMaxAge). It also matches ErrExpired.
	ErrTooOld = fmt.Errorf("%w: issued longer ago than the maximum age", ErrExpired)
	// ErrNoTimeClaims: the token has neither exp nor iat, so nothing bounds
	// how long a captured copy could be replayed. WithUntimedTokens accepts
	// such tokens.
	ErrNoTimeClaims = errors.New("etpay: notification: has neither exp nor iat, so its age cannot be checked")
	// ErrNotYetValid: the nbf or iat claim is in the future.
	ErrNotYetValid = errors.New("etpay: notification: not valid yet")
	// ErrNoSignatureToken: VerifyNotification was given an empty signature token.
	ErrNoSignatureToken = errors.New("etpay: signature token: must not be empty")
	// ErrUnknownSession: return it (wrapped or not) from a SignatureTokenLookup
	// when you have no order for the session token; the handler answers 401.
	ErrUnknownSession = errors.New("etpay: notification: unknown session")
)

// DefaultLeeway is the clock skew allowed when checking exp, nbf and iat.
const DefaultLeeway = time.Minute

// DefaultMaxAge is how long ago a notification without exp may have been
// issued (its iat): twelve hours, unless WithMaxAge says otherwise. ETpay
// repeats a notification until it gets a 200, so a delivery can arrive
// hours after it was signed; a day-old one is refused. A token with exp is
// valid until its exp instead.
const DefaultMaxAge = 12 * time.Hour

// MaxTokenSize bounds the JWT accepted; real notifications are far smaller.
const MaxTokenSize = 16 << 10

// WebhookOption adjusts VerifyNotification.
type WebhookOption func(*verifyConfig)

type verifyConfig struct {
	now    func() time.Time
	leeway time.Duration
	// maxAge bounds the age of iat when there is no exp; untimed accepts a
	// token with neither.
	maxAge  time.Duration
	untimed bool
	// replay is the store WebhookVerifier records accepted
	// notifications in; replaySet says WithReplayStore was given.
	replay    paykit.ReplayStore
	replaySet bool
	// lease is WithProcessingLease's d; leaseSet says it was given.
	lease    time.Duration
	leaseSet bool
	// redirectParams are the query or form fields VerifyRedirect reads the
	// JWT from; nil means tokenFields.
	redirectParams []string
	// obs sees every verification (WithWebhookObserver).
	obs *paykit.Observer
}

func defaultConfig() verifyConfig {
	return verifyConfig{now: time.Now, leeway: DefaultLeeway, maxAge: DefaultMaxAge}
}

// check reports options that cannot work together.
func (c *verifyConfig) check() error {
	if c.leaseSet && c.lease <= 0 {
		return fmt.Errorf("etpay: notification verifier: %w", webhook.ErrBadProcessingLease)
	}
	if c.maxAge <= 0 {
		return fmt.Errorf("etpay: WithMaxAge: %s: must be positive", c.maxAge)
	}
	if c.replaySet && c.replay == nil {
		return fmt.Errorf("etpay: notification verifier: %w", webhook.ErrNilReplayStore)
	}
	return nil
}

// WithWebhookObserver makes o's Verify see every verification, with its
// outcome and, for a refused delivery, a short reason (see paykit.Observer).
// Nil, the default, observes nothing.
func WithWebhookObserver(o *paykit.Observer) WebhookOption {
	return func(c *verifyConfig) { c.obs = o }
}

// notificationReasons name the refusals of Verify and VerifyRedirect for
// an Observer.
var notificationReasons = []webhook.Reason{
	{Err: ErrNoNotification, Name: "missing_signature"},
	{Err: ErrMalformedNotification, Name: "malformed"},
	{Err: ErrAlgorithm, Name: "algorithm"},
	{Err: ErrSignature, Name: "signature"},
	{Err: ErrExpired, Name: "too_old"},
	{Err: ErrNoTimeClaims, Name: "malformed"},
	{Err: ErrNotYetValid, Name: "not_yet_valid"},
	{Err: ErrUnknownSession, Name: "unknown_session"},
}

// WithWebhookClock makes the time checks use now instead of time.Now.
func WithWebhookClock(now func() time.Time) WebhookOption {
	return func(c *verifyConfig) {
		if now != nil {
			c.now = now
		}
	}
}

// WithLeeway sets the clock skew allowed for exp, nbf and iat (default
// DefaultLeeway; 0 checks exactly).
func WithLeeway(d time.Duration) WebhookOption {
	return func(c *verifyConfig) {
		if d >= 0 {
			c.leeway = d
		}
	}
}

// WithMaxAge sets how long ago a notification without exp may have been
// issued (default DefaultMaxAge). d must be positive; to accept tokens with
// no time claim at all, use WithUntimedTokens.
func WithMaxAge(d time.Duration) WebhookOption {
	return func(c *verifyConfig) { c.maxAge = d }
}

// WithUntimedTokens accepts notifications that carry neither exp nor iat,
// which are refused by default (ErrNoTimeClaims) because nothing bounds how
// long a captured copy stays good. WebhookVerifier then remembers each
// such notification for the maximum age from when it was first accepted,
// and a replay later than that is accepted again.
//
// [unsure] ETpay's public documents list the notification's claims without
// exp or iat. If your notifications come without them, this option lets
// them through; confirm every one with Payments.Status as you should anyway.
func WithUntimedTokens() WebhookOption {
	return func(c *verifyConfig) { c.untimed = true }
}

// WithReplayStore makes a WebhookVerifier record accepted
// notifications in store instead of its own in-memory record (a
// paykit.MemoryReplayStore holding up to paykit.DefaultMaxReplayEntries).
// Share one store between all the processes that serve your notification
// URL, so that a notification replayed to another replica is refused too.
// A nil store is an error: replay protection cannot be turned off. A store
// with a clock of its own (paykit.WithReplayClock) must read the same time
// as WithClock. VerifyNotification records nothing and refuses this option.
func WithReplayStore(store paykit.ReplayStore) WebhookOption {
	return func(c *verifyConfig) { c.replay, c.replaySet = store, true }
}

// WithProcessingLease makes a WebhookVerifier's Verify claim a
// notification only for d (the handler's processing lease) instead of for
// its whole window, and sets the lease Handler uses (default 2 minutes).
// After acting on the notification call Done, which records it for its
// window; when you cannot act, call Release. A process that dies in between
// leaves a claim that runs out after d, so ETpay's repeat is accepted by
// whichever replica it reaches. d must be positive and above the longest
// your handling takes. VerifyNotification records nothing and ignores it.
func WithProcessingLease(d time.Duration) WebhookOption {
	return func(c *verifyConfig) { c.lease, c.leaseSet = d, true }
}

var hs256Only = []string{jwt.SigningMethodHS256.Alg()}

// defaultParser is shared by calls without options; a jwt.Parser is only
// read while parsing.
var defaultParser = newParser(defaultConfig())

func newParser(c verifyConfig) *jwt.Parser {
	return jwt.NewParser(jwt.WithValidMethods(hs256Only), jwt.WithLeeway(c.leeway), jwt.WithTimeFunc(c.now), jwt.WithIssuedAt())
}

// VerifyNotification checks token, the JWT of one notification, against the
// signatureToken ETpay returned when that session was created: HS256 only,
// signature compared in constant time by golang-jwt, exp, nbf and iat
// honoured when present. It returns the typed claims.
//
// A token without exp must carry an iat no older than the maximum age
// (DefaultMaxAge, or WithMaxAge): an older one gets ErrTooOld, and one with
// neither claim ErrNoTimeClaims (unless WithUntimedTokens).
//
// The signature token is per session: read the session token with
// SessionTokenOf, look up the stored signature token, then call this.
//
// VerifyNotification keeps no record, so it accepts the same token as often
// as it is sent while it is fresh; WebhookVerifier also refuses
// replays.
func VerifyNotification(token, signatureToken string, opts ...WebhookOption) (*Notification, error) {
	c, p := defaultConfig(), defaultParser
	if len(opts) > 0 {
		for _, o := range opts {
			if o != nil {
				o(&c)
			}
		}
		if err := c.check(); err != nil {
			return nil, err
		}
		if c.replaySet {
			return nil, errors.New("etpay: VerifyNotification keeps no record: pass WithReplayStore to NewWebhookVerifier")
		}
		p = newParser(c)
	}
	n, _, err := verifyJWT(token, signatureToken, &c, p, true)
	return n, err
}

// verifyJWT is VerifyNotification with the options applied. fresh asks for
// exp or a recent iat. It also returns the token's decoded signature, the
// same bytes for every copy of the token.
func verifyJWT(token, signatureToken string, c *verifyConfig, p *jwt.Parser, fresh bool) (*Notification, []byte, error) {
	if signatureToken == "" {
		return nil, nil, ErrNoSignatureToken
	}
	token = strings.TrimSpace(token)
	if token == "" {
		return nil, nil, ErrNoNotification
	}
	if len(token) > MaxTokenSize {
		return nil, nil, fmt.Errorf("%w: longer than %d bytes", ErrMalformedNotification, MaxTokenSize)
	}
	mc := jwt.MapClaims{}
	key := []byte(signatureToken)
	tok, err := p.ParseWithClaims(token, mc, func(*jwt.Token) (any, error) { return key, nil })
	if err != nil {
		return nil, nil, classify(tok, err)
	}
	n, err := notificationFrom(mc)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrMalformedNotification, err)
	}
	if fresh && n.ExpiresAt.IsZero() {
		switch {
		case !n.IssuedAt.IsZero():
			if age := c.now().Sub(n.IssuedAt); age > c.maxAge+c.leeway {
				return nil, nil, fmt.Errorf("%w: issued %s ago, maximum age %s", ErrTooOld, age.Truncate(time.Second), c.maxAge)
			}
		case !c.untimed:
			return nil, nil, ErrNoTimeClaims
		}
	}
	return n, tok.Signature, nil
}

// classify maps golang-jwt's errors onto ours. jwt error texts carry no
// token material, so they are kept as the detail.
func classify(tok *jwt.Token, err error) error {
	if tok != nil && tok.Header != nil {
		if alg, _ := tok.Header["alg"].(string); alg != jwt.SigningMethodHS256.Alg() {
			return fmt.Errorf("%w (got %.20q)", ErrAlgorithm, alg)
		}
	}
	switch {
	case errors.Is(err, jwt.ErrTokenMalformed):
		return fmt.Errorf("%w: %w", ErrMalformedNotification, err)
	case errors.Is(err, jwt.ErrTokenSignatureInvalid), errors.Is(err, jwt.ErrTokenUnverifiable):
		return ErrSignature
	case errors.Is(err, jwt.ErrTokenExpired):
		return fmt.Errorf("%w: exp has passed", ErrExpired)
	case errors.Is(err, jwt.ErrTokenNotValidYet), errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return ErrNotYetValid
	}
	return fmt.Errorf("%w: %w", ErrMalformedNotification, err)
}

// SessionTokenOf reads the session_token claim of a notification JWT
// WITHOUT verifying it. Use it only to find the signature token stored with
// that session, then call VerifyNotification.
func SessionTokenOf(token string) (string, error) {
	token = strings.TrimSpace(token)
	if token == "" {
		return "", ErrNoNotification
	}
	if len(token) > MaxTokenSize {
		return "", fmt.Errorf("%w: longer than %d bytes", ErrMalformedNotification, MaxTokenSize)
	}
	mc := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(token, mc); err != nil && errors.Is(err, jwt.ErrTokenMalformed) {
		// An unknown alg is not malformed here: it is refused when verifying.
		return "", fmt.Errorf("%w: %w", ErrMalformedNotification, err)
	}
	s, ok := textOf(mc["session_token"])
	if !ok || s == "" {
		return "", fmt.Errorf("%w: no session_token claim", ErrMalformedNotification)
	}
	return s, nil
}

// notificationFrom turns verified (or, for SessionTokenOf, unverified)
// jwt.MapClaims into a Notification. Decoding into golang-jwt's own map keeps
// the cost that of a bare jwt.Parse; the few typed claims are then taken out.
func notificationFrom(mc jwt.MapClaims) (*Notification, error) {
	n := &Notification{}
	for _, d := range []struct {
		get func() (*jwt.NumericDate, error)
		t   *time.Time
	}{{mc.GetExpirationTime, &n.ExpiresAt}, {mc.GetNotBefore, &n.NotBefore}, {mc.GetIssuedAt, &n.IssuedAt}} {
		nd, err := d.get()
		if err != nil {
			return nil, err
		}
		if nd != nil {
			*d.t = nd.Time
		}
	}
	var extra map[string]json.RawMessage
	for k, v := range mc {
		var sp *string
		switch k {
		case "exp", "nbf", "iat":
			continue
		case "session_token":
			sp = &n.SessionToken
		case "payment_token":
			sp = &n.PaymentToken
		case "merchant_order_id":
			sp = &n.OrderID
		case "user_rut":
			sp = &n.UserRUT
		case "payment_status":
			sp = (*string)(&n.PaymentStatus)
		case "order_amount":
			if a, ok := amountOf(v); ok {
				n.Amount = a
				continue
			}
		}
		if sp != nil {
			if s, ok := textOf(v); ok {
				*sp = s
				continue
			}
		}
		raw, err := json.Marshal(v)
		if err != nil {
			continue
		}
		if extra == nil {
			extra = make(map[string]json.RawMessage)
		}
		extra[k] = raw
	}
	n.Extra = extra
	return n, nil
}

// maxExactFloat is 2^53: every integer up to it is exact in a float64.
const maxExactFloat = 1 << 53

// textOf reads a claim sent as a string or a whole number.
func textOf(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case float64:
		if x == math.Trunc(x) && math.Abs(x) <= maxExactFloat {
			return strconv.FormatInt(int64(x), 10), true
		}
	}
	return "", false
}

// amountOf reads order_amount sent as a whole number or a numeric string.
func amountOf(v any) (int64, bool) {
	switch x := v.(type) {
	case float64:
		if x == math.Trunc(x) && math.Abs(x) <= maxExactFloat {
			return int64(x), true
		}
	case string:
		return wholeAmount(json.RawMessage(strconv.Quote(x)))
	}
	return 0, false
}

// SignatureTokenLookup returns the signature token stored with the order of
// sessionToken. Return ErrUnknownSession when there is none; any other error
// is taken as your own failure (the handler answers 500 so ETpay retries).
type SignatureTokenLookup func(ctx context.Context, sessionToken string) (signatureToken string, err error)

// MaxNotificationBody bounds the notification request body read.
const MaxNotificationBody = 64 << 10

// WebhookVerifier verifies notification requests, looking up each
// session's signature token, and refuses a notification it has already
// accepted (see Verify). It is safe for concurrent use; its record of
// accepted notifications is per verifier unless WithReplayStore shares one.
type WebhookVerifier struct {
	lookup SignatureTokenLookup
	cfg    verifyConfig
	parser *jwt.Parser
}

// NewWebhookVerifier returns a verifier that finds signature tokens with
// lookup. It fails when lookup is nil, WithMaxAge is not positive or
// WithReplayStore was given nil.
func NewWebhookVerifier(lookup SignatureTokenLookup, opts ...WebhookOption) (*WebhookVerifier, error) {
	if lookup == nil {
		return nil, errors.New("etpay: notification verifier: signature token lookup must not be nil")
	}
	c := defaultConfig()
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	if err := c.check(); err != nil {
		return nil, err
	}
	if c.replay == nil {
		c.replay = webhook.DefaultReplayStore(c.now)
	}
	return &WebhookVerifier{lookup: lookup, cfg: c, parser: newParser(c)}, nil
}

// tokenFields are where a JWT is looked for in a JSON object, a form or a
// query string. ETpay has been seen sending {"payment": "<jwt>"}; the others
// are accepted in case the delivery differs.
var tokenFields = []string{"payment", "token", "jwt"}

// NotificationToken extracts the JWT from a notification request: a JSON
// object {"payment": "<jwt>"}, a form field, or the raw JWT as the body. The
// body is read at most MaxNotificationBody bytes and left re-readable.
func NotificationToken(r *http.Request) (string, error) {
	body, err := webhook.ReadBody(r, MaxNotificationBody)
	if err != nil {
		return "", err
	}
	return tokenFromBody(body)
}

func tokenFromBody(body []byte) (string, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return "", ErrNoNotification
	}
	switch body[0] {
	case '{':
		var m map[string]json.RawMessage
		if err := json.Unmarshal(body, &m); err != nil {
			return "", fmt.Errorf("%w: body is not valid JSON", ErrMalformedNotification)
		}
		for _, k := range tokenFields {
			var s string
			if raw, ok := m[k]; ok && json.Unmarshal(raw, &s) == nil && s != "" {
				return s, nil
			}
		}
		return "", ErrNoNotification
	case '"':
		var s string
		if json.Unmarshal(body, &s) != nil || s == "" {
			return "", ErrNoNotification
		}
		return s, nil
	}
	if bytes.ContainsAny(body, "=&") {
		vals, err := url.ParseQuery(string(body))
		if err != nil {
			return "", fmt.Errorf("%w: body is not a valid form", ErrMalformedNotification)
		}
		for _, k := range tokenFields {
			if s := vals.Get(k); s != "" {
				return s, nil
			}
		}
		return "", ErrNoNotification
	}
	return string(body), nil
}

// Verify reads the JWT from r, looks up the session's signature token and
// verifies it as VerifyNotification does (a token without exp needs a
// recent iat).
//
// A notification that passes is then claimed in the verifier's replay
// store, keyed on the JWT's signature (the same for every copy of the
// token) until its exp, or its iat plus the maximum age. The same token
// verified again within that time gets an error matching
// paykit.ErrReplayed; a store failure gets one matching
// paykit.ErrReplayStore (answer 5xx so that ETpay retries, and do not act on
// it). Handler does all of this; if you call Verify yourself, call Done once
// you acted on the notification (needed with WithProcessingLease, where the
// claim lasts only the lease) and Release when you could not, so that
// ETpay's retry of it is accepted.
func (v *WebhookVerifier) Verify(r *http.Request) (*Notification, error) {
	if v == nil {
		return nil, errors.New("etpay: nil WebhookVerifier (use NewWebhookVerifier)")
	}
	return v.verifyClaim(r, v.cfg.lease)
}

// verifyClaim is Verify with the claim's lease given, observed when an
// Observer is set.
func (v *WebhookVerifier) verifyClaim(r *http.Request, lease time.Duration) (*Notification, error) {
	return webhook.Observed(v.cfg.obs, r, "etpay", "notification", notificationReasons, func() (*Notification, error) {
		return v.verifyRequest(r, lease)
	})
}

// verifyRequest is verifyClaim without the Observer.
func (v *WebhookVerifier) verifyRequest(r *http.Request, lease time.Duration) (*Notification, error) {
	tok, err := NotificationToken(r)
	if err != nil {
		return nil, err
	}
	n, sig, err := v.verifyToken(r.Context(), tok, true)
	if err != nil {
		return nil, err
	}
	var until time.Time
	switch {
	case !n.ExpiresAt.IsZero():
		until = n.ExpiresAt.Add(v.cfg.leeway)
	case !n.IssuedAt.IsZero():
		until = n.IssuedAt.Add(v.cfg.maxAge + v.cfg.leeway)
	default: // WithUntimedTokens
		until = v.cfg.now().Add(v.cfg.maxAge)
	}
	key := "etpay:" + hex.EncodeToString(sig)
	if err := webhook.Claim(r.Context(), v.cfg.replay, "etpay: notification", key, webhook.ClaimUntil(v.cfg.now(), until, lease)); err != nil {
		return nil, err
	}
	n.replayKey, n.replayUntil = key, until
	return n, nil
}

// Done records that n was acted upon, for the rest of its window: ETpay's
// repeats of the notification are then refused (ErrReplayed; Handler
// answers them 200) by every verifier sharing the replay store. Call it
// after acting on a notification from Verify when the verifier has
// WithProcessingLease; without it the claim already lasts the window.
// Handler calls it when its func succeeds. A notification that did not
// come from this verifier's Verify is ignored. The error matches
// paykit.ErrReplayStore.
func (v *WebhookVerifier) Done(ctx context.Context, n *Notification) error {
	if v == nil || n == nil {
		return nil
	}
	return webhook.Done(ctx, v.cfg.replay, "etpay: notification", n.replayKey, n.replayUntil)
}

// Release forgets that n was accepted, so that the same notification is
// taken again when ETpay retries it. Call it when you verified n with
// Verify but could not act on it (Handler does this when its func fails).
// A notification that did not come from this verifier's Verify is ignored.
// The error matches paykit.ErrReplayStore.
func (v *WebhookVerifier) Release(ctx context.Context, n *Notification) error {
	if v == nil || n == nil {
		return nil
	}
	return webhook.Release(ctx, v.cfg.replay, "etpay: notification", n.replayKey)
}

func (v *WebhookVerifier) verifyToken(ctx context.Context, tok string, fresh bool) (*Notification, []byte, error) {
	session, err := SessionTokenOf(tok)
	if err != nil {
		return nil, nil, err
	}
	secret, err := v.lookup(ctx, session)
	if err != nil {
		return nil, nil, fmt.Errorf("etpay: looking up the signature token: %w", err)
	}
	if secret == "" {
		return nil, nil, ErrUnknownSession
	}
	n, sig, err := verifyJWT(tok, secret, &v.cfg, v.parser, fresh)
	if err != nil {
		return nil, nil, err
	}
	if n.SessionToken != session {
		// Cannot happen with one parser reading the same bytes; checked anyway.
		return nil, nil, ErrSignature
	}
	return n, sig, nil
}

// Handler answers ETpay's notification POST: it bounds the body, extracts
// and verifies the JWT, calls handle and answers 200. Answers: 400 no or
// malformed JWT, 401 bad signature, algorithm, time or unknown session, 405
// not a POST, 413 body too large, 500 when lookup or handle fails (so ETpay
// tries again; a failed handle also releases the notification's claim, so
// the retry is accepted).
//
// A notification already accepted (a replay, or a retry of one handle
// already handled) is answered 200 without calling handle, so ETpay stops
// sending it. When the replay store fails the answer is 503 and handle is
// not called: ETpay retries, and nothing is acted upon unrecorded. The
// claim lasts the processing lease (WithProcessingLease, 2 minutes by
// default) while handle runs, and Done records the notification when
// handle succeeds: if the process dies while handle runs, the claim runs
// out after the lease and ETpay's retry is handled.
func (v *WebhookVerifier) Handler(handle func(ctx context.Context, n *Notification) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		lease := v.cfg.lease
		if lease <= 0 {
			lease = webhook.DefaultProcessingLease
		}
		n, err := v.verifyClaim(r, lease)
		if errors.Is(err, paykit.ErrReplayed) {
			w.WriteHeader(http.StatusOK)
			return
		}
		if err != nil {
			status := StatusFor(err)
			http.Error(w, http.StatusText(status), status)
			return
		}
		if handle != nil {
			if err := handle(r.Context(), n); err != nil {
				// The answer is 500 either way; if the release fails too,
				// the retry is acknowledged unhandled until the claim expires.
				_ = v.Release(r.Context(), n)
				http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
				return
			}
		}
		// handle acted: answer 200 even if the record fails, so ETpay stops
		// sending it (a repeat after the lease would act again).
		_ = v.Done(r.Context(), n)
		w.WriteHeader(http.StatusOK)
	})
}

// NotificationHandler is NewWebhookVerifier(lookup, opts...).Handler(handle).
// It panics when NewWebhookVerifier fails (a nil lookup, a WithMaxAge
// that is not positive, WithReplayStore(nil)): those are mistakes in the
// program, found when the handler is built at start-up.
func NotificationHandler(lookup SignatureTokenLookup, handle func(ctx context.Context, n *Notification) error, opts ...WebhookOption) http.Handler {
	v, err := NewWebhookVerifier(lookup, opts...)
	if err != nil {
		panic(err)
	}
	return v.Handler(handle)
}

// StatusFor is the HTTP status a notification handler answers for err: 200
// for nil and for a replay (paykit.ErrReplayed: acknowledged, not acted
// upon again), 503 when the replay store failed (paykit.ErrReplayStore:
// ETpay must retry), 4xx for a notification that fails verification, 500
// for anything else.
func StatusFor(err error) int {
	switch {
	case err == nil, errors.Is(err, paykit.ErrReplayed):
		return http.StatusOK
	case errors.Is(err, paykit.ErrReplayStore):
		return http.StatusServiceUnavailable
	case errors.Is(err, webhook.ErrBodyTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, ErrNoNotification), errors.Is(err, ErrMalformedNotification):
		return http.StatusBadRequest
	case errors.Is(err, ErrAlgorithm), errors.Is(err, ErrSignature), errors.Is(err, ErrExpired),
		errors.Is(err, ErrNotYetValid), errors.Is(err, ErrNoTimeClaims), errors.Is(err, ErrUnknownSession):
		return http.StatusUnauthorized
	}
	return http.StatusInternalServerError
}

// RedirectOutcome is what the JWT on the success or error redirect says. It
// is for showing the payer a result page only: the redirect passes through
// the payer's browser, may never happen, and is not a reason to fulfil.
// Fulfil on the notification confirmed with Payments.Status.
type RedirectOutcome struct {
	SessionToken  string
	PaymentToken  string
	PaymentStatus PaymentStatus
	OrderID       string
	Amount        int64
}

// VerifyRedirect reads the JWT the funnel puts on your completed or
// cancellation URL (query parameter "jwt", "token" or "payment", or the same
// fields of a POSTed form), verifies it as VerifyNotification does and
// returns what to show the payer.
//
// The redirect carries the same JWT as the notification, and a payer may
// load the page again later, so VerifyRedirect records nothing (the
// notification is not turned into a replay) and does not ask a token
// without exp for a recent iat; exp, nbf and a future iat are still
// refused.
//
// [unsure] ETpay's public documents describe the redirect as a visual
// confirmation and do not name the parameter that carries a JWT on it; set
// the names your integration receives with WithRedirectParams.
func (v *WebhookVerifier) VerifyRedirect(r *http.Request) (*RedirectOutcome, error) {
	if v == nil {
		return v.verifyRedirect(r) // answers the nil verifier's error
	}
	return webhook.Observed(v.cfg.obs, r, "etpay", "redirect", notificationReasons, func() (*RedirectOutcome, error) {
		return v.verifyRedirect(r)
	})
}

// verifyRedirect is VerifyRedirect without the Observer.
func (v *WebhookVerifier) verifyRedirect(r *http.Request) (*RedirectOutcome, error) {
	if v == nil {
		return nil, errors.New("etpay: nil WebhookVerifier (use NewWebhookVerifier)")
	}
	params := v.cfg.redirectParams
	if params == nil {
		params = tokenFields
	}
	tok := ""
	q := r.URL.Query()
	for _, k := range params {
		if tok = q.Get(k); tok != "" {
			break
		}
	}
	if tok == "" && r.Method == http.MethodPost {
		var err error
		if tok, err = NotificationToken(r); err != nil {
			return nil, err
		}
	}
	if tok == "" {
		return nil, ErrNoNotification
	}
	n, _, err := v.verifyToken(r.Context(), tok, false)
	if err != nil {
		return nil, err
	}
	return &RedirectOutcome{SessionToken: n.SessionToken, PaymentToken: n.PaymentToken,
		PaymentStatus: n.PaymentStatus, OrderID: n.OrderID, Amount: n.Amount}, nil
}
