// Package webhook holds what every webhook verifier shares: a bounded,
// re-readable body read, constant-time comparison, timestamp parsing, a
// clock with a tolerance check, and the claim and release of deliveries in a
// paykit.ReplayStore. Provider packages build their verifiers on top of it;
// nothing here knows a provider.
package webhook

import (
	"bytes"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// DefaultMaxBody is the body size limit ReadBody applies when given a limit
// of zero or less: 1 MiB, far above any real notification.
const DefaultMaxBody = 1 << 20

// ErrBodyTooLarge is returned (wrapped, with the limit in the message) by
// ReadBody when the body is longer than the limit. Handlers usually answer
// 413 Request Entity Too Large.
var ErrBodyTooLarge = errors.New("webhook: request body exceeds the size limit")

// ReadBody reads r.Body up to limit bytes (limit <= 0 means DefaultMaxBody)
// and returns the bytes. It always closes the original body. On success it
// replaces r.Body with a fresh reader over the same bytes, so the handler
// can read it again. A nil body gives an empty, non-nil slice. A body longer
// than limit gives an error wrapping ErrBodyTooLarge, and r.Body is then left
// empty (http.NoBody).
func ReadBody(r *http.Request, limit int64) ([]byte, error) {
	if r == nil {
		return nil, errors.New("webhook: nil request")
	}
	if limit <= 0 {
		limit = DefaultMaxBody
	}
	if r.Body == nil || r.Body == http.NoBody {
		r.Body = http.NoBody
		return []byte{}, nil
	}
	body := r.Body
	defer body.Close()

	// Read one byte past the limit to tell "exactly limit" from "longer".
	max := limit
	if max < 1<<62 {
		max++
	}
	b, err := io.ReadAll(io.LimitReader(body, max))
	if err != nil {
		r.Body = http.NoBody
		return nil, fmt.Errorf("webhook: reading request body: %w", err)
	}
	if int64(len(b)) > limit {
		r.Body = http.NoBody
		return nil, fmt.Errorf("%w: more than %d bytes", ErrBodyTooLarge, limit)
	}
	r.Body = io.NopCloser(bytes.NewReader(b))
	return b, nil
}

// Equal reports whether a and b are equal, in time that depends only on
// their lengths (crypto/subtle). Use it for signatures, digests and tokens.
// Slices of different lengths are unequal.
func Equal(a, b []byte) bool {
	return subtle.ConstantTimeCompare(a, b) == 1
}

// EqualString is Equal for strings.
func EqualString(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// ErrOutOfTolerance is matched (errors.Is) by every error CheckTime returns.
var ErrOutOfTolerance = errors.New("timestamp outside tolerance")

// ErrTimestampTooOld is matched by CheckTime's error for a stale timestamp;
// it also matches ErrOutOfTolerance.
var ErrTimestampTooOld = fmt.Errorf("%w: too old", ErrOutOfTolerance)

// ErrTimestampInFuture is matched by CheckTime's error for a timestamp ahead
// of the clock; it also matches ErrOutOfTolerance.
var ErrTimestampInFuture = fmt.Errorf("%w: in the future", ErrOutOfTolerance)

// CheckTime rejects t when it is more than tolerance older than now (stale,
// a likely replay) or more than tolerance ahead of now (future). A difference
// of exactly tolerance is allowed. A tolerance of zero or less disables the
// check. The error says by how much the tolerance was exceeded and matches
// ErrOutOfTolerance plus ErrTimestampTooOld or ErrTimestampInFuture.
func CheckTime(t, now time.Time, tolerance time.Duration) error {
	if tolerance <= 0 {
		return nil
	}
	if age := now.Sub(t); age > tolerance {
		return fmt.Errorf("%w by %s (age %s, tolerance %s)", ErrTimestampTooOld, age-tolerance, age, tolerance)
	}
	if ahead := t.Sub(now); ahead > tolerance {
		return fmt.Errorf("%w by %s (ahead %s, tolerance %s)", ErrTimestampInFuture, ahead-tolerance, ahead, tolerance)
	}
	return nil
}

// msThreshold separates seconds from milliseconds in ParseUnixTimestamp:
// 1e11 seconds is in the year 5138, while 1e11 milliseconds is March 1973.
const msThreshold = 100_000_000_000

// ParseUnixTimestamp parses a decimal Unix timestamp given in seconds or in
// milliseconds: values of 1e11 or more are taken as milliseconds. Only ASCII
// digits are accepted (no sign, spaces or fraction), at most 19 of them, and
// the value must fit in an int64. The result is in UTC.
func ParseUnixTimestamp(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, errors.New("webhook: empty timestamp")
	}
	if len(s) > 19 {
		return time.Time{}, fmt.Errorf("webhook: timestamp %.24q... has more than 19 digits", s)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return time.Time{}, fmt.Errorf("webhook: timestamp %q is not a plain decimal number", s)
		}
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("webhook: timestamp %q is out of range", s)
	}
	if v >= msThreshold {
		return time.UnixMilli(v).UTC(), nil
	}
	return time.Unix(v, 0).UTC(), nil
}

// Clock supplies the current time to verifiers, so tests can fix it. The
// zero value (nil) uses time.Now.
type Clock func() time.Time

// Now returns c(), or time.Now() when c is nil.
func (c Clock) Now() time.Time {
	if c == nil {
		return time.Now()
	}
	return c()
}
