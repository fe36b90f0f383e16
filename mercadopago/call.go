package mercadopago

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/transport"
)

// Call sends a request to any Mercado Pago endpoint paykit does not model
// yet, with everything a modelled call gets: the access token, the
// response size cap, tolerant decoding (a drifted field is named in out's
// Unparsed, if out has one), *Error with the cause codes and request id,
// and redaction of the token (and of any WithAccessToken or seller token)
// from errors and logs.
//
// pathTemplate is the path below the base URL with one "{name}" per
// element of pathArgs, in order ("/v1/payments/{id}/refunds/{refund_id}").
// Each argument is checked (not empty, not "." or "..", no control
// characters) and escaped as one path segment, so an argument cannot change
// the route. The template itself must start with "/" and hold no "?", "#",
// ".." segment or control character.
//
// body: for GET, HEAD and DELETE it is the query string (nil, url.Values, or
// a struct with go-querystring `url` tags); for the other methods it is the
// JSON body (nil for none; a json.RawMessage is sent as it is once checked
// to be JSON). out is a pointer to decode a 2xx JSON answer into, or nil to
// ignore the body.
//
// Retries follow the transport's rule: GET, HEAD, PUT and DELETE may be
// repeated after a failure that cannot double anything; a POST or PATCH is
// repeated only when it carries an idempotency key, and Call sends one only
// when WithIdempotencyKey gives it (an endpoint paykit does not know may
// ignore the header, so a generated key would make a repeat unsafe). A POST
// without a key is therefore sent once; a request that never left the
// machine is still retried.
//
// The answer's Meta (status, request id, idempotency key, attempts) is
// returned; on failure the error (*Error, *paykit.NetworkError…) carries
// the same facts.
func (c *Client) Call(ctx context.Context, method, pathTemplate string, pathArgs []string, body, out any, opts ...paykit.RequestOption) (paykit.Meta, error) {
	path, err := expandPath(pathTemplate, pathArgs)
	if err != nil {
		return paykit.Meta{}, err
	}
	method = strings.ToUpper(method)
	r := &transport.Request{Op: transport.Op{Name: "mercadopago.Call", Route: pathTemplate}, Method: method, Path: path, NoIdempotencyKey: true}
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodDelete:
		switch q := body.(type) {
		case nil:
		case url.Values:
			r.Query = q
		default:
			t := reflect.TypeOf(body)
			for t.Kind() == reflect.Pointer {
				t = t.Elem()
			}
			if t.Kind() != reflect.Struct {
				return paykit.Meta{}, invalid("body", "must be nil, url.Values or a struct with url tags for "+method+" (it becomes the query string)")
			}
			r.Query = body
		}
	case http.MethodPost, http.MethodPut, http.MethodPatch:
		if raw, ok := body.(json.RawMessage); ok && !json.Valid(raw) {
			return paykit.Meta{}, invalid("body", "must be valid JSON")
		}
		if body != nil {
			r.JSON = body
		}
	default:
		return paykit.Meta{}, invalid("method", "must be GET, HEAD, DELETE, POST, PUT or PATCH")
	}
	if out != nil {
		if v := reflect.ValueOf(out); v.Kind() != reflect.Pointer || v.IsNil() {
			return paykit.Meta{}, invalid("out", "must be a non-nil pointer (or nil to ignore the answer)")
		}
	}
	r.Apply(opts)
	if r.IdempotencyKey != "" {
		r.NoIdempotencyKey = false
	}
	resp, err := c.t.Do(ctx, r, out)
	if err != nil {
		return paykit.Meta{}, err
	}
	return resp.Meta, nil
}

// expandPath fills "{name}" placeholders of tmpl with args, each checked
// with transport.IDRule and escaped as one segment.
func expandPath(tmpl string, args []string) (string, error) {
	if !strings.HasPrefix(tmpl, "/") || strings.ContainsAny(tmpl, "?#") || transport.HasControl(tmpl) {
		return "", invalid("path", "must start with / and hold no query, fragment or control characters")
	}
	var b strings.Builder
	n := 0
	rest := tmpl
	for {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			if strings.IndexByte(rest, '}') >= 0 {
				return "", invalid("path", "has a } without its {")
			}
			b.WriteString(rest)
			break
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return "", invalid("path", "has a { without its }")
		}
		name := rest[i+1 : i+j]
		if n >= len(args) {
			return "", invalid("path", "names more {placeholders} than pathArgs gives ("+strconv.Itoa(len(args))+")")
		}
		if rule := transport.IDRule(args[n]); rule != "" {
			return "", invalid("pathArgs["+strconv.Itoa(n)+"] ("+name+")", rule)
		}
		b.WriteString(rest[:i])
		b.WriteString(url.PathEscape(args[n]))
		n++
		rest = rest[i+j+1:]
	}
	if n != len(args) {
		return "", invalid("pathArgs", "gives "+strconv.Itoa(len(args))+" values for "+strconv.Itoa(n)+" {placeholders}")
	}
	for _, seg := range strings.Split(tmpl, "/") {
		if seg == "." || seg == ".." {
			return "", invalid("path", `must not hold a "." or ".." segment`)
		}
	}
	return b.String(), nil
}
