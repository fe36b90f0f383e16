package conformance

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"sync/atomic"
	"testing"

	"github.com/paykit-go/paykit"
	"github.com/stretchr/testify/assert"
)

// badIDs cannot stand as a path segment: a proxy or server would normalise
// them into another route, or they carry a control character.
var badIDs = []string{"", ".", "..", " ", "a\x00b"}

// errSucceeded stands for a nil error in joinBoth.
var errSucceeded = errors.New("the call succeeded")

// joinBoth joins the errors of a call run with a bad id in each of its id
// positions; a nil one becomes errSucceeded, so no position goes unchecked.
func joinBoth(errs ...error) error {
	for i, err := range errs {
		if err == nil {
			errs[i] = errSucceeded
		}
	}
	return errors.Join(errs...)
}

// TestIDsThatAreNotPathSegmentsNeverReachTheWire runs every call that puts
// a string id in its path with each bad id: it returns the provider's
// ValidationError naming a field, and no request leaves the process.
func TestIDsThatAreNotPathSegmentsNeverReachTheWire(t *testing.T) {
	for _, ps := range providerSuites {
		t.Run(ps.name, func(t *testing.T) {
			t.Parallel()
			var trips atomic.Int32
			hc := &http.Client{Timeout: hangGuard, Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
				trips.Add(1)
				return http.DefaultTransport.RoundTrip(r)
			})}
			e := ps.setup(t, hc, nil)
			defer e.srv.Close()
			checked := 0
			for _, cl := range e.calls {
				if cl.withID == nil {
					continue
				}
				checked++
				for _, id := range badIDs {
					t.Run(fmt.Sprintf("%s/%q", cl.name, id), func(t *testing.T) {
						trips.Store(0)
						err := cl.withID(context.Background(), id)
						errs := []error{err}
						if j, ok := err.(interface{ Unwrap() []error }); ok {
							errs = j.Unwrap()
						}
						for _, err := range errs {
							var v *paykit.ValidationError
							if assert.True(t, errors.As(err, &v), "want a %s ValidationError, got %T: %v", ps.name, err, err) {
								assert.NotEmpty(t, v.Field, "the ValidationError names no field")
								assert.Equal(t, ps.name, v.Provider, "the ValidationError names the provider")
							}
						}
						assert.Zero(t, trips.Load(), "a request with id %q was sent", id)
					})
				}
			}
			if ps.name == "mercadopago" || ps.name == "fintecture" {
				assert.NotZero(t, checked, "no call with an id was checked")
			}
		})
	}
}

// stringsNotInPath are the calls that take a string which goes somewhere
// other than a path segment, and where.
var stringsNotInPath = map[string]string{
	"mercadopago PaymentMethods.CardIssuers": "query",
	"mercadopago OAuth.Exchange":             "form body",
	"mercadopago OAuth.Refresh":              "form body",
	"mercadopago Payments.ConfirmReturn":     "compared with the payment, never sent",
	"finrota PaymentOptions":                 "JSON body",
	"finrota Transactions.ConfirmReturn":     "compared with the transaction, never sent",
	"fintecture PIS.ConfirmReturn":           "compared with the payment, never sent",
	"etpay Payments.ConfirmReturn":           "JSON body",
}

// TestEveryCallWithAStringIDHasDotSegmentChecks fails when a method of a
// client (or of one of its services) takes a string that goes into a path
// and no call of its suite runs it with bad ids (call.withID): a new method
// or a new suite call must come with the check.
func TestEveryCallWithAStringIDHasDotSegmentChecks(t *testing.T) {
	seen := map[string]bool{}
	for _, ps := range providerSuites {
		e := ps.setup(t, &http.Client{Timeout: hangGuard}, nil)
		e.srv.Close()
		covered := map[string]bool{}
		for _, cl := range e.calls {
			if cl.withID != nil {
				covered[cl.name] = true
			}
		}
		for _, name := range stringTakingMethods(e.client) {
			key := ps.name + " " + name
			if _, ok := stringsNotInPath[key]; ok {
				seen[key] = true
				continue
			}
			assert.True(t, covered[name], "%s takes a string id: give its suite call a withID (or list it in stringsNotInPath)", key)
		}
	}
	for key := range stringsNotInPath {
		assert.True(t, seen[key], "stringsNotInPath lists %s, which takes no string any more", key)
	}
}

// stringTakingMethods names ("Service.Method", or "Method" on the client
// itself) every method of client and of its exported service fields whose
// first parameter is a context.Context and which takes a plain string.
func stringTakingMethods(client any) []string {
	ctxType, strType := reflect.TypeFor[context.Context](), reflect.TypeFor[string]()
	var out []string
	scan := func(prefix string, t reflect.Type) {
		for i := range t.NumMethod() {
			m := t.Method(i)
			if m.Type.NumIn() < 2 || m.Type.In(1) != ctxType {
				continue
			}
			for j := 2; j < m.Type.NumIn(); j++ {
				if m.Type.In(j) == strType {
					out = append(out, prefix+m.Name)
					break
				}
			}
		}
	}
	t := reflect.TypeOf(client)
	scan("", t)
	for i := range t.Elem().NumField() {
		f := t.Elem().Field(i)
		if f.IsExported() && f.Type.Kind() == reflect.Pointer && f.Type.Elem().Kind() == reflect.Struct {
			scan(f.Name+".", f.Type)
		}
	}
	return out
}
