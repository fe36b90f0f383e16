// Command mercadopago-checkout-pro shows Checkout Pro with Mercado Pago: create a preference, send the payer to its checkout page, and confirm the return to the back URL by reading the payment (a forged return is refused), then read the merchant order its notification names.
//
// It runs offline on the in-process simulator, whose stand-in checkout page
// plays the payer. With MERCADOPAGO_ACCESS_TOKEN set it creates the
// preference on the real API and prints its checkout URL.
//
//	go run ./examples/mercadopago-checkout-pro        # offline
//	go run ./examples/mercadopago-checkout-pro -v     # with wire-level detail
package main

import (
	"context"
	"os"
	"time"

	"github.com/paykit-go/paykit/examples/internal/mercadopagoflow"
	"github.com/paykit-go/paykit/examples/internal/transcript"
)

func main() {
	transcript.Main("mercadopago-checkout-pro", 2*time.Minute, func(ctx context.Context, t *transcript.T) error {
		return mercadopagoflow.RunCheckoutPro(ctx, t, os.Getenv(mercadopagoflow.EnvAccessToken) != "")
	})
}
