package httpsig

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// seedWebhookSignature is the Signature header of the sample webhook delivery
// in the provider's documentation (shared/seeds/002).
const seedWebhookSignature = `keyId="2dfdcf57-5b2f-4309-846f-913d0b2802cf",algorithm="rsa-sha256",headers="date digest x-request-id",signature="h0V0SUbjRhLEP/MiYo0Mgs1N17EuCEmKyQrDjxysc7iSiFXTjvY6qVEoaiRkzB8ZI0J39gGwOtTXN9CJPVRbhEHhi9Z9rQvM33FkygXvvx8BwM76fSTQ2/BSZWx04CjbPv/XUVusnkKVr3W6p+Vn073hAuJn1nKCvDOyl+QnDtstkzT+UacVzDA9L9nyPbbaPQHJobaZuG8TjhnI+Y0PZxneke6OU6fcdPT0uwkEamDOOExcMryHIX1iH5iiPMvLoVA8acqvvMSDYar0rlEQ2J1M4dcowWT8FxLo6C8uqvJIaBYm7Ze0RNJOwY0UBImCVDIuQLJuBjPwjQT5GjTQlg=="`

func TestParseSignatureHeader(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		keyID     string
		algorithm string
		headers   []string
		signature string
		params    map[string]string
	}{
		{
			name:      "seed webhook",
			in:        seedWebhookSignature,
			keyID:     "2dfdcf57-5b2f-4309-846f-913d0b2802cf",
			algorithm: "rsa-sha256",
			headers:   []string{"date", "digest", "x-request-id"},
			signature: "h0V0SUbjRhLEP/MiYo0Mgs1N17EuCEmKyQrDjxysc7iSiFXTjvY6qVEoaiRkzB8ZI0J39gGwOtTXN9CJPVRbhEHhi9Z9rQvM33FkygXvvx8BwM76fSTQ2/BSZWx04CjbPv/XUVusnkKVr3W6p+Vn073hAuJn1nKCvDOyl+QnDtstkzT+UacVzDA9L9nyPbbaPQHJobaZuG8TjhnI+Y0PZxneke6OU6fcdPT0uwkEamDOOExcMryHIX1iH5iiPMvLoVA8acqvvMSDYar0rlEQ2J1M4dcowWT8FxLo6C8uqvJIaBYm7Ze0RNJOwY0UBImCVDIuQLJuBjPwjQT5GjTQlg==",
		},
		{
			name:      "spaces around separators",
			in:        ` keyId = "k1" ,  algorithm= "rsa-sha256",headers ="(request-target) date" , signature = "c2ln==" `,
			keyID:     "k1",
			algorithm: "rsa-sha256",
			headers:   []string{"(request-target)", "date"},
			signature: "c2ln==",
		},
		{
			name:      "unquoted values with padding",
			in:        `keyId=k2,algorithm=rsa-sha256,signature=YWJj+/==`,
			keyID:     "k2",
			algorithm: "rsa-sha256",
			signature: "YWJj+/==",
		},
		{
			name:      "unknown params kept, names case-insensitive",
			in:        `KEYID="k3",created=1591657883,expires="1591657983",Signature="eA=="`,
			keyID:     "k3",
			signature: "eA==",
			params:    map[string]string{"keyid": "k3", "created": "1591657883", "expires": "1591657983", "signature": "eA=="},
		},
		{
			name:      "headers lower-cased and multiple spaces",
			in:        `headers="Date  Digest",keyId=""`,
			keyID:     "",
			headers:   []string{"date", "digest"},
			params:    map[string]string{"headers": "Date  Digest", "keyid": ""},
			signature: "",
		},
		{
			name:    "trailing comma",
			in:      `keyId="k",`,
			keyID:   "k",
			params:  map[string]string{"keyid": "k"},
			headers: nil,
		},
		{
			name:   "tabs and comma inside quotes",
			in:     "keyId=\t\"a,b\"\t,x=1",
			keyID:  "a,b",
			params: map[string]string{"keyid": "a,b", "x": "1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParseSignatureHeader(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.keyID, p.KeyID)
			assert.Equal(t, tt.algorithm, p.Algorithm)
			assert.Equal(t, tt.headers, p.Headers)
			assert.Equal(t, tt.signature, p.Signature)
			if tt.params != nil {
				assert.Equal(t, tt.params, p.Params)
			}
		})
	}
}

func TestParseSignatureHeaderErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "", "empty"},
		{"blank", "  \t ", "empty"},
		{"only comma", ",", "expected a parameter name"},
		{"unterminated quote", `keyId="abc,signature=x`, "unterminated quote"},
		{"missing equals", `keyId="a",signature`, "has no '='"},
		{"missing equals mid", `keyId "a"`, "has no '='"},
		{"duplicate", `keyId="a",keyId="b"`, "duplicate parameter"},
		{"duplicate case-insensitive", `keyId="a",KEYID="b"`, "duplicate parameter"},
		{"empty name", `="a"`, "expected a parameter name"},
		{"double comma", `a=1,,b=2`, "expected a parameter name"},
		{"junk after quote", `keyId="a"b,x=1`, "after quoted value"},
		{"stray quote in bare value", `keyId=a"b`, "stray quote"},
		{"too long", `signature="` + strings.Repeat("A", MaxSignatureHeaderLen) + `"`, "limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParseSignatureHeader(tt.in)
			require.Error(t, err)
			assert.Nil(t, p)
			assert.Contains(t, err.Error(), tt.want)
		})
	}

	// Exactly at the limit is accepted.
	pad := MaxSignatureHeaderLen - len(`signature=""`)
	p, err := ParseSignatureHeader(`signature="` + strings.Repeat("A", pad) + `"`)
	require.NoError(t, err)
	assert.Len(t, p.Signature, pad)
}

func TestSignatureHeaderRoundTrip(t *testing.T) {
	names := []string{"(request-target)", "date", "digest", "x-request-id"}
	v := SignatureHeader("app-1", names, "c2ln+/A=")
	p, err := ParseSignatureHeader(v)
	require.NoError(t, err)
	assert.Equal(t, "app-1", p.KeyID)
	assert.Equal(t, AlgorithmRSASHA256, p.Algorithm)
	assert.Equal(t, names, p.Headers)
	assert.Equal(t, "c2ln+/A=", p.Signature)
}

func FuzzParseSignatureHeader(f *testing.F) {
	f.Add(seedWebhookSignature)
	f.Add(`keyId="k",algorithm="rsa-sha256",headers="(request-target) date digest x-request-id",signature="c2ln"`)
	f.Add(`keyId=k, algorithm = rsa-sha256 ,headers="date",signature=abc==`)
	f.Add(`keyId="unterminated`)
	f.Add(`a=1,,b=2`)
	f.Add(`,`)
	f.Add(`x="",y=`)
	f.Fuzz(func(t *testing.T, in string) {
		p, err := ParseSignatureHeader(in)
		if err != nil {
			if p != nil {
				t.Fatalf("non-nil params with error %v", err)
			}
			return
		}
		if p == nil || p.Params == nil {
			t.Fatal("nil result without error")
		}
		if p.Algorithm != AlgorithmRSASHA256 {
			return
		}
		for _, s := range append([]string{p.KeyID, p.Signature}, p.Headers...) {
			if strings.ContainsAny(s, `",`) {
				return
			}
		}
		again, err := ParseSignatureHeader(SignatureHeader(p.KeyID, p.Headers, p.Signature))
		if err != nil {
			// Re-formatting can only exceed the size limit; anything else is a bug.
			if len(SignatureHeader(p.KeyID, p.Headers, p.Signature)) > MaxSignatureHeaderLen {
				return
			}
			t.Fatalf("re-parse of formatted header failed: %v", err)
		}
		if again.KeyID != p.KeyID || again.Signature != p.Signature || !slices.Equal(again.Headers, p.Headers) {
			t.Fatalf("round trip changed values: %+v -> %+v", p, again)
		}
	})
}
