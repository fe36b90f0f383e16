package mercadopago

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
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

// The official SDKs' test payload: payment_id, currency_id, status,
// reason_id; read into the same type, nothing left over.
func TestChargebacksGetSDKShape(t *testing.T) {
	c, mt := newMocked(t)
	mt.RegisterResponder(http.MethodGet, testBase+"/v1/chargebacks/CB-001-2022", (&recorder{}).responder(200, fixture(t, "chargeback_sdk.json"), nil))
	cb, err := c.Chargebacks.Get(context.Background(), "CB-001-2022")
	require.NoError(t, err)
	assert.Equal(t, int64(19951521071), cb.PaymentID)
	assert.Equal(t, []int64{19951521071}, cb.PaymentIDs())
	assert.Equal(t, "BRL", cb.CurrencyCode())
	assert.Equal(t, ChargebackStatus("in_review"), cb.Status)
	assert.Equal(t, "4853", cb.ReasonID)
	assert.Equal(t, "Cardholder dispute", cb.Reason)
	assert.Equal(t, "100.00", cb.Amount.String(), "the amount keeps its scale")
	assert.Equal(t, time.Date(2022, 7, 2, 14, 0, 0, 0, time.UTC), cb.LastModified.UTC())
	assert.Empty(t, cb.Unparsed)
}

// Both shapes at once, drifted: ids as strings, a numeric reason id, an
// unknown documentation status, a bad date, and members neither shape
// has, which are named in Unparsed rather than dropped.
func TestChargebacksGetDrifted(t *testing.T) {
	c, mt := newMocked(t)
	mt.RegisterResponder(http.MethodGet, testBase+"/v1/chargebacks/217000087654321001", (&recorder{}).responder(200, fixture(t, "chargeback_drifted.json"), nil))
	cb, err := c.Chargebacks.Get(context.Background(), "217000087654321001")
	require.NoError(t, err)
	assert.Equal(t, "217000087654321001", cb.ID)
	assert.Equal(t, []int64{1316782591}, cb.PaymentIDs(), "the same payment in both shapes counts once")
	assert.Equal(t, "4853", cb.ReasonID)
	assert.Equal(t, DocumentationStatus("dispute_in_arbitration"), cb.DocumentationStatus)
	assert.False(t, cb.CoverageEligible)
	assert.ElementsMatch(t, []string{"date_documentation_deadline", "case_id", "resolution"}, cb.Unparsed)
}

func TestChargebacksSearch(t *testing.T) {
	c, mt := newMocked(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"/v1/chargebacks/search", rec.responder(200, fixture(t, "chargeback_search.json"), nil))
	p, err := c.Chargebacks.SearchPage(context.Background(), &ChargebackSearch{PaymentID: 1316782591, Status: "in_review", Limit: 30})
	require.NoError(t, err)
	got := rec.last(t)
	assertCommonHeaders(t, got)
	assert.Equal(t, "/v1/chargebacks/search", got.Path)
	assert.Equal(t, "limit=30&payment_id=1316782591&status=in_review", got.RawQuery)
	require.Len(t, p.Results, 2)
	assert.Equal(t, []int64{1316782591}, p.Results[0].PaymentIDs())
	assert.Equal(t, "BRL", p.Results[0].CurrencyCode())
	assert.Equal(t, []int64{19951521071}, p.Results[1].PaymentIDs())
	assert.Equal(t, "BRL", p.Results[1].CurrencyCode())
	assert.Empty(t, p.Results[0].Unparsed)
	assert.Empty(t, p.Results[1].Unparsed)

	mt.RegisterResponder(http.MethodGet, testBase+"/v1/chargebacks/search", rec.responder(200, fixture(t, "chargeback_search_drifted.json"), nil))
	var seen []*Chargeback
	for cb, err := range c.Chargebacks.Search(context.Background(), nil) {
		require.NoError(t, err)
		seen = append(seen, cb)
	}
	require.Len(t, seen, 1)
	assert.Equal(t, int64(19951521072), seen[0].PaymentID)
	assert.Equal(t, "55.10", seen[0].Amount.String())
	assert.Equal(t, "4837", seen[0].ReasonID)
	assert.ElementsMatch(t, []string{"last_modified", "network"}, seen[0].Unparsed)

	n := rec.count()
	_, err = c.Chargebacks.SearchPage(context.Background(), &ChargebackSearch{Limit: -1})
	assert.ErrorAs(t, err, new(*paykit.ValidationError))
	assert.Equal(t, n, rec.count())
}

// Member names that come from the network are bounded before they reach
// Unparsed.
func TestUnknownMembersAreBounded(t *testing.T) {
	raw := map[string]json.RawMessage{"id": nil, "x\x00y": nil, strings.Repeat("k", 100): nil}
	got := unknownMembers(raw, chargebackMembers)
	assert.Equal(t, []string{strings.Repeat("k", 64), "x?y"}, got)
}

func TestChargebacksUploadDocumentation(t *testing.T) {
	c, mt := newMocked(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodPost, testBase+"/v1/chargebacks/217000087654321000/documentation", rec.responder(200, nil, nil))
	files := []ChargebackFile{{Name: "invoice.pdf", Data: []byte("%PDF-1.4 invoice")}, {Name: "delivery.PNG", Data: []byte("\x89PNG proof")}}
	res, err := c.Chargebacks.UploadDocumentation(context.Background(), "217000087654321000", files)
	require.NoError(t, err)
	got := rec.last(t)
	assert.Equal(t, http.MethodPost, got.Method)
	assert.Equal(t, "Bearer "+testToken, got.Header.Get("Authorization"))
	assert.Empty(t, got.Header.Get(IdempotencyHeader), "no key: the guides do not say the endpoint honours one, so it is never repeated")
	assert.Equal(t, 200, res.Meta.StatusCode)
	mediaType, params, err := mime.ParseMediaType(got.Header.Get("Content-Type"))
	require.NoError(t, err)
	assert.Equal(t, "multipart/form-data", mediaType)
	form, err := multipart.NewReader(bytes.NewReader(got.Body), params["boundary"]).ReadForm(1 << 20)
	require.NoError(t, err)
	require.Len(t, form.File["files[]"], 2)
	assert.Equal(t, "invoice.pdf", form.File["files[]"][0].Filename)
	assert.Equal(t, "application/pdf", form.File["files[]"][0].Header.Get("Content-Type"))
	assert.Equal(t, "image/png", form.File["files[]"][1].Header.Get("Content-Type"))
	f, err := form.File["files[]"][1].Open()
	require.NoError(t, err)
	b, _ := io.ReadAll(f)
	assert.Equal(t, "\x89PNG proof", string(b))

	// The same upload is the same bytes.
	_, err = c.Chargebacks.UploadDocumentation(context.Background(), "217000087654321000", files)
	require.NoError(t, err)
	assert.Equal(t, got.Body, rec.last(t).Body)

	// A 5xx after sending is not repeated.
	mt.RegisterResponder(http.MethodPost, testBase+"/v1/chargebacks/X/documentation", rec.responder(502, []byte(`{}`), nil))
	n := rec.count()
	_, err = c.Chargebacks.UploadDocumentation(context.Background(), "X", files)
	require.Error(t, err)
	assert.Equal(t, n+1, rec.count())

	n = rec.count()
	for name, tc := range map[string]struct {
		files []ChargebackFile
		field string
	}{
		"none":       {nil, "files"},
		"type":       {[]ChargebackFile{{Name: "a.docx", Data: []byte("x")}}, "files[0].name"},
		"no name":    {[]ChargebackFile{{Data: []byte("x")}}, "files[0].name"},
		"path":       {[]ChargebackFile{{Name: "../a.pdf", Data: []byte("x")}}, "files[0].name"},
		"quote":      {[]ChargebackFile{{Name: `a".pdf`, Data: []byte("x")}}, "files[0].name"},
		"newline":    {[]ChargebackFile{{Name: "a\r\n.pdf", Data: []byte("x")}}, "files[0].name"},
		"empty data": {[]ChargebackFile{{Name: "a.pdf"}}, "files[0].data"},
		"too big":    {[]ChargebackFile{{Name: "a.pdf", Data: make([]byte, 6_000_000)}, {Name: "b.pdf", Data: make([]byte, 4_000_001)}}, "files"},
	} {
		_, err := c.Chargebacks.UploadDocumentation(context.Background(), "217000087654321000", tc.files)
		var ve *paykit.ValidationError
		require.ErrorAs(t, err, &ve, name)
		assert.Equal(t, tc.field, ve.Field, name)
	}
	assert.Equal(t, n, rec.count(), "nothing sent for refused files")
}
