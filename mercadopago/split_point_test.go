package mercadopago

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/money"
)

func TestAdvancedPaymentDecodes(t *testing.T) {
	c, mt := newMocked(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"/v1/advanced_payments/413372911", rec.responder(200, fixture(t, "advanced_payment.json"), nil))
	ap, err := c.AdvancedPayments.Get(context.Background(), 413372911)
	require.NoError(t, err)
	assertCommonHeaders(t, rec.last(t))
	assert.Equal(t, AdvancedApproved, ap.Status)
	require.Len(t, ap.Disbursements, 2)
	assert.Equal(t, int64(2000000001), ap.Disbursements[0].CollectorID)
	assert.Equal(t, "60.55", ap.Disbursements[0].ApplicationFee.String())
	assert.Equal(t, "40.05", ap.Disbursements[1].ApplicationFee.String())
	assert.Equal(t, 2026, ap.Disbursements[0].MoneyReleaseDate.Year())
	assert.True(t, ap.Disbursements[1].MoneyReleaseDate.IsZero())
	require.Len(t, ap.Payments, 1)
	assert.Equal(t, "1000.00", ap.Payments[0].TransactionAmount.String())
	assert.Equal(t, "buyer@example.com", ap.Payer.Email)
	assert.Empty(t, ap.Unparsed)
}

func TestAdvancedPaymentDrifted(t *testing.T) {
	c, mt := newMocked(t)
	mt.RegisterResponder(http.MethodGet, testBase+"/v1/advanced_payments/413372911", (&recorder{}).responder(200, fixture(t, "advanced_payment_drifted.json"), nil))
	ap, err := c.AdvancedPayments.Get(context.Background(), 413372911)
	require.NoError(t, err, "one odd field must not fail a Get")
	assert.Equal(t, int64(413372911), ap.ID, "numeric string id")
	assert.Equal(t, "59441713004005", ap.ApplicationID, "number where text was expected")
	assert.Equal(t, AdvancedPaymentStatus("in_mediation_review"), ap.Status, "unknown status kept")
	assert.Equal(t, "77", ap.ExternalReference)
	assert.Equal(t, int64(2000000001), ap.Disbursements[0].CollectorID, "collector id as a string")
	assert.Zero(t, ap.Disbursements[0].ID, "null id before approval")
	assert.Equal(t, "600.00", ap.Disbursements[0].Amount.String())
	assert.Equal(t, 15, ap.Disbursements[0].MoneyReleaseDays)
	assert.True(t, ap.Disbursements[1].Amount.IsZero())
	assert.Equal(t, 1, ap.Payments[0].Installments)
	assert.Contains(t, ap.Unparsed, "disbursements[1].amount")
	assert.Contains(t, ap.Unparsed, "payments[0].date_of_expiration")
	assert.Contains(t, ap.Unparsed, "date_last_updated")
}

func TestDisbursementRefundsReadBothShapes(t *testing.T) {
	c, mt := newMocked(t)
	mt.RegisterResponder(http.MethodGet, testBase+"/v1/advanced_payments/1/refunds", (&recorder{}).responder(200, fixture(t, "disbursement_refunds.json"), nil))
	mt.RegisterResponder(http.MethodGet, testBase+"/v1/advanced_payments/2/refunds", (&recorder{}).responder(200, fixture(t, "disbursement_refunds_drifted.json"), nil))
	rec := &recorder{}
	mt.RegisterResponder(http.MethodPost, testBase+"/v1/advanced_payments/3/refunds", rec.responder(201, fixture(t, "disbursement_refund.json"), nil))

	list, err := c.AdvancedPayments.ListRefunds(context.Background(), 1)
	require.NoError(t, err)
	require.Len(t, list.Refunds, 2)
	assert.Equal(t, int64(17070600291), list.Refunds[1].DisbursementID)
	assert.Equal(t, "400.00", list.Refunds[1].Amount.String())

	old, err := c.AdvancedPayments.ListRefunds(context.Background(), 2)
	require.NoError(t, err)
	require.Len(t, old.Refunds, 2)
	assert.Equal(t, int64(9842102419), old.Refunds[0].ID)
	assert.Equal(t, int64(17070590246), old.Refunds[0].PaymentID, "the older shape names the payment")
	assert.Equal(t, "100.0", old.Refunds[0].Amount.String())
	assert.Contains(t, old.Refunds[1].Unparsed, "amount")

	// A whole refund answered with one object still reads as a list of one.
	one, err := c.AdvancedPayments.Refund(context.Background(), 3)
	require.NoError(t, err)
	require.Len(t, one.Refunds, 1)
	assert.Equal(t, int64(78901234), one.Refunds[0].ID)
	assert.NotEmpty(t, one.Meta.IdempotencyKey)
	assert.Nil(t, rec.last(t).Body, "a whole refund sends no body")
}

func TestAdvancedPaymentValidation(t *testing.T) {
	good := func() *AdvancedPaymentRequest {
		return &AdvancedPaymentRequest{Payments: []AdvancedPaymentCharge{{PaymentMethodID: "master", Token: "t", TransactionAmount: money.FromInt(100)}},
			Disbursements: []DisbursementRequest{{CollectorID: 7, Amount: money.FromInt(100), ApplicationFee: Ptr(money.MustParse("2.5"))}}}
	}
	tests := []struct {
		field  string
		change func(r *AdvancedPaymentRequest)
	}{
		{"payments", func(r *AdvancedPaymentRequest) { r.Payments = nil }},
		{"payments[0].transaction_amount", func(r *AdvancedPaymentRequest) { r.Payments[0].TransactionAmount = money.FromInt(0) }},
		{"payments[0].payment_method_id", func(r *AdvancedPaymentRequest) { r.Payments[0].PaymentMethodID = "" }},
		{"payments[0].installments", func(r *AdvancedPaymentRequest) { r.Payments[0].Installments = Ptr(0) }},
		{"payer.email", func(r *AdvancedPaymentRequest) { r.Payer = &AdvancedPaymentPayer{Email: "not-an-email"} }},
		{"disbursements", func(r *AdvancedPaymentRequest) { r.Disbursements = nil }},
		{"disbursements[0].collector_id", func(r *AdvancedPaymentRequest) { r.Disbursements[0].CollectorID = 0 }},
		{"disbursements[0].amount", func(r *AdvancedPaymentRequest) { r.Disbursements[0].Amount = money.MustParse("-1") }},
		{"disbursements[0].application_fee", func(r *AdvancedPaymentRequest) {
			r.Disbursements[0].ApplicationFee = Ptr(money.MustParse("100.01"))
		}},
		{"disbursements[0].application_fee", func(r *AdvancedPaymentRequest) {
			r.Disbursements[0].ApplicationFee = Ptr(money.MustParse("-0.01"))
		}},
		{"disbursements[0].money_release_days", func(r *AdvancedPaymentRequest) { r.Disbursements[0].MoneyReleaseDays = Ptr(-1) }},
	}
	c, mt := newMocked(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodPost, testBase+"/v1/advanced_payments", rec.responder(201, fixture(t, "advanced_payment.json"), nil))
	for _, tt := range tests {
		req := good()
		tt.change(req)
		_, err := c.AdvancedPayments.Create(context.Background(), req)
		var ve *paykit.ValidationError
		require.ErrorAs(t, err, &ve, tt.field)
		assert.Equal(t, tt.field, ve.Field)
		assert.NotEmpty(t, ve.Rule)
	}
	assert.Zero(t, rec.count(), "nothing was sent")
	// A fee equal to the disbursement, and disbursements that do not add up
	// (no documented rule), are sent.
	req := good()
	req.Disbursements[0].ApplicationFee = Ptr(money.FromInt(100))
	req.Disbursements = append(req.Disbursements, DisbursementRequest{CollectorID: 7, Amount: money.FromInt(5)})
	_, err := c.AdvancedPayments.Create(context.Background(), req)
	require.NoError(t, err)
	assert.Equal(t, 1, rec.count())

	for _, call := range []func() error{
		func() error { _, err := c.AdvancedPayments.Get(context.Background(), 0); return err },
		func() error {
			_, err := c.AdvancedPayments.UpdateReleaseDate(context.Background(), 1, time.Time{})
			return err
		},
		func() error {
			_, err := c.AdvancedPayments.RefundDisbursement(context.Background(), 1, 0, nil)
			return err
		},
		func() error {
			_, err := c.AdvancedPayments.RefundDisbursement(context.Background(), 1, 2, Ptr(money.FromInt(0)))
			return err
		},
	} {
		var ve *paykit.ValidationError
		assert.ErrorAs(t, call(), &ve)
	}
}

// The request prints without its card tokens under every verb.
func TestAdvancedPaymentRequestHidesTokens(t *testing.T) {
	req := AdvancedPaymentRequest{Payments: []AdvancedPaymentCharge{{Token: "ff8080814c11e237014c1ff593b57b4d"}}}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(verb, req) + fmt.Sprintf(verb, &req)
		assert.NotContains(t, out, "ff8080814c11e237014c1ff593b57b4d", verb)
	}
	assert.Equal(t, "ff8080814c11e237014c1ff593b57b4d", req.Payments[0].Token, "the caller's request is not changed")
}

func TestPointIntentDecodesAndDrift(t *testing.T) {
	c, mt := newMocked(t)
	mt.RegisterResponder(http.MethodGet, testBase+"/point/integration-api/payment-intents/a", (&recorder{}).responder(200, fixture(t, "point_payment_intent.json"), nil))
	mt.RegisterResponder(http.MethodGet, testBase+"/point/integration-api/payment-intents/b", (&recorder{}).responder(200, fixture(t, "point_payment_intent_drifted.json"), nil))
	in, err := c.Point.GetPaymentIntent(context.Background(), "a")
	require.NoError(t, err)
	assert.Equal(t, IntentFinished, in.State)
	assert.True(t, in.State.Terminal())
	assert.Equal(t, "15.50", in.Amount.Decimal().String(), "cents to units, exactly")
	assert.Equal(t, int64(1316782599), in.Payment.ID)
	require.NotNil(t, in.AdditionalInfo.PrintOnTerminal)
	assert.True(t, *in.AdditionalInfo.PrintOnTerminal)

	d, err := c.Point.GetPaymentIntent(context.Background(), "b")
	require.NoError(t, err)
	assert.Equal(t, Cents(600), d.Amount, "amount as a numeric string")
	assert.Equal(t, int64(11123456789), d.Payment.ID, "payment id as a string, as the Argentine docs show it")
	assert.Equal(t, 3, d.Payment.Installments)
	assert.Equal(t, PaymentIntentState("ON_HOLD_FOR_REVIEW"), d.State)
	assert.False(t, d.State.Terminal())
	assert.Equal(t, "123456789123456789", d.AdditionalInfo.TicketNumber)
	assert.Contains(t, d.Unparsed, "additional_info.print_on_terminal")
}

func TestPointDevicesAndEventsDrift(t *testing.T) {
	c, mt := newMocked(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"/point/integration-api/devices", rec.responder(200, fixture(t, "point_devices_drifted.json"), nil))
	page, err := c.Point.ListDevices(context.Background(), &DeviceSearch{Limit: 50})
	require.NoError(t, err)
	assert.Equal(t, "limit=50", rec.last(t).RawQuery)
	require.Len(t, page.Devices, 3)
	assert.Equal(t, OperatingMode("KIOSK"), page.Devices[1].OperatingMode)
	assert.Equal(t, int64(47792476), page.Devices[1].PosID)
	assert.Equal(t, "47792476", page.Devices[1].StoreID)
	assert.Zero(t, page.Devices[2].PosID)
	assert.Equal(t, 3, page.Paging.Total)

	mt.RegisterResponder(http.MethodGet, testBase+"/point/integration-api/payment-intents/events", rec.responder(200, fixture(t, "point_intent_events_drifted.json"), nil))
	day := time.Date(2026, 12, 5, 15, 0, 0, 0, time.UTC)
	evs, err := c.Point.ListPaymentIntentEvents(context.Background(), &PaymentIntentEventsQuery{StartDate: day.AddDate(0, 0, -1), EndDate: day})
	require.NoError(t, err)
	assert.Equal(t, "endDate=2026-12-05&startDate=2026-12-04", rec.last(t).RawQuery)
	require.Len(t, evs.Events, 2)
	assert.True(t, evs.Events[0].CreatedOn.IsZero())
	assert.Contains(t, evs.Events[0].Unparsed, "created_on")
	assert.Equal(t, "12345", evs.Events[1].PaymentIntentID)
	assert.Equal(t, PaymentIntentState("REFUND_FINISHED"), evs.Events[1].Status)

	var ve *paykit.ValidationError
	_, err = c.Point.ListPaymentIntentEvents(context.Background(), &PaymentIntentEventsQuery{StartDate: day, EndDate: day.AddDate(0, 0, -1)})
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "endDate", ve.Field)
	_, err = c.Point.ChangeOperatingMode(context.Background(), "dev", OperatingMode("KIOSK"))
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "operating_mode", ve.Field)
	_, err = c.Point.CreatePaymentIntent(context.Background(), "dev", &PaymentIntentRequest{Amount: money.FromInt(0)})
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "amount", ve.Field)
	_, err = c.Point.CreatePaymentIntent(context.Background(), "..", &PaymentIntentRequest{Amount: money.FromInt(1)})
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "device_id", ve.Field)
}

// FuzzDisbursementRefunds: the refunds answer is read as a list or as one
// object; whatever arrives, decoding returns an error or a value, never a
// panic, and a value of one object is a list of one.
func FuzzDisbursementRefunds(f *testing.F) {
	for _, s := range []string{`[]`, `{}`, `[{"id":1,"amount":"2.5"}]`, `{"id":"7","amount":1}`, ` {"id":[1]} `, `null`, `[null,{}]`, `"x"`, ``} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var r DisbursementRefunds
		if err := r.UnmarshalJSON(b); err != nil {
			return
		}
		if trimmed := bytes.TrimSpace(b); len(trimmed) > 0 && trimmed[0] == '{' && len(r.Refunds) != 1 {
			t.Fatalf("one object read as %d refunds", len(r.Refunds))
		}
	})
}
