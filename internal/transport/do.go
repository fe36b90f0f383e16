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
	// tooLarge: the answer's body was over the cap and was not kept.
	tooLarge bool
}

// Do sends r, retrying as the rules allow, and decodes a 2xx JSON body into
// out (unless out is nil) with Decode, so a drifted field is named in the
// result's Unparsed instead of failing the call. It returns the provider's error (via DecodeError)
// for non-2xx answers, a *NetworkError when no answer came, and the context's
// error (wrapped with the last failure) when ctx ends first.
func (c *Client) Do(ctx context.Context, r *Request, out any) (*Response, error) {
	p, err := c.prepare(r)
	if err != nil {
		return nil, err
	}
	auth := c.cfg.Auth
	if r.Auth != nil {
		auth = r.Auth
	}
	retriedAuth := false
	var lastErr error
	for attempt := 1; ; attempt++ {
		started := c.cfg.Clock()
		res := c.attempt(ctx, p, r.Header, auth)
		c.log(ctx, p, attempt, started, res)

		if res.err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return nil, c.ctxError(ctxErr, &NetworkError{Method: p.method, Path: p.path, MayHaveReachedServer: res.reached, IdempotencyKey: p.key, Attempts: attempt, Err: res.err, secrets: p.secrets})
			}
			var se *setupError
			if errors.As(res.err, &se) {
				return nil, se.err
			}
			nerr := &NetworkError{Method: p.method, Path: p.path, MayHaveReachedServer: res.reached, IdempotencyKey: p.key, Attempts: attempt, Err: res.err, secrets: p.secrets}
			if !res.reached || c.repeatable(p) {
				lastErr = nerr
				if attempt <= c.cfg.MaxRetries {
					if err := c.wait(ctx, attempt, nil); err != nil {
						return nil, c.ctxError(err, lastErr)
					}
					continue
				}
			}
			return nil, nerr
		}

		resp := res.resp
		meta := Meta{StatusCode: resp.StatusCode, RequestID: c.requestID(resp.Header), IdempotencyKey: p.key, Attempts: attempt}
		if res.tooLarge {
			return nil, &Error{Method: p.method, Path: p.path, StatusCode: resp.StatusCode, Header: resp.Header,
				RequestID: meta.RequestID, IdempotencyKey: p.key, Attempts: attempt,
				Reason: fmt.Sprintf("response body is larger than the %d-byte limit", c.cfg.MaxBodyBytes), Err: ErrResponseTooLarge}
		}
		if resp.StatusCode >= 200 && resp.StatusCode < 300 {
			return c.success(p, meta, resp.Header, res.body, out, r.AllowEmpty)
		}

		base := &Error{
			Method: p.method, Path: p.path, StatusCode: resp.StatusCode, Header: resp.Header,
			RequestID: meta.RequestID, IdempotencyKey: p.key, Attempts: attempt,
			Excerpt: excerpt(res.body, p.secrets),
		}
		if resp.StatusCode == http.StatusUnauthorized && !retriedAuth {
			if inv, ok := auth.(Invalidator); ok && inv.Invalidate(res.req) {
				// A 401 means the API refused the request before acting on it,
				// so one repeat with a new token cannot double anything.
				retriedAuth = true
				continue
			}
		}
		if c.retryStatus(p, resp.StatusCode) && attempt <= c.cfg.MaxRetries {
			lastErr = c.decodeError(base, res.body)
			if err := c.wait(ctx, attempt, resp.Header); err != nil {
				return nil, c.ctxError(err, lastErr)
			}
			continue
		}
		return nil, c.decodeError(base, res.body)
	}
}

// setupError marks a failure that happened before anything was sent (auth,
// signing, building the request); it is returned as is and never retried.
type setupError struct{ err error }

func (e *setupError) Error() string { return e.err.Error() }

func (c *Client) attempt(ctx context.Context, p *prepared, extra http.Header, auth Authenticator) attemptResult {
	var bodyReader io.Reader
	if p.body != nil {
		bodyReader = bytes.NewReader(p.body)
	}
	var wrote atomic.Bool
	trace := &httptrace.ClientTrace{
		WroteHeaders: func() { wrote.Store(true) },
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
	if auth != nil {
		if err := auth.Authenticate(ctx, req); err != nil {
			if ctx.Err() != nil {
				return attemptResult{err: err}
			}
			return attemptResult{err: &setupError{err}}
		}
	}
	if c.cfg.Signer != nil {
		if err := c.cfg.Signer.SignRequest(req, p.body); err != nil {
			return attemptResult{err: &setupError{fmt.Errorf("signing request: %w", err)}}
		}
	}
	resp, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		return attemptResult{req: req, err: err, reached: wrote.Load() || !neverSent(err)}
	}
	defer resp.Body.Close()
	body, err := readCapped(resp.Body, c.cfg.MaxBodyBytes, resp.ContentLength)
	if err != nil {
		if errors.Is(err, ErrResponseTooLarge) {
			// The server answered; its answer is one we refuse to hold.
			return attemptResult{req: req, resp: resp, reached: true, tooLarge: true}
		}
		return attemptResult{req: req, err: fmt.Errorf("reading response body: %w", err), reached: true}
	}
	return attemptResult{req: req, resp: resp, body: body, reached: true}
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
// past that. A Content-Length within the limit (sizeHint, -1 when unknown)
// sizes the buffer once instead of growing it from 512 bytes.
func readCapped(r io.Reader, limit, sizeHint int64) ([]byte, error) {
	size := int64(512)
	if sizeHint >= 0 && sizeHint <= min(limit, maxSizeHint) {
		// One byte more than announced, so EOF is seen without growing.
		size = sizeHint + 1
	}
	body, err := readAll(io.LimitReader(r, limit+1), make([]byte, 0, size))
	if err != nil {
		return nil, err
	}
	if int64(len(body)) > limit {
		return nil, ErrResponseTooLarge
	}
	return body, nil
}

// maxSizeHint bounds what a Content-Length alone can make readCapped
// allocate before any byte arrives.
const maxSizeHint = 1 << 20

// readAll is io.ReadAll appending to buf, so the caller picks the first size.
func readAll(r io.Reader, buf []byte) ([]byte, error) {
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
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
// one (capped), otherwise exponential backoff with full jitter.
func (c *Client) wait(ctx context.Context, attempt int, h http.Header) error {
	d, ok := c.retryAfter(h)
	if !ok {
		d = c.backoff(attempt)
	}
	if dl, has := ctx.Deadline(); has && time.Now().Add(d).After(dl) {
		// Waiting would outlive the caller: give up now, not at the deadline.
		return fmt.Errorf("next retry in %s is past the context deadline: %w", d, context.DeadlineExceeded)
	}
	if err := c.cfg.Sleep(ctx, d); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return err
	}
	return nil
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
			return v
		}
	}
	return ""
}

func (c *Client) success(p *prepared, meta Meta, h http.Header, body []byte, out any, allowEmpty bool) (*Response, error) {
	resp := &Response{Meta: meta, Header: h, Body: body}
	if out == nil {
		return resp, nil
	}
	if len(bytes.TrimSpace(body)) == 0 {
		if allowEmpty || meta.StatusCode == http.StatusNoContent {
			return resp, nil
		}
		return nil, c.decodeError(&Error{Method: p.method, Path: p.path, StatusCode: meta.StatusCode, Header: h,
			RequestID: meta.RequestID, IdempotencyKey: p.key, Attempts: meta.Attempts,
			Reason: "empty response body where JSON was expected"}, body)
	}
	if err := Decode(body, out); err != nil {
		return nil, c.decodeError(&Error{Method: p.method, Path: p.path, StatusCode: meta.StatusCode, Header: h,
			RequestID: meta.RequestID, IdempotencyKey: p.key, Attempts: meta.Attempts,
			Reason: "response body is not the JSON expected", Excerpt: excerpt(body, p.secrets), Err: err}, body)
	}
	return resp, nil
}

func (c *Client) decodeError(base *Error, body []byte) error {
	if c.cfg.DecodeError == nil {
		return base
	}
	if err := c.cfg.DecodeError(base, body); err != nil {
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
		attrs = append(attrs, slog.String("error", redactString(res.err.Error(), p.secrets)), slog.Bool("may_have_reached_server", res.reached))
	}
	l.LogAttrs(ctx, slog.LevelDebug, "paykit http attempt", attrs...)
}
