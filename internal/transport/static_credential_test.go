package transport

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A server that echoes the credential without its scheme word: the base64
// of Basic's "user:password" is redacted though no Secrets list holds it.
func TestStaticCredentialIsASecretWithoutItsScheme(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, cred, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"message":"rejected ` + cred + `"}`))
	}))
	defer srv.Close()
	for _, auth := range []Authenticator{Basic("app-id-1", "app-secret-1"), Bearer("tok-1234567")} {
		c, err := New(Config{BaseURL: srv.URL, Auth: auth})
		require.NoError(t, err)
		_, err = c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"}, nil)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "rejected [redacted]")
		assert.NotContains(t, err.Error(), base64.StdEncoding.EncodeToString([]byte("app-id-1:app-secret-1")))
		assert.NotContains(t, err.Error(), "tok-1234567")
	}
}
