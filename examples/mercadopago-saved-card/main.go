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
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/paykit-go/paykit/examples/internal/mercadopagoflow"
	"github.com/paykit-go/paykit/examples/internal/transcript"
)

func main() {
	verbose := flag.Bool("v", false, "print wire-level detail (secrets redacted)")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	live := os.Getenv(mercadopagoflow.EnvAccessToken) != ""
	t := transcript.New(os.Stdout, *verbose)
	err := mercadopagoflow.RunSavedCard(ctx, t, live)
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
	}
	if err != nil || t.Failed() {
		os.Exit(1)
	}
}
