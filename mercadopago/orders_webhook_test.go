package mercadopago_test

import (
	"errors"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
)

// The order topic is verified like the others, with one rule for the
// letter case of order ids: whichever case the id was signed in and
// whichever case the query carries, the manifest matches, the body's
// data.id is compared without regard to case, and OrderID hands the id
// back upper-cased, as the Orders API spells it.
func TestVerifyOrderNotification(t *testing.T) {
	ts := strconv.FormatInt(whNow.Unix(), 10)
	const id = "ORD01JAQD7X3WDPR0QXH2FM2ZD8WY"
	lower := "ord01jaqd7x3wdpr0qxh2fm2zd8wy"
	body := func(dataID string) string {
		return `{"action":"order.processed","api_version":"v1","data":{"id":"` + dataID + `"},"date_created":"2024-01-10T17:33:28Z","id":1,"live_mode":false,"type":"order","user_id":"44444"}`
	}
	for _, tc := range []struct{ name, query, signed, bodyID string }{
		{"as sent", id, id, id},
		{"signed lowercase", id, lower, id},
		{"query lowercase, signed uppercase", lower, id, id},
		{"query lowercase, body uppercase", lower, lower, id},
	} {
		sig := mercadopagotest.SignNotificationTS(whSecret, tc.signed, "req-o", ts)
		n, err := newVerifier(t).Verify(notifRequest("?data.id="+tc.query+"&type=order", sig, "req-o", body(tc.bodyID)))
		require.NoError(t, err, tc.name)
		got, ok := n.OrderID()
		assert.True(t, ok, tc.name)
		assert.Equal(t, id, got, tc.name)
		_, ok = n.PaymentID()
		assert.False(t, ok, "an order id is not a payment id")
	}
	// Another id, whatever its case, still fails.
	sig := mercadopagotest.SignNotificationTS(whSecret, "ORD01OTHER", "req-o", ts)
	_, err := newVerifier(t).Verify(notifRequest("?data.id="+id+"&type=order", sig, "req-o", body(id)))
	assert.True(t, errors.Is(err, mercadopago.ErrSignatureMismatch), "%v", err)
	// A payment notification has no order id.
	n := &mercadopago.Notification{Type: "payment", DataID: "123"}
	_, ok := n.OrderID()
	assert.False(t, ok)
	n = &mercadopago.Notification{Type: mercadopago.TopicOrder}
	_, ok = n.OrderID()
	assert.False(t, ok, "no id, no order id")
}
