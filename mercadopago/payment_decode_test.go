package mercadopago

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/transport"
)

// TestLocalMethodAnswersDecodeExactly: the documented answers of each local
// method decode with nothing left unread, and say what the payer must do.
func TestLocalMethodAnswersDecodeExactly(t *testing.T) {
	now := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	for file, want := range map[string]ActionKind{
		"payment_pix.json": ActionShowQR, "payment_boleto.json": ActionShowVoucher,
		"payment_pse.json": ActionRedirect, "payment_oxxo.json": ActionShowVoucher,
	} {
		t.Run(file, func(t *testing.T) {
			var p Payment
			require.NoError(t, json.Unmarshal(fixture(t, file), &p))
			assert.Empty(t, p.Unparsed)
			a := p.NextAction(now)
			assert.Equal(t, want, a.Kind)
			switch file {
			case "payment_pix.json":
				assert.Equal(t, "\x89PNG", string(a.QRCodePNG[:4]))
				assert.Contains(t, a.URL, "/ticket")
				assert.Equal(t, time.Date(2026, 3, 3, 13, 15, 3, 0, time.UTC), a.ExpiresAt.UTC())
			case "payment_boleto.json":
				assert.Equal(t, "23791234500000089003381260007827898920000", a.Barcode)
				assert.Equal(t, "23793381286000782789889000000089912340000000000", a.DigitableLine)
				assert.Equal(t, "10000012345", a.Reference)
			case "payment_pse.json":
				assert.Equal(t, "1007", p.TransactionDetails.FinancialInstitution)
				assert.Equal(t, "COP", p.CurrencyID)
			case "payment_oxxo.json":
				assert.Equal(t, "9800000012345678", a.Reference)
				assert.Equal(t, "9800000012345678", p.PaymentMethod.Data.ReferenceID)
			}
		})
	}
}

// TestDriftedLocalAnswerDecodesExactly is the payload as the API really
// sends it: bank ids beyond int64, numbers and strings mixed, a timestamp
// offset without a colon, dates as empty strings, masked card fields, the
// barcode at the root and in transaction_details.
func TestDriftedLocalAnswerDecodesExactly(t *testing.T) {
	body := fixture(t, "payment_local_drifted.json")
	stored, err := DecodePayment(body)
	require.NoError(t, err)
	p := *stored
	assert.Empty(t, p.Unparsed, "every shape here is one Mercado Pago sends")
	var strict Payment
	assert.Error(t, json.Unmarshal(body, &strict), "plain json.Unmarshal is strict, as DecodePayment's doc says")

	bi := p.PointOfInteraction.TransactionData.BankInfo
	require.NotNil(t, bi)
	assert.Equal(t, NumberText("98765432109876543210"), bi.Payer.AccountID)
	assert.Equal(t, NumberText("12345678901234567890123"), bi.Payer.ExternalAccountID, "a number beyond int64, digit for digit")
	assert.Equal(t, NumberText("18236120"), bi.Payer.ID)
	assert.Equal(t, NumberText("98765432109876543211"), bi.Collector.AccountID)
	assert.Equal(t, NumberText("7001234567890123456789"), bi.Collector.TransferAccountID)
	_, fits := bi.Collector.AccountID.Int64()
	assert.False(t, fits)
	n, fits := bi.Payer.ID.Int64()
	assert.True(t, fits)
	assert.Equal(t, int64(18236120), n)

	brt := time.FixedZone("", -3*3600)
	assert.True(t, time.Date(2024, 1, 15, 9, 0, 0, 0, brt).Equal(p.AdditionalInfo.Payer.RegistrationDate), p.AdditionalInfo.Payer.RegistrationDate)
	assert.True(t, time.Date(2026, 3, 3, 10, 15, 3, 0, brt).Equal(p.DateOfExpiration), p.DateOfExpiration)
	assert.True(t, p.DateApproved.IsZero(), "an empty-string date is no date")
	assert.True(t, p.MoneyReleaseDate.IsZero())
	require.NotNil(t, p.Card)
	assert.Zero(t, p.Card.ExpirationMonth, "masked")
	assert.Equal(t, "***", p.Card.LastFourDigits, "text fields keep the mask as sent")
	require.NotNil(t, p.Barcode)
	assert.Equal(t, p.Barcode.Content, p.TransactionDetails.Barcode.Content)
	assert.Equal(t, int64(1325431340), p.ID)
	assert.Equal(t, "19119119100", p.Payer.Identification.Number)
	assert.Equal(t, "149.90", p.TransactionAmount.String())

	// A stored body and a call read the same payment.
	c, mt := newMocked(t)
	mt.RegisterResponder(http.MethodGet, testBase+"/v1/payments/1325431340", httpmock.NewBytesResponder(200, body))
	got, err := c.Payments.Get(context.Background(), 1325431340)
	require.NoError(t, err)
	got.Meta = paykit.Meta{}
	assert.Equal(t, p, *got)
}

// TestStoredPaymentDecodesAsACall: DecodePayment of a drifted body keeps
// what it can and names the rest, as a call does, and a body that repeats a
// member is refused both ways.
func TestStoredPaymentDecodesAsACall(t *testing.T) {
	for _, file := range []string{"payment_drifted.json", "payment_full_drifted.json", "payment_approved.json", "payment_full.json"} {
		t.Run(file, func(t *testing.T) {
			body := fixture(t, file)
			stored, err := DecodePayment(body)
			require.NoError(t, err, "one odd field must not fail a stored body either")
			c, mt := newMocked(t)
			mt.RegisterResponder(http.MethodGet, `=~^`+testBase+`/v1/payments/`, httpmock.NewBytesResponder(200, body))
			got, err := c.Payments.Get(context.Background(), 1)
			require.NoError(t, err)
			got.Meta = paykit.Meta{}
			assert.Equal(t, *stored, *got)
		})
	}
	dup := []byte(`{"id":1,"status":"pending","status":"approved"}`)
	_, err := DecodePayment(dup)
	assert.ErrorContains(t, err, "appears twice")
	c, mt := newMocked(t)
	mt.RegisterResponder(http.MethodGet, testBase+"/v1/payments/1", httpmock.NewBytesResponder(200, dup))
	_, err = c.Payments.Get(context.Background(), 1)
	assert.Error(t, err, "a call refuses it whole too")

	// A search page settles each result's known drift, with its own paths.
	var page PaymentPage
	require.NoError(t, transport.Decode([]byte(`{"results":[{"id":1,"date_approved":""},{"id":2,"date_approved":"soon","card":{"expiration_year":"***"}}]}`), &page))
	assert.Empty(t, page.Results[0].Unparsed)
	assert.Equal(t, []string{"date_approved"}, page.Results[1].Unparsed)
}

// FuzzDecodePayment: no body panics the decoder or the drift settling, a
// payment it accepts says what to do next without panicking, and what is
// left in Unparsed is a path of the document.
func FuzzDecodePayment(f *testing.F) {
	for _, name := range []string{"payment_local_drifted.json", "payment_pix.json", "payment_boleto.json", "payment_drifted.json"} {
		f.Add(fixture(f, name))
	}
	f.Add([]byte(`{"card":{"expiration_month":"***"},"additional_info":{"payer":{"registration_date":"2024-01-15T09:00:00-0300"}},"date_approved":""}`))
	f.Add([]byte(`{"results":[{"x":1}],"point_of_interaction":{"transaction_data":{"bank_info":{"payer":{"account_id":1e999}}}}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := DecodePayment(body)
		if err != nil {
			return
		}
		_ = p.NextAction(time.Unix(1700000000, 0))
		for _, path := range p.Unparsed {
			if path == "" {
				continue
			}
			if _, ok := rawAt(body, path); !ok && !strings.Contains(path, "[") {
				t.Errorf("Unparsed names %q, which the document does not have", path)
			}
		}
	})
}
