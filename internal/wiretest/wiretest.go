// Package wiretest is the one harness every wire test of paykit uses: a
// table of rows, each a call of a client and the exact request it must put
// on the wire (method, escaped path, query, credential header, idempotency
// key, content type and body bytes). Run serves each row from its own
// httptest server, answers it with the row's reply, and checks every part.
//
// It is imported by tests only; nothing in the SDK's import graph uses it.
package wiretest

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// NoAuth is a Row.Auth (or Provider.Auth) that says the request must carry
// no credential header at all.
const NoAuth = "<no credential header>"

// hangGuard bounds a call only so that a stuck one fails instead of hanging
// the run; nothing is timed.
const hangGuard = 60 * time.Second

// Key says what a row expects of the idempotency key header.
type Key int

const (
	// NoKey: the request carries no idempotency key.
	NoKey Key = iota
	// AnyKey: the request carries a non-empty key (a generated one).
	AnyKey
)

// Reply is what the server answers a request with. A zero Status is 200.
type Reply struct {
	Status int
	Body   string
	Header http.Header
}

// Provider is what every row of one client shares.
type Provider[C any] struct {
	// Name is the provider's package name, e.g. "mercadopago".
	Name string
	// New returns a client whose every request goes to base (the test
	// server's URL, no trailing slash).
	New func(t *testing.T, base string) C
	// AuthHeader names the credential header; "" is Authorization.
	AuthHeader string
	// Auth is the exact credential header value of every row that does not
	// say otherwise, or NoAuth.
	Auth string
	// IdempotencyHeader names the idempotency key header; "" when the
	// provider has none (then no request may carry Idempotency-Key).
	IdempotencyHeader string
	// Aux answers requests other than the row's own, keyed "METHOD /path"
	// (an access token fetched before the call, say). Each is checked by
	// AuxCheck, if set.
	Aux map[string]Reply
	// AuxCheck checks an auxiliary request.
	AuxCheck func(t testing.TB, r *Request)
	// Check, if set, checks what every row's request carries beyond the
	// row's own fields (signatures, a User-Agent).
	Check func(t testing.TB, r *Request)
}

// Row is one call and the request it must send.
type Row[C any] struct {
	// Name is "Service.Method" (or "Method" for a method of the client
	// itself), optionally followed by " (variant)".
	Name string
	// Call makes the call and returns its result; it must succeed given
	// Reply.
	Call func(ctx context.Context, c C) (any, error)
	// Then, if set, checks the result Call returned (how Reply decoded).
	Then func(t *testing.T, got any)
	// Method and Path (escaped, as on the wire) of the request.
	Method, Path string
	// Query is the expected query, URL-encoded; it is compared as a set of
	// values, so key order does not matter. "" means no query.
	Query string
	// Auth overrides Provider.Auth, and AuthHeader Provider.AuthHeader,
	// when not "".
	Auth, AuthHeader string
	// Key is what the idempotency header must hold; KeyValue, when set,
	// is its exact value.
	Key      Key
	KeyValue string
	// Body is the exact request body; "" means none.
	Body string
	// ContentType of the body; "" is application/json when Body is set.
	ContentType string
	// Header holds further headers and their exact values ("" = absent).
	Header map[string]string
	// Reply answers the row's request.
	Reply Reply
}

// Covers is the "Service.Method" a row stands for: its Name without the
// variant.
func (r Row[C]) Covers() string {
	name, _, _ := strings.Cut(r.Name, " (")
	return name
}

// Request is one request as it reached the server.
type Request struct {
	Method, Path, RawQuery string
	Header                 http.Header
	Body                   []byte
}

// Run runs every row against its own server and checks its request.
func Run[C any](t *testing.T, p Provider[C], rows []Row[C]) {
	t.Helper()
	for _, row := range rows {
		t.Run(row.Name, func(t *testing.T) { runRow(t, p, row) })
	}
}

func runRow[C any](t *testing.T, p Provider[C], row Row[C]) {
	var (
		mu   sync.Mutex
		mine []*Request
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("reading the request body: %v", err)
		}
		got := &Request{Method: r.Method, Path: r.URL.EscapedPath(), RawQuery: r.URL.RawQuery, Header: r.Header.Clone(), Body: body}
		reply, ok := Reply{}, false
		if got.Method == row.Method && got.Path == row.Path {
			mu.Lock()
			mine = append(mine, got)
			mu.Unlock()
			reply, ok = row.Reply, true
		} else if reply, ok = p.Aux[got.Method+" "+got.Path]; ok {
			if p.AuxCheck != nil {
				p.AuxCheck(t, got)
			}
		} else {
			t.Errorf("unexpected request %s %s", got.Method, got.Path)
			w.WriteHeader(http.StatusNotFound)
			return
		}
		for k, vs := range reply.Header {
			w.Header()[k] = vs
		}
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", "application/json")
		}
		status := reply.Status
		if status == 0 {
			status = http.StatusOK
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, reply.Body)
	}))
	defer srv.Close()

	c := p.New(t, srv.URL)
	ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
	defer cancel()
	got, err := row.Call(ctx, c)
	if err != nil {
		t.Fatalf("%s %s: the call failed: %v", p.Name, row.Name, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(mine) != 1 {
		t.Fatalf("%s %s: want one %s %s, the server saw %d", p.Name, row.Name, row.Method, row.Path, len(mine))
	}
	check(t, p, row, mine[0])
	if row.Then != nil {
		row.Then(t, got)
	}
}

func check[C any](t testing.TB, p Provider[C], row Row[C], got *Request) {
	t.Helper()
	wantQ, err := url.ParseQuery(row.Query)
	if err != nil {
		t.Fatalf("the row's query %q: %v", row.Query, err)
	}
	gotQ, err := url.ParseQuery(got.RawQuery)
	if err != nil {
		t.Errorf("the request's query %q does not parse: %v", got.RawQuery, err)
	}
	if !sameValues(wantQ, gotQ) {
		t.Errorf("query: want %q, got %q", row.Query, got.RawQuery)
	}

	authHeader := p.AuthHeader
	if row.AuthHeader != "" {
		authHeader = row.AuthHeader
	}
	if authHeader == "" {
		authHeader = "Authorization"
	}
	auth := row.Auth
	if auth == "" {
		auth = p.Auth
	}
	switch gotAuth, present := got.Header[http.CanonicalHeaderKey(authHeader)]; {
	case auth == NoAuth && present:
		t.Errorf("%s: want none, got one", authHeader)
	case auth != NoAuth && (len(gotAuth) != 1 || gotAuth[0] != auth):
		// The value is a test credential, safe to show.
		t.Errorf("%s: want %q, got %q", authHeader, auth, gotAuth)
	}

	if p.IdempotencyHeader == "" {
		if row.Key != NoKey || row.KeyValue != "" {
			t.Errorf("the row wants an idempotency key, but %s has no idempotency header", p.Name)
		}
		for _, h := range []string{"Idempotency-Key", "X-Idempotency-Key"} {
			if v := got.Header.Get(h); v != "" {
				t.Errorf("%s: want none, got %q", h, v)
			}
		}
	} else {
		key := got.Header.Get(p.IdempotencyHeader)
		switch {
		case row.KeyValue != "" && key != row.KeyValue:
			t.Errorf("%s: want %q, got %q", p.IdempotencyHeader, row.KeyValue, key)
		case row.Key == AnyKey && key == "":
			t.Errorf("%s: want a key, got none", p.IdempotencyHeader)
		case row.Key == NoKey && row.KeyValue == "" && key != "":
			t.Errorf("%s: want none, got %q", p.IdempotencyHeader, key)
		}
	}

	if string(got.Body) != row.Body {
		t.Errorf("body:\nwant %s\ngot  %s", row.Body, got.Body)
	}
	ct := row.ContentType
	if ct == "" && row.Body != "" {
		ct = "application/json"
	}
	if g := got.Header.Get("Content-Type"); g != ct {
		t.Errorf("Content-Type: want %q, got %q", ct, g)
	}
	for h, want := range row.Header {
		if g := got.Header.Get(h); g != want {
			t.Errorf("%s: want %q, got %q", h, want, g)
		}
	}
	if p.Check != nil {
		p.Check(t, got)
	}
}

func sameValues(a, b url.Values) bool {
	if len(a) != len(b) {
		return false
	}
	for k, av := range a {
		bv, ok := b[k]
		if !ok || len(av) != len(bv) {
			return false
		}
		for i := range av {
			if av[i] != bv[i] {
				return false
			}
		}
	}
	return true
}
