package sim

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type item struct {
	id   string
	kind string
}

func TestTableKeepsInsertionOrder(t *testing.T) {
	n := 0
	tab := NewTable[string, *item](func() string { n++; return fmt.Sprintf("i%d", n) })
	for _, k := range []string{"b", "a", "b", "c"} {
		tab.Add(func(id string) *item { return &item{id: id, kind: k} })
	}
	tab.Put("z", &item{id: "z", kind: "a"})
	tab.Put("i2", &item{id: "i2", kind: "c"}) // replaced: keeps its place
	assert.Equal(t, 5, tab.Len())
	ids := func(list []*item) (out []string) {
		for _, it := range list {
			out = append(out, it.id+":"+it.kind)
		}
		return out
	}
	assert.Equal(t, []string{"i1:b", "i2:c", "i3:b", "i4:c", "z:a"}, ids(tab.Search(nil)))
	assert.Equal(t, []string{"i1:b", "i3:b"}, ids(tab.Search(func(it *item) bool { return it.kind == "b" })))
	first, ok := tab.Find(func(it *item) bool { return it.kind == "c" })
	require.True(t, ok)
	assert.Equal(t, "i2", first.id)
	_, ok = tab.Find(func(it *item) bool { return it.kind == "x" })
	assert.False(t, ok)

	got, ok := tab.Delete("i3")
	require.True(t, ok)
	assert.Equal(t, "i3", got.id)
	_, ok = tab.Delete("i3")
	assert.False(t, ok)
	_, ok = tab.Get("i3")
	assert.False(t, ok)
	assert.Equal(t, []string{"i1:b", "i2:c", "i4:c", "z:a"}, ids(tab.Search(nil)))

	tab.Clear()
	assert.Equal(t, 0, tab.Len())
	assert.Empty(t, tab.Search(nil))
}

func TestTableUpdateValues(t *testing.T) {
	var tab Table[int, int] // the zero value takes ids from Put
	tab.Put(7, 1)
	assert.True(t, tab.Update(7, func(v int) int { return v + 41 }))
	assert.False(t, tab.Update(8, func(int) int { panic("not called for a missing id") }))
	v, ok := tab.Get(7)
	require.True(t, ok)
	assert.Equal(t, 42, v)
	assert.Panics(t, func() { tab.Add(func(int) int { return 0 }) }, "no id generator")
}

func TestTableConcurrentUse(t *testing.T) {
	var mu sync.Mutex
	n := 0
	tab := NewTable[int, int](func() int { mu.Lock(); defer mu.Unlock(); n++; return n })
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				v := tab.Add(func(id int) int { return id })
				tab.Update(v, func(x int) int { return x * 2 })
				_ = tab.Search(func(x int) bool { return x%4 == 0 })
			}
		}()
	}
	wg.Wait()
	all := tab.Search(nil)
	require.Len(t, all, 400)
	for i, v := range all {
		assert.Equal(t, 2*(i+1), v, "ids are handed out in order and each was doubled once")
	}
}

func TestPage(t *testing.T) {
	list := []int{1, 2, 3, 4, 5}
	assert.Equal(t, []int{3, 4}, Page(list, 2, 2))
	assert.Equal(t, []int{5}, Page(list, 4, 10))
	assert.Equal(t, []int{}, Page(list, 5, 10))
	assert.NotNil(t, Page[int](nil, 0, 10))
}

func TestMuxAnswersUnknownRoutesAndFindsShadowing(t *testing.T) {
	ok := func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }
	routes := []Route{
		{"GET /v1/items/{id}", ok},
		{"POST /v1/items", ok},
		{"GET /files/{path...}", ok},
		{"GET /exact/{$}", ok},
	}
	mux := Mux(routes, func(w http.ResponseWriter, r *http.Request) {
		WriteJSON(w, http.StatusNotFound, map[string]string{"error": "no route for " + r.Method + " " + r.URL.Path})
	})
	assert.Empty(t, Unreachable(mux, routes))

	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("DELETE", "/v1/items/9", nil))
	assert.Equal(t, http.StatusNotFound, rec.Code, "a wrong method is a missing route too")
	assert.JSONEq(t, `{"error":"no route for DELETE /v1/items/9"}`, rec.Body.String())

	// A route registered on another router is one this router never reaches.
	other := []Route{{"GET /v1/items/search", ok}}
	assert.Equal(t, []string{"GET /v1/items/search"}, Unreachable(mux, other))
	assert.Panics(t, func() { Mux(append(routes, Route{"GET /v1/items/{key}", ok}), ok) }, "conflicting patterns")
}
