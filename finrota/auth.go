package finrota

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/paykit-go/paykit/internal/transport"
)

// tokenConnectPath is where the API key pair is exchanged for an access token.
const tokenConnectPath = "/auth/api/token/connect"

// accessTokenFallback is how long a token whose expiry cannot be read is
// trusted. The documented lifetime is 24 h; a 401 refetches it anyway.
const accessTokenFallback = time.Hour

// istanbul is the zone assumed for an expiry written without one (.NET
// servers often omit it). Reading it as Turkish time rather than UTC makes
// the token look shorter-lived, never longer.
var istanbul = time.FixedZone("TRT", 3*60*60)

type connectRequest struct {
	APIKey    string `json:"apiKey"`
	SecretKey string `json:"secretKey"`
}

type connectResponse struct {
	Expiry string `json:"expiry"`
	Token  string `json:"token"`
	Type   string `json:"type"`
	// Some gateways wrap the same fields in the usual envelope.
	Data *struct {
		Expiry string `json:"expiry"`
		Token  string `json:"token"`
		Type   string `json:"type"`
	} `json:"data"`
}

// fetchAccessToken exchanges the key pair for an access token. It is the
// TokenSource's fetch function: the token stays inside this package.
func (c *Client) fetchAccessToken(ctx context.Context) (transport.Token, error) {
	var out connectResponse
	_, err := c.tc.Do(ctx, &transport.Request{
		Op:     transport.Op{Name: "finrota.AccessToken", Route: tokenConnectPath},
		Method: http.MethodPost,
		Path:   tokenConnectPath,
		JSON:   connectRequest{APIKey: c.creds.APIKey, SecretKey: c.creds.SecretKey},
		Auth:   transport.NoAuth,
		// Asking for a token twice issues two tokens and charges nothing, so
		// a 5xx or a broken connection may be retried.
		Repeatable: true,
	}, &out)
	if err != nil {
		return transport.Token{}, err
	}
	tok, exp, typ := out.Token, out.Expiry, out.Type
	if tok == "" && out.Data != nil {
		tok, exp, typ = out.Data.Token, out.Data.Expiry, out.Data.Type
	}
	if tok == "" {
		return transport.Token{}, errors.New("finrota: token connect answered without a token")
	}
	// From now on the token is a secret of the client: an error body that
	// echoes it shows "[redacted]".
	c.tc.AddSecrets(tok)
	if typ != "" && !strings.EqualFold(typ, "Bearer") {
		return transport.Token{}, errorf("token connect answered with token type %q, want Bearer", clean(typ, nil))
	}
	now := c.clock()
	expiry, ok := parseExpiry(exp)
	if !ok || !expiry.After(now) {
		// Unknown or already past (clock skew): trust it briefly; a 401
		// makes the transport fetch a new one.
		expiry = now.Add(accessTokenFallback)
	}
	return transport.Token{Value: tok, Expiry: expiry}, nil
}

// expiryLayouts are the timestamp shapes accepted for "expiry": RFC 3339 as
// documented, and the zone-less forms .NET servers commonly emit.
var expiryLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.9999999",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
}

// parseExpiry reads an access token's expiry. A time without a zone is taken
// as Turkish time (see istanbul).
func parseExpiry(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 64 {
		return time.Time{}, false
	}
	for i, layout := range expiryLayouts {
		var t time.Time
		var err error
		if i == 0 {
			t, err = time.Parse(layout, s)
		} else {
			t, err = time.ParseInLocation(layout, s, istanbul)
		}
		if err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
