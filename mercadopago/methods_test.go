package mercadopago

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/money"
)

func TestPaymentMethodsList(t *testing.T) {
	c, mt := newMocked(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"/v1/payment_methods", rec.responder(200, fixture(t, "payment_methods.json"), nil))
	pms, err := c.PaymentMethods.List(context.Background())
	require.NoError(t, err)
	got := rec.last(t)
	assert.Equal(t, http.MethodGet, got.Method)
	assert.Equal(t, "/v1/payment_methods", got.Path)
	assert.Empty(t, got.RawQuery)
	assert.Nil(t, got.Body)
	assertCommonHeaders(t, got)

	require.Len(t, pms, 2)
	v := pms[0]
	assert.Equal(t, "visa", v.ID)
	assert.Equal(t, "credit_card", v.PaymentTypeID)
	assert.Equal(t, "active", v.Status)
	assert.Equal(t, "0.5", v.MinAllowedAmount.String())
	assert.Equal(t, "60000", v.MaxAllowedAmount.String())
	require.Len(t, v.Settings, 1)
	assert.Equal(t, "^4", v.Settings[0].Bin.Pattern)
	assert.Equal(t, "^(487017)", v.Settings[0].Bin.ExclusionPattern)
	assert.Equal(t, 16, v.Settings[0].CardNumber.Length)
	assert.Equal(t, "standard", v.Settings[0].CardNumber.Validation)
	assert.Equal(t, MethodSecurityCode{Mode: "mandatory", Length: 3, CardLocation: "back"}, v.Settings[0].SecurityCode)
	assert.Equal(t, 2880, v.AccreditationTime)
	assert.Contains(t, v.AdditionalInfoNeeded, "cardholder_identification_number")
	assert.Equal(t, []FinancialInstitution{{ID: "1", Description: "Banco de Chile"}}, pms[1].FinancialInstitutions)
	assert.Empty(t, v.Unparsed)
}

func TestPaymentMethodsListDrifted(t *testing.T) {
	c, mt := newMocked(t)
	mt.RegisterResponder(http.MethodGet, testBase+"/v1/payment_methods", (&recorder{}).responder(200, fixture(t, "payment_methods_drifted.json"), nil))
	pms, err := c.PaymentMethods.List(context.Background())
	require.NoError(t, err, "odd fields must not fail the call")
	require.Len(t, pms, 1)
	m := pms[0]
	assert.Equal(t, "master", m.ID)
	assert.Equal(t, "some_new_status", m.Status, "unknown values are kept")
	assert.Equal(t, "0.50", m.MinAllowedAmount.String(), "amount as a string")
	assert.True(t, m.MaxAllowedAmount.IsZero(), "*** left at zero")
	assert.Equal(t, 2880, m.AccreditationTime, "number as a string")
	require.Len(t, m.Settings, 1)
	assert.Equal(t, 16, m.Settings[0].CardNumber.Length)
	assert.Zero(t, m.Settings[0].SecurityCode.Length)
	assert.Contains(t, m.Unparsed, "max_allowed_amount")
}

func TestInstallments(t *testing.T) {
	c, mt := newMocked(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"/v1/payment_methods/installments", rec.responder(200, fixture(t, "installments.json"), nil))
	opts, err := c.PaymentMethods.Installments(context.Background(), &InstallmentsQuery{
		Amount: money.MustParse("15990.00"), BIN: "45099535", PaymentMethodID: "visa", IssuerID: "310",
	})
	require.NoError(t, err)
	got := rec.last(t)
	assert.Equal(t, http.MethodGet, got.Method)
	assert.Equal(t, "/v1/payment_methods/installments", got.Path)
	assert.Equal(t, "amount=15990.00&bin=45099535&issuer.id=310&payment_method_id=visa", got.RawQuery)
	assertCommonHeaders(t, got)

	require.Len(t, opts, 1)
	o := opts[0]
	assert.Equal(t, "visa", o.PaymentMethodID)
	assert.Equal(t, "310", o.Issuer.ID)
	assert.Equal(t, "Visa", o.Issuer.Name)
	assert.Empty(t, o.MerchantAccountID)
	require.Len(t, o.PayerCosts, 2)
	three := o.PayerCosts[1]
	assert.Equal(t, 3, three.Installments)
	assert.Equal(t, "10.21", three.InstallmentRate.String())
	assert.Equal(t, "5873.91", three.InstallmentAmount.String())
	assert.Equal(t, "17621.74", three.TotalAmount.String())
	assert.Equal(t, "3 cuotas de $ 5.873,91 ($ 17.621,74)", three.RecommendedMessage)
	assert.Equal(t, []string{"recommended_installment", "CFT_41,57%|TEA_34,83%"}, three.Labels)
	assert.True(t, o.PayerCosts[0].InstallmentRate.IsZero())
}

func TestInstallmentsDrifted(t *testing.T) {
	c, mt := newMocked(t)
	mt.RegisterResponder(http.MethodGet, testBase+"/v1/payment_methods/installments", (&recorder{}).responder(200, fixture(t, "installments_drifted.json"), nil))
	opts, err := c.PaymentMethods.Installments(context.Background(), &InstallmentsQuery{Amount: money.FromInt(15990), PaymentMethodID: "visa"})
	require.NoError(t, err)
	require.Len(t, opts, 1)
	assert.Equal(t, "310", opts[0].Issuer.ID, "number where text was expected")
	require.Len(t, opts[0].PayerCosts, 1)
	pc := opts[0].PayerCosts[0]
	assert.Equal(t, 6, pc.Installments)
	assert.Equal(t, "12.5", pc.InstallmentRate.String())
	assert.True(t, pc.InstallmentAmount.IsZero())
	assert.Equal(t, "17988.75", pc.TotalAmount.String())
}

func TestCardIssuersAndIdentificationTypes(t *testing.T) {
	c, mt := newMocked(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"/v1/payment_methods/card_issuers", rec.responder(200, fixture(t, "card_issuers.json"), nil))
	iss, err := c.PaymentMethods.CardIssuers(context.Background(), "visa")
	require.NoError(t, err)
	got := rec.last(t)
	assert.Equal(t, "/v1/payment_methods/card_issuers", got.Path)
	assert.Equal(t, "payment_method_id=visa", got.RawQuery)
	assertCommonHeaders(t, got)
	require.Len(t, iss, 1)
	assert.Equal(t, "288", iss[0].ID)
	assert.Equal(t, "Tarjeta Shopping", iss[0].Name)
	assert.Equal(t, "active", iss[0].Status)
	assert.Equal(t, "aggregator", iss[0].ProcessingMode)

	rec2 := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"/v1/identification_types", rec2.responder(200, fixture(t, "identification_types.json"), nil))
	types, err := c.IdentificationTypes.List(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "/v1/identification_types", rec2.last(t).Path)
	assertCommonHeaders(t, rec2.last(t))
	require.Len(t, types, 2)
	assert.Equal(t, IdentificationType{ID: "RUT", Name: "RUT", Type: "string", MinLength: 7, MaxLength: 20}, types[0])
}

func TestIdentificationTypesDrifted(t *testing.T) {
	c, mt := newMocked(t)
	mt.RegisterResponder(http.MethodGet, testBase+"/v1/identification_types", (&recorder{}).responder(200, fixture(t, "identification_types_drifted.json"), nil))
	types, err := c.IdentificationTypes.List(context.Background())
	require.NoError(t, err)
	require.Len(t, types, 2)
	assert.Equal(t, 7, types[0].MinLength)
	assert.Equal(t, "42", types[1].ID)
	assert.Equal(t, "alien", types[1].Type)
	assert.Zero(t, types[1].MinLength)
	assert.Equal(t, 8, types[1].MaxLength)
}

func TestMethodsValidate(t *testing.T) {
	c, mt := newMocked(t)
	ctx := context.Background()
	cases := []struct {
		name  string
		q     *InstallmentsQuery
		field string
	}{
		{"nil", nil, "installments"},
		{"zero amount", &InstallmentsQuery{BIN: "450995"}, "amount"},
		{"negative amount", &InstallmentsQuery{Amount: money.FromInt(-1), BIN: "450995"}, "amount"},
		{"no bin or method", &InstallmentsQuery{Amount: money.FromInt(1)}, "bin"},
		{"short bin", &InstallmentsQuery{Amount: money.FromInt(1), BIN: "4509"}, "bin"},
		{"long bin", &InstallmentsQuery{Amount: money.FromInt(1), BIN: "450995356"}, "bin"},
		{"bin with letters", &InstallmentsQuery{Amount: money.FromInt(1), BIN: "45099x"}, "bin"},
	}
	for _, tt := range cases {
		_, err := c.PaymentMethods.Installments(ctx, tt.q)
		var ve *paykit.ValidationError
		require.ErrorAs(t, err, &ve, tt.name)
		assert.Equal(t, tt.field, ve.Field, tt.name)
	}
	_, err := c.PaymentMethods.CardIssuers(ctx, " ")
	assert.ErrorAs(t, err, new(*paykit.ValidationError))
	assert.Zero(t, mt.GetTotalCallCount(), "nothing may be sent")
}

func TestCardTokensCreateAndGet(t *testing.T) {
	c, mt := newMocked(t, WithClock(func() time.Time { return time.Date(2024, 5, 2, 12, 0, 0, 0, time.UTC) }))
	rec := &recorder{}
	mt.RegisterResponder(http.MethodPost, testBase+"/v1/card_tokens", rec.responder(201, fixture(t, "card_token.json"), nil))
	req := &CardTokenRequest{CardNumber: "5031755734530604", SecurityCode: "123", ExpirationMonth: 11, ExpirationYear: 2030,
		Cardholder: &Cardholder{Name: "APRO", Identification: Identification{Type: "RUT", Number: "11111111-1"}}}
	tok, err := c.CardTokens.Create(context.Background(), req, WithIdempotencyKey("tok-1"))
	require.NoError(t, err)
	got := rec.last(t)
	assert.Equal(t, http.MethodPost, got.Method)
	assert.Equal(t, "/v1/card_tokens", got.Path)
	assertCommonHeaders(t, got)
	assert.Equal(t, "tok-1", got.Header.Get(IdempotencyHeader))
	assert.Equal(t, `{"card_number":"5031755734530604","security_code":"123","expiration_month":11,"expiration_year":2030,"cardholder":{"name":"APRO","identification":{"type":"RUT","number":"11111111-1"}}}`, string(got.Body))
	assert.Equal(t, "ff8080814c11e237014c1ff593b57b4d", tok.ID)
	assert.Equal(t, "active", tok.Status)
	assert.Equal(t, "0604", tok.LastFourDigits)
	assert.Equal(t, 3, tok.SecurityCodeLength)
	assert.True(t, tok.LuhnValidation)
	assert.Equal(t, "APRO", tok.Cardholder.Name)
	assert.Equal(t, time.Date(2024, 5, 10, 14, 15, 30, 0, time.UTC), tok.DateDue.UTC())
	assert.Equal(t, "tok-1", tok.Meta.IdempotencyKey)

	rec2 := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"/v1/card_tokens/ff8080814c11e237014c1ff593b57b4d", rec2.responder(200, fixture(t, "card_token_drifted.json"), nil))
	tok2, err := c.CardTokens.Get(context.Background(), "ff8080814c11e237014c1ff593b57b4d")
	require.NoError(t, err)
	assert.Equal(t, http.MethodGet, rec2.last(t).Method)
	assertCommonHeaders(t, rec2.last(t))
	assert.Equal(t, "used", tok2.Status)
	assert.Equal(t, "9876543210", tok2.CardID)
	assert.Equal(t, 16, tok2.CardNumberLength)
	assert.Equal(t, 2030, tok2.ExpirationYear)
	assert.Zero(t, tok2.ExpirationMonth)
	assert.Equal(t, "11111111", tok2.Cardholder.Identification.Number)
	assert.Contains(t, tok2.Unparsed, "expiration_month")
}

func TestCardTokenRedacts(t *testing.T) {
	req := CardTokenRequest{CardNumber: "5031755734530604", SecurityCode: "987", ExpirationMonth: 11, ExpirationYear: 2030}
	tok := CardToken{ID: "ff8080814c11e237014c1ff593b57b4d", LastFourDigits: "0604", Status: "active"}
	var logs bytes.Buffer
	l := slog.New(slog.NewJSONHandler(&logs, nil))
	l.Info("x", "req", req, "tok", tok, "preq", &req)
	for _, out := range []string{fmt.Sprint(req), fmt.Sprintf("%+v %#v %s %d", req, req, &req, req), fmt.Sprintf("%v %+v %#v", tok, tok, &tok), logs.String()} {
		assert.NotContains(t, out, "5031755734530604")
		assert.NotContains(t, out, "987")
		assert.NotContains(t, out, "ff8080814c11e237014c1ff593b57b4d")
	}
	assert.Contains(t, req.String(), "0604")
}

func TestCardTokensValidate(t *testing.T) {
	c, mt := newMocked(t, WithClock(func() time.Time { return time.Date(2024, 5, 2, 12, 0, 0, 0, time.UTC) }))
	ok := func() *CardTokenRequest {
		return &CardTokenRequest{CardNumber: "4509953566233704", SecurityCode: "123", ExpirationMonth: 11, ExpirationYear: 2030, Cardholder: &Cardholder{Name: "APRO"}}
	}
	cases := []struct {
		name  string
		mod   func(*CardTokenRequest) *CardTokenRequest
		field string
	}{
		{"nil", func(*CardTokenRequest) *CardTokenRequest { return nil }, "card_token"},
		{"no cvv", func(r *CardTokenRequest) *CardTokenRequest { r.SecurityCode = ""; return r }, "security_code"},
		{"cvv letters", func(r *CardTokenRequest) *CardTokenRequest { r.SecurityCode = "12a"; return r }, "security_code"},
		{"bad luhn", func(r *CardTokenRequest) *CardTokenRequest { r.CardNumber = "4509953566233705"; return r }, "card_number"},
		{"short number", func(r *CardTokenRequest) *CardTokenRequest { r.CardNumber = "4242"; return r }, "card_number"},
		{"spaces", func(r *CardTokenRequest) *CardTokenRequest { r.CardNumber = "4509 9535 6623 3704"; return r }, "card_number"},
		{"month 13", func(r *CardTokenRequest) *CardTokenRequest { r.ExpirationMonth = 13; return r }, "expiration_month"},
		{"two-digit year", func(r *CardTokenRequest) *CardTokenRequest { r.ExpirationYear = 30; return r }, "expiration_year"},
		{"expired", func(r *CardTokenRequest) *CardTokenRequest { r.ExpirationYear, r.ExpirationMonth = 2024, 4; return r }, "expiration_year"},
		{"no holder", func(r *CardTokenRequest) *CardTokenRequest { r.Cardholder = nil; return r }, "cardholder.name"},
		{"both number and card id", func(r *CardTokenRequest) *CardTokenRequest { r.CardID = "123"; return r }, "card_number"},
	}
	for _, tt := range cases {
		_, err := c.CardTokens.Create(context.Background(), tt.mod(ok()))
		var ve *paykit.ValidationError
		require.ErrorAs(t, err, &ve, tt.name)
		assert.Equal(t, tt.field, ve.Field, tt.name)
		assert.NotContains(t, err.Error(), "4509953566233", "the error never repeats card data")
	}
	_, err := c.CardTokens.Get(context.Background(), "")
	assert.ErrorAs(t, err, new(*paykit.ValidationError))
	assert.Zero(t, mt.GetTotalCallCount(), "nothing may be sent")

	// A saved card needs only its id and the CVV.
	rec := &recorder{}
	mt.RegisterResponder(http.MethodPost, testBase+"/v1/card_tokens", rec.responder(201, fixture(t, "card_token.json"), nil))
	_, err = c.CardTokens.Create(context.Background(), &CardTokenRequest{CardID: "1493990563105", SecurityCode: "123"})
	require.NoError(t, err)
	assert.Equal(t, `{"card_id":"1493990563105","security_code":"123"}`, string(rec.last(t).Body))
}
