// Command fintecture-connect runs the Fintecture immediate-transfer flow:
// token, payment session, the payer paying, the callback and the webhook
// verified, and a refund. It runs offline on the in-process simulator unless
// FINTECTURE_APP_ID, FINTECTURE_APP_SECRET and FINTECTURE_PRIVATE_KEY (PEM
// text or a file path) are set, in which case it talks to the sandbox.
//
//	go run ./examples/fintecture-connect      # offline
//	go run ./examples/fintecture-connect -v   # with signed headers shown
package main

import (
	"context"
	"time"

	"github.com/paykit-go/paykit/examples/internal/fintectureflow"
	"github.com/paykit-go/paykit/examples/internal/transcript"
)

func main() {
	transcript.Main("fintecture-connect", 2*time.Minute, func(ctx context.Context, t *transcript.T) error {
		return fintectureflow.Run(ctx, t, fintectureflow.LiveConfigured())
	})
}
