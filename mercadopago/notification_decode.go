package mercadopago

import (
	"strings"
	"time"
	"unicode/utf8"
)

// fastNotification decodes the usual shape of a notification body with a
// single allocation (one string of the body, which every text field slices),
// so Verify stays cheap on a busy webhook endpoint. It reports false for
// anything it does not handle plainly (escaped strings, fractional ids, keys
// in another letter case, odd dates, invalid JSON); the caller then decodes
// with encoding/json and the tolerant path. FuzzFastNotification checks that
// both agree whenever this one answers.
func fastNotification(body []byte, n *Notification) bool {
	p := jsonScan{s: string(body)}
	var out Notification
	if !p.object(func(key string) bool {
		switch key {
		case "id":
			v, ok := p.int()
			out.ID = v
			return ok
		case "user_id":
			v, ok := p.int()
			out.UserID = v
			return ok
		case "type":
			return p.text(&out.Type)
		case "action":
			return p.text(&out.Action)
		case "api_version":
			return p.text(&out.APIVersion)
		case "live_mode":
			return p.bool(&out.LiveMode)
		case "date_created":
			var d string
			if !p.text(&d) {
				return false
			}
			if d == "" {
				return p.null
			}
			t, err := time.Parse(time.RFC3339, d)
			out.DateCreated = t
			return err == nil
		case "data":
			if p.peekNull() {
				return true
			}
			return p.object(func(key string) bool {
				if key == "id" {
					if v, ok := p.number(); ok {
						out.Data.ID = v
						return true
					}
					return p.text(&out.Data.ID)
				}
				if strings.EqualFold(key, "id") {
					return false
				}
				return p.skip(0)
			})
		}
		for _, k := range [...]string{"id", "user_id", "type", "action", "api_version", "live_mode", "date_created", "data"} {
			if strings.EqualFold(key, k) {
				return false // encoding/json would match it case-insensitively
			}
		}
		return p.skip(0)
	}) {
		return false
	}
	p.ws()
	if p.i != len(p.s) {
		return false
	}
	*n = out
	return true
}

// jsonScan walks plain JSON in a string without allocating.
type jsonScan struct {
	s    string
	i    int
	null bool // the last text() read a null
}

func (p *jsonScan) ws() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jsonScan) eat(c byte) bool {
	p.ws()
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *jsonScan) peekNull() bool {
	p.ws()
	if strings.HasPrefix(p.s[p.i:], "null") {
		p.i += 4
		return true
	}
	return false
}

// object reads {"key": value, …}, calling field for each key with the
// position at the value; field must consume the value.
func (p *jsonScan) object(field func(key string) bool) bool {
	if !p.eat('{') {
		return false
	}
	if p.eat('}') {
		return true
	}
	for {
		p.ws()
		key, ok := p.str()
		if !ok || !p.eat(':') {
			return false
		}
		p.ws()
		if !field(key) {
			return false
		}
		if p.eat(',') {
			continue
		}
		return p.eat('}')
	}
}

// str reads a string with no escapes and valid UTF-8.
func (p *jsonScan) str() (string, bool) {
	if p.i >= len(p.s) || p.s[p.i] != '"' {
		return "", false
	}
	start := p.i + 1
	ascii := true
	for j := start; j < len(p.s); j++ {
		c := p.s[j]
		switch {
		case c == '"':
			v := p.s[start:j]
			if !ascii && !utf8.ValidString(v) {
				return "", false
			}
			p.i = j + 1
			return v, true
		case c == '\\' || c < 0x20:
			return "", false
		case c >= 0x80:
			ascii = false
		}
	}
	return "", false
}

// text reads a string or null into dst.
func (p *jsonScan) text(dst *string) bool {
	p.null = false
	if p.peekNull() {
		p.null = true
		*dst = ""
		return true
	}
	v, ok := p.str()
	*dst = v
	return ok
}

func (p *jsonScan) bool(dst *bool) bool {
	switch {
	case strings.HasPrefix(p.s[p.i:], "true"):
		*dst, p.i = true, p.i+4
	case strings.HasPrefix(p.s[p.i:], "false"):
		*dst, p.i = false, p.i+5
	case strings.HasPrefix(p.s[p.i:], "null"):
		p.i += 4
	default:
		return false
	}
	return p.delimited()
}

// delimited reports whether a literal ended where a value may end.
func (p *jsonScan) delimited() bool {
	if p.i == len(p.s) {
		return true
	}
	switch p.s[p.i] {
	case ',', '}', ']', ' ', '\t', '\n', '\r':
		return true
	}
	return false
}

// number reads an integer literal (optional minus, no leading zeros, at
// most 18 digits) and returns its text.
func (p *jsonScan) number() (string, bool) {
	start, j := p.i, p.i
	if j < len(p.s) && p.s[j] == '-' {
		j++
	}
	d := j
	for j < len(p.s) && p.s[j] >= '0' && p.s[j] <= '9' {
		j++
	}
	if j == d || j-d > 18 || (p.s[d] == '0' && j-d > 1) {
		return "", false
	}
	p.i = j
	if !p.delimited() {
		p.i = start
		return "", false
	}
	return p.s[start:j], true
}

// int reads an integer given as a number, a numeric string, or null.
func (p *jsonScan) int() (int64, bool) {
	if p.peekNull() {
		return 0, true
	}
	var txt string
	if p.i < len(p.s) && p.s[p.i] == '"' {
		v, ok := p.str()
		if !ok {
			return 0, false
		}
		txt = v
		sub := jsonScan{s: v}
		if _, ok := sub.number(); !ok || sub.i != len(v) {
			return 0, false
		}
	} else {
		v, ok := p.number()
		if !ok {
			return 0, false
		}
		txt = v
	}
	neg := txt[0] == '-'
	if neg {
		txt = txt[1:]
	}
	var n int64
	for i := 0; i < len(txt); i++ {
		n = n*10 + int64(txt[i]-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// maxDepth bounds the nesting the scanner follows on hostile input.
const maxDepth = 32

// skip consumes one value of any kind; escapes inside strings are skipped
// over, not decoded.
func (p *jsonScan) skip(depth int) bool {
	if depth > maxDepth {
		return false
	}
	p.ws()
	if p.i >= len(p.s) {
		return false
	}
	switch c := p.s[p.i]; {
	case c == '{':
		return p.object(func(string) bool { return p.skip(depth + 1) })
	case c == '[':
		p.i++
		if p.eat(']') {
			return true
		}
		for {
			if !p.skip(depth + 1) {
				return false
			}
			if p.eat(',') {
				continue
			}
			return p.eat(']')
		}
	case c == '"':
		for j := p.i + 1; j < len(p.s); j++ {
			switch b := p.s[j]; {
			case b == '\\':
				n := escapeLen(p.s[j+1:])
				if n == 0 {
					return false
				}
				j += n
			case b < 0x20:
				return false
			case b == '"':
				if !utf8.ValidString(p.s[p.i:j]) {
					return false
				}
				p.i = j + 1
				return true
			}
		}
		return false
	case c == 't' || c == 'f' || c == 'n':
		var b bool
		return p.bool(&b)
	default:
		if _, ok := p.number(); ok {
			return true
		}
		// Fractions and exponents: leave them to encoding/json.
		return false
	}
}

// escapeLen is the length of the valid JSON escape that s starts with, just
// after its backslash (1 for \n and the like, 5 for \uXXXX), or 0 if s
// starts with none.
func escapeLen(s string) int {
	if s == "" {
		return 0
	}
	switch s[0] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return 1
	case 'u':
		if len(s) < 5 {
			return 0
		}
		for _, c := range []byte(s[1:5]) {
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return 0
			}
		}
		return 5
	}
	return 0
}
