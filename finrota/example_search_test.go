package finrota_test

import (
	"context"
	"fmt"
	"time"

	"github.com/paykit-go/paykit/finrota"
	"github.com/paykit-go/paykit/finrota/finrotatest"
	"github.com/paykit-go/paykit/money"
)

// End-of-day reconciliation: walk the day's payment transactions; the
// iterator fetches the pages as you range.
func ExampleTransactionsService_Search() {
	srv := finrotatest.NewServer()
	defer srv.Close()
	c, _ := srv.Client()
	ctx := context.Background()
	for _, ref := range []string{"A-2001", "A-2002", "A-2003"} {
		wt, _ := c.Widget.CreateToken(ctx)
		pt, _ := srv.PreparePayment(ctx, wt.Token, finrotatest.Prepare{
			Card: finrotatest.TestCard(finrotatest.CardApproved), Amount: money.MustParse("99.90"), Currency: "TRY"})
		_, _ = c.Widget.Pay(ctx, &finrota.PaymentRequest{PrepareToken: pt, Amount: money.MustParse("99.90"),
			ReturnURL: "https://shop.example/return", ClientReferenceCode: ref, CustomerIP: "203.0.113.7"})
	}

	total := money.Decimal{}
	for rec, err := range c.Transactions.Search(ctx, &finrota.TransactionSearch{
		From: time.Now().Add(-24 * time.Hour), PageSize: 2, // two pages of two
	}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		total, _ = total.Add(rec.LastAmount)
		fmt.Println(rec.ClientReferenceNumber, rec.LastAmount, rec.Currency)
	}
	fmt.Println("collected:", total)
	// Output:
	// A-2001 99.90 TRY
	// A-2002 99.90 TRY
	// A-2003 99.90 TRY
	// collected: 299.70
}

// One page of the list, looked up by your order reference.
func ExampleTransactionsService_SearchPage() {
	srv := finrotatest.NewServer()
	defer srv.Close()
	c, _ := srv.Client()
	ctx := context.Background()
	wt, _ := c.Widget.CreateToken(ctx)
	pt, _ := srv.PreparePayment(ctx, wt.Token, finrotatest.Prepare{
		Card: finrotatest.TestCard(finrotatest.CardApproved), Amount: money.MustParse("45"), Currency: "TRY"})
	_, _ = c.Widget.Pay(ctx, &finrota.PaymentRequest{PrepareToken: pt, Amount: money.MustParse("45"),
		ReturnURL: "https://shop.example/return", ClientReferenceCode: "A-3001", CustomerIP: "203.0.113.7"})

	page, err := c.Transactions.SearchPage(ctx, &finrota.TransactionSearch{ClientReferenceCode: "A-3001"})
	if err != nil {
		fmt.Println(err)
		return
	}
	r := page.Records[0]
	fmt.Println(len(page.Records), r.ClientReferenceNumber, r.LastAmount, r.Currency, "in the ERP:", r.Integrated())
	// Output: 1 A-3001 45 TRY in the ERP: false
}
