package sim

import (
	"io"
	"net/http"
	"testing"
	"testing/fstest"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFixtureSetServesRoutesInOrder(t *testing.T) {
	fsys := fstest.MapFS{
		"d/item.json":   {Data: []byte(`{"id":1}`)},
		"d/search.json": {Data: []byte(`{"results":[]}`)},
		"d/error.json":  {Data: []byte(`{"error":"bad"}`)},
		"d/notes.txt":   {Data: []byte(`not a fixture`)},
	}
	s := NewFixtureSet(fsys, "d", map[string]int{"error": 400})
	assert.Equal(t, []string{"error", "item", "search"}, s.Names())
	assert.Panics(t, func() { s.Bytes("missing") })
	assert.Panics(t, func() { NewFixtureSet(fsys, "d", map[string]int{"nope": 500}) })
	b := s.Bytes("item")
	b[0] = 'X'
	assert.Equal(t, `{"id":1}`, string(s.Bytes("item")), "Bytes hands out a copy")

	mt := httpmock.NewMockTransport()
	s.Register(mt, "https://api.example", []FixtureRoute{
		{Method: "GET", Path: "/v1/items/search", Fixture: "search"},
		{Method: "GET", Path: "/v1/items/{id}", Fixture: "item"},
		{Method: "GET", Path: "/v1/orders/{n}", Fixture: "item"},
		{Method: "POST", Path: "/v1/items", Fixture: "error"},
	})
	hc := &http.Client{Transport: mt}
	get := func(method, u string) (int, string) {
		req, err := http.NewRequest(method, u, nil)
		require.NoError(t, err)
		resp, err := hc.Do(req)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
		return resp.StatusCode, string(body)
	}
	code, body := get("GET", "https://api.example/v1/items/search?q=x")
	assert.Equal(t, 200, code)
	assert.Equal(t, `{"results":[]}`, body, "the earlier route wins")
	code, body = get("GET", "https://api.example/v1/items/abc-1")
	assert.Equal(t, 200, code)
	assert.Equal(t, `{"id":1}`, body)
	code, _ = get("POST", "https://api.example/v1/items")
	assert.Equal(t, 400, code, "an error fixture keeps its status")
	code, _ = get("GET", "https://api.example/v1/orders/12")
	assert.Equal(t, 200, code)
	code, _ = get("GET", "https://api.example/v1/orders/abc")
	assert.Equal(t, 0, code, "{n} matches digits only")
	code, _ = get("GET", "https://api.example/v1/items/a/b")
	assert.Equal(t, 0, code, "{id} matches one segment")
	code, _ = get("GET", "https://other.example/v1/items/abc")
	assert.Equal(t, 0, code, "routes live under the base URL only")

	mt.RegisterResponder("GET", "https://api.example/v1/items/abc", s.Responder("error"))
	code, _ = get("GET", "https://api.example/v1/items/abc")
	assert.Equal(t, 400, code, "an exact route registered later wins over the fixtures")
}
