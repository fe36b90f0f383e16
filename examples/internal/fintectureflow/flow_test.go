package fintectureflow

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/paykit-go/paykit/examples/internal/transcript"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunOffline(t *testing.T) {
	var out bytes.Buffer
	tr := transcript.New(&out, true)
	require.NoError(t, Run(context.Background(), tr, false))
	checks, failed := tr.Summary()
	assert.Empty(t, failed, out.String())
	assert.GreaterOrEqual(t, checks, 17)
	s := out.String()
	for _, want := range []string{"POST /oauth/accesstoken", "POST /pis/v2/connect", "Signature: keyId=", "Digest: SHA-256=",
		"browser returns to https://shop.example.com/fintecture/return?", "callback verified", "webhook verified", "partial refund",
		"GET /res/v1/providers?filter[country]=FR", "x-provider cmcifrpp", "refund webhook verified", "confirmed with the API: refund",
		"GET /pis/v2/settlements/", "has_settlement_completed", "in the list of paid payments",
		"POST /pis/v2/request-to-pay", "the request to pay was paid"} {
		assert.Contains(t, s, want)
	}
	assert.NotRegexp(t, `Bearer [A-Za-z0-9]{16,}`, s, "no token value in the transcript")
	assert.False(t, strings.Contains(s, "PRIVATE KEY"))
}

func TestRunLiveNeedsCredentials(t *testing.T) {
	t.Setenv(EnvAppID, "")
	err := Run(context.Background(), transcript.New(&bytes.Buffer{}, false), true)
	assert.ErrorContains(t, err, EnvAppID)
}
