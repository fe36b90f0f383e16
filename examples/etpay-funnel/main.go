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
	"time"

	"github.com/paykit-go/paykit/examples/internal/etpayflow"
	"github.com/paykit-go/paykit/examples/internal/transcript"
)

func main() {
	transcript.Main("etpay-funnel", time.Minute, func(ctx context.Context, t *transcript.T) error {
		return etpayflow.Run(ctx, t, etpayflow.LiveConfigured())
	})
}
