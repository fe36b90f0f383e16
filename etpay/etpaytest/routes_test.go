package etpaytest

import (
	"io"
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
	for _, tc := range []struct{ method, path string }{
		{"POST", "/api/session/initialise"},
		{"GET", "/api/merchant/check_payment_status/extra"},
		{"DELETE", "/pmt/session/abc"},
	} {
		req, err := http.NewRequest(tc.method, srv.URL+tc.path, nil)
		require.NoError(t, err)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.Equal(t, http.StatusNotFound, resp.StatusCode, tc.path)
		assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
		assert.JSONEq(t, `{"error":"not_found","message":"no route for `+tc.method+` `+tc.path+`"}`, string(body))
	}
}
