package etpay

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

const plantedPAN = "4509953566233704"

// plantedErrors returns the errors of calls whose failures and answers
// carry secrets: a connection that broke (the API token is in the error's
// scrub list), and an error answer that echoes the token and a card number.
func plantedErrors(t *testing.T) map[string]error {
	t.Helper()
	c, mt := newMockClient(t, WithMaxRetries(0))
	mt.RegisterResponder(http.MethodPost, testAPI+"/session/initialize", httpmock.NewErrorResponder(errors.New("connection reset")))
	mt.RegisterResponder(http.MethodPost, testAPI+"/merchant/check_payment_status", httpmock.NewStringResponder(401,
		`{"code":"E401","message":"token `+testAPIKey+` refused for card `+plantedPAN+`"}`))
	errs := map[string]error{}
	_, errs["network"] = c.Sessions.Create(context.Background(), &SessionRequest{OrderID: "OC1", Amount: 1000})
	_, errs["status"] = c.Payments.Status(context.Background(), &StatusQuery{OrderID: "OC1"})
	var netErr *paykit.NetworkError
	require.ErrorAs(t, errs["network"], &netErr)
	var apiErr *Error
	require.ErrorAs(t, errs["status"], &apiErr)
	return errs
}

func TestErrorsPrintNoSecretUnderAnyVerb(t *testing.T) {
	for name, err := range plantedErrors(t) {
		t.Run(name, func(t *testing.T) {
			leaktest.Check(t, err, testAPIKey, plantedPAN)
		})
	}
}

// TestErrorFormatsLikeItsText: Error's own Format, not the embedded
// transport error's, answers every verb.
func TestErrorFormatsLikeItsText(t *testing.T) {
	var e *Error
	require.ErrorAs(t, plantedErrors(t)["status"], &e)
	text := e.Error()
	require.True(t, len(text) > len("etpay: "), text)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%d", "%t"} {
		assert.Equal(t, text, fmt.Sprintf(verb, e), verb)
		assert.Equal(t, text, fmt.Sprintf(verb, *e), verb+" by value")
	}
	assert.Equal(t, strconv.Quote(text), fmt.Sprintf("%q", e))
	assert.Equal(t, "etpay: error", fmt.Sprintf("%d", Error{}), "a zero Error prints without panicking")
}

func TestValuesHoldingSecretsPrintNone(t *testing.T) {
	c, _ := newMockClient(t)
	secrets := []string{testAPIKey, testSigning}
	for name, v := range map[string]any{
		"credentials": &Credentials{MerchantCode: testCode, MerchantAPIToken: testAPIKey},
		"client":      c,
		"session":     &Session{Token: "Wm9kNEJ2c2VzczEyMw", SignatureToken: testSigning, RedirectURL: testPMT + "/session/x"},
		"verifier":    mustVerifier(t, func(context.Context, string) (string, error) { return testSigning, nil }),
	} {
		t.Run(name, func(t *testing.T) { leaktest.Check(t, v, secrets...) })
	}
}
