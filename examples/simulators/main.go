// Command simulators runs the four paykit provider simulators (Mercado
// Pago, Finrota, Fintecture, ETpay) as one standalone server on fixed
// loopback ports, with a JSON control API, so that a front end or a test
// suite not written in Go can use them too.
//
//	go run ./examples/simulators                       # control API on 127.0.0.1:8300
//	go run ./examples/simulators -fintecture-webhook http://127.0.0.1:3000/hooks/fintecture
//	curl -s 127.0.0.1:8300/                            # URLs, test credentials, script URLs
//	curl -s -X POST 127.0.0.1:8300/reset               # forget everything
//	curl -s -X POST 127.0.0.1:8300/faults -d '{"provider":"mercadopago","kind":"status_after","status":502,"path_prefix":"/v1/payments"}'
//	curl -s -X POST 127.0.0.1:8300/complete -d '{"provider":"etpay","session_token":"…","status":"success"}'
//	curl -s -X POST 127.0.0.1:8300/complete -d '{"provider":"mercadopago","payment_id":1316782591,"outcome":"paid"}'
//	curl -s 127.0.0.1:8300/notifications
//	curl -s '127.0.0.1:8300/handled?provider=finrota&method=POST&path_prefix=/b2c/widget/payment'
//
// The simulators serve the providers' browser stand-ins too: MercadoPago.js
// at <mercadopago>/js/v2, the Mercado Pago payer pages of Pix, boleto, PSE,
// OXXO, SPEI and Efecty payments at <mercadopago>/sim/pay/{id} (GET /
// lists one access token per site under site_access_tokens), the FinrotaPay widget script, Fintecture's
// Connect page and ETpay's funnel. -smoke starts everything on free ports,
// checks the control API once and exits.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/paykit-go/paykit/examples/simulators/simset"
)

func main() {
	var cmd simset.Command
	cmd.Register(flag.CommandLine)
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := cmd.Serve(ctx, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "simulators:", err)
		os.Exit(1)
	}
}
