package fintecture

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/transport"
)

// DefaultPageSize is the page[size] the list calls send when the query sets
// none.
const DefaultPageSize = 50

// MaxPageSize is the largest page[size] the list calls accept. [unsure] No
// public document states Fintecture's own limit; 100 is a conservative cap.
const MaxPageSize = 100

// wireList is a JSON:API list answer whose items are W.
type wireList[W any] struct {
	Data     []W          `json:"data"`
	Meta     wireListMeta `json:"meta"`
	Links    wireLinks    `json:"links"`
	Unparsed []string     `json:"-"`
}

// listPage is one page of a list, converted.
type listPage[T any] struct {
	items    []T
	hasNext  bool
	meta     paykit.Meta
	unparsed []string // the answer's own, then each item's under data[i]
}

// fetchList GETs one page of the list at op.Route with query v (page and size
// already in it) and converts each item with conv; unparsedOf returns an
// item's unreadable fields, reported against the page.
func fetchList[W, T any](ctx context.Context, s *PISService, op transport.Op, v url.Values, page, size int, opts []paykit.RequestOption,
	conv func(*W, paykit.Meta) T, unparsedOf func(*W) []string) (*listPage[T], error) {
	var w wireList[W]
	resp, err := s.c.api.Do(ctx, (&transport.Request{Op: op, Method: http.MethodGet, Path: op.Route, Query: v}).Apply(opts), &w)
	if err != nil {
		return nil, err
	}
	out := &listPage[T]{hasNext: hasNextPage(w.Links, w.Meta, page, size, len(w.Data)),
		items: make([]T, 0, len(w.Data)), meta: resp.Meta, unparsed: w.Unparsed}
	for i := range w.Data {
		out.items = append(out.items, conv(&w.Data[i], resp.Meta))
		out.unparsed = append(out.unparsed, prefixed("data["+strconv.Itoa(i)+"]", unparsedOf(&w.Data[i]))...)
	}
	return out, nil
}

// wireLinks are the JSON:API pagination links of a list answer.
type wireLinks struct {
	Self  string `json:"self"`
	First string `json:"first"`
	Prev  string `json:"prev"`
	Next  string `json:"next"`
	Last  string `json:"last"`
}

func (l wireLinks) present() bool {
	return l.Self != "" || l.First != "" || l.Last != "" || l.Prev != "" || l.Next != ""
}

// wireListMeta is the "meta" of a list answer. [unsure] The counters'
// names are not in a public reference; both spellings seen in JSON:API
// answers are read, and a list without them is walked by page size.
type wireListMeta struct {
	TotalPages     int `json:"total_pages"`
	TotalPagesAlt  int `json:"totalPages"`
	TotalItems     int `json:"total_items"`
	Count          int `json:"count"`
	CurrentPage    int `json:"current_page"`
	CurrentPageAlt int `json:"page"`
}

func (m wireListMeta) totalPages() int {
	if m.TotalPages > 0 {
		return m.TotalPages
	}
	return m.TotalPagesAlt
}

// hasNextPage decides whether a page is followed by another: the "next"
// link when the answer has links, else the page count in meta, else a full
// page means there may be more.
func hasNextPage(links wireLinks, meta wireListMeta, page, size, got int) bool {
	if got == 0 {
		return false
	}
	if links.present() {
		return links.Next != ""
	}
	if tp := meta.totalPages(); tp > 0 {
		return page < tp
	}
	return got >= size
}

// pageParams validates and writes page[number] and page[size].
func pageParams(q url.Values, page, size int) (int, int, error) {
	if page < 0 {
		return 0, 0, invalid("page[number]", "must not be negative")
	}
	if size < 0 || size > MaxPageSize {
		return 0, 0, invalid("page[size]", "must be between 0 (default) and "+strconv.Itoa(MaxPageSize))
	}
	if page == 0 {
		page = 1
	}
	if size == 0 {
		size = DefaultPageSize
	}
	q.Set("page[number]", strconv.Itoa(page))
	q.Set("page[size]", strconv.Itoa(size))
	return page, size, nil
}

// prefixed returns paths with prefix put in front of each, so the fields a
// list item could not read are reported against the page.
func prefixed(prefix string, paths []string) []string {
	out := make([]string, 0, len(paths))
	for _, p := range paths {
		if p == "" {
			out = append(out, prefix)
			continue
		}
		if p[0] == '[' {
			out = append(out, prefix+p)
			continue
		}
		out = append(out, prefix+"."+p)
	}
	return out
}

func checkExtra(extra url.Values, reserved ...string) error {
	for k := range extra {
		for _, r := range reserved {
			if k == r {
				return invalid("Extra", "must not set "+k+"; use the query's own field")
			}
		}
	}
	return nil
}
