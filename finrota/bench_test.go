package finrota_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/paykit-go/paykit/finrota"
	"github.com/paykit-go/paykit/finrota/finrotatest"
	"github.com/paykit-go/paykit/money"
)

const concurrentCallers = 200

func benchHTTPClient() *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConns: 512, MaxIdleConnsPerHost: 512, MaxConnsPerHost: 0}}
}

// BenchmarkCreateTokenColdClient200: each op is a new (cold) client and 200
// concurrent Widget.CreateToken calls; the op fails unless exactly one
// access-token request was made.
func BenchmarkCreateTokenColdClient200(b *testing.B) {
	srv := finrotatest.NewServer()
	defer srv.Close()
	hc := benchHTTPClient()
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		before := srv.Handled(http.MethodPost, "/auth/api/token/connect")
		c, err := srv.Client(finrota.WithHTTPClient(hc))
		if err != nil {
			b.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, concurrentCallers)
		for range concurrentCallers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := c.Widget.CreateToken(ctx); err != nil {
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			b.Fatal(err)
		}
		if n := srv.Handled(http.MethodPost, "/auth/api/token/connect") - before; n != 1 {
			b.Fatalf("%d token requests for %d callers, want 1", n, concurrentCallers)
		}
	}
	b.ReportMetric(1, "token-requests/op")
}

// BenchmarkRawNetHTTP200 is the baseline: one hand-written token request,
// then 200 concurrent raw GETs of a widget token, with no caching, retry,
// error typing or validation.
func BenchmarkRawNetHTTP200(b *testing.B) {
	srv := finrotatest.NewServer()
	defer srv.Close()
	hc := benchHTTPClient()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		token, err := rawAccessToken(hc, srv)
		if err != nil {
			b.Fatal(err)
		}
		rawWidgetTokens(b, hc, srv, func() (string, error) { return token, nil })
	}
	b.ReportMetric(1, "token-requests/op")
}

// BenchmarkRawNetHTTP200Once is the like-for-like baseline for a cold
// client: the 200 raw callers start before any token exists and share one
// hand-written token fetch through a sync.Once, as the client's callers share
// its one refresh.
func BenchmarkRawNetHTTP200Once(b *testing.B) {
	srv := finrotatest.NewServer()
	defer srv.Close()
	hc := benchHTTPClient()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		token := sync.OnceValues(func() (string, error) { return rawAccessToken(hc, srv) })
		rawWidgetTokens(b, hc, srv, token)
	}
	b.ReportMetric(1, "token-requests/op")
}

// rawAccessToken is a hand-written token request.
func rawAccessToken(hc *http.Client, srv *finrotatest.Server) (string, error) {
	creds := srv.Credentials()
	body := `{"apiKey":"` + creds.APIKey + `","secretKey":"` + creds.SecretKey + `"}`
	resp, err := hc.Post(srv.URL+"/auth/api/token/connect", "application/json", strings.NewReader(body))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var tok struct{ Token string }
	err = json.NewDecoder(resp.Body).Decode(&tok)
	return tok.Token, err
}

// rawWidgetTokens runs 200 concurrent hand-written widget-token GETs, each
// taking its access token from token.
func rawWidgetTokens(b *testing.B, hc *http.Client, srv *finrotatest.Server, token func() (string, error)) {
	var wg sync.WaitGroup
	for range concurrentCallers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tok, err := token()
			if err != nil {
				b.Error(err)
				return
			}
			req, _ := http.NewRequest(http.MethodGet, srv.URL+"/b2c/widget/token", nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			resp, err := hc.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			var out struct{ Token string }
			_ = json.NewDecoder(resp.Body).Decode(&out)
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}()
	}
	wg.Wait()
}

// BenchmarkTransactionsGet compares Transactions.Get on a warm client with a
// hand-written GET carrying the same bearer token, against the simulator.
// The baseline decodes the fields it reads into its own small struct.
func BenchmarkTransactionsGet(b *testing.B) {
	srv := finrotatest.NewServer()
	defer srv.Close()
	hc := benchHTTPClient()
	ctx := context.Background()
	c, err := srv.Client(finrota.WithHTTPClient(hc))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := c.Transactions.Get(ctx, finrota.ByClientReference("none")); err == nil {
		b.Fatal("expected a not-found answer for an unknown reference")
	}
	// A paid order to look up.
	wt, err := c.Widget.CreateToken(ctx)
	if err != nil {
		b.Fatal(err)
	}
	pt, err := srv.PreparePayment(ctx, wt.Token, finrotatest.Prepare{Card: finrotatest.TestCard("4155650100416111"),
		Amount: money.MustParse("100"), Currency: "TRY"})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := c.Widget.Pay(ctx, &finrota.PaymentRequest{PrepareToken: pt, Amount: money.MustParse("100"),
		ReturnURL: "https://shop.example/r", ClientReferenceCode: "BENCH-1", CustomerIP: "203.0.113.1"}); err != nil {
		b.Fatal(err)
	}
	token, err := rawAccessToken(hc, srv)
	if err != nil {
		b.Fatal(err)
	}

	b.Run("raw", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/pws/payment/transaction?clientReferenceNumber=BENCH-1", nil)
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			// The fields a hand-written integration reads, in its own struct.
			var out struct {
				Data struct {
					TransactionID       string      `json:"transactionId"`
					Amount              json.Number `json:"amount"`
					TransactionStatusID int         `json:"transactionStatusId"`
					IsSuccess           bool        `json:"isSuccess"`
				} `json:"data"`
			}
			err = json.NewDecoder(resp.Body).Decode(&out)
			resp.Body.Close()
			if err != nil || resp.StatusCode != 200 || out.Data.TransactionID == "" || out.Data.Amount == "" {
				b.Fatal(err, resp.StatusCode)
			}
		}
	})
	b.Run("finrota", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			if _, err := c.Transactions.Get(ctx, finrota.ByClientReference("BENCH-1")); err != nil {
				b.Fatal(err)
			}
		}
	})
}
