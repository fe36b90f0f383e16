package money

import (
	"encoding/json"
	"math"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseAndString(t *testing.T) {
	cases := []struct{ in, out string }{
		{"5000", "5000"},
		{"273.00", "273.00"},
		{"273", "273"},
		{"0.05", "0.05"},
		{"-1.5", "-1.5"},
		{"0", "0"},
		{"2.5E2", "250"},
		{"1e-2", "0.01"},
		{"9223372036854775807", "9223372036854775807"},
	}
	for _, tc := range cases {
		d, err := Parse(tc.in)
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.out, d.String(), tc.in)
	}
}

func TestParseRejects(t *testing.T) {
	for _, in := range []string{"", " 1", "1 ", "+1", ".5", "1.", "1,5", "abc", "1.2.3", "--1", "9223372036854775808",
		"1e", "1e99999", "0.0000000000001", "NaN", "Infinity", "0x10", "１"} {
		_, err := Parse(in)
		assert.Error(t, err, "%q must be rejected", in)
	}
	_, err := Parse("12,50")
	assert.ErrorContains(t, err, `amount "12,50": not a decimal number`)
}

func TestJSONNumberOrString(t *testing.T) {
	var v struct {
		A Decimal `json:"a"`
		B Decimal `json:"b"`
		C Decimal `json:"c"`
		D Decimal `json:"d"`
	}
	require.NoError(t, json.Unmarshal([]byte(`{"a":5000,"b":"273.00","c":null,"d":10.5}`), &v))
	assert.Equal(t, "5000", v.A.String())
	assert.Equal(t, "273.00", v.B.String())
	assert.True(t, v.C.IsZero())
	assert.Equal(t, "10.5", v.D.String())
	out, err := json.Marshal(v)
	require.NoError(t, err)
	assert.Equal(t, `{"a":5000,"b":273.00,"c":0,"d":10.5}`, string(out))
	assert.Error(t, json.Unmarshal([]byte(`{"a":"***"}`), &v))
	assert.Error(t, json.Unmarshal([]byte(`{"a":true}`), &v))
}

func TestArithmeticAndCompare(t *testing.T) {
	a, b := MustParse("100.50"), MustParse("0.5")
	sum, err := a.Add(b)
	require.NoError(t, err)
	assert.Equal(t, "101.00", sum.String())
	diff, err := a.Sub(MustParse("100.5"))
	require.NoError(t, err)
	assert.True(t, diff.IsZero())
	assert.True(t, MustParse("1.50").Equal(MustParse("1.5")))
	assert.Equal(t, -1, MustParse("1.49").Cmp(MustParse("1.5")))
	assert.Equal(t, 1, MustParse("-1").Cmp(MustParse("-2")))
	_, err = FromInt(math.MaxInt64).Add(FromInt(1))
	assert.Error(t, err)
	_, err = FromInt(math.MinInt64).Sub(FromInt(1))
	assert.Error(t, err)
	// Values that cannot share a scale still compare.
	assert.Equal(t, 1, FromInt(math.MaxInt64).Cmp(MustParse("0.000000000001")))
	assert.Equal(t, -1, FromInt(-math.MaxInt64).Cmp(MustParse("0.000000000001")))
}

func TestMinorAndInt(t *testing.T) {
	c, ok := MustParse("273.5").Minor(2)
	assert.True(t, ok)
	assert.Equal(t, int64(27350), c)
	_, ok = MustParse("1.005").Minor(2)
	assert.False(t, ok, "a third decimal cannot become cents")
	n, ok := MustParse("5000.00").Int64()
	assert.True(t, ok)
	assert.Equal(t, int64(5000), n)
	_, ok = MustParse("0.5").Int64()
	assert.False(t, ok)
	assert.Equal(t, "273", MustParse("273.000").Trim().String())
	assert.Equal(t, "27300", New(27300, 0).String())
	assert.Equal(t, "273.00", New(27300, 2).String())
	assert.Equal(t, "-0.07", New(-7, 2).String())
	assert.Equal(t, 2, New(1, 2).Scale())
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"0", "273.00", "-1.5", "2.5E2", "9223372036854775807", "1e-12", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(s)
		if err != nil {
			return
		}
		// Whatever parses prints as a plain decimal that parses back to the same value.
		back, err := Parse(d.String())
		if err != nil {
			t.Fatalf("%q -> %q does not parse back: %v", s, d.String(), err)
		}
		if !back.Equal(d) || back.Scale() != d.Scale() {
			t.Fatalf("%q -> %q -> %q changed", s, d.String(), back.String())
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil && math.Abs(f) < 1e15 {
			g, _ := strconv.ParseFloat(d.String(), 64)
			if math.Abs(f-g) > 1e-6*math.Max(1, math.Abs(f)) {
				t.Fatalf("%q parsed as %s", s, d)
			}
		}
	})
}
