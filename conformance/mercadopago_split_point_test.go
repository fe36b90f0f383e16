package conformance

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit/internal/wiretest"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
	"github.com/paykit-go/paykit/money"
)

// mercadopagoSplitPointWire are the wire rows of advanced payments (split
// payments) and Point: a Bearer token on every call, a key on every write.
func mercadopagoSplitPointWire(fixture func(string) string) []wiretest.Row[*mercadopago.Client] {
	type mp = *mercadopago.Client
	reply := func(name string) wiretest.Reply { return wiretest.Reply{Body: fixture(name)} }
	const (
		adv    = int64(413372911)
		disb   = int64(17070604205)
		device = "PAX_A910__SMARTPOS1234567890"
		intent = "7d8c70b6-2ac8-4c57-a441-c319088ca3ca"
	)
	advPath := "/v1/advanced_payments/" + itoa(adv)
	disbPath := advPath + "/disbursements/" + itoa(disb)
	when := time.Date(2027, 1, 10, 10, 23, 18, 0, time.FixedZone("", -4*3600))
	return []wiretest.Row[mp]{
		{Name: "AdvancedPayments.Create", Method: "POST", Path: "/v1/advanced_payments", KeyValue: "cart-77",
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.AdvancedPayments.Create(ctx, &mercadopago.AdvancedPaymentRequest{ApplicationID: "59441713004005",
					Payer: &mercadopago.AdvancedPaymentPayer{Email: "buyer@example.com"},
					Payments: []mercadopago.AdvancedPaymentCharge{{PaymentMethodID: "master", PaymentTypeID: "credit_card",
						Token: "ff8080814c11e237014c1ff593b57b4d", TransactionAmount: money.MustParse("1000.00"), Installments: mercadopago.Ptr(1),
						ProcessingMode: "aggregator"}},
					Disbursements: []mercadopago.DisbursementRequest{
						{Amount: money.MustParse("600.00"), CollectorID: 2000000001, ApplicationFee: mercadopago.Ptr(money.MustParse("60.55")),
							ExternalReference: "seller-a", MoneyReleaseDays: mercadopago.Ptr(15)},
						{Amount: money.MustParse("400.00"), CollectorID: 2000000002, ApplicationFee: mercadopago.Ptr(money.MustParse("0"))}},
					ExternalReference: "cart-77", Capture: mercadopago.Ptr(false)}, mercadopago.WithIdempotencyKey("cart-77"))
			},
			Body: `{"application_id":"59441713004005","payer":{"email":"buyer@example.com"},"payments":[{"payment_method_id":"master",` +
				`"payment_type_id":"credit_card","token":"ff8080814c11e237014c1ff593b57b4d","transaction_amount":1000.00,"installments":1,` +
				`"processing_mode":"aggregator"}],"disbursements":[{"amount":600.00,"collector_id":2000000001,"application_fee":60.55,` +
				`"external_reference":"seller-a","money_release_days":15},{"amount":400.00,"collector_id":2000000002,"application_fee":0}],` +
				`"external_reference":"cart-77","capture":false}`,
			Reply: wiretest.Reply{Status: 201, Body: fixture("advanced_payment.json")},
			Then: func(t *testing.T, got any) {
				ap := got.(*mercadopago.AdvancedPayment)
				assert.Equal(t, "cart-77", ap.Meta.IdempotencyKey)
				assert.Equal(t, "60.55", ap.Disbursements[0].ApplicationFee.String())
			}},
		{Name: "AdvancedPayments.Get", Method: "GET", Path: advPath,
			Call:  func(ctx context.Context, c mp) (any, error) { return c.AdvancedPayments.Get(ctx, adv) },
			Reply: reply("advanced_payment.json")},
		{Name: "AdvancedPayments.SearchPage", Method: "GET", Path: "/v1/advanced_payments/search",
			Query: "disbursement.collector_id=2000000001&limit=2&status=approved",
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.AdvancedPayments.SearchPage(ctx, &mercadopago.AdvancedPaymentSearch{CollectorID: 2000000001, Status: mercadopago.AdvancedApproved, Limit: 2})
			},
			Reply: reply("advanced_payment_search.json"),
			Then:  func(t *testing.T, got any) { assert.Equal(t, 3, got.(*mercadopago.AdvancedPaymentPage).Paging.Total) }},
		{Name: "AdvancedPayments.Capture", Method: "PUT", Path: advPath, Key: wiretest.AnyKey,
			Call: func(ctx context.Context, c mp) (any, error) { return c.AdvancedPayments.Capture(ctx, adv) },
			Body: `{"capture":true}`, Reply: reply("advanced_payment.json")},
		{Name: "AdvancedPayments.Cancel", Method: "PUT", Path: advPath, Key: wiretest.AnyKey,
			Call: func(ctx context.Context, c mp) (any, error) { return c.AdvancedPayments.Cancel(ctx, adv) },
			Body: `{"status":"cancelled"}`, Reply: reply("advanced_payment.json")},
		{Name: "AdvancedPayments.UpdateReleaseDate", Method: "POST", Path: advPath + "/disburses", Key: wiretest.AnyKey,
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.AdvancedPayments.UpdateReleaseDate(ctx, adv, when)
			},
			Body: `{"money_release_date":"2027-01-10T10:23:18.000-04:00"}`, Reply: reply("advanced_payment.json")},
		{Name: "AdvancedPayments.UpdateDisbursementReleaseDate", Method: "POST", Path: disbPath + "/disburses", Key: wiretest.AnyKey,
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.AdvancedPayments.UpdateDisbursementReleaseDate(ctx, adv, disb, when.UTC())
			},
			Body: `{"money_release_date":"2027-01-10T14:23:18.000+00:00"}`, Reply: reply("advanced_payment.json")},
		{Name: "AdvancedPayments.Refund", Method: "POST", Path: advPath + "/refunds", KeyValue: "refund-cart-77",
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.AdvancedPayments.Refund(ctx, adv, mercadopago.WithIdempotencyKey("refund-cart-77"))
			},
			Reply: wiretest.Reply{Status: 201, Body: fixture("disbursement_refunds.json")},
			Then:  func(t *testing.T, got any) { assert.Len(t, got.(*mercadopago.DisbursementRefunds).Refunds, 2) }},
		{Name: "AdvancedPayments.RefundDisbursement", Method: "POST", Path: disbPath + "/refunds", Key: wiretest.AnyKey,
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.AdvancedPayments.RefundDisbursement(ctx, adv, disb, mercadopago.Ptr(money.MustParse("100.10")))
			},
			Body: `{"amount":100.10}`, Reply: wiretest.Reply{Status: 201, Body: fixture("disbursement_refund.json")}},
		{Name: "AdvancedPayments.RefundDisbursement (whole: no body)", Method: "POST", Path: disbPath + "/refunds", Key: wiretest.AnyKey,
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.AdvancedPayments.RefundDisbursement(ctx, adv, disb, nil)
			},
			Reply: wiretest.Reply{Status: 201, Body: fixture("disbursement_refund.json")}},
		{Name: "AdvancedPayments.ListRefunds", Method: "GET", Path: advPath + "/refunds",
			Call:  func(ctx context.Context, c mp) (any, error) { return c.AdvancedPayments.ListRefunds(ctx, adv) },
			Reply: reply("disbursement_refunds.json")},

		// Point
		{Name: "Point.CreatePaymentIntent", Method: "POST", Path: "/point/integration-api/devices/" + device + "/payment-intents", KeyValue: "till-3-sale-9",
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.Point.CreatePaymentIntent(ctx, device, &mercadopago.PaymentIntentRequest{Amount: money.MustParse("15.5"), Description: "Till 3",
					Payment:        &mercadopago.PaymentIntentPayment{Type: "credit_card", Installments: 1, InstallmentsCost: "seller"},
					AdditionalInfo: &mercadopago.PaymentIntentAdditionalInfo{ExternalReference: "till-3", PrintOnTerminal: mercadopago.Ptr(false)}},
					mercadopago.WithIdempotencyKey("till-3-sale-9"))
			},
			Body: `{"amount":1550,"description":"Till 3","payment":{"type":"credit_card","installments":1,"installments_cost":"seller"},` +
				`"additional_info":{"external_reference":"till-3","print_on_terminal":false}}`,
			Reply: wiretest.Reply{Status: 201, Body: fixture("point_payment_intent.json")},
			Then: func(t *testing.T, got any) {
				assert.Equal(t, "15.50", got.(*mercadopago.PaymentIntent).Amount.Decimal().String())
			}},
		{Name: "Point.CreatePaymentIntent (escaped device id)", Method: "POST", Path: "/point/integration-api/devices/a%2Fb/payment-intents", Key: wiretest.AnyKey,
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.Point.CreatePaymentIntent(ctx, "a/b", &mercadopago.PaymentIntentRequest{Amount: money.FromInt(2)})
			},
			Body: `{"amount":200}`, Reply: wiretest.Reply{Status: 201, Body: fixture("point_payment_intent.json")}},
		{Name: "Point.GetPaymentIntent", Method: "GET", Path: "/point/integration-api/payment-intents/" + intent,
			Call:  func(ctx context.Context, c mp) (any, error) { return c.Point.GetPaymentIntent(ctx, intent) },
			Reply: reply("point_payment_intent.json")},
		{Name: "Point.PaymentIntentStatus", Method: "GET", Path: "/point/integration-api/payment-intents/" + intent + "/events",
			Call:  func(ctx context.Context, c mp) (any, error) { return c.Point.PaymentIntentStatus(ctx, intent) },
			Reply: reply("point_intent_status.json"),
			Then: func(t *testing.T, got any) {
				ev := got.(*mercadopago.PaymentIntentEvent)
				assert.Equal(t, mercadopago.IntentCanceled, ev.Status)
				assert.Equal(t, intent, ev.PaymentIntentID)
			}},
		{Name: "Point.CancelPaymentIntent", Method: "DELETE", Path: "/point/integration-api/devices/" + device + "/payment-intents/" + intent, Key: wiretest.AnyKey,
			Call:  func(ctx context.Context, c mp) (any, error) { return c.Point.CancelPaymentIntent(ctx, device, intent) },
			Reply: reply("point_intent_canceled.json")},
		{Name: "Point.ListPaymentIntentEvents", Method: "GET", Path: "/point/integration-api/payment-intents/events",
			Query: "startDate=2026-12-01&endDate=2026-12-05",
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.Point.ListPaymentIntentEvents(ctx, &mercadopago.PaymentIntentEventsQuery{
					StartDate: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), EndDate: time.Date(2026, 12, 5, 23, 0, 0, 0, time.UTC)})
			},
			Reply: reply("point_intent_events.json"),
			Then:  func(t *testing.T, got any) { assert.Len(t, got.(*mercadopago.PaymentIntentEvents).Events, 3) }},
		{Name: "Point.ListDevices", Method: "GET", Path: "/point/integration-api/devices", Query: "limit=50&store_id=47792476",
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.Point.ListDevices(ctx, &mercadopago.DeviceSearch{StoreID: "47792476", Limit: 50})
			},
			Reply: reply("point_devices.json")},
		{Name: "Point.ChangeOperatingMode", Method: "PATCH", Path: "/point/integration-api/devices/" + device, Key: wiretest.AnyKey,
			Call: func(ctx context.Context, c mp) (any, error) {
				return c.Point.ChangeOperatingMode(ctx, device, mercadopago.ModePDV)
			},
			Body: `{"operating_mode":"PDV"}`, Reply: reply("point_device_mode.json")},
	}
}

// mercadopagoSplitPoint sets up two connected sellers, advanced payments in
// each state a call needs, and Point intents on devices of their own, and
// returns the calls. Writes carry a key and create their effect once; PUTs
// are idempotent; the rest read.
func mercadopagoSplitPoint(t *testing.T, srv *mercadopagotest.Server, c, setup *mercadopago.Client, card func() string) []call {
	app := &mercadopago.OAuthApp{ClientID: mercadopagotest.DefaultClientID, ClientSecret: mercadopagotest.DefaultClientSecret,
		RedirectURI: "https://platform.example/cb", AuthorizationURL: srv.AuthURL()}
	connect := func(sellerID int64) int64 {
		start, err := setup.OAuth.Start(app)
		require.NoError(t, err)
		back, err := srv.Authorize(start.URL, sellerID)
		require.NoError(t, err)
		u, err := url.Parse(back)
		require.NoError(t, err)
		code, err := mercadopago.ParseOAuthCallback(u, start.State)
		require.NoError(t, err)
		tok, err := setup.OAuth.Exchange(bg, app, code, start.PKCE.Verifier)
		require.NoError(t, err)
		return tok.UserID
	}
	a := connect(mercadopagotest.DefaultSellerID)
	b := connect(srv.AddSeller("SPLITSELLER", "split@testuser.com").ID)
	req := func(capture *bool) *mercadopago.AdvancedPaymentRequest {
		return &mercadopago.AdvancedPaymentRequest{Payer: &mercadopago.AdvancedPaymentPayer{Email: "payer@example.com"}, Capture: capture,
			Payments: []mercadopago.AdvancedPaymentCharge{{PaymentMethodID: "master", PaymentTypeID: "credit_card", Token: card(),
				TransactionAmount: money.MustParse("1000.00"), Installments: mercadopago.Ptr(1)}},
			Disbursements: []mercadopago.DisbursementRequest{
				{CollectorID: a, Amount: money.MustParse("700.00"), ApplicationFee: mercadopago.Ptr(money.MustParse("70.10"))},
				{CollectorID: b, Amount: money.MustParse("300.00"), ApplicationFee: mercadopago.Ptr(money.MustParse("30.05"))}}}
	}
	mk := func(capture *bool) *mercadopago.AdvancedPayment {
		ap, err := setup.AdvancedPayments.Create(bg, req(capture))
		require.NoError(t, err)
		return ap
	}
	paid, toRefund, toRefundAll := mk(nil), mk(nil), mk(nil)
	toCapture, toCancel := mk(mercadopago.Ptr(false)), mk(mercadopago.Ptr(false))
	fresh := req(nil)
	disb := toRefund.Disbursements[0].ID
	release := srv.Clock.Now().Add(20 * 24 * time.Hour)
	advPath := func(id int64) string { return "/v1/advanced_payments/" + itoa(id) }
	status := func(id int64, want mercadopago.AdvancedPaymentStatus) func() int {
		return func() int {
			ap, ok := srv.AdvancedPayment(id)
			require.True(t, ok)
			if ap.Status == want {
				return 1
			}
			return 0
		}
	}
	// moved counts 1 once every disbursement of id (or the first only) has
	// the new release date.
	moved := func(id int64, firstOnly bool) func() int {
		return func() int {
			ap, ok := srv.AdvancedPayment(id)
			require.True(t, ok)
			ds := ap.Disbursements
			if firstOnly {
				ds = ds[:1]
			}
			for _, d := range ds {
				if !d.MoneyReleaseDate.Equal(release.Truncate(time.Millisecond)) {
					return 0
				}
			}
			return 1
		}
	}

	// Point: one device per call that needs an intent of its own.
	const busy, free, toCancelOn = "SIM_POINT__BUSY", "SIM_POINT__FREE", "SIM_POINT__CANCEL"
	for _, d := range []string{busy, free, toCancelOn} {
		srv.AddDevice(d, mercadopago.ModePDV)
	}
	open := func(dev string) *mercadopago.PaymentIntent {
		in, err := setup.Point.CreatePaymentIntent(bg, dev, &mercadopago.PaymentIntentRequest{Amount: money.MustParse("12.34")})
		require.NoError(t, err)
		return in
	}
	shown, cancelMe := open(busy), open(toCancelOn)
	intentState := func(id string, want mercadopago.PaymentIntentState) func() int {
		return func() int {
			in, ok := srv.PaymentIntent(id)
			require.True(t, ok)
			if in.State == want {
				return 1
			}
			return 0
		}
	}
	modeIs := func() int {
		m, _ := srv.DeviceMode(mercadopagotest.DeviceStandalone)
		if m == mercadopago.ModePDV {
			return 1
		}
		return 0
	}
	today := srv.Clock.Now()
	return []call{
		{name: "AdvancedPayments.Create", method: "POST", path: "/v1/advanced_payments", repeatable: true, keyed: true, effects: srv.AdvancedPaymentCount,
			run: func(ctx context.Context) error { _, err := c.AdvancedPayments.Create(ctx, fresh); return err }},
		{name: "AdvancedPayments.Get", method: "GET", path: advPath(paid.ID), repeatable: true,
			run: func(ctx context.Context) error { _, err := c.AdvancedPayments.Get(ctx, paid.ID); return err }},
		{name: "AdvancedPayments.SearchPage", method: "GET", path: "/v1/advanced_payments/search", repeatable: true,
			run: func(ctx context.Context) error {
				_, err := c.AdvancedPayments.SearchPage(ctx, &mercadopago.AdvancedPaymentSearch{CollectorID: b, Limit: 2})
				return err
			}},
		{name: "AdvancedPayments.Search", method: "GET", path: "/v1/advanced_payments/search", repeatable: true,
			run: func(ctx context.Context) error {
				for _, err := range c.AdvancedPayments.Search(ctx, &mercadopago.AdvancedPaymentSearch{Limit: 2}) {
					if err != nil {
						return err
					}
				}
				return nil
			}},
		{name: "AdvancedPayments.Capture", method: "PUT", path: advPath(toCapture.ID), repeatable: true, keyed: true,
			effects: status(toCapture.ID, mercadopago.AdvancedApproved),
			run:     func(ctx context.Context) error { _, err := c.AdvancedPayments.Capture(ctx, toCapture.ID); return err }},
		{name: "AdvancedPayments.Cancel", method: "PUT", path: advPath(toCancel.ID), repeatable: true, keyed: true,
			effects: status(toCancel.ID, mercadopago.AdvancedCancelled),
			run:     func(ctx context.Context) error { _, err := c.AdvancedPayments.Cancel(ctx, toCancel.ID); return err }},
		{name: "AdvancedPayments.UpdateReleaseDate", method: "POST", path: advPath(paid.ID) + "/disburses", repeatable: true, keyed: true, effects: moved(paid.ID, false),
			run: func(ctx context.Context) error {
				_, err := c.AdvancedPayments.UpdateReleaseDate(ctx, paid.ID, release)
				return err
			}},
		{name: "AdvancedPayments.UpdateDisbursementReleaseDate", method: "POST", path: advPath(toRefund.ID) + "/disbursements/" + itoa(disb) + "/disburses",
			repeatable: true, keyed: true, effects: moved(toRefund.ID, true),
			run: func(ctx context.Context) error {
				_, err := c.AdvancedPayments.UpdateDisbursementReleaseDate(ctx, toRefund.ID, disb, release)
				return err
			}},
		{name: "AdvancedPayments.RefundDisbursement", method: "POST", path: advPath(toRefund.ID) + "/disbursements/" + itoa(disb) + "/refunds",
			repeatable: true, keyed: true, effects: srv.DisbursementRefundCount,
			run: func(ctx context.Context) error {
				_, err := c.AdvancedPayments.RefundDisbursement(ctx, toRefund.ID, disb, mercadopago.Ptr(money.MustParse("10.01")))
				return err
			}},
		{name: "AdvancedPayments.Refund", method: "POST", path: advPath(toRefundAll.ID) + "/refunds", repeatable: true, keyed: true,
			effects: status(toRefundAll.ID, mercadopago.AdvancedRefunded),
			run:     func(ctx context.Context) error { _, err := c.AdvancedPayments.Refund(ctx, toRefundAll.ID); return err }},
		{name: "AdvancedPayments.ListRefunds", method: "GET", path: advPath(toRefund.ID) + "/refunds", repeatable: true,
			run: func(ctx context.Context) error {
				_, err := c.AdvancedPayments.ListRefunds(ctx, toRefund.ID)
				return err
			}},

		{name: "Point.CreatePaymentIntent", method: "POST", path: "/point/integration-api/devices/" + free, repeatable: true, keyed: true,
			effects: srv.PaymentIntentCount,
			run: func(ctx context.Context) error {
				_, err := c.Point.CreatePaymentIntent(ctx, free, &mercadopago.PaymentIntentRequest{Amount: money.MustParse("99.90")})
				return err
			},
			withID: func(ctx context.Context, id string) error {
				_, err := c.Point.CreatePaymentIntent(ctx, id, &mercadopago.PaymentIntentRequest{Amount: money.MustParse("99.90")})
				return err
			}},
		{name: "Point.GetPaymentIntent", method: "GET", path: "/point/integration-api/payment-intents/" + shown.ID, repeatable: true,
			run:    func(ctx context.Context) error { _, err := c.Point.GetPaymentIntent(ctx, shown.ID); return err },
			withID: func(ctx context.Context, id string) error { _, err := c.Point.GetPaymentIntent(ctx, id); return err }},
		{name: "Point.PaymentIntentStatus", method: "GET", path: "/point/integration-api/payment-intents/" + shown.ID + "/events", repeatable: true,
			run:    func(ctx context.Context) error { _, err := c.Point.PaymentIntentStatus(ctx, shown.ID); return err },
			withID: func(ctx context.Context, id string) error { _, err := c.Point.PaymentIntentStatus(ctx, id); return err }},
		{name: "Point.CancelPaymentIntent", method: "DELETE", path: "/point/integration-api/devices/" + toCancelOn, repeatable: true, keyed: true,
			effects: intentState(cancelMe.ID, mercadopago.IntentCanceled),
			run: func(ctx context.Context) error {
				_, err := c.Point.CancelPaymentIntent(ctx, toCancelOn, cancelMe.ID)
				return err
			},
			withID: func(ctx context.Context, id string) error {
				_, err1 := c.Point.CancelPaymentIntent(ctx, id, cancelMe.ID)
				_, err2 := c.Point.CancelPaymentIntent(ctx, toCancelOn, id)
				return joinBoth(err1, err2)
			}},
		{name: "Point.ListPaymentIntentEvents", method: "GET", path: "/point/integration-api/payment-intents/events", repeatable: true,
			run: func(ctx context.Context) error {
				_, err := c.Point.ListPaymentIntentEvents(ctx, &mercadopago.PaymentIntentEventsQuery{StartDate: today, EndDate: today})
				return err
			}},
		{name: "Point.ListDevices", method: "GET", path: "/point/integration-api/devices", repeatable: true,
			run: func(ctx context.Context) error { _, err := c.Point.ListDevices(ctx, nil); return err }},
		{name: "Point.ChangeOperatingMode", method: "PATCH", path: "/point/integration-api/devices/" + mercadopagotest.DeviceStandalone,
			repeatable: true, keyed: true, effects: modeIs,
			run: func(ctx context.Context) error {
				_, err := c.Point.ChangeOperatingMode(ctx, mercadopagotest.DeviceStandalone, mercadopago.ModePDV)
				return err
			},
			withID: func(ctx context.Context, id string) error {
				_, err := c.Point.ChangeOperatingMode(ctx, id, mercadopago.ModePDV)
				return err
			}},
	}
}
