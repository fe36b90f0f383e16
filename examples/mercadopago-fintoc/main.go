// Command mercadopago-fintoc shows a Fintoc bank transfer through Mercado Pago: create the payment, open the widget with its token, and read the outcome (amount ending 01 approved, 03 rejected).
//
// It runs offline on the in-process simulator. With MERCADOPAGO_ACCESS_TOKEN
// set (and MERCADOPAGO_PUBLIC_KEY for card tokens) it talks to the real API.
//
//	go run ./examples/mercadopago-fintoc        # offline
//	go run ./examples/mercadopago-fintoc -v     # with wire-level detail
package main

import (
	"context"
	"os"
	"time"

	"github.com/paykit-go/paykit/examples/internal/mercadopagoflow"
	"github.com/paykit-go/paykit/examples/internal/transcript"
)

func main() {
	transcript.Main("mercadopago-fintoc", 2*time.Minute, func(ctx context.Context, t *transcript.T) error {
		return mercadopagoflow.RunFintoc(ctx, t, os.Getenv(mercadopagoflow.EnvAccessToken) != "")
	})
}
