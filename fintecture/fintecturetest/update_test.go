package fintecturetest_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit/fintecture"
	"github.com/paykit-go/paykit/fintecture/fintecturetest"
	"github.com/paykit-go/paykit/money"
)

func TestUpdatePaymentAmountAndCancel(t *testing.T) {
	srv := fintecturetest.NewServer(fintecturetest.WithProduction())
	defer srv.Close()
	c, err := srv.Client()
	require.NoError(t, err)
	ctx := context.Background()

	sess, err := c.PIS.Connect(ctx, connectReq("u1"))
	require.NoError(t, err)
	p, err := c.PIS.UpdatePayment(ctx, sess.SessionID, &fintecture.PaymentUpdate{Amount: money.MustParse("250"),
		InvoiceReference: "#100000042", ExtraMeta: map[string]any{"origin": "cms"}})
	require.NoError(t, err)
	assert.Equal(t, "250.00", p.Amount.String())
	assert.Equal(t, fintecture.StatusProviderRequired, p.Status)
	got, err := c.PIS.GetPayment(ctx, sess.SessionID)
	require.NoError(t, err)
	assert.Equal(t, "250.00", got.Amount.String(), "the new amount is kept")

	// Only payment_cancelled may be set.
	_, err = c.PIS.UpdatePayment(ctx, sess.SessionID, &fintecture.PaymentUpdate{Status: fintecture.StatusCreated})
	var fe *fintecture.Error
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, http.StatusBadRequest, fe.StatusCode)
	assert.Equal(t, "invalid_status", fe.Code)

	p, err = c.PIS.UpdatePayment(ctx, sess.SessionID, &fintecture.PaymentUpdate{Status: fintecture.StatusCancelled,
		TransferReason: "cancelled_order"})
	require.NoError(t, err)
	assert.Equal(t, fintecture.StatusCancelled, p.Status)
	assert.Equal(t, fintecture.TransferCancelled, p.TransferState)
	_, err = c.PIS.CancelPayment(ctx, sess.SessionID)
	assert.NoError(t, err, "cancelling twice is harmless")

	// A final session keeps its amount.
	_, err = c.PIS.UpdatePayment(ctx, sess.SessionID, &fintecture.PaymentUpdate{Amount: money.MustParse("1")})
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, http.StatusConflict, fe.StatusCode)
	paid, err := c.PIS.Connect(ctx, connectReq("u2"))
	require.NoError(t, err)
	_, err = srv.Pay(paid.SessionID, fintecture.StatusCreated)
	require.NoError(t, err)
	_, err = c.PIS.UpdatePayment(ctx, paid.SessionID, &fintecture.PaymentUpdate{Amount: money.MustParse("1")})
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "session_final", fe.Code)
	got, err = c.PIS.GetPayment(ctx, paid.SessionID)
	require.NoError(t, err)
	assert.Equal(t, "273.00", got.Amount.String())

	_, err = c.PIS.UpdatePayment(ctx, "0123456789abcdef0123456789abcdef", &fintecture.PaymentUpdate{Amount: money.MustParse("1")})
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, http.StatusNotFound, fe.StatusCode)
}

func TestConnectOptionalMembersReachTheSimulator(t *testing.T) {
	srv := fintecturetest.NewServer(fintecturetest.WithProduction())
	defer srv.Close()
	c, err := srv.Client()
	require.NoError(t, err)
	ctx := context.Background()
	r := connectReq("o1")
	r.Scheme = fintecture.ConnectSchemeAuto
	r.Beneficiary = &fintecture.Beneficiary{Name: "World Company", IBAN: "FR76 3000 1007 9412 3456 7890 185", SWIFTBIC: "BDFEFRPPCCT"}
	r.PaymentMethods = []fintecture.PaymentMethod{fintecture.PaymentMethodSmartTransfer, fintecture.PaymentMethodImmediateTransfer}
	r.ExternalReference = "invoice-42"
	r.Custom = map[string]any{"order_id": "o1"}
	_, err = c.PIS.Connect(ctx, r)
	require.NoError(t, err, "a signed Connect with every optional member is accepted")

	// A payment method the simulator does not know is refused by it (the
	// client only checks the name's shape).
	r = connectReq("o2")
	r.PaymentMethods = []fintecture.PaymentMethod{"cheque"}
	_, err = c.PIS.Connect(ctx, r)
	var fe *fintecture.Error
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "invalid_payment_method", fe.Code)
	assert.Equal(t, 1, srv.Sessions(), "only the accepted Connect made a session")
}

func TestSimulatorRefusesBadBeneficiaryAndEmptyUpdate(t *testing.T) {
	srv := fintecturetest.NewServer() // sandbox: unsigned requests pass
	defer srv.Close()
	c, err := srv.Client()
	require.NoError(t, err)
	ctx := context.Background()
	tok, err := c.Token(ctx)
	require.NoError(t, err)
	send := func(method, path, body string) (int, string) {
		req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+tok.Value)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var out struct {
			Code string `json:"code"`
		}
		require.NoError(t, jsonDecode(resp, &out))
		return resp.StatusCode, out.Code
	}
	const q = "?redirect_uri=https%3A%2F%2Fshop.example.com%2Fr&state=s"
	status, code := send("POST", "/pis/v2/connect"+q,
		`{"meta":{},"data":{"type":"PIS","attributes":{"amount":"1.00","currency":"EUR","beneficiary":{"name":"X","iban":"FR7630001007941234567890184"}}}}`)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "invalid_beneficiary", code)
	assert.Equal(t, 0, srv.Sessions())

	sess, err := c.PIS.Connect(ctx, connectReq("o"))
	require.NoError(t, err)
	for _, body := range []string{`{}`, `{"meta":{}}`, `{"meta":null}`, `not json`} {
		status, code = send("PATCH", "/pis/v2/payments/"+sess.SessionID, body)
		assert.Equal(t, http.StatusBadRequest, status, body)
		assert.Equal(t, "invalid_body", code, body)
	}
	status, code = send("PATCH", "/pis/v2/payments/"+sess.SessionID, `{"meta":{"amount":12.5}}`)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "invalid_amount", code, "an amount must be a string")
	st, _ := srv.SessionStatus(sess.SessionID)
	assert.Equal(t, fintecture.StatusProviderRequired, st, "refused updates change nothing")
}
