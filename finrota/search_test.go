package finrota

import (
	"context"
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

func TestSearchWalksPagesWire(t *testing.T) {
	env := newMockEnv(t)
	var seen []url.Values
	var auth []string
	env.mt.RegisterResponder(http.MethodGet, testBase+"/erp/payments", func(r *http.Request) (*http.Response, error) {
		seen = append(seen, r.URL.Query())
		auth = append(auth, r.Header.Get("Authorization"))
		body := fixture(t, "erp_payments_page1.json")
		if r.URL.Query().Get("page") == "2" {
			body = fixture(t, "erp_payments_page2.json")
		}
		return httpmock.NewStringResponse(200, body), nil
	})
	yes := true
	q := &TransactionSearch{From: time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 9, 30, 23, 59, 59, 0, time.UTC),
		VendorERPCode: "GARANTI", NonIntegrated: &yes, PageSize: 2}
	before := *q
	var got []*PaymentRecord
	for rec, err := range env.c.Transactions.Search(context.Background(), q) {
		require.NoError(t, err)
		got = append(got, rec)
	}
	assert.Equal(t, before, *q, "the caller's query is not changed")
	require.Len(t, seen, 2, "a full first page, a short second one")
	defer func() {
		// The same iterator ranged again starts again from page 1.
		seq := env.c.Transactions.Search(context.Background(), q)
		for range 2 {
			n := 0
			for _, err := range seq {
				require.NoError(t, err)
				n++
			}
			assert.Equal(t, 3, n)
		}
		assert.Len(t, seen, 6)
	}()
	for i, v := range seen {
		assert.Equal(t, url.Values{"StartDate": {"2025-09-01T00:00:00Z"}, "EndDate": {"2025-09-30T23:59:59Z"},
			"vendorErpCode": {"GARANTI"}, "NonIntegrated": {"true"}, "page": {[]string{"1", "2"}[i]}, "pageSize": {"2"}}, v)
		assert.Equal(t, "Bearer "+testAccess, auth[i])
	}

	require.Len(t, got, 3)
	a := got[0]
	assert.Equal(t, "5285c1d5-68c5-402d-8ac7-dce5191ac175", a.ID)
	assert.Equal(t, "f12b4f75-590e-46c2-a6e7-08ddf12841c8", a.TransactionDetailID)
	assert.Equal(t, "NTH15P0000000092", a.ReferenceNumber)
	assert.Equal(t, "A-1001", a.ClientReferenceNumber)
	assert.Equal(t, "TRY", a.Currency)
	assert.Equal(t, 1, a.Installment)
	assert.Equal(t, "52.00", a.LastAmount.String())
	assert.Equal(t, "52.00", a.LastNetAmount.String())
	assert.True(t, a.CommissionRate.IsZero())
	assert.Nil(t, a.BankPaymentDays)
	assert.Equal(t, "Kobi", a.PaymentSetERPCode)
	assert.True(t, a.Impersonated)
	assert.Empty(t, a.PaidTenantID)
	require.NotNil(t, a.Agent)
	assert.Equal(t, PaymentAgent{AgentID: "1f9c9e65-1bf3-48fc-887a-42c325d21cd2", Name: "John", Email: "john@shop.example", AgentCode: "NT53240185"}, *a.Agent)
	assert.True(t, a.Integrated())
	ist, err := time.LoadLocation("Europe/Istanbul")
	require.NoError(t, err)
	d, err := a.Date(ist)
	require.NoError(t, err)
	assert.Equal(t, time.Date(2025, 9, 11, 11, 37, 39, 358059900, time.UTC), d.UTC())

	b := got[1]
	assert.Empty(t, b.ClientReferenceNumber)
	assert.Equal(t, 3, b.Installment)
	assert.Equal(t, "2750.75", b.LastAmount.String())
	assert.True(t, b.CommissionRate.Equal(money.MustParse("2.5")))
	require.NotNil(t, b.BankPaymentDays)
	assert.Equal(t, 30, *b.BankPaymentDays)
	assert.Nil(t, b.Agent)
	assert.False(t, b.Integrated(), "a null erpTransactionCode is not integrated")
	assert.Equal(t, "10.50", got[2].LastAmount.String(), "amounts sent as strings read exactly")
	_, err = got[2].Date(nil)
	require.NoError(t, err)
}

func TestSearchPageCountersAndStop(t *testing.T) {
	env := newMockEnv(t)
	seen := env.record(http.MethodGet, "/erp/payments", 200, `{"data":[{"id":"a"},{"id":"b"}],"totalCount":2}`)
	p, err := env.c.Transactions.SearchPage(context.Background(), &TransactionSearch{ClientReferenceCode: "A-1001", PageSize: 2})
	require.NoError(t, err)
	assert.False(t, p.HasNext, "totalCount says this was all")
	assert.Equal(t, "clientReferenceCode=A-1001&page=1&pageSize=2", (*seen)[0].Query)

	env.record(http.MethodGet, "/erp/payments", 200, `{"data":[{"id":"a"}],"totalPages":3}`)
	p, err = env.c.Transactions.SearchPage(context.Background(), &TransactionSearch{Page: 2, PageSize: 1})
	require.NoError(t, err)
	assert.True(t, p.HasNext)

	// Stopping the range stops the fetching.
	seen = env.record(http.MethodGet, "/erp/payments", 200, fixture(t, "erp_payments_page1.json"))
	for range env.c.Transactions.Search(context.Background(), &TransactionSearch{PageSize: 2}) {
		break
	}
	assert.Len(t, *seen, 1)

	// An empty list ends at once.
	seen = env.record(http.MethodGet, "/erp/payments", 200, `{"data":[]}`)
	n := 0
	for range env.c.Transactions.Search(context.Background(), nil) {
		n++
	}
	assert.Zero(t, n)
	assert.Len(t, *seen, 1)
	assert.Equal(t, "page=1&pageSize=50", (*seen)[0].Query)
}

func TestSearchErrorsAndValidation(t *testing.T) {
	env := newMockEnv(t, WithMaxRetries(0))
	seen := env.record(http.MethodGet, "/erp/payments", 400, fixture(t, "error_validation.json"))
	var errs []error
	for rec, err := range env.c.Transactions.Search(context.Background(), nil) {
		assert.Nil(t, rec)
		errs = append(errs, err)
	}
	require.Len(t, errs, 1)
	var fe *Error
	require.ErrorAs(t, errs[0], &fe)
	assert.Equal(t, 400, fe.StatusCode)
	calls := len(*seen)

	day := time.Date(2025, 9, 2, 0, 0, 0, 0, time.UTC)
	for field, q := range map[string]*TransactionSearch{
		"EndDate":             {From: day, To: day.Add(-time.Second)},
		"page":                {Page: -1},
		"pageSize":            {PageSize: MaxSearchPageSize + 1},
		"clientReferenceCode": {ClientReferenceCode: " A-1"},
		"referenceCode":       {ReferenceCode: "x\n"},
		"userCode":            {UserCode: strings.Repeat("u", 129)},
	} {
		_, err := env.c.Transactions.SearchPage(context.Background(), q)
		var ve *paykit.ValidationError
		require.ErrorAs(t, err, &ve, field)
		assert.Equal(t, field, ve.Field)
		for _, err := range env.c.Transactions.Search(context.Background(), q) {
			require.ErrorAs(t, err, &ve)
		}
	}
	assert.Len(t, *seen, calls, "invalid queries send nothing")

	_, err := NewClient(Credentials{APIKey: testAPIKey, SecretKey: testSecretKey}, WithPaymentsListPath("erp/payments"))
	assert.ErrorContains(t, err, "payments list path")
}

func TestSearchCustomPath(t *testing.T) {
	env := newMockEnv(t, WithPaymentsListPath("/api/erp/payments"))
	seen := env.record(http.MethodGet, "/api/erp/payments", 200, `{"data":[]}`)
	_, err := env.c.Transactions.SearchPage(context.Background(), nil)
	require.NoError(t, err)
	assert.Len(t, *seen, 1)
}

func TestSearchDrifted(t *testing.T) {
	env := newMockEnv(t)
	env.record(http.MethodGet, "/erp/payments", 200, fixture(t, "erp_payments_drifted.json"))
	p, err := env.c.Transactions.SearchPage(context.Background(), nil)
	require.NoError(t, err, "one odd field does not fail the page")
	require.Len(t, p.Records, 1)
	r := p.Records[0]
	assert.Equal(t, "NTH15P0000000095", r.ReferenceNumber)
	assert.Equal(t, "51.1", r.LastNetAmount.String())
	assert.True(t, r.LastAmount.IsZero(), "a malformed amount is zero, never guessed")
	assert.Zero(t, r.Installment)
	all := strings.Join(append(append([]string{}, p.Unparsed...), r.Unparsed...), " ")
	assert.Contains(t, all, "lastAmount")
	assert.Contains(t, all, "installment")
	assert.False(t, p.HasNext)
}

// Every field the guide documents for a payment option decodes, in both
// shapes the gateway answers and with numbers sent as strings.
func TestPaymentOptionsEveryDocumentedField(t *testing.T) {
	env := newMockEnv(t)
	env.record(http.MethodGet, "/b2c/paymentOptions", 200, fixture(t, "payment_options.json"))
	progs, err := env.c.PaymentOptions(context.Background(), "41556501", money.MustParse("27.50"), "TRY")
	require.NoError(t, err)
	assert.Equal(t, []CardProgram{{CardProgram: "Bonus", BankName: "Garanti BBVA", Installments: []Installment{
		{Count: 1, Token: "ins_1_a", InstallmentAmount: money.MustParse("27.50"), TotalAmount: money.MustParse("27.50")},
		{Count: 3, Token: "ins_3_a", InstallmentAmount: money.MustParse("9.30"), TotalAmount: money.MustParse("27.90")},
	}}}, progs)

	env.record(http.MethodGet, "/b2c/paymentOptions", 200, fixture(t, "payment_options_bare.json"))
	progs, err = env.c.PaymentOptions(context.Background(), "41556501", money.MustParse("27.50"), "TRY")
	require.NoError(t, err)
	assert.Equal(t, []CardProgram{{CardProgram: "World", BankName: "Yapı Kredi", Installments: []Installment{
		{Count: 1, Token: "ins_1_b", InstallmentAmount: money.MustParse("27.50"), TotalAmount: money.MustParse("27.50")},
	}}}, progs)

	env.record(http.MethodGet, "/b2c/paymentOptions", 200, fixture(t, "payment_options_drifted.json"))
	progs, err = env.c.PaymentOptions(context.Background(), "41556501", money.MustParse("27.50"), "TRY")
	require.NoError(t, err, "string counts, nulls, unknown fields and a null list do not fail the answer")
	require.Len(t, progs, 2)
	assert.Equal(t, "Axess", progs[0].CardProgram)
	assert.Equal(t, "Akbank", progs[0].BankName)
	require.Len(t, progs[0].Installments, 2)
	assert.Equal(t, Installment{Count: 6, Token: "ins_6_c", InstallmentAmount: money.MustParse("4.75"), TotalAmount: money.MustParse("28.50")}, progs[0].Installments[0])
	assert.Equal(t, Installment{Token: "ins_x", TotalAmount: money.MustParse("27.5")}, progs[0].Installments[1])
	assert.Equal(t, CardProgram{BankName: "Ziraat"}, progs[1])
}
