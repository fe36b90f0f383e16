// Command finrota-widget shows a FinrotaPay widget payment with package
// finrota: the backend makes a widget token for the page, the widget turns
// the buyer's card into a prepare token, the backend pays with it, the buyer
// passes 3-D Secure, and the backend confirms the payment with Finrota and
// refunds part of it. A declined card shows how a refusal comes back.
//
// Offline, against paykit's in-process Finrota simulator (no account needed):
//
//	go run ./examples/finrota-widget
//
// Against Finrota, with your key pair (FINROTA_BASE_URL defaults to the
// documented test gateway):
//
//	FINROTA_API_KEY=… FINROTA_SECRET_KEY=… go run ./examples/finrota-widget
//
// The widget runs in the buyer's browser, so against Finrota the program
// prints the widget token and stops; run it again with
// FINROTA_PREPARE_TOKEN=<the prepareToken onSuccess gave you> (and
// FINROTA_AMOUNT if the widget's amount was not 2750) to pay with it.
// Offline, the simulator plays the widget and the bank (SIMULATOR ONLY).
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/finrota"
	"github.com/paykit-go/paykit/finrota/finrotatest"
	"github.com/paykit-go/paykit/money"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "finrota-widget:", explain(err))
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	var c *finrota.Client
	var srv *finrotatest.Server
	var err error
	if key, secret := os.Getenv("FINROTA_API_KEY"), os.Getenv("FINROTA_SECRET_KEY"); key != "" && secret != "" {
		var opts []finrota.Option
		if u := os.Getenv("FINROTA_BASE_URL"); u != "" {
			opts = append(opts, finrota.WithBaseURL(u))
		}
		c, err = finrota.NewClient(finrota.Credentials{APIKey: key, SecretKey: secret}, opts...)
	} else {
		srv = finrotatest.NewServer()
		defer srv.Close()
		c, err = srv.Client()
	}
	if err != nil {
		return err
	}

	amount := money.MustParse("2750")
	if a := os.Getenv("FINROTA_AMOUNT"); a != "" {
		if amount, err = money.Parse(a); err != nil {
			return err
		}
	}
	// 1. A widget token for the checkout page: FinrotaPay.init({token, amount, currency}).
	wt, err := c.Widget.CreateToken(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("widget token issued, valid until %s\n", wt.ExpiresAt.Format(time.TimeOnly))

	// 2. The widget hands the page a prepare token (onSuccess).
	pt := finrota.PrepareToken(os.Getenv("FINROTA_PREPARE_TOKEN"))
	if srv != nil { // SIMULATOR ONLY: the buyer types a test card into the widget.
		pt, err = srv.PreparePayment(ctx, wt.Token, finrotatest.Prepare{Card: finrotatest.TestCard(finrotatest.CardApproved),
			Use3D: true, Amount: amount, Currency: "TRY"})
		if err != nil {
			return err
		}
	} else if pt == "" {
		fmt.Println("open FinrotaPay.init with this token in a page, pay, then rerun with FINROTA_PREPARE_TOKEN")
		return nil
	}

	// 3. Pay. Finrota has no idempotency key: this POST is never repeated.
	ref := fmt.Sprintf("ORDER-%d", time.Now().Unix())
	res, err := c.Widget.Pay(ctx, &finrota.PaymentRequest{PrepareToken: pt, Amount: amount, ClientReferenceCode: ref,
		ReturnURL: "https://shop.example/finrota/return?order=" + ref, CustomerIP: "203.0.113.7"})
	if err != nil {
		return err
	}
	if !res.NeedsRedirect() {
		fmt.Printf("direct sale, order %s\n", res.OrderID)
	} else if srv == nil {
		fmt.Printf("redirect the buyer to %s, then call Transactions.ConfirmReturn(ctx, r, %q)\n", res.RedirectURL, ref)
		return nil
	} else {
		// 4. SIMULATOR ONLY: the buyer types the bank's code; the bank sends them back.
		back, err := srv.Complete3DS(ctx, res.RedirectURL, finrotatest.OTP)
		if err != nil {
			return err
		}
		// 5. The return is only a hint: ask Finrota about our own reference.
		tx, err := c.Transactions.ConfirmReturn(ctx, back, ref)
		if err != nil {
			return err
		}
		if !tx.Paid() {
			return fmt.Errorf("payment %s is %s", ref, tx.Status)
		}
		fmt.Printf("3-D Secure passed; Finrota confirms %s %s %s\n", tx.ReferenceNumber, tx.Amount, tx.Currency)
	}

	// 6. Refund part of it.
	tx, err := c.Transactions.Get(ctx, finrota.ByClientReference(ref))
	if err != nil {
		return err
	}
	r, err := c.Transactions.Refund(ctx, &finrota.RefundRequest{ReferenceCode: tx.ReferenceNumber, Amount: money.MustParse("750"), Reason: "one item returned"})
	if err != nil {
		return err
	}
	fmt.Printf("refunded 750, %s TRY left\n", r.LastAmount)

	if srv != nil { // SIMULATOR ONLY: a card the simulator declines.
		wt, err := c.Widget.CreateToken(ctx)
		if err != nil {
			return err
		}
		pt, err := srv.PreparePayment(ctx, wt.Token, finrotatest.Prepare{Card: finrotatest.TestCard(finrotatest.CardDeclined), Amount: amount, Currency: "TRY"})
		if err != nil {
			return err
		}
		_, err = c.Widget.Pay(ctx, &finrota.PaymentRequest{PrepareToken: pt, Amount: amount, ClientReferenceCode: ref + "-2",
			ReturnURL: "https://shop.example/finrota/return", CustomerIP: "203.0.113.7"})
		var declined *finrota.DeclineError
		if !errors.As(err, &declined) {
			return fmt.Errorf("want a decline, got %v", err)
		}
		fmt.Printf("second card declined: %s (code %s); ask for another card\n", declined.Reason, declined.Code)
	}
	fmt.Printf("done: order %s paid and partly refunded\n", ref)
	return nil
}

// explain says what kind of failure err is, the way a caller tells them apart.
func explain(err error) string {
	var apiErr *finrota.Error
	var declined *finrota.DeclineError
	var netErr *paykit.NetworkError
	var badReq *paykit.ValidationError
	switch {
	case errors.As(err, &badReq):
		return fmt.Sprintf("not sent: %s %s", badReq.Field, badReq.Rule)
	case errors.As(err, &declined):
		return fmt.Sprintf("Finrota refused the %s: %s", declined.Operation, declined.Reason)
	case errors.As(err, &apiErr):
		return fmt.Sprintf("Finrota answered HTTP %d (%s: %s)", apiErr.StatusCode, apiErr.Code, apiErr.Message)
	case errors.As(err, &netErr):
		return fmt.Sprintf("no answer (may have reached Finrota: %t): %v", netErr.MayHaveReachedServer, netErr.Err)
	}
	return err.Error()
}
