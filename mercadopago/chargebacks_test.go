package mercadopago

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestChargebacksGet(t *testing.T) {
	c, mt := newMocked(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"/v1/chargebacks/217000087654321000", rec.responder(200, fixture(t, "chargeback.json"), nil))
	cb, err := c.Chargebacks.Get(context.Background(), "217000087654321000")
	require.NoError(t, err)
	got := rec.last(t)
	assert.Equal(t, http.MethodGet, got.Method)
	assert.Equal(t, "/v1/chargebacks/217000087654321000", got.Path)
	assert.Nil(t, got.Body)
	assertCommonHeaders(t, got)
	assert.Equal(t, "217000087654321000", cb.ID)
	assert.Equal(t, []int64{1316782591}, cb.Payments)
	assert.Equal(t, "108.43", cb.Amount.String())
	assert.True(t, cb.CoverageEligible)
	assert.False(t, cb.CoverageApplied)
	assert.Equal(t, DocumentationReviewPending, cb.DocumentationStatus)
	require.Len(t, cb.Documentation, 1)
	assert.Equal(t, "File: FILE_123.pdf", cb.Documentation[0].Description)
	assert.Equal(t, time.Date(2024, 5, 27, 3, 59, 59, 0, time.UTC), cb.DateDocumentationDeadline.UTC())
	assert.Empty(t, cb.Unparsed)

	_, err = c.Chargebacks.Get(context.Background(), "")
	assert.ErrorAs(t, err, new(*paykit.ValidationError))
	assert.Equal(t, 1, rec.count())
}

// The reference's own sample answer: booleans and the amount as strings,
// payments as empty objects, and an access token in a document URL.
func TestChargebacksGetReferenceSample(t *testing.T) {
	c, mt := newMocked(t)
	mt.RegisterResponder(http.MethodGet, testBase+"/v1/chargebacks/217000087654321000", (&recorder{}).responder(200, fixture(t, "chargeback_sample.json"), nil))
	cb, err := c.Chargebacks.Get(context.Background(), "217000087654321000")
	require.NoError(t, err)
	assert.Equal(t, "108.43", cb.Amount.String())
	assert.True(t, cb.CoverageApplied)
	assert.True(t, cb.LiveMode)
	assert.Equal(t, DocumentationValid, cb.DocumentationStatus)
	assert.Equal(t, []int64{0}, cb.Payments)
	assert.Equal(t, []string{"payments[0]"}, cb.Unparsed)
	require.Len(t, cb.Documentation, 1)
	assert.Equal(t, "http://api.mercadopago.com/v1/chargebacks/documentation/other/2ec3bb6c-9b8b-47a0-8bc4-6f9b2ac60061", cb.Documentation[0].URL)
	assert.NotContains(t, fmt.Sprintf("%+v", cb), "APP_USR-X")
}
