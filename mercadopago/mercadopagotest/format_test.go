package mercadopagotest_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/paykit-go/paykit/internal/leaktest"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
)

func TestSimulatorPrintsNoSecret(t *testing.T) {
	const token, hook, appSecret = "APP_USR-planted-sim-token-1", "planted-sim-webhook-2", "planted-sim-app-secret-3"
	srv := mercadopagotest.NewServer(mercadopagotest.WithAccessToken(token), mercadopagotest.WithWebhook("https://shop.example/hook", hook),
		mercadopagotest.WithOAuthApp("123", appSecret, "https://shop.example/cb"))
	defer srv.Close()
	// The server holds a lock: it is printed through its pointer only.
	assert.Empty(t, leaktest.Leaks(srv, token, hook, appSecret))
	assert.Contains(t, fmt.Sprint(srv), srv.URL)

	card := mercadopagotest.TestCard{Number: "5031755734530604", ExpirationMonth: 11, ExpirationYear: 2099,
		SecurityCode: "123456", HolderName: "APRO", IdentificationType: "RUT", IdentificationNumber: "111111111"}
	leaktest.Check(t, &card, card.Number, card.SecurityCode)
	assert.Contains(t, fmt.Sprint(card), "0604")
}
