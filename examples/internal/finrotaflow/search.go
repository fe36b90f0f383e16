package finrotaflow

import (
	"context"
	"time"

	"github.com/paykit-go/paykit/examples/internal/transcript"
	"github.com/paykit-go/paykit/finrota"
)

// reconcile walks today's payment transactions, as an end-of-day
// reconciliation would, and finds the refunded order among them.
func reconcile(ctx context.Context, t *transcript.T, c *finrota.Client, ref string) error {
	from := time.Now().UTC().Add(-24 * time.Hour).Truncate(time.Second)
	t.Sent("GET /erp/payments?StartDate=%s&page=1&pageSize=50  (Transactions.Search pages on its own)", from.Format(time.RFC3339))
	var n int
	var found *finrota.PaymentRecord
	for rec, err := range c.Transactions.Search(ctx, &finrota.TransactionSearch{From: from}) {
		if err != nil {
			t.Fail("transaction list: %v", err)
			return err
		}
		n++
		if rec.ClientReferenceNumber == ref {
			found = rec
		}
		t.Got("%s  %s  %s %s, %d installment(s)", rec.TransactionDate, rec.ClientReferenceNumber, rec.LastAmount, rec.Currency, rec.Installment)
	}
	t.Check(found != nil && found.LastAmount.IsZero(), "order %s is in today's list with nothing left after its refunds (%d record(s))", ref, n)
	return nil
}
