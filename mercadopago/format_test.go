package mercadopago

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/leaktest"
	"github.com/paykit-go/paykit/money"
)

const (
	plantedCardToken = "ff8080814c11e237014c1ff593b57b4d"
	plantedPAN       = "4509953566233704"
	plantedHook      = "planted-webhook-secret-8812"
)

// plantedErrors returns the errors of calls whose failures and answers
// carry secrets: a connection that broke while reading a card token (the
// cause quotes the URL with the token's id), an error answer that echoes the
// access token and a card number, and an Orders API error list that does.
func plantedErrors(t *testing.T) map[string]error {
	t.Helper()
	c, mt := newMocked(t, WithMaxRetries(0))
	mt.RegisterResponder(http.MethodGet, testBase+"/v1/card_tokens/"+plantedCardToken,
		httpmock.NewErrorResponder(errors.New("connection reset by peer")))
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"/v1/payments/7", rec.responder(401,
		[]byte(`{"message":"token `+testToken+` refused","error":"unauthorized","cause":[{"code":"1","description":"card `+plantedPAN+`","data":"`+testToken+`"}]}`), nil))
	mt.RegisterResponder(http.MethodGet, testBase+"/v1/orders/ORD1", rec.responder(400,
		[]byte(`{"errors":[{"code":"invalid_token","message":"token `+testToken+` for card `+plantedPAN+`","details":["x"]}]}`), nil))
	errs := map[string]error{}
	_, errs["network"] = c.CardTokens.Get(context.Background(), plantedCardToken)
	_, errs["status"] = c.Payments.Get(context.Background(), 7)
	_, errs["orders"] = c.Orders.Get(context.Background(), "ORD1")
	var netErr *paykit.NetworkError
	require.ErrorAs(t, errs["network"], &netErr)
	for _, name := range []string{"status", "orders"} {
		var apiErr *Error
		require.ErrorAs(t, errs[name], &apiErr)
	}
	return errs
}

func TestErrorsPrintNoSecretUnderAnyVerb(t *testing.T) {
	for name, err := range plantedErrors(t) {
		t.Run(name, func(t *testing.T) {
			leaktest.Check(t, err, testToken, plantedCardToken, plantedPAN)
		})
	}
}

// TestErrorFormatsLikeItsText: Error's own Format, not the embedded
// transport error's, answers every verb.
func TestErrorFormatsLikeItsText(t *testing.T) {
	var e *Error
	require.ErrorAs(t, plantedErrors(t)["status"], &e)
	text := e.Error()
	require.Contains(t, text, "refused", "the message is in the text")
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%d", "%t"} {
		assert.Equal(t, text, fmt.Sprintf(verb, e), verb)
		assert.Equal(t, text, fmt.Sprintf(verb, *e), verb+" by value")
	}
	assert.Equal(t, strconv.Quote(text), fmt.Sprintf("%q", e))
	assert.Equal(t, "mercadopago: error", fmt.Sprintf("%d", &Error{}))
}

func TestValuesHoldingSecretsPrintNone(t *testing.T) {
	c, _ := newMocked(t)
	pkce, err := NewPKCE()
	require.NoError(t, err)
	secrets := []string{testToken, plantedCardToken, plantedPAN, testClientSecret, testSellerToken, testRefreshToken, pkce.Verifier, plantedHook}
	for name, v := range map[string]any{
		"credentials": &Credentials{AccessToken: testToken},
		"client":      c,
		"oauth app":   testApp(),
		"pkce":        &pkce,
		"oauth start": &OAuthStart{URL: "https://auth.example/x", State: "st", PKCE: pkce},
		"oauth token": &OAuthToken{AccessToken: testSellerToken, RefreshToken: testRefreshToken},
		"card token request": &CardTokenRequest{CardNumber: plantedPAN, SecurityCode: "123", ExpirationMonth: 11, ExpirationYear: 2030,
			Cardholder: &Cardholder{Name: "APRO"}},
		"card token": &CardToken{ID: plantedCardToken, LastFourDigits: "3704"},
		"payment request": &PaymentRequest{TransactionAmount: money.MustParse("10"), Token: plantedCardToken, Installments: Ptr(1),
			Payer: &PaymentPayer{Email: "payer@example.com"}},
		"order payment method": &OrderPaymentMethod{ID: "master", Type: "credit_card", Token: plantedCardToken, Installments: 1},
		"order request": &OrderRequest{ProcessingMode: ProcessAutomatic, TotalAmount: money.MustParse("10"), ExternalReference: "o-1",
			Payments: []OrderPaymentRequest{{Amount: money.MustParse("10"), PaymentMethod: OrderPaymentMethod{ID: "master", Type: "credit_card", Token: plantedCardToken}}}},
	} {
		t.Run(name, func(t *testing.T) { leaktest.Check(t, v, secrets...) })
	}

	// Types that hold a lock are printed through their pointer only (vet
	// reports a copy of one).
	src, err := c.OAuth.TokenSource(testApp(), &OAuthToken{AccessToken: testSellerToken, RefreshToken: testRefreshToken}, nil)
	require.NoError(t, err)
	v, err := NewWebhookVerifier(plantedHook)
	require.NoError(t, err)
	for _, p := range []any{src, v} {
		assert.Empty(t, leaktest.Leaks(p, secrets...), "%T", p)
	}
}

// TestRedactedRequestsKeepTheirFields: a request prints every field but the
// card token, so it stays useful in a log line.
func TestRedactedRequestsKeepTheirFields(t *testing.T) {
	req := PaymentRequest{TransactionAmount: money.MustParse("10"), Token: plantedCardToken, Description: "order 7"}
	out := fmt.Sprintf("%+v", req)
	assert.Contains(t, out, "Description:order 7")
	assert.Contains(t, out, "Token:[redacted]")
	assert.Equal(t, plantedCardToken, req.Token, "printing does not change the request")
	assert.Contains(t, fmt.Sprintf("%v", PaymentRequest{}), "{0 ", "an empty token stays empty")
	pm := OrderPaymentMethod{ID: "visa", Token: plantedCardToken}
	assert.Contains(t, fmt.Sprintf("%+v", pm), "ID:visa")
	assert.NotContains(t, fmt.Sprintf("%#v", []OrderPaymentMethod{pm}), plantedCardToken)
}
