package bench

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Body sizes of BenchmarkBodySize: GET /v1/payments/{1,2,3} answers with
// these many bytes (about; 0 is the plain 1.5 KB payment).
var bodySizes = []struct {
	name string
	size int
}{{"1.5KB", 0}, {"100KB", 100_000}, {"1MB", 1_000_000}}

// Caller counts of BenchmarkConcurrentGet.
var callerCounts = []int{1, 8, 64, 256}

func sizes() []int {
	out := make([]int, len(bodySizes))
	for i, s := range bodySizes {
		out[i] = s.size
	}
	return out
}

// TestSidesDoTheSameWork runs every call of every side once: each must get
// past the server's checks and read what the server sent.
func TestSidesDoTheSameWork(t *testing.T) {
	a := newAPI(t, sizes()...)
	ctx := context.Background()
	for _, s := range sides(a) {
		t.Run(s.name, func(t *testing.T) {
			if err := s.create(ctx); err != nil {
				t.Fatal("create:", err)
			}
			if err := s.get(ctx, paymentID); err != nil {
				t.Fatal("get:", err)
			}
			for i := range bodySizes {
				if err := s.get(ctx, int64(i+1)); err != nil {
					t.Fatal("get", bodySizes[i].name, err)
				}
			}
			n, err := s.search(ctx)
			if err != nil || n != searchTotal {
				t.Fatalf("search: %d results, %v", n, err)
			}
			if err := s.cards(ctx); err != nil {
				t.Fatal("cards:", err)
			}
			if err := s.refund(ctx); err != nil {
				t.Fatal("refund:", err)
			}
		})
	}
	a.check(t)
	for i, s := range bodySizes {
		if got := len(a.sized[i]); got < s.size || got > max(s.size+200, 1600) {
			t.Errorf("the %s body is %d bytes", s.name, got)
		}
	}
}

// TestServerRefusesWhatARealOneWould keeps the checks honest: a call
// without a token, without an idempotency key or with the wrong amount fails.
func TestServerRefusesWhatARealOneWould(t *testing.T) {
	a := newAPI(t)
	hc := rawClient()
	for _, tc := range []struct{ method, path, auth, key, body string }{
		{"GET", "/v1/payments/" + strconv.Itoa(paymentID), "", "", ""},
		{"POST", "/v1/payments/" + strconv.Itoa(paymentID) + "/refunds", "Bearer " + accessToken, "", ""},
		{"POST", "/v1/payments", "Bearer " + accessToken, "key-0123456789abcdef", `{"transaction_amount":15990.01,"token":"` + cardToken + `"}`},
		{"GET", "/v1/payments/search?limit=30&offset=0", "Bearer " + accessToken, "", ""},
	} {
		before := a.refused.Load()
		req, _ := http.NewRequest(tc.method, a.URL+tc.path, strings.NewReader(tc.body))
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		if tc.key != "" {
			req.Header.Set("X-Idempotency-Key", tc.key)
		}
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 400 || a.refused.Load() != before+1 {
			t.Errorf("%s %s: status %d, want 400 and one refusal", tc.method, tc.path, resp.StatusCode)
		}
	}
}

// bench runs call b.N times for each side, as sub-benchmarks named after
// the side, and fails if the server refused anything.
func bench(b *testing.B, call func(s side, ctx context.Context) error) {
	a := newAPI(b, sizes()...)
	for _, s := range sides(a) {
		b.Run(s.name, func(b *testing.B) {
			ctx := context.Background()
			b.ReportAllocs()
			cpu := startCPU()
			for i := 0; i < b.N; i++ {
				if err := call(s, ctx); err != nil {
					b.Fatal(err)
				}
			}
			cpu.report(b)
		})
	}
	a.check(b)
}

// BenchmarkPaymentCreate: POST /v1/payments, an approved 1.5 KB answer.
func BenchmarkPaymentCreate(b *testing.B) {
	bench(b, func(s side, ctx context.Context) error { return s.create(ctx) })
}

// BenchmarkPaymentGet: GET /v1/payments/{id}, the same 1.5 KB answer.
func BenchmarkPaymentGet(b *testing.B) {
	bench(b, func(s side, ctx context.Context) error { return s.get(ctx, paymentID) })
}

// BenchmarkPaymentSearch: walking 500 results in 10 pages of 50.
func BenchmarkPaymentSearch(b *testing.B) {
	bench(b, func(s side, ctx context.Context) error {
		n, err := s.search(ctx)
		if err == nil && n != searchTotal {
			err = errWrongAnswer
		}
		return err
	})
}

// BenchmarkCardList: GET /v1/customers/{id}/cards, three cards.
func BenchmarkCardList(b *testing.B) {
	bench(b, func(s side, ctx context.Context) error { return s.cards(ctx) })
}

// BenchmarkRefundCreate: POST /v1/payments/{id}/refunds, a full refund.
func BenchmarkRefundCreate(b *testing.B) {
	bench(b, func(s side, ctx context.Context) error { return s.refund(ctx) })
}

// BenchmarkBodySize: GET /v1/payments/{id} answered with a payment padded
// with cart lines to 100 KB and 1 MB, beside the plain 1.5 KB one,, to show how cost grows.
func BenchmarkBodySize(b *testing.B) {
	a := newAPI(b, sizes()...)
	all := sides(a)
	for i, size := range bodySizes {
		b.Run(size.name, func(b *testing.B) {
			for _, s := range all {
				b.Run(s.name, func(b *testing.B) {
					ctx := context.Background()
					b.ReportAllocs()
					b.SetBytes(int64(len(a.sized[i])))
					cpu := startCPU()
					for n := 0; n < b.N; n++ {
						if err := s.get(ctx, int64(i+1)); err != nil {
							b.Fatal(err)
						}
					}
					cpu.report(b)
				})
			}
		})
	}
	a.check(b)
}

// BenchmarkConcurrentGet: callers goroutines share b.N payment reads.
// Reported beside ns/op (wall time per read): ops/s, the median and 99th
// percentile latency of one read, and the TCP connections the server
// accepted while the benchmark ran (after a warm-up round of one read per
// caller, which fills the pool of a client that keeps idle connections).
func BenchmarkConcurrentGet(b *testing.B) {
	a := newAPI(b)
	all := sides(a)
	for _, callers := range callerCounts {
		b.Run("callers="+strconv.Itoa(callers), func(b *testing.B) {
			for _, s := range all {
				b.Run(s.name, func(b *testing.B) {
					concurrent(b, a, callers, s)
				})
			}
		})
	}
	a.check(b)
}

func concurrent(b *testing.B, a *api, callers int, s side) {
	ctx := context.Background()
	run := func(n int, lat []time.Duration) error {
		var next atomic.Int64
		var first atomic.Pointer[error]
		var wg sync.WaitGroup
		for g := 0; g < callers; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					i := int(next.Add(1)) - 1
					if i >= n || first.Load() != nil {
						return
					}
					start := time.Now()
					if err := s.get(ctx, paymentID); err != nil {
						first.CompareAndSwap(nil, &err)
						return
					}
					if lat != nil {
						lat[i] = time.Since(start)
					}
				}
			}()
		}
		wg.Wait()
		if p := first.Load(); p != nil {
			return *p
		}
		return nil
	}
	if err := run(callers, nil); err != nil { // warm-up
		b.Fatal(err)
	}
	lat := make([]time.Duration, b.N)
	dials := a.dials.Load()
	b.ReportAllocs()
	b.ResetTimer()
	cpu := startCPU()
	start := time.Now()
	if err := run(b.N, lat); err != nil {
		b.Fatal(err)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	cpu.report(b)
	slices.Sort(lat)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "ops/s")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
	b.ReportMetric(float64(a.dials.Load()-dials), "dials")
}
