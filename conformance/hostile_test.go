package conformance

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit/internal/sim"
	"github.com/paykit-go/paykit/internal/transport"
)

// wireCredentials is an http.RoundTripper that records the credential of
// every Authorization header it passes on, scheme word dropped, Basic ones
// included: tokens fetched at run time are secrets as much as configured
// ones.
type wireCredentials struct {
	mu   sync.Mutex
	seen []string
}

func (w *wireCredentials) RoundTrip(r *http.Request) (*http.Response, error) {
	for _, h := range []string{"Authorization", "Proxy-Authorization"} {
		if v := r.Header.Get(h); v != "" {
			if _, cred, ok := strings.Cut(v, " "); ok {
				v = cred
			}
			w.mu.Lock()
			if !slices.Contains(w.seen, v) {
				w.seen = append(w.seen, v)
			}
			w.mu.Unlock()
		}
	}
	return http.DefaultTransport.RoundTrip(r)
}

func (w *wireCredentials) list() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.seen)
}

// TestHostileServerEchoesNoSecret breaks every call of every client with a
// server that repeats what it received (sim.Echo: the credential without
// its "Bearer" or "Basic" word, the URI, the body with its card data,
// client secrets and key pairs) and checks that the call's error is typed
// and shows none of it under any fmt verb or in a JSON log record. Only the
// client's list of secrets, run-time tokens included, can pass this.
func TestHostileServerEchoesNoSecret(t *testing.T) {
	for _, ps := range providerSuites {
		t.Run(ps.name, func(t *testing.T) {
			t.Parallel()
			probe := ps.setup(t, &http.Client{Timeout: hangGuard}, nil)
			probe.srv.Close()
			for i, pc := range probe.calls {
				t.Run(pc.name, func(t *testing.T) {
					wire := &wireCredentials{}
					e := ps.setup(t, &http.Client{Timeout: hangGuard, Transport: wire}, nil)
					defer e.srv.Close()
					cl := e.calls[i]
					e.srv.FailNext(1, sim.Fault{Kind: sim.Echo, Status: http.StatusBadRequest, Method: cl.method, PathPrefix: cl.path})
					ctx, cancel := context.WithTimeout(context.Background(), 2*hangGuard)
					err := cl.run(ctx)
					cancel()
					e.srv.ClearFaults()

					var apiErr *transport.Error
					require.ErrorAs(t, err, &apiErr, "want a typed error, got %T: %v", err, err)
					assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode)
					assert.Contains(t, err.Error(), "rejected", "the echo should reach the error")
					wired := wire.list()
					if ps.name == "finrota" || ps.name == "fintecture" || cl.name == "Users.Me (seller)" {
						var runtime []string
						for _, s := range wired {
							if !slices.Contains(e.secrets, s) {
								runtime = append(runtime, s)
							}
						}
						assert.NotEmpty(t, runtime, "the client should have sent a token obtained at run time")
					}
					var logs bytes.Buffer
					slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})).
						Debug("call failed", "call", cl.name, "err", err, "http", apiErr)
					assert.Contains(t, logs.String(), "rejected")
					assert.Empty(t, secretsShown([]any{err, apiErr}, logs.String(), append(wired, e.secrets...)),
						"secrets in the error under some fmt verb, or in its log record")
				})
			}
		})
	}
}

// fmtVerbs are the verbs and flags an error may meet in a caller's code.
var fmtVerbs = []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "% x", "%d", "%o", "%O", "%b", "%t",
	"%e", "%E", "%f", "%g", "%G", "%c", "%U", "%-10v", "%08d", "%+q", "%#q", "%#x", "%#X", "%10.3s"}

// secretsShown formats each value under every verb in fmtVerbs and returns
// the secrets (of six bytes or more) found there or in logs: as they are,
// quoted as %q and JSON quote them, or in hex (%x and %X print a string's
// bytes so).
func secretsShown(values []any, logs string, secrets []string) []string {
	var b strings.Builder
	for _, v := range values {
		for _, verb := range fmtVerbs {
			fmt.Fprintf(&b, verb+"\n", v)
		}
	}
	b.WriteString(logs)
	out := b.String()
	var found []string
	for _, s := range secrets {
		if len(s) < 6 {
			continue
		}
		q := strconv.Quote(s)
		for _, form := range []string{s, q[1 : len(q)-1], fmt.Sprintf("%x", s), fmt.Sprintf("%X", s), fmt.Sprintf("% x", s)} {
			if i := strings.Index(out, form); i >= 0 {
				if debugLeaks {
					fmt.Printf("LEAK %q in %q\n", form, out[max(0, i-200):min(len(out), i+100)])
				}
				found = append(found, s)
				break
			}
		}
	}
	return found
}
