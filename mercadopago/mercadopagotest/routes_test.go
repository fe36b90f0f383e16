package mercadopagotest

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit/internal/sim"
)

func TestEveryRouteIsReachable(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	routes := srv.routes()
	assert.Empty(t, sim.Unreachable(sim.Mux(routes, notFound), routes))
}

func TestUnknownRouteIs404NamingIt(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	for _, tc := range []struct {
		method, path string
		token        bool
	}{
		{"GET", "/v1/paymentz/1", true},
		{"DELETE", "/v1/payments/1", true},
		{"PUT", "/v1/orders/abc", false}, // no token: still a missing route, not a 401
		{"GET", "/js/v3", false},
	} {
		req, err := http.NewRequest(tc.method, srv.URL+tc.path, nil)
		require.NoError(t, err)
		if tc.token {
			req.Header.Set("Authorization", "Bearer "+srv.AccessToken)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		var body errorBody
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
		resp.Body.Close()
		assert.Equal(t, http.StatusNotFound, resp.StatusCode, tc.path)
		assert.Equal(t, "not_found", body.Error)
		assert.Equal(t, "no route for "+tc.method+" "+tc.path, body.Message)
		assert.NotEmpty(t, resp.Header.Get("X-Request-Id"))
	}
}
