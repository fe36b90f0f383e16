package mercadopago_test

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
)

// A point_integration_wh notification carries the intent as its body (no
// "type", no "data", a string id): the same verifier checks it, the topic
// comes from the URL and the signed data.id is the intent's id.
func TestPointNotificationVerifies(t *testing.T) {
	body, err := os.ReadFile("mercadopagotest/testdata/notification_point.json")
	require.NoError(t, err)
	const intent = "7d8c70b6-2ac8-4c57-a441-c319088ca3ca"
	v := newVerifier(t)
	sig := mercadopagotest.SignNotification(whSecret, intent, "req-p1", whNow)
	n, err := v.Verify(notifRequest("?data.id="+intent+"&type=point_integration_wh", sig, "req-p1", string(body)))
	require.NoError(t, err)
	assert.Equal(t, mercadopago.TopicPointIntegration, n.Type)
	id, ok := n.PaymentIntentID()
	require.True(t, ok)
	assert.Equal(t, intent, id)
	_, ok = n.PaymentID()
	assert.False(t, ok, "an intent id is no payment id")
	assert.Contains(t, n.Unparsed, "id", "the body's string id is named, not dropped silently")

	// Tampered: another intent's id in the URL.
	_, err = v.Verify(notifRequest("?data.id=other&type=point_integration_wh", sig, "req-p1", string(body)))
	assert.ErrorIs(t, err, mercadopago.ErrSignatureMismatch)

	// A payment notification is not an intent one, whatever its URL says.
	psig := mercadopagotest.SignNotification(whSecret, "123", "req-p2", whNow)
	p, err := v.Verify(notifRequest("?data.id=123&type=point_integration_wh", psig, "req-p2", `{"type":"payment","data":{"id":"123"}}`))
	require.NoError(t, err)
	_, ok = p.PaymentIntentID()
	assert.False(t, ok)
}
