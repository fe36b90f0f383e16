package conformance

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/paykit-go/paykit"
)

// delegates are the methods that only wrap another method of the same
// client, whose operation the Observer sees.
var delegates = map[string]string{
	"mercadopago Payments.CreateFintoc":  "Payments.Create",
	"mercadopago Payments.ConfirmReturn": "Payments.Get",
	"mercadopago Subscriptions.Pause":    "Subscriptions.Update",
	"mercadopago Subscriptions.Cancel":   "Subscriptions.Update",
	"mercadopago Subscriptions.Resume":   "Subscriptions.Update",
	"finrota Transactions.ConfirmReturn": "Transactions.Get",
	"fintecture Token":                   "AccessToken",
	"fintecture PIS.CancelPayment":       "PIS.UpdatePayment",
	"fintecture PIS.ConfirmReturn":       "PIS.GetPayment",
	"etpay Payments.ConfirmReturn":       "Payments.Status",
}

// tokenOps are the operations of calls no client method makes directly:
// the client-credentials token fetches.
var tokenOps = []string{"finrota.AccessToken", "fintecture.AccessToken"}

// literalSegment is what a route template's fixed segment may be: a word
// with at most one digit (v1, b2c, paymentOptions). A segment with more
// digits, or starting with one, would be an id.
var literalSegment = regexp.MustCompile(`^[A-Za-z][A-Za-z_-]*([0-9][A-Za-z_-]*)?$`)

// placeholder is a template's id segment.
var placeholder = regexp.MustCompile(`^\{[a-z_]+\}$`)

type opCtxKey struct{}

// sentAttempt is one attempt as the wire saw it: the route template the
// Observer was told, carried in a test header its Inject set, and the
// path actually sent.
type sentAttempt struct {
	info paykit.CallInfo
	path string
}

// TestEveryCallNamesItsOperationAndRoute runs every call of every client
// with an Observer and checks what it reports against the wire: each
// attempt's operation is "<provider>.<the method that made it>", and its
// route template has the sent path's shape, with a {placeholder} wherever
// the path has an id and only fixed words elsewhere, so what an Observer
// records stays bounded however many payments there are.
func TestEveryCallNamesItsOperationAndRoute(t *testing.T) {
	for _, ps := range providerSuites {
		t.Run(ps.name, func(t *testing.T) {
			var mu sync.Mutex
			var sent []sentAttempt
			obs := &paykit.Observer{
				Attempt: func(ctx context.Context, a paykit.AttemptInfo) (context.Context, func(paykit.AttemptDone)) {
					return context.WithValue(ctx, opCtxKey{}, a.Call), nil
				},
				Inject: func(ctx context.Context, h http.Header) {
					info, _ := ctx.Value(opCtxKey{}).(paykit.CallInfo)
					h.Set("X-Observed-Op", info.Operation+" "+info.Route+" "+info.Method+" "+info.Provider)
				},
			}
			hc := &http.Client{Timeout: hangGuard, Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
				if f := strings.Fields(r.Header.Get("X-Observed-Op")); len(f) == 4 {
					mu.Lock()
					sent = append(sent, sentAttempt{paykit.CallInfo{Operation: f[0], Route: f[1], Method: f[2], Provider: f[3]}, r.URL.EscapedPath()})
					mu.Unlock()
				} else {
					t.Errorf("%s %s: the attempt carries no operation (%q)", r.Method, r.URL.Path, r.Header.Get("X-Observed-Op"))
				}
				return http.DefaultTransport.RoundTrip(r)
			})}
			e := ps.setup(t, hc, nil, obs)
			defer e.srv.Close()
			methods := serviceMethods(e.client)
			checked := 0
			for _, cl := range e.calls {
				mu.Lock()
				sent = nil
				mu.Unlock()
				_ = cl.run(bg) // a refusal still names its operation
				mu.Lock()
				got := slices.Clone(sent)
				mu.Unlock()
				want := callName(cl.name)
				if d, ok := delegates[ps.name+" "+want]; ok {
					want = d
				}
				own := false
				for _, a := range got {
					op, _ := strings.CutPrefix(a.info.Operation, ps.name+".")
					assert.Equal(t, ps.name, a.info.Provider, "%s: provider", cl.name)
					assert.True(t, slices.Contains(methods, op) || slices.Contains(tokenOps, a.info.Operation),
						"%s: operation %q is no method of the %s client", cl.name, a.info.Operation, ps.name)
					own = own || op == want || op == want+"Page"
					if p := routeProblem(a.info.Route, a.path); p != "" {
						t.Errorf("%s: route %q %s", cl.name, a.info.Route, p)
					}
					checked++
				}
				if len(got) > 0 && slices.Contains(methods, want) {
					assert.True(t, own, "%s: no attempt reported operation %s.%s (got %v)", cl.name, ps.name, want, got)
				}
			}
			assert.NotZero(t, checked, "no attempt was checked")
		})
	}
}

// routeProblem says how route fails to be path's template, or returns "":
// the same number of segments (path may have a base URL prefix before
// them), each fixed segment equal to path's and free of ids, each other a
// {placeholder}.
func routeProblem(route, path string) string {
	rs := strings.Split(strings.TrimPrefix(route, "/"), "/")
	ps := strings.Split(strings.TrimPrefix(path, "/"), "/")
	if route == "" || len(ps) < len(rs) {
		return "is not the template of " + path
	}
	ps = ps[len(ps)-len(rs):]
	for i, seg := range rs {
		switch {
		case placeholder.MatchString(seg):
		case !literalSegment.MatchString(seg):
			return "has segment " + seg + ", which is neither a fixed word nor a {placeholder}"
		case seg != ps[i]:
			return "does not match the path sent, " + path
		}
	}
	return ""
}

// TestRouteProblemCatchesARawID: the route check fails on a template that
// holds an id or does not match the path.
func TestRouteProblemCatchesARawID(t *testing.T) {
	for _, c := range []struct{ route, path string }{
		{"/v1/payments/1316782591", "/v1/payments/1316782591"},
		{"/v1/payments/{id}", "/v1/refunds/5"},
		{"", "/v1/payments"},
		{"/v1/payments/{id}/refunds", "/v1/payments"},
	} {
		assert.NotEmpty(t, routeProblem(c.route, c.path), "route %q for path %q passed", c.route, c.path)
	}
	assert.Empty(t, routeProblem("/v1/payments/{id}", "/v1/payments/42"))
	assert.Empty(t, routeProblem("/pis/v2/request-to-pay", "/pis/v2/request-to-pay"))
	assert.NotEmpty(t, routeProblem("/v1/card_tokens/ab12cd", "/v1/card_tokens/ab12cd"))
}
