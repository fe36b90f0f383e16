package etpaytest

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/paykit-go/paykit/internal/leaktest"
)

func TestSimulatorPrintsNoSecret(t *testing.T) {
	const apiToken = "etpay-planted-sim-api-token"
	srv := NewServer(WithMerchant("cl_sim", apiToken))
	defer srv.Close()
	// The server holds a lock: it is printed through its pointer only.
	assert.Empty(t, leaktest.Leaks(srv, apiToken))
	assert.Contains(t, fmt.Sprint(srv), srv.URL)
}
