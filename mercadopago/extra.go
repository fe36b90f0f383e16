package mercadopago

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"

	"github.com/paykit-go/paykit/internal/transport"
)

// withExtra returns fixed itself when extra is empty, and otherwise the
// JSON of fixed with extra's members merged in by the rules documented on
// PaymentRequest.Extra: the typed members first, in their usual order, then
// the new ones, keys sorted.
func withExtra(fixed any, extra map[string]any) (any, error) {
	if len(extra) == 0 {
		return fixed, nil
	}
	b, err := transport.MarshalJSON(fixed)
	if err != nil {
		return nil, err
	}
	out, err := mergeObject("extra", b, extra)
	if err != nil {
		return nil, err
	}
	return json.RawMessage(out), nil
}

// member is one member of a JSON object, its value kept as sent.
type member struct {
	key string
	val json.RawMessage
}

// objectMembers splits a JSON object into its members, in order; false
// when raw is not an object.
func objectMembers(raw []byte) ([]member, bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, false
	}
	var ms []member
	for dec.More() {
		t, err := dec.Token()
		k, ok := t.(string)
		if err != nil || !ok {
			return nil, false
		}
		var v json.RawMessage
		if dec.Decode(&v) != nil {
			return nil, false
		}
		ms = append(ms, member{k, v})
	}
	return ms, true
}

var errExtraNotObject = errors.New("not an object")

// mergeObject merges extra into the JSON object fixed; path names the
// object in errors ("extra", "extra.payer").
func mergeObject(path string, fixed []byte, extra map[string]any) ([]byte, error) {
	ms, ok := objectMembers(fixed)
	if !ok {
		return nil, errExtraNotObject
	}
	for _, k := range slices.Sorted(maps.Keys(extra)) {
		if strings.TrimSpace(k) == "" || transport.HasControl(k) {
			return nil, invalid(path, "extra keys must be non-empty and free of control characters")
		}
		i := slices.IndexFunc(ms, func(m member) bool { return m.key == k })
		if i < 0 {
			vb, err := transport.MarshalJSON(extra[k])
			if err != nil {
				return nil, invalid(path+"."+k, "must encode as JSON (no NaN, infinities, channels or functions)")
			}
			ms = append(ms, member{k, vb})
			continue
		}
		sub, isMap := extra[k].(map[string]any)
		if !isMap || len(ms[i].val) == 0 || ms[i].val[0] != '{' {
			return nil, invalid(path+"."+k, "is set by paykit from a typed field; set it there, not in Extra")
		}
		merged, err := mergeObject(path+"."+k, ms[i].val, sub)
		if err != nil {
			return nil, err
		}
		ms[i].val = merged
	}
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range ms {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := transport.MarshalJSON(m.key)
		b.Write(kb)
		b.WriteByte(':')
		b.Write(m.val)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}
