// Command checkout is a small web shop that takes payments with every
// paykit provider, running offline on the simulators: open the URL it
// prints and pay an order by card (Mercado Pago, Finrota with or without
// 3-D Secure), saved card, Fintoc, Pix, boleto, PSE, OXXO, Fintecture or
// ETpay. The providers' browser steps (MercadoPago.js, the Fintoc and
// FinrotaPay widgets, the Pix, boleto and OXXO payer's page, PSE's bank, the
// bank's 3-D Secure page, Fintecture Connect, the ETpay funnel) are the
// simulators' stand-in pages.
//
//	go run ./examples/checkout                  # http://127.0.0.1:8080
//	go run ./examples/checkout -addr :9000      # another port
//	go run ./examples/checkout -poll 500ms      # how often a Pix or voucher page asks whether it was paid
//	go run ./examples/checkout -smoke           # start, check one order, exit
//
// The shop's code is in examples/checkout/shop; the browser test in e2e/
// drives it in headless Chromium.
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
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address the shop listens on")
	smoke := flag.Bool("smoke", false, "start on a free port, place one order, check its page, and exit")
	poll := flag.Duration("poll", shop.DefaultPollInterval, "how often a Pix, boleto or OXXO payment page asks the shop whether it was paid")
	flag.Parse()
	if err := run(*addr, *smoke, *poll); err != nil {
		fmt.Fprintln(os.Stderr, "checkout:", err)
		os.Exit(1)
	}
}

func run(addr string, smoke bool, poll time.Duration) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if smoke {
		addr = "127.0.0.1:0"
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	r, err := shop.Start(ctx, addr, simset.Config{}, log)
	if err != nil {
		return err
	}
	defer r.Close()
	r.Shop.SetPollInterval(poll)
	if smoke {
		return smokeTest(r.URL)
	}
	fmt.Printf("paykit demo shop: open %s in a browser (Ctrl-C to stop)\n", r.URL)
	fmt.Printf("simulators: Mercado Pago %s, Finrota %s, Fintecture %s, ETpay %s\n",
		r.Sims.MercadoPago().URL, r.Sims.Finrota().URL, r.Sims.Fintecture().URL, r.Sims.ETpay().URL)
	<-ctx.Done()
	return nil
}

// smokeTest places an order through the shop's own form and reads its page.
func smokeTest(base string) error {
	hc := &http.Client{Timeout: 10 * time.Second}
	resp, err := hc.PostForm(base+"/orders", url.Values{"qty-beans": {"1"}, "qty-mug": {"1"}})
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	page := string(body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, `data-status="new"`) || !strings.Contains(page, `id="pay-mp-card"`) {
		return errors.New("smoke: the order page did not show a new order with its pay methods")
	}
	fmt.Printf("checkout smoke test: order placed at %s, status new, %d pay methods offered\n", resp.Request.URL, strings.Count(page, `id="pay-`))
	return nil
}
