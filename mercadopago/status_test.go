package mercadopago

import (
	"encoding/json"
	"testing"

	"github.com/paykit-go/paykit/internal/transport"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// "canceled" and "cancelled" are one status wherever paykit reads one.
func TestCancelledSpellingsAreOneStatus(t *testing.T) {
	for _, spelling := range []string{"canceled", "cancelled"} {
		doc := []byte(`{"status":"` + spelling + `"}`)
		var o Order
		require.NoError(t, json.Unmarshal(doc, &o))
		assert.Equal(t, OrderCanceled, o.Status, spelling)
		assert.True(t, o.Status.Terminal())
		var p Payment
		require.NoError(t, json.Unmarshal(doc, &p))
		assert.Equal(t, StatusCancelled, p.Status, spelling)
		var s Subscription
		require.NoError(t, json.Unmarshal(doc, &s))
		assert.Equal(t, SubscriptionCancelled, s.Status, spelling)
		var pl Plan
		require.NoError(t, json.Unmarshal(doc, &pl))
		assert.Equal(t, PlanCanceled, pl.Status, spelling)
		var ap AuthorizedPayment
		require.NoError(t, json.Unmarshal(doc, &ap))
		assert.Equal(t, AuthorizedPaymentCancelled, ap.Status, spelling)
		var mo MerchantOrder
		require.NoError(t, json.Unmarshal([]byte(`{"payments":[{"status":"`+spelling+`"}]}`), &mo))
		assert.Equal(t, StatusCancelled, mo.Payments[0].Status, spelling)
		var tx OrderPayment
		require.NoError(t, json.Unmarshal(doc, &tx))
		assert.Equal(t, TransactionCanceled, tx.Status, spelling)

		assert.Equal(t, OrderCanceled, OrderStatus(spelling).Normalize())
		assert.Equal(t, StatusCancelled, PaymentStatus(spelling).Normalize())
		assert.Equal(t, SubscriptionCancelled, SubscriptionStatus(spelling).Normalize())
		assert.Equal(t, TransactionCanceled, TransactionStatus(spelling).Normalize())
		assert.Equal(t, PlanCanceled, PlanStatus(spelling).Normalize())
		assert.Equal(t, AuthorizedPaymentCancelled, AuthorizedPaymentStatus(spelling).Normalize())
	}
	// Other values are left as they are, unknown ones included.
	assert.Equal(t, OrderStatus("on_hold"), OrderStatus("on_hold").Normalize())
	assert.Equal(t, StatusApproved, StatusApproved.Normalize())
	var p Payment
	require.NoError(t, json.Unmarshal([]byte(`{"status":"CANCELLED"}`), &p))
	assert.Equal(t, PaymentStatus("CANCELLED"), p.Status, "only the API's lower-case spellings are folded")
	// The tolerant path keeps the rule: a drifted sibling field does not lose it.
	var o Order
	require.NoError(t, transport.Decode([]byte(`{"status":"cancelled","total_amount":{"x":1}}`), &o))
	assert.Equal(t, OrderCanceled, o.Status)
	assert.Equal(t, []string{"total_amount"}, o.Unparsed)
}
