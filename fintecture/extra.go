package fintecture

import (
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/paykit-go/paykit/internal/transport"
)

// objectJSON encodes as one JSON object: the members of fixed (a wire
// struct) in their usual order, then extra's members sorted by key. It is
// only used when extra has members, so the common case stays a plain struct.
type objectJSON struct {
	fixed any
	extra map[string]any
}

// MarshalJSON splices the extra members into fixed's object.
func (o objectJSON) MarshalJSON() ([]byte, error) {
	b, err := transport.MarshalJSON(o.fixed)
	if err != nil {
		return nil, err
	}
	if len(o.extra) == 0 {
		return b, nil
	}
	out := make([]byte, 0, len(b)+32*len(o.extra))
	out = append(out, b[:len(b)-1]...) // the object without its closing brace
	keys := sortedKeys(o.extra)
	for _, k := range keys {
		kb, err := transport.MarshalJSON(k)
		if err != nil {
			return nil, err
		}
		vb, err := transport.MarshalJSON(o.extra[k])
		if err != nil {
			return nil, err
		}
		if out[len(out)-1] != '{' {
			out = append(out, ',')
		}
		out = append(out, kb...)
		out = append(out, ':')
		out = append(out, vb...)
	}
	return append(out, '}'), nil
}

// withExtra returns fixed itself when extra is empty, and otherwise an
// object that carries both.
func withExtra(fixed any, extra map[string]any) any {
	if len(extra) == 0 {
		return fixed
	}
	return objectJSON{fixed: fixed, extra: extra}
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// jsonKeys lists the JSON member names of a wire struct's fields: the names
// paykit sets itself, which extra members may not replace.
func jsonKeys(t reflect.Type) map[string]bool {
	keys := map[string]bool{}
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			keys[name] = true
		}
	}
	return keys
}

var (
	connectMetaKeys = sync.OnceValue(func() map[string]bool { return jsonKeys(reflect.TypeFor[wireConnectMeta]()) })
	connectAttrKeys = sync.OnceValue(func() map[string]bool { return jsonKeys(reflect.TypeFor[wireConnectAttributes]()) })
	updateMetaKeys  = sync.OnceValue(func() map[string]bool { return jsonKeys(reflect.TypeFor[wireUpdateMeta]()) })
	updateAttrKeys  = sync.OnceValue(func() map[string]bool { return jsonKeys(reflect.TypeFor[wireUpdateAttributes]()) })
)

const errExtraEncoding = "must encode as JSON (no NaN, infinities, channels or functions)"

// checkExtraMembers validates extra members for the object at path (e.g. "meta"):
// keys must be non-empty and free of control characters, must not name a
// member paykit sets from a typed field (reserved), and values must encode.
// Keys are checked in order so the first error is always the same one.
func checkExtraMembers(path string, extra map[string]any, reserved map[string]bool, field string) error {
	for _, k := range sortedKeys(extra) {
		if strings.TrimSpace(k) == "" || transport.HasControl(k) {
			return invalid(path, "extra keys must be non-empty and free of control characters")
		}
		if reserved[k] {
			return invalid(path+"."+k, "is set by paykit from "+field+"; use that field, not the extra map")
		}
		if _, err := transport.MarshalJSON(extra[k]); err != nil {
			return invalid(path+"."+k, errExtraEncoding)
		}
	}
	return nil
}
