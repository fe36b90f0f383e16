package transport

import "context"

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
