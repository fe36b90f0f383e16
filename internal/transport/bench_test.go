package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
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

func benchServer(tb testing.TB) *httptest.Server {
	answer := []byte(`{"id":1234567890,"status":"approved","status_detail":"accredited"}`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "bench")
		_, _ = w.Write(answer)
	}))
	tb.Cleanup(srv.Close)
	return srv
}

func benchInput() benchPayment {
	in := benchPayment{TransactionAmount: "5000", Description: "Product title", PaymentMethodID: "fintoc"}
	in.Payer.Email = "test_user_123@testuser.com"
	return in
}

// rawPost is the hand-written net/http request the transport is measured
// against.
func rawPost(tb testing.TB, hc *http.Client, url string, in benchPayment) {
	body, err := json.Marshal(in)
	if err != nil {
		tb.Fatal(err)
	}
	req, err := http.NewRequestWithContext(context.Background(), "POST", url+"/v1/payments", bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer token")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Idempotency-Key", "fixed")
	resp, err := hc.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 {
		tb.Fatal(err, resp.StatusCode)
	}
	var out benchResult
	if err := json.Unmarshal(data, &out); err != nil {
		tb.Fatal(err)
	}
}

func benchClient(tb testing.TB, hc *http.Client, url string) *Client {
	c, err := New(Config{Provider: "bench", BaseURL: url, HTTPClient: hc, MaxRetries: 2,
		Auth: Bearer("token"), IdempotencyHeader: "X-Idempotency-Key"})
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func transportPost(tb testing.TB, c *Client, in benchPayment) {
	var out benchResult
	if _, err := c.Do(context.Background(), &Request{Method: "POST", Path: "/v1/payments", JSON: in}, &out); err != nil {
		tb.Fatal(err)
	}
}

func BenchmarkJSONPost(b *testing.B) {
	srv := benchServer(b)
	in := benchInput()
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}

	b.Run("raw", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			rawPost(b, hc, srv.URL, in)
		}
	})
	b.Run("transport", func(b *testing.B) {
		c := benchClient(b, hc, srv.URL)
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			transportPost(b, c, in)
		}
	})
}

// TestAllocationBudget holds the transport to its budget: at most 25
// allocations per call more than the hand-written request (both counts
// include the loopback server's own, which are the same for both).
func TestAllocationBudget(t *testing.T) {
	srv := benchServer(t)
	in := benchInput()
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	c := benchClient(t, hc, srv.URL)
	rawPost(t, hc, srv.URL, in) // warm the connection
	raw := testing.AllocsPerRun(300, func() { rawPost(t, hc, srv.URL, in) })
	viaTransport := testing.AllocsPerRun(300, func() { transportPost(t, c, in) })
	t.Logf("allocations per call: raw %.1f, transport %.1f", raw, viaTransport)
	if viaTransport-raw > 25 {
		t.Errorf("transport adds %.1f allocations per call, budget 25", viaTransport-raw)
	}
	if viaTransport <= raw {
		t.Errorf("transport measured at %.1f allocations, raw at %.1f: the measurement is not seeing the transport", viaTransport, raw)
	}
}

// BenchmarkOversizedAnswers has 100 callers at once each get an answer of
// unknown length just past the 10 MiB cap (a broken or hostile server).
// "transport" is Do refusing them; "readall" is the careful hand-written
// capped read, io.ReadAll over an io.LimitReader (the transport grew one
// slice the same way before). Compare B/op: what it costs the process to refuse
// them (go test -run '^$' -bench OversizedAnswers -benchmem -count 5
// ./internal/transport).
func BenchmarkOversizedAnswers(b *testing.B) {
	const callers = 100
	srv := endlessServer(b, DefaultMaxBody+64<<10)
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: callers}}
	all := func(b *testing.B, one func() error) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			var wg sync.WaitGroup
			errs := make(chan error, callers)
			for range callers {
				wg.Add(1)
				go func() { defer wg.Done(); errs <- one() }()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if !errors.Is(err, ErrResponseTooLarge) {
					b.Fatal(err)
				}
			}
		}
	}
	b.Run("readall", func(b *testing.B) {
		all(b, func() error {
			resp, err := hc.Get(srv.URL + "/big")
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(io.LimitReader(resp.Body, DefaultMaxBody+1))
			if err != nil {
				return err
			}
			if len(body) > DefaultMaxBody {
				return ErrResponseTooLarge
			}
			return nil
		})
	})
	b.Run("transport", func(b *testing.B) {
		c := benchClient(b, hc, srv.URL)
		all(b, func() error {
			_, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/big"}, &struct{}{})
			return err
		})
	})
}
