package fintecturetest_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit/fintecture/fintecturetest"
	"github.com/paykit-go/paykit/internal/leaktest"
)

func TestSimulatorPrintsNoSecret(t *testing.T) {
	keyPEM, err := os.ReadFile("../testdata/key.pem")
	require.NoError(t, err)
	secrets := []string{"planted-sim-app-secret"}
	for _, l := range strings.Split(string(keyPEM), "\n") {
		if len(l) > 40 && !strings.HasPrefix(l, "-----") {
			secrets = append(secrets, l)
		}
	}
	srv := fintecturetest.NewServer(fintecturetest.WithApp("app-1", secrets[0]), fintecturetest.WithMerchantKey(keyPEM))
	defer srv.Close()
	// The server holds a lock: it is printed through its pointer only.
	assert.Empty(t, leaktest.Leaks(srv, secrets...))
	assert.Contains(t, fmt.Sprint(srv), srv.URL)
}
