// Command checkout is examples/checkout with its telemetry exported: the
// same shop on the same simulators, with every paykit call, attempt, token
// fetch and webhook verification (and each request the shop and the
// simulators receive) sent to stdout or to an OTLP/HTTP collector. It lives
// in the otel/example module so that the exporters stay out of paykit's
// go.mod.
//
//	go run ./otel/example/checkout -export stdout
//	go run ./otel/example/checkout -export otlp -otlp-endpoint http://localhost:4318 -propagate
//	go run ./otel/example/checkout -export stdout -smoke   # one order and one 3-D Secure payment, then exit
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/paykit-go/paykit/examples/checkout/shop"
	"github.com/paykit-go/paykit/examples/simulators/simset"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
	"github.com/paykit-go/paykit/money"
	"github.com/paykit-go/paykit/otel/example/export"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address the shop listens on")
	smoke := flag.Bool("smoke", false, "start on a free port, place one order, pay a card with 3-D Secure, and exit")
	var f export.Flags
	flag.StringVar(&f.Export, "export", "", "export traces and metrics: stdout or otlp (none by default)")
	flag.StringVar(&f.OTLPEndpoint, "otlp-endpoint", "", "OTLP/HTTP collector URL (default $OTEL_EXPORTER_OTLP_ENDPOINT or http://localhost:4318)")
	flag.BoolVar(&f.Propagate, "propagate", false, "send trace context (traceparent) to the providers")
	flag.Parse()
	if err := run(*addr, *smoke, f); err != nil {
		fmt.Fprintln(os.Stderr, "checkout:", err)
		os.Exit(1)
	}
}

func run(addr string, smoke bool, f export.Flags) (err error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if smoke {
		addr = "127.0.0.1:0"
	}
	ex, err := export.Start(ctx, "paykit-checkout", f, os.Stdout)
	if err != nil {
		return err
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		err = errors.Join(err, ex.Shutdown(sctx))
	}()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	r, err := shop.Start(ctx, addr, simset.Config{Observer: ex.Observer, Middleware: ex.Middleware}, log)
	if err != nil {
		return err
	}
	defer r.Close()
	if smoke {
		return smokeTest(ctx, r)
	}
	fmt.Fprintf(os.Stderr, "paykit demo shop: open %s in a browser (Ctrl-C to stop)\n", r.URL)
	<-ctx.Done()
	return nil
}

// smokeTest places an order through the shop's form, then pays a card
// with 3-D Secure at Mercado Pago: the payment waits for the challenge,
// the payer passes it, and Mercado Pago's notification reaches the shop,
// which verifies it.
func smokeTest(ctx context.Context, r *shop.Running) error {
	hc := &http.Client{Timeout: 10 * time.Second}
	resp, err := hc.PostForm(r.URL+"/orders", url.Values{"qty-beans": {"1"}, "qty-mug": {"1"}})
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `data-status="new"`) {
		return errors.New("smoke: the order page did not show a new order")
	}
	c, err := r.Sims.Clients()
	if err != nil {
		return err
	}
	mp := r.Sims.MercadoPago()
	before := len(mp.Deliveries())
	tok, err := mp.CardToken(mercadopagotest.TestCard{Number: mercadopagotest.Card3DSChallenge, ExpirationMonth: 11,
		ExpirationYear: time.Now().Year() + 2, SecurityCode: "123", HolderName: "APRO"})
	if err != nil {
		return err
	}
	p, err := c.MercadoPago.Payments.Create(ctx, &mercadopago.PaymentRequest{TransactionAmount: money.MustParse("15990"), Token: tok,
		Installments: mercadopago.Ptr(1), Payer: &mercadopago.PaymentPayer{Email: "buyer@example.com"},
		ThreeDSecureMode: mercadopago.ThreeDSOptional}, mercadopago.WithIdempotencyKey("smoke-3ds-1"))
	if err != nil {
		return err
	}
	ch, ok := p.Challenge()
	if !ok {
		return fmt.Errorf("smoke: the payment is %s/%s, not waiting for a challenge", p.Status, p.StatusDetail)
	}
	if _, err := mp.CompleteChallenge(ch.CReq, true); err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := mp.WaitDeliveries(wctx, before+2); err != nil {
		return fmt.Errorf("smoke: waiting for the notifications: %w", err)
	}
	if p, err = c.MercadoPago.Payments.Get(ctx, p.ID); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "checkout smoke test: order placed; 3-D Secure payment %s/%s, %d notifications delivered\n",
		p.Status, p.StatusDetail, len(mp.Deliveries())-before)
	return nil
}
