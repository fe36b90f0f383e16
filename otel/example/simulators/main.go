// Command simulators is examples/simulators with its telemetry exported:
// each request a simulator receives becomes a server span (joined to the
// caller's trace when the caller sends traceparent), sent to stdout or to
// an OTLP/HTTP collector. It lives in the otel/example module so that the
// exporters stay out of paykit's go.mod.
//
//	go run ./otel/example/simulators -export otlp -otlp-endpoint http://localhost:4318
//
// What follows is examples/simulators' own description.
//
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
//	curl -s 127.0.0.1:8300/notifications
//	curl -s '127.0.0.1:8300/handled?provider=finrota&method=POST&path_prefix=/b2c/widget/payment'
//
// The simulators serve the providers' browser stand-ins too: MercadoPago.js
// at <mercadopago>/js/v2, the FinrotaPay widget script, Fintecture's
// Connect page and ETpay's funnel. -smoke starts everything on free ports,
// checks the control API once and exits.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/paykit-go/paykit/examples/simulators/simset"
	"github.com/paykit-go/paykit/otel/example/export"
)

func main() {
	var cmd simset.Command
	cmd.Register(flag.CommandLine)
	var f export.Flags
	flag.StringVar(&f.Export, "export", "", "export traces and metrics: stdout or otlp (none by default)")
	flag.StringVar(&f.OTLPEndpoint, "otlp-endpoint", "", "OTLP/HTTP collector URL (default $OTEL_EXPORTER_OTLP_ENDPOINT or http://localhost:4318)")
	flag.BoolVar(&f.Propagate, "propagate", false, "join the callers' traces (read traceparent)")
	flag.Parse()
	if err := run(cmd, f); err != nil {
		fmt.Fprintln(os.Stderr, "simulators:", err)
		os.Exit(1)
	}
}

// run serves the simulators with every request seen by the exporter.
func run(cmd simset.Command, f export.Flags) (err error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ex, err := export.Start(ctx, "paykit-simulators", f, os.Stdout)
	if err != nil {
		return err
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		err = errors.Join(err, ex.Shutdown(sctx))
	}()
	cmd.Config.Middleware = ex.Middleware
	return cmd.Serve(ctx, os.Stdout)
}
