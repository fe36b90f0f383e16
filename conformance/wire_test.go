package conformance

import (
	"os"
	"testing"

	"github.com/paykit-go/paykit/internal/wiretest"
)

// TestWire checks, row by row, the exact request every call of every
// client puts on the wire: method, escaped path, query, credential header,
// idempotency key, content type and body bytes.
func TestWire(t *testing.T) {
	t.Run("mercadopago", func(t *testing.T) { p, rows := mercadopagoWire(t); wiretest.Run(t, p, rows) })
	t.Run("finrota", func(t *testing.T) { p, rows := finrotaWire(t); wiretest.Run(t, p, rows) })
	t.Run("fintecture", func(t *testing.T) { p, rows := fintectureWire(t); wiretest.Run(t, p, rows) })
	t.Run("etpay", func(t *testing.T) { p, rows := etpayWire(t); wiretest.Run(t, p, rows) })
}

// wireMethods names the methods the wire rows of each provider cover.
func wireMethods(t *testing.T) map[string][]string {
	return map[string][]string{
		"mercadopago": methodsOf(mercadopagoWire(t)),
		"finrota":     methodsOf(finrotaWire(t)),
		"fintecture":  methodsOf(fintectureWire(t)),
		"etpay":       methodsOf(etpayWire(t)),
	}
}

func methodsOf[C any](_ wiretest.Provider[C], rows []wiretest.Row[C]) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.Covers()
	}
	return out
}

// readFixture reads a provider's documented answer from its simulator's
// testdata (where <provider>test.Fixture serves it to users' tests too), or
// a request body, key or vector from the provider package's own testdata.
func readFixture(provider, name string) ([]byte, error) {
	b, err := os.ReadFile("../" + provider + "/" + provider + "test/testdata/" + name)
	if err == nil {
		return b, nil
	}
	return os.ReadFile("../" + provider + "/testdata/" + name)
}
