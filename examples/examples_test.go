package examples_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// programs are the copyable example programs, each with lines its offline
// run must print: the steps the simulator plays and the final outcome.
var programs = map[string][]string{
	"etpay-funnel":             {"payer is back (signed return: true), ETpay says success", "notification for order", "done: ETpay confirms payment"},
	"finrota-widget":           {"3-D Secure passed; Finrota confirms", "refunded 750, 2000 TRY left", "second card declined: Insufficient funds", "done: order"},
	"fintecture-connect":       {"Fintecture says payment_created for 273.00 EUR", "webhook verified: session", "done: payment"},
	"mercadopago-checkout-pro": {"payment", "is approved, 15990 CLP", "a return naming another order is refused", "done: merchant order"},
	"mercadopago-fintoc":       {"is pending; open the widget", "notification payment.updated for payment", "done: payment"},
	"mercadopago-marketplace":  {"processed / accredited", "refunded 5000.00: partially_refunded", "refunded the rest: refunded", "seller 2000000001 connected", "done: payment"},
	"mercadopago-saved-card":   {"saved card", "option: master ending in 0604", "done: payment"},
}

// credentialPrefixes name the variables that switch a program to a real
// API; the test clears them so every program runs on its simulator.
var credentialPrefixes = []string{"MERCADOPAGO_", "FINROTA_", "FINTECTURE_", "ETPAY_"}

// TestProgramsRunOffline builds every example program and runs it with no
// credentials in the environment: each must reach its simulator, finish
// the flow, exit 0 and print what happened.
func TestProgramsRunOffline(t *testing.T) {
	entries, err := os.ReadDir(".")
	require.NoError(t, err)
	var pkgs []string
	for _, e := range entries {
		if !e.IsDir() || !strings.Contains(e.Name(), "-") {
			continue
		}
		_, listed := programs[e.Name()]
		require.True(t, listed, "examples/%s is an example program the test does not know: add it to programs", e.Name())
		pkgs = append(pkgs, "./"+e.Name())
	}
	require.Len(t, pkgs, len(programs), "every listed program exists")

	bin := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute) // hang guard only
	defer cancel()
	build := exec.CommandContext(ctx, goTool(), append([]string{"build", "-o", bin + string(filepath.Separator)}, pkgs...)...)
	out, err := build.CombinedOutput()
	require.NoError(t, err, "go build: %s", out)

	env := offlineEnv()
	for name, want := range programs {
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			cmd := exec.CommandContext(ctx, filepath.Join(bin, name+exeSuffix()))
			cmd.Env, cmd.Stdout, cmd.Stderr = env, &stdout, &stderr
			require.NoError(t, cmd.Run(), "stdout:\n%s\nstderr:\n%s", &stdout, &stderr)
			assert.Empty(t, stderr.String())
			for _, line := range want {
				assert.Contains(t, stdout.String(), line)
			}
			lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
			assert.True(t, strings.HasPrefix(lines[len(lines)-1], "done: "), "the last line reports the outcome:\n%s", &stdout)
		})
	}
}

// offlineEnv is the test's environment without any provider credential.
func offlineEnv() []string {
	var env []string
next:
	for _, kv := range os.Environ() {
		for _, p := range credentialPrefixes {
			if strings.HasPrefix(kv, p) {
				continue next
			}
		}
		env = append(env, kv)
	}
	return env
}

func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(runtime.GOROOT(), "bin", "go")
}

func exeSuffix() string {
	if runtime.GOOS == "windows" {
		return ".exe"
	}
	return ""
}
