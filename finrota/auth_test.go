package finrota

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAccessTokenCachedUntilExpiryMinusSkew(t *testing.T) {
	env := newMockEnv(t, WithTokenSkew(5*time.Minute))
	env.record(http.MethodGet, "/b2c/widget/token", 200, fixture(t, "widget_token.json"))
	ctx := context.Background()
	_, err := env.c.Widget.CreateToken(ctx)
	require.NoError(t, err)
	// The token expires 24 h after testNow; 5 minutes of skew.
	env.clock.Advance(24*time.Hour - 5*time.Minute - time.Second)
	_, err = env.c.Widget.CreateToken(ctx)
	require.NoError(t, err)
	assert.Equal(t, int32(1), env.connect.Load(), "still fresh")
	env.clock.Advance(2 * time.Second)
	_, err = env.c.Widget.CreateToken(ctx)
	require.NoError(t, err)
	assert.Equal(t, int32(2), env.connect.Load(), "refreshed inside the skew")
}

func TestAccessTokenRefetchedOnceOn401(t *testing.T) {
	env := newMockEnv(t)
	n := 0
	env.mt.RegisterResponder(http.MethodGet, testBase+"/b2c/widget/token", func(*http.Request) (*http.Response, error) {
		n++
		if n == 1 {
			return httpmock.NewStringResponse(401, `{"message":"Token expired","statusCode":401}`), nil
		}
		return httpmock.NewStringResponse(200, fixture(t, "widget_token.json")), nil
	})
	_, err := env.c.Widget.CreateToken(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	assert.Equal(t, int32(2), env.connect.Load())

	// A second 401 in a row is returned, not looped on.
	env.mt.RegisterResponder(http.MethodGet, testBase+"/b2c/widget/token", httpmock.NewStringResponder(401, `{"message":"Token expired","statusCode":401}`))
	_, err = env.c.Widget.CreateToken(context.Background())
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, 401, e.StatusCode)
	assert.Equal(t, "Token expired", e.Message)
}

func TestBadCredentials(t *testing.T) {
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, testBase+"/auth/api/token/connect", httpmock.NewStringResponder(401, fixture(t, "token_connect_bad_credentials.json")))
	var logs bytes.Buffer
	c, err := NewClient(Credentials{APIKey: "wrong_key_123", SecretKey: "wrong_secret_456"},
		WithBaseURL(testBase), WithHTTPClient(&http.Client{Transport: mt}),
		WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	require.NoError(t, err)
	_, err = c.Widget.CreateToken(context.Background())
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, 401, e.StatusCode)
	assert.Equal(t, "Api key or secret key is invalid", e.Message)
	assert.Equal(t, 1, mt.GetCallCountInfo()["POST "+testBase+"/auth/api/token/connect"], "a 401 on connect is not retried")
	assert.Contains(t, err.Error(), "obtaining access token")
	assert.NotContains(t, err.Error()+logs.String(), "wrong_secret_456")
	assert.NotContains(t, err.Error()+logs.String(), "wrong_key_123")
	assert.Contains(t, logs.String(), "/auth/api/token/connect")
}

func TestTokenConnectAnswers(t *testing.T) {
	tests := []struct {
		name, body string
		wantErr    string
		wantExpiry time.Time
	}{
		{"documented", fixture(t, "token_connect.json"), "", time.Date(2030, 1, 3, 10, 0, 0, 0, time.UTC)},
		{"no zone is Turkish time", fixture(t, "token_connect_nozone.json"), "", time.Date(2030, 1, 3, 7, 0, 0, 123456700, time.UTC)},
		{"wrapped", `{"data":{"expiry":"2030-01-02T15:00:00+03:00","token":"t0k3n-wrapped","type":"Bearer"}}`, "", time.Date(2030, 1, 2, 12, 0, 0, 0, time.UTC)},
		{"no expiry", `{"token":"t0k3n-noexp","type":"Bearer"}`, "", testNow.Add(time.Hour)},
		{"expiry in the past", `{"token":"t0k3n-past","expiry":"2001-01-01T00:00:00Z"}`, "", testNow.Add(time.Hour)},
		{"garbage expiry", `{"token":"t0k3n-garbage","expiry":"tomorrow"}`, "", testNow.Add(time.Hour)},
		{"no token", `{"expiry":"2030-01-03T10:00:00Z","type":"Bearer"}`, "finrota: token connect answered without a token", time.Time{}},
		{"wrong type", `{"token":"t0k3n","type":"Basic"}`, `finrota: token connect answered with token type "Basic", want Bearer`, time.Time{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := newMockEnv(t)
			env.mt.RegisterResponder(http.MethodPost, testBase+"/auth/api/token/connect", httpmock.NewStringResponder(200, tc.body))
			tok, err := env.c.fetchAccessToken(context.Background())
			if tc.wantErr != "" {
				assert.EqualError(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.True(t, tc.wantExpiry.Equal(tok.Expiry), "expiry %s, want %s", tok.Expiry, tc.wantExpiry)
			assert.NotContains(t, tok.String(), tok.Value)
		})
	}
}

func TestParseExpiry(t *testing.T) {
	for _, s := range []string{"", "x", "2030-13-01T00:00:00Z", string(make([]byte, 100))} {
		_, ok := parseExpiry(s)
		assert.False(t, ok, s)
	}
	got, ok := parseExpiry(" 2030-01-02T10:00:00.5Z ")
	require.True(t, ok)
	assert.Equal(t, 500*time.Millisecond, got.Sub(testNow))
}

func FuzzParseExpiry(f *testing.F) {
	for _, s := range []string{"2030-01-03T10:00:00Z", "2030-01-03T10:00:00.1234567", "2030-01-03 10:00:00", "", "garbage"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		parseExpiry(s)
	})
}

func TestAccessTokenRequestIsRetriedAfter5xx(t *testing.T) {
	env := newMockEnv(t)
	n := 0
	env.mt.RegisterResponder(http.MethodPost, testBase+"/auth/api/token/connect", func(*http.Request) (*http.Response, error) {
		n++
		if n == 1 {
			return httpmock.NewStringResponse(503, `{"message":"Service Unavailable","statusCode":503}`), nil
		}
		return httpmock.NewStringResponse(200, fixture(t, "token_connect.json")), nil
	})
	env.record(http.MethodGet, "/b2c/widget/token", 200, fixture(t, "widget_token.json"))
	_, err := env.c.Widget.CreateToken(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 2, n, "a token request charges nothing, so a 503 is retried")
}
