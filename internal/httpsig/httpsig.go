// Package httpsig implements the request-signing pieces shared by providers
// that use HTTP message signatures in the draft-cavage style (as used by
// several open-banking APIs): the Digest header, the signing string,
// RSASSA-PKCS1-v1_5/SHA-256 signatures, the Signature header, and the
// RSA-OAEP (SHA-1) decryption used by webhooks whose "signature" parameter is
// an encrypted signing string rather than a signature.
//
// Nothing here knows a provider; provider packages choose the header list and
// wire it up.
package httpsig

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// AlgorithmRSASHA256 is the algorithm parameter written by SignatureHeader.
const AlgorithmRSASHA256 = "rsa-sha256"

// RequestTarget is the pseudo-header name that stands for the request's
// method and target in a signing string.
const RequestTarget = "(request-target)"

// Digest returns the value of a Digest header for body:
// "SHA-256=" followed by the standard base64 of SHA-256(body).
func Digest(body []byte) string {
	sum := sha256.Sum256(body)
	return "SHA-256=" + base64.StdEncoding.EncodeToString(sum[:])
}

// SigningString builds the string that is signed: one line "name: value" per
// entry of names, joined by "\n" with no trailing newline. Names are written
// in lower case. The pseudo-header "(request-target)" yields
// "(request-target): <lower-case method> <requestTarget>", with requestTarget
// (path and query) used exactly as given, never re-encoded. Other values are
// looked up in h (canonical lookup); several values of one header are joined
// by ", " and surrounding spaces are trimmed. A missing header is an error
// naming it.
func SigningString(names []string, method, requestTarget string, h http.Header) (string, error) {
	if len(names) == 0 {
		return "", errors.New("httpsig: signing string needs at least one header name")
	}
	var b strings.Builder
	for i, name := range names {
		lname := strings.ToLower(strings.TrimSpace(name))
		if lname == "" || strings.ContainsAny(lname, ":\r\n") {
			return "", fmt.Errorf("httpsig: invalid header name %q in signing list", name)
		}
		var value string
		switch {
		case lname == RequestTarget:
			if method == "" {
				method = http.MethodGet
			}
			if requestTarget == "" {
				return "", errors.New("httpsig: empty request target for (request-target)")
			}
			value = strings.ToLower(method) + " " + requestTarget
		case strings.HasPrefix(lname, "("):
			return "", fmt.Errorf("httpsig: unsupported pseudo-header %q", lname)
		default:
			vals := h.Values(lname)
			if len(vals) == 0 {
				return "", fmt.Errorf("httpsig: header %q listed for signing is missing", lname)
			}
			for j, v := range vals {
				vals[j] = strings.TrimSpace(v)
			}
			value = strings.Join(vals, ", ")
		}
		if strings.ContainsAny(value, "\r\n") {
			return "", fmt.Errorf("httpsig: value of %q contains a line break", lname)
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(lname)
		b.WriteString(": ")
		b.WriteString(value)
	}
	return b.String(), nil
}

// Sign signs s with RSASSA-PKCS1-v1_5 over SHA-256 and returns the signature
// in standard base64. PKCS#1 v1.5 is deterministic: the same key and string
// always give the same signature.
func Sign(key *rsa.PrivateKey, s string) (string, error) {
	if key == nil {
		return "", errors.New("httpsig: nil private key")
	}
	sum := sha256.Sum256([]byte(s))
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", fmt.Errorf("httpsig: signing failed: %w", err)
	}
	return base64.StdEncoding.EncodeToString(sig), nil
}

// ErrVerification is returned (wrapped) by Verify when a well-formed
// signature does not match the string and key.
var ErrVerification = errors.New("httpsig: signature does not match")

// Verify checks that signatureB64 (standard base64) is a valid
// RSASSA-PKCS1-v1_5/SHA-256 signature of s under pub. It returns nil on
// success and an error wrapping ErrVerification on a mismatch.
func Verify(pub *rsa.PublicKey, s, signatureB64 string) error {
	if pub == nil {
		return errors.New("httpsig: nil public key")
	}
	sig, err := base64.StdEncoding.DecodeString(strings.TrimSpace(signatureB64))
	if err != nil {
		return errors.New("httpsig: signature is not valid base64")
	}
	sum := sha256.Sum256([]byte(s))
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig); err != nil {
		return ErrVerification
	}
	return nil
}

// SignatureHeader formats a Signature header value:
//
//	keyId="<keyID>",algorithm="rsa-sha256",headers="<names joined by space>",signature="<sig>"
//
// Values are written as given; callers must not pass values containing a
// double quote.
func SignatureHeader(keyID string, names []string, signatureB64 string) string {
	var b strings.Builder
	b.Grow(len(keyID) + len(signatureB64) + 64)
	b.WriteString(`keyId="`)
	b.WriteString(keyID)
	b.WriteString(`",algorithm="`)
	b.WriteString(AlgorithmRSASHA256)
	b.WriteString(`",headers="`)
	b.WriteString(strings.Join(names, " "))
	b.WriteString(`",signature="`)
	b.WriteString(signatureB64)
	b.WriteString(`"`)
	return b.String()
}

// DecryptOAEP decodes the standard-base64 ciphertextB64 and decrypts it with
// RSA-OAEP using SHA-1 as both the hash and the MGF1 hash and an empty label.
// Webhooks signed this way carry their signing string encrypted under the
// receiver's public key.
func DecryptOAEP(key *rsa.PrivateKey, ciphertextB64 string) ([]byte, error) {
	if key == nil {
		return nil, errors.New("httpsig: nil private key")
	}
	ct, err := base64.StdEncoding.DecodeString(strings.TrimSpace(ciphertextB64))
	if err != nil {
		return nil, errors.New("httpsig: ciphertext is not valid base64")
	}
	if len(ct) != key.Size() {
		return nil, fmt.Errorf("httpsig: ciphertext is %d bytes, the key needs %d", len(ct), key.Size())
	}
	pt, err := rsa.DecryptOAEP(sha1.New(), nil, key, ct, nil)
	if err != nil {
		// rsa deliberately says nothing more; neither do we.
		return nil, errors.New("httpsig: OAEP decryption failed (wrong key or corrupted ciphertext)")
	}
	return pt, nil
}

// EncryptOAEP is the mirror of DecryptOAEP, for simulators and tests that
// build signed webhooks: it encrypts plaintext under pub with RSA-OAEP
// (SHA-1, MGF1-SHA-1, empty label) and returns standard base64.
func EncryptOAEP(pub *rsa.PublicKey, plaintext []byte) (string, error) {
	if pub == nil {
		return "", errors.New("httpsig: nil public key")
	}
	ct, err := rsa.EncryptOAEP(sha1.New(), rand.Reader, pub, plaintext, nil)
	if err != nil {
		return "", fmt.Errorf("httpsig: OAEP encryption failed: %w", err)
	}
	return base64.StdEncoding.EncodeToString(ct), nil
}
