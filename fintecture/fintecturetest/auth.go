package fintecturetest

import (
	"bytes"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/paykit-go/paykit/internal/httpsig"
	"github.com/paykit-go/paykit/internal/sim"
)

// authed wraps an API handler with what Fintecture checks first: a valid
// bearer token, then (always in production, when present in sandbox) the
// Digest and the request signature. The handler gets the raw body.
func (s *Server) authed(h func(w http.ResponseWriter, r *http.Request, body []byte)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, sim.MaxRequestBody+1))
		if err != nil || len(body) > sim.MaxRequestBody {
			s.writeError(w, http.StatusBadRequest, "invalid_request", "Invalid Request", "body unreadable or too large")
			return
		}
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		s.mu.Lock()
		exp, known := s.tokens[tok]
		s.mu.Unlock()
		if !ok || !known || !s.clock().Before(exp) {
			s.writeError(w, http.StatusUnauthorized, "unauthorized", "Unauthorized", "access token missing, unknown or expired")
			return
		}
		if code, msg := s.checkSignature(r, body); code != "" {
			s.writeError(w, http.StatusUnauthorized, code, "Invalid Signature", msg)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		h(w, r, body)
	}
}

// checkSignature returns an error code and message, or "" when the request
// is acceptable.
func (s *Server) checkSignature(r *http.Request, body []byte) (string, string) {
	if s.ignoreSignatures && !s.production {
		return "", ""
	}
	sig := r.Header.Get("Signature")
	hasBody := r.Method == http.MethodPost || r.Method == http.MethodPatch || r.Method == http.MethodPut
	if d := r.Header.Get("Digest"); d != "" && d != httpsig.Digest(body) {
		return "invalid_digest", "Digest is not the SHA-256 of the body"
	}
	if sig == "" {
		if s.production {
			return "signature_required", "requests must be signed in production"
		}
		return "", ""
	}
	p, err := httpsig.ParseSignatureHeader(sig)
	if err != nil {
		return "invalid_signature", "Signature header is malformed"
	}
	if p.KeyID != s.appID {
		return "invalid_signature", "keyId is not this application"
	}
	if p.Algorithm != httpsig.AlgorithmRSASHA256 {
		return "invalid_signature", "algorithm must be rsa-sha256"
	}
	need := []string{httpsig.RequestTarget, "date", "x-request-id"}
	if hasBody {
		need = append(need, "digest")
		if r.Header.Get("Digest") == "" {
			return "invalid_digest", "Digest header is required on requests with a body"
		}
	}
	for _, n := range need {
		if !slices.Contains(p.Headers, n) {
			return "invalid_signature", "signed headers must include " + n
		}
	}
	date, err := http.ParseTime(r.Header.Get("Date"))
	if err != nil {
		return "invalid_date", "Date header is missing or not an HTTP date"
	}
	if d := s.clock().Sub(date); d > MaxClockSkew || d < -MaxClockSkew {
		return "invalid_date", "Date header is too far from the server's time"
	}
	ss, err := httpsig.SigningString(p.Headers, r.Method, r.RequestURI, r.Header)
	if err != nil {
		return "invalid_signature", "a signed header is missing"
	}
	if err := httpsig.Verify(s.pub, ss, p.Signature); err != nil {
		return "invalid_signature", "signature does not verify with the application's public key"
	}
	rid := r.Header.Get("X-Request-Id")
	s.mu.Lock()
	seen := s.requestIDs[rid]
	s.requestIDs[rid] = true
	s.mu.Unlock()
	if seen {
		return "invalid_request_id", "X-Request-ID was already used"
	}
	return "", ""
}
