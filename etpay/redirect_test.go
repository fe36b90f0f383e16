package etpay

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/paykit-go/paykit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const statusByOrder = `{"merchant_code":"cl_demo_cl","merchant_api_token":"4a005f0eca91cd9474cadce4e5fc6f91","merchant_order_id":"OC700104"}`
const statusByToken = `{"merchant_code":"cl_demo_cl","merchant_api_token":"4a005f0eca91cd9474cadce4e5fc6f91","payment_token":"pay_91c2"}`

func TestWithRedirectParams(t *testing.T) {
	v := mustVerifier(t, lookupFor(map[string]string{"sess_7f3a": vectorSecret}), WithRedirectParams("etpay_jwt", "bad name", ""))
	out, err := v.VerifyRedirect(httptest.NewRequest(http.MethodGet, "/ok?etpay_jwt="+vector(t, "valid"), nil))
	require.NoError(t, err)
	assert.Equal(t, "pay_91c2", out.PaymentToken)
	// Only the configured names are read from the query now.
	_, err = v.VerifyRedirect(httptest.NewRequest(http.MethodGet, "/ok?jwt="+vector(t, "valid"), nil))
	assert.ErrorIs(t, err, ErrNoNotification)

	// Nothing usable keeps the default names.
	v = mustVerifier(t, lookupFor(map[string]string{"sess_7f3a": vectorSecret}), WithRedirectParams("a b", "x=y"))
	_, err = v.VerifyRedirect(httptest.NewRequest(http.MethodGet, "/ok?payment="+vector(t, "valid"), nil))
	require.NoError(t, err)
}

func TestConfirmRedirectSigned(t *testing.T) {
	c, mt := newMockClient(t)
	seen := 0
	mt.RegisterResponder(http.MethodPost, testAPI+"/merchant/check_payment_status",
		expectJSON(t, []byte(statusByToken), http.StatusOK, fixture(t, "check_payment_status_response.json"), &seen))
	v := mustVerifier(t, lookupFor(map[string]string{"sess_7f3a": vectorSecret}))
	r := httptest.NewRequest(http.MethodGet, "/etpay/ok?order=OC700104&jwt="+vector(t, "valid"), nil)
	got, err := c.Payments.ConfirmReturn(context.Background(), v, r, "OC700104")
	require.NoError(t, err)
	assert.Equal(t, 1, seen, "asked ETpay by the verified payment token")
	assert.True(t, got.Signed)
	require.NotNil(t, got.Outcome)
	assert.Equal(t, "sess_7f3a", got.Outcome.SessionToken)
	require.NotNil(t, got.Payment)
	assert.Equal(t, "pay_91c2", got.Payment.PaymentToken)
	assert.True(t, got.Paid())
}

func TestConfirmRedirectUnsignedAsksByOrder(t *testing.T) {
	c, mt := newMockClient(t)
	seen := 0
	answer := `[{"payment_token":"pay_77aa","payment_status":"failed","merchant_order_id":"OC700104","order_amount":2000},` +
		`{"payment_token":"pay_88bb","payment_status":"pending","merchant_order_id":"OC700104","order_amount":2000}]`
	mt.RegisterResponder(http.MethodPost, testAPI+"/merchant/check_payment_status",
		expectJSON(t, []byte(statusByOrder), http.StatusOK, []byte(answer), &seen))
	v := mustVerifier(t, lookupFor(nil))
	got, err := c.Payments.ConfirmReturn(context.Background(), v, httptest.NewRequest(http.MethodGet, "/etpay/ok?order=OC700104", nil), "OC700104")
	require.NoError(t, err)
	assert.Equal(t, 1, seen)
	assert.False(t, got.Signed)
	assert.Nil(t, got.Outcome)
	require.NotNil(t, got.Payment)
	assert.Equal(t, "pay_88bb", got.Payment.PaymentToken, "no success: the latest attempt")
	assert.False(t, got.Paid())

	// No record yet: the payer left before paying.
	mt.RegisterResponder(http.MethodPost, testAPI+"/merchant/check_payment_status", httpmock.NewStringResponder(200, `[]`))
	got, err = c.Payments.ConfirmReturn(context.Background(), v, httptest.NewRequest(http.MethodGet, "/etpay/ok", nil), "OC700104")
	require.NoError(t, err)
	assert.Nil(t, got.Payment)
	assert.False(t, got.Paid())
}

func TestConfirmRedirectRefusals(t *testing.T) {
	c, mt := newMockClient(t)
	calls := 0
	mt.RegisterResponder(http.MethodPost, testAPI+"/merchant/check_payment_status", func(*http.Request) (*http.Response, error) {
		calls++
		return httpmock.NewStringResponse(200, `[{"payment_token":"pay_91c2","payment_status":"success","merchant_order_id":"OC999999"}]`), nil
	})
	v := mustVerifier(t, lookupFor(map[string]string{"sess_7f3a": vectorSecret}))
	ctx := context.Background()

	// A tampered JWT: an error, and ETpay is not asked.
	_, err := c.Payments.ConfirmReturn(ctx, v, httptest.NewRequest(http.MethodGet, "/ok?jwt="+vector(t, "tampered"), nil), "OC700104")
	assert.ErrorIs(t, err, ErrSignature)
	// A genuine JWT of another order.
	_, err = c.Payments.ConfirmReturn(ctx, v, httptest.NewRequest(http.MethodGet, "/ok?jwt="+vector(t, "valid"), nil), "OC123")
	assert.ErrorIs(t, err, ErrRedirectOrderMismatch)
	assert.Equal(t, 0, calls)
	// ETpay's record names another order than the one expected.
	_, err = c.Payments.ConfirmReturn(ctx, v, httptest.NewRequest(http.MethodGet, "/ok", nil), "OC700104")
	assert.ErrorIs(t, err, ErrRedirectOrderMismatch)
	assert.Equal(t, 1, calls)

	for _, tc := range []struct {
		v     *WebhookVerifier
		r     *http.Request
		order string
		field string
	}{
		{nil, httptest.NewRequest(http.MethodGet, "/ok", nil), "OC1", "verifier"},
		{v, nil, "OC1", "request"},
		{v, httptest.NewRequest(http.MethodGet, "/ok", nil), "", "merchant_order_id"},
		{v, httptest.NewRequest(http.MethodGet, "/ok", nil), strings.Repeat("9", 65), "merchant_order_id"},
	} {
		_, err := c.Payments.ConfirmReturn(ctx, tc.v, tc.r, tc.order)
		var ve *paykit.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, tc.field, ve.Field)
	}
	assert.Equal(t, 1, calls, "invalid input sends nothing")
}

func FuzzWithRedirectParams(f *testing.F) {
	f.Add("jwt", "/ok?jwt=a.b.c")
	f.Add("", "/ok?payment=%zz")
	f.Add("t&x", "/ok?t=1&t=2")
	f.Fuzz(func(t *testing.T, name, target string) {
		if !strings.HasPrefix(target, "/") {
			target = "/" + target
		}
		r, err := http.NewRequest(http.MethodGet, "http://shop.example"+target, nil)
		if err != nil {
			return
		}
		v := mustVerifier(t, lookupFor(map[string]string{"sess_7f3a": vectorSecret}), WithRedirectParams(name))
		out, err := v.VerifyRedirect(r)
		if err == nil && out == nil {
			t.Fatal("nil outcome without an error")
		}
	})
}

func TestBanksAreValidCodes(t *testing.T) {
	banks := Banks()
	require.Len(t, banks, 8)
	seen := map[string]bool{}
	for _, b := range banks {
		require.NoError(t, b.validate(), b.String())
		assert.True(t, strings.HasPrefix(b.String(), "cl_"), b.String())
		assert.False(t, seen[b.String()], "duplicate %s", b)
		seen[b.String()] = true
	}
	assert.True(t, seen["cl_mach"])
	banks[0] = CustomBankCode("xx")
	assert.Equal(t, BankEstado, Banks()[0], "the list is a fresh copy")
}
