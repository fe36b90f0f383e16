package otel_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	metricnoop "go.opentelemetry.io/otel/metric/noop"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/paykit-go/paykit/mercadopago"
	pkotel "github.com/paykit-go/paykit/otel"
)

// BenchmarkPaymentGet reads a payment from a loopback server answering a
// fixed payment: "none" with no Observer, "noop" with this package's
// Observer on OpenTelemetry's no-op providers (what the module costs a
// program that wires it but exports nothing). Run rounds interleaved and
// compare medians:
//
//	for i in $(seq 10); do go test -run '^$' -bench PaymentGet -benchmem -count 1 ./otel; done
func BenchmarkPaymentGet(b *testing.B) {
	answer := []byte(`{"id":1316782591,"status":"approved","status_detail":"accredited","transaction_amount":1500,"currency_id":"CLP"}`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(answer)
	}))
	defer srv.Close()
	noop, err := pkotel.New(pkotel.WithTracerProvider(tracenoop.NewTracerProvider()), pkotel.WithMeterProvider(metricnoop.NewMeterProvider()))
	if err != nil {
		b.Fatal(err)
	}
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	for _, side := range []struct {
		name string
		opts []mercadopago.Option
	}{
		{"none", nil},
		{"noop", []mercadopago.Option{mercadopago.WithObserver(noop)}},
	} {
		c, err := mercadopago.NewClient(mercadopago.Credentials{AccessToken: "APP_USR-bench-token"},
			append([]mercadopago.Option{mercadopago.WithBaseURL(srv.URL), mercadopago.WithHTTPClient(hc)}, side.opts...)...)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(side.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := c.Payments.Get(context.Background(), 1316782591); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
