package transport

import "context"

// MetaSetter is a result that records how its call went. Every result type
// of the provider packages embeds paykit.Meta, whose SetMeta it promotes.
type MetaSetter interface{ SetMeta(Meta) }

// Call is a provider method's whole exchange when the answer decodes
// straight into its result: it applies opts to r, sends it with Do, decodes
// the 2xx answer into a new T and sets T's Meta. Errors are Do's.
//
//	return transport.Call[Payment](ctx, s.c.t, r, opts)
func Call[T any, PT interface {
	*T
	MetaSetter
}](ctx context.Context, c *Client, r *Request, opts []RequestOption) (*T, error) {
	var out T
	r = r.Apply(opts)
	ctx, oc := c.observeCall(ctx, r)
	resp, err := c.do(ctx, r, &out, oc)
	oc.end(resp, err)
	if err != nil {
		return nil, err
	}
	PT(&out).SetMeta(resp.Meta)
	return &out, nil
}

// CallWire is Call for an answer read into a wire type W first: conv turns
// the decoded W into the result, or refuses the answer with resp.Refuse
// (an answer that lacks what the call needs), and CallWire sets the
// result's Meta. conv also sees resp's Body and Meta (a result that keeps
// the raw answer, items that carry their page's Meta).
func CallWire[W, R any, PR interface {
	*R
	MetaSetter
}](ctx context.Context, c *Client, r *Request, opts []RequestOption, conv func(w *W, resp *Response) (PR, error)) (PR, error) {
	var w W
	r = r.Apply(opts)
	ctx, oc := c.observeCall(ctx, r)
	resp, err := c.do(ctx, r, &w, oc)
	if err != nil {
		oc.end(nil, err)
		return nil, err
	}
	out, err := conv(&w, resp)
	oc.end(resp, err)
	if err != nil {
		return nil, err
	}
	out.SetMeta(resp.Meta)
	return out, nil
}

// Refuse is the error for an answer the transport accepted (a 2xx, its body
// decoded) whose content the caller cannot use: a session without its id, a
// token answer without a token. It is built as the transport builds its own
// errors: the call's method and path (secrets redacted), status, headers,
// request id, idempotency key, attempts and sends, an excerpt of the body
// redacted with every secret in force for the call (the client's, those it
// obtained at run time, the call's own), then the provider's DecodeError.
// reason says what is missing; cause, if not nil, is the error's Err.
func (r *Response) Refuse(reason string, cause error) error {
	if r.refuse == nil {
		// A Response the transport did not make (a test's): all it has.
		return &Error{StatusCode: r.StatusCode, Header: r.Header, RequestID: r.RequestID, IdempotencyKey: r.IdempotencyKey,
			Attempts: r.Attempts, Sends: r.Sends, Reason: reason, Err: cause}
	}
	return r.refuse(r, reason, cause)
}
