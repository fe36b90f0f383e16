package finrota

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/transport"
	"github.com/paykit-go/paykit/money"
)

func TestTransactionsGetWire(t *testing.T) {
	tests := []struct {
		name   string
		lookup TransactionLookup
		query  string
	}{
		{"by transaction id", ByTransactionID("884213"), "transactionId=884213"},
		{"by reference number", ByReferenceNumber("FR2030010200001"), "referenceNumber=FR2030010200001"},
		{"by client reference", ByClientReference("A-1001 &x"), "clientReferenceNumber=A-1001+%26x"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := newMockEnv(t)
			seen := env.record(http.MethodGet, "/pws/payment/transaction", 200, fixture(t, "transaction.json"))
			tx, err := env.c.Transactions.Get(context.Background(), tc.lookup)
			require.NoError(t, err)
			require.Len(t, *seen, 1)
			assert.Equal(t, tc.query, (*seen)[0].Query)
			assert.Equal(t, "Bearer "+testAccess, (*seen)[0].Header.Get("Authorization"))
			assert.Equal(t, "", (*seen)[0].Body)
			assert.Equal(t, "884213", tx.TransactionID)
			assert.Equal(t, "FR2030010200001", tx.ReferenceNumber)
			assert.Equal(t, "A-1001", tx.ClientReferenceNumber)
			assert.Equal(t, "27.50", tx.Amount.String())
			assert.Equal(t, "TRY", tx.Currency)
			assert.Equal(t, StatusSuccess, tx.Status)
			assert.True(t, tx.Paid())
			assert.True(t, tx.IsSuccess)
			assert.Equal(t, string(fixture(t, "transaction.json")), string(tx.Raw), "Raw is the answer exactly as sent")
		})
	}
}

func TestTransactionsGetDrifted(t *testing.T) {
	env := newMockEnv(t)
	env.record(http.MethodGet, "/pws/payment/transaction", 200, fixture(t, "transaction_drifted.json"))
	tx, err := env.c.Transactions.Get(context.Background(), ByTransactionID("884213"))
	require.NoError(t, err)
	assert.Equal(t, "884213", tx.TransactionID)
	assert.Equal(t, "10.00", tx.RefundedAmount.String())
	assert.Equal(t, 3, tx.Installment)
	assert.Equal(t, StatusPartiallyRefunded, tx.Status)
	assert.Equal(t, "partially refunded", tx.Status.String())
	assert.True(t, tx.Paid())
	assert.Equal(t, "status(42)", TransactionStatus(42).String())
}

func TestTransactionsGetErrors(t *testing.T) {
	for _, l := range []TransactionLookup{{}, {TransactionID: "1", ReferenceNumber: "2"}, {TransactionID: " 1"}} {
		env := newMockEnv(t)
		_, err := env.c.Transactions.Get(context.Background(), l)
		var v *paykit.ValidationError
		require.ErrorAs(t, err, &v)
		assert.Equal(t, "lookup", v.Field)
	}
	env := newMockEnv(t)
	env.record(http.MethodGet, "/pws/payment/transaction", 404, `{"message":"Transaction not found","statusCode":404,"data":null}`)
	_, err := env.c.Transactions.Get(context.Background(), ByTransactionID("9"))
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, 404, e.StatusCode)
	assert.Equal(t, "Transaction not found", e.Message)

	for _, body := range []string{`{"data":null}`, `{"data":[1]}`, `{"data":{"amount":"x"}}`} {
		env := newMockEnv(t)
		env.record(http.MethodGet, "/pws/payment/transaction", 200, body)
		_, err := env.c.Transactions.Get(context.Background(), ByTransactionID("9"))
		require.ErrorAs(t, err, &e, body)
	}
}

func TestParseReturn(t *testing.T) {
	get := httptest.NewRequest(http.MethodGet, "https://shop.example/return?order=A-1001&OrderId=884213&clientReferenceCode=A-1001&status=success", nil)
	r, err := ParseReturn(get)
	require.NoError(t, err)
	assert.Equal(t, &Return{OrderID: "884213", ClientReferenceCode: "A-1001", Claimed: "success"}, r)

	post := httptest.NewRequest(http.MethodPost, "https://shop.example/return", strings.NewReader("clientReferenceNumber=A-1002&result=fail"))
	post.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r, err = ParseReturn(post)
	require.NoError(t, err)
	assert.Equal(t, &Return{ClientReferenceCode: "A-1002", Claimed: "fail"}, r)

	huge := httptest.NewRequest(http.MethodPost, "https://shop.example/return", strings.NewReader(strings.Repeat("a", 70<<10)))
	_, err = ParseReturn(huge)
	assert.Error(t, err)
	bad := httptest.NewRequest(http.MethodPost, "https://shop.example/return", strings.NewReader("%zz"))
	_, err = ParseReturn(bad)
	assert.Error(t, err)
	_, err = ParseReturn(nil)
	assert.Error(t, err)
}

func FuzzParseReturn(f *testing.F) {
	f.Add("orderId=1&clientReferenceCode=A", "status=success")
	f.Add("", "%zz")
	f.Add("a=%00", "clientReferenceNumber=\x00")
	f.Fuzz(func(t *testing.T, query, body string) {
		r, err := http.NewRequest(http.MethodPost, "https://shop.example/return", strings.NewReader(body))
		if err != nil {
			return
		}
		r.URL.RawQuery = query
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		ret, err := ParseReturn(r)
		if err == nil && transport.HasControl(ret.ClientReferenceCode+ret.OrderID+ret.Claimed) {
			t.Fatalf("control characters survived: %q", ret)
		}
	})
}

func TestConfirmReturn(t *testing.T) {
	env := newMockEnv(t)
	seen := env.record(http.MethodGet, "/pws/payment/transaction", 200, fixture(t, "transaction.json"))
	// The return claims failure; the lookup decides.
	ret := httptest.NewRequest(http.MethodGet, "https://shop.example/return?clientReferenceCode=A-1001&status=fail", nil)
	tx, err := env.c.Transactions.ConfirmReturn(context.Background(), ret, "A-1001")
	require.NoError(t, err)
	assert.True(t, tx.Paid())
	assert.Equal(t, "clientReferenceNumber=A-1001", (*seen)[0].Query)

	other := httptest.NewRequest(http.MethodGet, "https://shop.example/return?clientReferenceCode=B-2", nil)
	_, err = env.c.Transactions.ConfirmReturn(context.Background(), other, "A-1001")
	assert.ErrorIs(t, err, ErrReturnMismatch)
	assert.Len(t, *seen, 1, "no lookup for another order's return")

	_, err = env.c.Transactions.ConfirmReturn(context.Background(), ret, "")
	var v *paykit.ValidationError
	assert.ErrorAs(t, err, &v)

	_, err = env.c.Transactions.ConfirmReturn(context.Background(), ret, "A-1002")
	assert.ErrorIs(t, err, ErrReturnMismatch)

	env = newMockEnv(t)
	env.record(http.MethodGet, "/pws/payment/transaction", 200, strings.Replace(fixture(t, "transaction.json"), `"A-1001"`, `"Z-9"`, 1))
	_, err = env.c.Transactions.ConfirmReturn(context.Background(), httptest.NewRequest(http.MethodGet, "https://shop.example/r", nil), "A-1001")
	assert.ErrorContains(t, err, `answered for client reference "Z-9"`)
}

func TestCancelWire(t *testing.T) {
	env := newMockEnv(t)
	seen := env.record(http.MethodPost, "/pws/payment/cancel", 200, fixture(t, "cancel_ok.json"))
	res, err := env.c.Transactions.Cancel(context.Background(), &CancelRequest{ReferenceCode: "FR2030010200001", Reason: "customer changed mind"})
	require.NoError(t, err)
	assert.Equal(t, `{"referenceCode":"FR2030010200001","reason":"customer changed mind"}`, (*seen)[0].Body)
	assert.Equal(t, "application/json", (*seen)[0].Header.Get("Content-Type"))
	assert.Equal(t, StatusSuccess, res.Status)
	assert.Equal(t, "0", res.LastAmount.String())
	assert.Equal(t, "Transaction cancelled", res.Message)

	for _, req := range []*CancelRequest{nil, {Reason: "x"}, {ReferenceCode: "R"}} {
		_, err := env.c.Transactions.Cancel(context.Background(), req)
		var v *paykit.ValidationError
		require.ErrorAs(t, err, &v)
	}
}

func TestRefundWire(t *testing.T) {
	tests := []struct {
		name   string
		opts   []Option
		amount money.Decimal
		body   string
	}{
		{"partial, default field", nil, money.MustParse("10.00"), `{"referenceCode":"FR2030010200001","refundAmount":10.00,"reason":"damaged"}`},
		{"partial, docs example field", []Option{WithRefundAmountField("amount")}, money.MustParse("10"), `{"referenceCode":"FR2030010200001","amount":10,"reason":"damaged"}`},
		{"full", nil, money.Decimal{}, `{"referenceCode":"FR2030010200001","reason":"damaged"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := newMockEnv(t, tc.opts...)
			seen := env.record(http.MethodPost, "/pws/payment/refund", 200, fixture(t, "refund_ok.json"))
			res, err := env.c.Transactions.Refund(context.Background(), &RefundRequest{ReferenceCode: "FR2030010200001", Amount: tc.amount, Reason: "damaged"})
			require.NoError(t, err)
			assert.Equal(t, tc.body, (*seen)[0].Body)
			assert.Equal(t, "17.50", res.LastAmount.String())
		})
	}
}

func TestRefundRefusedAndInvalid(t *testing.T) {
	env := newMockEnv(t)
	env.record(http.MethodPost, "/pws/payment/refund", 200, fixture(t, "refund_refused.json"))
	_, err := env.c.Transactions.Refund(context.Background(), &RefundRequest{ReferenceCode: "R", Amount: money.MustParse("100"), Reason: "x"})
	var d *DeclineError
	require.ErrorAs(t, err, &d)
	assert.True(t, errors.Is(err, ErrDeclined))
	assert.Equal(t, "refund", d.Operation)
	assert.Equal(t, "RF_AMOUNT", d.Code)
	assert.Equal(t, "finrota: refund declined: Refund amount exceeds the refundable amount (code RF_AMOUNT)", err.Error())

	for _, body := range []string{`{"data":null}`, `{}`, `[]`} {
		env := newMockEnv(t)
		env.record(http.MethodPost, "/pws/payment/refund", 200, body)
		_, err := env.c.Transactions.Refund(context.Background(), &RefundRequest{ReferenceCode: "R", Reason: "x"})
		var e *Error
		require.ErrorAs(t, err, &e, body)
	}
	// isSuccess absent: status 1 without an error is success.
	env = newMockEnv(t)
	env.record(http.MethodPost, "/pws/payment/refund", 200, `{"data":{"lastAmount":"0","transactionStatusId":"1"}}`)
	_, err = env.c.Transactions.Refund(context.Background(), &RefundRequest{ReferenceCode: "R", Reason: "x"})
	require.NoError(t, err)

	for _, req := range []*RefundRequest{nil, {Reason: "x"}, {ReferenceCode: "R"}, {ReferenceCode: "R", Reason: "x", Amount: money.MustParse("-1")}, {ReferenceCode: "R", Reason: "x", Amount: money.MustParse("0.001")}} {
		_, err := env.c.Transactions.Refund(context.Background(), req)
		var v *paykit.ValidationError
		require.ErrorAs(t, err, &v)
	}

	// A refund is a POST without a key: a 502 is not repeated.
	env = newMockEnv(t, WithMaxRetries(3))
	seen := env.record(http.MethodPost, "/pws/payment/refund", 502, `bad gateway`)
	_, err = env.c.Transactions.Refund(context.Background(), &RefundRequest{ReferenceCode: "R", Reason: "x"})
	require.Error(t, err)
	assert.Len(t, *seen, 1)
}

func TestPaymentOptionsWire(t *testing.T) {
	for _, name := range []string{"payment_options.json", "payment_options_bare.json"} {
		t.Run(name, func(t *testing.T) {
			env := newMockEnv(t)
			seen := env.record(http.MethodGet, "/b2c/paymentOptions", 200, fixture(t, name))
			progs, err := env.c.PaymentOptions(context.Background(), "41556501", money.MustParse("27.50"), "TRY")
			require.NoError(t, err)
			w := (*seen)[0]
			assert.Equal(t, "amount=27.50&binNumber=41556501&currency=TRY", w.Query)
			assert.Equal(t, "Bearer "+testAccess, w.Header.Get("Proxy-Authorization"))
			assert.Empty(t, w.Header.Get("Authorization"))
			require.NotEmpty(t, progs)
			require.NotEmpty(t, progs[0].Installments)
			assert.Equal(t, 1, progs[0].Installments[0].Count)
			assert.Equal(t, "27.50", progs[0].Installments[0].TotalAmount.String())
			assert.NotEmpty(t, progs[0].Installments[0].Token)
		})
	}
	env := newMockEnv(t)
	for _, tc := range []struct{ bin, cur string }{{"4155", "TRY"}, {"41556x", "TRY"}, {"415565", "try"}, {"415565", "TRYX"}} {
		_, err := env.c.PaymentOptions(context.Background(), tc.bin, money.FromInt(1), tc.cur)
		var v *paykit.ValidationError
		require.ErrorAs(t, err, &v)
	}
	_, err := env.c.PaymentOptions(context.Background(), "415565", money.Decimal{}, "TRY")
	assert.EqualError(t, err, "finrota: amount: must be greater than zero")
	env.record(http.MethodGet, "/b2c/paymentOptions", 200, `{"data":{"x":1}}`)
	_, err = env.c.PaymentOptions(context.Background(), "415565", money.FromInt(1), "TRY")
	var e *Error
	require.ErrorAs(t, err, &e)
}

func FuzzDecodeEnvelope(f *testing.F) {
	for _, s := range []string{`{"message":"x","errors":{"a":["b"]},"data":{"errorCode":1}}`, `[]`, `{"errors":[[[{}]]]}`, `null`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		err := decodeError(&paykit.HTTPError{Method: "GET", Path: "/x", StatusCode: 400}, body, []string{"secret"})
		var e *Error
		if !errors.As(err, &e) {
			t.Fatal("not an *Error")
		}
		if len(e.Details) > transport.MaxProviderItems {
			t.Fatalf("%d details", len(e.Details))
		}
		_ = e.Error()
		_, _ = programList(json.RawMessage(body))
	})
}
