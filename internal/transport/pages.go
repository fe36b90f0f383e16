package transport

import (
	"context"
	"iter"
)

// Walk drives a paged listing for an iter.Seq2: fetch returns the next page
// and whether another follows (it keeps its own place: a page number, an
// offset). Walk yields the items one by one and stops at the first error,
// which it yields once, after a page that says none follows, or as soon as
// yield returns false. The context is checked before every page.
func Walk[T any](ctx context.Context, fetch func() (items []T, more bool, err error), yield func(*T, error) bool) {
	for {
		if err := ctx.Err(); err != nil {
			yield(nil, err)
			return
		}
		items, more, err := fetch()
		if err != nil {
			yield(nil, err)
			return
		}
		for i := range items {
			if !yield(&items[i], nil) {
				return
			}
		}
		if !more {
			return
		}
	}
}

// Pages is the iterator of a page-numbered listing: each walk fetches pages
// first, first+1, … (from 1 when first is below it) with fetch and stops as
// Walk does. A non-nil check (a query refused before anything is sent) is
// yielded instead of walking. fetch gets the page number and must not keep
// state between pages, so that ranging again starts again from first.
func Pages[T any](ctx context.Context, first int, check error, fetch func(page int) (items []T, more bool, err error)) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		if check != nil {
			yield(nil, check)
			return
		}
		page := max(first, 1)
		Walk(ctx, func() ([]T, bool, error) {
			items, more, err := fetch(page)
			page++
			return items, more, err
		}, yield)
	}
}
