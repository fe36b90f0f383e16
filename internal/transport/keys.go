package transport

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Key checks.
//
// encoding/json takes the last of two members with the same name, and fills
// a struct field from a member whose name matches the field's only without
// regard to case ("Transaction_Amount", "TRANSACTION_AMOUNT", even
// "tranſaction_amount" with U+017F) when no exact one is there. Either way
// a document can say two things about one amount and the decoder silently
// picks one, while the provider, a proxy or a log may read the other.
// checkKeys refuses such a document before its values are used: an object
// that repeats a member name (exactly, or for a struct without regard to
// case, as encoding/json would match it), and a member that fills a struct
// field only without regard to case. Members a struct has no field for are
// ignored by the decoder and are not looked into.

// keyError is a member name checkKeys refuses, with the JSON path of the
// object that holds it.
type keyError struct {
	path  []string // innermost first; see Error
	key   string
	field string // the struct field it matches without regard to case; "" for a repeat
}

func (e *keyError) Error() string {
	where := "the top-level object"
	if len(e.path) > 0 {
		var b strings.Builder
		for i := len(e.path) - 1; i >= 0; i-- {
			if b.Len() > 0 && !strings.HasPrefix(e.path[i], "[") {
				b.WriteByte('.')
			}
			b.WriteString(e.path[i])
		}
		where = b.String()
	}
	key := strconv.QuoteToASCII(truncateKey(e.key))
	if e.field != "" {
		return fmt.Sprintf("transport: member %s of %s names field %q only without regard to case", key, where, e.field)
	}
	return fmt.Sprintf("transport: member %s appears twice in %s", key, where)
}

func truncateKey(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}

// checkKeys walks data, a valid JSON document, beside t, the type it
// decodes into, and returns a *keyError for the first member name
// described above.
func checkKeys(data []byte, t reflect.Type) error {
	k := scanners.Get().(*keyScanner)
	k.data, k.pos = data, 0
	err := k.value(shapeOf(t))
	k.data = nil
	if cap(k.names) <= 64<<10 && cap(k.keys) <= 4<<10 && cap(k.seen) <= 4<<10 {
		scanners.Put(k) // an outsized document's buffers are not kept
	}
	return err
}

// scanners keeps keyScanners and their buffers between calls.
var scanners = sync.Pool{New: func() any { return new(keyScanner) }}

// shape is what the decoder does with a JSON value: look members up as
// struct fields, keep them as map keys or as generic values (where a repeat
// would be lost), or nothing worth checking.
type shape struct {
	kind shapeKind
	elem *shape // array, map and opaque values: the shape of children
	// struct: exact member name → index into children; folded name →
	// exact name.
	byName   map[string]int
	byFolded map[string]string
	children []*shape
}

type shapeKind uint8

const (
	shapeSkip   shapeKind = iota // a scalar, or a value no decoder reads
	shapeStruct                  // members fill fields
	shapeMap                     // members are map entries
	shapeArray                   // elements share elem
	shapeOpaque                  // an interface or a type with its own decoder: any repeat is refused
)

var (
	skipShape   = &shape{kind: shapeSkip}
	opaqueShape = &shape{kind: shapeOpaque}
	shapeCache  sync.Map // reflect.Type → *shape, fully built
	textType    = reflect.TypeFor[encoding.TextUnmarshaler]()
)

func init() { opaqueShape.elem = opaqueShape }

// shapeOf returns the shape of t, built once per type. A shape is shared
// only once it is whole.
func shapeOf(t reflect.Type) *shape {
	if t == nil {
		return opaqueShape
	}
	if s, ok := shapeCache.Load(t); ok {
		return s.(*shape)
	}
	s, _ := shapeCache.LoadOrStore(t, buildShape(t, map[reflect.Type]*shape{}))
	return s.(*shape)
}

// buildShape builds the shape of t; building holds the shapes being built,
// so a recursive type points at itself.
func buildShape(t reflect.Type, building map[reflect.Type]*shape) *shape {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if s, ok := building[t]; ok {
		return s
	}
	if s, ok := shapeCache.Load(t); ok {
		return s.(*shape)
	}
	if p := reflect.PointerTo(t); p.Implements(unmarshalerType) || p.Implements(textType) {
		return opaqueShape
	}
	s := &shape{}
	switch t.Kind() {
	case reflect.Interface:
		return opaqueShape
	case reflect.Struct, reflect.Map, reflect.Slice, reflect.Array:
		building[t] = s
	}
	switch t.Kind() {
	case reflect.Struct:
		s.kind = shapeStruct
		fillFields(s, t, building)
	case reflect.Map:
		s.kind, s.elem = shapeMap, buildShape(t.Elem(), building)
	case reflect.Slice, reflect.Array:
		if t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8 {
			return skipShape // []byte is a base64 string
		}
		s.kind, s.elem = shapeArray, buildShape(t.Elem(), building)
	default:
		return skipShape
	}
	return s
}

// fillFields gives s the JSON member names of struct t as encoding/json
// decodes them: tags, untagged names, fields of embedded structs promoted
// (the shallower keeps a name).
func fillFields(s *shape, t reflect.Type, building map[reflect.Type]*shape) {
	s.byName, s.byFolded = map[string]int{}, map[string]string{}
	depthOf := map[string]int{}
	var walk func(t reflect.Type, depth int, seen map[reflect.Type]bool)
	walk = func(t reflect.Type, depth int, seen map[reflect.Type]bool) {
		if seen[t] {
			return
		}
		seen[t] = true
		for i := 0; i < t.NumField(); i++ {
			sf := t.Field(i)
			tag := sf.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			if sf.Anonymous && name == "" {
				et := sf.Type
				if et.Kind() == reflect.Pointer {
					et = et.Elem()
				}
				if et.Kind() == reflect.Struct {
					walk(et, depth+1, seen)
					continue
				}
			}
			if !sf.IsExported() {
				continue
			}
			if name == "" {
				name = sf.Name
			}
			if d, ok := depthOf[name]; ok && d <= depth {
				continue // the shallower (or first) field keeps the name
			}
			depthOf[name] = depth
			child := buildShape(sf.Type, building)
			if i, ok := s.byName[name]; ok {
				s.children[i] = child
			} else {
				s.byName[name] = len(s.children)
				s.children = append(s.children, child)
			}
			s.byFolded[string(foldKey(nil, []byte(name)))] = name
		}
	}
	walk(t, 0, map[reflect.Type]bool{})
}

// foldKey appends to out the form of name that encoding/json matches
// struct fields by: equal for two names it takes for the same field.
func foldKey(out, name []byte) []byte {
	for i := 0; i < len(name); {
		c := name[i]
		if c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			out = append(out, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(name[i:])
		for {
			r2 := unicode.SimpleFold(r)
			if r2 <= r {
				r = r2
				break
			}
			r = r2
		}
		out = utf8.AppendRune(out, r)
		i += n
	}
	return out
}

// keyScanner walks a document already known to be valid JSON.
type keyScanner struct {
	data []byte
	pos  int
	// keys holds the member names of the objects being walked, one after
	// the other (spans into names), so an object checks its own without
	// allocating.
	keys  [][2]int
	names []byte
	fold  []byte
	// seen marks the struct fields already filled, per open object.
	seen []bool
}

func (k *keyScanner) space() {
	for k.pos < len(k.data) {
		switch k.data[k.pos] {
		case ' ', '\t', '\n', '\r':
			k.pos++
		default:
			return
		}
	}
}

// str reads a string starting at pos and returns its text (decoded only
// when it has escapes or non-ASCII bytes, as encoding/json decodes it).
func (k *keyScanner) str() []byte {
	start := k.pos
	k.pos++ // opening quote
	plain := true
	for k.pos < len(k.data) {
		c := k.data[k.pos]
		if c == '\\' {
			plain = false
			k.pos += 2
			continue
		}
		k.pos++
		if c == '"' {
			break
		}
		if c >= utf8.RuneSelf {
			plain = false
		}
	}
	raw := k.data[start:min(k.pos, len(k.data))]
	if plain && len(raw) >= 2 {
		return raw[1 : len(raw)-1]
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return raw
	}
	return []byte(s)
}

// value walks one value of shape s.
func (k *keyScanner) value(s *shape) error {
	k.space()
	if k.pos >= len(k.data) {
		return nil
	}
	switch k.data[k.pos] {
	case '{':
		return k.object(s)
	case '[':
		k.pos++
		elem := skipShape
		if s.kind == shapeArray || s.kind == shapeOpaque {
			elem = s.elem
		}
		for i := 0; ; i++ {
			k.space()
			if k.pos >= len(k.data) {
				return nil
			}
			if k.data[k.pos] == ']' {
				k.pos++
				return nil
			}
			if k.data[k.pos] == ',' {
				k.pos++
			}
			if err := k.value(elem); err != nil {
				if ke, ok := err.(*keyError); ok {
					ke.path = append(ke.path, "["+strconv.Itoa(i)+"]")
				}
				return err
			}
		}
	case '"':
		k.str()
	default:
		for k.pos < len(k.data) {
			switch k.data[k.pos] {
			case ',', ']', '}', ' ', '\t', '\n', '\r':
				return nil
			}
			k.pos++
		}
	}
	return nil
}

func (k *keyScanner) object(s *shape) error {
	k.pos++ // {
	keysAt, namesAt, seenAt := len(k.keys), len(k.names), len(k.seen)
	defer func() { k.keys, k.names, k.seen = k.keys[:keysAt], k.names[:namesAt], k.seen[:seenAt] }()
	if s.kind == shapeStruct {
		for range s.children {
			k.seen = append(k.seen, false)
		}
	}
	var big map[string]bool // for objects too large to compare pairwise
	for {
		k.space()
		if k.pos >= len(k.data) || k.data[k.pos] == '}' {
			k.pos++
			return nil
		}
		if k.data[k.pos] == ',' {
			k.pos++
			k.space()
		}
		name := k.str()
		k.space()
		k.pos++ // :
		child := skipShape
		switch s.kind {
		case shapeStruct:
			i, ok := s.byName[string(name)]
			if !ok {
				k.fold = foldKey(k.fold[:0], name)
				if field, ok := s.byFolded[string(k.fold)]; ok {
					return &keyError{key: string(name), field: field}
				}
				break // no field: the decoder skips the value
			}
			if k.seen[seenAt+i] {
				return &keyError{key: string(name)}
			}
			k.seen[seenAt+i] = true
			child = s.children[i]
		case shapeMap, shapeOpaque:
			if big != nil {
				if big[string(name)] {
					return &keyError{key: string(name)}
				}
				big[string(name)] = true
			} else {
				for _, sp := range k.keys[keysAt:] {
					if bytes.Equal(k.names[sp[0]:sp[1]], name) {
						return &keyError{key: string(name)}
					}
				}
				k.keys = append(k.keys, [2]int{len(k.names), len(k.names) + len(name)})
				k.names = append(k.names, name...)
				if len(k.keys)-keysAt > 32 {
					big = make(map[string]bool, 64)
					for _, sp := range k.keys[keysAt:] {
						big[string(k.names[sp[0]:sp[1]])] = true
					}
				}
			}
			child = s.elem
		}
		if err := k.value(child); err != nil {
			if ke, ok := err.(*keyError); ok {
				ke.path = append(ke.path, string(name))
			}
			return err
		}
	}
}

// CheckMembers runs Decode's member check alone: it reports a member that
// data, a valid JSON document, repeats in one object, or one that names a
// field of v's type only without regard to case. A decoder that reads data
// another way (an allocation-free fast path) calls it so that it refuses
// exactly what Decode refuses. v is a value or pointer of the target type.
func CheckMembers(data []byte, v any) error {
	t := reflect.TypeOf(v)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return checkKeys(data, t)
}
