package transport

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A raw body (a multipart form) goes out byte for byte with its content
// type, on every attempt; it cannot be combined with another body, and
// needs a content type.
func TestRawBody(t *testing.T) {
	c, mt, _ := newMocked(t, nil)
	var bodies []string
	var types []string
	calls := 0
	mt.RegisterResponder(http.MethodPut, testBase+"/upload", func(r *http.Request) (*http.Response, error) {
		b, _ := io.ReadAll(r.Body)
		bodies = append(bodies, string(b))
		types = append(types, r.Header.Get("Content-Type"))
		calls++
		if calls == 1 {
			return httpmock.NewStringResponse(503, `{}`), nil
		}
		return httpmock.NewStringResponse(200, ``), nil
	})
	raw := []byte("--b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nx\r\n--b--\r\n")
	_, err := c.Do(context.Background(), &Request{Method: http.MethodPut, Path: "/upload", Raw: raw, RawContentType: "multipart/form-data; boundary=b"}, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{string(raw), string(raw)}, bodies, "the same bytes on the retry")
	assert.Equal(t, []string{"multipart/form-data; boundary=b", "multipart/form-data; boundary=b"}, types)

	_, err = c.Do(context.Background(), &Request{Method: http.MethodPut, Path: "/upload", Raw: raw}, nil)
	assert.ErrorContains(t, err, "content type")
	_, err = c.Do(context.Background(), &Request{Method: http.MethodPut, Path: "/upload", Raw: raw, RawContentType: "x/y", JSON: map[string]int{}}, nil)
	assert.ErrorContains(t, err, "more than one body")
	_, err = c.Do(context.Background(), &Request{Method: http.MethodPut, Path: "/upload", Form: url.Values{"a": {"1"}}, JSON: map[string]int{}}, nil)
	assert.ErrorContains(t, err, "more than one body")
	assert.Equal(t, 2, calls)
}
