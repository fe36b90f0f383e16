package transport

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"sync"
)

// Tolerant decoding.
//
// Payment APIs drift: numbers arrive as strings, ids as numbers, masked
// fields as "***", enums with values nobody documented. Decode reads a
// response in one pass straight into the result type with encoding/json,
// which is what almost every answer needs. (It used github.com/goccy/go-json
// before, which is faster but built on unsafe and keeps encoding/json's
// silent choices; see BENCHMARKS.md, "JSON engine".) A document that could
// say two things about one value is refused whole before any value is
// used (checkKeys): a member repeated in one object, and a member that
// fills a struct field only without regard to case. Only when
// encoding/json fails on a value of the wrong shape is the document read
// again field by field: what can be converted (a numeric string into an
// int, a number into a string, "12.0" into 12) is converted, what cannot
// is left at its zero value, and its JSON path is appended to the Unparsed
// field of the nearest enclosing struct that has one:
//
//	Unparsed []string `json:"-"`
//
// A path is relative to that struct ("payer.identification.number",
// "refunds[1].amount"). One odd field therefore never fails a call, and the
// caller can see what was not read.

// maxDepth bounds the recursion of the field-by-field path on hostile input.
const maxDepth = 32

// unparsedField is the name of the field that collects unreadable paths.
const unparsedField = "Unparsed"

var (
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	stringsType     = reflect.TypeFor[[]string]()
)

// Decode decodes the JSON document data into v, a non-nil pointer. It fails
// when data is not JSON, when it repeats a member or names a struct field
// only without regard to case (see checkKeys), or when its top level cannot
// be read into v at all (an object where a list is expected, a string where
// an object is); a drifted value deeper down is zeroed and named in
// Unparsed instead.
func Decode(data []byte, v any) error {
	err := json.Unmarshal(data, v)
	if err != nil && (notJSON(err) || refusedKeys(err)) {
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && !rv.IsNil() {
			rv.Elem().SetZero() // as for every refused document
		}
		return err
	}
	// data is valid JSON from here on.
	rv := reflect.ValueOf(v).Elem()
	if kerr := checkKeys(data, rv.Type()); kerr != nil {
		rv.SetZero()
		return kerr
	}
	if err == nil {
		settleDrift(v, data)
		return nil
	}
	trimmed := bytes.TrimSpace(data)
	if !topLevelFits(trimmed[0], rv.Type()) {
		return err
	}
	rv.SetZero()
	var sink []string
	loose(trimmed, rv, "", &sink, 0)
	settleDrift(v, data)
	return nil
}

// DriftSettler is a result type that knows shapes of its provider's
// answers which are drift only in form (a blank date, a masked field): once
// Decode has read a document into it, SettleDrift sees the document and
// may take such paths out of Unparsed (setting what they carry). Decode
// calls it after every successful decode; it must be cheap when Unparsed is
// empty.
type DriftSettler interface {
	SettleDrift(data []byte)
}

func settleDrift(v any, data []byte) {
	if s, ok := v.(DriftSettler); ok {
		s.SettleDrift(data)
	}
}

// notJSON reports whether err from json.Unmarshal says the document is not
// JSON or v is not a pointer, rather than that a value did not fit.
func notJSON(err error) bool {
	var syntax *json.SyntaxError
	var invalid *json.InvalidUnmarshalError
	return errors.As(err, &syntax) || errors.As(err, &invalid)
}

// refusedKeys reports whether err is checkKeys' refusal coming back from a
// type's own UnmarshalJSON that decodes with Decode (a document that
// repeats a member is refused whole there too, not read field by field).
func refusedKeys(err error) bool {
	var ke *keyError
	return errors.As(err, &ke)
}

// topLevelFits reports whether a document starting with c can be read into
// a value of type t field by field at all.
func topLevelFits(c byte, t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return c == '{' || c == 'n'
	case reflect.Slice, reflect.Array:
		return c == '[' || c == 'n'
	}
	return false
}

// loose sets dst, which is settable, from raw as best it can.
func loose(raw []byte, dst reflect.Value, path string, unparsed *[]string, depth int) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return
	}
	fail := func() { *unparsed = append(*unparsed, path) }
	if depth > maxDepth {
		fail()
		return
	}
	// Strict first: most values are fine.
	tmp := reflect.New(dst.Type())
	if json.Unmarshal(raw, tmp.Interface()) == nil {
		dst.Set(tmp.Elem())
		return
	}
	t := dst.Type()
	// A type with its own decoder (money.Decimal, time.Time) had its chance
	// above; a quoted value gets one more try unquoted ("12.50" → 12.50).
	if t.Kind() != reflect.Pointer && reflect.PointerTo(t).Implements(unmarshalerType) {
		if raw[0] == '"' {
			if s, err := UnquoteJSON(raw); err == nil {
				s = strings.TrimSpace(s)
				if s != "" && json.Unmarshal([]byte(s), tmp.Interface()) == nil {
					dst.Set(tmp.Elem())
					return
				}
			}
		}
		fail()
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		p := reflect.New(t.Elem())
		before := len(*unparsed)
		loose(raw, p.Elem(), path, unparsed, depth+1)
		if len(*unparsed) == before || !p.Elem().IsZero() {
			dst.Set(p)
		}
	case reflect.Struct:
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) != nil {
			fail()
			return
		}
		if i, ok := unparsedIndex(t); ok {
			// This struct keeps its own list, with paths relative to it.
			var own []string
			looseStruct(obj, dst, "", &own, depth)
			dst.Field(i).Set(reflect.ValueOf(own))
			return
		}
		looseStruct(obj, dst, path, unparsed, depth)
	case reflect.Slice:
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) != nil {
			fail()
			return
		}
		s := reflect.MakeSlice(t, len(items), len(items))
		for i, it := range items {
			loose(it, s.Index(i), path+"["+strconv.Itoa(i)+"]", unparsed, depth+1)
		}
		dst.Set(s)
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			fail()
			return
		}
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) != nil {
			fail()
			return
		}
		m := reflect.MakeMapWithSize(t, len(obj))
		for k, it := range obj {
			e := reflect.New(t.Elem()).Elem()
			loose(it, e, join(path, k), unparsed, depth+1)
			m.SetMapIndex(reflect.ValueOf(k).Convert(t.Key()), e)
		}
		dst.Set(m)
	case reflect.String:
		switch raw[0] {
		case '{', '[':
			fail()
		default: // a number or a bool where text was expected
			dst.SetString(string(raw))
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if n, ok := LooseInt(raw); ok && !dst.OverflowInt(n) {
			dst.SetInt(n)
			return
		}
		fail()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if n, ok := LooseInt(raw); ok && n >= 0 && !dst.OverflowUint(uint64(n)) {
			dst.SetUint(uint64(n))
			return
		}
		fail()
	case reflect.Bool:
		s := string(raw)
		if raw[0] == '"' {
			s, _ = UnquoteJSON(raw)
		}
		if b, err := strconv.ParseBool(strings.TrimSpace(s)); err == nil {
			dst.SetBool(b)
			return
		}
		fail()
	default:
		fail()
	}
}

// looseStruct fills the fields of dst from obj by their exact JSON names
// (checkKeys has refused a member that matches one only without regard to
// case).
func looseStruct(obj map[string]json.RawMessage, dst reflect.Value, path string, unparsed *[]string, depth int) {
	t := dst.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() && !f.Anonymous {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			looseStruct(obj, dst.Field(i), path, unparsed, depth+1)
			continue
		}
		if name == "" {
			name = f.Name
		}
		raw, ok := obj[name]
		if !ok {
			continue
		}
		loose(raw, dst.Field(i), join(path, name), unparsed, depth+1)
	}
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// unparsedCache remembers, per struct type, the index of its Unparsed
// field (-1 for none).
var unparsedCache sync.Map // reflect.Type → int

// unparsedIndex returns the index of t's `Unparsed []string` field, if it
// has one that JSON ignores.
func unparsedIndex(t reflect.Type) (int, bool) {
	if i, ok := unparsedCache.Load(t); ok {
		return i.(int), i.(int) >= 0
	}
	idx := -1
	if f, ok := t.FieldByName(unparsedField); ok && len(f.Index) == 1 && f.Type == stringsType && f.Tag.Get("json") == "-" {
		idx = f.Index[0]
	}
	unparsedCache.Store(t, idx)
	return idx, idx >= 0
}

// LooseInt reads 12, "12", 12.0 or "12.0" as 12.
func LooseInt(raw []byte) (int64, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return 0, false
	}
	s := string(raw)
	if raw[0] == '"' {
		var err error
		if s, err = UnquoteJSON(raw); err != nil {
			return 0, false
		}
		s = strings.TrimSpace(s)
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, true
	}
	if whole, frac, ok := strings.Cut(s, "."); ok && whole != "" && strings.Trim(frac, "0") == "" {
		if n, err := strconv.ParseInt(whole, 10, 64); err == nil {
			return n, true
		}
	}
	return 0, false
}
