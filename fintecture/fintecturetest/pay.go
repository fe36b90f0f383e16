package fintecturetest

import (
	"bytes"
	"context"
	"crypto/rsa"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/paykit-go/paykit/fintecture"
	"github.com/paykit-go/paykit/internal/httpsig"
)

// Delivery records one webhook the simulator sent.
type Delivery struct {
	// Fields is the form body that was sent.
	Fields url.Values
	// StatusCode is the merchant's answer (0 when none came).
	StatusCode int
	// Err is the transport error, if the request failed.
	Err error
}

// Deliveries returns the webhooks sent so far, oldest first.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Delivery(nil), s.deliveries...)
}

// transferStateFor is the transfer state a session shows once it reaches
// status.
func transferStateFor(status fintecture.PaymentStatus) fintecture.TransferState {
	switch status {
	case fintecture.StatusCreated:
		return fintecture.TransferCompleted
	case fintecture.StatusPending, fintecture.StatusWaiting:
		return fintecture.TransferPending
	case fintecture.StatusUnsuccessful, fintecture.StatusError:
		return fintecture.TransferRejected
	case fintecture.StatusCancelled, fintecture.StatusExpired:
		return fintecture.TransferCancelled
	}
	return ""
}

// Pay plays the payer: they pick a bank on the Connect page and the session
// reaches status (StatusCreated for a paid transfer, StatusUnsuccessful for
// a refusal...). Pay returns the URL the payer's browser lands on
// (redirect_uri?session_id&status&provider&customer_id&state) and, when a
// webhook URL is configured, first delivers a signed webhook there (see
// Deliveries for the outcome).
func (s *Server) Pay(sessionID string, status fintecture.PaymentStatus) (string, error) {
	if status == "" {
		return "", fmt.Errorf("fintecturetest: Pay: empty status")
	}
	ss, ok := s.sessions.Get(sessionID)
	if !ok {
		return "", fmt.Errorf("fintecturetest: Pay: no session %q", sessionID)
	}
	s.mu.Lock()
	if ss.status.Final() {
		s.mu.Unlock()
		return "", fmt.Errorf("fintecturetest: Pay: session %s is already %s", sessionID, ss.status)
	}
	if ss.kind == "Refund" {
		s.mu.Unlock()
		return "", fmt.Errorf("fintecturetest: Pay: session %s is a refund; use CompleteRefund", sessionID)
	}
	ss.status, ss.transferState = status, transferStateFor(status)
	if ss.provider == "" { // no bank chosen by x-provider: the payer picks one
		ss.provider = "cmcifr2a"
	}
	ss.customerID = "c" + sessionID[:min(len(sessionID), 31)]
	ss.executionDate = s.clock().UTC().Format(time.DateOnly)
	fields := url.Values{
		"session_id":     {ss.id},
		"status":         {string(ss.status)},
		"customer_id":    {ss.customerID},
		"provider":       {ss.provider},
		"state":          {ss.state},
		"type":           {ss.kind},
		"transfer_state": {string(ss.transferState)},
		"amount":         {ss.amount.String()},
		"currency":       {ss.currency},
	}
	redirect, err := url.Parse(ss.redirectURI)
	s.mu.Unlock()
	if err != nil {
		return "", fmt.Errorf("fintecturetest: Pay: redirect URI: %w", err)
	}
	q := redirect.Query()
	for _, k := range []string{"session_id", "status", "provider", "customer_id", "state"} {
		q.Set(k, fields.Get(k))
	}
	redirect.RawQuery = q.Encode()

	if s.webhookURL != "" {
		s.deliver(fields)
	}
	return redirect.String(), nil
}

// deliver sends one signed webhook and records the outcome.
func (s *Server) deliver(fields url.Values) {
	d := Delivery{Fields: fields}
	req, err := NewWebhookRequest(s.webhookURL, s.appID, s.pub, fields, s.clock())
	if err == nil {
		var resp *http.Response
		resp, err = s.webhookClient.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
			_ = resp.Body.Close()
			d.StatusCode = resp.StatusCode
		}
	}
	d.Err = err
	s.mu.Lock()
	s.deliveries = append(s.deliveries, d)
	s.mu.Unlock()
}

// NewWebhookRequest builds a webhook exactly as Fintecture sends one, for
// testing your own handler: a form-encoded POST to target with Date, Digest
// (SHA-256 of the body), X-Request-ID, and a Signature whose signature value
// is the "date/digest/x-request-id" signing string encrypted with RSA-OAEP
// (SHA-1) under pub, the application's public key.
func NewWebhookRequest(target, appID string, pub *rsa.PublicKey, fields url.Values, date time.Time) (*http.Request, error) {
	body := []byte(fields.Encode())
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("fintecturetest: webhook request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Date", date.UTC().Format(http.TimeFormat))
	req.Header.Set("Digest", httpsig.Digest(body))
	req.Header.Set("X-Request-ID", newUUID())
	names := []string{"date", "digest", "x-request-id"}
	plain, err := httpsig.SigningString(names, "", "", req.Header)
	if err != nil {
		return nil, fmt.Errorf("fintecturetest: webhook signing string: %w", err)
	}
	ct, err := httpsig.EncryptOAEP(pub, []byte(plain))
	if err != nil {
		return nil, fmt.Errorf("fintecturetest: webhook encryption: %w", err)
	}
	req.Header.Set("Signature", httpsig.SignatureHeader(appID, names, ct))
	return req, nil
}

// NewWebhookRequest is the package function with this server's app id, key
// and clock.
func (s *Server) NewWebhookRequest(target string, fields url.Values) (*http.Request, error) {
	return NewWebhookRequest(target, s.appID, s.pub, fields, s.clock())
}
