package transport

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/reqopt"

	"github.com/google/go-querystring/query"
)

// Request is one logical API call. Its body is encoded once; every attempt
// sends, digests and signs the same bytes.
type Request struct {
	// Method is the HTTP method; Path the escaped path below the base URL,
	// best built with Path.
	Method, Path string
	// Op names the call for an Observer: the client method that makes it
	// and Path's template.
	Op Op
	// Query is a struct with go-querystring `url` tags, or url.Values.
	Query any
	// JSON is encoded (no HTML escaping) as the body; Form is sent
	// form-encoded instead; Raw is sent as is with RawContentType (a
	// multipart form built by the caller). Set at most one.
	JSON           any
	Form           url.Values
	Raw            []byte
	RawContentType string
	// Header adds headers to every attempt.
	Header http.Header
	// Auth replaces the client's Authenticator for this call; NoAuth sends none.
	Auth Authenticator
	// IdempotencyKey is the key to send; empty means one is generated for
	// unsafe methods when the client has an IdempotencyHeader.
	IdempotencyKey string
	// NoIdempotencyKey sends no key even where one would be generated.
	NoIdempotencyKey bool
	// AllowEmpty accepts a 2xx with an empty body even when out is non-nil.
	AllowEmpty bool
	// Repeatable marks a call that a repeat cannot double although its method
	// is not idempotent (a query sent as POST, a token request): like a GET, it
	// may be repeated after a 5xx, a reset or a timeout.
	Repeatable bool
	// Secrets are values this one call carries in its path (a card token's
	// id): error messages and log records show "[redacted]" in their place,
	// as they do for the client's own Secrets.
	Secrets []string
}

// RequestOption is paykit.RequestOption: it adjusts one call.
type RequestOption = paykit.RequestOption

// WithIdempotencyKey makes the call carry key instead of a generated one. Use
// an id from your own system (an order id) so a repeat after a crash is
// recognised by the provider.
func WithIdempotencyKey(key string) RequestOption {
	return func(s *reqopt.Settings) { s.IdempotencyKey = key }
}

// WithHeader adds a header to the call (it cannot replace Authorization or
// the idempotency header, which the transport sets).
func WithHeader(name, value string) RequestOption {
	return func(s *reqopt.Settings) {
		if s.Header == nil {
			s.Header = make(http.Header)
		}
		s.Header.Add(name, value)
	}
}

// AddHeader adds a header to every attempt of r.
func (r *Request) AddHeader(name, value string) {
	if r.Header == nil {
		r.Header = make(http.Header)
	}
	r.Header.Add(name, value)
}

// Apply runs opts on r's option-settable fields (IdempotencyKey, Header,
// Auth, Secrets). The caller's Header is copied first, so an option never
// writes into a map the caller shares.
func (r *Request) Apply(opts []RequestOption) *Request {
	if len(opts) == 0 {
		return r
	}
	s := reqopt.Settings{IdempotencyKey: r.IdempotencyKey, Header: r.Header.Clone(), Auth: r.Auth, Secrets: r.Secrets}
	for _, o := range opts {
		if o != nil {
			o(&s)
		}
	}
	r.IdempotencyKey, r.Header, r.Auth, r.Secrets = s.IdempotencyKey, s.Header, s.Auth, s.Secrets
	return r
}

// Meta is paykit.Meta: how a call went.
type Meta = paykit.Meta

// Response is a successful answer: its status, headers and raw body.
type Response struct {
	Meta
	Header http.Header
	Body   []byte
	// refuse builds the error of Refuse from the call. A func, so that no
	// dump by reflection (testify's, spew's) reaches the call's URL, body
	// or secrets through it.
	refuse func(r *Response, reason string, cause error) error
}

// Path joins segments into an escaped path starting with "/". Each segment is
// escaped on its own, so an id like "../x" or "a/b" stays one segment and
// cannot change the route. A segment that is empty, "." or ".." would still
// name another route once a proxy or server normalises it, so Do refuses a
// path holding one (check ids with IDRule first, to name the field).
func Path(segments ...string) string {
	var b strings.Builder
	for _, s := range segments {
		b.WriteByte('/')
		switch s {
		case ".":
			b.WriteString("%2E")
		case "..":
			b.WriteString("%2E%2E")
		default:
			b.WriteString(url.PathEscape(s))
		}
	}
	return b.String()
}

// IDRule says what is wrong with id as a path segment, or returns "" when it
// is fine: an id must not be empty or blank, must not be "." or "..", and
// must not hold control characters. Provider packages check every id they
// put in a path with it, so the error names the field before anything is
// sent.
func IDRule(id string) string {
	switch {
	case strings.TrimSpace(id) == "":
		return "must not be empty"
	case id == "." || id == "..":
		return `must not be "." or ".."`
	case hasControl(id, false):
		return "must not contain control characters"
	}
	return ""
}

// HasControl reports whether s holds an ASCII control character or DEL:
// the rule for ids, keys and references a provider package checks before
// sending.
func HasControl(s string) bool { return hasControl(s, false) }

// hasControl reports whether s holds an ASCII control character (or DEL);
// a horizontal tab is allowed when tab is true, as in header values.
func hasControl(s string, tab bool) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 && !(tab && c == '\t')) || c == 0x7f {
			return true
		}
	}
	return false
}

// checkPath refuses a path with an empty, "." or ".." segment (escaped or
// not): proxies and servers normalise those into another route.
func (c *Client) checkPath(path string) error {
	for i, seg := range strings.Split(path, "/")[1:] {
		raw, err := url.PathUnescape(seg)
		if err != nil {
			return c.invalid("path", fmt.Sprintf("segment %d is not validly escaped", i+1))
		}
		if raw == "" || raw == "." || raw == ".." || hasControl(raw, false) {
			return c.invalid("path", fmt.Sprintf("segment %d (an id) must not be empty, \".\" or \"..\", nor hold control characters", i+1))
		}
	}
	return nil
}

// checkHeaders refuses header names that are not HTTP tokens and values with
// control characters: net/http would refuse them only once the attempt is
// under way, which reads as a request that may have reached the server.
func (c *Client) checkHeaders(h http.Header) error {
	for name, values := range h {
		if !validHeaderName(name) {
			return c.invalid("header "+strconv.Quote(name), "must be an HTTP token (letters, digits and !#$%&'*+-.^_`|~)")
		}
		for _, v := range values {
			if hasControl(v, true) {
				return c.invalid("header "+name, "must not contain control characters")
			}
		}
	}
	return nil
}

func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// EncodeQuery turns q (url.Values or a struct with `url` tags) into a raw
// query string.
func EncodeQuery(q any) (string, error) {
	switch v := q.(type) {
	case nil:
		return "", nil
	case url.Values:
		return v.Encode(), nil
	default:
		vals, err := query.Values(q)
		if err != nil {
			return "", fmt.Errorf("encoding query: %w", err)
		}
		return vals.Encode(), nil
	}
}

// MarshalJSON encodes v as compact JSON without HTML escaping, with
// encoding/json.
func MarshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	b := buf.Bytes()
	return b[:len(b)-1], nil // Encode ends the value with a newline
}

// prepared is a Request turned into bytes once.
type prepared struct {
	method, path string
	url          string
	body         []byte
	contentType  []string // the Content-Type header value, shared
	key          string
	repeatable   bool
	// callSecrets are the call's own secrets; path has them replaced, for
	// errors and logs (url keeps them).
	callSecrets []string
}

func (c *Client) prepare(r *Request) (*prepared, error) {
	if r.Method == "" {
		return nil, errors.New("request: method is empty")
	}
	if !strings.HasPrefix(r.Path, "/") {
		return nil, fmt.Errorf("request: path %q must start with /", r.Path)
	}
	if err := c.checkPath(r.Path); err != nil {
		return nil, err
	}
	if err := c.checkHeaders(r.Header); err != nil {
		return nil, err
	}
	p := &prepared{method: r.Method, path: r.Path, url: c.base + r.Path, repeatable: r.Repeatable}
	if len(r.Secrets) > 0 {
		p.callSecrets = slices.DeleteFunc(slices.Clone(r.Secrets), tooShortSecret)
		for _, sec := range p.callSecrets {
			p.path = strings.ReplaceAll(p.path, sec, "[redacted]")
			p.path = strings.ReplaceAll(p.path, url.PathEscape(sec), "[redacted]")
		}
	}
	rawQuery, err := EncodeQuery(r.Query)
	if err != nil {
		return nil, err
	}
	if rawQuery != "" {
		p.url += "?" + rawQuery
	}
	switch {
	case (r.JSON != nil && r.Form != nil) || (r.Raw != nil && (r.JSON != nil || r.Form != nil)):
		return nil, errors.New("request: more than one body")
	case r.Raw != nil:
		if r.RawContentType == "" {
			return nil, errors.New("request: a raw body needs its content type")
		}
		p.body = r.Raw
		p.contentType = []string{r.RawContentType}
	case r.JSON != nil:
		if p.body, err = MarshalJSON(r.JSON); err != nil {
			return nil, fmt.Errorf("encoding request body: %w", err)
		}
		p.contentType = jsonValue
	case r.Form != nil:
		p.body = []byte(r.Form.Encode())
		p.contentType = formValue
	}
	if c.cfg.IdempotencyHeader != "" && !r.NoIdempotencyKey && !safeMethod(r.Method) {
		p.key = r.IdempotencyKey
		if p.key == "" {
			p.key = newKey()
		}
	} else if r.IdempotencyKey != "" && c.cfg.IdempotencyHeader != "" {
		p.key = r.IdempotencyKey
	}
	if hasControl(p.key, false) {
		return nil, c.invalid("idempotency key", "must not contain control characters")
	}
	if len(p.key) > MaxIdempotencyKeyLen {
		return nil, c.invalid("idempotency key", fmt.Sprintf("must be at most %d bytes", MaxIdempotencyKeyLen))
	}
	return p, nil
}

// MaxIdempotencyKeyLen bounds an idempotency key: a UUID is 36 bytes, and an
// order id or a hash of one fits easily.
const MaxIdempotencyKeyLen = 256

// secrets returns every secret in force for the call: the client's (the
// Config's and those added at run time, read now, so a token fetched during
// the call counts) and the call's own.
func (c *Client) secretsOf(p *prepared) []string {
	all := c.Secrets()
	if len(p.callSecrets) == 0 {
		return all
	}
	return append(slices.Clip(all), p.callSecrets...)
}

// safeMethod reports whether repeating the method cannot change anything.
func safeMethod(m string) bool { return m == http.MethodGet || m == http.MethodHead }

// idempotentMethod reports whether the method is idempotent by definition.
func idempotentMethod(m string) bool {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		return true
	}
	return false
}

// UnquoteJSON returns the string the JSON string literal b stands for, with
// json.Unmarshal's result and errors. A literal of printable ASCII without
// escapes (ids, codes and amounts usually are) is sliced instead of parsed a
// second time, which matters in the UnmarshalJSON methods of tolerant types.
func UnquoteJSON(b []byte) (string, error) {
	if n := len(b); n >= 2 && b[0] == '"' && b[n-1] == '"' {
		inner := b[1 : n-1]
		plain := true
		for _, c := range inner {
			if c < 0x20 || c > 0x7e || c == '\\' || c == '"' {
				plain = false
				break
			}
		}
		if plain {
			return string(inner), nil
		}
	}
	var s string
	err := json.Unmarshal(b, &s)
	return s, err
}

// Header values every request carries. Attempts put these slices in their
// headers as they are: net/http, the Authenticators and Signers only ever
// replace a header's slice, never write into it.
var (
	jsonValue = []string{"application/json"}
	formValue = []string{"application/x-www-form-urlencoded"}
)
