package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// Run with: go test -run '^$' -bench . -benchmem ./internal/transport
//
// BenchmarkJSONPost/transport and BenchmarkJSONPost/raw do the same work: POST
// a small JSON body to a loopback server with a bearer token and decode the
// JSON answer. The difference is what the transport costs.

type benchPayment struct {
	TransactionAmount json.Number `json:"transaction_amount"`
	Description       string      `json:"description"`
	PaymentMethodID   string      `json:"payment_method_id"`
	Payer             struct {
		Email string `json:"email"`
	} `json:"payer"`
}

type benchResult struct {
	ID     int64  `json:"id"`
	Status string `json:"status"`
}

func benchServer(b *testing.B) *httptest.Server {
	answer := []byte(`{"id":1234567890,"status":"approved","status_detail":"accredited"}`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "bench")
		_, _ = w.Write(answer)
	}))
	b.Cleanup(srv.Close)
	return srv
}

func BenchmarkJSONPost(b *testing.B) {
	srv := benchServer(b)
	in := benchPayment{TransactionAmount: "5000", Description: "Product title", PaymentMethodID: "fintoc"}
	in.Payer.Email = "test_user_123@testuser.com"
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}

	b.Run("raw", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			body, err := json.Marshal(in)
			if err != nil {
				b.Fatal(err)
			}
			req, err := http.NewRequestWithContext(context.Background(), "POST", srv.URL+"/v1/payments", bytes.NewReader(body))
			if err != nil {
				b.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer token")
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Idempotency-Key", "fixed")
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			data, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != 200 {
				b.Fatal(err, resp.StatusCode)
			}
			var out benchResult
			if err := json.Unmarshal(data, &out); err != nil {
				b.Fatal(err)
			}
		}
	})

	b.Run("transport", func(b *testing.B) {
		c, err := New(Config{Provider: "bench", BaseURL: srv.URL, HTTPClient: hc, MaxRetries: 2,
			Auth: Bearer("token"), IdempotencyHeader: "X-Idempotency-Key"})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			var out benchResult
			if _, err := c.Do(context.Background(), &Request{Method: "POST", Path: "/v1/payments", JSON: in}, &out); err != nil {
				b.Fatal(err)
			}
		}
	})
}
