package fintecture

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/httpsig"
	"github.com/paykit-go/paykit/internal/leaktest"
)

const plantedPAN = "4509953566233704"

// keySecrets are the planted forms of the test key: its PEM lines, and the
// first word of its private exponent as fmt prints a big.Int's words.
func keySecrets(t *testing.T) []string {
	t.Helper()
	pemBytes := readTestdata(t, "key.pem")
	var out []string
	for _, l := range strings.Split(string(pemBytes), "\n") {
		if len(l) > 40 && !strings.HasPrefix(l, "-----") {
			out = append(out, l)
		}
	}
	key, err := httpsig.ParsePrivateKey(pemBytes)
	require.NoError(t, err)
	return append(out, strconv.FormatUint(uint64(key.D.Bits()[0]), 10))
}

// plantedErrors returns the errors of calls whose failures and answers
// carry secrets: a connection that broke (the app secret is in the error's
// scrub list), and an error answer that echoes the secret and a card number.
func plantedErrors(t *testing.T) map[string]error {
	t.Helper()
	mt, _ := mockAPI(t)
	c := newTestClient(t, mt, true, WithMaxRetries(0))
	mt.RegisterResponder(http.MethodGet, testBase+"/pis/v2/payments/s-net", httpmock.NewErrorResponder(errors.New("connection reset")))
	mt.RegisterResponder(http.MethodGet, testBase+"/pis/v2/payments/s-bad", httpmock.NewStringResponder(400,
		`{"status":"400","code":"bad_request","log_id":"l-1","errors":[{"code":"invalid","title":"secret `+testSecret+`","message":"card `+plantedPAN+` refused"}]}`))
	errs := map[string]error{}
	_, errs["network"] = c.PIS.GetPayment(context.Background(), "s-net")
	_, errs["status"] = c.PIS.GetPayment(context.Background(), "s-bad")
	var netErr *paykit.NetworkError
	require.ErrorAs(t, errs["network"], &netErr)
	var apiErr *Error
	require.ErrorAs(t, errs["status"], &apiErr)
	return errs
}

func TestErrorsPrintNoSecretUnderAnyVerb(t *testing.T) {
	for name, err := range plantedErrors(t) {
		t.Run(name, func(t *testing.T) {
			leaktest.Check(t, err, testSecret, plantedPAN)
		})
	}
}

// TestErrorFormatsLikeItsText: Error's own Format, not the embedded
// transport error's, answers every verb.
func TestErrorFormatsLikeItsText(t *testing.T) {
	var e *Error
	require.ErrorAs(t, plantedErrors(t)["status"], &e)
	text := e.Error()
	require.Contains(t, text, "bad_request", "the code is in the text")
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%d", "%t"} {
		assert.Equal(t, text, fmt.Sprintf(verb, e), verb)
		assert.Equal(t, text, fmt.Sprintf(verb, *e), verb+" by value")
	}
	assert.Equal(t, strconv.Quote(text), fmt.Sprintf("%q", e))
	assert.Equal(t, "fintecture: error", fmt.Sprintf("%d", Error{}))
}

func TestValuesHoldingSecretsPrintNone(t *testing.T) {
	mt, _ := mockAPI(t)
	c := newTestClient(t, mt, true)
	tok, err := c.Token(context.Background()) // the client now holds an access token
	require.NoError(t, err)
	secrets := append([]string{testSecret, testToken}, keySecrets(t)...)
	v := testVerifier(t)
	key, err := httpsig.ParsePrivateKey(readTestdata(t, "key.pem"))
	require.NoError(t, err)
	for name, val := range map[string]any{
		"credentials": &Credentials{AppID: testAppID, AppSecret: testSecret, PrivateKey: readTestdata(t, "key.pem")},
		"client":      c,
		"token":       &tok,
		"verifier":    v,
		"signer":      httpsig.NewSigner(testAppID, key),
	} {
		t.Run(name, func(t *testing.T) { leaktest.Check(t, val, secrets...) })
	}
}
