// Command finrota-widget walks through the Finrota widget flow: the backend
// creates a widget token, the widget prepares the card, the backend pays
// with and without 3-D Secure, confirms each outcome with Finrota, and
// refunds. It runs on the in-process simulator unless FINROTA_API_KEY and
// FINROTA_SECRET_KEY are set (then it talks to FINROTA_BASE_URL, default the
// documented test gateway).
//
//	go run ./examples/finrota-widget      # offline
//	go run ./examples/finrota-widget -v   # with wire-level detail
package main

import (
	"context"
	"time"

	"github.com/paykit-go/paykit/examples/internal/finrotaflow"
	"github.com/paykit-go/paykit/examples/internal/transcript"
)

func main() {
	transcript.Main("finrota-widget", time.Minute, func(ctx context.Context, t *transcript.T) error {
		return finrotaflow.Run(ctx, t, finrotaflow.Live())
	})
}
