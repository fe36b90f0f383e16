package transport

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

	"github.com/paykit-go/paykit/internal/leaktest"
)

const (
	fmtToken     = "APP_USR-planted-token-5521"
	fmtCardToken = "ff8080814c11e237014c1ff593b57b4d"
	fmtPAN       = "4509953566233704"
	fmtAPIKey    = "sk_live_planted_key_77"
)

// plantedErrors makes the transport's errors from calls whose answers, and
// whose failures, carry secrets: a failed connection (net/http's error
// quotes the URL, card token id included), an error answer whose headers
// echo the Authorization header, a 2xx that is not JSON, and a failure
// while the context ends.
func plantedErrors(t *testing.T) map[string]error {
	t.Helper()
	c, mt, _ := newMocked(t, func(cfg *Config) {
		cfg.Auth = Bearer(fmtToken)
		cfg.Secrets = []string{fmtToken, fmtAPIKey}
		cfg.MaxRetries = 0
	})
	mt.RegisterResponder("GET", testBase+"/v1/card_tokens/"+fmtCardToken,
		httpmock.NewErrorResponder(errors.New("connection reset (sent Bearer "+fmtToken+")")))
	echo := func(status int, body string) httpmock.Responder {
		return func(r *http.Request) (*http.Response, error) {
			resp := httpmock.NewStringResponse(status, body)
			resp.Header.Set("X-Echo-Authorization", r.Header.Get("Authorization"))
			resp.Header.Set("X-Request-Id", "req-1")
			return resp, nil
		}
	}
	mt.RegisterResponder("POST", testBase+"/pay", echo(400, `{"message":"bad token `+fmtToken+`","card":"`+fmtPAN+`"}`))
	mt.RegisterResponder("GET", testBase+"/garbled", echo(200, `{"access_token":"`+fmtToken+`"`))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	mt.RegisterResponder("GET", testBase+"/cancelled", func(*http.Request) (*http.Response, error) {
		cancel()
		return nil, errors.New("dial failed for " + fmtAPIKey)
	})

	errs := map[string]error{}
	for name, r := range map[string]*Request{
		"network":   {Method: "GET", Path: Path("v1", "card_tokens", fmtCardToken), Secrets: []string{fmtCardToken}},
		"status":    {Method: "POST", Path: "/pay", JSON: map[string]string{"card_number": fmtPAN}},
		"garbled":   {Method: "GET", Path: "/garbled"},
		"cancelled": {Method: "GET", Path: "/cancelled"},
	} {
		callCtx := context.Background()
		if name == "cancelled" {
			callCtx = ctx
		}
		var out struct{ AccessToken string }
		_, err := c.Do(callCtx, r, &out)
		require.Error(t, err, name)
		errs[name] = err
	}
	var netErr *NetworkError
	require.ErrorAs(t, errs["network"], &netErr)
	require.ErrorAs(t, errs["cancelled"], &netErr)
	var apiErr *Error
	require.ErrorAs(t, errs["status"], &apiErr)
	require.ErrorAs(t, errs["garbled"], &apiErr)
	return errs
}

func TestErrorsPrintNoSecretUnderAnyVerb(t *testing.T) {
	secrets := []string{fmtToken, fmtCardToken, fmtPAN, fmtAPIKey}
	for name, err := range plantedErrors(t) {
		t.Run(name, func(t *testing.T) {
			var netErr *NetworkError
			if errors.As(err, &netErr) {
				leaktest.Check(t, netErr, secrets...)
			}
			var apiErr *Error
			if errors.As(err, &apiErr) {
				leaktest.Check(t, apiErr, secrets...)
			}
		})
	}
	// Made by hand, with the secret in the cause and the headers.
	leaktest.Check(t, &Error{Method: "GET", Path: "/x", StatusCode: 502, Header: http.Header{"Set-Cookie": {"s=" + fmtToken}},
		Err: errors.New("json: cannot read " + fmtToken)}, fmtToken)
	assert.Equal(t, "GET /x: network error (request never reached the server)", fmt.Sprintf("%d", &NetworkError{Method: "GET", Path: "/x"}), "no cause: no panic")
}

// TestWrappedErrorsPrintNoSecret: an error wrapped by fmt.Errorf (by the
// transport when the context ends, or by the caller) sits in an unexported
// field of fmt's wrapper, where fmt cannot call its Format method: for %t,
// %e, %c, %U, %O… it prints the pointed-to struct by reflection with every
// method switched off. Only a secret that a NetworkError keeps behind a
// pointer is out of reach then.
func TestWrappedErrorsPrintNoSecret(t *testing.T) {
	errs := plantedErrors(t)
	leaktest.Check(t, errs["cancelled"], fmtToken, fmtAPIKey)
	leaktest.Check(t, fmt.Errorf("charging: %w", errs["network"]), fmtToken, fmtCardToken)
}

// TestErrorsFormatLikeTheirText: Format must not change what %v, %s and %q
// show, only what the other verbs reach.
func TestErrorsFormatLikeTheirText(t *testing.T) {
	for name, err := range plantedErrors(t) {
		var e error
		var value any // the struct behind e, as a caller holding it by value prints it
		var netErr *NetworkError
		var apiErr *Error
		if errors.As(err, &netErr) {
			e, value = netErr, *netErr
		} else {
			require.ErrorAs(t, err, &apiErr)
			e, value = apiErr, *apiErr
		}
		text := e.Error()
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%d", "%t", "%e", "%U"} {
			assert.Equal(t, text, fmt.Sprintf(verb, e), name+" "+verb)
			assert.Equal(t, text, fmt.Sprintf(verb, value), name+" "+verb+" by value")
		}
		assert.Equal(t, strconv.Quote(text), fmt.Sprintf("%q", e), name)
		assert.Equal(t, fmt.Sprintf("%x", text), fmt.Sprintf("%x", e), name)
		assert.Equal(t, fmt.Sprintf("%-300s|", text), fmt.Sprintf("%-300v|", e), name)
		assert.Equal(t, fmt.Sprintf("%.10s", text), fmt.Sprintf("%.10v", e), name)
	}
}

func TestValuesHoldingSecretsPrintNone(t *testing.T) {
	c, _, _ := newMocked(t, func(cfg *Config) { cfg.Auth = Bearer(fmtToken); cfg.Secrets = []string{fmtToken} })
	secrets := []string{fmtToken, fmtCardToken, fmtPAN, fmtAPIKey}
	for name, v := range map[string]any{
		"request": &Request{Method: "POST", Path: Path("v1", "card_tokens", fmtCardToken), Secrets: []string{fmtCardToken},
			JSON: map[string]string{"card_number": fmtPAN}, Auth: Bearer(fmtToken), Header: http.Header{"X-Api-Key": {fmtAPIKey}}},
		"config": &Config{Provider: "test", BaseURL: testBase, Auth: Basic("user", fmtAPIKey), Secrets: []string{fmtToken},
			DecodeError: func(base *Error, _ []byte, _ []string) error { return base }},
		"response": &Response{Meta: Meta{StatusCode: 200}, Header: http.Header{"Set-Cookie": {fmtAPIKey}},
			Body: []byte(`{"access_token":"` + fmtToken + `","card":"` + fmtPAN + `"}`)},
		"token":  Token{Value: fmtToken},
		"bearer": Bearer(fmtToken),
		"basic":  Basic("user", fmtAPIKey),
	} {
		t.Run(name, func(t *testing.T) { leaktest.Check(t, v, secrets...) })
	}
	// A TokenSource holds a lock, so it is only ever printed through its
	// pointer. A Client is too, but nothing stops *c from being printed:
	// its Format (config.go) wants a value receiver, as Error's has.
	assert.Empty(t, leaktest.Leaks(ts(fmtToken), fmtToken))
	assert.Empty(t, leaktest.Leaks(c, fmtToken))
}
