package httpsig

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// Error messages in this file describe what kind of input was seen and never
// echo its bytes: a key handed to the wrong function must not end up in a log.

// ParsePrivateKey parses a PEM-encoded RSA private key, either PKCS#8
// ("BEGIN PRIVATE KEY") or PKCS#1 ("BEGIN RSA PRIVATE KEY"). Blocks of other
// types before the key (for example a certificate in the same file) are
// skipped. Encrypted keys are rejected: decrypt them first, e.g. with
// "openssl pkey -in encrypted.pem -out key.pem".
func ParsePrivateKey(pemBytes []byte) (*rsa.PrivateKey, error) {
	var seen []string
	rest := pemBytes
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		switch block.Type {
		case "PRIVATE KEY":
			return parsePKCS8Private(block.Bytes)
		case "RSA PRIVATE KEY":
			if isEncryptedBlock(block) {
				return nil, errEncryptedKey
			}
			key, err := x509.ParsePKCS1PrivateKey(block.Bytes)
			if err != nil {
				// Some tools label PKCS#8 bytes as "RSA PRIVATE KEY".
				if k, err2 := parsePKCS8Private(block.Bytes); err2 == nil {
					return k, nil
				}
				return nil, errors.New("httpsig: RSA PRIVATE KEY block is not valid PKCS#1 DER")
			}
			return key, nil
		case "ENCRYPTED PRIVATE KEY":
			return nil, errEncryptedKey
		case "EC PRIVATE KEY":
			return nil, errors.New("httpsig: private key is an EC key, an RSA key is required")
		case "OPENSSH PRIVATE KEY":
			return nil, errors.New("httpsig: OpenSSH private key format is not supported; convert it to PKCS#8 PEM (BEGIN PRIVATE KEY)")
		}
		seen = append(seen, block.Type)
	}
	if len(seen) == 0 {
		return nil, errors.New("httpsig: no PEM block found in private key input")
	}
	return nil, fmt.Errorf("httpsig: no private key PEM block found (saw %s); expected BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY", describeTypes(seen))
}

var errEncryptedKey = errors.New("httpsig: encrypted PEM private keys are not supported; decrypt it first (e.g. openssl pkey -in encrypted.pem -out key.pem)")

func parsePKCS8Private(der []byte) (*rsa.PrivateKey, error) {
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		// Mislabelled PKCS#1 bytes are accepted too.
		if rk, err2 := x509.ParsePKCS1PrivateKey(der); err2 == nil {
			return rk, nil
		}
		return nil, errors.New("httpsig: PRIVATE KEY block is not valid PKCS#8 DER")
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("httpsig: private key is %s, an RSA key is required", keyKind(k))
	}
	return rk, nil
}

// isEncryptedBlock reports whether a legacy PEM block carries OpenSSL
// encryption headers (Proc-Type: 4,ENCRYPTED).
func isEncryptedBlock(b *pem.Block) bool {
	if strings.Contains(b.Headers["Proc-Type"], "ENCRYPTED") {
		return true
	}
	_, ok := b.Headers["DEK-Info"]
	return ok
}

// ParsePublicKey parses a PEM-encoded RSA public key: PKIX ("BEGIN PUBLIC
// KEY"), PKCS#1 ("BEGIN RSA PUBLIC KEY"), or the key of an X.509 certificate
// ("BEGIN CERTIFICATE"). The certificate is not validated in any other way.
func ParsePublicKey(pemBytes []byte) (*rsa.PublicKey, error) {
	var seen []string
	rest := pemBytes
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		switch block.Type {
		case "PUBLIC KEY":
			k, err := x509.ParsePKIXPublicKey(block.Bytes)
			if err != nil {
				if rk, err2 := x509.ParsePKCS1PublicKey(block.Bytes); err2 == nil {
					return rk, nil
				}
				return nil, errors.New("httpsig: PUBLIC KEY block is not valid PKIX DER")
			}
			return asRSAPublic(k)
		case "RSA PUBLIC KEY":
			k, err := x509.ParsePKCS1PublicKey(block.Bytes)
			if err != nil {
				if pk, err2 := x509.ParsePKIXPublicKey(block.Bytes); err2 == nil {
					return asRSAPublic(pk)
				}
				return nil, errors.New("httpsig: RSA PUBLIC KEY block is not valid PKCS#1 DER")
			}
			return k, nil
		case "CERTIFICATE":
			c, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				return nil, errors.New("httpsig: CERTIFICATE block is not a valid X.509 certificate")
			}
			return asRSAPublic(c.PublicKey)
		case "PRIVATE KEY", "RSA PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "EC PRIVATE KEY":
			return nil, errors.New("httpsig: got a private key where a public key was expected")
		}
		seen = append(seen, block.Type)
	}
	if len(seen) == 0 {
		return nil, errors.New("httpsig: no PEM block found in public key input")
	}
	return nil, fmt.Errorf("httpsig: no public key PEM block found (saw %s); expected BEGIN PUBLIC KEY, BEGIN RSA PUBLIC KEY or BEGIN CERTIFICATE", describeTypes(seen))
}

func asRSAPublic(k any) (*rsa.PublicKey, error) {
	rk, ok := k.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("httpsig: public key is %s, an RSA key is required", keyKind(k))
	}
	return rk, nil
}

func keyKind(k any) string {
	switch k.(type) {
	case *ecdsa.PrivateKey, *ecdsa.PublicKey:
		return "an EC key"
	case ed25519.PrivateKey, ed25519.PublicKey:
		return "an Ed25519 key"
	default:
		return "a non-RSA key"
	}
}

// describeTypes lists PEM block types for an error message, bounded so that
// odd input cannot produce a huge message.
func describeTypes(types []string) string {
	const maxTypes = 4
	out := make([]string, 0, maxTypes)
	for i, t := range types {
		if i == maxTypes {
			out = append(out, "...")
			break
		}
		if len(t) > 40 {
			t = t[:40] + "..."
		}
		out = append(out, fmt.Sprintf("%q", t))
	}
	return strings.Join(out, ", ")
}
