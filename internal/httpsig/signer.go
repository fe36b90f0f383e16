package httpsig

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Signer signs outgoing requests with one key: it sets Date, X-Request-ID,
// Digest (for requests with a body) and Signature. The key is parsed once by
// the caller and reused. A Signer is safe for concurrent use once configured;
// call SetClock and SetRequestID before sharing it.
type Signer struct {
	keyID string
	key   *rsa.PrivateKey
	clock func() time.Time
	newID func() string
}

// NewSigner returns a Signer that writes keyID into the Signature header and
// signs with key.
func NewSigner(keyID string, key *rsa.PrivateKey) *Signer {
	return &Signer{keyID: keyID, key: key}
}

// SetClock replaces the clock used for the Date header (tests); nil restores
// time.Now. It returns s for chaining.
func (s *Signer) SetClock(now func() time.Time) *Signer {
	s.clock = now
	return s
}

// SetRequestID replaces the X-Request-ID generator (tests); nil restores
// random UUID v4s. It returns s for chaining.
func (s *Signer) SetRequestID(newID func() string) *Signer {
	s.newID = newID
	return s
}

// hasBody reports whether requests with this method carry a Digest.
func hasBody(method string) bool {
	switch strings.ToUpper(method) {
	case http.MethodPost, http.MethodPut, http.MethodPatch:
		return true
	}
	return false
}

// SignRequest signs req in place. It sets Date (IMF-fixdate, UTC, read from
// the clock on every call), X-Request-ID (a new UUID v4 on every call),
// Digest over body when the method is POST, PUT or PATCH (body must be the
// exact bytes req will send, possibly empty; for other methods any Digest
// header is removed), and finally Signature over
// "(request-target) date digest x-request-id" (digest only when set). The
// request target is req.URL.RequestURI(): the escaped path and raw query
// exactly as they go on the wire. SignRequest must be called again on every
// attempt of a retried request.
func (s *Signer) SignRequest(req *http.Request, body []byte) error {
	if s == nil || s.key == nil {
		return errors.New("httpsig: signer has no private key")
	}
	if s.keyID == "" || strings.ContainsAny(s.keyID, "\"\r\n") {
		return errors.New("httpsig: signer key id is empty or contains a quote or line break")
	}
	if req == nil || req.URL == nil {
		return errors.New("httpsig: request or request URL is nil")
	}
	if req.Header == nil {
		req.Header = make(http.Header)
	}

	now := time.Now
	if s.clock != nil {
		now = s.clock
	}
	id := ""
	if s.newID != nil {
		id = s.newID()
	} else {
		u, err := uuid.NewRandom()
		if err != nil {
			return fmt.Errorf("httpsig: generating request id: %w", err)
		}
		id = u.String()
	}

	req.Header.Set("Date", now().UTC().Format(http.TimeFormat))
	req.Header.Set("X-Request-ID", id)
	names := []string{RequestTarget, "date"}
	if hasBody(req.Method) {
		req.Header.Set("Digest", Digest(body))
		names = append(names, "digest")
	} else {
		req.Header.Del("Digest")
	}
	names = append(names, "x-request-id")

	ss, err := SigningString(names, req.Method, req.URL.RequestURI(), req.Header)
	if err != nil {
		return err
	}
	sig, err := Sign(s.key, ss)
	if err != nil {
		return err
	}
	req.Header.Set("Signature", SignatureHeader(s.keyID, names, sig))
	return nil
}
