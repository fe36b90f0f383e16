package mercadopago

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/money"
)

var localNow = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

func pixRequest() *PaymentRequest {
	return &PaymentRequest{TransactionAmount: money.MustParse("100.50"), PaymentMethodID: PaymentMethodPix,
		Payer: &PaymentPayer{Email: "ana@example.com", Identification: &Identification{Type: "CPF", Number: "19119119100"}}}
}

func boletoRequest() *PaymentRequest {
	r := pixRequest()
	r.PaymentMethodID = PaymentMethodBoleto
	r.Payer.FirstName, r.Payer.LastName = "Ana", "Souza"
	r.Payer.Address = &PayerAddress{ZipCode: "06233-200", StreetName: "Av. das Nações Unidas", StreetNumber: "3003",
		Neighborhood: "Bonfim", City: "Osasco", FederalUnit: "SP"}
	return r
}

func pseRequest() *PaymentRequest {
	return &PaymentRequest{TransactionAmount: money.FromInt(35000), PaymentMethodID: PaymentMethodPSE,
		CallbackURL:        "https://shop.example/pse/back",
		TransactionDetails: &PaymentTransactionDetails{FinancialInstitution: "1007"},
		AdditionalInfo:     &AdditionalInfo{IPAddress: "203.0.113.9"},
		Payer: &PaymentPayer{Email: "ana@example.com", EntityType: EntityIndividual,
			Identification: &Identification{Type: "CC", Number: "1234567890"}}}
}

func simpleRequest(method, amount string) *PaymentRequest {
	return &PaymentRequest{TransactionAmount: money.MustParse(amount), PaymentMethodID: method, Payer: &PaymentPayer{Email: "ana@example.com"}}
}

func yapeRequest() *PaymentRequest {
	r := simpleRequest(PaymentMethodYape, "50.00")
	r.Token, r.Installments = "yape-token-1", Ptr(1)
	return r
}

// TestLocalMethodsAreRefusedBeforeSending: each bad request names its
// field and rule, and nothing reaches the wire.
func TestLocalMethodsAreRefusedBeforeSending(t *testing.T) {
	cases := []struct {
		name  string
		site  Site
		req   func() *PaymentRequest
		field string
		rule  string
	}{
		{"pix without document", "", func() *PaymentRequest { r := pixRequest(); r.Payer.Identification = nil; return r }, "payer.identification", "document"},
		{"pix bad CPF", "", func() *PaymentRequest { r := pixRequest(); r.Payer.Identification.Number = "19119119101"; return r }, "payer.identification.number", "valid CPF"},
		{"pix punctuated CPF", "", func() *PaymentRequest { r := pixRequest(); r.Payer.Identification.Number = "191.191.191-00"; return r }, "payer.identification.number", "no punctuation"},
		{"pix RG", "", func() *PaymentRequest { r := pixRequest(); r.Payer.Identification.Type = "RG"; return r }, "payer.identification.type", "CPF or CNPJ"},
		{"pix with a card token", "", func() *PaymentRequest { r := pixRequest(); r.Token = "tok"; return r }, "token", "must be empty"},
		{"pix on a Chilean account", SiteChile, pixRequest, "payment_method_id", "not offered on site MLC"},
		{"pix for a customer", "", func() *PaymentRequest { r := pixRequest(); r.Payer.Type, r.Payer.ID = PayerCustomer, "c-1"; return r }, "payer.email", "payer's email"},
		{"pix three decimals", "", func() *PaymentRequest { r := pixRequest(); r.TransactionAmount = money.MustParse("10.505"); return r }, "transaction_amount", "at most 2 decimal places in BRL"},
		{"pix expiry in the past", "", func() *PaymentRequest {
			r := pixRequest()
			r.DateOfExpiration = Ptr(localNow.Add(-time.Minute))
			return r
		}, "date_of_expiration", "in the future"},
		{"boleto without address", "", func() *PaymentRequest { r := boletoRequest(); r.Payer.Address = nil; return r }, "payer.address", "address"},
		{"boleto bad CEP", "", func() *PaymentRequest { r := boletoRequest(); r.Payer.Address.ZipCode = "0623"; return r }, "payer.address.zip_code", "8 digits"},
		{"boleto bad state", "", func() *PaymentRequest { r := boletoRequest(); r.Payer.Address.FederalUnit = "Sao Paulo"; return r }, "payer.address.federal_unit", "two capital letters"},
		{"boleto without name", "", func() *PaymentRequest { r := boletoRequest(); r.Payer.LastName = ""; return r }, "payer.last_name", "boleto"},
		{"boleto bad CNPJ", "", func() *PaymentRequest {
			r := boletoRequest()
			r.Payer.Identification = &Identification{Type: "CNPJ", Number: "11222333000182"}
			return r
		}, "payer.identification.number", "valid CNPJ"},
		{"pse without bank", "", func() *PaymentRequest { r := pseRequest(); r.TransactionDetails = nil; return r }, "transaction_details.financial_institution", "financial_institutions"},
		{"pse unknown bank", "", func() *PaymentRequest {
			r := pseRequest()
			r.FinancialInstitutions = []FinancialInstitution{{ID: "1051"}, {ID: "1001"}}
			return r
		}, "transaction_details.financial_institution", `"1007" is not`},
		{"pse without callback", "", func() *PaymentRequest { r := pseRequest(); r.CallbackURL = "/back"; return r }, "callback_url", "absolute"},
		{"pse entity", "", func() *PaymentRequest { r := pseRequest(); r.Payer.EntityType = "company"; return r }, "payer.entity_type", "individual or association"},
		{"pse without ip", "", func() *PaymentRequest { r := pseRequest(); r.AdditionalInfo = nil; return r }, "additional_info.ip_address", "IP address"},
		{"pse document type", "", func() *PaymentRequest { r := pseRequest(); r.Payer.Identification.Type = "DNI"; return r }, "payer.identification.type", "CC, CE, NIT"},
		{"pse centavos", "", func() *PaymentRequest { r := pseRequest(); r.TransactionAmount = money.MustParse("35000.50"); return r }, "transaction_amount", "whole amount in COP"},
		{"oxxo in Brazil", SiteBrazil, func() *PaymentRequest { return simpleRequest(PaymentMethodOXXO, "10") }, "payment_method_id", "MLM (MXN)"},
		{"spei installments", "", func() *PaymentRequest { r := simpleRequest(PaymentMethodSPEI, "10"); r.Installments = Ptr(3); return r }, "installments", "left out"},
		{"efecty capture false", "", func() *PaymentRequest {
			r := simpleRequest(PaymentMethodEfecty, "10000")
			r.Capture = Ptr(false)
			return r
		}, "capture", "cards"},
		{"yape without token", "", func() *PaymentRequest { r := yapeRequest(); r.Token = ""; return r }, "token", "Yape token"},
		{"yape two installments", "", func() *PaymentRequest { r := yapeRequest(); r.Installments = Ptr(2); return r }, "installments", "exactly 1"},
		{"yape no installments", "", func() *PaymentRequest { r := yapeRequest(); r.Installments = nil; return r }, "installments", "exactly 1"},
		{"CLP decimals on a card", SiteChile, func() *PaymentRequest {
			return &PaymentRequest{TransactionAmount: money.MustParse("15.990"), Token: "tok", Installments: Ptr(1), Payer: &PaymentPayer{Email: "ana@example.com"}}
		}, "transaction_amount", "whole amount in CLP"},
		{"fee decimals", SiteChile, func() *PaymentRequest {
			return &PaymentRequest{TransactionAmount: money.FromInt(15990), ApplicationFee: Ptr(money.MustParse("0.5")), Token: "tok", Installments: Ptr(1), Payer: &PaymentPayer{Email: "ana@example.com"}}
		}, "application_fee", "whole amount in CLP"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opts := []Option{WithClock(func() time.Time { return localNow })}
			if tc.site != "" {
				opts = append(opts, WithSite(tc.site))
			}
			c, mt := newMocked(t, opts...)
			req := tc.req()
			before, _ := json.Marshal(req)
			_, err := c.Payments.Create(context.Background(), req)
			var ve *paykit.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.Contains(t, ve.Rule, tc.rule)
			assert.Zero(t, mt.GetTotalCallCount(), "nothing may be sent")
			after, _ := json.Marshal(req)
			assert.JSONEq(t, string(before), string(after), "the request is not modified")
		})
	}
}

// TestLocalMethodRequestsGoOutWhole: a good request of each method is sent
// with its method's members, exactly.
func TestLocalMethodRequestsGoOutWhole(t *testing.T) {
	cases := map[string]struct {
		req  *PaymentRequest
		want string
	}{
		"pix": {pixRequest(), `{"transaction_amount":100.50,"payment_method_id":"pix","payer":{"email":"ana@example.com","identification":{"type":"CPF","number":"19119119100"}}}`},
		"boleto": {boletoRequest(), `{"transaction_amount":100.50,"payment_method_id":"bolbradesco","payer":{"email":"ana@example.com","first_name":"Ana","last_name":"Souza",` +
			`"identification":{"type":"CPF","number":"19119119100"},"address":{"zip_code":"06233-200","street_name":"Av. das Nações Unidas","street_number":"3003","neighborhood":"Bonfim","city":"Osasco","federal_unit":"SP"}}}`},
		"pse": {pseRequest(), `{"transaction_amount":35000,"payment_method_id":"pse","callback_url":"https://shop.example/pse/back",` +
			`"payer":{"email":"ana@example.com","identification":{"type":"CC","number":"1234567890"},"entity_type":"individual"},` +
			`"additional_info":{"ip_address":"203.0.113.9"},"transaction_details":{"financial_institution":"1007"}}`},
		"oxxo":    {simpleRequest(PaymentMethodOXXO, "250.00"), `{"transaction_amount":250.00,"payment_method_id":"oxxo","payer":{"email":"ana@example.com"}}`},
		"paycash": {simpleRequest(PaymentMethodPaycash, "250"), `{"transaction_amount":250,"payment_method_id":"paycash","payer":{"email":"ana@example.com"}}`},
		"spei":    {simpleRequest(PaymentMethodSPEI, "250"), `{"transaction_amount":250,"payment_method_id":"clabe","payer":{"email":"ana@example.com"}}`},
		"efecty":  {simpleRequest(PaymentMethodEfecty, "20000"), `{"transaction_amount":20000,"payment_method_id":"efecty","payer":{"email":"ana@example.com"}}`},
		"yape":    {yapeRequest(), `{"transaction_amount":50.00,"token":"yape-token-1","installments":1,"payment_method_id":"yape","payer":{"email":"ana@example.com"}}`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c, mt := newMocked(t, WithClock(func() time.Time { return localNow }))
			rec := &recorder{}
			mt.RegisterResponder(http.MethodPost, testBase+"/v1/payments", rec.responder(201, []byte(`{"id":1,"status":"pending"}`), nil))
			_, err := c.Payments.Create(context.Background(), tc.req)
			require.NoError(t, err)
			assert.JSONEq(t, tc.want, string(rec.last(t).Body))
		})
	}
}

func TestCurrencyDecimalsAndTheirOverride(t *testing.T) {
	for code, want := range map[string]int{"CLP": 0, "COP": 0, "ARS": 2, "BRL": 2, "MXN": 2, "PEN": 2, "UYU": 2} {
		got, ok := CurrencyDecimals(code)
		assert.True(t, ok, code)
		assert.Equal(t, want, got, code)
	}
	_, ok := CurrencyDecimals("EUR")
	assert.False(t, ok)
	for _, s := range Sites {
		back, ok := SiteOfCurrency(s.Currency())
		assert.True(t, ok)
		assert.Equal(t, s, back)
	}

	// COP is unsure: an account that takes centavos says so.
	c, mt := newMocked(t, WithCurrencyDecimals("cop", 2))
	rec := &recorder{}
	mt.RegisterResponder(http.MethodPost, testBase+"/v1/payments", rec.responder(201, []byte(`{"id":1}`), nil))
	r := pseRequest()
	r.TransactionAmount = money.MustParse("35000.50")
	_, err := c.Payments.Create(context.Background(), r)
	require.NoError(t, err)
	assert.Contains(t, string(rec.last(t).Body), `"transaction_amount":35000.50`)

	// Trailing zeros are not decimals: 15990.00 CLP is 15990 pesos.
	c2, mt2 := newMocked(t, WithSite(SiteChile))
	mt2.RegisterResponder(http.MethodPost, testBase+"/v1/payments", httpmock.NewStringResponder(201, `{"id":1}`))
	_, err = c2.Payments.Create(context.Background(), &PaymentRequest{TransactionAmount: money.MustParse("15990.00"), Token: "tok", Installments: Ptr(1), Payer: &PaymentPayer{Email: "ana@example.com"}})
	require.NoError(t, err)

	for _, bad := range []Option{WithSite("XX"), WithCurrencyDecimals("EUR", 2), WithCurrencyDecimals("COP", 5), WithCurrencyDecimals("COP", -1)} {
		_, err := NewClient(Credentials{AccessToken: testToken}, bad)
		assert.Error(t, err)
	}
}

func TestPSEBanksComeFromThePaymentMethodsList(t *testing.T) {
	c, mt := newMocked(t)
	mt.RegisterResponder(http.MethodGet, testBase+"/v1/payment_methods", httpmock.NewStringResponder(200,
		`[{"id":"pse","payment_type_id":"bank_transfer","financial_institutions":[{"id":"1051","description":"Davivienda"}]}]`))
	mt.RegisterResponder(http.MethodPost, testBase+"/v1/payments", httpmock.NewStringResponder(201, `{"id":1}`))
	_, err := c.Payments.Create(context.Background(), pseRequest())
	require.NoError(t, err, "without a list, any bank goes (the API judges)")
	_, err = c.PaymentMethods.List(context.Background())
	require.NoError(t, err)
	_, err = c.Payments.Create(context.Background(), pseRequest())
	var ve *paykit.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "transaction_details.financial_institution", ve.Field)
	r := pseRequest()
	r.TransactionDetails.FinancialInstitution = "1051"
	_, err = c.Payments.Create(context.Background(), r)
	require.NoError(t, err)
}

func TestCPFAndCNPJCheckDigits(t *testing.T) {
	for _, ok := range []string{"19119119100", "52998224725", "11144477735"} {
		assert.True(t, validCPF(ok), ok)
	}
	for _, bad := range []string{"19119119101", "52998224724", "11111111111"} {
		assert.False(t, validCPF(bad), bad)
	}
	for _, ok := range []string{"11222333000181", "11444777000161"} {
		assert.True(t, validCNPJ(ok), ok)
	}
	for _, bad := range []string{"11222333000182", "00000000000000"} {
		assert.False(t, validCNPJ(bad), bad)
	}
}

func TestNextActionReadsEveryKind(t *testing.T) {
	exp := localNow.Add(time.Hour)
	png := "iVBORw0KGgo=" // the PNG signature, base64
	cases := []struct {
		name string
		p    Payment
		want NextAction
	}{
		{"pix", Payment{ID: 1, Status: StatusPending, PaymentTypeID: "bank_transfer", DateOfExpiration: exp,
			PointOfInteraction: &PointOfInteraction{TransactionData: &POITransactionData{QRCode: "000201…", QRCodeBase64: png, TicketURL: "https://mp.example/t/1"}}},
			NextAction{Kind: ActionShowQR, PaymentID: 1, QRCode: "000201…", QRCodeBase64: png, QRCodePNG: []byte("\x89PNG\r\n\x1a\n"), URL: "https://mp.example/t/1", ExpiresAt: exp}},
		{"boleto, barcode at the root only", Payment{ID: 2, Status: StatusPending, PaymentTypeID: "ticket", Barcode: &Barcode{Content: "2379"},
			TransactionDetails: TransactionDetails{DigitableLine: "23790", ExternalResourceURL: "https://mp.example/b/2"}},
			NextAction{Kind: ActionShowVoucher, PaymentID: 2, Barcode: "2379", DigitableLine: "23790", URL: "https://mp.example/b/2"}},
		{"oxxo reference", Payment{ID: 3, Status: StatusPending, PaymentTypeID: "ticket", PaymentMethod: &PaymentMethodInfo{Data: PaymentMethodData{ReferenceID: "R-3"}},
			TransactionDetails: TransactionDetails{ExternalResourceURL: "https://mp.example/o/3"}},
			NextAction{Kind: ActionShowVoucher, PaymentID: 3, Reference: "R-3", URL: "https://mp.example/o/3"}},
		{"spei", Payment{ID: 4, Status: StatusPending, PaymentMethodID: PaymentMethodSPEI, PaymentTypeID: "bank_transfer",
			TransactionDetails: TransactionDetails{ExternalResourceURL: "https://mp.example/s/4", PaymentMethodReferenceID: "R-4"}},
			NextAction{Kind: ActionShowVoucher, PaymentID: 4, Reference: "R-4", URL: "https://mp.example/s/4"}},
		{"pse", Payment{ID: 5, Status: StatusPending, PaymentMethodID: PaymentMethodPSE, PaymentTypeID: "bank_transfer",
			TransactionDetails: TransactionDetails{ExternalResourceURL: "https://bank.example/pse"}},
			NextAction{Kind: ActionRedirect, PaymentID: 5, URL: "https://bank.example/pse"}},
		{"fintoc, newer shape", Payment{ID: 6, Status: StatusPending, PaymentMethodID: PaymentMethodFintoc, PaymentTypeID: "bank_transfer",
			PaymentMethod: &PaymentMethodInfo{Data: PaymentMethodData{ExternalResourceURL: "https://fintoc.example/w"}}},
			NextAction{Kind: ActionRedirect, PaymentID: 6, URL: "https://fintoc.example/w"}},
		{"3ds", Payment{ID: 7, Status: StatusPending, StatusDetail: DetailPendingChallenge, ThreeDSInfo: &ThreeDSInfo{ExternalResourceURL: "https://acs.example/c", CReq: "cr"}},
			NextAction{Kind: ActionChallenge3DS, PaymentID: 7, Challenge: &ThreeDSChallenge{PaymentID: 7, URL: "https://acs.example/c", CReq: "cr"}}},
		{"past its date", Payment{ID: 8, Status: StatusPending, PaymentTypeID: "ticket", DateOfExpiration: localNow,
			TransactionDetails: TransactionDetails{ExternalResourceURL: "https://mp.example/b/8"}},
			NextAction{Kind: ActionExpired, PaymentID: 8, ExpiresAt: localNow}},
		{"cancelled as expired", Payment{ID: 9, Status: StatusCancelled, StatusDetail: DetailExpired},
			NextAction{Kind: ActionExpired, PaymentID: 9}},
		{"approved", Payment{ID: 10, Status: StatusApproved, TransactionDetails: TransactionDetails{ExternalResourceURL: "https://mp.example/b/10"}},
			NextAction{Kind: ActionNone, PaymentID: 10}},
		{"pending review", Payment{ID: 11, Status: StatusPending, StatusDetail: DetailPendingReviewManual, PaymentTypeID: "credit_card"},
			NextAction{Kind: ActionNone, PaymentID: 11}},
		{"a voucher URL that is not http", Payment{ID: 12, Status: StatusPending, PaymentTypeID: "ticket",
			TransactionDetails: TransactionDetails{ExternalResourceURL: "javascript:alert(1)"}},
			NextAction{Kind: ActionNone, PaymentID: 12}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.p.NextAction(localNow))
			assert.Equal(t, tc.want.Kind == ActionExpired, tc.p.Expired(localNow))
		})
	}
	var nilPayment *Payment
	assert.Equal(t, ActionNone, nilPayment.NextAction(localNow).Kind)
}

func TestExtraMergesAndNeverOverrides(t *testing.T) {
	c, mt := newMocked(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodPost, testBase+"/v1/payments", rec.responder(201, []byte(`{"id":1}`), nil))
	r := pixRequest()
	r.Extra = map[string]any{
		"point_of_interaction": map[string]any{"type": "CHECKOUT"},
		"payer":                map[string]any{"authentication_type": "Gmail", "identification": map[string]any{"issuer": "SSP"}},
		"counter_currency":     nil,
	}
	_, err := c.Payments.Create(context.Background(), r)
	require.NoError(t, err)
	assert.Equal(t, `{"transaction_amount":100.50,"payment_method_id":"pix","payer":{"email":"ana@example.com","identification":{"type":"CPF","number":"19119119100","issuer":"SSP"},`+
		`"authentication_type":"Gmail"},"counter_currency":null,"point_of_interaction":{"type":"CHECKOUT"}}`, string(rec.last(t).Body))

	for name, tc := range map[string]struct {
		extra map[string]any
		field string
	}{
		"a top-level member paykit sets": {map[string]any{"transaction_amount": 1}, "extra.transaction_amount"},
		"a nested member paykit sets":    {map[string]any{"payer": map[string]any{"email": "x@example.com"}}, "extra.payer.email"},
		"an object over a scalar":        {map[string]any{"payment_method_id": map[string]any{"id": "pix"}}, "extra.payment_method_id"},
		"a struct over an object":        {map[string]any{"payer": struct{ A int }{1}}, "extra.payer"},
		"an empty key":                   {map[string]any{" ": 1}, "extra"},
		"a value that is not JSON":       {map[string]any{"x": math.Inf(1)}, "extra.x"},
	} {
		t.Run(name, func(t *testing.T) {
			n := rec.count()
			r := pixRequest()
			r.Extra = tc.extra
			_, err := c.Payments.Create(context.Background(), r)
			var ve *paykit.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.Equal(t, n, rec.count(), "nothing sent")
		})
	}
}

func TestCallKeepsThePathSafeAndRetriesOnlyWhenSafe(t *testing.T) {
	c, mt := newMocked(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, `=~^`+testBase+`/v1/things/`, rec.responder(200, []byte(`{"id":"a/b","amount":"12.50","n":"x"}`), http.Header{"X-Request-Id": {"rq-1"}}))
	var out struct {
		ID       string        `json:"id"`
		Amount   money.Decimal `json:"amount"`
		N        int           `json:"n"`
		Unparsed []string      `json:"-"`
	}
	meta, err := c.Call(context.Background(), "get", "/v1/things/{id}/parts", []string{"a/b"}, url.Values{"limit": {"2"}}, &out)
	require.NoError(t, err)
	got := rec.last(t)
	assert.Equal(t, "/v1/things/a%2Fb/parts", got.Path)
	assert.Equal(t, "limit=2", got.RawQuery)
	assert.Equal(t, "Bearer "+testToken, got.Header.Get("Authorization"))
	assert.Equal(t, "rq-1", meta.RequestID)
	assert.Equal(t, "a/b", out.ID)
	assert.Equal(t, "12.50", out.Amount.String())
	assert.Equal(t, []string{"n"}, out.Unparsed, "a drifted field is named, as in every call")

	for name, tc := range map[string]struct {
		tmpl  string
		args  []string
		field string
	}{
		"dot-dot arg":       {"/v1/things/{id}", []string{".."}, "pathArgs[0] (id)"},
		"control char":      {"/v1/things/{id}", []string{"a\nb"}, "pathArgs[0] (id)"},
		"empty arg":         {"/v1/things/{id}", []string{""}, "pathArgs[0] (id)"},
		"too few args":      {"/v1/things/{id}/{sub}", []string{"a"}, "path"},
		"too many args":     {"/v1/things", []string{"a"}, "pathArgs"},
		"query in template": {"/v1/things?x=1", nil, "path"},
		"relative":          {"v1/things", nil, "path"},
		"dot-dot template":  {"/v1/../admin", nil, "path"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := c.Call(context.Background(), http.MethodGet, tc.tmpl, tc.args, nil, nil)
			var ve *paykit.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
		})
	}
	_, err = c.Call(context.Background(), "TRACE", "/v1/x", nil, nil, nil)
	assert.Error(t, err)
	_, err = c.Call(context.Background(), http.MethodPost, "/v1/x", nil, json.RawMessage(`{`), nil)
	assert.Error(t, err)
	_, err = c.Call(context.Background(), http.MethodGet, "/v1/x", nil, 5, nil)
	assert.Error(t, err)

	// A POST without a key is sent once, even after a 503; with a key it is retried with the same key.
	post := &recorder{}
	mt.RegisterResponder(http.MethodPost, testBase+"/v1/new_thing", post.responder(503, []byte(`{"message":"busy"}`), nil))
	_, err = c.Call(context.Background(), http.MethodPost, "/v1/new_thing", nil, map[string]any{"a": 1}, nil)
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 1, post.count(), "a POST without an idempotency key is never repeated")
	assert.Empty(t, post.last(t).Header.Get(IdempotencyHeader))
	_, err = c.Call(context.Background(), http.MethodPost, "/v1/new_thing", nil, map[string]any{"a": 1}, nil, WithIdempotencyKey("k-1"))
	require.True(t, errors.As(err, &apiErr))
	assert.Greater(t, post.count(), 2, "with a key it is retried")
	assert.Equal(t, "k-1", post.last(t).Header.Get(IdempotencyHeader))
	assert.JSONEq(t, `{"a":1}`, string(post.last(t).Body))
}
