package transport

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit/money"
)

type decItem struct {
	ID       int64         `json:"id"`
	Amount   money.Decimal `json:"amount"`
	Unparsed []string      `json:"-"`
}

type decHolder struct {
	Number string `json:"number"`
}

type decDoc struct {
	ID       int64             `json:"id"`
	Name     string            `json:"name"`
	Count    uint16            `json:"count"`
	Live     bool              `json:"live"`
	Amount   money.Decimal     `json:"amount"`
	When     time.Time         `json:"when"`
	Holder   decHolder         `json:"holder"`
	Card     *decHolder        `json:"card"`
	Items    []decItem         `json:"items"`
	Labels   map[string]int    `json:"labels"`
	Extra    map[string]any    `json:"extra"`
	Nested   *decItem          `json:"nested"`
	Ignored  string            `json:"-"`
	Embedded                   // fields promoted as encoding/json does
	Tags     map[string]string `json:"tags"`
	Unparsed []string          `json:"-"`
}

type Embedded struct {
	Kind string `json:"kind"`
}

const cleanDoc = `{"id":7,"name":"x","count":3,"live":true,"amount":12.50,"when":"2026-01-02T03:04:05Z",
"holder":{"number":"123"},"card":{"number":"9"},"items":[{"id":1,"amount":"1.10"}],"labels":{"a":1},
"extra":{"k":"v"},"nested":{"id":2,"amount":3},"kind":"k","tags":{"t":"u"}}`

func TestDecodeCleanIsPlainUnmarshal(t *testing.T) {
	var want, got decDoc
	require.NoError(t, json.Unmarshal([]byte(cleanDoc), &want))
	require.NoError(t, Decode([]byte(cleanDoc), &got))
	assert.Equal(t, want, got)
	assert.Nil(t, got.Unparsed)
	assert.Equal(t, "12.50", got.Amount.String())
	assert.Equal(t, "k", got.Kind)
}

func TestDecodeDrift(t *testing.T) {
	body := `{"id":"7","name":42,"count":"3.0","live":"true","amount":"12.50","when":"yesterday",
"holder":{"number":123},"card":{"number":{"x":1}},
"items":[{"id":"1","amount":"abc"},{"id":2.0,"amount":1},"oops"],
"labels":{"a":"1","b":"x"},"nested":{"id":"***","amount":"3"},"kind":"k","tags":["not","a","map"]}`
	var d decDoc
	require.NoError(t, Decode([]byte(body), &d))

	assert.Equal(t, int64(7), d.ID, "a numeric string is read as a number")
	assert.Equal(t, "42", d.Name, "a number is read as text")
	assert.Equal(t, uint16(3), d.Count, `"3.0" is a whole number`)
	assert.True(t, d.Live)
	assert.Equal(t, "12.50", d.Amount.String())
	assert.True(t, d.When.IsZero())
	assert.Equal(t, "123", d.Holder.Number)
	assert.Equal(t, "k", d.Kind, "a promoted field is read on the field-by-field path too")

	require.Len(t, d.Items, 3)
	assert.Equal(t, int64(1), d.Items[0].ID)
	assert.True(t, d.Items[0].Amount.IsZero())
	assert.Equal(t, []string{"amount"}, d.Items[0].Unparsed, "an item with its own Unparsed keeps its own paths")
	assert.Equal(t, int64(2), d.Items[1].ID)
	assert.Nil(t, d.Items[1].Unparsed)
	require.NotNil(t, d.Nested)
	assert.Equal(t, []string{"id"}, d.Nested.Unparsed)
	assert.Equal(t, "3", d.Nested.Amount.String())
	assert.Equal(t, map[string]int{"a": 1, "b": 0}, d.Labels)

	assert.ElementsMatch(t, []string{"when", "card.number", "items[2]", "labels.b", "tags"}, d.Unparsed)
	assert.Nil(t, d.Card, "a pointer to a struct none of whose fields could be read stays nil")
}

func TestDecodeResetsWhatTheStrictPassLeft(t *testing.T) {
	d := decDoc{Name: "stale", Ignored: "stale"}
	require.NoError(t, Decode([]byte(`{"id":"x"}`), &d))
	assert.Equal(t, decDoc{Unparsed: []string{"id"}}, d)
}

func TestDecodeTopLevelList(t *testing.T) {
	var items []decItem
	require.NoError(t, Decode([]byte(`[{"id":1,"amount":2},{"id":"2","amount":"x"}]`), &items))
	require.Len(t, items, 2)
	assert.Equal(t, int64(2), items[1].ID)
	assert.Equal(t, []string{"amount"}, items[1].Unparsed)
}

func TestDecodeFailures(t *testing.T) {
	for name, body := range map[string]string{
		"not JSON":              `{"id":`,
		"a string for a struct": `"hello"`,
		"a list for a struct":   `[1,2]`,
		"trailing garbage":      `{"id":1} x`,
		"empty":                 ``,
	} {
		t.Run(name, func(t *testing.T) {
			var d decDoc
			assert.Error(t, Decode([]byte(body), &d))
		})
	}
	var items []decItem
	assert.Error(t, Decode([]byte(`{"id":1}`), &items), "an object where a list is expected")
}

func TestDecodeDeepNestingIsBounded(t *testing.T) {
	type node struct {
		Next     *node    `json:"next"`
		N        int      `json:"n"`
		Unparsed []string `json:"-"`
	}
	body := strings.Repeat(`{"next":`, 100) + `{"n":"x"}` + strings.Repeat(`}`, 100)
	var n node
	require.NoError(t, Decode([]byte(body), &n))
	depth := 0
	for p := &n; p != nil; p = p.Next {
		depth++
	}
	assert.Greater(t, depth, 1)
	assert.LessOrEqual(t, depth, maxDepth+2)
}

func TestLooseInt(t *testing.T) {
	for raw, want := range map[string]int64{`12`: 12, `"12"`: 12, `12.0`: 12, `" 12.00 "`: 12, `-3`: -3} {
		n, ok := LooseInt([]byte(raw))
		assert.True(t, ok, raw)
		assert.Equal(t, want, n, raw)
	}
	for _, raw := range []string{`12.5`, `"x"`, `""`, `.0`, `"1e3"`, ``, `"\u00zz"`} {
		_, ok := LooseInt([]byte(raw))
		assert.False(t, ok, raw)
	}
}

// FuzzDecode: Decode never panics, never accepts what encoding/json
// refuses as JSON, refuses only with a key error what encoding/json reads,
// and otherwise reads exactly what encoding/json reads.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(cleanDoc))
	f.Add([]byte(`{"id":"7","items":[{"id":"x"}],"labels":{"a":"b"},"nested":{"amount":"***"}}`))
	f.Add([]byte(`{"card":{"number":[[[[[]]]]]},"count":"-1"}`))
	f.Add([]byte(`{"amount":1,"items":[{"amount":2,"AMOUNT":3}]}`))
	f.Add([]byte(`{"labels":{"a":1,"A":2},"extra":{"k":{"x":1,"x":2}}}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var strict, got decDoc
		strictErr := json.Unmarshal(b, &strict)
		err := Decode(b, &got)
		var ke *keyError
		if errors.As(err, &ke) {
			if !json.Valid(b) {
				t.Fatalf("key error %v on invalid JSON %q", err, b)
			}
			assert.Equal(t, decDoc{}, got, "a refused document leaves the zero value")
			return
		}
		if strictErr == nil {
			require.NoError(t, err)
			assert.Equal(t, strict, got)
			return
		}
		if err == nil && !json.Valid(b) {
			t.Fatalf("accepted invalid JSON %q", b)
		}
	})
}

// stdMarshal is encoding/json's encoding with HTML escaping off, the
// reference MarshalJSON is held to.
func stdMarshal(v any) ([]byte, error) {
	var buf strings.Builder
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return []byte(strings.TrimSuffix(buf.String(), "\n")), nil
}

func TestMarshalJSONMatchesEncodingJSON(t *testing.T) {
	var d decDoc
	require.NoError(t, json.Unmarshal([]byte(cleanDoc), &d))
	d.Name = `<b>&"quoted"</b> ` + "\u2028 \x01 é \xff"
	d.Extra = map[string]any{"z": 1.5, "a": []any{true, nil, "x"}, "m": 1e21, "n": 0.000001}
	for _, v := range []any{d, &d, map[string]any{"b": 2, "a": 1}, []int(nil), struct {
		A *int   `json:"a,omitempty"`
		B string `json:"b,omitempty"`
		C bool   `json:"c"`
	}{}} {
		want, err := stdMarshal(v)
		require.NoError(t, err)
		got, err := MarshalJSON(v)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got))
	}
}

// FuzzMarshalJSON: whatever encoding/json can decode into a document,
// MarshalJSON encodes to the very bytes encoding/json would.
func FuzzMarshalJSON(f *testing.F) {
	f.Add([]byte(cleanDoc))
	f.Add([]byte(`{"name":"<a href=\"x\">&amp;</a>\u2029","extra":{"f":1.0e-7,"g":123456789012345678901234567890}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var d decDoc
		if json.Unmarshal(b, &d) != nil {
			return
		}
		want, err := stdMarshal(&d)
		if err != nil {
			return
		}
		got, err := MarshalJSON(&d)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got), "%q", b)
	})
}

// ownDecoder decodes itself with Decode, as provider types with their own
// UnmarshalJSON do.
type ownDecoder struct {
	ID       int64    `json:"id"`
	Unparsed []string `json:"-"`
}

func (o *ownDecoder) UnmarshalJSON(b []byte) error {
	type plain ownDecoder
	return Decode(b, (*plain)(o))
}

// settled takes "when" out of Unparsed when it was sent blank.
type settled struct {
	When     int      `json:"when"`
	Unparsed []string `json:"-"`
	saw      []byte
}

func (s *settled) SettleDrift(data []byte) {
	s.saw = data
	if len(s.Unparsed) == 1 && s.Unparsed[0] == "when" && bytes.Contains(data, []byte(`"when":""`)) {
		s.Unparsed = nil
	}
}

func TestDecodeKeepsARefusalFromATypesOwnDecoder(t *testing.T) {
	var v struct {
		Inner ownDecoder `json:"inner"`
	}
	err := Decode([]byte(`{"inner":{"id":1,"id":2}}`), &v)
	require.Error(t, err, "a repeated member inside is refused whole, not read field by field")
	assert.Zero(t, v.Inner.ID)
}

func TestDecodeCallsSettleDrift(t *testing.T) {
	var s settled
	require.NoError(t, Decode([]byte(`{"when":""}`), &s))
	assert.Empty(t, s.Unparsed)
	assert.Equal(t, `{"when":""}`, string(s.saw))
	var s2 settled
	require.NoError(t, Decode([]byte(`{"when":"later"}`), &s2))
	assert.Equal(t, []string{"when"}, s2.Unparsed)
	var s3 settled
	require.NoError(t, Decode([]byte(`{"when":3}`), &s3))
	assert.NotNil(t, s3.saw, "called on the strict path too")
}
