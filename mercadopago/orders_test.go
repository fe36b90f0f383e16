package mercadopago

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/money"
)

func orderReq() *OrderRequest {
	return &OrderRequest{
		ProcessingMode:    ProcessAutomatic,
		TotalAmount:       money.MustParse("15990.00"),
		ExternalReference: "order-1042",
		Description:       "Wool blanket",
		Payer:             &OrderPayer{Email: "buyer@example.com"},
		Payments: []OrderPaymentRequest{{Amount: money.MustParse("15990.00"), PaymentMethod: OrderPaymentMethod{
			ID: "master", Type: "credit_card", Token: "ff8080814c11e237014c1ff593b57b4d", Installments: 1, StatementDescriptor: "SHOP"}}},
		Items: []OrderItem{{Title: "Wool blanket", UnitPrice: money.MustParse("15990.00"), Quantity: 1}},
	}
}

func TestOrdersCreate(t *testing.T) {
	c, mt := newMocked(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodPost, testBase+"/v1/orders", rec.responder(201, fixture(t, "order_processed.json"), nil))
	req := orderReq()
	before := *req
	o, err := c.Orders.Create(context.Background(), req, WithIdempotencyKey("order-1042"))
	require.NoError(t, err)
	assert.Equal(t, before, *req, "the caller's request must not change")

	got := rec.last(t)
	assert.Equal(t, http.MethodPost, got.Method)
	assert.Equal(t, "/v1/orders", got.Path)
	assert.Empty(t, got.RawQuery)
	assertCommonHeaders(t, got)
	assert.Equal(t, "order-1042", got.Header.Get(IdempotencyHeader))
	assert.Equal(t, "application/json", got.Header.Get("Content-Type"))
	assert.Equal(t, string(fixture(t, "req_order.json")), string(got.Body), "amounts travel as decimal strings")

	assert.Equal(t, "01JAQD7X3WDPR0QXH2FM2ZD8WY", o.ID)
	assert.Equal(t, OrderProcessed, o.Status)
	assert.Equal(t, OrderDetailAccredited, o.StatusDetail)
	assert.Equal(t, ProcessAutomatic, o.ProcessingMode)
	assert.Equal(t, CaptureAutomatic, o.CaptureMode)
	assert.Equal(t, "15990.00", o.TotalAmount.String())
	assert.Equal(t, "15990.00", o.TotalPaidAmount.String())
	assert.Equal(t, "1003743392", o.UserID)
	assert.Equal(t, time.Date(2024, 10, 21, 11, 26, 19, 158e6, time.UTC), o.CreatedDate.UTC())
	assert.Equal(t, "buyer@example.com", o.Payer.Email)
	require.NotNil(t, o.Payment())
	p := o.Payment()
	assert.Equal(t, "PAY01JAQD7X3WDPR0QXH2FPMBH9PS", p.ID)
	assert.Equal(t, "1316782591", p.ReferenceID)
	assert.Equal(t, TransactionProcessed, p.Status)
	assert.Equal(t, "15990.00", p.Amount.String())
	assert.Equal(t, OrderPaymentMethodInfo{ID: "master", Type: "credit_card", Installments: 1, StatementDescriptor: "SHOP"}, p.PaymentMethod)
	assert.True(t, o.Status.Terminal())
	assert.Equal(t, "order-1042", o.Meta.IdempotencyKey)
	assert.Equal(t, 1, o.Meta.Attempts)
	assert.Empty(t, o.Unparsed)
}

func TestOrdersCreateManualCaptureAndMarketplaceFee(t *testing.T) {
	c, mt := newMocked(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodPost, testBase+"/v1/orders", rec.responder(201, []byte(`{"id":"01X","status":"created","status_detail":"created"}`), nil))
	_, err := c.Orders.Create(context.Background(), &OrderRequest{
		ProcessingMode: ProcessManual, CaptureMode: CaptureManual, TotalAmount: money.MustParse("100.5"),
		ExternalReference: "ext-1", Marketplace: "MP-MKT-123", MarketplaceFee: money.MustParse("10.25"),
		ExpirationTime: "PT30M", Payer: &OrderPayer{Email: "a@b.co", CustomerID: "123-abc"},
	})
	require.NoError(t, err)
	got := rec.last(t)
	assert.Equal(t, `{"type":"online","processing_mode":"manual","capture_mode":"manual","total_amount":"100.5","external_reference":"ext-1",`+
		`"marketplace":"MP-MKT-123","marketplace_fee":"10.25","expiration_time":"PT30M","payer":{"email":"a@b.co","customer_id":"123-abc"}}`, string(got.Body))
	assert.Len(t, got.Header.Get(IdempotencyHeader), 36, "a UUID is generated when none is given")
}

func TestOrdersCreateValidates(t *testing.T) {
	tests := []struct {
		name  string
		mod   func(*OrderRequest) *OrderRequest
		field string
	}{
		{"nil", func(*OrderRequest) *OrderRequest { return nil }, "order"},
		{"no mode", func(r *OrderRequest) *OrderRequest { r.ProcessingMode = ""; return r }, "processing_mode"},
		{"bad capture mode", func(r *OrderRequest) *OrderRequest { r.CaptureMode = "later"; return r }, "capture_mode"},
		{"zero total", func(r *OrderRequest) *OrderRequest { r.TotalAmount = money.Decimal{}; return r }, "total_amount"},
		{"no reference", func(r *OrderRequest) *OrderRequest { r.ExternalReference = " "; return r }, "external_reference"},
		{"long reference", func(r *OrderRequest) *OrderRequest {
			r.ExternalReference = "x123456789x123456789x123456789x123456789x123456789x123456789xxxxx"
			return r
		}, "external_reference"},
		{"bad expiration", func(r *OrderRequest) *OrderRequest { r.ExpirationTime = "30 minutes"; return r }, "expiration_time"},
		{"empty duration", func(r *OrderRequest) *OrderRequest { r.ExpirationTime = "P"; return r }, "expiration_time"},
		{"negative fee", func(r *OrderRequest) *OrderRequest { r.MarketplaceFee = money.FromInt(-1); return r }, "marketplace_fee"},
		{"fee over total", func(r *OrderRequest) *OrderRequest { r.MarketplaceFee = money.FromInt(20000); return r }, "marketplace_fee"},
		{"no payer", func(r *OrderRequest) *OrderRequest { r.Payer = nil; return r }, "payer.email"},
		{"bad email", func(r *OrderRequest) *OrderRequest { r.Payer = &OrderPayer{Email: "nope"}; return r }, "payer.email"},
		{"automatic without payments", func(r *OrderRequest) *OrderRequest { r.Payments = nil; return r }, "transactions.payments"},
		{"zero payment", func(r *OrderRequest) *OrderRequest { r.Payments[0].Amount = money.Decimal{}; return r }, "transactions.payments[0].amount"},
		{"no method id", func(r *OrderRequest) *OrderRequest { r.Payments[0].PaymentMethod.ID = ""; return r }, "transactions.payments[0].payment_method.id"},
		{"no method type", func(r *OrderRequest) *OrderRequest { r.Payments[0].PaymentMethod.Type = ""; return r }, "transactions.payments[0].payment_method.type"},
		{"card without token", func(r *OrderRequest) *OrderRequest { r.Payments[0].PaymentMethod.Token = ""; return r }, "transactions.payments[0].payment_method.token"},
		{"credit without installments", func(r *OrderRequest) *OrderRequest { r.Payments[0].PaymentMethod.Installments = 0; return r }, "transactions.payments[0].payment_method.installments"},
		{"two payments", func(r *OrderRequest) *OrderRequest { r.Payments = append(r.Payments, r.Payments[0]); return r }, "transactions.payments"},
		{"sum differs", func(r *OrderRequest) *OrderRequest { r.TotalAmount = money.MustParse("15990.01"); return r }, "total_amount"},
		{"negative item price", func(r *OrderRequest) *OrderRequest { r.Items[0].UnitPrice = money.FromInt(-5); return r }, "items[0].unit_price"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mt := newMocked(t)
			_, err := c.Orders.Create(context.Background(), tt.mod(orderReq()))
			var ve *paykit.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.field, ve.Field)
			assert.Zero(t, mt.GetTotalCallCount(), "nothing may be sent")
		})
	}
	c, mt := newMocked(t)
	ctx := context.Background()
	for _, call := range []func() error{
		func() error { _, err := c.Orders.Get(ctx, ""); return err },
		func() error { _, err := c.Orders.Process(ctx, " "); return err },
		func() error { _, err := c.Orders.Capture(ctx, ""); return err },
		func() error { _, err := c.Orders.Cancel(ctx, ""); return err },
		func() error { _, err := c.Orders.Refund(ctx, "", nil); return err },
		func() error { _, err := c.Orders.Refund(ctx, "01X", &OrderRefundRequest{}); return err },
		func() error {
			_, err := c.Orders.Refund(ctx, "01X", &OrderRefundRequest{Transactions: []OrderRefundTransaction{{ID: "PAY1"}}})
			return err
		},
		func() error {
			_, err := c.Orders.Refund(ctx, "01X", &OrderRefundRequest{Transactions: []OrderRefundTransaction{{Amount: money.FromInt(1)}}})
			return err
		},
	} {
		assert.ErrorAs(t, call(), new(*paykit.ValidationError))
	}
	assert.Zero(t, mt.GetTotalCallCount())
}

func TestOrdersActions(t *testing.T) {
	tests := []struct {
		name, path, body string
		call             func(context.Context, *Client) (*Order, error)
	}{
		{"process", "/v1/orders/01JAQD7X3WDPR0QXH2FM2ZD8WY/process", "",
			func(ctx context.Context, c *Client) (*Order, error) {
				return c.Orders.Process(ctx, "01JAQD7X3WDPR0QXH2FM2ZD8WY")
			}},
		{"capture", "/v1/orders/01JAQD7X3WDPR0QXH2FM2ZD8WY/capture", "",
			func(ctx context.Context, c *Client) (*Order, error) {
				return c.Orders.Capture(ctx, "01JAQD7X3WDPR0QXH2FM2ZD8WY")
			}},
		{"cancel", "/v1/orders/01JAQD7X3WDPR0QXH2FM2ZD8WY/cancel", "",
			func(ctx context.Context, c *Client) (*Order, error) {
				return c.Orders.Cancel(ctx, "01JAQD7X3WDPR0QXH2FM2ZD8WY")
			}},
		{"refund all", "/v1/orders/01JAQD7X3WDPR0QXH2FM2ZD8WY/refund", "",
			func(ctx context.Context, c *Client) (*Order, error) {
				return c.Orders.Refund(ctx, "01JAQD7X3WDPR0QXH2FM2ZD8WY", nil)
			}},
		{"refund part", "/v1/orders/01JAQD7X3WDPR0QXH2FM2ZD8WY/refund", `{"transactions":[{"id":"PAY01JAQD7X3WDPR0QXH2FPMBH9PS","amount":"5000.00"}]}`,
			func(ctx context.Context, c *Client) (*Order, error) {
				return c.Orders.Refund(ctx, "01JAQD7X3WDPR0QXH2FM2ZD8WY", &OrderRefundRequest{Transactions: []OrderRefundTransaction{
					{ID: "PAY01JAQD7X3WDPR0QXH2FPMBH9PS", Amount: money.MustParse("5000.00")}}})
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mt := newMocked(t)
			rec := &recorder{}
			mt.RegisterResponder(http.MethodPost, testBase+tt.path, rec.responder(200, fixture(t, "order_partially_refunded.json"), nil))
			o, err := tt.call(context.Background(), c)
			require.NoError(t, err)
			got := rec.last(t)
			assert.Equal(t, http.MethodPost, got.Method)
			assert.Equal(t, tt.path, got.Path)
			assertCommonHeaders(t, got)
			assert.Equal(t, tt.body, string(got.Body))
			if tt.body == "" {
				assert.Empty(t, got.Header.Get("Content-Type"), "no body, no content type")
			}
			assert.Equal(t, got.Header.Get(IdempotencyHeader), o.Meta.IdempotencyKey)
			assert.Equal(t, OrderDetailPartiallyRefunded, o.StatusDetail)
			require.Len(t, o.Transactions.Refunds, 1)
			rf := o.Transactions.Refunds[0]
			assert.Equal(t, OrderRefund{ID: "REF01JAQDBNX0JXYQ1Q9F4JF4YTKB", TransactionID: "PAY01JAQD7X3WDPR0QXH2FPMBH9PS",
				ReferenceID: "1317024013", Amount: money.MustParse("5000.00"), Status: TransactionProcessing}, rf)
		})
	}
}

func TestOrdersGetEscapesIDAndDecodes(t *testing.T) {
	c, mt := newMocked(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"/v1/orders/a%2Fb", rec.responder(200, fixture(t, "order_processed.json"), nil))
	o, err := c.Orders.Get(context.Background(), "a/b")
	require.NoError(t, err)
	got := rec.last(t)
	assert.Equal(t, "/v1/orders/a%2Fb", got.Path)
	assert.Nil(t, got.Body)
	assertCommonHeaders(t, got)
	assert.Equal(t, OrderProcessed, o.Status)
}

func TestOrdersGetDrifted(t *testing.T) {
	c, mt := newMocked(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"/v1/orders/01JAQD7X3WDPR0QXH2FM2ZD8WY", rec.responder(200, fixture(t, "order_drifted.json"), nil))
	o, err := c.Orders.Get(context.Background(), "01JAQD7X3WDPR0QXH2FM2ZD8WY")
	require.NoError(t, err, "one odd field must not fail a Get")
	assert.Equal(t, OrderStatus("in_review_by_risk"), o.Status, "unknown status kept")
	assert.False(t, o.Status.Terminal())
	assert.Equal(t, OrderStatusDetail("something_new"), o.StatusDetail)
	assert.Equal(t, "1042", o.ExternalReference, "number where text was expected")
	assert.Equal(t, "1003743392", o.UserID)
	assert.Equal(t, "15990.5", o.TotalAmount.String(), "amount as a number")
	assert.True(t, o.TotalPaidAmount.IsZero(), "*** left at zero")
	assert.True(t, o.CreatedDate.IsZero())
	assert.False(t, o.LastUpdatedDate.IsZero())
	require.NotNil(t, o.Payment())
	assert.Equal(t, "1316782591", o.Payment().ReferenceID)
	assert.Equal(t, OrderDetailWaitingCapture, o.Payment().StatusDetail)
	assert.Equal(t, 3, o.Payment().PaymentMethod.Installments, "numeric string")
	assert.True(t, o.Payment().Amount.IsZero())
	assert.Contains(t, o.Unparsed, "total_paid_amount")
	assert.Contains(t, o.Unparsed, "created_date")
	assert.Contains(t, o.Unparsed, "items")
	assert.Contains(t, o.Unparsed, "transactions.payments[0].amount")
}

func TestOrdersErrorShape(t *testing.T) {
	c, mt := newMocked(t, WithMaxRetries(0))
	rec := &recorder{}
	body := []byte(`{"errors":[{"code":"failed","message":"The following transactions failed","details":["PAY01J: rejected_by_issuer",7]},"junk",{"code":"other"}]}`)
	mt.RegisterResponder(http.MethodPost, testBase+"/v1/orders/01X/capture", rec.responder(409, body, nil))
	_, err := c.Orders.Capture(context.Background(), "01X")
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, 409, e.StatusCode)
	assert.Equal(t, "failed", e.Code)
	assert.Equal(t, "The following transactions failed", e.Message)
	assert.Equal(t, []Cause{{Code: "failed", Description: "The following transactions failed", Data: "PAY01J: rejected_by_issuer; 7"}, {Code: "other"}}, e.Causes)
	assert.True(t, e.HasCause("other"))
	assert.Contains(t, err.Error(), "POST /v1/orders/01X/capture: 409")
}

func FuzzParseOrderErrors(f *testing.F) {
	f.Add([]byte(`[{"code":"failed","message":"m","details":["a",1,null,{"x":1}]}]`))
	f.Add([]byte(`[1,"x",null,{"code":{"nested":true}}]`))
	f.Add([]byte(`{"code":"not a list"}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		for _, c := range parseOrderErrors(raw) {
			if c.Code == "" && c.Description == "" {
				t.Fatalf("empty cause from %q", raw)
			}
		}
		_ = decodeError(&paykit.HTTPError{StatusCode: 400}, append(append([]byte(`{"errors":`), raw...), '}'), nil).Error()
	})
}
