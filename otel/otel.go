// Package otel records what paykit clients and webhook verifiers do as
// OpenTelemetry traces and metrics. It lives in a module of its own
// (github.com/paykit-go/paykit/otel), so programs that use paykit without
// it never download OpenTelemetry.
//
// New returns a *paykit.Observer; hand it to a client with the provider
// package's WithObserver option and to a verifier with WithWebhookObserver:
//
//	obs, err := otel.New() // the global tracer and meter providers
//	client, err := mercadopago.NewClient(token, mercadopago.WithObserver(obs))
//
// Every call becomes a span named after its operation
// ("mercadopago.Payments.Create"), with a child span of kind client for
// each HTTP attempt, named "<method> <route template>" ("GET
// /v1/payments/{id}") and carrying the stable HTTP client attributes
// (http.request.method, server.address, server.port, url.template,
// http.response.status_code, error.type, http.request.resend_count). Each
// attempt is recorded in the http.client.request.duration histogram.
// paykit's own instruments count retries (paykit.client.retries), token
// fetches (paykit.token.fetches), and webhook verifications by outcome and
// reason (paykit.webhook.verifications), and time whole calls, retries and
// waits included (paykit.client.operation.duration).
//
// Span attributes are set just after a span starts, and only when it
// records, so a no-op or unsampled span costs no attribute at all; a
// sampler therefore sees the span's name and kind, not its attributes.
//
// Nothing recorded holds a secret: no token, no idempotency key (only
// whether one was sent), no body, no raw path. Trace context is sent to a
// provider only with WithPropagator.
//
// See https://opentelemetry.io/docs/specs/semconv/http/http-spans/ and
// https://opentelemetry.io/docs/specs/semconv/http/http-metrics/.
package otel

import (
	"context"
	"errors"
	"net/http"
	"time"

	otelapi "go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/semconv/v1.43.0/httpconv"
	"go.opentelemetry.io/otel/trace"

	"github.com/paykit-go/paykit"
)

// ScopeName is the instrumentation scope of the spans and instruments this
// package makes.
const ScopeName = "github.com/paykit-go/paykit/otel"

// The attribute keys paykit adds to the semantic conventions' own.
const (
	// ProviderKey is the provider's package name ("mercadopago").
	ProviderKey = attribute.Key("paykit.provider")
	// OperationKey is the client method that made the call
	// ("mercadopago.Payments.Create").
	OperationKey = attribute.Key("paykit.operation")
	// AttemptKey is an attempt's number, from 1.
	AttemptKey = attribute.Key("paykit.attempt")
	// AttemptsKey is how many attempts a call made.
	AttemptsKey = attribute.Key("paykit.attempts")
	// RetryWaitKey is how long paykit waited before an attempt, in seconds.
	RetryWaitKey = attribute.Key("paykit.retry.wait")
	// IdempotencyKeySentKey tells whether an attempt carried an
	// idempotency key; the key itself is never recorded.
	IdempotencyKeySentKey = attribute.Key("paykit.idempotency_key.sent")
	// RequestIDKey is the provider's id of the answer (span only; it is
	// unbounded, so never a metric attribute).
	RequestIDKey = attribute.Key("paykit.request_id")
	// TokenRefreshKey tells whether a token fetch replaced a token held
	// before.
	TokenRefreshKey = attribute.Key("paykit.token.refresh")
	// VerifyKindKey is what a verification checked: "webhook",
	// "notification" or "redirect".
	VerifyKindKey = attribute.Key("paykit.verify.kind")
	// VerifyOutcomeKey is "accepted", "refused" or "replay_refused".
	VerifyOutcomeKey = attribute.Key("paykit.verify.outcome")
	// VerifyReasonKey is why a delivery was refused ("signature",
	// "too_old"…).
	VerifyReasonKey = attribute.Key("paykit.verify.reason")
)

// Option configures New.
type Option func(*config)

type config struct {
	tp   trace.TracerProvider
	mp   metric.MeterProvider
	prop propagation.TextMapPropagator
	errs []error
}

// WithTracerProvider records spans with tp instead of the global provider
// (otel.GetTracerProvider at the time New runs).
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(c *config) {
		if tp == nil {
			c.errs = append(c.errs, errors.New("paykit/otel: tracer provider: must not be nil"))
		}
		c.tp = tp
	}
}

// WithMeterProvider records metrics with mp instead of the global provider
// (otel.GetMeterProvider at the time New runs).
func WithMeterProvider(mp metric.MeterProvider) Option {
	return func(c *config) {
		if mp == nil {
			c.errs = append(c.errs, errors.New("paykit/otel: meter provider: must not be nil"))
		}
		c.mp = mp
	}
}

// WithPropagator sends trace context to the providers: p writes its
// headers (traceparent for propagation.TraceContext) into every attempt,
// so a provider that records them can join its side to your trace. By
// default nothing is sent: a payment provider is another organisation, and
// trace ids tell it about your traffic. paykit never lets p replace the
// credentials, the idempotency key or any header it sets itself.
func WithPropagator(p propagation.TextMapPropagator) Option {
	return func(c *config) {
		if p == nil {
			c.errs = append(c.errs, errors.New("paykit/otel: propagator: must not be nil"))
		}
		c.prop = p
	}
}

// observer holds the instruments one New made.
type observer struct {
	tracer        trace.Tracer
	duration      httpconv.ClientRequestDuration
	callDuration  metric.Float64Histogram
	retries       metric.Int64Counter
	tokens        metric.Int64Counter
	verifications metric.Int64Counter
	prop          propagation.TextMapPropagator
}

// New returns an Observer that records spans and metrics with the tracer
// and meter providers given (the global ones by default). The error names
// a bad option or an instrument the meter provider refused.
func New(opts ...Option) (*paykit.Observer, error) {
	c := config{}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	if len(c.errs) > 0 {
		return nil, c.errs[0]
	}
	if c.tp == nil {
		c.tp = otelapi.GetTracerProvider()
	}
	if c.mp == nil {
		c.mp = otelapi.GetMeterProvider()
	}
	meter := c.mp.Meter(ScopeName, metric.WithSchemaURL(semconv.SchemaURL))
	o := &observer{
		tracer: c.tp.Tracer(ScopeName, trace.WithSchemaURL(semconv.SchemaURL)),
		prop:   c.prop,
	}
	var err error
	var errs []error
	o.duration, err = httpconv.NewClientRequestDuration(meter)
	errs = append(errs, err)
	o.callDuration, err = meter.Float64Histogram("paykit.client.operation.duration", metric.WithUnit("s"),
		metric.WithDescription("Duration of paykit client calls, every attempt and wait included."),
		metric.WithExplicitBucketBoundaries(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30, 60))
	errs = append(errs, err)
	o.retries, err = meter.Int64Counter("paykit.client.retries", metric.WithUnit("{retry}"),
		metric.WithDescription("Attempts after the first of a paykit client call."))
	errs = append(errs, err)
	o.tokens, err = meter.Int64Counter("paykit.token.fetches", metric.WithUnit("{fetch}"),
		metric.WithDescription("Access token fetches and refreshes."))
	errs = append(errs, err)
	o.verifications, err = meter.Int64Counter("paykit.webhook.verifications", metric.WithUnit("{verification}"),
		metric.WithDescription("Webhook, notification and redirect verifications, by outcome and reason."))
	errs = append(errs, err)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	ob := &paykit.Observer{Call: o.call, Attempt: o.attempt, Token: o.token, Verify: o.verify}
	if o.prop != nil {
		ob.Inject = o.inject
	}
	return ob, nil
}

// spanName is the call's operation, or its method when it has none.
func spanName(c paykit.CallInfo) string {
	if c.Operation != "" {
		return c.Operation
	}
	return c.Method
}

// attemptName is the HTTP client span name of the conventions:
// "{method} {url.template}", or "{method}" without a template.
func attemptName(c paykit.CallInfo) string {
	if c.Route != "" {
		return c.Method + " " + c.Route
	}
	return c.Method
}

func (o *observer) call(ctx context.Context, c paykit.CallInfo) (context.Context, func(paykit.CallDone)) {
	start := time.Now()
	ctx, span := o.tracer.Start(ctx, spanName(c), trace.WithSpanKind(trace.SpanKindInternal), trace.WithTimestamp(start))
	if span.IsRecording() {
		// Set after Start, so that a no-op or unsampled span builds none.
		span.SetAttributes(ProviderKey.String(c.Provider), OperationKey.String(c.Operation), semconv.URLTemplate(c.Route),
			semconv.HTTPRequestMethodKey.String(c.Method), semconv.ServerAddress(c.ServerAddress))
	}
	return ctx, func(d paykit.CallDone) {
		end := time.Now()
		if span.IsRecording() {
			span.SetAttributes(AttemptsKey.Int(d.Attempts))
			if d.StatusCode > 0 {
				span.SetAttributes(semconv.HTTPResponseStatusCode(d.StatusCode))
			}
			if d.RequestID != "" {
				span.SetAttributes(RequestIDKey.String(d.RequestID))
			}
			if d.ErrorType != "" {
				span.SetAttributes(semconv.ErrorTypeKey.String(d.ErrorType))
				span.SetStatus(codes.Error, d.ErrorType)
			}
		}
		span.End(trace.WithTimestamp(end))
		if o.callDuration.Enabled(ctx) {
			attrs := []attribute.KeyValue{ProviderKey.String(c.Provider), OperationKey.String(c.Operation)}
			if d.ErrorType != "" {
				attrs = append(attrs, semconv.ErrorTypeKey.String(d.ErrorType))
			}
			o.callDuration.Record(ctx, end.Sub(start).Seconds(), metric.WithAttributes(attrs...))
		}
	}
}

func (o *observer) attempt(ctx context.Context, a paykit.AttemptInfo) (context.Context, func(paykit.AttemptDone)) {
	start := time.Now()
	c := a.Call
	if a.Attempt > 1 && o.retries.Enabled(ctx) {
		o.retries.Add(ctx, 1, metric.WithAttributes(ProviderKey.String(c.Provider), OperationKey.String(c.Operation)))
	}
	ctx, span := o.tracer.Start(ctx, attemptName(c), trace.WithSpanKind(trace.SpanKindClient), trace.WithTimestamp(start))
	if span.IsRecording() {
		span.SetAttributes(semconv.HTTPRequestMethodKey.String(c.Method), semconv.ServerAddress(c.ServerAddress),
			semconv.ServerPort(c.ServerPort), semconv.URLTemplate(c.Route), AttemptKey.Int(a.Attempt),
			IdempotencyKeySentKey.Bool(a.IdempotencyKeySent))
		if a.Attempt > 1 {
			span.SetAttributes(semconv.HTTPRequestResendCount(a.Attempt-1), RetryWaitKey.Float64(a.Wait.Seconds()))
		}
	}
	return ctx, func(d paykit.AttemptDone) {
		end := time.Now()
		if span.IsRecording() {
			if d.StatusCode > 0 {
				span.SetAttributes(semconv.HTTPResponseStatusCode(d.StatusCode))
			}
			if d.ErrorType != "" {
				span.SetAttributes(semconv.ErrorTypeKey.String(d.ErrorType))
				span.SetStatus(codes.Error, d.ErrorType)
			}
		}
		span.End(trace.WithTimestamp(end))
		if o.duration.Enabled(ctx) {
			extra := []attribute.KeyValue{semconv.URLTemplate(c.Route), OperationKey.String(c.Operation)}
			if d.StatusCode > 0 {
				extra = append(extra, semconv.HTTPResponseStatusCode(d.StatusCode))
			}
			if d.ErrorType != "" {
				extra = append(extra, semconv.ErrorTypeKey.String(d.ErrorType))
			}
			o.duration.Record(ctx, end.Sub(start).Seconds(), httpconv.RequestMethodAttr(c.Method), c.ServerAddress, c.ServerPort, extra...)
		}
	}
}

func (o *observer) inject(ctx context.Context, h http.Header) {
	o.prop.Inject(ctx, propagation.HeaderCarrier(h))
}

func (o *observer) token(ctx context.Context, t paykit.TokenInfo) {
	attrs := []attribute.KeyValue{ProviderKey.String(t.Provider), TokenRefreshKey.Bool(t.Refresh)}
	if t.ErrorType != "" {
		attrs = append(attrs, semconv.ErrorTypeKey.String(t.ErrorType))
	}
	if o.tokens.Enabled(ctx) {
		o.tokens.Add(ctx, 1, metric.WithAttributes(attrs...))
	}
	if span := trace.SpanFromContext(ctx); span.IsRecording() {
		span.AddEvent("paykit.token.fetch", trace.WithAttributes(attrs...))
	}
}

func (o *observer) verify(ctx context.Context, v paykit.VerifyInfo) {
	attrs := []attribute.KeyValue{ProviderKey.String(v.Provider), VerifyKindKey.String(v.Kind), VerifyOutcomeKey.String(string(v.Outcome))}
	if v.Reason != "" {
		attrs = append(attrs, VerifyReasonKey.String(v.Reason))
	}
	if o.verifications.Enabled(ctx) {
		o.verifications.Add(ctx, 1, metric.WithAttributes(attrs...))
	}
	end := time.Now()
	_, span := o.tracer.Start(ctx, v.Provider+"."+v.Kind+".Verify", trace.WithSpanKind(trace.SpanKindInternal),
		trace.WithTimestamp(end.Add(-v.Duration)), trace.WithAttributes(attrs...))
	if v.Outcome == paykit.VerifyRefused {
		span.SetStatus(codes.Error, v.Reason)
	}
	span.End(trace.WithTimestamp(end))
}
