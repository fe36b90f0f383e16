package mercadopago

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/money"
)

func TestPaymentsCreateSavedCard(t *testing.T) {
	c, mt := newMocked(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodPost, testBase+"/v1/payments", rec.responder(201, fixture(t, "payment_approved.json"), nil))
	req := &PaymentRequest{
		TransactionAmount: money.MustParse("15990"),
		Token:             "ff8080814c11e237014c1ff593b57b4d",
		Installments:      Ptr(1),
		Description:       "Order 1042",
		ExternalReference: "order-1042",
		Payer:             &PaymentPayer{Type: PayerCustomer, ID: "123456789-jxOV430go9fx2e"},
	}
	before := *req
	p, err := c.Payments.Create(context.Background(), req, WithIdempotencyKey("order-1042"), WithHeader("X-Meli-Session-Id", "dev-1"))
	require.NoError(t, err)
	assert.Equal(t, before, *req, "the caller's request must not change")

	got := rec.last(t)
	assert.Equal(t, http.MethodPost, got.Method)
	assert.Equal(t, "/v1/payments", got.Path)
	assert.Empty(t, got.RawQuery)
	assertCommonHeaders(t, got)
	assert.Equal(t, "order-1042", got.Header.Get("X-Idempotency-Key"))
	assert.Equal(t, "dev-1", got.Header.Get("X-Meli-Session-Id"))
	assert.Equal(t, "application/json", got.Header.Get("Content-Type"))
	assert.Equal(t, string(fixture(t, "req_saved_card.json")), string(got.Body))

	assert.Equal(t, int64(1316782591), p.ID)
	assert.Equal(t, StatusApproved, p.Status)
	assert.Equal(t, DetailAccredited, p.StatusDetail)
	assert.Equal(t, "15990", p.TransactionAmount.String())
	assert.Equal(t, "15190.5", p.TransactionDetails.NetReceivedAmount.String())
	assert.Equal(t, "123456789-jxOV430go9fx2e", p.Payer.ID)
	require.NotNil(t, p.Card)
	assert.Equal(t, 2030, p.Card.ExpirationYear)
	assert.Equal(t, "24", p.IssuerID)
	assert.True(t, p.Captured)
	assert.Equal(t, time.Date(2024, 5, 2, 14, 15, 31, 0, time.UTC), p.DateApproved.UTC())
	assert.Equal(t, "order-1042", p.Meta.IdempotencyKey)
	assert.Equal(t, "req-201", p.Meta.RequestID)
	assert.Equal(t, 1, p.Meta.Attempts)
	assert.Empty(t, p.Unparsed)
}

func TestPaymentsCreateSendsDeliberateZeros(t *testing.T) {
	c, mt := newMocked(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodPost, testBase+"/v1/payments", rec.responder(201, []byte(`{"id":7,"status":"authorized","status_detail":"pending_capture","captured":false}`), nil))
	p, err := c.Payments.Create(context.Background(), &PaymentRequest{
		TransactionAmount: money.MustParse("15990.00"),
		Token:             "ff8080814c11e237014c1ff593b57b4d",
		Installments:      Ptr(0),
		Payer:             &PaymentPayer{Email: "buyer@example.com"},
		Capture:           Ptr(false),
	})
	require.NoError(t, err)
	got := rec.last(t)
	assert.Equal(t, string(fixture(t, "req_authorize_only.json")), string(got.Body))
	assert.Len(t, got.Header.Get(IdempotencyHeader), 36, "a UUID is generated when none is given")
	assert.Equal(t, got.Header.Get(IdempotencyHeader), p.Meta.IdempotencyKey)
	assert.Equal(t, StatusAuthorized, p.Status)
}

func TestPaymentsCreateValidates(t *testing.T) {
	ok := func() *PaymentRequest {
		return &PaymentRequest{TransactionAmount: money.FromInt(100), Token: "tok", Payer: &PaymentPayer{Email: "a@b.co"}}
	}
	tests := []struct {
		name  string
		mod   func(*PaymentRequest) *PaymentRequest
		field string
	}{
		{"nil", func(*PaymentRequest) *PaymentRequest { return nil }, "payment"},
		{"zero amount", func(r *PaymentRequest) *PaymentRequest { r.TransactionAmount = money.Decimal{}; return r }, "transaction_amount"},
		{"negative amount", func(r *PaymentRequest) *PaymentRequest { r.TransactionAmount = money.FromInt(-1); return r }, "transaction_amount"},
		{"no token or method", func(r *PaymentRequest) *PaymentRequest { r.Token = ""; return r }, "token"},
		{"negative installments", func(r *PaymentRequest) *PaymentRequest { r.Installments = Ptr(-1); return r }, "installments"},
		{"no payer", func(r *PaymentRequest) *PaymentRequest { r.Payer = nil; return r }, "payer"},
		{"bad email", func(r *PaymentRequest) *PaymentRequest { r.Payer.Email = "not-an-email"; return r }, "payer.email"},
		{"email with name", func(r *PaymentRequest) *PaymentRequest { r.Payer.Email = "Bob <bob@x.io>"; return r }, "payer.email"},
		{"email without dot domain", func(r *PaymentRequest) *PaymentRequest { r.Payer.Email = "bob@localhost"; return r }, "payer.email"},
		{"customer without id", func(r *PaymentRequest) *PaymentRequest { r.Payer = &PaymentPayer{Type: PayerCustomer}; return r }, "payer.id"},
		{"customer bad email", func(r *PaymentRequest) *PaymentRequest {
			r.Payer = &PaymentPayer{Type: PayerCustomer, ID: "1", Email: "x"}
			return r
		}, "payer.email"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mt := newMocked(t)
			_, err := c.Payments.Create(context.Background(), tt.mod(ok()))
			var ve *paykit.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.field, ve.Field)
			assert.Zero(t, mt.GetTotalCallCount(), "nothing may be sent")
		})
	}
	c, _ := newMocked(t)
	for _, id := range []int64{0, -3} {
		_, err := c.Payments.Get(context.Background(), id)
		assert.ErrorAs(t, err, new(*paykit.ValidationError))
		_, err = c.Payments.Cancel(context.Background(), id)
		assert.ErrorAs(t, err, new(*paykit.ValidationError))
	}
	_, err := c.Payments.Capture(context.Background(), 1, Ptr(money.FromInt(0)))
	assert.ErrorAs(t, err, new(*paykit.ValidationError))
	_, err = c.Payments.SearchPage(context.Background(), &PaymentSearch{Limit: -1})
	assert.ErrorAs(t, err, new(*paykit.ValidationError))
}

func TestPaymentsGetTolerantDecoding(t *testing.T) {
	c, mt := newMocked(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"/v1/payments/1316782592", rec.responder(200, fixture(t, "payment_drifted.json"), nil))
	p, err := c.Payments.Get(context.Background(), 1316782592)
	require.NoError(t, err, "one odd field must not fail a Get")
	got := rec.last(t)
	assert.Equal(t, http.MethodGet, got.Method)
	assert.Equal(t, "/v1/payments/1316782592", got.Path)
	assert.Nil(t, got.Body)
	assertCommonHeaders(t, got)

	assert.Equal(t, int64(1316782592), p.ID, "numeric string id")
	assert.Equal(t, PaymentStatus("on_hold_for_review"), p.Status, "unknown enum kept")
	assert.Equal(t, StatusDetail("something_new"), p.StatusDetail)
	assert.Equal(t, "15990.50", p.TransactionAmount.String(), "amount as string")
	assert.True(t, p.TransactionAmountRefunded.IsZero(), "*** left at zero")
	assert.Equal(t, 3, p.Installments)
	assert.True(t, p.Captured)
	assert.Equal(t, "310", p.IssuerID, "number where text was expected")
	assert.Equal(t, "987654321", p.Payer.ID)
	require.NotNil(t, p.Card)
	assert.Equal(t, "450995", p.Card.FirstSixDigits)
	assert.Equal(t, "3704", p.Card.LastFourDigits)
	assert.Zero(t, p.Card.ExpirationMonth)
	assert.Equal(t, "12345678", p.Card.Cardholder.Identification.Number)
	assert.Equal(t, "15000", p.TransactionDetails.NetReceivedAmount.String())
	assert.Equal(t, "15990.50", p.TransactionDetails.TotalPaidAmount.String())
	assert.True(t, p.DateApproved.IsZero())
	assert.False(t, p.DateCreated.IsZero())
	require.Len(t, p.Refunds, 1)
	assert.Equal(t, int64(77), p.Refunds[0].ID)
	assert.Equal(t, "100.00", p.Refunds[0].Amount.String())
	// A blank date and masked card fields are shapes Mercado Pago really
	// sends: read as zero without being named. A masked amount is named.
	assert.ElementsMatch(t, []string{"transaction_amount_refunded",
		"transaction_details.installment_amount", "payment_method", "metadata"}, p.Unparsed)
}

func TestPaymentsCancelAndCapture(t *testing.T) {
	tests := []struct {
		name string
		call func(context.Context, *Client) (*Payment, error)
		body string
	}{
		{"cancel", func(ctx context.Context, c *Client) (*Payment, error) { return c.Payments.Cancel(ctx, 42) }, `{"status":"cancelled"}`},
		{"capture all", func(ctx context.Context, c *Client) (*Payment, error) { return c.Payments.Capture(ctx, 42, nil) }, `{"capture":true}`},
		{"capture part", func(ctx context.Context, c *Client) (*Payment, error) {
			return c.Payments.Capture(ctx, 42, Ptr(money.MustParse("80.50")))
		}, `{"capture":true,"transaction_amount":80.50}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mt := newMocked(t)
			rec := &recorder{}
			mt.RegisterResponder(http.MethodPut, testBase+"/v1/payments/42", rec.responder(200, []byte(`{"id":42,"status":"cancelled"}`), nil))
			p, err := tt.call(context.Background(), c)
			require.NoError(t, err)
			got := rec.last(t)
			assert.Equal(t, http.MethodPut, got.Method)
			assert.Equal(t, "/v1/payments/42", got.Path)
			assertCommonHeaders(t, got)
			assert.Equal(t, tt.body, string(got.Body))
			assert.Equal(t, int64(42), p.ID)
			assert.NotEmpty(t, p.Meta.IdempotencyKey)
		})
	}
}

func TestPaymentsSearchPages(t *testing.T) {
	c, mt := newMocked(t)
	rec := &recorder{}
	mt.RegisterResponderWithQuery(http.MethodGet, testBase+"/v1/payments/search", "criteria=desc&external_reference=order-7&limit=2&sort=date_created", rec.responder(200, fixture(t, "search_page1.json"), nil))
	mt.RegisterResponderWithQuery(http.MethodGet, testBase+"/v1/payments/search", "criteria=desc&external_reference=order-7&limit=2&offset=2&sort=date_created", rec.responder(200, fixture(t, "search_page2.json"), nil))
	q := &PaymentSearch{ExternalReference: "order-7", Sort: "date_created", Criteria: "desc", Limit: 2}
	var ids []int64
	for p, err := range c.Payments.Search(context.Background(), q) {
		require.NoError(t, err)
		ids = append(ids, p.ID)
	}
	assert.Equal(t, []int64{1, 2, 3}, ids)
	assert.Equal(t, 2, rec.count())
	assert.Equal(t, 0, q.Offset, "the caller's query must not change")
	assertCommonHeaders(t, rec.last(t))

	// The same iterator ranged again walks again from the query's offset.
	seq := c.Payments.Search(context.Background(), q)
	for _, want := range [][]int64{{1, 2, 3}, {1, 2, 3}} {
		var again []int64
		for p, err := range seq {
			require.NoError(t, err)
			again = append(again, p.ID)
		}
		assert.Equal(t, want, again)
	}
	assert.Equal(t, 6, rec.count())

	// Stopping early fetches no more pages.
	rec2 := &recorder{}
	c2, mt2 := newMocked(t)
	mt2.RegisterResponder(http.MethodGet, testBase+"/v1/payments/search", rec2.responder(200, fixture(t, "search_page1.json"), nil))
	for range c2.Payments.Search(context.Background(), nil) {
		break
	}
	assert.Equal(t, 1, rec2.count())

	page, err := c2.Payments.SearchPage(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, Paging{Total: 3, Limit: 2}, page.Paging)
	assert.Equal(t, "20.5", page.Results[1].TransactionAmount.String())

	// An error is yielded once and ends the walk.
	c3, mt3 := newMocked(t, WithMaxRetries(0))
	mt3.RegisterResponder(http.MethodGet, testBase+"/v1/payments/search", httpmock.NewStringResponder(500, `{"message":"boom"}`))
	n := 0
	for p, err := range c3.Payments.Search(context.Background(), nil) {
		n++
		assert.Nil(t, p)
		assert.Error(t, err)
	}
	assert.Equal(t, 1, n)
}

func TestPaymentStatusTerminal(t *testing.T) {
	assert.True(t, StatusApproved.Terminal())
	assert.True(t, StatusRejected.Terminal())
	assert.False(t, StatusPending.Terminal())
	assert.False(t, PaymentStatus("new_thing").Terminal())
}

func TestRetriesReuseTheIdempotencyKey(t *testing.T) {
	c, mt := newMocked(t, WithMaxRetries(2))
	rec := &recorder{}
	n := 0
	mt.RegisterResponder(http.MethodPost, testBase+"/v1/payments", func(req *http.Request) (*http.Response, error) {
		n++
		if n == 1 {
			return rec.responder(502, []byte(`{"message":"bad gateway"}`), nil)(req)
		}
		return rec.responder(201, []byte(`{"id":1}`), nil)(req)
	})
	p, err := c.Payments.Create(context.Background(), &PaymentRequest{TransactionAmount: money.FromInt(10), Token: "t", Payer: &PaymentPayer{Email: "a@b.co"}})
	require.NoError(t, err)
	require.Equal(t, 2, rec.count())
	k1 := rec.calls[0].Header.Get(IdempotencyHeader)
	assert.NotEmpty(t, k1)
	assert.Equal(t, k1, rec.calls[1].Header.Get(IdempotencyHeader))
	assert.Equal(t, string(rec.calls[0].Body), string(rec.calls[1].Body))
	assert.Equal(t, 2, p.Meta.Attempts)
}

func TestSearchPageTolerant(t *testing.T) {
	c, mt := newMocked(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"/v1/payments/search", rec.responder(200, []byte(`{"paging":{"total":"2","limit":"30","offset":0},"results":[{"id":"5","status":"approved"},"garbage"]}`), nil))
	page, err := c.Payments.SearchPage(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, Paging{Total: 2, Limit: 30}, page.Paging)
	require.Len(t, page.Results, 2)
	assert.Equal(t, int64(5), page.Results[0].ID)
	assert.Zero(t, page.Results[1].ID)
}
