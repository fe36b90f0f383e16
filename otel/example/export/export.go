// Package export sets up OpenTelemetry exporters for the example programs
// of this module (stdout or OTLP over HTTP) and traces what the simulators
// and the shop receive. It lives in its own module so that neither paykit
// nor github.com/paykit-go/paykit/otel depends on any exporter.
package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/exporters/stdout/stdoutmetric"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/paykit-go/paykit"
	pkotel "github.com/paykit-go/paykit/otel"
)

// Flags are what the example programs' -export, -otlp-endpoint and
// -propagate flags say.
type Flags struct {
	// Export is "" (nothing), "stdout" or "otlp".
	Export string
	// OTLPEndpoint is the collector's URL for "otlp"; empty uses the
	// OTEL_EXPORTER_OTLP_ENDPOINT environment variable (or
	// http://localhost:4318).
	OTLPEndpoint string
	// Propagate sends trace context to the providers (the simulators) and
	// reads it from what the servers receive.
	Propagate bool
}

// Setup is a running export: the Observer to give to clients and
// verifiers, the middleware to wrap servers in, and Shutdown, which
// flushes what is buffered.
type Setup struct {
	Observer   *paykit.Observer
	Middleware func(name string, h http.Handler) http.Handler
	Shutdown   func(context.Context) error
}

// Start builds the exporters f asks for, writing stdout exports to out.
// With Export "" it returns a Setup with nil Observer and Middleware.
func Start(ctx context.Context, service string, f Flags, out io.Writer) (*Setup, error) {
	var sx sdktrace.SpanExporter
	var mx sdkmetric.Exporter
	var err error
	switch f.Export {
	case "":
		return &Setup{Shutdown: func(context.Context) error { return nil }}, nil
	case "stdout":
		if sx, err = stdouttrace.New(stdouttrace.WithWriter(out), stdouttrace.WithPrettyPrint()); err != nil {
			return nil, err
		}
		mx, err = stdoutmetric.New(stdoutmetric.WithWriter(out), stdoutmetric.WithPrettyPrint())
	case "otlp":
		var topts []otlptracehttp.Option
		var mopts []otlpmetrichttp.Option
		if f.OTLPEndpoint != "" {
			topts = append(topts, otlptracehttp.WithEndpointURL(f.OTLPEndpoint+"/v1/traces"))
			mopts = append(mopts, otlpmetrichttp.WithEndpointURL(f.OTLPEndpoint+"/v1/metrics"))
		}
		if sx, err = otlptracehttp.New(ctx, topts...); err != nil {
			return nil, err
		}
		mx, err = otlpmetrichttp.New(ctx, mopts...)
	default:
		return nil, fmt.Errorf("-export %q: must be stdout or otlp", f.Export)
	}
	if err != nil {
		return nil, err
	}
	res := resource.NewSchemaless(semconv.ServiceName(service))
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(sx), sdktrace.WithResource(res))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithResource(res),
		sdkmetric.WithReader(sdkmetric.NewPeriodicReader(mx, sdkmetric.WithInterval(30*time.Second))))
	opts := []pkotel.Option{pkotel.WithTracerProvider(tp), pkotel.WithMeterProvider(mp)}
	var prop propagation.TextMapPropagator
	if f.Propagate {
		prop = propagation.TraceContext{}
		opts = append(opts, pkotel.WithPropagator(prop))
	}
	obs, err := pkotel.New(opts...)
	if err != nil {
		return nil, err
	}
	return &Setup{Observer: obs, Middleware: middleware(tp.Tracer("github.com/paykit-go/paykit/otel/example"), prop),
		Shutdown: func(ctx context.Context) error { return errors.Join(tp.Shutdown(ctx), mp.Shutdown(ctx)) }}, nil
}

// middleware traces each request a server receives as a span of kind
// server named "<name> <method>". It records the method and the status,
// never the path: a simulator's paths hold card token ids.
func middleware(tr trace.Tracer, prop propagation.TextMapPropagator) func(string, http.Handler) http.Handler {
	return func(name string, h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx := r.Context()
			if prop != nil {
				ctx = prop.Extract(ctx, propagation.HeaderCarrier(r.Header))
			}
			ctx, span := tr.Start(ctx, name+" "+r.Method, trace.WithSpanKind(trace.SpanKindServer),
				trace.WithAttributes(semconv.HTTPRequestMethodKey.String(r.Method), attribute.String("paykit.example.server", name)))
			defer span.End()
			sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
			h.ServeHTTP(sw, r.WithContext(ctx))
			span.SetAttributes(semconv.HTTPResponseStatusCode(sw.status))
			if sw.status >= 500 {
				span.SetStatus(codes.Error, http.StatusText(sw.status))
			}
		})
	}
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
