package fintecture

import (
	"net/url"
	"strconv"
)

// DefaultPageSize is the page[size] the list calls send when the query sets
// none.
const DefaultPageSize = 50

// MaxPageSize is the largest page[size] the list calls accept. [unsure] No
// public document states Fintecture's own limit; 100 is a conservative cap.
const MaxPageSize = 100

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
		return 0, 0, &ValidationError{Field: "page[number]", Rule: "must not be negative"}
	}
	if size < 0 || size > MaxPageSize {
		return 0, 0, &ValidationError{Field: "page[size]", Rule: "must be between 0 (default) and " + strconv.Itoa(MaxPageSize)}
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
				return &ValidationError{Field: "Extra", Rule: "must not set " + k + "; use the query's own field"}
			}
		}
	}
	return nil
}
