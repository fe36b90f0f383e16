package transport

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/paykit-go/paykit"
)

// Signer signs one attempt of a request. It is called on every attempt, after
// the body, auth and all other headers are final, with the exact body bytes.
type Signer interface {
	SignRequest(req *http.Request, body []byte) error
}

func newKey() string { return uuid.NewString() }

// attemptResult is what one try produced.
type attemptResult struct {
	req     *http.Request // the attempt as sent
	resp    *http.Response
	body    []byte
	err     error // transport-level failure
	reached bool  // the request may have reached the server
	// sends is how many times net/http wrote the request's headers to a
	// connection during this try: 0 when it never left, 2 or more when
	// net/http resent it on its own after a reused connection broke.
	sends int
	// tooLarge: the answer's body was over the cap and was not kept.
	tooLarge bool
	// redirect: the answer was a redirect, refused (resp has its headers).
	redirect *RedirectError
}

// Do sends r, retrying as the rules allow, and decodes a 2xx JSON body into
// out (unless out is nil) with Decode, so a drifted field is named in the
// result's Unparsed instead of failing the call. It returns the provider's error (via DecodeError)
// for non-2xx answers and refused redirects, a *NetworkError when no answer
// came, and the context's error (wrapped with the last failure) when ctx
// ends first. A request the transport refuses before sending (see IDRule,
// checkHeaders) returns the Config's Invalid error and sends nothing.
func (c *Client) Do(ctx context.Context, r *Request, out any) (*Response, error) {
	ctx, oc := c.observeCall(ctx, r)
	resp, err := c.do(ctx, r, out, oc)
	oc.end(resp, err)
	return resp, err
}

// do is Do's work; oc (nil when the client has no Observer) sees each
// attempt.
func (c *Client) do(ctx context.Context, r *Request, out any, oc *callObs) (*Response, error) {
	p, err := c.prepare(r)
	if err != nil {
		oc.failedBefore(paykit.ErrorTypeInvalidRequest)
		return nil, err
	}
	auth := c.cfg.Auth
	if r.Auth != nil {
		auth = r.Auth
	}
	retriedAuth := false
	sends := 0
	var lastErr error
	var waited time.Duration
	for attempt := 1; ; attempt++ {
		started := c.cfg.Clock()
		actx, done := oc.attempt(ctx, attempt, waited, p.key != "")
		res := c.attempt(actx, p, r.Header, auth, oc)
		attemptDone(ctx, done, &res)
		sends += res.sends
		c.log(ctx, p, attempt, started, res)

		if res.err != nil {
			var se *setupError
			if errors.As(res.err, &se) && ctx.Err() == nil {
				oc.failedBefore(paykit.ErrorTypeAuth)
				return nil, se.err
			}
			nerr := &NetworkError{Method: p.method, Path: p.path, MayHaveReachedServer: res.reached, IdempotencyKey: p.key,
				Attempts: attempt, Sends: sends, Err: newRedactedCause(res.err, c.secretsOf(p))}
			if ctxErr := ctx.Err(); ctxErr != nil {
				return nil, c.ctxError(ctxErr, nerr)
			}
			if !res.reached || c.repeatable(p) {
				lastErr = nerr
				if attempt <= c.cfg.MaxRetries {
					if waited, err = c.wait(ctx, attempt, nil); err != nil {
						return nil, c.ctxError(err, lastErr)
					}
					continue
				}
			}
			return nil, nerr
		}

		resp := res.resp
		meta := Meta{StatusCode: resp.StatusCode, RequestID: c.requestID(resp.Header), IdempotencyKey: p.key, Attempts: attempt, Sends: sends}
		switch {
		case res.redirect != nil:
			// Never followed, never repeated: the answer itself is wrong.
			return nil, c.fail(p, meta, resp.Header, nil, res.redirect.Error(), res.redirect)
		case res.tooLarge:
			return nil, c.fail(p, meta, resp.Header, nil,
				fmt.Sprintf("response body is larger than the %d-byte limit", c.cfg.MaxBodyBytes), ErrResponseTooLarge)
		case resp.StatusCode >= 200 && resp.StatusCode < 300:
			return c.success(p, meta, resp.Header, res.body, out, r.AllowEmpty)
		}
		if resp.StatusCode == http.StatusUnauthorized && !retriedAuth {
			if inv, ok := auth.(Invalidator); ok && inv.Invalidate(res.req) {
				// A 401 means the API refused the request before acting on it,
				// so one repeat with a new token cannot double anything.
				retriedAuth = true
				waited = 0
				continue
			}
		}
		if c.retryStatus(p, resp.StatusCode) && attempt <= c.cfg.MaxRetries {
			lastErr = c.fail(p, meta, resp.Header, res.body, "", nil)
			if waited, err = c.wait(ctx, attempt, resp.Header); err != nil {
				return nil, c.ctxError(err, lastErr)
			}
			continue
		}
		return nil, c.fail(p, meta, resp.Header, res.body, "", nil)
	}
}

// setupError marks a failure that happened before anything was sent (auth,
// signing, building the request); it is returned as is and never retried.
type setupError struct{ err error }

func (e *setupError) Error() string { return e.err.Error() }

func (c *Client) attempt(ctx context.Context, p *prepared, extra http.Header, auth Authenticator, oc *callObs) attemptResult {
	var bodyReader io.Reader
	if p.body != nil {
		bodyReader = bytes.NewReader(p.body)
	}
	var wrote atomic.Int32
	trace := &httptrace.ClientTrace{
		WroteHeaders: func() { wrote.Add(1) },
	}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), p.method, p.url, bodyReader)
	if err != nil {
		return attemptResult{err: &setupError{fmt.Errorf("building request: %w", err)}}
	}
	if p.body != nil {
		body := p.body
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	}
	for k, vs := range extra {
		req.Header[http.CanonicalHeaderKey(k)] = append([]string(nil), vs...)
	}
	req.Header["User-Agent"] = c.userAgent
	req.Header["Accept"] = jsonValue
	if p.contentType != nil {
		req.Header["Content-Type"] = p.contentType
	}
	if p.key != "" {
		req.Header.Set(c.cfg.IdempotencyHeader, p.key)
	}
	oc.inject(ctx, req)
	if auth != nil {
		if err := auth.Authenticate(ctx, req); err != nil {
			return attemptResult{err: &setupError{err}}
		}
	}
	if c.cfg.Signer != nil {
		if err := c.cfg.Signer.SignRequest(req, p.body); err != nil {
			return attemptResult{err: &setupError{fmt.Errorf("signing request: %w", err)}}
		}
	}
	resp, err := c.hc.Do(req)
	sends := int(wrote.Load())
	if err != nil {
		var re *RedirectError
		if resp != nil && errors.As(err, &re) {
			// net/http has closed the redirect's body; its status and
			// headers are what there is to report.
			return attemptResult{req: req, resp: resp, reached: true, sends: sends, redirect: re}
		}
		return attemptResult{req: req, err: err, reached: sends > 0 || !neverSent(err), sends: sends}
	}
	defer resp.Body.Close()
	body, err := readCapped(resp.Body, c.cfg.MaxBodyBytes, resp.ContentLength)
	if err != nil {
		if errors.Is(err, ErrResponseTooLarge) {
			// The server answered; its answer is one we refuse to hold.
			return attemptResult{req: req, resp: resp, reached: true, sends: sends, tooLarge: true}
		}
		return attemptResult{req: req, err: fmt.Errorf("reading response body: %w", err), reached: true, sends: sends}
	}
	return attemptResult{req: req, resp: resp, body: body, reached: true, sends: sends}
}

// neverSent reports whether err proves the request never left this process:
// the dial failed (refused, DNS, unreachable) or TLS could not be set up.
func neverSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return true
	}
	var rec tls.RecordHeaderError
	if errors.As(err, &rec) {
		return true
	}
	var cert *tls.CertificateVerificationError
	return errors.As(err, &cert)
}

// readCapped reads at most limit bytes of r, failing with ErrResponseTooLarge
// past that. A Content-Length over the limit (sizeHint, -1 when unknown)
// fails before anything is read or allocated; one within it sizes the
// buffer once. An answer of unknown length is read in chunks that double,
// so that reading up to the limit allocates about the limit, not the
// several times over that growing one slice would.
func readCapped(r io.Reader, limit, sizeHint int64) ([]byte, error) {
	if sizeHint > limit {
		return nil, ErrResponseTooLarge
	}
	size := int64(512)
	if sizeHint >= 0 && sizeHint <= maxSizeHint {
		// One byte more than announced, so EOF is seen without growing.
		size = sizeHint + 1
	}
	size = min(size, limit+1)
	first := make([]byte, 0, size)
	first, full, err := fill(r, first)
	if err != nil {
		return nil, err
	}
	if !full {
		return first, nil
	}
	// The first buffer is full and the body goes on: more chunks, each as
	// large as all before it, never past limit+1 bytes in all.
	chunks := [][]byte{first}
	total := int64(len(first))
	for {
		if total > limit {
			return nil, ErrResponseTooLarge
		}
		next := make([]byte, 0, min(max(total, minChunk), limit+1-total))
		next, full, err = fill(r, next)
		if err != nil {
			return nil, err
		}
		chunks = append(chunks, next)
		total += int64(len(next))
		if !full {
			break
		}
	}
	if total > limit {
		return nil, ErrResponseTooLarge
	}
	return bytes.Join(chunks, nil), nil
}

// minChunk is the smallest chunk readCapped adds once its first buffer is
// full.
const minChunk = 32 << 10

// maxSizeHint bounds what a Content-Length alone can make readCapped
// allocate before any byte arrives.
const maxSizeHint = 1 << 20

// fill reads from r into buf's spare capacity until buf is full (full is
// true; the body may go on) or r ends (full is false).
func fill(r io.Reader, buf []byte) ([]byte, bool, error) {
	for len(buf) < cap(buf) {
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, false, nil
		}
		if err != nil {
			return buf, false, err
		}
	}
	// Full: one more read of nothing would not tell EOF apart, so the
	// caller asks for another chunk and learns it there.
	return buf, true, nil
}

func (c *Client) repeatable(p *prepared) bool {
	return idempotentMethod(p.method) || p.key != "" || p.repeatable
}

func (c *Client) retryStatus(p *prepared, status int) bool {
	switch status {
	case http.StatusTooManyRequests:
		// A 429 is a refusal to act: repeating it cannot double anything.
		return true
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return c.repeatable(p)
	}
	return false
}

// wait sleeps before the next attempt: Retry-After when the answer carried
// one (capped), otherwise exponential backoff with full jitter. It returns
// how long it meant to wait.
func (c *Client) wait(ctx context.Context, attempt int, h http.Header) (time.Duration, error) {
	d, ok := c.retryAfter(h)
	if !ok {
		d = c.backoff(attempt)
	}
	if dl, has := ctx.Deadline(); has && time.Now().Add(d).After(dl) {
		// Waiting would outlive the caller: give up now, not at the deadline.
		return d, fmt.Errorf("next retry in %s is past the context deadline: %w", d, context.DeadlineExceeded)
	}
	if err := c.cfg.Sleep(ctx, d); err != nil {
		if ctx.Err() != nil {
			return d, ctx.Err()
		}
		return d, err
	}
	return d, nil
}

func (c *Client) backoff(attempt int) time.Duration {
	ceil := c.cfg.BackoffBase
	for i := 1; i < attempt && ceil < c.cfg.BackoffCap; i++ {
		ceil *= 2
	}
	if ceil > c.cfg.BackoffCap {
		ceil = c.cfg.BackoffCap
	}
	if ceil <= 0 {
		return 0
	}
	return time.Duration(c.cfg.Jitter(int64(ceil) + 1))
}

// retryAfter reads Retry-After as delta-seconds or an HTTP date, capped.
func (c *Client) retryAfter(h http.Header) (time.Duration, bool) {
	v := h.Get("Retry-After")
	if v == "" {
		return 0, false
	}
	var d time.Duration
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(c.cfg.RetryAfterCap/time.Second) {
			return c.cfg.RetryAfterCap, true
		}
		d = time.Duration(secs) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(c.cfg.Clock())
		if d < 0 {
			d = 0
		}
	} else {
		return 0, false
	}
	if d > c.cfg.RetryAfterCap {
		d = c.cfg.RetryAfterCap
	}
	return d, true
}

func (c *Client) requestID(h http.Header) string {
	for _, name := range c.reqIDHdrs {
		if v := h.Get(name); v != "" {
			return ProviderText(v, nil)
		}
	}
	return ""
}

func (c *Client) success(p *prepared, meta Meta, h http.Header, body []byte, out any, allowEmpty bool) (*Response, error) {
	resp := &Response{Meta: meta, Header: h, Body: body, refuse: func(r *Response, reason string, cause error) error {
		return c.fail(p, r.Meta, r.Header, r.Body, reason, cause)
	}}
	if out == nil {
		return resp, nil
	}
	if len(bytes.TrimSpace(body)) == 0 {
		if allowEmpty || meta.StatusCode == http.StatusNoContent {
			return resp, nil
		}
		return nil, c.fail(p, meta, h, body, "empty response body where JSON was expected", nil)
	}
	if err := Decode(body, out); err != nil {
		return nil, c.fail(p, meta, h, body, "response body is not the JSON expected", err)
	}
	return resp, nil
}

// fail is the one way every HTTP answer the call cannot accept becomes an
// error: a non-2xx status, a refused redirect or oversized body, a 2xx body
// that does not decode, and a decoded one the provider package refuses
// (Response.Refuse). It fills the base error from the call and the answer,
// reads the call's secrets once (see secretsOf) for the body's excerpt, and
// hands the same secrets to the provider's DecodeError, so the provider's
// own text is redacted as the excerpt is.
func (c *Client) fail(p *prepared, meta Meta, h http.Header, body []byte, reason string, cause error) error {
	secrets := c.secretsOf(p)
	base := &Error{
		Method: p.method, Path: p.path, StatusCode: meta.StatusCode, Header: h,
		RequestID: meta.RequestID, IdempotencyKey: p.key, Attempts: meta.Attempts, Sends: meta.Sends,
		Excerpt: excerpt(body, secrets), Reason: reason, Err: cause,
	}
	if c.cfg.DecodeError == nil {
		return base
	}
	if err := c.cfg.DecodeError(base, body, secrets); err != nil {
		return err
	}
	return base
}

// ctxError reports that the caller's context ended, keeping the last failure
// reachable with errors.As.
func (c *Client) ctxError(ctxErr, last error) error {
	if last == nil {
		return ctxErr
	}
	return fmt.Errorf("%w (while retrying after: %w)", ctxErr, last)
}

func (c *Client) log(ctx context.Context, p *prepared, attempt int, started time.Time, res attemptResult) {
	l := c.cfg.Logger
	if l == nil || !l.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("provider", c.cfg.Provider),
		slog.String("method", p.method),
		slog.String("path", p.path),
		slog.Int("attempt", attempt),
		slog.Duration("duration", c.cfg.Clock().Sub(started)),
	}
	if p.key != "" {
		attrs = append(attrs, slog.String("idempotency_key", p.key))
	}
	if res.resp != nil {
		attrs = append(attrs, slog.Int("status", res.resp.StatusCode), slog.String("request_id", c.requestID(res.resp.Header)))
	}
	if res.err != nil {
		attrs = append(attrs, slog.String("error", redactString(res.err.Error(), c.secretsOf(p))), slog.Bool("may_have_reached_server", res.reached))
	}
	l.LogAttrs(ctx, slog.LevelDebug, "paykit http attempt", attrs...)
}
