package transport

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestWalk(t *testing.T) {
	pages := [][]int{{1, 2}, {3}, {4, 5}}
	collect := func(ctx context.Context, fail int, stopAt int) ([]int, []error, int) {
		var got []int
		var errs []error
		fetched := 0
		Walk(ctx, func() ([]int, bool, error) {
			fetched++
			if fetched == fail {
				return nil, false, errors.New("boom")
			}
			return pages[fetched-1], fetched < len(pages), nil
		}, func(v *int, err error) bool {
			if err != nil {
				errs = append(errs, err)
				return true
			}
			got = append(got, *v)
			return *v != stopAt
		})
		return got, errs, fetched
	}
	got, errs, fetched := collect(context.Background(), 0, 0)
	assert.Equal(t, []int{1, 2, 3, 4, 5}, got)
	assert.Empty(t, errs)
	assert.Equal(t, 3, fetched, "no page is fetched after the one that says it is the last")

	got, errs, fetched = collect(context.Background(), 2, 0)
	assert.Equal(t, []int{1, 2}, got)
	assert.Len(t, errs, 1, "an error is yielded once and ends the walk")
	assert.Equal(t, 2, fetched)

	got, _, fetched = collect(context.Background(), 0, 3)
	assert.Equal(t, []int{1, 2, 3}, got)
	assert.Equal(t, 2, fetched, "stopping fetches nothing more")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	got, errs, fetched = collect(ctx, 0, 0)
	assert.Empty(t, got)
	assert.Equal(t, 0, fetched)
	assert.ErrorIs(t, errs[0], context.Canceled)
}

func TestPages(t *testing.T) {
	var asked []int
	seq := Pages(context.Background(), 0, nil, func(page int) ([]int, bool, error) {
		asked = append(asked, page)
		return []int{page * 10}, page < 3, nil
	})
	for range 2 {
		var got []int
		for v, err := range seq {
			assert.NoError(t, err)
			got = append(got, *v)
		}
		assert.Equal(t, []int{10, 20, 30}, got, "each range starts again from the first page")
	}
	assert.Equal(t, []int{1, 2, 3, 1, 2, 3}, asked)

	refused := errors.New("page size: too large")
	n := 0
	for v, err := range Pages(context.Background(), 5, refused, func(int) ([]int, bool, error) {
		t.Fatal("a refused query fetched a page")
		return nil, false, nil
	}) {
		n++
		assert.Nil(t, v)
		assert.Equal(t, refused, err)
	}
	assert.Equal(t, 1, n)
}
