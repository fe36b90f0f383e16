package sim

import (
	"net/http"
	"regexp"
	"strings"
)

// Route is one line of a simulator's route table: a net/http ServeMux
// pattern with its method ("GET /v1/payments/{id}") and what serves it.
type Route struct {
	Pattern string
	Handler http.HandlerFunc
}

// Mux builds the one router of a simulator from its route table. A request
// no route takes gets notFound, which should answer 404 in the provider's
// error shape and name the method and path (a wrong method on a known path
// goes there too: the provider's answer to it is not a simulator's
// business). Two routes with the same pattern, or patterns that overlap
// with no precedence, panic here, when the server starts.
func Mux(routes []Route, notFound http.HandlerFunc) *http.ServeMux {
	mux := http.NewServeMux()
	for _, rt := range routes {
		mux.HandleFunc(rt.Pattern, rt.Handler)
	}
	mux.HandleFunc("/", notFound)
	return mux
}

var wildcard = regexp.MustCompile(`\{([^}.]*)(\.\.\.)?\}`)

// Unreachable returns the patterns of routes that a request made from the
// pattern itself (each {name} replaced by "x-name") does not reach on mux:
// a route another one shadows. Patterns without a method are sampled with
// GET.
func Unreachable(mux *http.ServeMux, routes []Route) []string {
	var lost []string
	for _, rt := range routes {
		method, path, ok := strings.Cut(rt.Pattern, " ")
		if !ok {
			method, path = http.MethodGet, rt.Pattern
		}
		path = wildcard.ReplaceAllString(strings.TrimSuffix(path, "{$}"), "x-$1")
		req, err := http.NewRequest(method, path, nil)
		if err != nil {
			lost = append(lost, rt.Pattern)
			continue
		}
		if _, got := mux.Handler(req); got != rt.Pattern {
			lost = append(lost, rt.Pattern)
		}
	}
	return lost
}

// CORS lets pages of other origins call h, as a provider lets its browser
// script do; with a nil h it answers the preflight (OPTIONS), allowing GET
// and POST with the request headers allowHeaders lists.
func CORS(allowHeaders string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		if h == nil {
			w.Header().Set("Access-Control-Allow-Methods", "GET, POST")
			w.Header().Set("Access-Control-Allow-Headers", allowHeaders)
			w.WriteHeader(http.StatusNoContent)
			return
		}
		h(w, r)
	}
}
