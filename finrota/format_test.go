package finrota

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
)

const plantedPAN = "4155650100416111"

// plantedErrors returns the errors of calls whose failures and answers
// carry secrets: a connection that broke (the client's keys are in the
// error's scrub list), an error answer that echoes the keys and a card
// number, and a refused payment that does.
func plantedErrors(t *testing.T) map[string]error {
	t.Helper()
	env := newMockEnv(t, WithMaxRetries(0))
	env.mt.RegisterResponder(http.MethodGet, testBase+"/b2c/widget/token", httpmock.NewErrorResponder(errors.New("connection reset")))
	env.record(http.MethodGet, transactionPath, 400, `{"message":"bad key `+testAPIKey+`","statusCode":400,"data":{"errorCode":"E1","errorMessage":"secret `+testSecretKey+`"},`+
		`"errors":{"card":["card `+plantedPAN+` refused"]}}`)
	env.record(http.MethodPost, paymentPath, 200, `{"success":false,"error":"card `+plantedPAN+` declined for `+testSecretKey+`","errorCode":"51"}`)
	errs := map[string]error{}
	_, errs["network"] = env.c.Widget.CreateToken(context.Background())
	_, errs["status"] = env.c.Transactions.Get(context.Background(), ByTransactionID("1"))
	req := validPayment()
	_, errs["declined"] = env.c.Widget.Pay(context.Background(), req)
	var netErr *paykit.NetworkError
	require.ErrorAs(t, errs["network"], &netErr)
	var apiErr *Error
	require.ErrorAs(t, errs["status"], &apiErr)
	var decline *DeclineError
	require.ErrorAs(t, errs["declined"], &decline)
	return errs
}

func TestErrorsPrintNoSecretUnderAnyVerb(t *testing.T) {
	for name, err := range plantedErrors(t) {
		t.Run(name, func(t *testing.T) {
			leaktest.Check(t, err, testAPIKey, testSecretKey, testAccess, plantedPAN)
		})
	}
}

// TestErrorFormatsLikeItsText: Error's own Format, not the embedded
// transport error's, answers every verb.
func TestErrorFormatsLikeItsText(t *testing.T) {
	var e *Error
	require.ErrorAs(t, plantedErrors(t)["status"], &e)
	text := e.Error()
	require.Contains(t, text, "bad key", "the message is in the text")
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%d", "%t"} {
		assert.Equal(t, text, fmt.Sprintf(verb, e), verb)
		assert.Equal(t, text, fmt.Sprintf(verb, *e), verb+" by value")
	}
	assert.Equal(t, strconv.Quote(text), fmt.Sprintf("%q", e))
	assert.Equal(t, "finrota: error", fmt.Sprintf("%d", Error{}), "a zero Error prints without panicking")
}

func TestValuesHoldingSecretsPrintNone(t *testing.T) {
	env := newMockEnv(t)
	_, err := env.c.tokens.Token(context.Background()) // the client now holds an access token
	require.NoError(t, err)
	secrets := []string{testAPIKey, testSecretKey, testAccess}
	for name, v := range map[string]any{
		"credentials": &Credentials{APIKey: testAPIKey, SecretKey: testSecretKey},
		"client":      env.c,
	} {
		t.Run(name, func(t *testing.T) { leaktest.Check(t, v, secrets...) })
	}
}
