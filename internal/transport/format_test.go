package transport

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Under every verb an error prints its safe line, never its fields: not a
// redirect's Location query in Header, not the client's secrets a
// NetworkError keeps to scrub its cause.
func TestErrorsPrintTheirLineUnderEveryVerb(t *testing.T) {
	apiErr := &Error{Method: "POST", Path: "/v1/x", StatusCode: 302,
		Header: http.Header{"Location": {"http://127.0.0.1:1/collect?card=4509953566233704"}}, Err: &RedirectError{StatusCode: 302, Host: "127.0.0.1:1"}}
	netErr := &NetworkError{Method: "GET", Path: "/v1/y", Err: errors.New("connection reset"), secrets: []string{"planted-secret-7781"}}
	check := func(e error, verbs ...string) {
		for _, verb := range verbs {
			out := fmt.Sprintf(verb, e)
			assert.NotContains(t, out, "4509953566233704", verb)
			assert.NotContains(t, out, "planted-secret-7781", verb)
		}
	}
	for _, e := range []error{apiErr, netErr} {
		check(e, "%v", "%+v", "%s", "%d", "%o", "%b", "%t", "%e", "%f", "%g", "%c", "%U", "%08d", "%-10v")
	}
	// Wrapped by fmt.Errorf, the error is reached through an unexported
	// field: verbs a pointer takes print its address. (Verbs it does not
	// take, %t or %e, make fmt dump the value without asking it: no method
	// can prevent that.)
	for _, e := range []error{apiErr, netErr} {
		check(fmt.Errorf("wrapped: %w", e), "%v", "%+v", "%s", "%d", "%o", "%b", "%x", "%08d")
	}
	line := apiErr.Error()
	assert.Equal(t, line, fmt.Sprintf("%v", apiErr))
	assert.Equal(t, line, fmt.Sprintf("%#v", apiErr))
	assert.Equal(t, strconv.Quote(line), fmt.Sprintf("%q", apiErr))
	assert.Equal(t, fmt.Sprintf("%x", line), fmt.Sprintf("%x", apiErr))
	assert.Equal(t, fmt.Sprintf("%-90s|", line), fmt.Sprintf("%-90s|", apiErr))
	assert.Equal(t, netErr.Error(), fmt.Sprintf("%#v", netErr))
}
