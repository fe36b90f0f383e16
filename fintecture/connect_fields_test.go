package fintecture

import (
	"context"
	"math"
	"net/http"
	"strings"
	"testing"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/httpsig"
	"github.com/paykit-go/paykit/money"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fullConnect uses every optional member of the create call.
func fullConnect() *ConnectRequest {
	return &ConnectRequest{
		Amount: money.MustParse("550.6"), Currency: "EUR", Communication: "Commande N15654",
		RedirectURI: "https://shop.example.com/fintecture/return", State: "order-15654",
		PSU:    &PSU{Name: "John Doe"},
		Scheme: ConnectSchemeAuto,
		Beneficiary: &Beneficiary{Name: "World Company", IBAN: "fr76 3000 1007 9412 3456 7890 185", SWIFTBIC: "BDFEFRPPCCT",
			BankName: "Banque de France", Street: "power street", Number: "3", City: "Atlantis", Zip: "12345", Country: "FR"},
		ExternalReference: "invoice-42",
		PaymentMethods:    []PaymentMethod{PaymentMethodImmediateTransfer, PaymentMethodSmartTransfer},
		Custom:            map[string]any{"order_id": 42, "source": "pos & <web>"},
		ExtraMeta:         map[string]any{"psu_phone_prefix": "+33"},
		ExtraAttributes:   map[string]any{"debited_account_type": "iban", "debited_account_id": "FR1420041010050500013M02606"},
	}
}

func TestConnectOptionalMembersWire(t *testing.T) {
	mt, rec := mockAPI(t)
	mt.RegisterResponder(http.MethodPost, testBase+"/pis/v2/connect", respondFile(t, rec, 200, "connect_response.json"))
	c := newTestClient(t, mt, true)
	req := fullConnect()
	ibanBefore := req.Beneficiary.IBAN
	_, err := c.PIS.Connect(context.Background(), req)
	require.NoError(t, err)
	assert.Equal(t, ibanBefore, req.Beneficiary.IBAN, "the caller's beneficiary is not modified")

	r := rec.byPath("/pis/v2/connect")[0]
	assert.Equal(t, http.MethodPost, r.Method)
	assert.Equal(t, "redirect_uri=https%3A%2F%2Fshop.example.com%2Ffintecture%2Freturn&state=order-15654", r.RawQuery)
	assert.Equal(t, string(readTestdata(t, "connect_request_full.json")), r.Body)
	assert.Equal(t, httpsig.Digest([]byte(r.Body)), r.Header.Get("Digest"))
	assert.Equal(t, "Bearer "+testToken, r.Header.Get("Authorization"))
	assert.Empty(t, r.Header.Get("Idempotency-Key"), "Fintecture has no idempotency key")
	pub, err := httpsig.ParsePublicKey(readTestdata(t, "pub.pem"))
	require.NoError(t, err)
	params, err := httpsig.ParseSignatureHeader(r.Header.Get("Signature"))
	require.NoError(t, err)
	assert.Equal(t, []string{"(request-target)", "date", "digest", "x-request-id"}, params.Headers)
	ss, err := httpsig.SigningString(params.Headers, r.Method, r.Path+"?"+r.RawQuery, r.Header)
	require.NoError(t, err)
	assert.NoError(t, httpsig.Verify(pub, ss, params.Signature))
}

func TestConnectOptionalMembersValidation(t *testing.T) {
	tests := []struct {
		name, field, rule string
		mod               func(r *ConnectRequest)
	}{
		{"scheme with a space", "data.attributes.scheme", "letters, digits and underscores", func(r *ConnectRequest) { r.Scheme = "INSTANT SEPA" }},
		{"scheme too long", "data.attributes.scheme", "at most 32", func(r *ConnectRequest) { r.Scheme = strings.Repeat("A", 33) }},
		{"beneficiary without name", "data.attributes.beneficiary.name", "must not be empty", func(r *ConnectRequest) { r.Beneficiary.Name = " " }},
		{"beneficiary without iban", "data.attributes.beneficiary.iban", "ISO 13616", func(r *ConnectRequest) { r.Beneficiary.IBAN = "" }},
		{"iban check digits", "data.attributes.beneficiary.iban", "check digits", func(r *ConnectRequest) { r.Beneficiary.IBAN = "FR7630001007941234567890186" }},
		{"iban swapped digits", "data.attributes.beneficiary.iban", "check digits", func(r *ConnectRequest) { r.Beneficiary.IBAN = "FR7630001007941234567890158" }},
		{"iban with a dash", "data.attributes.beneficiary.iban", "ISO 13616", func(r *ConnectRequest) { r.Beneficiary.IBAN = "FR76-3000-1007-9412-3456-7890-185" }},
		{"bic of 9", "data.attributes.beneficiary.swift_bic", "8 or 11", func(r *ConnectRequest) { r.Beneficiary.SWIFTBIC = "BDFEFRPPC" }},
		{"bic in lower case", "data.attributes.beneficiary.swift_bic", "capital", func(r *ConnectRequest) { r.Beneficiary.SWIFTBIC = "bdfefrpp" }},
		{"beneficiary country", "data.attributes.beneficiary.country", "ISO 3166-1", func(r *ConnectRequest) { r.Beneficiary.Country = "France" }},
		{"beneficiary city newline", "data.attributes.beneficiary.city", "control characters", func(r *ConnectRequest) { r.Beneficiary.City = "Paris\nX" }},
		{"external reference control", "data.attributes.external_reference", "control characters", func(r *ConnectRequest) { r.ExternalReference = "inv\x00" }},
		{"payment method case", "meta.payment_methods", "lower-case", func(r *ConnectRequest) { r.PaymentMethods = []PaymentMethod{"Smart_Transfer"} }},
		{"payment method empty", "meta.payment_methods", "lower-case", func(r *ConnectRequest) { r.PaymentMethods = []PaymentMethod{""} }},
		{"payment method twice", "meta.payment_methods", "twice", func(r *ConnectRequest) {
			r.PaymentMethods = []PaymentMethod{PaymentMethodBNPL, PaymentMethodImmediateTransfer, PaymentMethodBNPL}
		}},
		{"custom NaN", "meta.custom.score", "encode as JSON", func(r *ConnectRequest) { r.Custom = map[string]any{"score": math.NaN()} }},
		{"custom empty key", "meta.custom", "non-empty", func(r *ConnectRequest) { r.Custom = map[string]any{"": 1} }},
		{"extra meta overrides psu_name", "meta.psu_name", "set by paykit", func(r *ConnectRequest) { r.ExtraMeta = map[string]any{"psu_name": "Mallory"} }},
		{"extra meta overrides custom", "meta.custom", "set by paykit", func(r *ConnectRequest) { r.ExtraMeta = map[string]any{"custom": "x"} }},
		{"extra meta overrides expiry", "meta.expiry", "set by paykit", func(r *ConnectRequest) { r.ExtraMeta = map[string]any{"expiry": 1} }},
		{"extra attributes override amount", "data.attributes.amount", "set by paykit", func(r *ConnectRequest) { r.ExtraAttributes = map[string]any{"amount": 1.5} }},
		{"extra attributes override beneficiary", "data.attributes.beneficiary", "set by paykit", func(r *ConnectRequest) {
			r.ExtraAttributes = map[string]any{"beneficiary": map[string]string{"iban": "x"}}
		}},
		{"extra channel", "data.attributes.x", "encode as JSON", func(r *ConnectRequest) { r.ExtraAttributes = map[string]any{"x": make(chan int)} }},
		{"extra key with newline", "meta", "control characters", func(r *ConnectRequest) { r.ExtraMeta = map[string]any{"a\nb": 1} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mt, _ := mockAPI(t)
			c := newTestClient(t, mt, true)
			r := fullConnect()
			tt.mod(r)
			_, err := c.PIS.Connect(context.Background(), r)
			var ve *paykit.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.field, ve.Field)
			assert.Contains(t, ve.Rule, tt.rule)
			assert.Equal(t, 0, mt.GetTotalCallCount(), "nothing may be sent")
		})
	}
}

func TestValidIBAN(t *testing.T) {
	for _, ok := range []string{
		"FR7630001007941234567890185", "fr76 3000 1007 9412 3456 7890 185", "FR1420041010050500013M02606",
		"DE89370400440532013000", "GB82WEST12345698765432",
	} {
		assert.True(t, ValidIBAN(ok), ok)
	}
	for _, bad := range []string{
		"", "FR76", "FR763000100794123456789018", // too short by one digit, so the checksum fails
		"FR7630001007941234567890184", "GB82WEST12345698765433", "DE89370400440532013001",
		"7630001007941234567890185FR", "F17630001007941234567890185", "FR7A30001007941234567890185",
		"FR76300010079412345678901é5", "FR76" + strings.Repeat("1", 31), "FR76_3000100794123456789018",
	} {
		assert.False(t, ValidIBAN(bad), bad)
	}
}

func TestExtraMembersAreSplicedUnescaped(t *testing.T) {
	b, err := objectJSON{fixed: struct {
		A string `json:"a"`
	}{"<x>"}, extra: map[string]any{"z": "&", "b": []int{1}}}.MarshalJSON()
	require.NoError(t, err)
	assert.Equal(t, `{"a":"<x>","b":[1],"z":"&"}`, string(b))

	b, err = objectJSON{fixed: struct {
		A string `json:"a,omitempty"`
	}{}, extra: map[string]any{"k": nil}}.MarshalJSON()
	require.NoError(t, err)
	assert.Equal(t, `{"k":null}`, string(b), "no comma after an empty object")
}
