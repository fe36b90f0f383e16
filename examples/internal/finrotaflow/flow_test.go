package finrotaflow

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit/examples/internal/transcript"
)

func TestRunOffline(t *testing.T) {
	var out bytes.Buffer
	tr := transcript.New(&out, true)
	require.NoError(t, Run(context.Background(), tr, false))
	checks, failed := tr.Summary()
	assert.Empty(t, failed, out.String())
	assert.GreaterOrEqual(t, checks, 12)
	s := out.String()
	for _, want := range []string{"RedirectUrl", "DirectSale", "Insufficient funds", "PRP_INVALID", "cancelled", "GET /erp/payments?StartDate=", "is in today's list"} {
		assert.Contains(t, s, want)
	}
	// The transcript never shows the access token or the simulator's keys.
	assert.NotContains(t, s, "eyJhbGciOiJIUzI1NiJ9.")
	assert.NotContains(t, s, "sim_secret_key")
	assert.False(t, strings.Contains(s, "4155650100416111"), "no full card number")
}

func TestRunLiveNeedsCredentials(t *testing.T) {
	t.Setenv(EnvAPIKey, "")
	t.Setenv(EnvSecretKey, "")
	assert.Error(t, Run(context.Background(), transcript.New(&bytes.Buffer{}, false), true))
}
