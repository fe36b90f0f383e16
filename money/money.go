// Package money holds Decimal, the exact amount type every paykit client uses
// instead of float64.
//
// A Decimal is an int64 coefficient and a number of decimal places: 273.00 is
// 27300 with scale 2. It keeps the scale it was written with, so "273.00"
// goes back on the wire as 273.00, and it decodes amounts whether the API
// sent them as JSON numbers or as numeric strings.
package money

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"strings"
)

// MaxScale is the most decimal places a Decimal keeps.
const MaxScale = 12

// Decimal is an exact decimal amount. The zero value is 0.
type Decimal struct {
	coef  int64
	scale uint8
}

// New returns coef × 10^-scale: New(27300, 2) is 273.00. It panics if scale
// is over MaxScale, which is a programming error, not input.
func New(coef int64, scale int) Decimal {
	if scale < 0 || scale > MaxScale {
		panic(fmt.Sprintf("money.New: scale %d outside 0..%d", scale, MaxScale))
	}
	return Decimal{coef: coef, scale: uint8(scale)}
}

// FromInt returns the whole amount n.
func FromInt(n int64) Decimal { return Decimal{coef: n} }

// Parse reads a plain decimal such as "5000", "273.00" or "-1.5". It also
// accepts an exponent ("2.5E2") when the result is exact, since some APIs
// send one. It rejects empty input, spaces, a leading "+", a bare "." and
// values beyond int64 coefficients or MaxScale places.
func Parse(s string) (Decimal, error) {
	d, err := parse(s)
	if err != nil {
		return Decimal{}, fmt.Errorf("amount %q: %w", truncate(s), err)
	}
	return d, nil
}

// MustParse is Parse for constants in code; it panics on a malformed literal.
func MustParse(s string) Decimal {
	d, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

var (
	errSyntax   = errors.New("not a decimal number")
	errRange    = errors.New("too many digits")
	errScale    = fmt.Errorf("more than %d decimal places", MaxScale)
	errOverflow = errors.New("result out of range")
)

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

func parse(s string) (Decimal, error) {
	if s == "" {
		return Decimal{}, errSyntax
	}
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant = s[:i]
		e, err := strconv.Atoi(s[i+1:])
		if err != nil || len(s[i+1:]) > 4 {
			return Decimal{}, errSyntax
		}
		exp = e
	}
	neg := false
	if strings.HasPrefix(mant, "-") {
		neg, mant = true, mant[1:]
	}
	intPart, frac, hasDot := strings.Cut(mant, ".")
	if intPart == "" || (hasDot && frac == "") {
		return Decimal{}, errSyntax
	}
	digits := intPart + frac
	var coef uint64
	for i := 0; i < len(digits); i++ {
		c := digits[i]
		if c < '0' || c > '9' {
			return Decimal{}, errSyntax
		}
		hi, lo := bits.Mul64(coef, 10)
		if hi != 0 {
			return Decimal{}, errRange
		}
		coef, _ = bits.Add64(lo, uint64(c-'0'), 0)
		if coef > math.MaxInt64 {
			return Decimal{}, errRange
		}
	}
	scale := len(frac) - exp
	for scale < 0 {
		if coef > math.MaxInt64/10 {
			return Decimal{}, errRange
		}
		coef *= 10
		scale++
	}
	if scale > MaxScale {
		return Decimal{}, errScale
	}
	c := int64(coef)
	if neg {
		c = -c
	}
	return Decimal{coef: c, scale: uint8(scale)}, nil
}

// String returns the plain decimal form with the scale kept: "273.00".
func (d Decimal) String() string {
	neg := d.coef < 0
	u := uint64(d.coef)
	if neg {
		u = uint64(-d.coef) // -MinInt64 wraps to itself, which is right as uint64
	}
	digits := strconv.FormatUint(u, 10)
	if d.scale > 0 {
		if pad := int(d.scale) + 1 - len(digits); pad > 0 {
			digits = strings.Repeat("0", pad) + digits
		}
		cut := len(digits) - int(d.scale)
		digits = digits[:cut] + "." + digits[cut:]
	}
	if neg {
		return "-" + digits
	}
	return digits
}

// GoString prints the decimal in %#v output too.
func (d Decimal) GoString() string { return "money.MustParse(\"" + d.String() + "\")" }

// Scale is the number of decimal places the value carries.
func (d Decimal) Scale() int { return int(d.scale) }

// Sign returns -1, 0 or 1.
func (d Decimal) Sign() int {
	switch {
	case d.coef < 0:
		return -1
	case d.coef > 0:
		return 1
	}
	return 0
}

// IsZero reports whether the amount is 0 at any scale.
func (d Decimal) IsZero() bool { return d.coef == 0 }

// IsPositive reports whether the amount is above 0.
func (d Decimal) IsPositive() bool { return d.coef > 0 }

// rescale returns the coefficient at a larger scale, or false on overflow.
func (d Decimal) rescale(scale uint8) (int64, bool) {
	c := d.coef
	for s := d.scale; s < scale; s++ {
		if c > math.MaxInt64/10 || c < math.MinInt64/10 {
			return 0, false
		}
		c *= 10
	}
	return c, true
}

// align brings a and b to the same scale.
func align(a, b Decimal) (int64, int64, uint8, bool) {
	s := max(a.scale, b.scale)
	ac, ok1 := a.rescale(s)
	bc, ok2 := b.rescale(s)
	return ac, bc, s, ok1 && ok2
}

// Cmp compares by value: 1.50 equals 1.5.
func (d Decimal) Cmp(o Decimal) int {
	ac, bc, _, ok := align(d, o)
	if !ok {
		// One side does not fit at the other's scale; compare as big values.
		return compareSlow(d, o)
	}
	switch {
	case ac < bc:
		return -1
	case ac > bc:
		return 1
	}
	return 0
}

func compareSlow(a, b Decimal) int {
	if a.Sign() != b.Sign() {
		if a.Sign() < b.Sign() {
			return -1
		}
		return 1
	}
	// Same sign, and the one that overflowed when scaled up has the larger
	// magnitude; compare the integer parts, then the rest.
	ai, af := a.split()
	bi, bf := b.split()
	if ai != bi {
		if ai < bi {
			return -1
		}
		return 1
	}
	return strings.Compare(af, bf) * a.Sign()
}

func (d Decimal) split() (int64, string) {
	s := d.String()
	i, f, _ := strings.Cut(s, ".")
	n, _ := strconv.ParseInt(i, 10, 64)
	return n, strings.TrimRight(f, "0")
}

// Equal reports whether both hold the same value (1.50 equals 1.5).
func (d Decimal) Equal(o Decimal) bool { return d.Cmp(o) == 0 }

// Add returns d+o at the larger scale, or an error on overflow.
func (d Decimal) Add(o Decimal) (Decimal, error) {
	ac, bc, s, ok := align(d, o)
	if !ok {
		return Decimal{}, errOverflow
	}
	r := ac + bc
	if (bc > 0 && r < ac) || (bc < 0 && r > ac) {
		return Decimal{}, errOverflow
	}
	return Decimal{coef: r, scale: s}, nil
}

// Sub returns d-o at the larger scale, or an error on overflow.
func (d Decimal) Sub(o Decimal) (Decimal, error) {
	if o.coef == math.MinInt64 {
		return Decimal{}, errOverflow
	}
	return d.Add(Decimal{coef: -o.coef, scale: o.scale})
}

// Minor returns the amount in units of 10^-scale (cents for scale 2), and
// false when that would drop non-zero digits or overflow.
func (d Decimal) Minor(scale int) (int64, bool) {
	if scale < 0 || scale > MaxScale {
		return 0, false
	}
	if uint8(scale) >= d.scale {
		return d.rescale(uint8(scale))
	}
	c := d.coef
	for s := d.scale; s > uint8(scale); s-- {
		if c%10 != 0 {
			return 0, false
		}
		c /= 10
	}
	return c, true
}

// Int64 returns the amount as a whole number, and false if it has a
// non-zero fraction.
func (d Decimal) Int64() (int64, bool) { return d.Minor(0) }

// Trim drops trailing fractional zeros: 273.00 becomes 273.
func (d Decimal) Trim() Decimal {
	for d.scale > 0 && d.coef%10 == 0 {
		d.coef /= 10
		d.scale--
	}
	return d
}

// MarshalJSON writes the amount as a JSON number: 273.00.
func (d Decimal) MarshalJSON() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalJSON reads a JSON number or a numeric string ("273.00"); null
// leaves the zero value. Anything else is an error naming what was seen.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		*d = Decimal{}
		return nil
	}
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' {
		s, err := strconv.Unquote(string(b))
		if err != nil {
			return fmt.Errorf("amount %s: %w", truncate(string(b)), errSyntax)
		}
		b = []byte(strings.TrimSpace(s))
	}
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalText writes the plain decimal form (used in forms and query strings).
func (d Decimal) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads the plain decimal form.
func (d *Decimal) UnmarshalText(b []byte) error {
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
