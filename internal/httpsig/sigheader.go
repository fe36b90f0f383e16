package httpsig

import (
	"errors"
	"fmt"
	"strings"
)

// MaxSignatureHeaderLen is the longest Signature header value
// ParseSignatureHeader accepts (8 KiB).
const MaxSignatureHeaderLen = 8 << 10

// SignatureParams is a parsed Signature header. The well-known parameters
// are lifted into fields; Params holds every parameter, known or not, keyed
// by its lower-cased name, with its unquoted value.
type SignatureParams struct {
	KeyID     string            // keyId
	Algorithm string            // algorithm, e.g. "rsa-sha256"
	Headers   []string          // headers, split on spaces and lower-cased
	Signature string            // signature (base64; may be a ciphertext for some webhooks)
	Params    map[string]string // all parameters by lower-cased name
}

// ParseSignatureHeader parses a Signature header value such as
//
//	keyId="abc",algorithm="rsa-sha256",headers="date digest",signature="..."
//
// It tolerates spaces around commas and equals signs, quoted or unquoted
// values, and unknown parameters (kept in Params). Parameter names are
// matched case-insensitively. It rejects an empty value, a value over
// MaxSignatureHeaderLen, an unterminated quote, a parameter without '=',
// an empty or invalid parameter name, and a duplicate parameter. It does not
// require any particular parameter: callers check what they need.
func ParseSignatureHeader(v string) (*SignatureParams, error) {
	if len(v) > MaxSignatureHeaderLen {
		return nil, fmt.Errorf("httpsig: Signature header is %d bytes, over the %d byte limit", len(v), MaxSignatureHeaderLen)
	}
	if strings.TrimLeft(v, " \t") == "" {
		return nil, errors.New("httpsig: empty Signature header")
	}
	p := &SignatureParams{Params: make(map[string]string)}
	i := 0
	n := len(v)
	for {
		i = skipOWS(v, i)
		if i >= n {
			if len(p.Params) == 0 {
				return nil, errors.New("httpsig: empty Signature header")
			}
			// A trailing comma is tolerated.
			break
		}
		// Parameter name.
		start := i
		for i < n && isTokenChar(v[i]) {
			i++
		}
		name := v[start:i]
		if name == "" {
			return nil, fmt.Errorf("httpsig: Signature header: invalid character %q at offset %d, expected a parameter name", v[i], i)
		}
		i = skipOWS(v, i)
		if i >= n || v[i] != '=' {
			return nil, fmt.Errorf("httpsig: Signature header: parameter %s has no '='", clip(name))
		}
		i = skipOWS(v, i+1)
		// Value: quoted or bare.
		var value string
		if i < n && v[i] == '"' {
			end := strings.IndexByte(v[i+1:], '"')
			if end < 0 {
				return nil, fmt.Errorf("httpsig: Signature header: unterminated quote in parameter %s", clip(name))
			}
			value = v[i+1 : i+1+end]
			i = skipOWS(v, i+1+end+1)
			if i < n && v[i] != ',' {
				return nil, fmt.Errorf("httpsig: Signature header: unexpected %q after quoted value of %s", v[i], clip(name))
			}
		} else {
			end := strings.IndexByte(v[i:], ',')
			if end < 0 {
				end = n - i
			}
			value = strings.TrimRight(v[i:i+end], " \t")
			if strings.ContainsRune(value, '"') {
				return nil, fmt.Errorf("httpsig: Signature header: stray quote in value of %s", clip(name))
			}
			i += end
		}
		key := strings.ToLower(name)
		if _, dup := p.Params[key]; dup {
			return nil, fmt.Errorf("httpsig: Signature header: duplicate parameter %s", clip(name))
		}
		p.Params[key] = value
		if i >= n {
			break
		}
		i++ // the comma
	}
	p.KeyID = p.Params["keyid"]
	p.Algorithm = p.Params["algorithm"]
	p.Signature = p.Params["signature"]
	if h, ok := p.Params["headers"]; ok {
		p.Headers = strings.Fields(strings.ToLower(h))
	}
	return p, nil
}

func skipOWS(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}

// isTokenChar reports whether c may appear in an HTTP token (RFC 9110).
func isTokenChar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// clip quotes a parameter name for an error message, bounded in length.
func clip(s string) string {
	if len(s) > 32 {
		return fmt.Sprintf("%q...", s[:32])
	}
	return fmt.Sprintf("%q", s)
}
