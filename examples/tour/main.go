// Command tour walks through every payment flow paykit supports, offline,
// against the in-process simulators, printing each step: what the merchant's
// backend sent, what came back and what to do next. It exits non-zero if any
// step does not end the way the provider's documentation says it should.
//
//	go run ./examples/tour                 # every provider
//	go run ./examples/tour -provider etpay # one provider
//	go run ./examples/tour -v              # with wire-level detail (secrets redacted)
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/paykit-go/paykit/examples/internal/etpayflow"
	"github.com/paykit-go/paykit/examples/internal/finrotaflow"
	"github.com/paykit-go/paykit/examples/internal/fintectureflow"
	"github.com/paykit-go/paykit/examples/internal/mercadopagoflow"
	"github.com/paykit-go/paykit/examples/internal/transcript"
)

// flow is one seed flow of one provider.
type flow struct {
	provider string
	title    string
	run      func(ctx context.Context, t *transcript.T, live bool) error
}

// flows lists every flow in the order the tour tells them.
var flows = []flow{
	{provider: "mercadopago", title: "Mercado Pago: card payment, saved card, Fintoc, refund and cancel", run: mercadopagoflow.Run},
	{provider: "mercadopago", title: "Mercado Pago: card with 3-D Secure", run: mercadopagoflow.RunCard3DS},
	{provider: "mercadopago", title: "Mercado Pago: Checkout Pro", run: mercadopagoflow.RunCheckoutPro},
	{provider: "mercadopago", title: "Mercado Pago: an order of the Orders API from create to refund, searched and edited", run: mercadopagoflow.RunOrders},
	{provider: "mercadopago", title: "Mercado Pago: a subscription charged and its charge read; a chargeback looked up", run: mercadopagoflow.RunSubscriptionsAndDisputes},
	{provider: "mercadopago", title: "Mercado Pago: a seller connects through OAuth and is paid for", run: mercadopagoflow.RunMarketplace},
	{provider: "mercadopago", title: "Mercado Pago: Pix, boleto, PSE, OXXO, SPEI, Efecty and Yape in each site's currency", run: mercadopagoflow.RunLocalMethods},
	{provider: "mercadopago", title: "Mercado Pago: a split payment released to two sellers and refunded", run: mercadopagoflow.RunSplitPayment},
	{provider: "mercadopago", title: "Mercado Pago: a Point payment taken on the simulated terminal", run: mercadopagoflow.RunPoint},
	{provider: "finrota", title: "Finrota: widget token, prepare, pay with and without 3-D Secure, refund", run: finrotaflow.Run},
	{provider: "fintecture", title: "Fintecture: token, connect, payer, callback, webhook, refund", run: fintectureflow.Run},
	{provider: "etpay", title: "ETpay: session, funnel, notification, status", run: etpayflow.Run},
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout))
}

func run(args []string, out io.Writer) int {
	fs := flag.NewFlagSet("tour", flag.ContinueOnError)
	fs.SetOutput(out)
	provider := fs.String("provider", "", "run one provider only: "+names())
	verbose := fs.Bool("v", false, "print wire-level detail (secrets redacted)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *provider != "" && !known(*provider) {
		fmt.Fprintf(out, "unknown provider %q: want one of %s\n", *provider, names())
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	t := transcript.New(out, *verbose)
	fmt.Fprintln(out, "paykit tour: every flow, offline, on the in-process simulators")
	for _, f := range flows {
		if *provider != "" && f.provider != *provider {
			continue
		}
		if err := f.run(ctx, t, false); err != nil {
			t.Fail("%s: %v", f.provider, err)
		}
	}
	checks, failed := t.Summary()
	fmt.Fprintf(out, "\n%d checks, %d failed\n", checks, len(failed))
	if len(failed) > 0 {
		for _, f := range failed {
			fmt.Fprintln(out, "  ✗ "+f)
		}
		return 1
	}
	return 0
}

func names() string {
	var n []string
	for _, f := range flows {
		if len(n) == 0 || n[len(n)-1] != f.provider {
			n = append(n, f.provider)
		}
	}
	return strings.Join(n, ", ")
}

func known(p string) bool {
	for _, f := range flows {
		if f.provider == p {
			return true
		}
	}
	return false
}
