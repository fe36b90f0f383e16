package wiretest

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// recordTB collects what check reports instead of failing the test.
type recordTB struct {
	testing.TB
	errs []string
}

func (r *recordTB) Helper() {}
func (r *recordTB) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
func (r *recordTB) Fatalf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

type noClient struct{}

// TestCheckCatchesEveryField proves each field of a row can fail: a request
// that differs from the row in one part is reported, naming that part.
func TestCheckCatchesEveryField(t *testing.T) {
	p := Provider[noClient]{Name: "p", Auth: "Bearer t", IdempotencyHeader: "X-Idempotency-Key"}
	row := Row[noClient]{Name: "S.M", Method: "POST", Path: "/a", Query: "x=1&y=2", Key: AnyKey, Body: `{"a":1}`,
		Header: map[string]string{"X-Extra": "v"}}
	good := func() *Request {
		return &Request{Method: "POST", Path: "/a", RawQuery: "y=2&x=1", Body: []byte(`{"a":1}`), Header: http.Header{
			"Authorization": {"Bearer t"}, "X-Idempotency-Key": {"k"}, "Content-Type": {"application/json"}, "X-Extra": {"v"}}}
	}
	rec := &recordTB{}
	check(rec, p, row, good())
	if len(rec.errs) != 0 {
		t.Fatalf("a matching request was refused: %q", rec.errs)
	}
	for part, spoil := range map[string]func(r *Request){
		"query":             func(r *Request) { r.RawQuery = "x=1" },
		"Authorization":     func(r *Request) { r.Header.Set("Authorization", "Bearer u") },
		"X-Idempotency-Key": func(r *Request) { r.Header.Del("X-Idempotency-Key") },
		"body":              func(r *Request) { r.Body = []byte(`{"a": 1}`) },
		"Content-Type":      func(r *Request) { r.Header.Set("Content-Type", "text/plain") },
		"X-Extra":           func(r *Request) { r.Header.Del("X-Extra") },
	} {
		got := good()
		spoil(got)
		rec := &recordTB{}
		check(rec, p, row, got)
		if len(rec.errs) != 1 || !strings.HasPrefix(rec.errs[0], part) {
			t.Errorf("a wrong %s: want one report naming it, got %q", part, rec.errs)
		}
	}

	// No key and no credential, where the row says so.
	row.Key, row.Auth = NoKey, NoAuth
	rec = &recordTB{}
	check(rec, p, row, good())
	if len(rec.errs) != 2 {
		t.Errorf("a key and a credential where none belong: want two reports, got %q", rec.errs)
	}
}

// TestRunServesTheRowAndAux runs a row whose call makes an auxiliary request
// first, and checks that Run hands the call its reply.
func TestRunServesTheRowAndAux(t *testing.T) {
	var seen string
	p := Provider[string]{Name: "p", Auth: NoAuth,
		New: func(t *testing.T, base string) string { return base },
		Aux: map[string]Reply{"POST /token": {Body: `tok`}},
	}
	Run(t, p, []Row[string]{{Name: "S.M", Method: "GET", Path: "/x", Reply: Reply{Status: 202, Body: `{"ok":true}`},
		Call: func(ctx context.Context, base string) (any, error) {
			for _, req := range []struct{ method, path string }{{"POST", "/token"}, {"GET", "/x"}} {
				r, err := http.NewRequestWithContext(ctx, req.method, base+req.path, nil)
				if err != nil {
					return nil, err
				}
				resp, err := http.DefaultClient.Do(r)
				if err != nil {
					return nil, err
				}
				_ = resp.Body.Close()
				seen += fmt.Sprint(resp.StatusCode, " ")
			}
			return nil, nil
		}}})
	if seen != "200 202 " {
		t.Errorf("want the aux answer then the row's, got statuses %q", seen)
	}
}
