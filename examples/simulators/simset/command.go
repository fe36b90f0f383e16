package simset

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// Command is the simulators server as a program runs it: the flags it
// takes, then Serve. The plain server (examples/simulators) and the one
// that exports telemetry (otel/example/simulators) are both built on it.
type Command struct {
	// Control is the control API's address.
	Control string
	// Config is what the simulators start with.
	Config Config
	// Smoke starts everything on free ports, checks the control API once
	// and returns.
	Smoke bool
}

// Register adds the server's flags to fs, writing into c.
func (c *Command) Register(fs *flag.FlagSet) {
	fs.StringVar(&c.Control, "control", "127.0.0.1:8300", "address of the control API")
	fs.StringVar(&c.Config.MercadoPagoAddr, "mercadopago", "127.0.0.1:8301", "address of the Mercado Pago simulator")
	fs.StringVar(&c.Config.FinrotaAddr, "finrota", "127.0.0.1:8302", "address of the Finrota simulator")
	fs.StringVar(&c.Config.FintectureAddr, "fintecture", "127.0.0.1:8303", "address of the Fintecture simulator")
	fs.StringVar(&c.Config.ETpayAddr, "etpay", "127.0.0.1:8304", "address of the ETpay simulator")
	fs.StringVar(&c.Config.MercadoPagoWebhook, "mercadopago-webhook", "", "notification URL for payments created without one")
	fs.StringVar(&c.Config.FintectureWebhook, "fintecture-webhook", "", "webhook URL of the Fintecture application")
	fs.StringVar(&c.Config.ETpayWebhook, "etpay-webhook", "", "notification URL for sessions created without one")
	fs.BoolVar(&c.Smoke, "smoke", false, "start on free ports, check the control API once, and exit")
}

// Serve starts the simulators and the control API, prints their URLs to
// out and serves until ctx ends; with Smoke, it checks the control API
// once instead and returns.
func (c *Command) Serve(ctx context.Context, out io.Writer) error {
	control, cfg := c.Control, c.Config
	if c.Smoke {
		control = "127.0.0.1:0"
		cfg.MercadoPagoAddr, cfg.FinrotaAddr, cfg.FintectureAddr, cfg.ETpayAddr = "", "", "", ""
	}
	set, err := Start(cfg)
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
	if c.Smoke {
		return smokeTest(base, out)
	}
	d := set.Describe()
	fmt.Fprintf(out, "control API  %s\nMercado Pago %s (MercadoPago.js: %s)\nFinrota      %s (widget: %s)\nFintecture   %s\nETpay        %s (funnel %s)\n",
		base, d.MercadoPago.URL, d.MercadoPago.Script, d.Finrota.URL, d.Finrota.Script, d.Fintecture.URL, d.ETpay.APIURL, d.ETpay.PaymentURL)
	fmt.Fprintf(out, "credentials: curl %s/\n", base)
	<-ctx.Done()
	return nil
}

// smokeTest asks the control API at base to describe the simulators.
func smokeTest(base string, out io.Writer) error {
	hc := &http.Client{Timeout: 10 * time.Second}
	resp, err := hc.Get(base + "/")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var d Description
	if err := json.NewDecoder(resp.Body).Decode(&d); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK || d.MercadoPago.URL == "" || d.ETpay.APIURL == "" || d.Fintecture.AppID == "" || d.Finrota.APIKey == "" {
		return errors.New("smoke: the control API did not describe the four simulators")
	}
	fmt.Fprintf(out, "simulators smoke test: control API at %s describes Mercado Pago, Finrota, Fintecture and ETpay\n", base)
	return nil
}
