package mercadopago

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/money"
)

const testPrefID = "1003743392-7c8a2cd6-33a5-4e36-bb73-8f6f3b1e2a11"

func prefRequest() *PreferenceRequest {
	cl := time.FixedZone("CLT", -4*3600)
	return &PreferenceRequest{
		Items: []PreferenceItem{{ID: "SKU-1", Title: "Wool blanket", Description: "Queen size", CategoryID: "home",
			Quantity: 2, CurrencyID: "CLP", UnitPrice: money.MustParse("7995")}},
		Payer:              &PreferencePayer{Name: "Ana", Surname: "Rojas", Email: "test_user_123@testuser.com"},
		BackURLs:           &BackURLs{Success: "https://shop.example/checkout/success", Pending: "https://shop.example/checkout/pending", Failure: "https://shop.example/checkout/failure"},
		AutoReturn:         AutoReturnApproved,
		NotificationURL:    "https://shop.example/mp/webhooks",
		ExternalReference:  "order-77",
		Expires:            Ptr(true),
		ExpirationDateFrom: Ptr(time.Date(2024, 5, 2, 10, 10, 0, 0, cl)),
		ExpirationDateTo:   Ptr(time.Date(2024, 5, 3, 10, 10, 0, 0, cl)),
		PaymentMethods: &PreferencePaymentMethods{ExcludedPaymentMethods: []IDRef{{ID: "amex"}},
			ExcludedPaymentTypes: []IDRef{{ID: "ticket"}}, Installments: Ptr(6)},
		MarketplaceFee:      Ptr(money.FromInt(0)),
		StatementDescriptor: "SHOPEXAMPLE",
		BinaryMode:          Ptr(false),
		Metadata:            map[string]any{"order_id": "order-77"},
	}
}

func TestPreferencesCreate(t *testing.T) {
	c, mt := newMocked(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodPost, testBase+"/checkout/preferences", rec.responder(201, fixture(t, "preference.json"), nil))
	pref, err := c.Preferences.Create(context.Background(), prefRequest(), WithIdempotencyKey("order-77"))
	require.NoError(t, err)
	got := rec.last(t)
	assert.Equal(t, http.MethodPost, got.Method)
	assert.Equal(t, "/checkout/preferences", got.Path)
	assertCommonHeaders(t, got)
	assert.Equal(t, "order-77", got.Header.Get(IdempotencyHeader))
	want := `{"items":[{"id":"SKU-1","title":"Wool blanket","description":"Queen size","category_id":"home","quantity":2,"currency_id":"CLP","unit_price":7995}],` +
		`"payer":{"name":"Ana","surname":"Rojas","email":"test_user_123@testuser.com"},` +
		`"back_urls":{"success":"https://shop.example/checkout/success","pending":"https://shop.example/checkout/pending","failure":"https://shop.example/checkout/failure"},` +
		`"auto_return":"approved","notification_url":"https://shop.example/mp/webhooks","external_reference":"order-77",` +
		`"expires":true,"expiration_date_from":"2024-05-02T10:10:00-04:00","expiration_date_to":"2024-05-03T10:10:00-04:00",` +
		`"payment_methods":{"excluded_payment_methods":[{"id":"amex"}],"excluded_payment_types":[{"id":"ticket"}],"installments":6},` +
		`"marketplace_fee":0,"statement_descriptor":"SHOPEXAMPLE","binary_mode":false,"metadata":{"order_id":"order-77"}}`
	assert.Equal(t, want, string(got.Body))

	assert.Equal(t, testPrefID, pref.ID)
	assert.Equal(t, "https://www.mercadopago.cl/checkout/v1/redirect?pref_id="+testPrefID, pref.InitPoint)
	assert.Equal(t, "https://sandbox.mercadopago.cl/checkout/v1/redirect?pref_id="+testPrefID, pref.SandboxInitPoint)
	assert.Equal(t, int64(1003743392), pref.CollectorID)
	assert.Equal(t, "6295877106812064", pref.ClientID)
	require.Len(t, pref.Items, 1)
	assert.Equal(t, "7995", pref.Items[0].UnitPrice.String())
	assert.Equal(t, 2, pref.Items[0].Quantity)
	assert.Equal(t, "https://shop.example/checkout/failure", pref.BackURLs.Failure)
	assert.Equal(t, AutoReturnApproved, pref.AutoReturn)
	assert.True(t, pref.Expires)
	assert.Equal(t, time.Date(2024, 5, 3, 14, 10, 0, 0, time.UTC), pref.ExpirationDateTo.UTC())
	require.NotNil(t, pref.PaymentMethods.Installments)
	assert.Equal(t, 6, *pref.PaymentMethods.Installments)
	assert.Nil(t, pref.PaymentMethods.DefaultInstallments)
	assert.Equal(t, []IDRef{{ID: "amex"}}, pref.PaymentMethods.ExcludedPaymentMethods)
	assert.True(t, pref.MarketplaceFee.IsZero())
	assert.Equal(t, "MLC", pref.SiteID)
	assert.Equal(t, "11111111-1", pref.Payer.Identification.Number)
	assert.Equal(t, "order-77", pref.Meta.IdempotencyKey)
	assert.Empty(t, pref.Unparsed)
}

func TestPreferencesGetUpdateDrifted(t *testing.T) {
	c, mt := newMocked(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"/checkout/preferences/"+testPrefID, rec.responder(200, fixture(t, "preference_drifted.json"), nil))
	pref, err := c.Preferences.Get(context.Background(), testPrefID)
	require.NoError(t, err)
	assert.Equal(t, "/checkout/preferences/"+testPrefID, rec.last(t).Path)
	assertCommonHeaders(t, rec.last(t))
	assert.Equal(t, int64(1003743392), pref.CollectorID)
	assert.Equal(t, "6295877106812064", pref.ClientID)
	require.Len(t, pref.Items, 1)
	assert.Equal(t, 2, pref.Items[0].Quantity)
	assert.Equal(t, "7995.50", pref.Items[0].UnitPrice.String())
	assert.True(t, pref.MarketplaceFee.IsZero())
	assert.False(t, pref.Expires)
	require.NotNil(t, pref.PaymentMethods.Installments)
	assert.Equal(t, 6, *pref.PaymentMethods.Installments)
	assert.Equal(t, "something_new", pref.AutoReturn)
	assert.Contains(t, pref.Unparsed, "marketplace_fee")

	rec2 := &recorder{}
	mt.RegisterResponder(http.MethodPut, testBase+"/checkout/preferences/"+testPrefID, rec2.responder(200, fixture(t, "preference.json"), nil))
	_, err = c.Preferences.Update(context.Background(), testPrefID, &PreferenceRequest{ExternalReference: "order-78", Expires: Ptr(false)})
	require.NoError(t, err)
	got := rec2.last(t)
	assert.Equal(t, http.MethodPut, got.Method)
	assertCommonHeaders(t, got)
	assert.Equal(t, `{"external_reference":"order-78","expires":false}`, string(got.Body))
}

func TestPreferencesSearch(t *testing.T) {
	c, mt := newMocked(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"/checkout/preferences/search", rec.responder(200, fixture(t, "preference_search.json"), nil))
	var ids []string
	for s, err := range c.Preferences.Search(context.Background(), &PreferenceSearch{ExternalReference: "order-77", Limit: 10}) {
		require.NoError(t, err)
		ids = append(ids, s.ID)
		assert.Equal(t, []string{"Wool blanket"}, s.Items)
		assert.Equal(t, int64(1003743392), s.CollectorID)
	}
	assert.Equal(t, []string{testPrefID}, ids)
	assert.Equal(t, 1, rec.count(), "total reached: no second page")
	assert.Equal(t, "external_reference=order-77&limit=10", rec.last(t).RawQuery)
	assertCommonHeaders(t, rec.last(t))
}

func TestPreferencesValidate(t *testing.T) {
	cases := []struct {
		name  string
		mod   func(*PreferenceRequest) *PreferenceRequest
		field string
	}{
		{"nil", func(*PreferenceRequest) *PreferenceRequest { return nil }, "preference"},
		{"no items", func(r *PreferenceRequest) *PreferenceRequest { r.Items = nil; return r }, "items"},
		{"no title", func(r *PreferenceRequest) *PreferenceRequest { r.Items[0].Title = " "; return r }, "items[0].title"},
		{"zero quantity", func(r *PreferenceRequest) *PreferenceRequest { r.Items[0].Quantity = 0; return r }, "items[0].quantity"},
		{"zero price", func(r *PreferenceRequest) *PreferenceRequest { r.Items[0].UnitPrice = money.Decimal{}; return r }, "items[0].unit_price"},
		{"mixed currency", func(r *PreferenceRequest) *PreferenceRequest {
			r.Items = append(r.Items, PreferenceItem{Title: "x", Quantity: 1, UnitPrice: money.FromInt(1), CurrencyID: "USD"})
			return r
		}, "items[1].currency_id"},
		{"bad payer email", func(r *PreferenceRequest) *PreferenceRequest { r.Payer.Email = "nope"; return r }, "payer.email"},
		{"relative back url", func(r *PreferenceRequest) *PreferenceRequest { r.BackURLs.Pending = "/pending"; return r }, "back_urls.pending"},
		{"auto return without success", func(r *PreferenceRequest) *PreferenceRequest { r.BackURLs.Success = ""; return r }, "back_urls.success"},
		{"bad auto return", func(r *PreferenceRequest) *PreferenceRequest { r.AutoReturn = "always"; return r }, "auto_return"},
		{"bad notification url", func(r *PreferenceRequest) *PreferenceRequest { r.NotificationURL = "ftp://x"; return r }, "notification_url"},
		{"window backwards", func(r *PreferenceRequest) *PreferenceRequest {
			r.ExpirationDateTo = r.ExpirationDateFrom
			return r
		}, "expiration_date_to"},
		{"negative fee", func(r *PreferenceRequest) *PreferenceRequest { r.MarketplaceFee = Ptr(money.FromInt(-1)); return r }, "marketplace_fee"},
		{"zero installments", func(r *PreferenceRequest) *PreferenceRequest { r.PaymentMethods.Installments = Ptr(0); return r }, "payment_methods.installments"},
		{"empty excluded", func(r *PreferenceRequest) *PreferenceRequest {
			r.PaymentMethods.ExcludedPaymentTypes = []IDRef{{}}
			return r
		}, "payment_methods.excluded_payment_types[0].id"},
	}
	for _, tt := range cases {
		c, mt := newMocked(t)
		_, err := c.Preferences.Create(context.Background(), tt.mod(prefRequest()))
		var ve *paykit.ValidationError
		require.ErrorAs(t, err, &ve, tt.name)
		assert.Equal(t, tt.field, ve.Field, tt.name)
		assert.Zero(t, mt.GetTotalCallCount(), "nothing may be sent")
	}
	c, mt := newMocked(t)
	_, err := c.Preferences.Get(context.Background(), "")
	assert.ErrorAs(t, err, new(*paykit.ValidationError))
	_, err = c.Preferences.Update(context.Background(), testPrefID, nil)
	assert.ErrorAs(t, err, new(*paykit.ValidationError))
	_, err = c.Preferences.SearchPage(context.Background(), &PreferenceSearch{Offset: -1})
	assert.ErrorAs(t, err, new(*paykit.ValidationError))
	assert.Zero(t, mt.GetTotalCallCount())
}

// backURLQuery is the query Checkout Pro appends to a back URL.
const backURLQuery = "collection_id=1316782601&collection_status=approved&payment_id=1316782601&status=approved" +
	"&external_reference=order-77&payment_type=credit_card&merchant_order_id=7501234567" +
	"&preference_id=" + testPrefID + "&site_id=MLC&processing_mode=aggregator&merchant_account_id=null"

func TestParseCheckoutReturn(t *testing.T) {
	q, _ := url.ParseQuery(backURLQuery)
	ret, err := ParseCheckoutReturn(q)
	require.NoError(t, err)
	assert.Equal(t, &CheckoutReturn{PaymentID: 1316782601, ReportedStatus: StatusApproved, ExternalReference: "order-77",
		MerchantOrderID: 7501234567, PreferenceID: testPrefID, PaymentType: "credit_card", SiteID: "MLC", ProcessingMode: "aggregator"}, ret)

	for name, tc := range map[string]struct {
		raw  string
		want error
	}{
		"left without paying": {"collection_id=null&collection_status=null&payment_id=null&status=null&external_reference=order-77&preference_id=" + testPrefID, ErrCheckoutReturnNoPayment},
		"empty":               {"", ErrCheckoutReturnNoPayment},
		"ids differ":          {"payment_id=1&collection_id=2", ErrCheckoutReturnMalformed},
		"not a number":        {"payment_id=12a", ErrCheckoutReturnMalformed},
		"negative":            {"payment_id=-5", ErrCheckoutReturnMalformed},
		"plus sign":           {"payment_id=%2B5", ErrCheckoutReturnMalformed},
		"bad merchant order":  {"payment_id=5&merchant_order_id=x", ErrCheckoutReturnMalformed},
		"overlong reference":  {"payment_id=5&external_reference=" + string(make([]byte, 300)), ErrCheckoutReturnMalformed},
		"overflowing id":      {"payment_id=99999999999999999999", ErrCheckoutReturnMalformed},
	} {
		q, _ := url.ParseQuery(tc.raw)
		_, err := ParseCheckoutReturn(q)
		assert.ErrorIs(t, err, tc.want, name)
	}
	// collection_id alone is enough, and collection_status stands in for status.
	q, _ = url.ParseQuery("collection_id=9&collection_status=pending")
	ret, err = ParseCheckoutReturn(q)
	require.NoError(t, err)
	assert.Equal(t, int64(9), ret.PaymentID)
	assert.Equal(t, StatusPending, ret.ReportedStatus)
}

func TestConfirmReturn(t *testing.T) {
	q, _ := url.ParseQuery(backURLQuery)
	ret, err := ParseCheckoutReturn(q)
	require.NoError(t, err)

	c, mt := newMocked(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"/v1/payments/1316782601", rec.responder(200, fixture(t, "payment_full.json"), nil))
	p, err := c.Payments.ConfirmReturn(context.Background(), ret, "order-77")
	require.NoError(t, err)
	assert.Equal(t, StatusApproved, p.Status, "the status comes from the payment read back")
	assert.Equal(t, "/v1/payments/1316782601", rec.last(t).Path)
	assertCommonHeaders(t, rec.last(t))

	// A forged status changes nothing: the payment says what it is.
	forged := *ret
	forged.ReportedStatus = "approved"
	mt.RegisterResponder(http.MethodGet, testBase+"/v1/payments/1316782602", (&recorder{}).responder(200, fixture(t, "payment_3ds_challenge.json"), nil))
	forged.PaymentID, forged.ExternalReference, forged.MerchantOrderID = 1316782602, "order-78", 0
	p, err = c.Payments.ConfirmReturn(context.Background(), &forged, "order-78")
	require.NoError(t, err)
	assert.Equal(t, StatusPending, p.Status)

	// Another order's return, or another order's payment, is refused.
	n := mt.GetTotalCallCount()
	_, err = c.Payments.ConfirmReturn(context.Background(), ret, "order-99")
	assert.ErrorIs(t, err, ErrCheckoutReturnMismatch)
	assert.Equal(t, n, mt.GetTotalCallCount(), "a mismatched return is refused before any call")
	swapped := *ret
	swapped.PaymentID = 1316782602 // payment of order-78 under order-77's reference
	_, err = c.Payments.ConfirmReturn(context.Background(), &swapped, "order-77")
	assert.ErrorIs(t, err, ErrCheckoutReturnMismatch)
	otherMO := *ret
	otherMO.MerchantOrderID = 42
	_, err = c.Payments.ConfirmReturn(context.Background(), &otherMO, "order-77")
	assert.ErrorIs(t, err, ErrCheckoutReturnMismatch)

	_, err = c.Payments.ConfirmReturn(context.Background(), ret, "")
	assert.ErrorAs(t, err, new(*paykit.ValidationError))
	_, err = c.Payments.ConfirmReturn(context.Background(), nil, "order-77")
	assert.ErrorIs(t, err, ErrCheckoutReturnMalformed)
	_, err = c.Payments.ConfirmReturn(context.Background(), &CheckoutReturn{ExternalReference: "order-77"}, "order-77")
	assert.ErrorIs(t, err, ErrCheckoutReturnNoPayment)
}

func FuzzParseCheckoutReturn(f *testing.F) {
	f.Add(backURLQuery)
	f.Add("payment_id=null&collection_id=null")
	f.Add("payment_id=1&collection_id=1&merchant_order_id=%ff")
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		ret, err := ParseCheckoutReturn(q)
		if err != nil {
			if !errors.Is(err, ErrCheckoutReturnMalformed) && !errors.Is(err, ErrCheckoutReturnNoPayment) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		if ret.PaymentID <= 0 || ret.MerchantOrderID < 0 || len(ret.ExternalReference) > maxReturnParam {
			t.Fatalf("accepted an unusable return: %+v", ret)
		}
	})
}

func TestMerchantOrders(t *testing.T) {
	c, mt := newMocked(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"/merchant_orders/7501234567", rec.responder(200, fixture(t, "merchant_order.json"), nil))
	mo, err := c.MerchantOrders.Get(context.Background(), 7501234567)
	require.NoError(t, err)
	assert.Equal(t, "/merchant_orders/7501234567", rec.last(t).Path)
	assertCommonHeaders(t, rec.last(t))
	assert.Equal(t, int64(7501234567), mo.ID)
	assert.Equal(t, "closed", mo.Status)
	assert.Equal(t, "paid", mo.OrderStatus)
	assert.Equal(t, testPrefID, mo.PreferenceID)
	assert.Equal(t, "15990", mo.TotalAmount.String())
	assert.Equal(t, "17621.74", mo.PaidAmount.String())
	assert.Equal(t, int64(1234567890), mo.Payer.ID)
	assert.Equal(t, "TESTSELLER123", mo.Collector.Nickname)
	require.Len(t, mo.Payments, 1)
	assert.Equal(t, int64(1316782601), mo.Payments[0].ID)
	assert.Equal(t, StatusApproved, mo.Payments[0].Status)
	assert.Equal(t, "17621.74", mo.Payments[0].TotalPaidAmount.String())
	require.Len(t, mo.Shipments, 1)
	sh := mo.Shipments[0]
	assert.Equal(t, int64(41234567890), sh.ID)
	assert.Equal(t, "Santiago", sh.ReceiverAddress.City.Name)
	assert.Equal(t, "2500", sh.ShippingOption.Cost.String())
	assert.Equal(t, "221", sh.ServiceID)
	require.Len(t, mo.Items, 1)
	assert.Equal(t, 2, mo.Items[0].Quantity)
	assert.Empty(t, mo.Unparsed)

	rec2 := &recorder{}
	mt.RegisterResponder(http.MethodPost, testBase+"/merchant_orders", rec2.responder(201, fixture(t, "merchant_order.json"), nil))
	_, err = c.MerchantOrders.Create(context.Background(), &MerchantOrderRequest{PreferenceID: testPrefID, ExternalReference: "order-77",
		Items: []MerchantOrderItem{{ID: "SKU-1", Title: "Wool blanket", Quantity: 2, CurrencyID: "CLP", UnitPrice: money.FromInt(7995)}}},
		WithIdempotencyKey("mo-77"))
	require.NoError(t, err)
	got := rec2.last(t)
	assert.Equal(t, http.MethodPost, got.Method)
	assertCommonHeaders(t, got)
	assert.Equal(t, "mo-77", got.Header.Get(IdempotencyHeader))
	assert.Equal(t, `{"preference_id":"`+testPrefID+`","external_reference":"order-77","items":[{"id":"SKU-1","title":"Wool blanket","currency_id":"CLP","quantity":2,"unit_price":7995}]}`, string(got.Body))

	rec3 := &recorder{}
	mt.RegisterResponder(http.MethodPut, testBase+"/merchant_orders/7501234567", rec3.responder(200, fixture(t, "merchant_order_drifted.json"), nil))
	mo, err = c.MerchantOrders.Update(context.Background(), 7501234567, &MerchantOrderRequest{AdditionalInfo: "gift wrap"})
	require.NoError(t, err)
	assert.Equal(t, `{"additional_info":"gift wrap"}`, string(rec3.last(t).Body))
	assertCommonHeaders(t, rec3.last(t))
	// The drifted answer.
	assert.Equal(t, int64(7501234567), mo.ID)
	assert.Equal(t, "brand_new_state", mo.OrderStatus)
	assert.Equal(t, "123", mo.SponsorID)
	assert.Equal(t, "15990.00", mo.TotalAmount.String())
	assert.True(t, mo.PaidAmount.IsZero())
	assert.Equal(t, int64(1234567890), mo.Payer.ID)
	require.Len(t, mo.Payments, 1)
	assert.Equal(t, int64(1316782601), mo.Payments[0].ID)
	assert.True(t, mo.Payments[0].DateApproved.IsZero())
	require.Len(t, mo.Shipments, 1)
	assert.Equal(t, "221", mo.Shipments[0].ServiceID)
	assert.Equal(t, "2500.00", mo.Shipments[0].ShippingOption.Cost.String())
	assert.Equal(t, 2, mo.Items[0].Quantity)
	assert.Contains(t, mo.Unparsed, "paid_amount")
	assert.Contains(t, mo.Unparsed, "payments[0].date_approved")

	rec4 := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"/merchant_orders/search", rec4.responder(200, fixture(t, "merchant_order_search.json"), nil))
	var n int
	for o, err := range c.MerchantOrders.Search(context.Background(), &MerchantOrderSearch{PreferenceID: testPrefID}) {
		require.NoError(t, err)
		n++
		assert.Equal(t, "paid", o.OrderStatus)
	}
	assert.Equal(t, 1, n)
	assert.Equal(t, "preference_id="+testPrefID, rec4.last(t).RawQuery)
}

func TestMerchantOrdersValidate(t *testing.T) {
	c, mt := newMocked(t)
	ctx := context.Background()
	_, err := c.MerchantOrders.Get(ctx, 0)
	assert.ErrorAs(t, err, new(*paykit.ValidationError))
	for name, req := range map[string]*MerchantOrderRequest{
		"nil":          nil,
		"no items":     {PreferenceID: "x"},
		"zero qty":     {Items: []MerchantOrderItem{{Title: "a"}}},
		"neg price":    {Items: []MerchantOrderItem{{Title: "a", Quantity: 1, UnitPrice: money.FromInt(-1)}}},
		"bad hook url": {Items: []MerchantOrderItem{{Title: "a", Quantity: 1}}, NotificationURL: "x"},
		"bad sponsor":  {Items: []MerchantOrderItem{{Title: "a", Quantity: 1}}, SponsorID: Ptr(int64(-3))},
	} {
		_, err := c.MerchantOrders.Create(ctx, req)
		assert.ErrorAs(t, err, new(*paykit.ValidationError), name)
	}
	_, err = c.MerchantOrders.Update(ctx, -1, &MerchantOrderRequest{})
	assert.ErrorAs(t, err, new(*paykit.ValidationError))
	_, err = c.MerchantOrders.SearchPage(ctx, &MerchantOrderSearch{Limit: -1})
	assert.ErrorAs(t, err, new(*paykit.ValidationError))
	assert.Zero(t, mt.GetTotalCallCount())
}

func TestMerchantOrderNotification(t *testing.T) {
	var n Notification
	require.NoError(t, json.Unmarshal(fixture(t, "notification_merchant_order.json"), &n))
	assert.Equal(t, TopicMerchantOrderWebhook, n.Type)
	assert.Equal(t, "update", n.Action)
	assert.Equal(t, int64(1003743392), n.UserID)
	id, ok := n.MerchantOrderID()
	assert.True(t, ok)
	assert.Equal(t, int64(7501234567), id, "the body's id, as text")

	n.DataID = "7501234568" // the signed id wins
	id, ok = n.MerchantOrderID()
	assert.True(t, ok)
	assert.Equal(t, int64(7501234568), id)
	n.DataID = "abc"
	_, ok = n.MerchantOrderID()
	assert.False(t, ok)

	pay := Notification{Type: "payment", DataID: "5"}
	_, ok = pay.MerchantOrderID()
	assert.False(t, ok, "not a merchant order notification")
	ipn := Notification{Type: TopicMerchantOrder, Data: NotificationData{ID: "77"}}
	id, ok = ipn.MerchantOrderID()
	assert.True(t, ok)
	assert.Equal(t, int64(77), id)
}

func TestDriftedListsAndPages(t *testing.T) {
	c, mt := newMocked(t)
	mt.RegisterResponder(http.MethodGet, testBase+"/v1/payment_methods/card_issuers", (&recorder{}).responder(200, fixture(t, "card_issuers_drifted.json"), nil))
	iss, err := c.PaymentMethods.CardIssuers(context.Background(), "visa")
	require.NoError(t, err)
	require.Len(t, iss, 1)
	assert.Equal(t, "288", iss[0].ID)
	assert.Equal(t, "7", iss[0].MerchantAccountID)
	assert.Equal(t, "brand_new_status", iss[0].Status)
	assert.Empty(t, iss[0].SecureThumbnail)
	assert.Contains(t, iss[0].Unparsed, "secure_thumbnail")

	mt.RegisterResponder(http.MethodGet, testBase+"/checkout/preferences/search", (&recorder{}).responder(200, fixture(t, "preference_search_drifted.json"), nil))
	page, err := c.Preferences.SearchPage(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, 1, page.Total)
	assert.Equal(t, 1, page.NextOffset)
	require.Len(t, page.Elements, 1)
	e := page.Elements[0]
	assert.Equal(t, int64(1003743392), e.CollectorID)
	assert.Equal(t, int64(77), e.SponsorID)
	assert.True(t, e.Expires)
	assert.Nil(t, e.Items, "a string where a list was expected is left out")
	assert.Contains(t, e.Unparsed, "items")
	assert.Contains(t, e.Unparsed, "date_created")

	mt.RegisterResponder(http.MethodGet, testBase+"/merchant_orders/search", (&recorder{}).responder(200, fixture(t, "merchant_order_search_drifted.json"), nil))
	mpage, err := c.MerchantOrders.SearchPage(context.Background(), nil)
	require.NoError(t, err)
	assert.Zero(t, mpage.Total)
	require.Len(t, mpage.Elements, 2)
	assert.Equal(t, int64(7501234567), mpage.Elements[0].ID)
	assert.Equal(t, "15990", mpage.Elements[0].TotalAmount.String())
	assert.Contains(t, mpage.Elements[0].Unparsed, "paid_amount")
	assert.Zero(t, mpage.Elements[1].ID, "a result that is not an object is left at zero")

	// Without a total, a walk ends on a page shorter than the default size.
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"/merchant_orders/search", rec.responder(200, fixture(t, "merchant_order_search_drifted.json"), nil))
	n := 0
	for _, err := range c.MerchantOrders.Search(context.Background(), nil) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 2, n)
	assert.Equal(t, 1, rec.count())
}
