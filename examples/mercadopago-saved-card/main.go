// Command mercadopago-saved-card shows a saved-card payment with Mercado Pago: create a customer, save a card, list it, and pay with a fresh token made from the card id and the CVV.
//
// It runs offline on the in-process simulator. With MERCADOPAGO_ACCESS_TOKEN
// set (and MERCADOPAGO_PUBLIC_KEY for card tokens) it talks to the real API.
//
//	go run ./examples/mercadopago-saved-card        # offline
//	go run ./examples/mercadopago-saved-card -v     # with wire-level detail
package main

import (
	"context"
	"os"
	"time"

	"github.com/paykit-go/paykit/examples/internal/mercadopagoflow"
	"github.com/paykit-go/paykit/examples/internal/transcript"
)

func main() {
	transcript.Main("mercadopago-saved-card", 2*time.Minute, func(ctx context.Context, t *transcript.T) error {
		return mercadopagoflow.RunSavedCard(ctx, t, os.Getenv(mercadopagoflow.EnvAccessToken) != "")
	})
}
