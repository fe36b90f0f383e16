package conformance

import (
	"testing"

	"github.com/paykit-go/paykit/internal/wiretest"
	"github.com/paykit-go/paykit/mercadopago"
)

func mercadopagoWire(t *testing.T) (wiretest.Provider[*mercadopago.Client], []wiretest.Row[*mercadopago.Client]) {
	return wiretest.Provider[*mercadopago.Client]{}, nil
}
