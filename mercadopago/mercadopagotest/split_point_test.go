package mercadopagotest_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
	"github.com/paykit-go/paykit/money"
)

// split is a 1000.00 card payment split 600/400 between two sellers.
func split(tok string, a, b int64) *mercadopago.AdvancedPaymentRequest {
	return &mercadopago.AdvancedPaymentRequest{ExternalReference: "cart-77",
		Payer: &mercadopago.AdvancedPaymentPayer{Email: "buyer@example.com"},
		Payments: []mercadopago.AdvancedPaymentCharge{{PaymentMethodID: "master", PaymentTypeID: "credit_card", Token: tok,
			TransactionAmount: money.MustParse("1000.00"), Installments: mercadopago.Ptr(1), ProcessingMode: "aggregator"}},
		Disbursements: []mercadopago.DisbursementRequest{
			{CollectorID: a, Amount: money.MustParse("600.00"), ApplicationFee: mercadopago.Ptr(money.MustParse("60.55")), ExternalReference: "seller-a", MoneyReleaseDays: mercadopago.Ptr(15)},
			{CollectorID: b, Amount: money.MustParse("400.00"), ApplicationFee: mercadopago.Ptr(money.MustParse("40.05")), ExternalReference: "seller-b"},
		}}
}

func twoSellers(t *testing.T, srv *mercadopagotest.Server, c *mercadopago.Client) (int64, int64) {
	t.Helper()
	second := srv.AddSeller("SECONDSELLER", "second@testuser.com")
	a := connect(t, srv, c, 0)
	b := connect(t, srv, c, second.ID)
	return a.UserID, b.UserID
}

func TestSplitPaymentReleasedAndRefunded(t *testing.T) {
	srv, c := setup(t)
	a, b := twoSellers(t, srv, c)
	assert.ElementsMatch(t, []int64{a, b}, srv.ConnectedSellers())

	ap, err := c.AdvancedPayments.Create(ctx, split(token(t, srv, "APRO"), a, b))
	require.NoError(t, err)
	assert.Equal(t, mercadopago.AdvancedApproved, ap.Status)
	require.Len(t, ap.Disbursements, 2)
	d := ap.Disbursements[0]
	assert.Equal(t, a, d.CollectorID)
	assert.Equal(t, "60.55", d.ApplicationFee.String(), "the fee is exact")
	assert.Equal(t, 15, d.MoneyReleaseDays)
	assert.Equal(t, mercadopagotest.DefaultReleaseDays, ap.Disbursements[1].MoneyReleaseDays)
	assert.Positive(t, d.ID, "an approved payment's disbursements have ids")
	assert.WithinDuration(t, ap.DateCreated.Add(15*24*time.Hour), d.MoneyReleaseDate, time.Second)

	when := time.Date(2027, 1, 10, 10, 23, 18, 0, time.FixedZone("", -4*3600))
	srv.Clock.Set(when.Add(-48 * time.Hour))
	moved, err := c.AdvancedPayments.UpdateReleaseDate(ctx, ap.ID, when)
	require.NoError(t, err)
	for _, d := range moved.Disbursements {
		assert.True(t, d.MoneyReleaseDate.Equal(when), "every disbursement moves")
	}
	one, err := c.AdvancedPayments.UpdateDisbursementReleaseDate(ctx, ap.ID, d.ID, when.Add(24*time.Hour))
	require.NoError(t, err)
	assert.True(t, one.Disbursements[0].MoneyReleaseDate.Equal(when.Add(24*time.Hour)))
	assert.True(t, one.Disbursements[1].MoneyReleaseDate.Equal(when), "the other stays")
	_, err = c.AdvancedPayments.UpdateReleaseDate(ctx, ap.ID, when.Add(-72*time.Hour))
	assertCause(t, err, mercadopago.CauseInvalidReleaseDate)

	part, err := c.AdvancedPayments.RefundDisbursement(ctx, ap.ID, d.ID, mercadopago.Ptr(money.MustParse("100.10")))
	require.NoError(t, err)
	assert.Equal(t, "100.10", part.Amount.String())
	assert.Equal(t, d.ID, part.DisbursementID)
	got, err := c.AdvancedPayments.Get(ctx, ap.ID)
	require.NoError(t, err)
	assert.Equal(t, mercadopago.AdvancedPartiallyRefunded, got.Status)
	_, err = c.AdvancedPayments.RefundDisbursement(ctx, ap.ID, d.ID, mercadopago.Ptr(money.MustParse("499.91")))
	assertCause(t, err, "400018") // more than is left of the disbursement

	rest, err := c.AdvancedPayments.Refund(ctx, ap.ID)
	require.NoError(t, err)
	require.Len(t, rest.Refunds, 2)
	assert.Equal(t, "499.90", rest.Refunds[0].Amount.String(), "what was left of the first")
	assert.Equal(t, "400.00", rest.Refunds[1].Amount.String())
	all, err := c.AdvancedPayments.ListRefunds(ctx, ap.ID)
	require.NoError(t, err)
	assert.Len(t, all.Refunds, 3)
	got, err = c.AdvancedPayments.Get(ctx, ap.ID)
	require.NoError(t, err)
	assert.Equal(t, mercadopago.AdvancedRefunded, got.Status)
	assert.Equal(t, 3, srv.DisbursementRefundCount())

	var found []int64
	for p, err := range c.AdvancedPayments.Search(ctx, &mercadopago.AdvancedPaymentSearch{CollectorID: b, Limit: 1}) {
		require.NoError(t, err)
		found = append(found, p.ID)
	}
	assert.Equal(t, []int64{ap.ID}, found)
}

func assertCause(t *testing.T, err error, code string) {
	t.Helper()
	var apiErr *mercadopago.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode)
	assert.True(t, apiErr.HasCause(code), "want cause %s, got %v", code, apiErr.Causes)
}

func TestSplitPaymentRefusals(t *testing.T) {
	srv, c := setup(t)
	a, b := twoSellers(t, srv, c)
	stranger := srv.AddSeller("STRANGER", "stranger@testuser.com") // never connected

	short := split(token(t, srv, "APRO"), a, b)
	short.Disbursements[1].Amount = money.MustParse("399.99")
	_, err := c.AdvancedPayments.Create(ctx, short)
	assertCause(t, err, mercadopago.CauseInvalidDisbursementAmount)

	_, err = c.AdvancedPayments.Create(ctx, split(token(t, srv, "APRO"), a, stranger.ID))
	assertCause(t, err, mercadopago.CauseCollectorNotFound)
	assert.Zero(t, srv.AdvancedPaymentCount())

	// Authorize, capture; authorize, cancel; a captured one cannot be cancelled.
	req := split(token(t, srv, "APRO"), a, b)
	req.Capture = mercadopago.Ptr(false)
	held, err := c.AdvancedPayments.Create(ctx, req)
	require.NoError(t, err)
	assert.Equal(t, mercadopago.AdvancedAuthorized, held.Status)
	assert.Zero(t, held.Disbursements[0].ID, "ids are null until approval")
	captured, err := c.AdvancedPayments.Capture(ctx, held.ID)
	require.NoError(t, err)
	assert.Equal(t, mercadopago.AdvancedApproved, captured.Status)
	_, err = c.AdvancedPayments.Cancel(ctx, held.ID)
	assertCause(t, err, "400040")

	req = split(token(t, srv, "APRO"), a, b)
	req.Capture = mercadopago.Ptr(false)
	held, err = c.AdvancedPayments.Create(ctx, req)
	require.NoError(t, err)
	cancelled, err := c.AdvancedPayments.Cancel(ctx, held.ID)
	require.NoError(t, err)
	assert.Equal(t, mercadopago.AdvancedCancelled, cancelled.Status)

	rejected, err := c.AdvancedPayments.Create(ctx, split(token(t, srv, "OTHE"), a, b))
	require.NoError(t, err)
	assert.Equal(t, mercadopago.AdvancedRejected, rejected.Status)
}

func TestPointPaymentOnTheTerminal(t *testing.T) {
	got := make(chan *http.Request, 8)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A copy: the server owns r once the handler returns.
		b, _ := io.ReadAll(r.Body)
		cp := httptest.NewRequest(r.Method, r.URL.String(), strings.NewReader(string(b)))
		cp.Header = r.Header.Clone()
		got <- cp
	}))
	defer hook.Close()
	srv, c := setup(t, mercadopagotest.WithWebhook(hook.URL+"/mp", mercadopagotest.DefaultWebhookSecret))

	devs, err := c.Point.ListDevices(ctx, nil)
	require.NoError(t, err)
	require.Len(t, devs.Devices, 2)
	assert.Equal(t, mercadopago.ModePDV, devs.Devices[0].OperatingMode)

	// A standalone device refuses intents until it is switched to PDV.
	_, err = c.Point.CreatePaymentIntent(ctx, mercadopagotest.DeviceStandalone, &mercadopago.PaymentIntentRequest{Amount: money.MustParse("15")})
	var apiErr *mercadopago.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode)
	mode, err := c.Point.ChangeOperatingMode(ctx, mercadopagotest.DeviceStandalone, mercadopago.ModePDV)
	require.NoError(t, err)
	assert.Equal(t, mercadopago.ModePDV, mode.OperatingMode)

	in, err := c.Point.CreatePaymentIntent(ctx, mercadopagotest.DevicePDV, &mercadopago.PaymentIntentRequest{Amount: money.MustParse("15.50"),
		AdditionalInfo: &mercadopago.PaymentIntentAdditionalInfo{ExternalReference: "till-3", PrintOnTerminal: mercadopago.Ptr(false)}})
	require.NoError(t, err)
	assert.Equal(t, mercadopago.Cents(1550), in.Amount)
	_, err = c.Point.CreatePaymentIntent(ctx, mercadopagotest.DevicePDV, &mercadopago.PaymentIntentRequest{Amount: money.MustParse("1")})
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusConflict, apiErr.StatusCode, "one queued intent per device")

	// The payer taps a card on the stand-in device page.
	page, err := http.Get(srv.TerminalURL(mercadopagotest.DevicePDV))
	require.NoError(t, err)
	body, _ := io.ReadAll(page.Body)
	page.Body.Close()
	assert.Contains(t, string(body), `data-id="`+in.ID+`"`)
	assert.Contains(t, string(body), "Charge 15.50")
	resp, err := http.PostForm(srv.TerminalURL(mercadopagotest.DevicePDV), url.Values{"action": {mercadopagotest.TerminalTap}, "holder": {"APRO"}})
	require.NoError(t, err)
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Contains(t, string(body), `data-state="FINISHED"`)

	done, err := c.Point.GetPaymentIntent(ctx, in.ID)
	require.NoError(t, err)
	assert.Equal(t, mercadopago.IntentFinished, done.State)
	assert.Equal(t, "till-3", done.AdditionalInfo.ExternalReference)
	pay, err := c.Payments.Get(ctx, done.Payment.ID)
	require.NoError(t, err)
	assert.Equal(t, mercadopago.StatusApproved, pay.Status)
	assert.Equal(t, "15.50", pay.TransactionAmount.String())
	last, err := c.Point.PaymentIntentStatus(ctx, in.ID)
	require.NoError(t, err)
	assert.Equal(t, mercadopago.IntentFinished, last.Status)
	today := srv.Clock.Now()
	evs, err := c.Point.ListPaymentIntentEvents(ctx, &mercadopago.PaymentIntentEventsQuery{StartDate: today, EndDate: today})
	require.NoError(t, err)
	var states []mercadopago.PaymentIntentState
	for _, e := range evs.Events {
		states = append(states, e.Status)
	}
	assert.Equal(t, []mercadopago.PaymentIntentState{mercadopago.IntentOpen, mercadopago.IntentOnTerminal, mercadopago.IntentProcessing,
		mercadopago.IntentProcessed, mercadopago.IntentFinished}, states)

	// The point_integration_wh notification verifies like the others.
	v, err := mercadopago.NewWebhookVerifier(mercadopagotest.DefaultWebhookSecret)
	require.NoError(t, err)
	var n *mercadopago.Notification
	for n == nil {
		select {
		case r := <-got:
			if !strings.Contains(r.URL.RawQuery, mercadopago.TopicPointIntegration) {
				continue // the payment's own notification
			}
			n, err = v.Verify(r)
			require.NoError(t, err)
		case <-time.After(hangGuard):
			t.Fatal("no point notification")
		}
	}
	id, ok := n.PaymentIntentID()
	require.True(t, ok)
	assert.Equal(t, in.ID, id)
	assert.Equal(t, "state_FINISHED", deliveryAction(srv, in.ID))

	// Cancelled from the API while OPEN; a refused card ends in ERROR.
	in2, err := c.Point.CreatePaymentIntent(ctx, mercadopagotest.DevicePDV, &mercadopago.PaymentIntentRequest{Amount: money.MustParse("3")})
	require.NoError(t, err)
	cx, err := c.Point.CancelPaymentIntent(ctx, mercadopagotest.DevicePDV, in2.ID)
	require.NoError(t, err)
	assert.Equal(t, in2.ID, cx.ID)
	_, err = srv.PayOnTerminal(mercadopagotest.DevicePDV, "APRO")
	assert.True(t, errors.Is(err, mercadopagotest.ErrNoIntent))
	_, err = c.Point.CreatePaymentIntent(ctx, mercadopagotest.DevicePDV, &mercadopago.PaymentIntentRequest{Amount: money.MustParse("4")})
	require.NoError(t, err)
	st, err := srv.PayOnTerminal(mercadopagotest.DevicePDV, mercadopagotest.HolderRejectedOther)
	require.NoError(t, err)
	assert.Equal(t, mercadopago.IntentError, st)
	in4, err := c.Point.CreatePaymentIntent(ctx, mercadopagotest.DevicePDV, &mercadopago.PaymentIntentRequest{Amount: money.MustParse("5")})
	require.NoError(t, err)
	assert.Equal(t, 1, srv.AbandonPaymentIntents())
	ab, ok := srv.PaymentIntent(in4.ID)
	require.True(t, ok)
	assert.Equal(t, mercadopago.IntentAbandoned, ab.State)
}

func deliveryAction(srv *mercadopagotest.Server, dataID string) string {
	cctx, cancel := context.WithTimeout(ctx, hangGuard)
	defer cancel()
	for {
		for _, d := range srv.Deliveries() {
			if d.DataID == dataID {
				return d.Action
			}
		}
		if srv.WaitDeliveries(cctx, len(srv.Deliveries())+1) != nil {
			return ""
		}
	}
}

// A call refused before sending names its field and sends nothing.
func TestSplitAndPointBadInputSendsNothing(t *testing.T) {
	srv, c := setup(t)
	before := srv.Handled("POST", "/v1/advanced_payments") + srv.HandledPrefix("POST", "/point/")
	req := split("tok", 5, 6)
	req.Disbursements[0].ApplicationFee = mercadopago.Ptr(money.MustParse("600.01"))
	_, err := c.AdvancedPayments.Create(ctx, req)
	var ve *paykit.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "disbursements[0].application_fee", ve.Field)
	_, err = c.Point.CreatePaymentIntent(ctx, mercadopagotest.DevicePDV, &mercadopago.PaymentIntentRequest{Amount: money.MustParse("1.005")})
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "amount", ve.Field)
	assert.Equal(t, before, srv.Handled("POST", "/v1/advanced_payments")+srv.HandledPrefix("POST", "/point/"))
}

// The recorded answers are mounted for the new calls too, and every
// fixture decodes into its client type.
func TestSplitAndPointFixturesMount(t *testing.T) {
	mt := httpmock.NewMockTransport()
	mercadopagotest.RegisterFixtures(mt)
	c, err := mercadopago.NewClient(mercadopago.Credentials{AccessToken: "TEST-x"}, mercadopago.WithHTTPClient(&http.Client{Transport: mt}))
	require.NoError(t, err)
	ap, err := c.AdvancedPayments.Get(ctx, 413372911)
	require.NoError(t, err)
	assert.Equal(t, "60.55", ap.Disbursements[0].ApplicationFee.String())
	page, err := c.AdvancedPayments.SearchPage(ctx, nil)
	require.NoError(t, err)
	assert.Len(t, page.Results, 2)
	refunds, err := c.AdvancedPayments.ListRefunds(ctx, 413372911)
	require.NoError(t, err)
	assert.Len(t, refunds.Refunds, 2)
	devs, err := c.Point.ListDevices(ctx, nil)
	require.NoError(t, err)
	assert.Len(t, devs.Devices, 2)
	in, err := c.Point.CreatePaymentIntent(ctx, "PAX_A910__SMARTPOS1234345545", &mercadopago.PaymentIntentRequest{Amount: money.FromInt(1)})
	require.NoError(t, err)
	assert.Equal(t, mercadopago.IntentFinished, in.State)
	for _, name := range []string{"advanced_payment_drifted", "point_payment_intent_drifted", "point_devices_drifted", "point_intent_events_drifted",
		"disbursement_refunds_drifted", "point_intent_status", "point_intent_canceled", "point_device_mode", "notification_point", "disbursement_refund"} {
		assert.Contains(t, mercadopagotest.Fixtures(), name)
	}
}
