// Command mercadopago-marketplace shows a platform on Mercado Pago: an
// order of the Orders API from create to refund, then a seller connecting
// through OAuth (state and PKCE checked) and being paid for with their own
// token (a payment with the platform's application fee, an order with its
// marketplace fee), and their token refreshed once when it goes stale.
//
// It runs offline on the in-process simulator, which plays the seller on
// the authorization page. With MERCADOPAGO_ACCESS_TOKEN (and
// MERCADOPAGO_PUBLIC_KEY for card tokens) set, the order runs on the real
// API; connecting a seller needs a person at a browser and stays offline.
//
//	go run ./examples/mercadopago-marketplace        # offline
//	go run ./examples/mercadopago-marketplace -v     # with wire-level detail
package main

import (
	"context"
	"os"
	"time"

	"github.com/paykit-go/paykit/examples/internal/mercadopagoflow"
	"github.com/paykit-go/paykit/examples/internal/transcript"
)

func main() {
	transcript.Main("mercadopago-marketplace", 2*time.Minute, func(ctx context.Context, t *transcript.T) error {
		live := os.Getenv(mercadopagoflow.EnvAccessToken) != ""
		if err := mercadopagoflow.RunOrders(ctx, t, live); err != nil {
			return err
		}
		return mercadopagoflow.RunMarketplace(ctx, t, live)
	})
}
