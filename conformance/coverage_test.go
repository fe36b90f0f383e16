package conformance

import (
	"context"
	"net/http"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
)

// noHTTPCall are the exported methods that send no request of their own,
// each with the reason; they need no fault-matrix, secrets or wire row.
var noHTTPCall = map[string]string{
	"mercadopago OAuth.AuthorizationURL":    "builds a URL for the seller's browser; sends nothing",
	"mercadopago OAuth.Start":               "makes state and PKCE and the URL; sends nothing",
	"mercadopago OAuth.TokenSource":         "wraps a token; its refreshes are OAuth.Refresh, which has rows",
	"mercadopago Payments.Search":           "iterator over Payments.SearchPage, which has rows",
	"mercadopago Customers.Search":          "iterator over Customers.SearchPage, which has rows",
	"mercadopago Preferences.Search":        "iterator over Preferences.SearchPage, which has rows",
	"mercadopago MerchantOrders.Search":     "iterator over MerchantOrders.SearchPage, which has rows",
	"mercadopago Plans.Search":              "iterator over Plans.SearchPage, which has rows",
	"mercadopago Subscriptions.Search":      "iterator over Subscriptions.SearchPage, which has rows",
	"mercadopago Orders.Search":             "iterator over Orders.SearchPage, which has rows",
	"mercadopago Chargebacks.Search":        "iterator over Chargebacks.SearchPage, which has rows",
	"mercadopago AuthorizedPayments.Search": "iterator over AuthorizedPayments.SearchPage, which has rows",
	"mercadopago AdvancedPayments.Search":   "iterator over AdvancedPayments.SearchPage, which has rows",
	"finrota Transactions.Search":           "iterator over Transactions.SearchPage, which has rows",
	"fintecture PIS.ListPayments":           "iterator over PIS.ListPaymentsPage, which has rows",
	"fintecture PIS.ListSettlements":        "iterator over PIS.ListSettlementsPage, which has rows",
}

// serviceMethods names ("Service.Method") every exported method of every
// exported *XService field of client, and ("Method") every method of the
// client itself that takes a context (the others are accessors and
// formatting: BaseURL, String, Format…).
func serviceMethods(client any) []string {
	ctxType := reflect.TypeFor[context.Context]()
	var out []string
	ct := reflect.TypeOf(client)
	for i := range ct.NumMethod() {
		m := ct.Method(i)
		if m.Type.NumIn() >= 2 && m.Type.In(1) == ctxType {
			out = append(out, m.Name)
		}
	}
	for i := range ct.Elem().NumField() {
		f := ct.Elem().Field(i)
		if !f.IsExported() || f.Type.Kind() != reflect.Pointer || !strings.HasSuffix(f.Type.Elem().Name(), "Service") {
			continue
		}
		for j := range f.Type.NumMethod() {
			out = append(out, f.Name+"."+f.Type.Method(j).Name)
		}
	}
	return out
}

// callName is the method a suite call stands for: its name without a
// variant in parentheses.
func callName(name string) string {
	name, _, _ = strings.Cut(name, " (")
	return name
}

// TestEveryMethodHasEveryRow makes "every call of every client" true by
// construction: it lists every exported method of every service of every
// client by reflection and fails unless each has a fault-matrix call, a
// secrets-sweep row and a wire row, or an entry in noHTTPCall. A method
// added without its rows, or a row removed, fails here.
func TestEveryMethodHasEveryRow(t *testing.T) {
	wire := wireMethods(t)
	var missing []string
	seen := map[string]bool{}
	for _, ps := range providerSuites {
		e := ps.setup(t, &http.Client{Timeout: hangGuard}, nil)
		e.srv.Close()
		matrix, secrets := map[string]bool{}, map[string]bool{}
		for _, cl := range e.calls {
			matrix[callName(cl.name)] = true
		}
		for _, cl := range secretSweepCalls(e) {
			secrets[callName(cl.name)] = true
		}
		methods := serviceMethods(e.client)
		if len(methods) == 0 {
			t.Errorf("%s: reflection found no methods", ps.name)
		}
		for _, m := range methods {
			key := ps.name + " " + m
			if _, ok := noHTTPCall[key]; ok {
				seen[key] = true
				continue
			}
			if !matrix[m] {
				missing = append(missing, key+" (matrix)")
			}
			if !secrets[m] {
				missing = append(missing, key+" (secrets)")
			}
			if !slices.Contains(wire[ps.name], m) {
				missing = append(missing, key+" (wire)")
			}
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		t.Errorf("%d rows missing (add a suite call in suites_test.go, which the fault matrix and the secrets sweep run, and a wire row in wire_<provider>_test.go, or list the method in noHTTPCall):\n\t%s",
			len(missing), strings.Join(missing, "\n\t"))
	}
	for key, why := range noHTTPCall {
		if why == "" {
			t.Errorf("noHTTPCall lists %s without a reason", key)
		}
		if !seen[key] {
			t.Errorf("noHTTPCall lists %s, which no client has any more", key)
		}
	}
}
