package finrotatest

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
	for _, tc := range []struct{ method, path string }{
		{"GET", "/b2c/widget/payment"},
		{"POST", "/pws/payment/transaction"},
		{"GET", "/erp/payment"},
	} {
		req, err := http.NewRequest(tc.method, srv.URL+tc.path, nil)
		require.NoError(t, err)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		var body struct {
			Message    string `json:"message"`
			StatusCode int    `json:"statusCode"`
			Data       struct {
				ErrorCode string `json:"errorCode"`
			} `json:"data"`
		}
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
		resp.Body.Close()
		assert.Equal(t, http.StatusNotFound, resp.StatusCode, tc.path)
		assert.Equal(t, 404, body.StatusCode)
		assert.Equal(t, "NOT_FOUND", body.Data.ErrorCode)
		assert.Equal(t, "Resource not found: no route for "+tc.method+" "+tc.path, body.Message)
	}
}

func TestWidgetCallsAllowOtherOrigins(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	for _, path := range []string{"/b2c/paymentOptions", "/b2c/widget/preparePayment"} {
		req, err := http.NewRequest(http.MethodOptions, srv.URL+path, nil)
		require.NoError(t, err)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusNoContent, resp.StatusCode, path)
		assert.Equal(t, "*", resp.Header.Get("Access-Control-Allow-Origin"), path)
		assert.Contains(t, resp.Header.Get("Access-Control-Allow-Headers"), "Authorization", path)
	}
	resp, err := http.Get(srv.URL + "/b2c/paymentOptions?binNumber=415565&amount=1&currency=TRY")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Equal(t, "*", resp.Header.Get("Access-Control-Allow-Origin"), "an error answer is readable by the page too")
}
