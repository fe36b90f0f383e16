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
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/paykit-go/paykit/examples/internal/finrotaflow"
	"github.com/paykit-go/paykit/examples/internal/transcript"
)

func main() {
	verbose := flag.Bool("v", false, "print wire-level detail (secrets redacted)")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	t := transcript.New(os.Stdout, *verbose)
	if err := finrotaflow.Run(ctx, t, finrotaflow.Live()); err != nil {
		fmt.Fprintln(os.Stderr, "finrota-widget:", err)
		os.Exit(1)
	}
	if t.Failed() {
		os.Exit(1)
	}
}
