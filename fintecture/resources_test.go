package fintecture

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/money"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEnvironmentURLs(t *testing.T) {
	assert.Equal(t, "https://api-sandbox.fintecture.com", Sandbox.APIURL())
	assert.Equal(t, "https://api.fintecture.com", Production.APIURL())
	assert.Equal(t, "https://connect-sandbox.fintecture.com", Sandbox.ConnectURL())
	assert.Equal(t, "https://connect.fintecture.com", Production.ConnectURL())
	assert.Empty(t, Environment(7).APIURL())
	assert.Empty(t, Environment(7).ConnectURL())

	c, err := NewClient(Credentials{AppID: testAppID, AppSecret: testSecret})
	require.NoError(t, err)
	assert.Equal(t, SandboxURL, c.BaseURL())
	c, err = NewClient(Credentials{AppID: testAppID, AppSecret: testSecret}, WithBaseURL("http://127.0.0.1:9"))
	require.NoError(t, err)
	assert.Equal(t, "http://127.0.0.1:9", c.BaseURL())
}

func TestProvidersListWire(t *testing.T) {
	mt, rec := mockAPI(t)
	mt.RegisterResponder(http.MethodGet, testBase+"/res/v1/providers", respondFile(t, rec, 200, "providers.json"))
	c := newTestClient(t, mt, true)

	q := &ProviderQuery{Country: "FR", PIS: SchemeInstantSEPA, PSUType: PSURetail, AuthModel: AuthRedirect,
		SortBy: SortByFullName, Descending: true, Extra: url.Values{"filter[bic]": {"CMCIFRPP"}}}
	before := *q
	list, err := c.Providers.List(context.Background(), q)
	require.NoError(t, err)
	assert.Equal(t, before, *q)

	got := rec.byPath("/res/v1/providers")
	require.Len(t, got, 1)
	r := got[0]
	assert.Equal(t, http.MethodGet, r.Method)
	vals, err := url.ParseQuery(r.RawQuery)
	require.NoError(t, err)
	assert.Equal(t, url.Values{"filter[country]": {"FR"}, "filter[pis]": {"iSCT"}, "filter[psu_type]": {"retail"},
		"filter[auth_model]": {"redirect"}, "sort[full_name]": {"DESC"}, "filter[bic]": {"CMCIFRPP"}}, vals)
	// The resources identify the app with app_id, not with a token: no token call was made.
	assert.Equal(t, testAppID, r.Header.Get("App_id"))
	assert.Empty(t, r.Header.Get("Authorization"))
	assert.Empty(t, rec.byPath("/oauth/accesstoken"))
	assert.NotEmpty(t, r.Header.Get("Signature"), "a signing client signs this call too")
	assert.Empty(t, r.Body)

	require.Len(t, list.Providers, 2)
	cic := list.Providers[0]
	assert.Equal(t, "cmcifrpp", cic.ID)
	assert.Equal(t, "CIC", cic.Name)
	assert.Equal(t, "Crédit Industriel et Commercial", cic.FullName)
	assert.Equal(t, "FR", cic.Country)
	assert.Equal(t, "CMCIFRPP", cic.BIC)
	assert.Equal(t, []string{"SEPA", "iSCT"}, cic.PIS)
	assert.Equal(t, []string{"Accounts", "Transactions", "Accountholders"}, cic.AIS)
	assert.Equal(t, []string{"retail", "corporate"}, cic.PSUTypes)
	assert.Equal(t, []string{"redirect"}, cic.AuthModels)
	assert.Equal(t, "https://assets.fintecture.com/logos/cmcifrpp.png", cic.Logo)
	assert.True(t, cic.Offers("isct"))
	bnp := list.Providers[1]
	assert.Equal(t, []string{"retail"}, bnp.PSUTypes, "a single psu_type string reads as a one-item list")
	assert.Equal(t, []string{"redirect", "decoupled"}, bnp.AuthModels)
	assert.False(t, bnp.Offers(SchemeInstantSEPA))
	assert.Empty(t, list.Unparsed)
	assert.Equal(t, 200, list.Meta.StatusCode)
}

func TestProvidersListNoQueryAndGet(t *testing.T) {
	mt, rec := mockAPI(t)
	mt.RegisterResponder(http.MethodGet, testBase+"/res/v1/providers", respondFile(t, rec, 200, "providers.json"))
	mt.RegisterResponder(http.MethodGet, testBase+"/res/v1/providers/cmcifrpp", respondFile(t, rec, 200, "provider_one.json"))
	c := newTestClient(t, mt, false)
	_, err := c.Providers.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Empty(t, rec.byPath("/res/v1/providers")[0].RawQuery)

	p, err := c.Providers.Get(context.Background(), "cmcifrpp")
	require.NoError(t, err)
	r := rec.byPath("/res/v1/providers/cmcifrpp")[0]
	assert.Equal(t, http.MethodGet, r.Method)
	assert.Equal(t, testAppID, r.Header.Get("App_id"))
	assert.Empty(t, r.Header.Get("Authorization"))
	assert.Equal(t, "cmcifrpp", p.ID)
	assert.Equal(t, []string{"SEPA", "iSCT"}, p.PIS)
}

func TestProvidersDrifted(t *testing.T) {
	mt, rec := mockAPI(t)
	mt.RegisterResponder(http.MethodGet, testBase+"/res/v1/providers", respondFile(t, rec, 200, "providers_drifted.json"))
	c := newTestClient(t, mt, false)
	list, err := c.Providers.List(context.Background(), &ProviderQuery{Country: "FR"})
	require.NoError(t, err, "one odd field does not fail the list")
	require.Len(t, list.Providers, 1, "an item without an id is left out and reported")
	p := list.Providers[0]
	assert.Equal(t, "agrifrpp", p.ID)
	assert.Equal(t, "Crédit Agricole", p.Name)
	assert.Equal(t, "Crédit Agricole", p.FullName, "a null full_name falls back to the name")
	assert.Empty(t, p.Country, "a country that is an object is not guessed")
	assert.Equal(t, []string{"SEPA"}, p.PIS)
	assert.Equal(t, []string{"redirect"}, p.AuthModels)
	all := strings.Join(append(append([]string{}, list.Unparsed...), p.Unparsed...), " ")
	assert.Contains(t, all, "country")
	assert.Contains(t, all, "data[1].id")
}

func TestProvidersValidation(t *testing.T) {
	mt, rec := mockAPI(t)
	c := newTestClient(t, mt, false)
	for _, q := range []*ProviderQuery{
		{Country: "fr"}, {Country: "FRA"}, {PSUType: "both"}, {AuthModel: "embedded"},
		{SortBy: "bic"}, {Descending: true}, {PIS: "SEPA&x=1"},
	} {
		_, err := c.Providers.List(context.Background(), q)
		var ve *paykit.ValidationError
		require.ErrorAs(t, err, &ve, "%+v", q)
		assert.NotEmpty(t, ve.Field)
	}
	for _, id := range []string{"", "  ", strings.Repeat("x", 65)} {
		_, err := c.Providers.Get(context.Background(), id)
		var ve *paykit.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, "provider_id", ve.Field)
	}
	assert.Empty(t, rec.all(), "nothing was sent")
}

func TestListPaymentsWalksPages(t *testing.T) {
	mt, rec := mockAPI(t)
	mt.RegisterResponder(http.MethodGet, testBase+"/pis/v2/payments", func(req *http.Request) (*http.Response, error) {
		file := "payments_page1.json"
		if req.URL.Query().Get("page[number]") == "2" {
			file = "payments_page2.json"
		}
		return respondFile(t, rec, 200, file)(req)
	})
	c := newTestClient(t, mt, true)
	q := &PaymentQuery{Status: StatusCreated, From: time.Date(2024, 3, 1, 23, 0, 0, 0, time.UTC),
		To: time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC), PageSize: 2}
	var got []*Payment
	for p, err := range c.PIS.ListPayments(context.Background(), q) {
		require.NoError(t, err)
		got = append(got, p)
	}
	assert.Equal(t, 0, q.Page, "the caller's query is not changed")

	calls := rec.byPath("/pis/v2/payments")
	require.Len(t, calls, 2)
	defer func() {
		// The same iterator ranged again starts again from page 1.
		seq := c.PIS.ListPayments(context.Background(), q)
		for range 2 {
			n := 0
			for _, err := range seq {
				require.NoError(t, err)
				n++
			}
			assert.Equal(t, 3, n)
		}
		assert.Len(t, rec.byPath("/pis/v2/payments"), 6)
	}()
	for i, r := range calls {
		assert.Equal(t, http.MethodGet, r.Method)
		assert.Equal(t, "Bearer "+testToken, r.Header.Get("Authorization"))
		assert.NotEmpty(t, r.Header.Get("Signature"))
		vals, err := url.ParseQuery(r.RawQuery)
		require.NoError(t, err)
		assert.Equal(t, url.Values{"filter[status]": {"payment_created"}, "filter[date_from]": {"2024-03-01"},
			"filter[date_to]": {"2024-03-31"}, "page[number]": {[]string{"1", "2"}[i]}, "page[size]": {"2"}}, vals)
	}

	require.Len(t, got, 3)
	p := got[0]
	assert.Equal(t, "7f47d3675f5d4964bc416b43af63b06e", p.SessionID)
	assert.Equal(t, StatusCreated, p.Status)
	assert.Equal(t, 200, p.Code)
	assert.Equal(t, "cmcifrpp", p.Provider)
	assert.True(t, p.IsAccepted)
	assert.True(t, p.HasSettlementCompleted)
	assert.Equal(t, "PayByBank", p.Type)
	assert.Equal(t, "273.00", p.Amount.String())
	assert.Equal(t, TransferCompleted, p.TransferState)
	assert.Equal(t, "2024-03-08", p.ExecutionDate)
	// An item with its state in attributes only.
	assert.Equal(t, "0c9a1b8d6e5f4a3b2c1d0e9f8a7b6c5d", got[1].SessionID)
	assert.Equal(t, StatusPending, got[1].Status)
	assert.Equal(t, "RequestToPay", got[1].Type)
	assert.Equal(t, "bnpafrpp", got[1].Provider)
	assert.True(t, got[1].Amount.Equal(money.MustParse("12.3")))
	assert.Equal(t, "1000.50", got[2].Amount.String())
}

func TestListPaymentsPageAndStop(t *testing.T) {
	mt, rec := mockAPI(t)
	mt.RegisterResponder(http.MethodGet, testBase+"/pis/v2/payments", respondFile(t, rec, 200, "payments_page1.json"))
	c := newTestClient(t, mt, false)
	page, err := c.PIS.ListPaymentsPage(context.Background(), &PaymentQuery{SessionID: "7f47d3675f5d4964bc416b43af63b06e"})
	require.NoError(t, err)
	assert.True(t, page.HasNext)
	assert.Equal(t, 1, page.Page)
	assert.Len(t, page.Payments, 2)
	vals, _ := url.ParseQuery(rec.byPath("/pis/v2/payments")[0].RawQuery)
	assert.Equal(t, url.Values{"filter[session_id]": {"7f47d3675f5d4964bc416b43af63b06e"}, "page[number]": {"1"}, "page[size]": {"50"}}, vals)

	// Stopping the range stops the fetching.
	n := 0
	for _, err := range c.PIS.ListPayments(context.Background(), nil) {
		require.NoError(t, err)
		n++
		break
	}
	assert.Equal(t, 1, n)
	assert.Len(t, rec.byPath("/pis/v2/payments"), 2)
}

func TestListPaymentsErrorYieldedOnce(t *testing.T) {
	mt, rec := mockAPI(t)
	mt.RegisterResponder(http.MethodGet, testBase+"/pis/v2/payments", respondFile(t, rec, 401, "error_401.json"))
	c := newTestClient(t, mt, false, WithMaxRetries(0))
	var errs []error
	for p, err := range c.PIS.ListPayments(context.Background(), nil) {
		assert.Nil(t, p)
		errs = append(errs, err)
	}
	require.Len(t, errs, 1)
	var fe *Error
	require.ErrorAs(t, errs[0], &fe)
	assert.Equal(t, 401, fe.StatusCode)
}

func TestListPaymentsDrifted(t *testing.T) {
	mt, rec := mockAPI(t)
	mt.RegisterResponder(http.MethodGet, testBase+"/pis/v2/payments", respondFile(t, rec, 200, "payments_drifted.json"))
	c := newTestClient(t, mt, false)
	page, err := c.PIS.ListPaymentsPage(context.Background(), &PaymentQuery{PageSize: 10})
	require.NoError(t, err)
	assert.False(t, page.HasNext, "no links, no page count, a short page: the last")
	require.Len(t, page.Payments, 2)
	a := page.Payments[0]
	assert.Equal(t, "aa11", a.SessionID)
	assert.Equal(t, PaymentStatus("payment_brand_new_status"), a.Status, "unknown statuses decode as they are")
	assert.False(t, a.Status.Known())
	assert.Equal(t, TransferState("teleported"), a.TransferState)
	assert.True(t, a.Amount.IsZero(), "a malformed amount is zero, never guessed")
	assert.Equal(t, "EUR", a.Currency)
	assert.True(t, page.Payments[1].Amount.Equal(money.MustParse("45.1")), "a bare number reads too")
	all := strings.Join(page.Unparsed, " ")
	assert.Contains(t, all, "amount")
	assert.Contains(t, all, "is_accepted")
}

func TestPaymentQueryValidation(t *testing.T) {
	mt, rec := mockAPI(t)
	c := newTestClient(t, mt, false)
	day := time.Date(2024, 3, 2, 0, 0, 0, 0, time.UTC)
	for _, q := range []*PaymentQuery{
		{From: day, To: day.AddDate(0, 0, -1)}, {Page: -1}, {PageSize: MaxPageSize + 1}, {PageSize: -2},
		{SessionID: strings.Repeat("x", 300)}, {Status: "payment_created&x=1"},
		{Extra: url.Values{"page[size]": {"1000"}}},
	} {
		_, err := c.PIS.ListPaymentsPage(context.Background(), q)
		var ve *paykit.ValidationError
		require.ErrorAs(t, err, &ve, "%+v", q)
		for _, err := range c.PIS.ListPayments(context.Background(), q) {
			require.ErrorAs(t, err, &ve)
		}
	}
	assert.Empty(t, rec.all())
}

func TestSettlementsWire(t *testing.T) {
	mt, rec := mockAPI(t)
	mt.RegisterResponder(http.MethodGet, testBase+"/pis/v2/settlements", respondFile(t, rec, 200, "settlements.json"))
	mt.RegisterResponder(http.MethodGet, testBase+"/pis/v2/settlements/127335fdeb073e0eb2313ba0bd71ad44", func(req *http.Request) (*http.Response, error) {
		if req.URL.Query().Get("include") == "payments" {
			return respondFile(t, rec, 200, "settlement_one.json")(req)
		}
		return respondFile(t, rec, 200, "settlement_included.json")(req)
	})
	c := newTestClient(t, mt, true)
	var got []*Settlement
	for s, err := range c.PIS.ListSettlements(context.Background(), &SettlementQuery{From: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)}) {
		require.NoError(t, err)
		got = append(got, s)
	}
	calls := rec.byPath("/pis/v2/settlements")
	require.Len(t, calls, 1, "meta says one page")
	vals, _ := url.ParseQuery(calls[0].RawQuery)
	assert.Equal(t, url.Values{"filter[date_from]": {"2024-03-01"}, "page[number]": {"1"}, "page[size]": {"50"}}, vals)
	assert.Equal(t, "Bearer "+testToken, calls[0].Header.Get("Authorization"))
	require.Len(t, got, 2)
	assert.Equal(t, "127335fdeb073e0eb2313ba0bd71ad44", got[0].ID)
	assert.Equal(t, SettlementStatus("settled"), got[0].Status)
	assert.Equal(t, "1273.50", got[0].Amount.String())
	assert.Equal(t, "2024-03-11", got[0].ExecutionDate)
	assert.Equal(t, "FINTECTURE SETTLEMENT 127335", got[0].Communication)
	assert.Equal(t, SettlementStatus("pending"), got[1].Status)

	st, err := c.PIS.GetSettlement(context.Background(), "127335fdeb073e0eb2313ba0bd71ad44", true)
	require.NoError(t, err)
	one := rec.byPath("/pis/v2/settlements/127335fdeb073e0eb2313ba0bd71ad44")
	require.Len(t, one, 1)
	assert.Equal(t, "include=payments", one[0].RawQuery)
	assert.Equal(t, []string{"7f47d3675f5d4964bc416b43af63b06e", "5e1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b"}, st.SessionIDs)

	st, err = c.PIS.GetSettlement(context.Background(), "127335fdeb073e0eb2313ba0bd71ad44", false)
	require.NoError(t, err)
	assert.Empty(t, rec.byPath("/pis/v2/settlements/127335fdeb073e0eb2313ba0bd71ad44")[1].RawQuery)
	assert.Equal(t, []string{"7f47d3675f5d4964bc416b43af63b06e"}, st.SessionIDs, "payments in a top-level included list count too")
	assert.True(t, st.Amount.Equal(money.MustParse("1273.5")))
	assert.Equal(t, "2024-03-11", st.ExecutionDate)

	_, err = c.PIS.GetSettlement(context.Background(), " ", false)
	var ve *paykit.ValidationError
	require.ErrorAs(t, err, &ve)
	_, err = c.PIS.ListSettlementsPage(context.Background(), &SettlementQuery{From: time.Now(), To: time.Now().AddDate(0, 0, -3)})
	require.ErrorAs(t, err, &ve)
}

func seedRequestToPay() *RequestToPayRequest {
	return &RequestToPayRequest{
		Amount: money.MustParse("230.79"), Currency: "EUR", Communication: "Reference 8786469",
		Name: "M. John Doe", Email: "john@doe.com", Phone: "06 01 02 03 04", PhonePrefix: "+33",
		Address: &Address{Number: "5", Street: "Parvis Alan Turing", Zip: "75013", City: "Paris", Country: "FR"},
		CC:      "copy@shop.example", Expiry: 24 * time.Hour, Language: "fr",
		RedirectURI: "https://shop.example.com/fintecture/return", State: "inv-8786469",
	}
}

func TestRequestToPayWire(t *testing.T) {
	mt, rec := mockAPI(t)
	mt.RegisterResponder(http.MethodPost, testBase+"/pis/v2/request-to-pay", respondFile(t, rec, 200, "request_to_pay_response.json"))
	c := newTestClient(t, mt, true)
	req := seedRequestToPay()
	before := *req
	rtp, err := c.PIS.RequestToPay(context.Background(), req)
	require.NoError(t, err)
	assert.Equal(t, before, *req)
	assert.Equal(t, "fee8b638c1c44af1a4a2dd7dd781ecf8", rtp.SessionID)
	assert.Equal(t, "https://fintecture.link/p/2uBv7Kk", rtp.URL)

	got := rec.byPath("/pis/v2/request-to-pay")
	require.Len(t, got, 1)
	r := got[0]
	assert.Equal(t, http.MethodPost, r.Method)
	assert.Equal(t, "redirect_uri=https%3A%2F%2Fshop.example.com%2Ffintecture%2Freturn&state=inv-8786469", r.RawQuery)
	assert.Equal(t, "fr", r.Header.Get("X-Language"))
	assert.Equal(t, "Bearer "+testToken, r.Header.Get("Authorization"))
	assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
	assert.NotEmpty(t, r.Header.Get("Digest"))
	assert.Contains(t, r.Header.Get("Signature"), `headers="(request-target) date digest x-request-id"`)
	assert.Equal(t, `{"meta":{"psu_name":"M. John Doe","psu_email":"john@doe.com","psu_phone":"0601020304","psu_phone_prefix":"+33",`+
		`"psu_address":{"street":"Parvis Alan Turing","street_number":"5","zip":"75013","city":"Paris","country":"FR"},`+
		`"cc":"copy@shop.example","expiry":86400},`+
		`"data":{"type":"REQUEST_TO_PAY","attributes":{"amount":"230.79","currency":"EUR","communication":"Reference 8786469"}}}`, r.Body)
}

func TestRequestToPayMinimalAndDataType(t *testing.T) {
	mt, rec := mockAPI(t)
	mt.RegisterResponder(http.MethodPost, testBase+"/pis/v2/request-to-pay", respondFile(t, rec, 200, "request_to_pay_response.json"))
	c := newTestClient(t, mt, false)
	_, err := c.PIS.RequestToPay(context.Background(), &RequestToPayRequest{Amount: money.MustParse("5"), Currency: "EUR",
		Communication: "INV-1", Name: "Ana", Method: "link", Language: "en", DataType: "request-to-pay"})
	require.NoError(t, err)
	r := rec.byPath("/pis/v2/request-to-pay")[0]
	assert.Empty(t, r.RawQuery)
	assert.Equal(t, `{"meta":{"psu_name":"Ana","method":"link"},"data":{"type":"request-to-pay","attributes":{"amount":"5.00","currency":"EUR","communication":"INV-1"}}}`, r.Body)
}

func TestRequestToPayValidationSendsNothing(t *testing.T) {
	tests := map[string]func(r *RequestToPayRequest){
		"data.attributes.amount":        func(r *RequestToPayRequest) { r.Amount = money.MustParse("1.001") },
		"data.attributes.currency":      func(r *RequestToPayRequest) { r.Currency = "eur" },
		"data.attributes.communication": func(r *RequestToPayRequest) { r.Communication = " " },
		"meta.psu_name":                 func(r *RequestToPayRequest) { r.Name = "" },
		"meta.psu_email":                func(r *RequestToPayRequest) { r.Email, r.Phone = "", "" },
		"meta.cc":                       func(r *RequestToPayRequest) { r.CC = "Bob <bob@x.example>" },
		"meta.psu_phone":                func(r *RequestToPayRequest) { r.Phone = "+33601020304" },
		"meta.psu_phone_prefix":         func(r *RequestToPayRequest) { r.PhonePrefix = "33" },
		"x-language":                    func(r *RequestToPayRequest) { r.Language = "FR" },
		"redirect_uri":                  func(r *RequestToPayRequest) { r.RedirectURI = "/relative" },
		"state":                         func(r *RequestToPayRequest) { r.State = strings.Repeat("s", 513) },
		"meta.expiry":                   func(r *RequestToPayRequest) { r.Expiry = time.Millisecond },
	}
	mt, rec := mockAPI(t)
	c := newTestClient(t, mt, false)
	for field, mod := range tests {
		req := seedRequestToPay()
		mod(req)
		_, err := c.PIS.RequestToPay(context.Background(), req)
		var ve *paykit.ValidationError
		require.ErrorAs(t, err, &ve, field)
		assert.Equal(t, field, ve.Field)
	}
	_, err := c.PIS.RequestToPay(context.Background(), nil)
	var ve *paykit.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Empty(t, rec.all())
}

// A request to pay that may have arrived is never sent again: the payer
// could get two links.
func TestRequestToPayNeverRepeated(t *testing.T) {
	mt, rec := mockAPI(t)
	mt.RegisterResponder(http.MethodPost, testBase+"/pis/v2/request-to-pay", func(req *http.Request) (*http.Response, error) {
		rec.add(req)
		return httpmock.NewStringResponse(502, "bad gateway"), nil
	})
	c := newTestClient(t, mt, false, WithMaxRetries(3))
	_, err := c.PIS.RequestToPay(context.Background(), seedRequestToPay())
	var fe *Error
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, 502, fe.StatusCode)
	assert.Len(t, rec.byPath("/pis/v2/request-to-pay"), 1)

	mt.RegisterResponder(http.MethodPost, testBase+"/pis/v2/request-to-pay", func(req *http.Request) (*http.Response, error) {
		rec.add(req)
		return nil, errors.New("connection reset by peer")
	})
	_, err = c.PIS.RequestToPay(context.Background(), seedRequestToPay())
	var ne *paykit.NetworkError
	require.ErrorAs(t, err, &ne)
	assert.True(t, ne.MayHaveReachedServer)
	assert.Len(t, rec.byPath("/pis/v2/request-to-pay"), 2)
}

func TestGetRefundWire(t *testing.T) {
	mt, rec := mockAPI(t)
	mt.RegisterResponder(http.MethodGet, testBase+"/pis/v2/payments/c1f0e2d3b4a5968778695a4b3c2d1e0f", respondFile(t, rec, 200, "refund_status.json"))
	c := newTestClient(t, mt, false)
	st, err := c.PIS.GetRefund(context.Background(), "c1f0e2d3b4a5968778695a4b3c2d1e0f")
	require.NoError(t, err)
	r := rec.byPath("/pis/v2/payments/c1f0e2d3b4a5968778695a4b3c2d1e0f")[0]
	assert.Equal(t, http.MethodGet, r.Method)
	assert.Equal(t, "Bearer "+testToken, r.Header.Get("Authorization"))
	assert.Equal(t, "c1f0e2d3b4a5968778695a4b3c2d1e0f", st.SessionID)
	assert.Equal(t, "7f47d3675f5d4964bc416b43af63b06e", st.RefundedSessionID)
	assert.Equal(t, StatusCreated, st.Status)
	assert.True(t, st.Done())
	assert.Equal(t, "Refund", st.Type)
	assert.Equal(t, TransferSent, st.TransferState)
	assert.Equal(t, "15.20", st.Amount.String())
	assert.Equal(t, "REFUND ORDER-123", st.Communication)

	_, err = c.PIS.GetRefund(context.Background(), "")
	var ve *paykit.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Len(t, rec.byPath("/pis/v2/payments/c1f0e2d3b4a5968778695a4b3c2d1e0f"), 1)
}

func TestRefundWebhookDecodes(t *testing.T) {
	body := "session_id=c1f0e2d3b4a5968778695a4b3c2d1e0f&status=payment_created&refunded_session_id=7f47d3675f5d4964bc416b43af63b06e" +
		"&amount=15.20&currency=EUR&type=Refund&transfer_state=sent&state=order-42"
	v := testVerifier(t)
	req := signWebhook(t, body, "application/x-www-form-urlencoded", testDate, nil)
	ev, err := v.Verify(req)
	require.NoError(t, err)
	assert.True(t, ev.IsRefund())
	assert.True(t, ev.RefundDone())
	assert.Equal(t, "c1f0e2d3b4a5968778695a4b3c2d1e0f", ev.SessionID)
	assert.Equal(t, "7f47d3675f5d4964bc416b43af63b06e", ev.RefundedSessionID)
	assert.Equal(t, "15.20", ev.Amount.String())

	pending := signWebhook(t, strings.Replace(body, "payment_created", "payment_pending", 1), "application/x-www-form-urlencoded", testDate, nil)
	ev, err = v.Verify(pending)
	require.NoError(t, err)
	assert.True(t, ev.IsRefund())
	assert.False(t, ev.RefundDone())

	pay := signWebhook(t, "session_id=7f47d3675f5d4964bc416b43af63b06e&status=payment_created&state=order-42", "application/x-www-form-urlencoded", testDate, nil)
	ev, err = v.Verify(pay)
	require.NoError(t, err)
	assert.False(t, ev.IsRefund())
	assert.False(t, ev.RefundDone())
}

func TestRefundStateWire(t *testing.T) {
	mt, rec := mockAPI(t)
	mt.RegisterResponder(http.MethodPost, testBase+"/pis/v2/refund", func(req *http.Request) (*http.Response, error) {
		rec.add(req)
		return httpmock.NewStringResponse(200, `{"meta":{"session_id":"r1","refunded_session_id":"s1","status":"refund_waiting"}}`), nil
	})
	c := newTestClient(t, mt, true)
	_, err := c.PIS.Refund(context.Background(), &RefundRequest{SessionID: "s1", Amount: money.MustParse("15.2"),
		Communication: "REFUND ORDER-123", State: "credit note 7"})
	require.NoError(t, err)
	r := rec.byPath("/pis/v2/refund")[0]
	assert.Equal(t, "state=credit+note+7", r.RawQuery)
	assert.Equal(t, `{"meta":{"session_id":"s1"},"data":{"attributes":{"amount":"15.20","communication":"REFUND ORDER-123"}}}`, r.Body)
	assert.Contains(t, r.Header.Get("Signature"), `headers="(request-target) date digest x-request-id"`)

	_, err = c.PIS.Refund(context.Background(), &RefundRequest{SessionID: "s1", State: strings.Repeat("s", 513)})
	var ve *paykit.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "state", ve.Field)
	assert.Len(t, rec.byPath("/pis/v2/refund"), 1, "nothing sent for a state too long")
}
