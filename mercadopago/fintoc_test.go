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

func TestCreateFintoc(t *testing.T) {
	now := time.Date(2024, 5, 2, 14, 16, 0, 0, time.UTC)
	tests := []struct {
		name, fixture, token, redirect string
		expires                        time.Time
	}{
		// date_created 10:15:30-04:00 is before the clock: expiry counts from creation.
		{"new shape", "payment_fintoc.json", "pi_2fH8kQ9zLmN4_sec_Zx81KdPq0aVwT7", "https://www.mercadopago.cl/payments/1316790001/fintoc", time.Date(2024, 5, 2, 14, 25, 30, 0, time.UTC)},
		// No date_created: expiry counts from the client's clock.
		{"legacy shape", "payment_fintoc_legacy.json", "pi_legacy_sec_abc", "https://www.mercadopago.cl/legacy/fintoc/1316790002", now.Add(10 * time.Minute)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mt := newMocked(t, WithClock(func() time.Time { return now }))
			rec := &recorder{}
			mt.RegisterResponder(http.MethodPost, testBase+"/v1/payments", rec.responder(201, fixture(t, tt.fixture), nil))
			fp, err := c.Payments.CreateFintoc(context.Background(), &FintocRequest{
				TransactionAmount: money.FromInt(5000),
				Description:       "Product title",
				CallbackURL:       "https://www.your-site.com",
				PayerEmail:        "test_user_123@testuser.com",
			})
			require.NoError(t, err)
			got := rec.last(t)
			assert.Equal(t, http.MethodPost, got.Method)
			assert.Equal(t, "/v1/payments", got.Path)
			assertCommonHeaders(t, got)
			assert.Equal(t, string(fixture(t, "req_fintoc.json")), string(got.Body))
			assert.Equal(t, tt.token, fp.WidgetToken)
			assert.Equal(t, tt.redirect, fp.RedirectURL)
			assert.True(t, tt.expires.Equal(fp.WidgetTokenExpiresAt), "%s != %s", tt.expires, fp.WidgetTokenExpiresAt)
			assert.Equal(t, StatusPending, fp.Payment.Status)
			assert.NotEmpty(t, fp.Payment.Meta.IdempotencyKey)
		})
	}
}

func TestCreateFintocValidates(t *testing.T) {
	ok := func() *FintocRequest {
		return &FintocRequest{TransactionAmount: money.FromInt(5000), Description: "d", CallbackURL: "https://x.io", PayerEmail: "a@b.co"}
	}
	tests := []struct {
		name  string
		mod   func(*FintocRequest)
		field string
	}{
		{"amount", func(r *FintocRequest) { r.TransactionAmount = money.Decimal{} }, "transaction_amount"},
		{"description", func(r *FintocRequest) { r.Description = " " }, "description"},
		{"callback", func(r *FintocRequest) { r.CallbackURL = "" }, "callback_url"},
		{"email", func(r *FintocRequest) { r.PayerEmail = "nope" }, "payer.email"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mt := newMocked(t)
			r := ok()
			tt.mod(r)
			_, err := c.Payments.CreateFintoc(context.Background(), r)
			var ve *paykit.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.field, ve.Field)
			assert.Zero(t, mt.GetTotalCallCount())
		})
	}
	c, _ := newMocked(t)
	_, err := c.Payments.CreateFintoc(context.Background(), nil)
	assert.ErrorAs(t, err, new(*paykit.ValidationError))
}

func TestFintocSandboxOutcome(t *testing.T) {
	tests := []struct {
		amount     string
		status     PaymentStatus
		documented bool
	}{
		{"10701", StatusApproved, true},
		{"10702", StatusApproved, true},
		{"10703", StatusRejected, true},
		{"10703.00", StatusRejected, true},
		{"10704", StatusApproved, true},
		{"17505", StatusApproved, true},
		{"3006", StatusApproved, true},
		{"3009", StatusApproved, true},
		{"3", StatusRejected, true},
		{"5000", "", false},
		{"5010", "", false},
		{"107.03", StatusRejected, true},
	}
	for _, tt := range tests {
		t.Run(tt.amount, func(t *testing.T) {
			s, doc := FintocSandboxOutcome(money.MustParse(tt.amount))
			assert.Equal(t, tt.status, s)
			assert.Equal(t, tt.documented, doc)
		})
	}
}
