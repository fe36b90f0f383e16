package mercadopago

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/paykit-go/paykit/internal/transport"
)

// DecodePayment reads a stored Mercado Pago payment body (a log, a queue,
// a webhook you fetched earlier) exactly as Payments.Get reads an answer: a
// drifted field is left at zero and named in Unparsed instead of failing the
// whole payment, a document that repeats a member is refused, and the
// shapes Mercado Pago really sends are read without being named (see
// SettleDrift).
//
// Plain json.Unmarshal into a Payment differs, on purpose (it is what keeps
// every call's decode in one pass): it is strict encoding/json, so it fails
// on the first value of the wrong shape ("***" where a number belongs, an
// empty-string date), does not refuse a repeated member, and reads a
// timestamp offset without a colon as an error. Use DecodePayment for
// stored bodies.
func DecodePayment(body []byte) (*Payment, error) {
	var p Payment
	if err := transport.Decode(body, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// SettleDrift is called by the decoder with the document a payment was read
// from. It takes out of Unparsed three shapes Mercado Pago really sends: a
// date sent as an empty string (zero time), a masked card field ("***" in
// card.expiration_month…, zero), and a timestamp whose offset has no colon
// ("2024-01-15T09:00:00.000-0300", read as that instant). Other paths stay.
func (p *Payment) SettleDrift(data []byte) {
	if len(p.Unparsed) > 0 {
		p.Unparsed = settleKnownDrift(data, reflect.ValueOf(p).Elem(), p.Unparsed)
	}
}

// SettleDrift settles each result's known drift (see Payment.SettleDrift).
func (pg *PaymentPage) SettleDrift(data []byte) {
	for i := range pg.Results {
		r := &pg.Results[i]
		if len(r.Unparsed) == 0 {
			continue
		}
		if raw, ok := rawAt(data, "results["+strconv.Itoa(i)+"]"); ok {
			r.SettleDrift(raw)
		}
	}
}

// settleKnownDrift drops from unparsed the paths whose value is one of the
// known harmless shapes (see Payment.UnmarshalJSON), setting the time ones,
// and returns what is left (nil when nothing is).
func settleKnownDrift(doc []byte, v reflect.Value, unparsed []string) []string {
	var left []string
	for _, path := range unparsed {
		raw, ok := rawAt(doc, path)
		if !ok || !settle(raw, v, path) {
			left = append(left, path)
		}
	}
	return left
}

var timeType = reflect.TypeFor[time.Time]()

// settle reports whether the value raw at path is a known harmless shape,
// and sets the field when it carries a value.
func settle(raw []byte, v reflect.Value, path string) bool {
	if len(raw) == 0 || raw[0] != '"' {
		return false
	}
	s, err := transport.UnquoteJSON(raw)
	if err != nil {
		return false
	}
	switch {
	case strings.TrimSpace(s) == "":
		return true // a blank value is an absent one
	case strings.HasPrefix(path, "card.") && strings.Trim(s, "*") == "":
		return true // a masked card field
	}
	f, ok := fieldAt(v, path)
	if !ok || f.Type() != timeType {
		return false
	}
	for _, layout := range []string{"2006-01-02T15:04:05.999999999-0700", "2006-01-02T15:04:05-0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			f.Set(reflect.ValueOf(t))
			return true
		}
	}
	return false
}

// pathSegments splits "a.b[2].c" into "a", "b", "[2]", "c".
func pathSegments(path string) []string {
	var out []string
	for _, part := range strings.Split(path, ".") {
		for {
			i := strings.IndexByte(part, '[')
			if i < 0 {
				break
			}
			if i > 0 {
				out = append(out, part[:i])
			}
			j := strings.IndexByte(part[i:], ']')
			if j < 0 {
				return nil
			}
			out = append(out, part[i:i+j+1])
			part = part[i+j+1:]
		}
		if part != "" {
			out = append(out, part)
		}
	}
	return out
}

// rawAt returns the raw JSON value at path in doc.
func rawAt(doc []byte, path string) ([]byte, bool) {
	cur := bytes.TrimSpace(doc)
	for _, seg := range pathSegments(path) {
		if strings.HasPrefix(seg, "[") {
			n, err := strconv.Atoi(seg[1 : len(seg)-1])
			var items []json.RawMessage
			if err != nil || json.Unmarshal(cur, &items) != nil || n < 0 || n >= len(items) {
				return nil, false
			}
			cur = bytes.TrimSpace(items[n])
			continue
		}
		var obj map[string]json.RawMessage
		if json.Unmarshal(cur, &obj) != nil {
			return nil, false
		}
		next, ok := obj[seg]
		if !ok {
			return nil, false
		}
		cur = bytes.TrimSpace(next)
	}
	return cur, true
}

// fieldAt returns the settable field at path (JSON names) below v,
// allocating nil pointers on the way; false when the path leaves structs
// and slices.
func fieldAt(v reflect.Value, path string) (reflect.Value, bool) {
	for _, seg := range pathSegments(path) {
		for v.Kind() == reflect.Pointer {
			if v.IsNil() {
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		if strings.HasPrefix(seg, "[") {
			n, err := strconv.Atoi(seg[1 : len(seg)-1])
			if err != nil || v.Kind() != reflect.Slice || n < 0 || n >= v.Len() {
				return reflect.Value{}, false
			}
			v = v.Index(n)
			continue
		}
		if v.Kind() != reflect.Struct {
			return reflect.Value{}, false
		}
		found := false
		t := v.Type()
		for i := range t.NumField() {
			if name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); name == seg && t.Field(i).IsExported() {
				v, found = v.Field(i), true
				break
			}
		}
		if !found {
			return reflect.Value{}, false
		}
	}
	return v, v.CanSet()
}
