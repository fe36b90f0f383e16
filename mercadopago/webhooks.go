package mercadopago

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/transport"
	"github.com/paykit-go/paykit/internal/webhook"
)

// Webhook verification errors. Every error VerifySignature returns matches
// one of them with errors.Is. Verify may also return webhook.ErrBodyTooLarge
// for an oversized body, an error matching paykit.ErrReplayed for a
// delivery it has already accepted, and one matching paykit.ErrReplayStore
// when the replay store failed.
var (
	// ErrMissingSignature: the x-signature header is absent or empty.
	ErrMissingSignature = errors.New("mercadopago: webhook: x-signature header is missing")
	// ErrMalformedSignature: x-signature is not "ts=<ts>,v1=<hex>", or an
	// input is absurdly long.
	ErrMalformedSignature = errors.New("mercadopago: webhook: x-signature header is malformed")
	// ErrSignatureMismatch: no v1 value matches the manifest under the secret.
	ErrSignatureMismatch = errors.New("mercadopago: webhook: signature does not match")
	// ErrWebhookTooOld: the signed ts is older than the maximum age, or
	// further than it in the future (fintecture.ErrWebhookTooOld is the same
	// check).
	ErrWebhookTooOld = errors.New("mercadopago: webhook: timestamp outside the maximum age")
	// ErrMalformedNotification: the signature held but the body is not a
	// notification (not JSON, or its data.id differs from the signed one).
	ErrMalformedNotification = errors.New("mercadopago: webhook: body is not a valid notification")
)

// DefaultWebhookMaxAge is how far the signed timestamp may be from the
// verifier's clock, in either direction.
const DefaultWebhookMaxAge = 5 * time.Minute

// maxSignedPart bounds data.id and x-request-id so hostile input cannot make
// the verifier hash megabytes.
const maxSignedPart = 256

// Notification is a webhook notification Mercado Pago POSTs to your URL
// (…?data.id=<id>&type=<topic>). Only DataID, RequestID and Timestamp are
// covered by the signature; fetch the resource (Payments.Get(DataID)) for
// facts, and never trust the body's other fields for money decisions.
// See https://www.mercadopago.com/developers/en/docs/your-integrations/notifications/webhooks
type Notification struct {
	// ID is the notification's own id.
	ID int64 `json:"id"`
	// Type is the topic: "payment", "merchant_order", "subscription_preapproval"…
	Type string `json:"type"`
	// Action is what happened: "payment.created", "payment.updated"…
	Action      string           `json:"action"`
	APIVersion  string           `json:"api_version"`
	LiveMode    bool             `json:"live_mode"`
	UserID      int64            `json:"user_id"`
	DateCreated time.Time        `json:"date_created"`
	Data        NotificationData `json:"data"`

	// DataID is the signed resource id, from the URL's data.id query
	// parameter ("" when the URL had none and the id was not signed).
	DataID string `json:"-"`
	// RequestID is the signed x-request-id header.
	RequestID string `json:"-"`
	// Timestamp is the signed ts of the x-signature header.
	Timestamp time.Time `json:"-"`
	// Unparsed names body fields that arrived in a shape that could not be read.
	Unparsed []string `json:"-"`

	// replayKey is the key Verify claimed in the replay store ("" when the
	// notification did not come from Verify): the event's key when the
	// body names the event, else the delivery's signature. sigKey is the
	// signature's key when it was claimed besides the event's.
	replayKey string
	sigKey    string
	// replayUntil is when replayKey's record ends once Done marks it.
	replayUntil time.Time
}

// NotificationData is the "data" node: the id of the resource that changed.
type NotificationData struct {
	ID string `json:"id"`
}

// UnmarshalJSON decodes tolerantly (see Payment.UnmarshalJSON); ids may be
// numbers or numeric strings.
func (n *Notification) UnmarshalJSON(b []byte) error {
	type plain Notification
	if fastNotification(b, n) {
		// The fast path reads each member once; a document that repeats
		// one, or names one in another letter case, goes to Decode, which
		// refuses it whole.
		if transport.CheckMembers(b, (*plain)(nil)) == nil {
			return nil
		}
	}
	*n = Notification{}
	return transport.Decode(b, (*plain)(n))
}

// PaymentID returns the signed data id as a payment id, for Type "payment".
func (n *Notification) PaymentID() (int64, bool) {
	id := n.DataID
	if id == "" {
		id = n.Data.ID
	}
	v, ok := transport.LooseInt([]byte(id))
	return v, ok && id != "" && v > 0
}

// WebhookVerifier checks the x-signature of Mercado Pago notifications and
// refuses a delivery it has already accepted (see Verify). Make one with
// NewWebhookVerifier and share it: it is safe for concurrent use, and its
// record of accepted deliveries is per verifier unless WithReplayStore
// shares one.
type WebhookVerifier struct {
	secret    []byte
	maxAge    time.Duration
	clock     webhook.Clock
	maxBody   int64
	replay    paykit.ReplayStore
	replaySet bool // WithReplayStore was given, possibly with nil
	lease     time.Duration
	leaseSet  bool
	retention time.Duration
	obs       *paykit.Observer
	pool      sync.Pool // *macState
}

// DefaultEventRetention is how long a verifier remembers a notification
// event it acted upon: Mercado Pago retries an unanswered notification for
// four days (after 15 minutes, 30 minutes, 6 hours, 48 hours and 96 hours,
// as its notification docs list), so a retry within five days is
// recognised. See https://www.mercadopago.com/developers/en/docs/your-integrations/notifications/webhooks
const DefaultEventRetention = 5 * 24 * time.Hour

// WithProcessingLease makes Verify claim a notification only for d (the
// handler's processing lease) instead of for the whole retention, and sets
// the lease Handler uses (webhook default: 2 minutes). After acting on the
// notification call Done, which records it for the retention; when you
// cannot act, call Release. A process that dies in between leaves a claim
// that runs out after d, so Mercado Pago's retry is accepted by whichever
// replica it reaches. d must be positive and above the longest your
// handling takes.
func WithProcessingLease(d time.Duration) WebhookOption {
	return func(v *WebhookVerifier) { v.lease, v.leaseSet = d, true }
}

// WithEventRetention sets how long an event acted upon is remembered
// (default DefaultEventRetention); it must be positive.
func WithEventRetention(d time.Duration) WebhookOption {
	return func(v *WebhookVerifier) { v.retention = d }
}

type macState struct {
	h   hash.Hash
	buf []byte
	sum [sha256.Size]byte
}

// WebhookOption configures a WebhookVerifier.
type WebhookOption func(*WebhookVerifier)

// WithMaxAge sets how far the signed ts may be from now, both ways
// (default DefaultWebhookMaxAge, 5 minutes). Each accepted delivery is
// remembered until its ts plus the maximum age, after which the age check refuses it anyway. Zero or
// less turns the age check off: a delivery is then remembered for a day
// (webhook.UntimedRetention) from its acceptance, and a captured
// notification replayed later than that is accepted again; keep the check
// on in production.
func WithMaxAge(d time.Duration) WebhookOption {
	return func(v *WebhookVerifier) { v.maxAge = d }
}

// WithWebhookClock makes the verifier read the time from now (tests).
func WithWebhookClock(now func() time.Time) WebhookOption {
	return func(v *WebhookVerifier) { v.clock = now }
}

// WithMaxBodyBytes bounds the notification body Verify reads (default 1 MiB).
func WithMaxBodyBytes(n int64) WebhookOption {
	return func(v *WebhookVerifier) { v.maxBody = n }
}

// WithReplayStore makes the verifier record accepted deliveries in store
// instead of its own in-memory record (a paykit.MemoryReplayStore holding
// up to paykit.DefaultMaxReplayEntries). Share one store between all the
// processes that serve your notification URL, so that a delivery replayed
// to another replica is refused too. A nil store is an error: replay
// protection cannot be turned off. A store with a clock of its own
// (paykit.WithReplayClock) must read the same time as WithWebhookClock.
func WithReplayStore(store paykit.ReplayStore) WebhookOption {
	return func(v *WebhookVerifier) { v.replay, v.replaySet = store, true }
}

// WithWebhookObserver makes o's Verify see every verification, with its
// outcome and, for a refused delivery, a short reason (see paykit.Observer).
// Nil, the default, observes nothing.
func WithWebhookObserver(o *paykit.Observer) WebhookOption {
	return func(v *WebhookVerifier) { v.obs = o }
}

// webhookReasons name Verify's refusals for an Observer.
var webhookReasons = []webhook.Reason{
	{Err: ErrMissingSignature, Name: "missing_signature"},
	{Err: ErrMalformedSignature, Name: "malformed"},
	{Err: ErrSignatureMismatch, Name: "signature"},
	{Err: ErrWebhookTooOld, Name: "too_old"},
	{Err: ErrMalformedNotification, Name: "malformed"},
}

// NewWebhookVerifier returns a verifier for the application's webhook secret
// (Your integrations → Webhooks → secret signature).
func NewWebhookVerifier(secret string, opts ...WebhookOption) (*WebhookVerifier, error) {
	if strings.TrimSpace(secret) == "" {
		return nil, errors.New("mercadopago: webhook secret: must not be empty")
	}
	v := &WebhookVerifier{secret: []byte(secret), maxAge: DefaultWebhookMaxAge, retention: DefaultEventRetention}
	for _, o := range opts {
		if o != nil {
			o(v)
		}
	}
	if v.leaseSet && v.lease <= 0 {
		return nil, fmt.Errorf("mercadopago: webhook verifier: %w", webhook.ErrBadProcessingLease)
	}
	if v.retention <= 0 {
		return nil, errors.New("mercadopago: webhook verifier: event retention: must be positive")
	}
	if v.replaySet && v.replay == nil {
		return nil, fmt.Errorf("mercadopago: webhook verifier: %w", webhook.ErrNilReplayStore)
	}
	if v.replay == nil {
		v.replay = webhook.DefaultReplayStore(v.clock)
	}
	key := v.secret
	v.pool.New = func() any {
		return &macState{h: hmac.New(sha256.New, key), buf: make([]byte, 0, 128)}
	}
	return v, nil
}

// String keeps the secret out of fmt output.
func (v *WebhookVerifier) String() string { return "mercadopago.WebhookVerifier{secret: [redacted]}" }

// Format prints String for every verb, so no verb reaches the secret.
func (v *WebhookVerifier) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, v.String()) }

// GoString keeps the secret out of %#v output.
func (v *WebhookVerifier) GoString() string { return v.String() }

// VerifySignature checks an x-signature header value against the manifest
// "id:<dataID>;request-id:<xRequestID>;ts:<ts>;" (a part whose value is empty
// is left out whole). dataID is the data.id query parameter; an alphanumeric
// id signed in lower or upper case is accepted too (one rule for the letter
// case of ids, order ids included). The signature is checked first,
// then the age of ts (seconds or milliseconds) against the maximum age.
//
// VerifySignature only checks: it records nothing, so it accepts the same
// delivery as often as it is sent within the maximum age. Verify and Handler
// also refuse replays.
func (v *WebhookVerifier) VerifySignature(xSignature, xRequestID, dataID string) error {
	_, _, err := v.verify(xSignature, xRequestID, dataID)
	return err
}

// verify checks the signature and the age of ts, and returns ts and the
// HMAC that matched (the same for every copy of one delivery).
func (v *WebhookVerifier) verify(xSignature, xRequestID, dataID string) (time.Time, [sha256.Size]byte, error) {
	var mac [sha256.Size]byte
	if strings.TrimSpace(xSignature) == "" {
		return time.Time{}, mac, ErrMissingSignature
	}
	if len(xSignature) > 1024 || len(xRequestID) > maxSignedPart || len(dataID) > maxSignedPart {
		return time.Time{}, mac, ErrMalformedSignature
	}
	sig, ok := parseSignature(xSignature)
	if !ok {
		return time.Time{}, mac, ErrMalformedSignature
	}
	ts, err := webhook.ParseUnixTimestamp(sig.ts)
	if err != nil {
		return time.Time{}, mac, ErrMalformedSignature
	}
	st := v.pool.Get().(*macState)
	defer v.pool.Put(st)
	// One rule for the letter case of an alphanumeric data.id (order ids
	// are upper case, some documentation lowercases them): the id is
	// matched as sent, then lowercased, then uppercased.
	match := v.check(st, &sig, dataID, caseAsIs, xRequestID)
	if !match && hasUpper(dataID) {
		match = v.check(st, &sig, dataID, caseLower, xRequestID)
	}
	if !match && hasLower(dataID) {
		match = v.check(st, &sig, dataID, caseUpper, xRequestID)
	}
	if !match {
		return time.Time{}, mac, ErrSignatureMismatch
	}
	copy(mac[:], st.sum[:])
	if err := webhook.CheckTime(ts, v.clock.Now(), v.maxAge); err != nil {
		return time.Time{}, mac, fmt.Errorf("%w: %w", ErrWebhookTooOld, err)
	}
	return ts, mac, nil
}

// check computes the HMAC of the manifest and compares it, in constant
// time, with every v1 value of the header.
func (v *WebhookVerifier) check(st *macState, sig *signature, dataID string, fold idCase, requestID string) bool {
	m := st.buf[:0]
	if dataID != "" {
		m = append(m, "id:"...)
		for i := 0; i < len(dataID); i++ {
			c := dataID[i]
			switch {
			case fold == caseLower && 'A' <= c && c <= 'Z':
				c += 'a' - 'A'
			case fold == caseUpper && 'a' <= c && c <= 'z':
				c -= 'a' - 'A'
			}
			m = append(m, c)
		}
		m = append(m, ';')
	}
	if requestID != "" {
		m = append(m, "request-id:"...)
		m = append(m, requestID...)
		m = append(m, ';')
	}
	m = append(m, "ts:"...)
	m = append(m, sig.ts...)
	m = append(m, ';')
	st.buf = m
	st.h.Reset()
	st.h.Write(m)
	sum := st.h.Sum(st.sum[:0])
	ok := false
	for i := 0; i < sig.n; i++ {
		if hmac.Equal(sum, sig.v1[i][:]) {
			ok = true
		}
	}
	return ok
}

// idCase is how check folds the letters of data.id in the manifest.
type idCase int

const (
	caseAsIs idCase = iota
	caseLower
	caseUpper
)

func hasLower(s string) bool {
	for i := 0; i < len(s); i++ {
		if 'a' <= s[i] && s[i] <= 'z' {
			return true
		}
	}
	return false
}

func hasUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return true
		}
	}
	return false
}

// signature is a parsed x-signature header.
type signature struct {
	ts string
	v1 [4][sha256.Size]byte
	n  int
}

// parseSignature reads "ts=<digits>,v1=<hex>" with the parts in any order,
// spaces around them, unknown keys ignored and up to four v1 values (for
// secret rotation). It allocates nothing.
func parseSignature(h string) (signature, bool) {
	var s signature
	for h != "" {
		var part string
		part, h, _ = strings.Cut(h, ",")
		k, val, ok := strings.Cut(part, "=")
		if !ok {
			return s, false
		}
		k, val = strings.TrimSpace(k), strings.TrimSpace(val)
		switch k {
		case "ts":
			if s.ts != "" || val == "" {
				return s, false
			}
			s.ts = val
		case "v1":
			if s.n == len(s.v1) || !decodeHex32(&s.v1[s.n], val) {
				return s, false
			}
			s.n++
		}
	}
	return s, s.ts != "" && s.n > 0
}

func decodeHex32(dst *[sha256.Size]byte, s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	for i := 0; i < sha256.Size; i++ {
		hi, ok1 := unhex(s[2*i])
		lo, ok2 := unhex(s[2*i+1])
		if !ok1 || !ok2 {
			return false
		}
		dst[i] = hi<<4 | lo
	}
	return true
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// Verify checks a notification request: the x-signature header over the
// data.id query parameter, the x-request-id header and the ts, the age of
// ts, and then decodes the body (read at most up to the body limit and left
// re-readable in r.Body). Only the signed parts are trustworthy: see
// Notification.
//
// A notification that passes is then claimed in the verifier's replay
// store, so that it is acted upon once, by whichever replica it reaches:
//   - the delivery, keyed on its signature (data.id, x-request-id and ts),
//     until ts plus the maximum age: a captured copy replayed is refused;
//   - the event, keyed on the signed data.id and the body's id (which the
//     notification docs call the event's own identifier, there to prevent
//     duplicates): Mercado Pago's retry of an unanswered notification
//     carries a new ts and signature but the same event, and is refused
//     once the event was acted upon. The event is claimed for the
//     retention (DefaultEventRetention), or, with WithProcessingLease, for
//     the lease until Done marks it. A body without an id, or whose id is
//     data.id itself, is claimed by its delivery alone (a retry is then
//     accepted again).
//
// A notification already claimed gets an error matching paykit.ErrReplayed;
// a store failure gets one matching paykit.ErrReplayStore (answer 5xx so
// Mercado Pago retries, and do not act on it). Handler does all of this; if
// you call Verify yourself, call Done once you acted on the notification and
// Release when you could not, so that Mercado Pago's retry is accepted.
func (v *WebhookVerifier) Verify(r *http.Request) (*Notification, error) {
	return v.verifyClaim(r, v.lease)
}

// verifyClaim is Verify with the claim's lease given, observed when an
// Observer is set.
func (v *WebhookVerifier) verifyClaim(r *http.Request, lease time.Duration) (*Notification, error) {
	return webhook.Observed(v.obs, r, "mercadopago", "webhook", webhookReasons, func() (*Notification, error) {
		return v.verifyRequest(r, lease)
	})
}

// verifyRequest is verifyClaim without the Observer.
func (v *WebhookVerifier) verifyRequest(r *http.Request, lease time.Duration) (*Notification, error) {
	if r == nil || r.URL == nil {
		return nil, ErrMissingSignature
	}
	body, err := webhook.ReadBody(r, v.maxBody)
	if err != nil {
		return nil, err
	}
	dataID, ok := queryValue(r.URL.RawQuery, "data.id")
	if !ok {
		return nil, ErrMalformedSignature
	}
	reqID := r.Header.Get("X-Request-Id")
	ts, mac, err := v.verify(r.Header.Get("X-Signature"), reqID, dataID)
	if err != nil {
		return nil, err
	}
	n := &Notification{}
	if err := n.UnmarshalJSON(body); err != nil {
		return nil, ErrMalformedNotification
	}
	if dataID != "" && n.Data.ID != "" && !strings.EqualFold(dataID, n.Data.ID) {
		return nil, ErrMalformedNotification
	}
	n.DataID, n.RequestID, n.Timestamp = dataID, reqID, ts
	if n.Type == "" {
		// Point notifications (point_integration_wh) carry the intent as
		// their body, with no "type": the URL's type names the topic. It
		// is no more signed than the body's would be.
		n.Type, _ = queryValue(r.URL.RawQuery, "type")
	}
	now := v.clock.Now()
	until := ts.Add(v.maxAge)
	if v.maxAge <= 0 {
		until = now.Add(webhook.UntimedRetention)
	}
	var kb [len(replayPrefix) + 2*sha256.Size]byte
	copy(kb[:], replayPrefix)
	hex.Encode(kb[len(replayPrefix):], mac[:])
	sigKey := string(kb[:])
	eventKey := eventKeyOf(dataID, n, body)
	if eventKey == "" {
		if err := webhook.Claim(r.Context(), v.replay, "mercadopago: webhook", sigKey, webhook.ClaimUntil(now, until, lease)); err != nil {
			return nil, err
		}
		n.replayKey, n.replayUntil = sigKey, until
		return n, nil
	}
	if err := webhook.Claim(r.Context(), v.replay, "mercadopago: webhook", sigKey, until); err != nil {
		return nil, err
	}
	end := now.Add(v.retention)
	if end.Before(until) {
		end = until
	}
	if err := webhook.Claim(r.Context(), v.replay, "mercadopago: webhook", eventKey, webhook.ClaimUntil(now, end, lease)); err != nil {
		if errors.Is(err, paykit.ErrReplayStore) {
			_ = webhook.Release(r.Context(), v.replay, "mercadopago: webhook", sigKey)
		}
		return nil, err
	}
	n.replayKey, n.sigKey, n.replayUntil = eventKey, sigKey, end
	return n, nil
}

// replayPrefix keeps this verifier's keys apart from other providers' in a
// shared store.
const replayPrefix = "mercadopago:"

// eventKeyOf names the event a notification reports, the same on every
// retry of it: SHA-256 of the signed data.id (letter case folded, as the
// signature accepts either) and the body's id. It is "" when the body has
// no id, or one equal to data.id.
func eventKeyOf(dataID string, n *Notification, body []byte) string {
	// The key is built in fixed buffers, so that the second claim costs
	// one allocation (the key itself) on the verifier's hot path.
	var idBuf [20]byte
	var id []byte
	if n.ID != 0 {
		id = strconv.AppendInt(idBuf[:0], n.ID, 10)
	} else {
		// Some topics send the id as a string of hex digits.
		var raw struct {
			ID json.RawMessage `json:"id"`
		}
		if json.Unmarshal(body, &raw) == nil {
			id = bytes.Trim(bytes.TrimSpace(raw.ID), `"`)
		}
		if string(id) == "null" || len(id) > 128 {
			id = nil
		}
	}
	if dataID == "" {
		dataID = n.Data.ID
	}
	if len(id) == 0 || strings.EqualFold(string(id), dataID) {
		// An id that repeats data.id names the resource, not the event
		// (merchant_order notifications have been seen so): every update of
		// the resource would share it.
		return ""
	}
	h := sha256.New()
	h.Write([]byte(strings.ToLower(dataID)))
	h.Write([]byte{'\n'})
	h.Write(id)
	var sum [sha256.Size]byte
	var kb [len(replayPrefix) + len("event:") + 2*sha256.Size]byte
	n0 := copy(kb[:], replayPrefix)
	n0 += copy(kb[n0:], "event:")
	hex.Encode(kb[n0:], h.Sum(sum[:0]))
	return string(kb[:])
}

// Release forgets that n was accepted, so that the same delivery is taken
// again when Mercado Pago retries it. Call it when you verified n with
// Verify but could not act on it (Handler does this when its func fails).
// A notification that did not come from this verifier's Verify is ignored.
// The error matches paykit.ErrReplayStore.
func (v *WebhookVerifier) Release(ctx context.Context, n *Notification) error {
	if n == nil {
		return nil
	}
	err := webhook.Release(ctx, v.replay, "mercadopago: webhook", n.replayKey)
	if serr := webhook.Release(ctx, v.replay, "mercadopago: webhook", n.sigKey); err == nil {
		err = serr
	}
	return err
}

// Done records that n was acted upon, for the event retention: Mercado
// Pago's retries of it are then refused (ErrReplayed; Handler answers them
// 200) by every verifier sharing the replay store. Call it after acting on
// a notification from Verify when the verifier has WithProcessingLease;
// without it the claim already lasts the retention and Done changes
// nothing. Handler calls it when its func succeeds. A notification that
// did not come from this verifier's Verify is ignored. The error matches
// paykit.ErrReplayStore.
func (v *WebhookVerifier) Done(ctx context.Context, n *Notification) error {
	if n == nil {
		return nil
	}
	return webhook.Done(ctx, v.replay, "mercadopago: webhook", n.replayKey, n.replayUntil)
}

// queryValue returns the first value of key in a raw query, unescaping only
// when it must; ok is false for a malformed escape.
func queryValue(raw, key string) (string, bool) {
	for raw != "" {
		var part string
		part, raw, _ = strings.Cut(raw, "&")
		k, val, _ := strings.Cut(part, "=")
		if strings.ContainsAny(k, "%+") {
			uk, err := url.QueryUnescape(k)
			if err != nil {
				continue
			}
			k = uk
		}
		if k != key {
			continue
		}
		if strings.ContainsAny(val, "%+") {
			uv, err := url.QueryUnescape(val)
			if err != nil {
				return "", false
			}
			val = uv
		}
		return val, true
	}
	return "", true
}

// Handler returns an http.Handler for your notification URL: it accepts
// POST only, bounds and verifies the request, calls fn with the notification
// and answers 200 when fn returns nil. Verification failures get 401 (400
// for a malformed body, 413 for an oversized one) and fn is not called; an
// error from fn gets 500 and releases the delivery's claim, so Mercado Pago
// delivers the notification again and the retry is accepted.
//
// The claim lasts the processing lease (WithProcessingLease, 2 minutes by
// default) while fn runs; when fn succeeds, Done records the event for the
// retention. A delivery already accepted (a replay, or a retry of a
// notification fn already handled, on this replica or another sharing the
// replay store) is answered 200 without calling fn, so Mercado Pago stops
// sending it. When the replay store fails the answer is 503 and fn is not
// called: Mercado Pago retries, and nothing is acted upon unrecorded. If the
// process dies while fn runs, the claim runs out after the lease and
// Mercado Pago's next retry is handled.
//
// Answer within 22 seconds: do slow work after acknowledging.
func (v *WebhookVerifier) Handler(fn func(ctx context.Context, n *Notification) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		lease := v.lease
		if lease <= 0 {
			lease = webhook.DefaultProcessingLease
		}
		n, err := v.verifyClaim(r, lease)
		switch {
		case errors.Is(err, paykit.ErrReplayed):
			w.WriteHeader(http.StatusOK)
			return
		case errors.Is(err, paykit.ErrReplayStore):
			http.Error(w, "notification not recorded, try again", http.StatusServiceUnavailable)
			return
		case errors.Is(err, webhook.ErrBodyTooLarge):
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		case errors.Is(err, ErrMalformedNotification):
			http.Error(w, "malformed notification", http.StatusBadRequest)
			return
		case err != nil:
			http.Error(w, "invalid signature", http.StatusUnauthorized)
			return
		}
		if err := fn(r.Context(), n); err != nil {
			// The answer is 500 either way; if the release fails too, the
			// retry is acknowledged unhandled until the claim expires.
			_ = v.Release(r.Context(), n)
			http.Error(w, "notification not processed", http.StatusInternalServerError)
			return
		}
		// fn acted: answer 200 even if the record fails, so Mercado Pago
		// stops sending it (a retry after the lease would act again).
		_ = v.Done(r.Context(), n)
		w.WriteHeader(http.StatusOK)
	})
}
