package mercadopago

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
)

// Tolerant decoding.
//
// Mercado Pago's payloads drift: numbers arrive as strings, ids as numbers,
// masked fields as "***", enums with values nobody documented. Every response
// type decodes strictly first (the fast path); only when that fails does
// decodeTolerant walk the value field by field, converting what can be
// converted (a numeric string into an int, a number into a string) and
// leaving what cannot at its zero value, naming it in unparsed. One odd field
// therefore never fails a call.

// maxDepth bounds the recursion on hostile input.
const maxDepth = 32

var unmarshalerType = reflect.TypeOf((*json.Unmarshaler)(nil)).Elem()

// decodeTolerant decodes data into v (a pointer to a struct whose own
// UnmarshalJSON, if any, is not reachable from v's type: pass an alias). It
// fails only when data is not a JSON object (or null).
func decodeTolerant(data []byte, v any) (unparsed []string, err error) {
	if err := json.Unmarshal(data, v); err == nil {
		return nil, nil
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || trimmed[0] != '{' || !json.Valid(trimmed) {
		return nil, errors.New("mercadopago: expected a JSON object")
	}
	rv := reflect.ValueOf(v).Elem()
	rv.SetZero()
	var u []string
	loose(trimmed, rv, "", &u, 0)
	return u, nil
}

// loose sets dst from raw as best it can; dst is settable.
func loose(raw []byte, dst reflect.Value, path string, unparsed *[]string, depth int) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return
	}
	if depth > maxDepth {
		*unparsed = append(*unparsed, path)
		return
	}
	// Strict first: most fields are fine.
	tmp := reflect.New(dst.Type())
	if json.Unmarshal(raw, tmp.Interface()) == nil {
		dst.Set(tmp.Elem())
		return
	}
	fail := func() { *unparsed = append(*unparsed, path) }
	t := dst.Type()
	// A type with its own decoder (money.Decimal, time.Time, the tolerant
	// response types) had its chance above; retry a quoted number unquoted.
	if reflect.PointerTo(t).Implements(unmarshalerType) && t.Kind() != reflect.Pointer {
		if raw[0] == '"' {
			var s string
			if json.Unmarshal(raw, &s) == nil {
				s = strings.TrimSpace(s)
				if tmp2 := reflect.New(t); s != "" && json.Unmarshal([]byte(s), tmp2.Interface()) == nil {
					dst.Set(tmp2.Elem())
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
	case reflect.String:
		switch raw[0] {
		case '{', '[':
			fail()
		default: // a number or a bool where text was expected
			dst.SetString(string(raw))
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if n, ok := looseInt(raw); ok && !dst.OverflowInt(n) {
			dst.SetInt(n)
			return
		}
		fail()
	case reflect.Bool:
		s := string(raw)
		if raw[0] == '"' {
			_ = json.Unmarshal(raw, &s)
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

// looseStruct fills the fields of dst from obj, matching JSON names the way
// encoding/json does (exact tag first, then case-insensitively).
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
			for k, v := range obj {
				if strings.EqualFold(k, name) {
					raw, ok = v, true
					break
				}
			}
		}
		if !ok {
			continue
		}
		p := name
		if path != "" {
			p = path + "." + name
		}
		loose(raw, dst.Field(i), p, unparsed, depth+1)
	}
}

// looseInt reads 12, "12", 12.0 or "12.0" as 12.
func looseInt(raw []byte) (int64, bool) {
	s := string(raw)
	if raw[0] == '"' {
		if json.Unmarshal(raw, &s) != nil {
			return 0, false
		}
		s = strings.TrimSpace(s)
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, true
	}
	if whole, frac, ok := strings.Cut(s, "."); ok && strings.Trim(frac, "0") == "" {
		if n, err := strconv.ParseInt(whole, 10, 64); err == nil {
			return n, true
		}
	}
	return 0, false
}
