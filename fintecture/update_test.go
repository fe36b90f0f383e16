package fintecture

import (
	"context"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/httpsig"
	"github.com/paykit-go/paykit/money"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const updatePath = "/pis/v2/payments/44f00841780445d4981be9ea2f8aafae"

func TestUpdatePaymentWire(t *testing.T) {
	mt, rec := mockAPI(t)
	mt.RegisterResponder(http.MethodPatch, testBase+updatePath, respondFile(t, rec, 200, "payment_updated.json"))
	c := newTestClient(t, mt, true)
	u := &PaymentUpdate{Status: StatusCancelled, TransferReason: "cancelled_order", ExtraMeta: map[string]any{"origin": "cms"}}
	p, err := c.PIS.UpdatePayment(context.Background(), "44f00841780445d4981be9ea2f8aafae", u)
	require.NoError(t, err)

	r := rec.byPath(updatePath)[0]
	assert.Equal(t, http.MethodPatch, r.Method)
	assert.Empty(t, r.RawQuery)
	assert.Equal(t, string(readTestdata(t, "payment_update_request.json")), r.Body)
	assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
	assert.Equal(t, "Bearer "+testToken, r.Header.Get("Authorization"))
	assert.Equal(t, "Mon, 08 Jun 2020 23:11:23 GMT", r.Header.Get("Date"))
	assert.Equal(t, testReqID, r.Header.Get("X-Request-Id"))
	assert.Equal(t, httpsig.Digest([]byte(r.Body)), r.Header.Get("Digest"))
	assert.Empty(t, r.Header.Get("Idempotency-Key"), "Fintecture has no idempotency key")
	pub, err := httpsig.ParsePublicKey(readTestdata(t, "pub.pem"))
	require.NoError(t, err)
	params, err := httpsig.ParseSignatureHeader(r.Header.Get("Signature"))
	require.NoError(t, err)
	assert.Equal(t, testAppID, params.KeyID)
	assert.Equal(t, []string{"(request-target)", "date", "digest", "x-request-id"}, params.Headers)
	ss, err := httpsig.SigningString(params.Headers, r.Method, r.Path, r.Header)
	require.NoError(t, err)
	assert.Equal(t, "(request-target): patch "+updatePath+"\ndate: Mon, 08 Jun 2020 23:11:23 GMT\ndigest: "+
		r.Header.Get("Digest")+"\nx-request-id: "+testReqID, ss)
	assert.NoError(t, httpsig.Verify(pub, ss, params.Signature))

	// The answer is decoded as a payment.
	want := &Payment{
		SessionID: "44f00841780445d4981be9ea2f8aafae", Status: StatusPending, Code: 200, Provider: "cmcifr2a",
		CustomerID: "3621eacaccd04fa772638dec70da323c", Type: "PayByBank", InitialType: "PayByBank",
		Amount: money.MustParse("250.00"), Currency: "EUR", Communication: "B34970692",
		EndToEndID: "44f00841780445d4981be9ea2f8aafae", ExecutionDate: "2021-02-28", PaymentScheme: "SEPA",
		TransferState: TransferPending, BankAccountID: "ee6f357e-e49c-4ff2-954f-b92f237cc800", AccountType: "external",
		Meta: p.Meta,
	}
	assert.Equal(t, want, p)
	assert.Equal(t, 1, p.Meta.Attempts)
}

func TestUpdatePaymentBodies(t *testing.T) {
	tests := []struct {
		name string
		u    PaymentUpdate
		want string
	}{
		{"amount", PaymentUpdate{Amount: money.MustParse("250")}, `{"meta":{"amount":"250.00"}}`},
		{"invoice reference only", PaymentUpdate{InvoiceReference: "#100000042"},
			`{"meta":{},"data":{"attributes":{"invoice_reference":"#100000042"}}}`},
		{"extra attribute only", PaymentUpdate{ExtraAttributes: map[string]any{"communication": "B34970692 <new>"}},
			`{"meta":{},"data":{"attributes":{"communication":"B34970692 <new>"}}}`},
		{"everything", PaymentUpdate{Status: StatusCancelled, Amount: money.MustParse("1.5"), TransferReason: "cancelled_order",
			InvoiceReference: "#1", ExtraMeta: map[string]any{"origin": "cms"}, ExtraAttributes: map[string]any{"a": 1}},
			`{"meta":{"status":"payment_cancelled","amount":"1.50","transfer_reason":"cancelled_order","origin":"cms"},"data":{"attributes":{"invoice_reference":"#1","a":1}}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mt, rec := mockAPI(t)
			mt.RegisterResponder(http.MethodPatch, testBase+"/pis/v2/payments/s1", func(req *http.Request) (*http.Response, error) {
				rec.add(req)
				return httpmock.NewStringResponse(204, ``), nil
			})
			c := newTestClient(t, mt, true)
			p, err := c.PIS.UpdatePayment(context.Background(), "s1", &tt.u)
			require.NoError(t, err)
			r := rec.byPath("/pis/v2/payments/s1")[0]
			assert.Equal(t, tt.want, r.Body)
			assert.Equal(t, httpsig.Digest([]byte(tt.want)), r.Header.Get("Digest"))
			// No answer body: the result says what was sent.
			assert.Equal(t, "s1", p.SessionID)
			assert.Equal(t, tt.u.Status, p.Status)
			if tt.u.Amount.IsZero() {
				assert.True(t, p.Amount.IsZero())
			} else {
				assert.Equal(t, 0, p.Amount.Cmp(tt.u.Amount))
			}
		})
	}
}

func TestUpdatePaymentDriftedAnswer(t *testing.T) {
	mt, rec := mockAPI(t)
	mt.RegisterResponder(http.MethodPatch, testBase+"/pis/v2/payments/s9", respondFile(t, rec, 200, "payment_updated_drifted.json"))
	c := newTestClient(t, mt, true)
	p, err := c.PIS.UpdatePayment(context.Background(), "s9", &PaymentUpdate{Amount: money.MustParse("250")})
	require.NoError(t, err, "a drifted answer must not fail the update")
	assert.Equal(t, "s9", p.SessionID, "an unreadable session_id falls back to the one sent")
	assert.Equal(t, PaymentStatus("payment_rescheduled"), p.Status)
	assert.False(t, p.Status.Known())
	assert.Equal(t, 0, p.Code)
	assert.False(t, p.IsAccepted)
	assert.Equal(t, "250", p.Amount.String())
	assert.Equal(t, TransferState("7"), p.TransferState)
	assert.Empty(t, p.Communication)
}

func TestUpdatePaymentNotRepeatedAfter5xx(t *testing.T) {
	mt, rec := mockAPI(t)
	mt.RegisterResponder(http.MethodPatch, testBase+"/pis/v2/payments/s1", func(req *http.Request) (*http.Response, error) {
		rec.add(req)
		return httpmock.NewStringResponse(502, `{"status":"502","code":"bad_gateway"}`), nil
	})
	c := newTestClient(t, mt, true)
	_, err := c.PIS.UpdatePayment(context.Background(), "s1", &PaymentUpdate{Amount: money.MustParse("10")})
	var fe *Error
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, 502, fe.StatusCode)
	assert.Len(t, rec.byPath("/pis/v2/payments/s1"), 1, "a PATCH that may have reached Fintecture is not repeated")
}

func TestUpdatePaymentValidationSendsNothing(t *testing.T) {
	tests := []struct {
		name, id, field, rule string
		u                     *PaymentUpdate
	}{
		{"nil", "s1", "request", "must not be nil", nil},
		{"empty", "s1", "request", "changes nothing", &PaymentUpdate{}},
		{"blank references", "s1", "request", "changes nothing", &PaymentUpdate{TransferReason: " ", InvoiceReference: " "}},
		{"bad id", "..", "session_id", `"." or ".."`, &PaymentUpdate{Status: StatusCancelled}},
		{"empty id", "", "session_id", "must not be empty", &PaymentUpdate{Status: StatusCancelled}},
		{"status in capitals", "s1", "meta.status", "lower-case", &PaymentUpdate{Status: "PAYMENT_CANCELLED"}},
		{"negative amount", "s1", "meta.amount", "greater than 0", &PaymentUpdate{Amount: money.MustParse("-5")}},
		{"three decimals", "s1", "meta.amount", "at most 2 decimals", &PaymentUpdate{Amount: money.MustParse("1.005")}},
		{"reason control", "s1", "meta.transfer_reason", "control", &PaymentUpdate{TransferReason: "a\rb"}},
		{"invoice control", "s1", "data.attributes.invoice_reference", "control", &PaymentUpdate{InvoiceReference: "a\x7f"}},
		{"extra overrides status", "s1", "meta.status", "set by paykit", &PaymentUpdate{Amount: money.MustParse("1"),
			ExtraMeta: map[string]any{"status": "payment_created"}}},
		{"extra overrides amount", "s1", "meta.amount", "set by paykit", &PaymentUpdate{ExtraMeta: map[string]any{"amount": "9.99"}}},
		{"extra overrides invoice", "s1", "data.attributes.invoice_reference", "set by paykit",
			&PaymentUpdate{ExtraAttributes: map[string]any{"invoice_reference": "x"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mt, _ := mockAPI(t)
			c := newTestClient(t, mt, true)
			_, err := c.PIS.UpdatePayment(context.Background(), tt.id, tt.u)
			var ve *paykit.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.field, ve.Field)
			assert.Contains(t, ve.Rule, tt.rule)
			assert.Equal(t, 0, mt.GetTotalCallCount(), "nothing may be sent")
		})
	}
}

// TestUpdatePaymentRefusesARepeatedAmount: the update's answer is read as
// every answer is, so one that states the amount twice is refused, not read
// as whichever value came last.
func TestUpdatePaymentRefusesARepeatedAmount(t *testing.T) {
	mt, rec := mockAPI(t)
	mt.RegisterResponder(http.MethodPatch, testBase+"/pis/v2/payments/s9", func(r *http.Request) (*http.Response, error) {
		rec.add(r)
		return httpmock.NewStringResponse(200,
			`{"meta":{"session_id":"s9"},"data":{"attributes":{"amount":"2.50","amount":"250.00"}}}`), nil
	})
	c := newTestClient(t, mt, true)
	p, err := c.PIS.UpdatePayment(context.Background(), "s9", &PaymentUpdate{Amount: money.MustParse("250")})
	require.Error(t, err)
	assert.Nil(t, p)
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr, "the provider's error, with the call's status and excerpt")
	assert.Equal(t, 200, apiErr.StatusCode)
	require.Error(t, apiErr.Err)
	assert.Contains(t, apiErr.Err.Error(), `"amount" appears twice`, "the cause names the repeated member")
}
