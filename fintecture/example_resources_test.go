package fintecture_test

import (
	"context"
	"fmt"

	"github.com/paykit-go/paykit/fintecture"
	"github.com/paykit-go/paykit/fintecture/fintecturetest"
	"github.com/paykit-go/paykit/money"
)

// Show your own bank picker: list the French banks offering instant SEPA,
// then pass the payer's choice to Connect, which skips Fintecture's bank
// choice.
func ExampleProvidersService_List() {
	srv := fintecturetest.NewServer()
	defer srv.Close()
	c, _ := fintecture.NewClient(srv.Credentials(), fintecture.WithBaseURL(srv.URL))
	ctx := context.Background()

	banks, err := c.Providers.List(ctx, &fintecture.ProviderQuery{
		Country: "FR", PIS: fintecture.SchemeInstantSEPA, PSUType: fintecture.PSURetail,
		SortBy: fintecture.SortByName,
	})
	if err != nil {
		panic(err)
	}
	for _, b := range banks.Providers {
		fmt.Println(b.ID, b.FullName)
	}
	sess, err := c.PIS.Connect(ctx, &fintecture.ConnectRequest{Amount: money.MustParse("49.90"), Currency: "EUR",
		RedirectURI: "https://shop.example.com/return", State: "order-77",
		Provider: banks.Providers[0].ID, // the payer's pick, sent as x-provider
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("session created:", sess.SessionID != "")
	// Output:
	// cmcifrpp Crédit Industriel et Commercial
	// session created: true
}

// Walk every paid payment of a period, page by page.
func ExamplePISService_ListPayments() {
	srv := fintecturetest.NewServer()
	defer srv.Close()
	c, _ := fintecture.NewClient(srv.Credentials(), fintecture.WithBaseURL(srv.URL))
	ctx := context.Background()
	for _, amount := range []string{"10", "20.5", "30"} {
		s, _ := c.PIS.Connect(ctx, &fintecture.ConnectRequest{Amount: money.MustParse(amount), Currency: "EUR",
			RedirectURI: "https://shop.example.com/return", State: "order-" + amount})
		_, _ = srv.Pay(s.SessionID, fintecture.StatusCreated)
	}

	total := money.Decimal{}
	for p, err := range c.PIS.ListPayments(ctx, &fintecture.PaymentQuery{Status: fintecture.StatusCreated, PageSize: 2}) {
		if err != nil {
			panic(err)
		}
		total, _ = total.Add(p.Amount)
	}
	fmt.Println("paid in all:", total)
	// Output:
	// paid in all: 60.50
}

// Send the payer a payment link by e-mail, then follow it like any
// session. The call is never repeated once it may have reached Fintecture.
func ExamplePISService_RequestToPay() {
	srv := fintecturetest.NewServer()
	defer srv.Close()
	c, _ := fintecture.NewClient(srv.Credentials(), fintecture.WithBaseURL(srv.URL))
	ctx := context.Background()

	rtp, err := c.PIS.RequestToPay(ctx, &fintecture.RequestToPayRequest{
		Amount: money.MustParse("230.79"), Currency: "EUR", Communication: "INV-8786469",
		Name: "John Doe", Email: "john.doe@example.com", Language: "fr",
		State: "invoice-8786469",
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("link sent to:", srv.SentLinks()[0].Email)

	_, _ = srv.Pay(rtp.SessionID, fintecture.StatusCreated) // the payer follows the link and pays
	p, err := c.PIS.GetPayment(ctx, rtp.SessionID)
	if err != nil {
		panic(err)
	}
	fmt.Println(p.Status, p.Amount)
	// Output:
	// link sent to: john.doe@example.com
	// payment_created 230.79
}

// A refund is a session of its own: look it up to know whether the money
// went back.
func ExamplePISService_GetRefund() {
	srv := fintecturetest.NewServer()
	defer srv.Close()
	c, _ := fintecture.NewClient(srv.Credentials(), fintecture.WithBaseURL(srv.URL))
	ctx := context.Background()
	s, _ := c.PIS.Connect(ctx, &fintecture.ConnectRequest{Amount: money.MustParse("273"), Currency: "EUR",
		RedirectURI: "https://shop.example.com/return", State: "order-9"})
	_, _ = srv.Pay(s.SessionID, fintecture.StatusCreated)

	ref, err := c.PIS.Refund(ctx, &fintecture.RefundRequest{SessionID: s.SessionID, Amount: money.MustParse("73")})
	if err != nil {
		panic(err)
	}
	st, _ := c.PIS.GetRefund(ctx, ref.SessionID)
	fmt.Println("refund done:", st.Done(), st.Status)

	_ = srv.CompleteRefund(ref.SessionID) // Fintecture executes the refund
	st, _ = c.PIS.GetRefund(ctx, ref.SessionID)
	fmt.Println("refund done:", st.Done(), st.Amount)
	// Output:
	// refund done: false payment_pending
	// refund done: true 73.00
}

// Reconcile payouts: list the settlements, then ask one for the payments
// it paid out.
func ExamplePISService_ListSettlements() {
	srv := fintecturetest.NewServer()
	defer srv.Close()
	c, _ := fintecture.NewClient(srv.Credentials(), fintecture.WithBaseURL(srv.URL))
	ctx := context.Background()
	s, _ := c.PIS.Connect(ctx, &fintecture.ConnectRequest{Amount: money.MustParse("120"), Currency: "EUR",
		RedirectURI: "https://shop.example.com/return", State: "order-5"})
	_, _ = srv.Pay(s.SessionID, fintecture.StatusCreated)
	_, _ = srv.Settle() // Fintecture pays the day's payments out

	for st, err := range c.PIS.ListSettlements(ctx, nil) {
		if err != nil {
			panic(err)
		}
		full, _ := c.PIS.GetSettlement(ctx, st.ID, true)
		fmt.Println(st.Amount, st.Currency, "for", len(full.SessionIDs), "payment(s), ours:", full.SessionIDs[0] == s.SessionID)
	}
	p, _ := c.PIS.GetPayment(ctx, s.SessionID)
	fmt.Println("settled:", p.HasSettlementCompleted)
	// Output:
	// 120.00 EUR for 1 payment(s), ours: true
	// settled: true
}

// Look one bank up by its code, e.g. to show the payer's pick again.
func ExampleProvidersService_Get() {
	srv := fintecturetest.NewServer()
	defer srv.Close()
	c, _ := fintecture.NewClient(srv.Credentials(), fintecture.WithBaseURL(srv.URL))
	p, err := c.Providers.Get(context.Background(), "bnpafrpp")
	if err != nil {
		panic(err)
	}
	fmt.Println(p.FullName, p.Country, p.PIS, p.AuthModels)
	// Output: BNP Paribas FR [SEPA] [redirect decoupled]
}

// One page at a time, for a back-office table with its own pager.
func ExamplePISService_ListPaymentsPage() {
	srv := fintecturetest.NewServer()
	defer srv.Close()
	c, _ := fintecture.NewClient(srv.Credentials(), fintecture.WithBaseURL(srv.URL))
	ctx := context.Background()
	for _, state := range []string{"order-1", "order-2", "order-3"} {
		_, _ = c.PIS.Connect(ctx, &fintecture.ConnectRequest{Amount: money.MustParse("10"), Currency: "EUR",
			RedirectURI: "https://shop.example.com/return", State: state})
	}
	page, err := c.PIS.ListPaymentsPage(ctx, &fintecture.PaymentQuery{Page: 1, PageSize: 2})
	if err != nil {
		panic(err)
	}
	fmt.Println(len(page.Payments), "payments on page", page.Page, "more:", page.HasNext)
	// Output: 2 payments on page 1 more: true
}
