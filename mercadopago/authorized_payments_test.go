package mercadopago

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAuthorizedPaymentsGet(t *testing.T) {
	c, mt := newMocked(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"/authorized_payments/6114264375", rec.responder(200, fixture(t, "authorized_payment.json"), nil))
	ap, err := c.AuthorizedPayments.Get(context.Background(), 6114264375)
	require.NoError(t, err)
	got := rec.last(t)
	assertCommonHeaders(t, got)
	assert.Equal(t, "/authorized_payments/6114264375", got.Path)
	assert.Equal(t, int64(6114264375), ap.ID)
	assert.Equal(t, "2c938084726fca480172750000000000", ap.PreapprovalID)
	assert.Equal(t, "23546246234", ap.ExternalReference, "the reference's numeric external_reference reads as text")
	assert.Equal(t, "10", ap.TransactionAmount.String())
	assert.Equal(t, AuthorizedPaymentScheduled, ap.Status)
	assert.Equal(t, 4, ap.RetryAttempt)
	assert.Equal(t, int64(19951521071), ap.Payment.ID)
	assert.Equal(t, StatusApproved, ap.Payment.Status)
	assert.Equal(t, DetailAccredited, ap.Payment.StatusDetail)
	assert.Equal(t, time.Date(2022, 1, 1, 15, 12, 25, 892e6, time.UTC), ap.DebitDate.UTC())
	assert.Empty(t, ap.Unparsed)

	for _, bad := range []int64{0, -1} {
		_, err = c.AuthorizedPayments.Get(context.Background(), bad)
		var ve *paykit.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, "id", ve.Field)
	}
	assert.Equal(t, 1, rec.count())
}

func TestAuthorizedPaymentsGetDrifted(t *testing.T) {
	c, mt := newMocked(t)
	mt.RegisterResponder(http.MethodGet, testBase+"/authorized_payments/6114264376", (&recorder{}).responder(200, fixture(t, "authorized_payment_drifted.json"), nil))
	ap, err := c.AuthorizedPayments.Get(context.Background(), 6114264376)
	require.NoError(t, err)
	assert.Equal(t, int64(6114264376), ap.ID)
	assert.Equal(t, "24.50", ap.TransactionAmount.String())
	assert.Equal(t, 2, ap.RetryAttempt)
	assert.Equal(t, AuthorizedPaymentCancelled, ap.Status, "canceled reads as cancelled")
	assert.Equal(t, StatusCancelled, ap.Payment.Status)
	assert.Equal(t, int64(19951521072), ap.Payment.ID)
	assert.True(t, ap.DebitDate.IsZero())
	assert.Equal(t, []string{"debit_date"}, ap.Unparsed)
}

func TestAuthorizedPaymentsSearch(t *testing.T) {
	c, mt := newMocked(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"/authorized_payments/search", rec.responder(200, fixture(t, "authorized_payment_search.json"), nil))
	p, err := c.AuthorizedPayments.SearchPage(context.Background(), &AuthorizedPaymentSearch{PreapprovalID: "2c938084726fca480172750000000000", Limit: 20})
	require.NoError(t, err)
	got := rec.last(t)
	assertCommonHeaders(t, got)
	assert.Equal(t, "limit=20&preapproval_id=2c938084726fca480172750000000000", got.RawQuery)
	require.Len(t, p.Results, 1)
	assert.Equal(t, "24.50", p.Results[0].TransactionAmount.String())
	assert.Equal(t, Paging{Total: 1, Limit: 20, Offset: 0}, p.Paging)

	var ids []int64
	for ap, err := range c.AuthorizedPayments.Search(context.Background(), &AuthorizedPaymentSearch{PaymentID: 19951521071}) {
		require.NoError(t, err)
		ids = append(ids, ap.ID)
	}
	assert.Equal(t, []int64{6114264375}, ids)
	assert.Equal(t, "payment_id=19951521071", rec.last(t).RawQuery)

	mt.RegisterResponder(http.MethodGet, testBase+"/authorized_payments/search", rec.responder(200, fixture(t, "authorized_payment_search_drifted.json"), nil))
	p, err = c.AuthorizedPayments.SearchPage(context.Background(), nil)
	require.NoError(t, err)
	require.Len(t, p.Results, 2)
	assert.Equal(t, AuthorizedPaymentRecycling, p.Results[0].Status)
	assert.Zero(t, p.Results[0].Payment.ID, "a null payment: not attempted yet")
	assert.Equal(t, []string{"transaction_amount"}, p.Results[1].Unparsed, "one odd field is named, not fatal")
	assert.Equal(t, 2, p.Paging.Total)

	n := rec.count()
	_, err = c.AuthorizedPayments.SearchPage(context.Background(), &AuthorizedPaymentSearch{Offset: -1})
	assert.ErrorAs(t, err, new(*paykit.ValidationError))
	_, err = c.AuthorizedPayments.SearchPage(context.Background(), &AuthorizedPaymentSearch{PayerID: -5})
	assert.ErrorAs(t, err, new(*paykit.ValidationError))
	assert.Equal(t, n, rec.count())
}
