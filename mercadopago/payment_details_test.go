package mercadopago

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/money"
)

func TestPaymentsCreateWholeRequest(t *testing.T) {
	c, mt := newMocked(t, WithClock(func() time.Time { return time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC) }))
	rec := &recorder{}
	mt.RegisterResponder(http.MethodPost, testBase+"/v1/payments", rec.responder(201, fixture(t, "payment_full.json"), nil))
	cl := time.FixedZone("CLT", -4*3600)
	req := &PaymentRequest{
		TransactionAmount:   money.MustParse("15990"),
		Token:               "ff8080814c11e237014c1ff593b57b4d",
		Installments:        Ptr(3),
		IssuerID:            "24",
		Description:         "Wool blanket",
		StatementDescriptor: "SHOPEXAMPLE",
		ExternalReference:   "order-77",
		NotificationURL:     "https://shop.example/mp/webhooks",
		Payer: &PaymentPayer{
			Email:          "test_user_123@testuser.com",
			Identification: &Identification{Type: "RUT", Number: "11111111-1"},
			Phone:          &Phone{AreaCode: "56", Number: "912345678"},
			Address:        &PayerAddress{ZipCode: "8320000", StreetName: "Av. Providencia", StreetNumber: "1234", City: "Santiago"},
		},
		BinaryMode: Ptr(false),
		Metadata:   map[string]any{"order_id": "order-77"},
		AdditionalInfo: &AdditionalInfo{
			IPAddress: "203.0.113.7",
			Items: []AdditionalItem{{ID: "SKU-1", Title: "Wool blanket", Description: "Queen size", CategoryID: "home",
				Quantity: 2, UnitPrice: money.MustParse("7995.00"), Warranty: Ptr(false)}},
			Payer: &AdditionalPayer{FirstName: "Ana", LastName: "Rojas", Phone: &Phone{AreaCode: "56", Number: "912345678"},
				Address:          &Address{ZipCode: "8320000", StreetName: "Av. Providencia", StreetNumber: "1234"},
				RegistrationDate: Ptr(time.Date(2023, 1, 15, 9, 0, 0, 0, cl)), IsFirstPurchaseOnline: Ptr(false)},
			Shipments: &Shipments{ReceiverAddress: &ReceiverAddress{ZipCode: "8320000", StateName: "RM", CityName: "Santiago",
				StreetName: "Av. Providencia", StreetNumber: "1234", Floor: "5", Apartment: "B"}, LocalPickup: Ptr(false)},
		},
		ThreeDSecureMode: ThreeDSOptional,
		DateOfExpiration: Ptr(time.Date(2024, 5, 9, 23, 59, 59, 0, cl)),
		ApplicationFee:   Ptr(money.FromInt(0)),
		SponsorID:        Ptr(int64(987654321)),
	}
	p, err := c.Payments.Create(context.Background(), req, WithIdempotencyKey("order-77"))
	require.NoError(t, err)
	got := rec.last(t)
	assert.Equal(t, http.MethodPost, got.Method)
	assert.Equal(t, "/v1/payments", got.Path)
	assertCommonHeaders(t, got)
	assert.Equal(t, "order-77", got.Header.Get(IdempotencyHeader))
	want := `{"transaction_amount":15990,"token":"ff8080814c11e237014c1ff593b57b4d","installments":3,"issuer_id":"24",` +
		`"description":"Wool blanket","statement_descriptor":"SHOPEXAMPLE","external_reference":"order-77",` +
		`"notification_url":"https://shop.example/mp/webhooks",` +
		`"payer":{"email":"test_user_123@testuser.com","identification":{"type":"RUT","number":"11111111-1"},` +
		`"phone":{"area_code":"56","number":"912345678"},"address":{"zip_code":"8320000","street_name":"Av. Providencia","street_number":"1234","city":"Santiago"}},` +
		`"binary_mode":false,"metadata":{"order_id":"order-77"},` +
		`"additional_info":{"ip_address":"203.0.113.7","items":[{"id":"SKU-1","title":"Wool blanket","description":"Queen size","category_id":"home","quantity":2,"unit_price":7995.00,"warranty":false}],` +
		`"payer":{"first_name":"Ana","last_name":"Rojas","phone":{"area_code":"56","number":"912345678"},"address":{"zip_code":"8320000","street_name":"Av. Providencia","street_number":"1234"},"registration_date":"2023-01-15T09:00:00-04:00","is_first_purchase_online":false},` +
		`"shipments":{"receiver_address":{"zip_code":"8320000","state_name":"RM","city_name":"Santiago","street_name":"Av. Providencia","street_number":"1234","floor":"5","apartment":"B"},"local_pickup":false}},` +
		`"three_d_secure_mode":"optional","date_of_expiration":"2024-05-09T23:59:59-04:00","application_fee":0,"sponsor_id":987654321}`
	assert.Equal(t, want, string(got.Body))

	// The documented answer, read in full.
	assert.Equal(t, int64(1316782601), p.ID)
	assert.Equal(t, StatusApproved, p.Status)
	assert.Equal(t, "pending", p.MoneyReleaseStatus)
	assert.Equal(t, int64(1003743392), p.CollectorID)
	assert.Equal(t, int64(987654321), p.SponsorID)
	assert.Equal(t, "regular_payment", p.OperationType)
	assert.Equal(t, "301299", p.AuthorizationCode)
	assert.Equal(t, "SHOPEXAMPLE", p.StatementDescriptor)
	assert.True(t, p.DateOfExpiration.IsZero(), "null date_of_expiration")
	require.NotNil(t, p.Order)
	assert.Equal(t, PaymentOrder{ID: "7501234567", Type: "mercadopago"}, *p.Order)
	require.Len(t, p.FeeDetails, 3)
	assert.Equal(t, FeeDetail{Type: "mercadopago_fee", FeePayer: "collector", Amount: money.MustParse("599.38")}, p.FeeDetails[0])
	assert.Equal(t, "payer", p.FeeDetails[2].FeePayer)
	require.Len(t, p.ChargesDetails, 1)
	ch := p.ChargesDetails[0]
	assert.Equal(t, "fee", ch.Type)
	assert.Equal(t, "collector", ch.Accounts.From)
	assert.Equal(t, "mp", ch.Accounts.To)
	assert.Equal(t, "599.38", ch.Amounts.Original.String())
	assert.True(t, ch.Amounts.Refunded.IsZero())
	assert.Equal(t, "rule-engine", ch.Metadata["source"])
	td := p.TransactionDetails
	assert.Equal(t, "14890.62", td.NetReceivedAmount.String())
	assert.Equal(t, "17621.74", td.TotalPaidAmount.String())
	assert.Equal(t, "5873.91", td.InstallmentAmount.String())
	assert.True(t, td.OverpaidAmount.IsZero())
	assert.Equal(t, "1316782601_7d7b6d6f7e7e6f7f7f7e", td.TransactionID)
	ai := p.AdditionalInfo
	assert.Equal(t, "203.0.113.7", ai.IPAddress)
	require.Len(t, ai.Items, 1)
	assert.Equal(t, "2", ai.Items[0].Quantity)
	assert.Equal(t, "7995", ai.Items[0].UnitPrice.String(), "a price sent as text")
	assert.Equal(t, "Rojas", ai.Payer.LastName)
	assert.Equal(t, "1234", ai.Payer.Address.StreetNumber)
	assert.Equal(t, "B", ai.Shipments.ReceiverAddress.Apartment)
	assert.Equal(t, "912345678", p.Payer.Phone.Number)
	require.NotNil(t, p.PointOfInteraction)
	require.NotNil(t, p.PointOfInteraction.BusinessInfo)
	assert.Equal(t, "checkout_pro", p.PointOfInteraction.BusinessInfo.SubUnit)
	require.NotNil(t, p.PointOfInteraction.ApplicationData)
	assert.Equal(t, "checkout-off", p.PointOfInteraction.ApplicationData.Name)
	assert.Nil(t, p.ThreeDSInfo)
	_, challenged := p.Challenge()
	assert.False(t, challenged, "an approved payment has no challenge")
	assert.Empty(t, p.Unparsed)
}

func TestPaymentsCreateThreeDSChallenge(t *testing.T) {
	c, mt := newMocked(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodPost, testBase+"/v1/payments", rec.responder(201, fixture(t, "payment_3ds_challenge.json"), nil))
	p, err := c.Payments.Create(context.Background(), &PaymentRequest{TransactionAmount: money.FromInt(15990), Token: "tok",
		Installments: Ptr(1), Payer: &PaymentPayer{Email: "test_user_123@testuser.com"}, ThreeDSecureMode: ThreeDSOptional})
	require.NoError(t, err)
	assert.Equal(t, `{"transaction_amount":15990,"token":"tok","installments":1,"payer":{"email":"test_user_123@testuser.com"},"three_d_secure_mode":"optional"}`, string(rec.last(t).Body))
	assert.Equal(t, StatusPending, p.Status)
	assert.Equal(t, DetailPendingChallenge, p.StatusDetail)
	ch, ok := p.Challenge()
	require.True(t, ok)
	assert.Equal(t, int64(1316782602), ch.PaymentID)
	assert.Equal(t, "https://acs-public.tp.mastercard.com/api/v1/browser_challenges", ch.URL)
	assert.True(t, strings.HasPrefix(ch.CReq, "eyJ0aHJlZURT"))
	form := ch.HTMLForm("challenge-frame")
	assert.Contains(t, form, `action="https://acs-public.tp.mastercard.com/api/v1/browser_challenges"`)
	assert.Contains(t, form, `target="challenge-frame"`)
	assert.Contains(t, form, `name="creq" value="`+ch.CReq+`"`)
}

func TestChallengeRejectsOddInfo(t *testing.T) {
	base := func() *Payment {
		return &Payment{ID: 1, Status: StatusPending, StatusDetail: DetailPendingChallenge,
			ThreeDSInfo: &ThreeDSInfo{ExternalResourceURL: "https://acs.example/challenge", CReq: "abc"}}
	}
	_, ok := base().Challenge()
	assert.True(t, ok)
	for name, mod := range map[string]func(*Payment){
		"approved":       func(p *Payment) { p.Status = StatusApproved },
		"other detail":   func(p *Payment) { p.StatusDetail = DetailPendingContingency },
		"no info":        func(p *Payment) { p.ThreeDSInfo = nil },
		"javascript url": func(p *Payment) { p.ThreeDSInfo.ExternalResourceURL = "javascript:alert(1)" },
		"relative url":   func(p *Payment) { p.ThreeDSInfo.ExternalResourceURL = "/challenge" },
		"no creq":        func(p *Payment) { p.ThreeDSInfo.CReq = "" },
		"malformed url":  func(p *Payment) { p.ThreeDSInfo.ExternalResourceURL = "https://%zz" },
	} {
		p := base()
		mod(p)
		_, ok := p.Challenge()
		assert.False(t, ok, name)
	}
	var nilPayment *Payment
	_, ok = nilPayment.Challenge()
	assert.False(t, ok)
	// Values are escaped in the form.
	ch := &ThreeDSChallenge{URL: "https://acs.example/c?a=1&b=2", CReq: `"><script>x</script>`}
	form := ch.HTMLForm(`"x`)
	assert.NotContains(t, form, "<script>x")
	assert.Contains(t, form, "a=1&amp;b=2")
}

func TestPaymentsGetDriftedWholePayment(t *testing.T) {
	c, mt := newMocked(t)
	mt.RegisterResponder(http.MethodGet, testBase+"/v1/payments/1316782603", (&recorder{}).responder(200, fixture(t, "payment_full_drifted.json"), nil))
	p, err := c.Payments.Get(context.Background(), 1316782603)
	require.NoError(t, err)
	assert.Equal(t, int64(1316782603), p.ID)
	assert.Equal(t, int64(1003743392), p.CollectorID, "id as text")
	assert.Equal(t, "7", p.MoneyReleaseStatus, "number where text was expected")
	assert.True(t, p.DateOfExpiration.IsZero())
	require.NotNil(t, p.Order)
	assert.Equal(t, "7501234567", p.Order.ID, "order id as a number")
	require.Len(t, p.FeeDetails, 2)
	assert.Equal(t, "599.38", p.FeeDetails[0].Amount.String())
	assert.Equal(t, "new_fee_kind", p.FeeDetails[1].Type)
	assert.True(t, p.FeeDetails[1].Amount.IsZero())
	require.Len(t, p.ChargesDetails, 1)
	assert.Equal(t, "5", p.ChargesDetails[0].ID)
	assert.Equal(t, int64(77), p.ChargesDetails[0].ClientID)
	assert.Equal(t, "10.5", p.ChargesDetails[0].Amounts.Original.String())
	require.Len(t, p.AdditionalInfo.Items, 1)
	assert.Equal(t, "2", p.AdditionalInfo.Items[0].Quantity, "a number where text was expected")
	assert.Equal(t, "7995.5", p.AdditionalInfo.Items[0].UnitPrice.String())
	assert.Equal(t, int64(4455), p.TransactionDetails.BankTransferID)
	assert.Equal(t, "123", p.TransactionDetails.Barcode.Content)
	require.NotNil(t, p.PointOfInteraction)
	require.NotNil(t, p.PointOfInteraction.TransactionData)
	assert.Equal(t, int64(98), p.PointOfInteraction.TransactionData.BankTransferID)
	assert.Equal(t, "1", p.PointOfInteraction.TransactionData.FinancialInstitution)
	_, ok := p.Challenge()
	assert.False(t, ok, "a challenge URL that is not http(s) is not offered")
	assert.Contains(t, p.Unparsed, "date_of_expiration")
	assert.Contains(t, p.Unparsed, "fee_details[1].amount")
	assert.Contains(t, p.Unparsed, "additional_info.payer.registration_date")
}

func TestPaymentsCreateValidatesExtras(t *testing.T) {
	ok := func() *PaymentRequest {
		return &PaymentRequest{TransactionAmount: money.FromInt(100), Token: "tok", Payer: &PaymentPayer{Email: "a@b.co"}}
	}
	cases := []struct {
		name  string
		mod   func(*PaymentRequest)
		field string
	}{
		{"3ds mode", func(r *PaymentRequest) { r.ThreeDSecureMode = "always" }, "three_d_secure_mode"},
		{"3ds without a card", func(r *PaymentRequest) {
			r.Token, r.PaymentMethodID, r.ThreeDSecureMode = "", "pix", ThreeDSOptional
		}, "three_d_secure_mode"},
		{"negative fee", func(r *PaymentRequest) { r.ApplicationFee = Ptr(money.FromInt(-1)) }, "application_fee"},
		{"fee above amount", func(r *PaymentRequest) { r.ApplicationFee = Ptr(money.MustParse("100.01")) }, "application_fee"},
		{"sponsor", func(r *PaymentRequest) { r.SponsorID = Ptr(int64(0)) }, "sponsor_id"},
		{"zero expiry", func(r *PaymentRequest) { r.DateOfExpiration = &time.Time{} }, "date_of_expiration"},
		{"item quantity", func(r *PaymentRequest) {
			r.AdditionalInfo = &AdditionalInfo{Items: []AdditionalItem{{Title: "a", Quantity: 1, UnitPrice: money.FromInt(1)}, {Title: "b"}}}
		}, "additional_info.items[1].quantity"},
		{"item price", func(r *PaymentRequest) {
			r.AdditionalInfo = &AdditionalInfo{Items: []AdditionalItem{{Title: "a", Quantity: 1, UnitPrice: money.FromInt(-5)}}}
		}, "additional_info.items[0].unit_price"},
	}
	for _, tt := range cases {
		c, mt := newMocked(t)
		r := ok()
		tt.mod(r)
		_, err := c.Payments.Create(context.Background(), r)
		var ve *paykit.ValidationError
		require.ErrorAs(t, err, &ve, tt.name)
		assert.Equal(t, tt.field, ve.Field, tt.name)
		assert.Zero(t, mt.GetTotalCallCount(), "nothing may be sent")
	}
	// The whole amount as a fee is allowed; so is ThreeDSNotSupported.
	c, mt := newMocked(t)
	mt.RegisterResponder(http.MethodPost, testBase+"/v1/payments", (&recorder{}).responder(201, []byte(`{"id":1}`), nil))
	r := ok()
	r.ApplicationFee, r.ThreeDSecureMode = Ptr(money.FromInt(100)), ThreeDSNotSupported
	_, err := c.Payments.Create(context.Background(), r)
	assert.NoError(t, err)
}
