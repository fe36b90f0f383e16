package fintecture

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/transport"
)

// tokenResponse is the answer of POST /oauth/accesstoken. expires_in is
// read from a number or a numeric string.
type tokenResponse struct {
	TokenType   string          `json:"token_type"`
	AccessToken string          `json:"access_token"`
	ExpiresIn   json.RawMessage `json:"expires_in"`
}

// fetchToken runs the client-credentials call with scope PIS. It is
// authenticated with HTTP Basic and never signed.
func (c *Client) fetchToken(ctx context.Context) (transport.Token, error) {
	form := url.Values{
		"grant_type": {"client_credentials"},
		"app_id":     {c.appID},
		"scope":      {"PIS"},
	}
	var tr tokenResponse
	// Repeatable: a token request issues a token and moves no money, so a
	// repeat after a 5xx or a broken connection cannot double anything.
	_, err := c.token.Do(ctx, &transport.Request{Op: transport.Op{Name: "fintecture.AccessToken", Route: "/oauth/accesstoken"}, Method: http.MethodPost, Path: "/oauth/accesstoken", Form: form, Repeatable: true}, &tr)
	if err != nil {
		return transport.Token{}, err
	}
	if tr.AccessToken == "" {
		return transport.Token{}, fmt.Errorf("fintecture: token endpoint answered without an access_token")
	}
	// From now on the token is a secret of both transports: an error body
	// that echoes it shows "[redacted]".
	c.api.AddSecrets(tr.AccessToken)
	c.token.AddSecrets(tr.AccessToken)
	tok := transport.Token{Value: tr.AccessToken}
	if secs, ok := expiresIn(tr.ExpiresIn); ok {
		tok.Expiry = c.api.Now().Add(time.Duration(secs) * time.Second)
	}
	return tok, nil
}

// expiresIn reads expires_in as a number or numeric string of seconds.
func expiresIn(raw json.RawMessage) (int64, bool) {
	raw = bytes.Trim(bytes.TrimSpace(raw), `"`)
	n, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil || n <= 0 || n > 366*24*3600 {
		return 0, false
	}
	return n, true
}

// Token returns the current PIS access token, fetching one if none is cached
// or the cached one is about to expire. Calls fetch tokens on their own; use
// this to warm the cache or to call an endpoint this package does not cover.
func (c *Client) Token(ctx context.Context) (paykit.Token, error) {
	return c.tokens.Token(ctx)
}
