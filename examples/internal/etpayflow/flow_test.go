package etpayflow

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit/examples/internal/transcript"
)

func TestRunOffline(t *testing.T) {
	var out bytes.Buffer
	tr := transcript.New(&out, true)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // a hang guard
	defer cancel()
	require.NoError(t, Run(ctx, tr, false))
	checks, failed := tr.Summary()
	assert.Empty(t, failed, out.String())
	assert.Equal(t, 8, checks)
	assert.Contains(t, out.String(), "status confirmed: success, $2000, order OC700104")
	assert.Contains(t, out.String(), "redirect JWT verifies and ETpay confirms success")
	assert.Contains(t, out.String(), "an unsigned redirect is confirmed by the order id: failed")
	assert.Contains(t, out.String(), "user_bank_code=cl_mach")
	assert.NotContains(t, out.String(), "sim-merchant-api-token")
}

func TestRunLiveNeedsEnv(t *testing.T) {
	for _, k := range Env {
		t.Setenv(k, "")
	}
	err := Run(context.Background(), transcript.New(&bytes.Buffer{}, false), true)
	assert.ErrorContains(t, err, "ETPAY_MERCHANT_CODE")
}
