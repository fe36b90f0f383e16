// Command benchtable turns the output of scripts/bench (several rounds of
// `go test -bench`, each introduced by a "round: N" line) into the tables of
// BENCHMARKS.md. Every figure is a median over the rounds; every ratio is the
// median of the per-round ratios, so a machine that speeds up or slows down
// between rounds does not skew it.
//
//	scripts/bench                     # runs the rounds, then this
//	go run ./cmd/benchtable < raw.txt # tabulate earlier output
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
)

func main() {
	rs, err := parse(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
	write(os.Stdout, rs)
}

// results holds every metric of every benchmark in every round:
// metric → "pkg|name" → round → value.
type results struct {
	rounds []string
	m      map[string]map[string]map[string]float64
}

func (r *results) add(metric, key, round string, v float64) {
	if r.m[metric] == nil {
		r.m[metric] = map[string]map[string]float64{}
	}
	if r.m[metric][key] == nil {
		r.m[metric][key] = map[string]float64{}
	}
	r.m[metric][key][round] = v
}

// parse reads go test -bench output. A line "pkg: path" names the package
// of the lines after it; the -N GOMAXPROCS suffix is dropped from names.
func parse(in io.Reader) (*results, error) {
	r := &results{m: map[string]map[string]map[string]float64{}}
	round, pkg := "1", ""
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 2 && f[0] == "round:":
			round = f[1]
		case len(f) == 2 && f[0] == "pkg:":
			pkg = f[1][strings.LastIndex(f[1], "/paykit")+len("/paykit"):]
			pkg = strings.TrimPrefix(pkg, "/")
		case len(f) >= 4 && strings.HasPrefix(f[0], "Benchmark"):
			name := f[0]
			if i := strings.LastIndexByte(name, '-'); i > 0 {
				if _, err := strconv.Atoi(name[i+1:]); err == nil {
					name = name[:i]
				}
			}
			for i := 2; i+1 < len(f); i += 2 {
				v, err := strconv.ParseFloat(f[i], 64)
				if err != nil {
					return nil, fmt.Errorf("%q: %v", sc.Text(), err)
				}
				r.add(f[i+1], pkg+"|"+name, round, v)
			}
			if !slices.Contains(r.rounds, round) {
				r.rounds = append(r.rounds, round)
			}
		}
	}
	return r, sc.Err()
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// med is the median of a metric over the rounds (ok false if never seen).
func (r *results) med(metric, key string) (float64, bool) {
	var v []float64
	for _, x := range r.m[metric][key] {
		v = append(v, x)
	}
	return median(v), len(v) > 0
}

// ratio is the median over the rounds of metric(a)/metric(b), taken only
// in rounds that measured both.
func (r *results) ratio(metric, a, b string) (float64, bool) {
	var v []float64
	for round, x := range r.m[metric][a] {
		if y, ok := r.m[metric][b][round]; ok && y != 0 {
			v = append(v, x/y)
		}
	}
	return median(v), len(v) > 0
}

func human(ns float64) string {
	switch {
	case ns >= 1e6:
		return fmt.Sprintf("%.2f ms", ns/1e6)
	case ns >= 1e3:
		return fmt.Sprintf("%.1f µs", ns/1e3)
	}
	return fmt.Sprintf("%.0f ns", ns)
}

func (r *results) cell(metric, key string, format func(float64) string) string {
	if v, ok := r.med(metric, key); ok {
		return format(v)
	}
	return "—"
}

func (r *results) ratioCell(metric, a, b string) string {
	if v, ok := r.ratio(metric, a, b); ok {
		return fmt.Sprintf("%.2f×", v)
	}
	return "—"
}

func count(v float64) string { return strconv.FormatFloat(v, 'f', 0, 64) }

// The Mercado Pago calls of the bench module, paykit beside sdk-go and raw.
var mpCalls = []struct{ bench, what string }{
	{"BenchmarkPaymentCreate", "payment create"},
	{"BenchmarkPaymentGet", "payment get"},
	{"BenchmarkPaymentSearch", "search, 500 results in pages of 50"},
	{"BenchmarkCardList", "card list"},
	{"BenchmarkRefundCreate", "refund create"},
}

// The other benchmarks: a paykit call beside its baseline in one package.
var pairs = []struct{ pkg, bench, base, what string }{
	{"internal/transport", "BenchmarkJSONPost/transport", "BenchmarkJSONPost/raw", "transport: JSON POST, vs hand-written net/http"},
	{"mercadopago", "BenchmarkWebhookVerify/verifier", "BenchmarkWebhookVerify/raw_hmac_json", "mercadopago webhook Verify, vs hand-written HMAC + json"},
	{"finrota", "BenchmarkTransactionsGet/finrota", "BenchmarkTransactionsGet/raw", "finrota Transactions.Get, vs net/http"},
	{"finrota", "BenchmarkCreateTokenColdClient200", "BenchmarkRawNetHTTP200Once", "finrota cold client, 200 concurrent Widget.CreateToken (1 token request), vs 200 raw callers sharing one token fetch (sync.Once)"},
	{"fintecture", "BenchmarkConnect/unsigned", "BenchmarkConnect/raw-net-http", "fintecture PIS.Connect unsigned, vs net/http"},
	{"fintecture", "BenchmarkGetPayment/fintecture", "BenchmarkGetPayment/raw", "fintecture PIS.GetPayment, vs net/http"},
	{"fintecture", "BenchmarkConnect/signed", "BenchmarkConnect/unsigned+rsa-sign", "fintecture PIS.Connect signed, vs unsigned call + one RSA-2048 signature"},
	{"fintecture", "BenchmarkWebhookVerify/Verify", "BenchmarkWebhookVerify/bare_DecryptOAEP", "fintecture webhook Verify, vs bare RSA-OAEP decryption"},
	{"etpay", "BenchmarkPaymentsStatus/etpay", "BenchmarkPaymentsStatus/raw", "etpay Payments.Status, vs net/http"},
	{"etpay", "BenchmarkVerifyNotification/etpay.VerifyNotification", "BenchmarkVerifyNotification/baseline_jwt.Parse", "etpay VerifyNotification, vs bare jwt.Parse"},
}

var sides = []string{"paykit", "sdk-go", "raw"}

func write(w io.Writer, r *results) {
	const bm = "bench|"
	fmt.Fprintf(w, "### Mercado Pago: paykit, sdk-go and raw net/http (%d rounds)\n\n", len(r.rounds))
	fmt.Fprintln(w, "| call | paykit | sdk-go | raw | paykit / sdk-go | paykit / raw | allocs paykit / sdk-go / raw |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|")
	for _, c := range mpCalls {
		k := func(side string) string { return bm + c.bench + "/" + side }
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s / %s / %s |\n", c.what,
			r.cell("ns/op", k("paykit"), human), r.cell("ns/op", k("sdk-go"), human), r.cell("ns/op", k("raw"), human),
			r.ratioCell("ns/op", k("paykit"), k("sdk-go")), r.ratioCell("ns/op", k("paykit"), k("raw")),
			r.cell("allocs/op", k("paykit"), count), r.cell("allocs/op", k("sdk-go"), count), r.cell("allocs/op", k("raw"), count))
	}

	fmt.Fprintf(w, "\n### Concurrent callers: payment get\n\n")
	fmt.Fprintln(w, "| callers | side | ops/s | p50 | p99 | connections dialed | ops/s vs sdk-go |")
	fmt.Fprintln(w, "|---:|---|---:|---:|---:|---:|---:|")
	for _, n := range []string{"1", "8", "64", "256"} {
		for _, s := range sides {
			k := bm + "BenchmarkConcurrentGet/callers=" + n + "/" + s
			vs := "—"
			if s != "sdk-go" {
				vs = r.ratioCell("ops/s", k, bm+"BenchmarkConcurrentGet/callers="+n+"/sdk-go")
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s |\n", n, s, r.cell("ops/s", k, count),
				r.cell("p50-µs", k, func(v float64) string { return human(v * 1e3) }),
				r.cell("p99-µs", k, func(v float64) string { return human(v * 1e3) }),
				r.cell("dials", k, count), vs)
		}
	}

	fmt.Fprintf(w, "\n### Body size: payment get with a 1.5 KB, 100 KB and 1 MB answer\n\n")
	fmt.Fprintln(w, "| side | 1.5 KB | 100 KB | 1 MB | 1 MB vs the straight line through 1.5 KB and 100 KB | allocs at 1 MB |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|")
	for _, s := range sides {
		k := func(size string) string { return bm + "BenchmarkBodySize/" + size + "/" + s }
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", s,
			r.cell("ns/op", k("1.5KB"), human), r.cell("ns/op", k("100KB"), human), r.cell("ns/op", k("1MB"), human),
			r.linearity(k("1.5KB"), k("100KB"), k("1MB")), r.cell("allocs/op", k("1MB"), count))
	}

	fmt.Fprintf(w, "\n### Every other client call beside its baseline\n\n")
	fmt.Fprintln(w, "| call | paykit | allocs | baseline | allocs | ratio |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|")
	for _, p := range pairs {
		k, b := p.pkg+"|"+p.bench, p.pkg+"|"+p.base
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", p.what, r.cell("ns/op", k, human), r.cell("allocs/op", k, count),
			r.cell("ns/op", b, human), r.cell("allocs/op", b, count), r.ratioCell("ns/op", k, b))
	}
}

// linearity is, per round, the cost at 1 MB over the cost predicted by the
// straight line through the 1.5 KB and 100 KB points (with bytes measured
// by the MB/s metric), as the median over the rounds: 1.00 is exactly
// linear, below 1 is cheaper than linear.
func (r *results) linearity(small, mid, large string) string {
	var v []float64
	for round, cs := range r.m["ns/op"][small] {
		cm, ok1 := r.m["ns/op"][mid][round]
		cl, ok2 := r.m["ns/op"][large][round]
		bs, bm, bl := bytesOf(r, small, round), bytesOf(r, mid, round), bytesOf(r, large, round)
		if !ok1 || !ok2 || bs == 0 || bm <= bs || bl <= bm {
			continue
		}
		slope := (cm - cs) / (bm - bs)
		v = append(v, cl/(cs+slope*(bl-bs)))
	}
	if len(v) == 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f×", median(v))
}

// bytesOf recovers the body size of a benchmark from its MB/s and ns/op.
func bytesOf(r *results, key, round string) float64 {
	return r.m["MB/s"][key][round] * 1e6 * r.m["ns/op"][key][round] / 1e9
}
