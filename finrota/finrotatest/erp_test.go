package finrotatest_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit/finrota"
	"github.com/paykit-go/paykit/finrota/finrotatest"
	"github.com/paykit-go/paykit/money"
)

func TestSearchPaymentRecords(t *testing.T) {
	e := setup(t, nil)
	start := e.clock.Now()
	for i, amount := range []string{"27.50", "100", "5"} {
		res, err := e.c.Widget.Pay(ctx, payment(e.prepared(t, finrotatest.CardApproved, false, amount), amount, "ORD-S"+string(rune('1'+i))))
		require.NoError(t, err)
		require.True(t, res.Paid())
		e.clock.Advance(24 * time.Hour)
	}
	_, err := e.c.Widget.Pay(ctx, payment(e.prepared(t, finrotatest.CardDeclined, false, "12"), "12", "ORD-D"))
	require.Error(t, err)
	tx, err := e.c.Transactions.Get(ctx, finrota.ByClientReference("ORD-S1"))
	require.NoError(t, err)
	_, err = e.c.Transactions.Refund(ctx, &finrota.RefundRequest{ReferenceCode: tx.ReferenceNumber, Amount: money.MustParse("7.50"), Reason: "one item"})
	require.NoError(t, err)

	var refs []string
	for rec, err := range e.c.Transactions.Search(ctx, &finrota.TransactionSearch{PageSize: 2}) {
		require.NoError(t, err)
		refs = append(refs, rec.ClientReferenceNumber)
		if rec.ClientReferenceNumber == "ORD-S1" {
			assert.Equal(t, "20.00", rec.LastAmount.String(), "what is left after the refund")
			assert.Equal(t, tx.ReferenceNumber, rec.ReferenceNumber)
			d, err := rec.Date(time.UTC)
			require.NoError(t, err)
			assert.True(t, d.Equal(start), "%s vs %s", d, start)
			assert.False(t, rec.Integrated())
		}
	}
	assert.Equal(t, []string{"ORD-S1", "ORD-S2", "ORD-S3"}, refs, "the declined payment took no money and is not listed")
	assert.Equal(t, 2, e.srv.Handled(http.MethodGet, "/erp/payments"), "two pages of two")

	var inRange []string
	for rec, err := range e.c.Transactions.Search(ctx, &finrota.TransactionSearch{From: start.Add(time.Hour), To: start.Add(47 * time.Hour)}) {
		require.NoError(t, err)
		inRange = append(inRange, rec.ClientReferenceNumber)
	}
	assert.Equal(t, []string{"ORD-S2"}, inRange)

	p, err := e.c.Transactions.SearchPage(ctx, &finrota.TransactionSearch{ClientReferenceCode: "ORD-S3"})
	require.NoError(t, err)
	require.Len(t, p.Records, 1)
	assert.True(t, p.Records[0].LastAmount.Equal(money.MustParse("5")), p.Records[0].LastAmount.String())
	assert.False(t, p.HasNext)

	e.srv.RevokeAccessTokens()
	_, err = e.c.Transactions.SearchPage(ctx, nil)
	require.NoError(t, err, "a revoked token is refetched once")
}
