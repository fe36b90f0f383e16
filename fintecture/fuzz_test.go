package fintecture

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/paykit-go/paykit/internal/httpsig"
	"github.com/paykit-go/paykit/internal/transport"
)

// FuzzWebhookVerify throws arbitrary Signature, Digest, Date and body values
// at the verifier: it must never panic, and must never accept a request
// whose Digest is not the body's.
func FuzzWebhookVerify(f *testing.F) {
	sig := `keyId="` + testAppID + `",algorithm="rsa-sha256",headers="date digest x-request-id",signature="` +
		strings.TrimSpace(string(readTestdata(f, "webhook_signature.b64"))) + `"`
	body := string(readTestdata(f, "webhook_body.txt"))
	digest := strings.TrimSpace(string(readTestdata(f, "webhook_digest.txt")))
	f.Add(sig, digest, "Mon, 08 Jun 2020 23:11:23 GMT", testReqID, body, "application/x-www-form-urlencoded")
	f.Add(`keyId=abc,signature=AAAA`, "SHA-256=", "", "x", "{}", "application/json")
	f.Add(`signature="`+strings.Repeat("A", 344)+`"`, `"SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="`, "x", "y", "", "")
	f.Add(`,,,=`, "sha-256=x", "", "", "a=%zz", "text/plain")
	v, err := NewWebhookVerifier(readTestdata(f, "key.pem"))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, sig, digest, date, reqID, body, ct string) {
		r := httptest.NewRequest(http.MethodPost, "/webhook", strings.NewReader(body))
		r.Header.Set("Signature", sig)
		r.Header.Set("Digest", digest)
		r.Header.Set("Date", date)
		r.Header.Set("X-Request-ID", reqID)
		r.Header.Set("Content-Type", ct)
		ev, err := v.Verify(r)
		if err == nil {
			if ev == nil {
				t.Fatal("nil event without error")
			}
			if !digestMatches(unquote(digest), []byte(body)) {
				t.Fatal("accepted a body that does not match its Digest")
			}
		}
	})
}

// FuzzSignatureHeader feeds the Signature-header parser and what the
// verifier does with its result.
func FuzzSignatureHeader(f *testing.F) {
	f.Add(`keyId="a",algorithm="rsa-sha256",headers="date digest x-request-id",signature="QUJD"`)
	f.Add(`keyId = a , signature = "x" ,`)
	f.Add(`keyId="unterminated`)
	f.Add(`a=b,a=c`)
	f.Fuzz(func(t *testing.T, h string) {
		p, err := httpsig.ParseSignatureHeader(h)
		if err != nil {
			return
		}
		if p.Params == nil {
			t.Fatal("nil params")
		}
		_, _ = parseSigningString([]byte(p.Signature))
	})
}

// FuzzSigningString parses arbitrary decrypted plaintext.
func FuzzSigningString(f *testing.F) {
	f.Add([]byte(readTestdata(f, "webhook_plain.txt")))
	f.Add([]byte("date: x\ndate: y"))
	f.Add([]byte(":\n\r\n:::"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := parseSigningString(b)
		if err == nil && len(m) > maxSignedLines {
			t.Fatalf("%d lines accepted", len(m))
		}
	})
}

// FuzzDecodeResponses decodes arbitrary bytes as each answer the client
// reads: payment, refund, connect, error, amount.
func FuzzDecodeResponses(f *testing.F) {
	for _, name := range []string{"payment.json", "payment_drifted.json", "connect_response.json", "error_401.json", "error_400_detail.json"} {
		f.Add(readTestdata(f, name))
	}
	f.Add([]byte(`"273.00"`))
	f.Add([]byte(`{"meta":{"code":1e400}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var p wirePayment
		if json.Unmarshal(b, &p) == nil {
			_ = p.payment(transport.Meta{})
		}
		var r wireRefundResponse
		_ = json.Unmarshal(b, &r)
		var a Amount
		_ = json.Unmarshal(b, &a)
		err := decodeError(&transport.Error{Method: "GET", Path: "/x", StatusCode: 400}, b, []string{testSecret})
		if strings.Contains(err.Error(), testSecret) {
			t.Fatal("secret in error")
		}
		_, _ = decodeEvent("application/json", b)
		_, _ = decodeEvent("", b)
	})
}

// FuzzParseCallback parses arbitrary redirect query strings.
func FuzzParseCallback(f *testing.F) {
	f.Add("session_id=44f0&status=payment_created&provider=cmcifr2a&customer_id=3621&state=order-1")
	f.Add("session_id=&state=")
	f.Add("%zz=1;state=2")
	f.Fuzz(func(t *testing.T, raw string) {
		q, _ := url.ParseQuery(raw)
		cb, err := ParseCallback(q)
		if err == nil && (cb.SessionID == "" || cb.State == "" || len(cb.State) > MaxStateLen) {
			t.Fatalf("accepted %+v", cb)
		}
	})
}
