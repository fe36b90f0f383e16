package fintecture

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/httpsig"
	"github.com/paykit-go/paykit/internal/webhook"
	"github.com/paykit-go/paykit/money"
)

// Webhook verification errors, matched with errors.Is. Every verification
// failure Verify returns matches ErrInvalidWebhook too. Two errors are not
// failures and do not match it: a delivery already accepted (it matches
// paykit.ErrReplayed; acknowledge it) and a replay store that failed (it
// matches paykit.ErrReplayStore; answer 5xx so that Fintecture retries).
var (
	// ErrInvalidWebhook is matched by every verification failure.
	ErrInvalidWebhook = errors.New("fintecture: invalid webhook")
	// ErrWebhookMissingHeader: Signature, Digest, Date or X-Request-ID is
	// absent.
	ErrWebhookMissingHeader = fmt.Errorf("%w: missing header", ErrInvalidWebhook)
	// ErrWebhookMalformed: a header or the decrypted signing string cannot
	// be parsed, or the body cannot be decoded.
	ErrWebhookMalformed = fmt.Errorf("%w: malformed", ErrInvalidWebhook)
	// ErrWebhookDigest: the Digest header is not the SHA-256 of the body
	// (the body was changed).
	ErrWebhookDigest = fmt.Errorf("%w: digest does not match the body", ErrInvalidWebhook)
	// ErrWebhookSignature: the signature does not decrypt with your key,
	// or its lines do not match the headers.
	ErrWebhookSignature = fmt.Errorf("%w: signature does not match", ErrInvalidWebhook)
	// ErrWebhookKeyID: the Signature's keyId is not your app id.
	ErrWebhookKeyID = fmt.Errorf("%w: unexpected keyId", ErrInvalidWebhook)
	// ErrWebhookTooOld: the Date is further from now than the maximum age
	// (DefaultWebhookMaxAge, or WithMaxAge); it also matches webhook
	// tolerance errors.
	ErrWebhookTooOld = fmt.Errorf("%w: date outside tolerance", ErrInvalidWebhook)
)

// Notification is a verified Fintecture notification. Fields Fintecture
// adds later are in Fields.
type Notification struct {
	SessionID         string
	Status            PaymentStatus
	Event             string
	Type              string
	TransferState     TransferState
	State             string
	CustomerID        string
	Provider          string
	Amount            money.Decimal
	Currency          string
	RefundedSessionID string

	// RequestID is the X-Request-ID of the delivery; Date its Date header.
	RequestID string
	Date      time.Time
	// KeyID is the keyId of the Signature header.
	KeyID string
	// Fields holds every field of the body as text.
	Fields map[string]string

	// replayKey is the key Verify claimed in the replay store ("" when the
	// event did not come from Verify), and replayUntil the end of its
	// window, which Done records it for.
	replayKey   string
	replayUntil time.Time
}

// DefaultWebhookMaxAge is how far a webhook's signed Date may be from now,
// either way, unless WithMaxAge says otherwise: twelve hours. Fintecture
// delays a delivery by up to an hour (a Console setting) and retries a
// failed one ten times with growing waits; twelve hours leaves room for
// that, while a day-old capture is refused. Each accepted delivery is
// remembered for as long as its Date is within the maximum age.
const DefaultWebhookMaxAge = 12 * time.Hour

// WebhookVerifier checks Fintecture webhooks with the application's private
// key (https://docs.fintecture.com/, "Webhooks") and refuses a delivery it
// has already accepted (see Verify). Build it once with NewWebhookVerifier;
// it is safe for concurrent use, and its record of accepted deliveries is
// per verifier unless WithReplayStore shares one.
type WebhookVerifier struct {
	key       *rsa.PrivateKey
	keyID     string
	maxAge    time.Duration
	clock     webhook.Clock
	maxBody   int64
	replay    paykit.ReplayStore
	replaySet bool // WithReplayStore was given, possibly with nil
	obs       *paykit.Observer
	lease     time.Duration
	leaseSet  bool
}

// WithProcessingLease makes Verify claim a delivery only for d (the
// handler's processing lease) instead of for its whole window, and sets the
// lease Handler uses (default 2 minutes). After acting on the event call
// Done, which records the delivery for its window; when you cannot act,
// call Release. A process that dies in between leaves a claim that runs
// out after d, so Fintecture's retry is accepted by whichever replica it
// reaches. d must be positive and above the longest your handling takes.
func WithProcessingLease(d time.Duration) WebhookOption {
	return func(v *WebhookVerifier) { v.lease, v.leaseSet = d, true }
}

// String describes the verifier without its private key.
func (v *WebhookVerifier) String() string { return "fintecture.WebhookVerifier{key: [redacted]}" }

// Format prints String for every verb, so no verb reaches the private key.
func (v *WebhookVerifier) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, v.String()) }

// WebhookOption configures a WebhookVerifier.
type WebhookOption func(*WebhookVerifier)

// WithExpectedKeyID rejects webhooks whose Signature keyId is not appID.
func WithExpectedKeyID(appID string) WebhookOption {
	return func(v *WebhookVerifier) { v.keyID = appID }
}

// WithMaxAge rejects webhooks whose Date is more than d away from now
// (default DefaultWebhookMaxAge, twelve hours). Keep it generous (over an
// hour): Fintecture delays deliveries by the offset set in the Console and
// retries ten times with growing waits. Zero turns the age check off: each
// delivery is then remembered for a day (webhook.UntimedRetention) from its
// acceptance, and a captured webhook replayed later than that is accepted
// again. A negative d is an error.
func WithMaxAge(d time.Duration) WebhookOption { return func(v *WebhookVerifier) { v.maxAge = d } }

// WithReplayStore makes the verifier record accepted deliveries in store
// instead of its own in-memory record (a paykit.MemoryReplayStore holding
// up to paykit.DefaultMaxReplayEntries). Share one store between all the
// processes that serve your webhook URL, so that a delivery replayed to
// another replica is refused too. A nil store is an error: replay
// protection cannot be turned off. A store with a clock of its own
// (paykit.WithReplayClock) must read the same time as WithWebhookClock.
func WithReplayStore(store paykit.ReplayStore) WebhookOption {
	return func(v *WebhookVerifier) { v.replay, v.replaySet = store, true }
}

// WithWebhookClock sets the clock the maximum age is checked against (tests).
func WithWebhookClock(now func() time.Time) WebhookOption {
	return func(v *WebhookVerifier) { v.clock = now }
}

// WithMaxBodyBytes caps the body read (default 1 MiB).
func WithMaxBodyBytes(n int64) WebhookOption { return func(v *WebhookVerifier) { v.maxBody = n } }

// WithWebhookObserver makes o's Verify see every verification, with its
// outcome and, for a refused delivery, a short reason (see paykit.Observer).
// Nil, the default, observes nothing.
func WithWebhookObserver(o *paykit.Observer) WebhookOption {
	return func(v *WebhookVerifier) { v.obs = o }
}

// webhookReasons name Verify's refusals for an Observer.
var webhookReasons = []webhook.Reason{
	{Err: ErrWebhookMissingHeader, Name: "missing_signature"},
	{Err: ErrWebhookMalformed, Name: "malformed"},
	{Err: ErrWebhookDigest, Name: "digest"},
	{Err: ErrWebhookSignature, Name: "signature"},
	{Err: ErrWebhookKeyID, Name: "key_id"},
	{Err: ErrWebhookTooOld, Name: "too_old"},
}

// NewWebhookVerifier parses the application's private key (PEM, PKCS#8 or
// PKCS#1) once and returns a verifier.
func NewWebhookVerifier(privateKeyPEM []byte, opts ...WebhookOption) (*WebhookVerifier, error) {
	key, err := httpsig.ParsePrivateKey(privateKeyPEM)
	if err != nil {
		return nil, fmt.Errorf("fintecture: private key: %w", err)
	}
	v := &WebhookVerifier{key: key, maxAge: DefaultWebhookMaxAge}
	for _, o := range opts {
		if o != nil {
			o(v)
		}
	}
	if v.maxAge < 0 {
		return nil, errors.New("fintecture: webhook max age: must not be negative (0 turns the age check off)")
	}
	if v.replaySet && v.replay == nil {
		return nil, fmt.Errorf("fintecture: webhook verifier: %w", webhook.ErrNilReplayStore)
	}
	if v.leaseSet && v.lease <= 0 {
		return nil, fmt.Errorf("fintecture: webhook verifier: %w", webhook.ErrBadProcessingLease)
	}
	if v.replay == nil {
		v.replay = webhook.DefaultReplayStore(v.clock)
	}
	return v, nil
}

// unquote trims spaces and one pair of surrounding double quotes.
func unquote(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	return s
}

// signedHeaders are the headers Fintecture's webhook signing string covers;
// each must be present and match.
var signedHeaders = []string{"date", "digest", "x-request-id"}

// Verify checks r and returns its event:
//   - the Digest header equals SHA-256 of the raw body;
//   - the Signature's signature value decrypts (RSA-OAEP, SHA-1) with the
//     private key, and its lines "date: …", "digest: …", "x-request-id: …"
//     equal those headers (quotes and \r\n tolerated);
//   - the Date is within the maximum age of now (DefaultWebhookMaxAge unless
//     WithMaxAge says otherwise), and the keyId is yours if
//     WithExpectedKeyID was given.
//
// A webhook that passes is then claimed in the verifier's replay store,
// keyed on its signed Date, Digest and X-Request-ID (which a replay repeats
// exactly) for as long as its Date is within the maximum age. The same
// delivery verified again within that time gets an error matching
// paykit.ErrReplayed; a store failure gets one matching
// paykit.ErrReplayStore (answer 5xx so that Fintecture retries, and do not
// act on it). Handler does all of this; if you call Verify yourself, call
// Done once you acted on the event (needed with WithProcessingLease, where
// the claim lasts only the lease) and Release when you could not, so that
// Fintecture's retry of it is accepted.
//
// The body stays readable afterwards. A webhook proves only that someone
// with your public key sent it: before fulfilling an order, confirm with
// PISService.GetPayment.
func (v *WebhookVerifier) Verify(r *http.Request) (*Notification, error) {
	return v.verifyClaim(r, v.lease)
}

// verifyClaim is Verify with the claim's lease given, observed when an
// Observer is set.
func (v *WebhookVerifier) verifyClaim(r *http.Request, lease time.Duration) (*Notification, error) {
	return webhook.Observed(v.obs, r, "fintecture", "webhook", webhookReasons, func() (*Notification, error) {
		return v.verifyRequest(r, lease)
	})
}

// verifyRequest is verifyClaim without the Observer.
func (v *WebhookVerifier) verifyRequest(r *http.Request, lease time.Duration) (*Notification, error) {
	if r == nil {
		return nil, fmt.Errorf("%w: nil request", ErrWebhookMalformed)
	}
	body, err := webhook.ReadBody(r, v.maxBody)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidWebhook, err)
	}
	sigHeader := r.Header.Get("Signature")
	if sigHeader == "" {
		return nil, fmt.Errorf("%w: Signature", ErrWebhookMissingHeader)
	}
	params, err := httpsig.ParseSignatureHeader(sigHeader)
	if err != nil {
		return nil, fmt.Errorf("%w: Signature header: %w", ErrWebhookMalformed, err)
	}
	if params.Signature == "" {
		return nil, fmt.Errorf("%w: Signature header has no signature parameter", ErrWebhookMalformed)
	}
	if params.Algorithm != "" && !strings.EqualFold(params.Algorithm, httpsig.AlgorithmRSASHA256) {
		return nil, fmt.Errorf("%w: Signature algorithm %.32q is not rsa-sha256", ErrWebhookMalformed, params.Algorithm)
	}
	if v.keyID != "" && !webhook.EqualString(params.KeyID, v.keyID) {
		return nil, ErrWebhookKeyID
	}
	headers := map[string]string{}
	for _, name := range signedHeaders {
		val := unquote(r.Header.Get(name))
		if val == "" {
			return nil, fmt.Errorf("%w: %s", ErrWebhookMissingHeader, name)
		}
		headers[name] = val
	}
	// The body must be the one the Digest was made of.
	if !digestMatches(headers["digest"], body) {
		return nil, ErrWebhookDigest
	}
	plain, err := httpsig.DecryptOAEP(v.key, params.Signature)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrWebhookSignature, err)
	}
	lines, err := parseSigningString(plain)
	if err != nil {
		return nil, err
	}
	for _, name := range signedHeaders {
		got, ok := lines[name]
		if !ok {
			return nil, fmt.Errorf("%w: signed string has no %s line", ErrWebhookSignature, name)
		}
		if !webhook.EqualString(got, headers[name]) {
			return nil, fmt.Errorf("%w: %s differs from the signed value", ErrWebhookSignature, name)
		}
	}
	// Any other signed line must match its header too.
	for name, got := range lines {
		if _, done := headers[name]; done {
			continue
		}
		if name == httpsig.RequestTarget {
			continue // not used on webhooks; nothing to compare it with reliably
		}
		if !webhook.EqualString(got, unquote(r.Header.Get(name))) {
			return nil, fmt.Errorf("%w: %.40s differs from the signed value", ErrWebhookSignature, name)
		}
	}
	date, dateErr := http.ParseTime(headers["date"])
	if v.maxAge > 0 {
		if dateErr != nil {
			return nil, fmt.Errorf("%w: Date header is not an HTTP date", ErrWebhookMalformed)
		}
		if err := webhook.CheckTime(date, v.clock.Now(), v.maxAge); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrWebhookTooOld, err)
		}
	}
	ev, err := decodeEvent(r.Header.Get("Content-Type"), body)
	if err != nil {
		return nil, err
	}
	ev.RequestID = headers["x-request-id"]
	ev.KeyID = params.KeyID
	if dateErr == nil {
		ev.Date = date
	}
	until := date.Add(v.maxAge)
	if v.maxAge == 0 {
		until = v.clock.Now().Add(webhook.UntimedRetention)
	}
	key := replayKey(headers)
	if err := webhook.Claim(r.Context(), v.replay, "fintecture: webhook", key, webhook.ClaimUntil(v.clock.Now(), until, lease)); err != nil {
		return nil, err
	}
	ev.replayKey, ev.replayUntil = key, until
	return ev, nil
}

// replayKey names a delivery by its signed lines: SHA-256 over the Date,
// Digest and X-Request-ID values, which every copy of one delivery repeats
// (the encrypted signature value does not: RSA-OAEP is randomised).
func replayKey(headers map[string]string) string {
	h := sha256.New()
	for _, name := range signedHeaders {
		h.Write([]byte(headers[name]))
		h.Write([]byte{'\n'})
	}
	return "fintecture:" + hex.EncodeToString(h.Sum(nil))
}

// Release forgets that ev was accepted, so that the same delivery is taken
// again when Fintecture retries it. Call it when you verified ev with Verify
// but could not act on it (Handler does this when its func fails). An event
// that did not come from this verifier's Verify is ignored. The error
// matches paykit.ErrReplayStore.
func (v *WebhookVerifier) Release(ctx context.Context, ev *Notification) error {
	if ev == nil {
		return nil
	}
	return webhook.Release(ctx, v.replay, "fintecture: webhook", ev.replayKey)
}

// Done records that ev was acted upon, for the rest of its window:
// Fintecture's retries of the delivery are then refused (ErrReplayed;
// Handler answers them 200) by every verifier sharing the replay store.
// Call it after acting on an event from Verify when the verifier has
// WithProcessingLease; without it the claim already lasts the window.
// Handler calls it when its func succeeds. An event that did not come from
// this verifier's Verify is ignored. The error matches
// paykit.ErrReplayStore.
func (v *WebhookVerifier) Done(ctx context.Context, ev *Notification) error {
	if ev == nil {
		return nil
	}
	return webhook.Done(ctx, v.replay, "fintecture: webhook", ev.replayKey, ev.replayUntil)
}

// digestMatches compares a Digest header value with SHA-256 of body. The
// algorithm name is matched without regard to case.
func digestMatches(header string, body []byte) bool {
	want := httpsig.Digest(body)
	algo, value, ok := strings.Cut(header, "=")
	if !ok || !strings.EqualFold(strings.TrimSpace(algo), "SHA-256") {
		return false
	}
	return webhook.EqualString("SHA-256="+strings.TrimSpace(value), want)
}

// maxSignedLines bounds the decrypted string (it is at most a key's size,
// but be explicit).
const maxSignedLines = 16

// parseSigningString splits the decrypted "name: value" lines, accepting
// \r\n and quoted values. A repeated name or a line without a colon is
// malformed.
func parseSigningString(plain []byte) (map[string]string, error) {
	out := map[string]string{}
	for _, line := range strings.Split(string(plain), "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("%w: decrypted signing string has a line without a colon", ErrWebhookSignature)
		}
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" {
			return nil, fmt.Errorf("%w: decrypted signing string has an empty header name", ErrWebhookSignature)
		}
		if _, dup := out[name]; dup {
			return nil, fmt.Errorf("%w: decrypted signing string repeats %.40s", ErrWebhookSignature, name)
		}
		if len(out) == maxSignedLines {
			return nil, fmt.Errorf("%w: decrypted signing string has too many lines", ErrWebhookSignature)
		}
		out[name] = unquote(value)
	}
	return out, nil
}

// maxEventDepth bounds how deep decodeEvent looks into nested JSON.
const maxEventDepth = 4

// decodeEvent reads a form or JSON body into an event. JSON objects nested
// under "meta", "data" or "attributes" are flattened, the first value of a
// name winning.
func decodeEvent(contentType string, body []byte) (*Notification, error) {
	fields := map[string]string{}
	mt, _, _ := mime.ParseMediaType(contentType)
	trimmed := bytes.TrimSpace(body)
	if mt == "application/json" || (mt == "" && len(trimmed) > 0 && trimmed[0] == '{') {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(trimmed, &obj); err != nil {
			return nil, fmt.Errorf("%w: JSON body: %w", ErrWebhookMalformed, err)
		}
		flatten(obj, fields, 0)
	} else {
		q, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, fmt.Errorf("%w: form body: %w", ErrWebhookMalformed, err)
		}
		for k, vs := range q {
			if len(vs) > 0 {
				fields[k] = vs[0]
			}
		}
	}
	ev := &Notification{
		SessionID:         fields["session_id"],
		Status:            PaymentStatus(fields["status"]),
		Event:             fields["event"],
		Type:              fields["type"],
		TransferState:     TransferState(fields["transfer_state"]),
		State:             fields["state"],
		CustomerID:        fields["customer_id"],
		Provider:          fields["provider"],
		Currency:          fields["currency"],
		RefundedSessionID: fields["refunded_session_id"],
		Fields:            fields,
	}
	if a := strings.TrimSpace(fields["amount"]); a != "" {
		if d, err := money.Parse(a); err == nil {
			ev.Amount = d
		}
	}
	return ev, nil
}

func flatten(obj map[string]json.RawMessage, out map[string]string, depth int) {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys) // nested objects in a fixed order: "data" before "meta"
	var nested []map[string]json.RawMessage
	for _, k := range keys {
		raw := obj[k]
		raw = bytes.TrimSpace(raw)
		if len(raw) > 0 && raw[0] == '{' {
			var sub map[string]json.RawMessage
			if depth < maxEventDepth && json.Unmarshal(raw, &sub) == nil {
				nested = append(nested, sub)
			}
			continue
		}
		if _, seen := out[k]; !seen && (len(raw) == 0 || raw[0] != '[') {
			out[k] = scalar(raw)
		}
	}
	for _, sub := range nested {
		flatten(sub, out, depth+1)
	}
}

// Handler returns an http.Handler for your webhook URL: it accepts POST
// only, verifies the request, calls fn with the event and answers 200. A
// request that fails verification gets 400 (401 for a signature that does
// not match, 413 for an oversized body) and fn is not called; an error from
// fn answers 500 and releases the delivery's claim, so Fintecture delivers
// the webhook again later and the retry is accepted.
//
// A delivery already accepted (a replay, or a retry of a webhook fn already
// handled) is answered 200 without calling fn, so Fintecture stops sending
// it. When the replay store fails the answer is 503 and fn is not called:
// Fintecture retries, and nothing is acted upon unrecorded. The claim lasts
// the processing lease (WithProcessingLease, 2 minutes by default) while fn
// runs, and Done records the delivery when fn succeeds: if the process dies
// while fn runs, the claim runs out after the lease and Fintecture's retry
// is handled.
func (v *WebhookVerifier) Handler(fn func(ctx context.Context, ev *Notification) error) http.Handler {
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
		ev, err := v.verifyClaim(r, lease)
		if err != nil {
			switch {
			case errors.Is(err, paykit.ErrReplayed):
				w.WriteHeader(http.StatusOK)
			case errors.Is(err, paykit.ErrReplayStore):
				http.Error(w, "webhook not recorded, try again", http.StatusServiceUnavailable)
			case errors.Is(err, webhook.ErrBodyTooLarge):
				http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			case errors.Is(err, ErrWebhookSignature), errors.Is(err, ErrWebhookDigest), errors.Is(err, ErrWebhookKeyID):
				http.Error(w, "invalid signature", http.StatusUnauthorized)
			default:
				http.Error(w, "invalid webhook", http.StatusBadRequest)
			}
			return
		}
		if err := fn(r.Context(), ev); err != nil {
			// The answer is 500 either way; if the release fails too, the
			// retry is acknowledged unhandled until the claim expires.
			_ = v.Release(r.Context(), ev)
			http.Error(w, "webhook not processed", http.StatusInternalServerError)
			return
		}
		// fn acted: answer 200 even if the record fails, so Fintecture
		// stops sending it (a retry after the lease would act again).
		_ = v.Done(r.Context(), ev)
		w.WriteHeader(http.StatusOK)
	})
}
