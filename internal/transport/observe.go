package transport

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/paykit-go/paykit"
)

// Op names a call for a paykit.Observer: Name is
// "<provider>.<Service>.<Method>" (mercadopago.Payments.Create) and Route
// the path template with each id as {name} (/v1/payments/{id}). Both are
// fixed strings, so whatever reads them stays bounded.
type Op struct{ Name, Route string }

// callObs is one call seen by the client's Observer; nil when the client
// has none, and then every method is a no-op.
type callObs struct {
	o    *paykit.Observer
	info paykit.CallInfo
	done func(paykit.CallDone)
	// errType, when set, is the call's error type, known better where the
	// failure happened than from the error (a token fetch's failure wraps
	// the token call's *Error, yet the call itself failed in auth).
	errType string
}

// observeCall starts observing a call made with r. It returns ctx (or the
// one the Observer's Call gave) and nil when the client has no Observer.
func (c *Client) observeCall(ctx context.Context, r *Request) (context.Context, *callObs) {
	o := c.cfg.Observer
	if o == nil {
		return ctx, nil
	}
	oc := &callObs{o: o, info: paykit.CallInfo{Provider: c.cfg.Provider, Operation: r.Op.Name, Route: r.Op.Route,
		Method: r.Method, ServerAddress: c.host, ServerPort: c.port}}
	if o.Call != nil {
		nctx, done := o.Call(ctx, oc.info)
		if nctx != nil {
			ctx = nctx
		}
		oc.done = done
	}
	return ctx, oc
}

// end reports how the call ended: resp on success, err otherwise.
func (oc *callObs) end(resp *Response, err error) {
	if oc == nil || oc.done == nil {
		return
	}
	d := paykit.CallDone{Err: err}
	switch {
	case resp != nil && err == nil:
		d.StatusCode, d.Attempts, d.Sends, d.RequestID = resp.StatusCode, resp.Attempts, resp.Sends, resp.RequestID
	case err != nil:
		d.ErrorType = oc.errType
		if d.ErrorType == "" {
			d.ErrorType = ErrorType(err)
		}
		var e *Error
		var ne *NetworkError
		if errors.As(err, &e) {
			d.StatusCode, d.Attempts, d.Sends, d.RequestID = e.StatusCode, e.Attempts, e.Sends, e.RequestID
		} else if errors.As(err, &ne) {
			d.Attempts, d.Sends = ne.Attempts, ne.Sends
		}
	}
	oc.done(d)
}

// failedBefore records that the call failed before anything was sent, as
// errType says.
func (oc *callObs) failedBefore(errType string) {
	if oc != nil {
		oc.errType = errType
	}
}

// attempt starts observing one attempt. The func it returns is nil when
// the Observer watches no attempts.
func (oc *callObs) attempt(ctx context.Context, n int, wait time.Duration, keyed bool) (context.Context, func(paykit.AttemptDone)) {
	if oc == nil || oc.o.Attempt == nil {
		return ctx, nil
	}
	nctx, done := oc.o.Attempt(ctx, paykit.AttemptInfo{Call: oc.info, Attempt: n, Wait: wait, IdempotencyKeySent: keyed})
	if nctx != nil {
		ctx = nctx
	}
	return ctx, done
}

// attemptDone tells done how the attempt res ended.
func attemptDone(ctx context.Context, done func(paykit.AttemptDone), res *attemptResult) {
	if done == nil {
		return
	}
	d := paykit.AttemptDone{Sends: res.sends}
	switch {
	case res.err != nil:
		var se *setupError
		switch {
		case errors.As(res.err, &se):
			d.ErrorType = paykit.ErrorTypeAuth
		case ctx.Err() != nil:
			d.ErrorType = ctxErrorType(ctx.Err())
		case res.reached:
			d.ErrorType = paykit.ErrorTypeMayHaveReachedServer
		default:
			d.ErrorType = paykit.ErrorTypeNetwork
		}
	case res.redirect != nil:
		d.StatusCode, d.ErrorType = res.resp.StatusCode, paykit.ErrorTypeRedirect
	case res.tooLarge:
		d.StatusCode, d.ErrorType = res.resp.StatusCode, paykit.ErrorTypeResponseTooLarge
	default:
		d.StatusCode = res.resp.StatusCode
		if d.StatusCode < 200 || d.StatusCode > 299 {
			d.ErrorType = strconv.Itoa(d.StatusCode)
		}
	}
	done(d)
}

// inject lets the Observer add headers (trace context) to an attempt.
// Headers the transport or the caller set, the credentials' and the
// idempotency key's above all, are never replaced, and a name or value
// that is not a valid header is dropped.
func (oc *callObs) inject(ctx context.Context, req *http.Request) {
	if oc == nil || oc.o.Inject == nil {
		return
	}
	h := make(http.Header)
	oc.o.Inject(ctx, h)
	for name, values := range h {
		name = http.CanonicalHeaderKey(name)
		if _, set := req.Header[name]; set || name == "Authorization" || name == "Proxy-Authorization" || !validHeaderName(name) {
			continue
		}
		ok := true
		for _, v := range values {
			ok = ok && !hasControl(v, true)
		}
		if ok {
			req.Header[name] = values
		}
	}
}

// ErrorType is the bounded name of what made a call fail, as a
// paykit.Observer sees it: "" for nil, the status code as text for a
// provider's answer of 400 or more, otherwise one of paykit's ErrorType
// constants.
func ErrorType(err error) string {
	if err == nil {
		return ""
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return ctxErrorType(err)
	}
	var ne *NetworkError
	if errors.As(err, &ne) {
		if ne.MayHaveReachedServer {
			return paykit.ErrorTypeMayHaveReachedServer
		}
		return paykit.ErrorTypeNetwork
	}
	var re *RedirectError
	if errors.As(err, &re) {
		return paykit.ErrorTypeRedirect
	}
	if errors.Is(err, ErrResponseTooLarge) {
		return paykit.ErrorTypeResponseTooLarge
	}
	var e *Error
	if errors.As(err, &e) {
		if e.StatusCode >= 400 || (e.StatusCode > 0 && e.StatusCode < 200) {
			return strconv.Itoa(e.StatusCode)
		}
		return paykit.ErrorTypeInvalidResponse
	}
	var ve *paykit.ValidationError
	if errors.As(err, &ve) {
		return paykit.ErrorTypeInvalidRequest
	}
	return paykit.ErrorTypeOther
}

func ctxErrorType(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return paykit.ErrorTypeTimeout
	}
	return paykit.ErrorTypeCanceled
}

// ObserveToken tells the client's Observer that a token fetch which began
// at started has ended with err (nil: a token came). refresh says whether
// it replaced a token held before. TokenSource.OnFetch takes it as is.
func (c *Client) ObserveToken(ctx context.Context, refresh bool, started time.Time, err error) {
	o := c.cfg.Observer
	if o == nil || o.Token == nil {
		return
	}
	t := paykit.TokenInfo{Provider: c.cfg.Provider, Refresh: refresh, Duration: c.cfg.Clock().Sub(started)}
	if err != nil {
		t.ErrorType = ErrorType(err)
	}
	o.Token(ctx, t)
}
