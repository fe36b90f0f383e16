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
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/paykit-go/paykit/examples/simulators/simset"
)

func main() {
	control := flag.String("control", "127.0.0.1:8300", "address of the control API")
	var cfg simset.Config
	flag.StringVar(&cfg.MercadoPagoAddr, "mercadopago", "127.0.0.1:8301", "address of the Mercado Pago simulator")
	flag.StringVar(&cfg.FinrotaAddr, "finrota", "127.0.0.1:8302", "address of the Finrota simulator")
	flag.StringVar(&cfg.FintectureAddr, "fintecture", "127.0.0.1:8303", "address of the Fintecture simulator")
	flag.StringVar(&cfg.ETpayAddr, "etpay", "127.0.0.1:8304", "address of the ETpay simulator")
	flag.StringVar(&cfg.MercadoPagoWebhook, "mercadopago-webhook", "", "notification URL for payments created without one")
	flag.StringVar(&cfg.FintectureWebhook, "fintecture-webhook", "", "webhook URL of the Fintecture application")
	flag.StringVar(&cfg.ETpayWebhook, "etpay-webhook", "", "notification URL for sessions created without one")
	smoke := flag.Bool("smoke", false, "start on free ports, check the control API once, and exit")
	flag.Parse()
	if *smoke {
		*control = "127.0.0.1:0"
		cfg.MercadoPagoAddr, cfg.FinrotaAddr, cfg.FintectureAddr, cfg.ETpayAddr = "", "", "", ""
	}
	if err := run(*control, cfg, *smoke); err != nil {
		fmt.Fprintln(os.Stderr, "simulators:", err)
		os.Exit(1)
	}
}

func run(control string, cfg simset.Config, smoke bool) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	set, err := simset.Start(cfg)
	if err != nil {
		return err
	}
	defer set.Close()
	l, err := net.Listen("tcp", control)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: set.Control(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }()
	defer srv.Close()
	base := "http://" + l.Addr().String()
	if smoke {
		return smokeTest(base)
	}
	d := set.Describe()
	fmt.Printf("control API  %s\nMercado Pago %s (MercadoPago.js: %s)\nFinrota      %s (widget: %s)\nFintecture   %s\nETpay        %s (funnel %s)\n",
		base, d.MercadoPago.URL, d.MercadoPago.Script, d.Finrota.URL, d.Finrota.Script, d.Fintecture.URL, d.ETpay.APIURL, d.ETpay.PaymentURL)
	fmt.Printf("credentials: curl %s/\n", base)
	<-ctx.Done()
	return nil
}

func smokeTest(base string) error {
	hc := &http.Client{Timeout: 10 * time.Second}
	resp, err := hc.Get(base + "/")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var d simset.Description
	if err := json.NewDecoder(resp.Body).Decode(&d); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK || d.MercadoPago.URL == "" || d.ETpay.APIURL == "" || d.Fintecture.AppID == "" || d.Finrota.APIKey == "" {
		return errors.New("smoke: the control API did not describe the four simulators")
	}
	fmt.Printf("simulators smoke test: control API at %s describes Mercado Pago, Finrota, Fintecture and ETpay\n", base)
	return nil
}
