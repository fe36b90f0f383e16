package finrotatest_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/paykit-go/paykit/finrota/finrotatest"
	"github.com/paykit-go/paykit/internal/leaktest"
	"github.com/paykit-go/paykit/money"
)

func TestSimulatorPrintsNoSecret(t *testing.T) {
	const apiKey, secretKey = "fr-planted-sim-api-key", "fr-planted-sim-secret-key"
	srv := finrotatest.NewServer(finrotatest.WithCredentials(apiKey, secretKey))
	defer srv.Close()
	// The server holds a lock: it is printed through its pointer only.
	assert.Empty(t, leaktest.Leaks(srv, apiKey, secretKey))
	assert.Contains(t, fmt.Sprint(srv), srv.URL)

	card := finrotatest.TestCard("4155650100416111")
	card.CVV = "123456"
	leaktest.Check(t, &card, card.Number, card.CVV)
	leaktest.Check(t, &finrotatest.Prepare{Card: card, Amount: money.MustParse("10"), Currency: "TRY"}, card.Number, card.CVV)
	assert.Contains(t, fmt.Sprint(card), "6111")
}
