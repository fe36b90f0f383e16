package main

import (
	"strings"
	"testing"
)

const sample = `round: 1
pkg: github.com/paykit-go/paykit/bench
BenchmarkPaymentGet/paykit-2   	 100	 100000 ns/op	 95000 cpu-ns/op	 12000 B/op	 140 allocs/op
BenchmarkPaymentGet/sdk-go-2   	 100	 200000 ns/op	 190000 cpu-ns/op	 18000 B/op	 180 allocs/op
BenchmarkPaymentGet/raw-2      	 100	 110000 ns/op	 100000 cpu-ns/op	 12000 B/op	 110 allocs/op
BenchmarkBodySize/1.5KB/paykit-2 100 100000 ns/op 15.00 MB/s
BenchmarkBodySize/100KB/paykit-2 100 1090000 ns/op 150.00 MB/s
BenchmarkBodySize/1MB/paykit-2   100 20000000 ns/op 75.00 MB/s
round: 2
pkg: github.com/paykit-go/paykit/bench
BenchmarkPaymentGet/paykit-2   	 100	 300000 ns/op	 12000 B/op	 140 allocs/op
BenchmarkPaymentGet/sdk-go-2   	 100	 400000 ns/op	 18000 B/op	 180 allocs/op
BenchmarkPaymentGet/raw-2      	 100	 330000 ns/op	 12000 B/op	 110 allocs/op
round: 3
pkg: github.com/paykit-go/paykit/etpay
BenchmarkPaymentsStatus/etpay-2 100 50000 ns/op
BenchmarkPaymentsStatus/raw-2 100 40000 ns/op
`

func TestTables(t *testing.T) {
	r, err := parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.rounds) != 3 {
		t.Fatalf("rounds %v", r.rounds)
	}
	// Per-round ratios 0.5 and 0.75: the median of two is their mean.
	if v, ok := r.ratio("ns/op", "bench|BenchmarkPaymentGet/paykit", "bench|BenchmarkPaymentGet/sdk-go"); !ok || v != 0.625 {
		t.Errorf("paykit/sdk-go = %v, %v", v, ok)
	}
	if v, _ := r.med("ns/op", "bench|BenchmarkPaymentGet/raw"); v != 220000 {
		t.Errorf("median raw = %v", v)
	}
	// 1500 bytes at 100 µs and 163,500 at 1.09 ms put the line at 6.11 ns
	// a byte, so 1,500,000 bytes should take 9.26 ms; they took 20 ms.
	if got := r.linearity("bench|BenchmarkBodySize/1.5KB/paykit", "bench|BenchmarkBodySize/100KB/paykit", "bench|BenchmarkBodySize/1MB/paykit"); got != "2.16×" {
		t.Errorf("linearity %s", got)
	}
	var out strings.Builder
	write(&out, r)
	for _, want := range []string{
		"| payment get | 200.0 µs | 300.0 µs | 220.0 µs | 0.62× | 0.91× | 140 / 180 / 110 |",
		"| etpay Payments.Status, vs net/http | 50.0 µs | — | 40.0 µs | — | 1.25× |",
		"| payment create | — | — | — | — | — | — / — / — |",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("missing row %q in\n%s", want, out.String())
		}
	}
}

func TestParseRefusesGarbage(t *testing.T) {
	if _, err := parse(strings.NewReader("BenchmarkX-2 10 abc ns/op\n")); err == nil {
		t.Error("a non-number was read")
	}
}
