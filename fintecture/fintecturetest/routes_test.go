package fintecturetest

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
	assert.Empty(t, sim.Unreachable(sim.Mux(routes, srv.notFound), routes))
}

func TestUnknownRouteIs404NamingIt(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	for _, tc := range []struct{ method, path string }{
		{"POST", "/pis/v2/payments"},
		{"DELETE", "/pis/v2/payments/abc"},
		{"GET", "/res/v2/providers"},
	} {
		req, err := http.NewRequest(tc.method, srv.URL+tc.path, nil)
		require.NoError(t, err)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		var body struct {
			Code   string `json:"code"`
			Errors []struct{ Message string }
		}
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
		resp.Body.Close()
		assert.Equal(t, http.StatusNotFound, resp.StatusCode, tc.path)
		assert.Equal(t, "not_found", body.Code)
		require.Len(t, body.Errors, 1)
		assert.Equal(t, "no route for "+tc.method+" "+tc.path, body.Errors[0].Message)
	}
}
