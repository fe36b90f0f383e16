package webhook

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// closeTracker records whether Close was called on the original body.
type closeTracker struct {
	io.Reader
	closed bool
}

func (c *closeTracker) Close() error { c.closed = true; return nil }

func newReq(body io.ReadCloser) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/webhook", nil)
	r.Body = body
	return r
}

func TestReadBody(t *testing.T) {
	tests := []struct {
		name    string
		size    int
		limit   int64
		tooBig  bool
		wantLen int
	}{
		{"within limit", 10, 16, false, 10},
		{"at limit", 16, 16, false, 16},
		{"limit plus one", 17, 16, true, 0},
		{"far over", 1000, 16, true, 0},
		{"empty body", 0, 16, false, 0},
		{"default limit at", DefaultMaxBody, 0, false, DefaultMaxBody},
		{"default limit over", DefaultMaxBody + 1, -5, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			payload := strings.Repeat("x", tt.size)
			orig := &closeTracker{Reader: strings.NewReader(payload)}
			r := newReq(orig)

			b, err := ReadBody(r, tt.limit)
			assert.True(t, orig.closed, "original body closed")
			if tt.tooBig {
				require.ErrorIs(t, err, ErrBodyTooLarge)
				limit := tt.limit
				if limit <= 0 {
					limit = DefaultMaxBody
				}
				assert.Contains(t, err.Error(), "more than "+strconv.FormatInt(limit, 10)+" bytes")
				assert.Nil(t, b)
				return
			}
			require.NoError(t, err)
			assert.NotNil(t, b)
			assert.Len(t, b, tt.wantLen)
			assert.Equal(t, payload, string(b))

			// The handler can read the body again.
			again, err := io.ReadAll(r.Body)
			require.NoError(t, err)
			assert.Equal(t, payload, string(again))
			assert.NoError(t, r.Body.Close())
		})
	}
}

func TestReadBodyNilAndNoBody(t *testing.T) {
	r := httptest.NewRequest(http.MethodPost, "/webhook", nil)
	r.Body = nil
	b, err := ReadBody(r, 0)
	require.NoError(t, err)
	assert.NotNil(t, b)
	assert.Empty(t, b)
	require.NotNil(t, r.Body)
	rest, err := io.ReadAll(r.Body)
	require.NoError(t, err)
	assert.Empty(t, rest)

	r.Body = http.NoBody
	b, err = ReadBody(r, 0)
	require.NoError(t, err)
	assert.NotNil(t, b)
	assert.Empty(t, b)

	_, err = ReadBody(nil, 0)
	assert.Error(t, err)
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestReadBodyReadError(t *testing.T) {
	orig := &closeTracker{Reader: failingReader{}}
	r := newReq(orig)
	_, err := ReadBody(r, 10)
	require.Error(t, err)
	assert.NotErrorIs(t, err, ErrBodyTooLarge)
	assert.Contains(t, err.Error(), "connection reset")
	assert.True(t, orig.closed)
}

func TestEqual(t *testing.T) {
	assert.True(t, Equal([]byte("abc"), []byte("abc")))
	assert.False(t, Equal([]byte("abc"), []byte("abd")))
	assert.False(t, Equal([]byte("abc"), []byte("abcd")))
	assert.False(t, Equal([]byte("abc"), nil))
	assert.True(t, Equal(nil, []byte{}))
	assert.True(t, EqualString("sig==", "sig=="))
	assert.False(t, EqualString("sig==", "sig="))
	assert.False(t, EqualString("a", "b"))
	assert.True(t, EqualString("", ""))
}

func TestCheckTime(t *testing.T) {
	now := time.Date(2020, 6, 8, 23, 11, 23, 0, time.UTC)
	tol := 5 * time.Minute

	assert.NoError(t, CheckTime(now, now, tol))
	assert.NoError(t, CheckTime(now.Add(-tol), now, tol), "exactly at tolerance (old) is allowed")
	assert.NoError(t, CheckTime(now.Add(tol), now, tol), "exactly at tolerance (future) is allowed")

	err := CheckTime(now.Add(-tol-time.Second), now, tol)
	require.ErrorIs(t, err, ErrOutOfTolerance)
	assert.ErrorIs(t, err, ErrTimestampTooOld)
	assert.NotErrorIs(t, err, ErrTimestampInFuture)
	assert.Contains(t, err.Error(), "too old by 1s")

	err = CheckTime(now.Add(tol+2*time.Minute), now, tol)
	require.ErrorIs(t, err, ErrOutOfTolerance)
	assert.ErrorIs(t, err, ErrTimestampInFuture)
	assert.NotErrorIs(t, err, ErrTimestampTooOld)
	assert.Contains(t, err.Error(), "in the future by 2m0s")

	// Disabled.
	assert.NoError(t, CheckTime(now.Add(-1000*time.Hour), now, 0))
	assert.NoError(t, CheckTime(now.Add(1000*time.Hour), now, -time.Second))

	// Zero time with a tolerance is stale, without overflow trouble.
	assert.ErrorIs(t, CheckTime(time.Time{}, now, tol), ErrTimestampTooOld)
}

func TestParseUnixTimestamp(t *testing.T) {
	ok := []struct {
		in   string
		want time.Time
	}{
		{"1591657883", time.Date(2020, 6, 8, 23, 11, 23, 0, time.UTC)},
		{"1591657883123", time.Date(2020, 6, 8, 23, 11, 23, 123_000_000, time.UTC)},
		{"0", time.Unix(0, 0).UTC()},
		{"0001591657883", time.Date(2020, 6, 8, 23, 11, 23, 0, time.UTC)},
		{"99999999999", time.Unix(99_999_999_999, 0).UTC()},     // last value read as seconds
		{"100000000000", time.UnixMilli(100_000_000_000).UTC()}, // first value read as milliseconds
		{"9223372036854775807", time.UnixMilli(9223372036854775807).UTC()},
	}
	for _, tt := range ok {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseUnixTimestamp(tt.in)
			require.NoError(t, err)
			assert.True(t, tt.want.Equal(got), "got %s want %s", got, tt.want)
			assert.Equal(t, time.UTC, got.Location())
		})
	}

	bad := []struct{ in, want string }{
		{"", "empty"},
		{"-1591657883", "plain decimal"},
		{"+1591657883", "plain decimal"},
		{" 1591657883", "plain decimal"},
		{"1591657883 ", "plain decimal"},
		{"1591657883.5", "plain decimal"},
		{"1e9", "plain decimal"},
		{"0x10", "plain decimal"},
		{"١٢٣", "plain decimal"}, // non-ASCII digits
		{"abc", "plain decimal"},
		{"12345678901234567890", "more than 19 digits"},
		{strings.Repeat("9", 200), "more than 19 digits"},
		{"9223372036854775808", "out of range"},
		{"9999999999999999999", "out of range"},
	}
	for _, tt := range bad {
		t.Run("bad "+tt.in, func(t *testing.T) {
			got, err := ParseUnixTimestamp(tt.in)
			require.Error(t, err)
			assert.True(t, got.IsZero())
			assert.Contains(t, err.Error(), tt.want)
			assert.Less(t, len(err.Error()), 120, "error message stays short")
		})
	}
}

func TestClock(t *testing.T) {
	var c Clock
	before := time.Now()
	got := c.Now()
	assert.False(t, got.Before(before))

	fixed := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	c = func() time.Time { return fixed }
	assert.Equal(t, fixed, c.Now())
}

func FuzzParseUnixTimestamp(f *testing.F) {
	for _, s := range []string{"", "0", "1591657883", "1591657883123", "99999999999", "100000000000",
		"9223372036854775807", "9223372036854775808", "-1", "+1", "1.5", " 1", "12345678901234567890"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseUnixTimestamp(s)
		if err != nil {
			if !got.IsZero() {
				t.Fatalf("non-zero time with error: %v", err)
			}
			return
		}
		if s == "" || len(s) > 19 {
			t.Fatalf("accepted %q", s)
		}
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				t.Fatalf("accepted non-digit input %q", s)
			}
		}
		if got.Location() != time.UTC {
			t.Fatalf("result not in UTC: %v", got.Location())
		}
		// Seconds below the threshold, milliseconds at or above it.
		if got.Unix() < 0 {
			t.Fatalf("negative time from %q", s)
		}
	})
}
