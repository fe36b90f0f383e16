package mercadopago_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
)

// Subscription notifications carry "entity" and "date" instead of the
// payment topics' fields; the same verifier checks them.
func TestSubscriptionNotificationsVerify(t *testing.T) {
	v := newVerifier(t)
	tests := []struct {
		topic, dataID, body string
		check               func(*testing.T, *mercadopago.Notification)
	}{
		{mercadopago.TopicSubscriptionPreapproval, "2c938084726fca480172750000000000",
			`{"action":"updated","application_id":1234567812345678,"data":{"id":"2c938084726fca480172750000000000"},"date":"2024-01-10T17:33:28Z","entity":"preapproval","id":91234,"type":"subscription_preapproval","version":8}`,
			func(t *testing.T, n *mercadopago.Notification) {
				id, ok := n.SubscriptionID()
				assert.True(t, ok)
				assert.Equal(t, "2c938084726fca480172750000000000", id)
				_, ok = n.AuthorizedPaymentID()
				assert.False(t, ok, "not an authorized-payment notification")
				_, ok = n.PaymentID()
				assert.False(t, ok, "an alphanumeric id is no payment id")
			}},
		{mercadopago.TopicSubscriptionAuthorizedPayment, "6114264375",
			`{"action":"created","application_id":1234567812345678,"data":{"id":6114264375},"date":"2024-01-10T17:33:28Z","entity":"authorized_payment","id":91235,"type":"subscription_authorized_payment","version":0}`,
			func(t *testing.T, n *mercadopago.Notification) {
				id, ok := n.AuthorizedPaymentID()
				assert.True(t, ok)
				assert.Equal(t, int64(6114264375), id)
				_, ok = n.SubscriptionID()
				assert.False(t, ok)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.topic, func(t *testing.T) {
			sig := mercadopagotest.SignNotification(whSecret, tt.dataID, "req-9", whNow)
			n, err := v.Verify(notifRequest("?data.id="+tt.dataID+"&type="+tt.topic, sig, "req-9", tt.body))
			require.NoError(t, err)
			assert.Equal(t, tt.topic, n.Type)
			assert.Equal(t, tt.dataID, n.DataID)
			assert.Equal(t, tt.dataID, n.Data.ID)
			tt.check(t, n)

			// Tampered: the signed id is another subscription's.
			_, err = v.Verify(notifRequest("?data.id=other&type="+tt.topic, sig, "req-9", tt.body))
			assert.ErrorIs(t, err, mercadopago.ErrSignatureMismatch)
		})
	}
}
