// Command etpay-funnel walks through ETpay's funnel flow: create a payment
// session, let the payer pay, verify the signed notification and confirm the
// outcome with check_payment_status.
//
//	go run ./examples/etpay-funnel        # offline, on the in-process simulator
//	go run ./examples/etpay-funnel -v     # with wire-level detail
//
// With ETPAY_MERCHANT_CODE, ETPAY_MERCHANT_API_TOKEN, ETPAY_API_URL and
// ETPAY_PAYMENT_URL set, it creates a real session in that environment.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/paykit-go/paykit/examples/internal/etpayflow"
	"github.com/paykit-go/paykit/examples/internal/transcript"
)

func main() {
	verbose := flag.Bool("v", false, "print wire-level detail (secrets redacted)")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	t := transcript.New(os.Stdout, *verbose)
	if err := etpayflow.Run(ctx, t, etpayflow.LiveConfigured()); err != nil {
		fmt.Fprintln(os.Stderr, "etpay-funnel:", err)
		os.Exit(1)
	}
	if t.Failed() {
		os.Exit(1)
	}
}
