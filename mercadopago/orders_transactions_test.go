package mercadopago

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/transport"
	"github.com/paykit-go/paykit/money"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	searchBegin = time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC)
	searchEnd   = time.Date(2025, 11, 11, 23, 59, 59, 0, time.UTC)
)

func TestOrdersSearchPage(t *testing.T) {
	c, mt := newMocked(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"/v1/orders", rec.responder(200, fixture(t, "order_search.json"), nil))
	p, err := c.Orders.SearchPage(context.Background(), &OrderSearch{BeginDate: searchBegin, EndDate: searchEnd,
		ExternalReference: "ext_ref_1234", Status: OrderProcessed, PaymentMethodType: "credit_card", Page: 1, PageSize: 20,
		SortBy: "created_date", SortOrder: "desc"})
	require.NoError(t, err)
	got := rec.last(t)
	assertCommonHeaders(t, got)
	assert.Equal(t, "/v1/orders", got.Path)
	assert.Equal(t, "begin_date=2025-11-01T00%3A00%3A00Z&end_date=2025-11-11T23%3A59%3A59Z&external_reference=ext_ref_1234"+
		"&page=1&page_size=20&payment_method_type=credit_card&sort_by=created_date&sort_order=desc&status=processed", got.RawQuery)
	require.Len(t, p.Data, 1)
	assert.Equal(t, "ORD01K9SN1Q5959CGN8QGW00EH7V5", p.Data[0].ID)
	assert.Equal(t, "24.90", p.Data[0].TotalAmount.String())
	assert.Equal(t, OrderPaging{Total: 1, TotalPages: 1, Offset: 0, Limit: 20}, p.Paging)
	assert.Empty(t, p.Unparsed)
}

// The drifted search answer: data as one object instead of a list, paging
// numbers as strings, the amount as a number and "cancelled" for an order
// status the reference spells "canceled".
func TestOrdersSearchPageDrifted(t *testing.T) {
	c, mt := newMocked(t)
	mt.RegisterResponder(http.MethodGet, testBase+"/v1/orders", (&recorder{}).responder(200, fixture(t, "order_search_drifted.json"), nil))
	p, err := c.Orders.SearchPage(context.Background(), &OrderSearch{BeginDate: searchBegin, EndDate: searchEnd})
	require.NoError(t, err)
	require.Len(t, p.Data, 1)
	o := p.Data[0]
	assert.Equal(t, OrderCanceled, o.Status, "cancelled reads as the same status as canceled")
	assert.Equal(t, "24.9", o.TotalAmount.String())
	assert.Equal(t, "12345", o.UserID)
	assert.Equal(t, TransactionCanceled, o.Payment().Status)
	assert.Equal(t, OrderPaging{Total: 1, TotalPages: 1, Offset: 0, Limit: 20}, p.Paging)
}

func TestOrdersSearchValidates(t *testing.T) {
	c, mt := newMocked(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"/v1/orders", rec.responder(200, fixture(t, "order_search.json"), nil))
	for name, tc := range map[string]struct {
		q     *OrderSearch
		field string
	}{
		"nil":          {nil, "begin_date"},
		"no dates":     {&OrderSearch{}, "begin_date"},
		"reversed":     {&OrderSearch{BeginDate: searchEnd, EndDate: searchBegin}, "end_date"},
		"too long":     {&OrderSearch{BeginDate: searchBegin, EndDate: searchBegin.Add(721 * time.Hour)}, "end_date"},
		"page size":    {&OrderSearch{BeginDate: searchBegin, EndDate: searchEnd, PageSize: 101}, "page_size"},
		"page":         {&OrderSearch{BeginDate: searchBegin, EndDate: searchEnd, Page: -1}, "page"},
		"sort by":      {&OrderSearch{BeginDate: searchBegin, EndDate: searchEnd, SortBy: "amount"}, "sort_by"},
		"sort order":   {&OrderSearch{BeginDate: searchBegin, EndDate: searchEnd, SortOrder: "up"}, "sort_order"},
		"external ref": {&OrderSearch{BeginDate: searchBegin, EndDate: searchEnd, ExternalReference: string(make([]byte, 65))}, "external_reference"},
	} {
		_, err := c.Orders.SearchPage(context.Background(), tc.q)
		var ve *paykit.ValidationError
		require.ErrorAs(t, err, &ve, name)
		assert.Equal(t, tc.field, ve.Field, name)
		for _, err := range c.Orders.Search(context.Background(), tc.q) {
			require.ErrorAs(t, err, &ve, name+" (iterator)")
		}
	}
	assert.Equal(t, 0, rec.count(), "nothing is sent for a refused query")
}

// Search walks pages 1, 2, 3 and stops at the reported page count.
func TestOrdersSearchIterates(t *testing.T) {
	c, mt := newMocked(t)
	rec := &recorder{}
	pages := map[string]string{
		"1": `{"data":[{"id":"A1"},{"id":"A2"}],"paging":{"total":"5","total_pages":"3","offset":"0","limit":"2"}}`,
		"2": `{"data":[{"id":"A3"},{"id":"A4"}],"paging":{"total":"5","total_pages":"3","offset":"2","limit":"2"}}`,
		"3": `{"data":[{"id":"A5"}],"paging":{"total":"5","total_pages":"3","offset":"4","limit":"2"}}`,
	}
	mt.RegisterResponder(http.MethodGet, testBase+"/v1/orders", func(r *http.Request) (*http.Response, error) {
		return rec.responder(200, []byte(pages[r.URL.Query().Get("page")]), nil)(r)
	})
	var ids []string
	for o, err := range c.Orders.Search(context.Background(), &OrderSearch{BeginDate: searchBegin, EndDate: searchEnd, PageSize: 2}) {
		require.NoError(t, err)
		ids = append(ids, o.ID)
	}
	assert.Equal(t, []string{"A1", "A2", "A3", "A4", "A5"}, ids)
	assert.Equal(t, 3, rec.count())
	assert.Equal(t, "2", mustQuery(t, rec.calls[1].RawQuery, "page"))
}

func mustQuery(t *testing.T, raw, key string) string {
	t.Helper()
	for _, kv := range splitQuery(raw) {
		if kv[0] == key {
			return kv[1]
		}
	}
	t.Fatalf("no %s in %s", key, raw)
	return ""
}

func splitQuery(raw string) [][2]string {
	var out [][2]string
	for len(raw) > 0 {
		var part string
		part, raw, _ = cut(raw, "&")
		k, v, _ := cut(part, "=")
		out = append(out, [2]string{k, v})
	}
	return out
}

func cut(s, sep string) (string, string, bool) {
	for i := 0; i+len(sep) <= len(s); i++ {
		if s[i:i+len(sep)] == sep {
			return s[:i], s[i+len(sep):], true
		}
	}
	return s, "", false
}

func TestOrdersAddTransactions(t *testing.T) {
	c, mt := newMocked(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodPost, testBase+"/v1/orders/01JAQD7X3WDPR0QXH2FM2ZD8WY/transactions",
		rec.responder(201, fixture(t, "order_transactions.json"), nil))
	res, err := c.Orders.AddTransactions(context.Background(), "01JAQD7X3WDPR0QXH2FM2ZD8WY", &OrderTransactionsRequest{Payments: []OrderPaymentRequest{{
		Amount: money.MustParse("1000.00"), PaymentMethod: OrderPaymentMethod{ID: "master", Type: "credit_card", Token: "ff8080814c11e237014c1ff593b57b4d", Installments: 1}}}},
		WithIdempotencyKey("add-1"))
	require.NoError(t, err)
	got := rec.last(t)
	assertCommonHeaders(t, got)
	assert.Equal(t, "add-1", got.Header.Get(IdempotencyHeader))
	assert.JSONEq(t, `{"payments":[{"amount":"1000.00","payment_method":{"id":"master","type":"credit_card","token":"ff8080814c11e237014c1ff593b57b4d","installments":1}}]}`, string(got.Body))
	require.Len(t, res.Payments, 1)
	assert.Equal(t, "PAY01JAQD7X3WDPR0QXH2FPMBH9PT", res.Payments[0].ID)
	assert.Equal(t, TransactionCreated, res.Payments[0].Status)
	assert.Equal(t, "add-1", res.Meta.IdempotencyKey)

	mt.RegisterResponder(http.MethodPost, testBase+"/v1/orders/X/transactions", rec.responder(201, fixture(t, "order_transactions_drifted.json"), nil))
	res, err = c.Orders.AddTransactions(context.Background(), "X", &OrderTransactionsRequest{Payments: []OrderPaymentRequest{{
		Amount: money.MustParse("1000"), PaymentMethod: OrderPaymentMethod{ID: "pix", Type: "bank_transfer"}}}})
	require.NoError(t, err)
	assert.Equal(t, "1000", res.Payments[0].Amount.String())
	assert.Equal(t, 1, res.Payments[0].AttemptNumber)
	require.NotNil(t, res.Payments[0].PaymentMethod.TransactionSecurity)
	assert.Equal(t, LiabilityShiftRequired, res.Payments[0].PaymentMethod.TransactionSecurity.LiabilityShift)
}

func TestOrdersUpdateAndDeleteTransaction(t *testing.T) {
	c, mt := newMocked(t)
	rec := &recorder{}
	path := testBase + "/v1/orders/01JAQD7X3WDPR0QXH2FM2ZD8WY/transactions/PAY01JAQD7X3WDPR0QXH2FPMBH9PT"
	mt.RegisterResponder(http.MethodPut, path, rec.responder(200, fixture(t, "order_transaction_updated.json"), nil))
	mt.RegisterResponder(http.MethodDelete, path, rec.responder(204, nil, nil))
	res, err := c.Orders.UpdateTransaction(context.Background(), "01JAQD7X3WDPR0QXH2FM2ZD8WY", "PAY01JAQD7X3WDPR0QXH2FPMBH9PT", &OrderPaymentUpdate{
		PaymentMethod: &OrderPaymentMethod{ID: "visa", Type: "credit_card", Token: "tok-2", Installments: 3, StatementDescriptor: "SHOP"}})
	require.NoError(t, err)
	got := rec.last(t)
	assertCommonHeaders(t, got)
	assert.Equal(t, http.MethodPut, got.Method)
	assert.JSONEq(t, `{"payment_method":{"id":"visa","type":"credit_card","token":"tok-2","installments":3,"statement_descriptor":"SHOP"}}`, string(got.Body))
	assert.Equal(t, "PAY01JAQD7X3WDPR0QXH2FPMBH9PT", res.ID)
	assert.Equal(t, 3, res.PaymentMethod.Installments)
	assert.Equal(t, "1000.00", res.Amount.String())

	_, err = c.Orders.UpdateTransaction(context.Background(), "01JAQD7X3WDPR0QXH2FM2ZD8WY", "PAY01JAQD7X3WDPR0QXH2FPMBH9PT", &OrderPaymentUpdate{
		Amount: money.MustParse("1200.50"), PaymentMethod: &OrderPaymentMethod{ID: "visa", Type: "credit_card", Token: "tok-3", Installments: 1}})
	require.NoError(t, err)
	assert.JSONEq(t, `{"amount":"1200.50","payment_method":{"id":"visa","type":"credit_card","token":"tok-3","installments":1}}`, string(rec.last(t).Body))

	del, err := c.Orders.DeleteTransaction(context.Background(), "01JAQD7X3WDPR0QXH2FM2ZD8WY", "PAY01JAQD7X3WDPR0QXH2FPMBH9PT")
	require.NoError(t, err)
	got = rec.last(t)
	assertCommonHeaders(t, got)
	assert.Equal(t, http.MethodDelete, got.Method)
	assert.Empty(t, got.Body)
	assert.NotEmpty(t, del.Meta.IdempotencyKey)

	mt.RegisterResponder(http.MethodPut, testBase+"/v1/orders/O/transactions/T", rec.responder(200, fixture(t, "order_transaction_updated_drifted.json"), nil))
	res, err = c.Orders.UpdateTransaction(context.Background(), "O", "T", &OrderPaymentUpdate{PaymentMethod: &OrderPaymentMethod{ID: "pix", Type: "bank_transfer"}})
	require.NoError(t, err)
	assert.Equal(t, 3, res.PaymentMethod.Installments, "an answer with only payment_method (the official SDKs' shape) is read")
	assert.Empty(t, res.ID)
}

func TestOrdersTransactionEditsValidate(t *testing.T) {
	c, mt := newMocked(t)
	rec := &recorder{}
	mt.RegisterNoResponder(rec.responder(200, []byte(`{}`), nil))
	ctx := context.Background()
	card := OrderPaymentMethod{ID: "master", Type: "credit_card", Token: "tok", Installments: 1}
	type outcome struct {
		err   error
		field string
	}
	cases := map[string]outcome{}
	_, err := c.Orders.AddTransactions(ctx, "O", nil)
	cases["add nil"] = outcome{err, "payments"}
	_, err = c.Orders.AddTransactions(ctx, "O", &OrderTransactionsRequest{Payments: []OrderPaymentRequest{{Amount: money.MustParse("0"), PaymentMethod: card}}})
	cases["add zero"] = outcome{err, "payments[0].amount"}
	_, err = c.Orders.AddTransactions(ctx, "O", &OrderTransactionsRequest{Payments: []OrderPaymentRequest{{Amount: money.MustParse("10"),
		PaymentMethod: OrderPaymentMethod{ID: "master", Type: "credit_card", Installments: 1}}}})
	cases["add no token"] = outcome{err, "payments[0].payment_method.token"}
	_, err = c.Orders.AddTransactions(ctx, "..", &OrderTransactionsRequest{Payments: []OrderPaymentRequest{{Amount: money.MustParse("10"), PaymentMethod: card}}})
	cases["add bad id"] = outcome{err, "id"}
	_, err = c.Orders.UpdateTransaction(ctx, "O", "T", &OrderPaymentUpdate{})
	cases["update no method"] = outcome{err, "payment_method"}
	_, err = c.Orders.UpdateTransaction(ctx, "O", "T", &OrderPaymentUpdate{Amount: money.MustParse("-1"), PaymentMethod: &card})
	cases["update negative"] = outcome{err, "amount"}
	_, err = c.Orders.UpdateTransaction(ctx, "O", "", &OrderPaymentUpdate{PaymentMethod: &card})
	cases["update no tx"] = outcome{err, "transaction_id"}
	_, err = c.Orders.DeleteTransaction(ctx, "O", ".")
	cases["delete dot"] = outcome{err, "transaction_id"}
	for name, tc := range cases {
		var ve *paykit.ValidationError
		require.ErrorAs(t, tc.err, &ve, name)
		assert.Equal(t, tc.field, ve.Field, name)
	}
	assert.Equal(t, 0, rec.count())
}

// Once this client has seen an order processed (or automatic), editing
// its transactions is refused before sending; an order it has not seen is
// sent, and the API's refusal comes back typed.
func TestOrdersTransactionEditsOfAProcessedOrder(t *testing.T) {
	c, mt := newMocked(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"/v1/orders/01JAQD7X3WDPR0QXH2FM2ZD8WY", rec.responder(200, fixture(t, "order_processed.json"), nil))
	ctx := context.Background()
	card := OrderPaymentMethod{ID: "master", Type: "credit_card", Token: "tok", Installments: 1}
	o, err := c.Orders.Get(ctx, "01JAQD7X3WDPR0QXH2FM2ZD8WY")
	require.NoError(t, err)
	require.Equal(t, OrderProcessed, o.Status)
	sent := rec.count()
	for name, call := range map[string]func(id string) error{
		"add": func(id string) error {
			_, err := c.Orders.AddTransactions(ctx, id, &OrderTransactionsRequest{Payments: []OrderPaymentRequest{{Amount: money.MustParse("10"), PaymentMethod: card}}})
			return err
		},
		"update": func(id string) error {
			_, err := c.Orders.UpdateTransaction(ctx, id, "PAY1", &OrderPaymentUpdate{PaymentMethod: &card})
			return err
		},
		"delete": func(id string) error { _, err := c.Orders.DeleteTransaction(ctx, id, "PAY1"); return err },
	} {
		for _, id := range []string{o.ID, "01jaqd7x3wdpr0qxh2fm2zd8wy"} { // one rule for the id's letter case
			var ve *paykit.ValidationError
			require.ErrorAs(t, call(id), &ve, name)
			assert.Equal(t, "order", ve.Field)
			assert.Contains(t, ve.Rule, "processed")
		}
	}
	assert.Equal(t, sent, rec.count(), "nothing was sent")

	// An order not seen here: the API's refusal, typed.
	mt.RegisterResponder(http.MethodDelete, testBase+"/v1/orders/01OTHER/transactions/PAY1",
		rec.responder(409, []byte(`{"errors":[{"code":"invalid_order_status","message":"order is processed","details":[]}]}`), nil))
	_, err = c.Orders.DeleteTransaction(ctx, "01OTHER", "PAY1")
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 409, apiErr.StatusCode)
	require.NotEmpty(t, apiErr.Causes)
	assert.Equal(t, "invalid_order_status", apiErr.Causes[0].Code)
}

func TestOrderMemoIsBounded(t *testing.T) {
	var m orderMemo
	for i := range orderMemoSize + 10 {
		m.note(&Order{ID: "O" + string(rune('A'+i%26)) + time.Duration(i).String(), Status: OrderProcessed})
	}
	assert.Len(t, m.facts, orderMemoSize)
	assert.Len(t, m.order, orderMemoSize)
	assert.NoError(t, m.check("OA0s", false), "the oldest was forgotten: the API decides")
}

func TestOrderNonCardMethodsAndThreeDS(t *testing.T) {
	c, mt := newMocked(t)
	mt.RegisterResponder(http.MethodGet, testBase+"/v1/orders/PIX", (&recorder{}).responder(200, fixture(t, "order_pix.json"), nil))
	mt.RegisterResponder(http.MethodGet, testBase+"/v1/orders/TICKET", (&recorder{}).responder(200, fixture(t, "order_pix_drifted.json"), nil))
	o, err := c.Orders.Get(context.Background(), "PIX")
	require.NoError(t, err)
	pm := o.Payment().PaymentMethod
	assert.Equal(t, "bank_transfer", pm.Type)
	assert.Contains(t, pm.QRCode, "br.gov.bcb.pix")
	assert.NotEmpty(t, pm.QRCodeBase64)
	assert.Contains(t, pm.TicketURL, "/ticket")
	assert.Equal(t, time.Date(2024, 10, 22, 11, 26, 19, 158e6, time.UTC), o.Payment().DateOfExpiration.UTC())
	assert.Empty(t, o.Unparsed)

	o, err = c.Orders.Get(context.Background(), "TICKET")
	require.NoError(t, err)
	pm = o.Payment().PaymentMethod
	assert.Equal(t, "23791000000000150003381260004401237100000000", pm.BarcodeContent, "a barcode sent as a number is read as its digits")
	assert.Equal(t, "1316782593", pm.Reference)
	assert.Equal(t, "23793.38128 60004.401237 10000.000009 1 10000000015000", pm.DigitableLine)
	assert.Equal(t, OrderDetailWaitingPayment, o.Payment().StatusDetail)

	// 3-D Secure on create: config.online.transaction_security.
	rec := &recorder{}
	mt.RegisterResponder(http.MethodPost, testBase+"/v1/orders", rec.responder(201, fixture(t, "order_processed.json"), nil))
	req := &OrderRequest{ProcessingMode: ProcessAutomatic, TotalAmount: money.MustParse("100"), ExternalReference: "r-3ds",
		Payer: &OrderPayer{Email: "a@b.example"}, Payments: []OrderPaymentRequest{{Amount: money.MustParse("100"),
			PaymentMethod: OrderPaymentMethod{ID: "master", Type: "credit_card", Token: "tok", Installments: 1}}},
		TransactionSecurity: &OrderTransactionSecurity{Validation: ThreeDSAlways, LiabilityShift: LiabilityShiftRequired}}
	_, err = c.Orders.Create(context.Background(), req)
	require.NoError(t, err)
	assert.JSONEq(t, `{"type":"online","processing_mode":"automatic","total_amount":"100","external_reference":"r-3ds","payer":{"email":"a@b.example"},`+
		`"transactions":{"payments":[{"amount":"100","payment_method":{"id":"master","type":"credit_card","token":"tok","installments":1}}]},`+
		`"config":{"online":{"transaction_security":{"validation":"always","liability_shift":"required"}}}}`, string(rec.last(t).Body))
	req.TransactionSecurity = &OrderTransactionSecurity{Validation: "sometimes"}
	_, err = c.Orders.Create(context.Background(), req)
	var ve *paykit.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "config.online.transaction_security.validation", ve.Field)
	req.TransactionSecurity = &OrderTransactionSecurity{Validation: ThreeDSNever, LiabilityShift: "maybe"}
	_, err = c.Orders.Create(context.Background(), req)
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "config.online.transaction_security.liability_shift", ve.Field)
	assert.Equal(t, 1, rec.count())
}

func TestOrderPagingReadsNumbersAndStrings(t *testing.T) {
	for doc, want := range map[string]OrderPaging{
		`{"paging":{"total":5,"total_pages":3,"offset":2,"limit":2}}`:         {5, 3, 2, 2},
		`{"paging":{"total":"5","total_pages":"3","offset":"2","limit":"2"}}`: {5, 3, 2, 2},
		`{"paging":{"total":"5","limit":null}}`:                               {Total: 5},
	} {
		var p OrderPage
		require.NoError(t, transport.Decode([]byte(doc), &p), doc)
		assert.Equal(t, want, p.Paging, doc)
		assert.Empty(t, p.Unparsed, doc)
	}
	for _, doc := range []string{`{"paging":{"total":"many"}}`, `{"paging":{"total":-1}}`, `{"paging":[]}`} {
		var p OrderPage
		require.NoError(t, transport.Decode([]byte(doc), &p), doc)
		assert.Equal(t, OrderPaging{}, p.Paging, doc)
		assert.Equal(t, []string{"paging"}, p.Unparsed, doc)
	}
}
