package otel_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/finrota"
	"github.com/paykit-go/paykit/finrota/finrotatest"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
	"github.com/paykit-go/paykit/money"
	pkotel "github.com/paykit-go/paykit/otel"
	"github.com/paykit-go/paykit/paykittest"
)

// rig is an Observer wired to the SDK's in-memory span recorder and a
// manual metric reader.
type rig struct {
	spans  *tracetest.SpanRecorder
	reader *sdkmetric.ManualReader
	obs    *paykit.Observer
}

func newRig(t *testing.T, opts ...pkotel.Option) *rig {
	t.Helper()
	r := &rig{spans: tracetest.NewSpanRecorder(), reader: sdkmetric.NewManualReader()}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(r.spans))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(r.reader))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()); _ = mp.Shutdown(context.Background()) })
	obs, err := pkotel.New(append([]pkotel.Option{pkotel.WithTracerProvider(tp), pkotel.WithMeterProvider(mp)}, opts...)...)
	require.NoError(t, err)
	r.obs = obs
	return r
}

// ended returns the ended spans named name.
func (r *rig) ended(name string) []sdktrace.ReadOnlySpan {
	var out []sdktrace.ReadOnlySpan
	for _, s := range r.spans.Ended() {
		if s.Name() == name {
			out = append(out, s)
		}
	}
	return out
}

// metrics collects every metric, by name.
func (r *rig) metrics(t *testing.T) map[string]metricdata.Metrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, r.reader.Collect(context.Background(), &rm))
	out := map[string]metricdata.Metrics{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			out[m.Name] = m
		}
	}
	return out
}

// counts sums an Int64 counter's points by the value of key.
func counts(t *testing.T, m metricdata.Metrics, key attribute.Key) map[string]int64 {
	t.Helper()
	sum, ok := m.Data.(metricdata.Sum[int64])
	require.True(t, ok, "%s is not an int64 sum", m.Name)
	out := map[string]int64{}
	for _, p := range sum.DataPoints {
		v, _ := p.Attributes.Value(key)
		out[v.String()] += p.Value
	}
	return out
}

func attrs(s sdktrace.ReadOnlySpan) map[attribute.Key]attribute.Value {
	out := map[attribute.Key]attribute.Value{}
	for _, kv := range s.Attributes() {
		out[kv.Key] = kv.Value
	}
	return out
}

func hostPort(t *testing.T, raw string) (string, int64) {
	t.Helper()
	u, err := url.Parse(raw)
	require.NoError(t, err)
	port, err := strconv.Atoi(u.Port())
	require.NoError(t, err)
	return u.Hostname(), int64(port)
}

// testCard makes a card token on the simulator, with a card number and CVV
// the caller can look for.
func testCard(t *testing.T, srv *mercadopagotest.Server, number, cvv string) string {
	t.Helper()
	tok, err := srv.CardToken(mercadopagotest.TestCard{Number: number, ExpirationMonth: 11, ExpirationYear: 2099,
		SecurityCode: cvv, HolderName: "APRO", IdentificationType: "RUT", IdentificationNumber: "111111111"})
	require.NoError(t, err)
	return tok
}

func payment(token, key string) (*mercadopago.PaymentRequest, []paykit.RequestOption) {
	return &mercadopago.PaymentRequest{TransactionAmount: money.MustParse("1500"), Token: token, Installments: mercadopago.Ptr(1),
		Payer: &mercadopago.PaymentPayer{Email: "payer@example.com"}}, []paykit.RequestOption{mercadopago.WithIdempotencyKey(key)}
}

var bg = context.Background()

// TestSuccessfulCallIsOneCallSpanWithOneAttempt: a payment created at the
// first try is a call span named after the operation with one client span
// below it, carrying the HTTP conventions' attributes, and one point in
// http.client.request.duration.
func TestSuccessfulCallIsOneCallSpanWithOneAttempt(t *testing.T) {
	r := newRig(t)
	srv := mercadopagotest.NewServer()
	defer srv.Close()
	c, err := srv.Client(mercadopago.WithObserver(r.obs))
	require.NoError(t, err)
	req, opts := payment(testCard(t, srv, mercadopagotest.CardVisa, "123"), "order-1")
	_, err = c.Payments.Create(bg, req, opts...)
	require.NoError(t, err)

	calls, tries := r.ended("mercadopago.Payments.Create"), r.ended("POST /v1/payments")
	require.Len(t, calls, 1)
	require.Len(t, tries, 1)
	call, try := calls[0], tries[0]
	assert.Equal(t, trace.SpanKindInternal, call.SpanKind())
	assert.Equal(t, trace.SpanKindClient, try.SpanKind())
	assert.Equal(t, call.SpanContext().SpanID(), try.Parent().SpanID(), "the attempt is the call's child")
	assert.Equal(t, call.SpanContext().TraceID(), try.SpanContext().TraceID())
	assert.False(t, call.Parent().IsValid(), "the call is a root span here")

	host, port := hostPort(t, srv.URL)
	a := attrs(try)
	assert.Equal(t, "POST", a["http.request.method"].AsString())
	assert.Equal(t, host, a["server.address"].AsString())
	assert.Equal(t, port, a["server.port"].AsInt64())
	assert.Equal(t, "/v1/payments", a["url.template"].AsString())
	assert.Equal(t, int64(201), a["http.response.status_code"].AsInt64())
	assert.True(t, a["paykit.idempotency_key.sent"].AsBool())
	assert.NotContains(t, a, attribute.Key("error.type"))
	assert.Equal(t, codes.Unset, try.Status().Code)
	ca := attrs(call)
	assert.Equal(t, "mercadopago", ca["paykit.provider"].AsString())
	assert.Equal(t, "mercadopago.Payments.Create", ca["paykit.operation"].AsString())
	assert.Equal(t, int64(1), ca["paykit.attempts"].AsInt64())

	m := r.metrics(t)
	hist, ok := m["http.client.request.duration"].Data.(metricdata.Histogram[float64])
	require.True(t, ok)
	assert.Equal(t, "s", m["http.client.request.duration"].Unit)
	require.Len(t, hist.DataPoints, 1)
	p := hist.DataPoints[0]
	assert.Equal(t, uint64(1), p.Count)
	assert.Equal(t, []float64{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10}, p.Bounds)
	v, _ := p.Attributes.Value("url.template")
	assert.Equal(t, "/v1/payments", v.AsString())
	v, _ = p.Attributes.Value("http.response.status_code")
	assert.Equal(t, int64(201), v.AsInt64())
	_, hasErr := p.Attributes.Value("error.type")
	assert.False(t, hasErr)
	assert.Empty(t, m["paykit.client.retries"].Data, "a first-try success records no retry")
}

// TestRetried503IsTwoAttemptsUnderOneCall: the 503 attempt ends in error
// with error.type 503, the second attempt carries the resend count and the
// wait, the call succeeds, and one retry is counted.
func TestRetried503IsTwoAttemptsUnderOneCall(t *testing.T) {
	r := newRig(t)
	srv := mercadopagotest.NewServer()
	defer srv.Close()
	c, err := srv.Client(mercadopago.WithObserver(r.obs), mercadopago.WithRetryBackoff(time.Millisecond, time.Millisecond))
	require.NoError(t, err)
	setup, err := srv.Client()
	require.NoError(t, err)
	req, opts := payment(testCard(t, srv, mercadopagotest.CardVisa, "123"), "order-2")
	p, err := setup.Payments.Create(bg, req, opts...)
	require.NoError(t, err)

	srv.FailNext(1, paykittest.Fault{Kind: paykittest.Status, Status: 503, Method: "GET", PathPrefix: "/v1/payments/"})
	_, err = c.Payments.Get(bg, p.ID)
	require.NoError(t, err)

	calls, tries := r.ended("mercadopago.Payments.Get"), r.ended("GET /v1/payments/{id}")
	require.Len(t, calls, 1)
	require.Len(t, tries, 2)
	for _, try := range tries {
		assert.Equal(t, calls[0].SpanContext().SpanID(), try.Parent().SpanID())
	}
	first, second := attrs(tries[0]), attrs(tries[1])
	assert.Equal(t, int64(1), first["paykit.attempt"].AsInt64())
	assert.Equal(t, int64(503), first["http.response.status_code"].AsInt64())
	assert.Equal(t, "503", first["error.type"].AsString())
	assert.Equal(t, codes.Error, tries[0].Status().Code)
	assert.NotContains(t, first, attribute.Key("http.request.resend_count"))
	assert.Equal(t, int64(2), second["paykit.attempt"].AsInt64())
	assert.Equal(t, int64(1), second["http.request.resend_count"].AsInt64())
	assert.Contains(t, second, attribute.Key("paykit.retry.wait"))
	assert.Equal(t, int64(200), second["http.response.status_code"].AsInt64())
	assert.Equal(t, codes.Unset, tries[1].Status().Code)
	ca := attrs(calls[0])
	assert.Equal(t, int64(2), ca["paykit.attempts"].AsInt64())
	assert.NotContains(t, ca, attribute.Key("error.type"))
	assert.Equal(t, codes.Unset, calls[0].Status().Code)

	m := r.metrics(t)
	assert.Equal(t, map[string]int64{"mercadopago.Payments.Get": 1}, counts(t, m["paykit.client.retries"], "paykit.operation"))
	hist := m["http.client.request.duration"].Data.(metricdata.Histogram[float64])
	byStatus := map[int64]uint64{}
	for _, p := range hist.DataPoints {
		if v, _ := p.Attributes.Value("url.template"); v.AsString() != "/v1/payments/{id}" {
			continue
		}
		s, _ := p.Attributes.Value("http.response.status_code")
		byStatus[s.AsInt64()] += p.Count
	}
	assert.Equal(t, map[int64]uint64{503: 1, 200: 1}, byStatus)
}

// TestKeyedPostThatMayHaveReachedTheServer: a connection reset after the
// request was sent ends the call with error.type may_have_reached_server
// on both spans, and the attempt says a key was sent.
func TestKeyedPostThatMayHaveReachedTheServer(t *testing.T) {
	r := newRig(t)
	srv := mercadopagotest.NewServer()
	defer srv.Close()
	c, err := srv.Client(mercadopago.WithObserver(r.obs), mercadopago.WithMaxRetries(0))
	require.NoError(t, err)
	srv.FailNext(1, paykittest.Fault{Kind: paykittest.ResetAfter, Method: "POST", PathPrefix: "/v1/payments"})
	req, opts := payment(testCard(t, srv, mercadopagotest.CardVisa, "123"), "order-3")
	_, err = c.Payments.Create(bg, req, opts...)
	var ne *paykit.NetworkError
	require.ErrorAs(t, err, &ne)
	require.True(t, ne.MayHaveReachedServer)

	calls, tries := r.ended("mercadopago.Payments.Create"), r.ended("POST /v1/payments")
	require.Len(t, calls, 1)
	require.Len(t, tries, 1)
	for _, s := range []sdktrace.ReadOnlySpan{calls[0], tries[0]} {
		assert.Equal(t, paykit.ErrorTypeMayHaveReachedServer, attrs(s)["error.type"].AsString(), s.Name())
		assert.Equal(t, codes.Error, s.Status().Code, s.Name())
		assert.Equal(t, paykit.ErrorTypeMayHaveReachedServer, s.Status().Description, s.Name())
		assert.NotContains(t, attrs(s), attribute.Key("http.response.status_code"), s.Name())
	}
	assert.True(t, attrs(tries[0])["paykit.idempotency_key.sent"].AsBool())
	hist := r.metrics(t)["http.client.request.duration"].Data.(metricdata.Histogram[float64])
	require.Len(t, hist.DataPoints, 1)
	v, _ := hist.DataPoints[0].Attributes.Value("error.type")
	assert.Equal(t, paykit.ErrorTypeMayHaveReachedServer, v.AsString())
}

// notification builds a Mercado Pago webhook delivery signed with secret.
func notification(secret, dataID, reqID string) *http.Request {
	body := `{"id":1,"type":"payment","action":"payment.updated","data":{"id":"` + dataID + `"}}`
	r := httptest.NewRequest(http.MethodPost, "https://shop.example/mp/webhooks?data.id="+dataID+"&type=payment", strings.NewReader(body))
	r.Header.Set("X-Request-Id", reqID)
	r.Header.Set("X-Signature", mercadopagotest.SignNotification(secret, dataID, reqID, time.Now()))
	return r
}

// TestWebhookVerificationsAreCountedByOutcomeAndReason: an accepted
// delivery, its replay and a forged one are counted apart, the forged one
// under reason "signature", each with a verification span.
func TestWebhookVerificationsAreCountedByOutcomeAndReason(t *testing.T) {
	r := newRig(t)
	const secret = "webhook-secret-for-the-test"
	v, err := mercadopago.NewWebhookVerifier(secret, mercadopago.WithWebhookObserver(r.obs))
	require.NoError(t, err)
	_, err = v.Verify(notification(secret, "111", "req-1"))
	require.NoError(t, err)
	_, err = v.Verify(notification(secret, "111", "req-1"))
	require.ErrorIs(t, err, paykit.ErrReplayed)
	_, err = v.Verify(notification("not-the-secret", "222", "req-2"))
	require.ErrorIs(t, err, mercadopago.ErrSignatureMismatch)

	m := r.metrics(t)["paykit.webhook.verifications"]
	assert.Equal(t, map[string]int64{"accepted": 1, "replay_refused": 1, "refused": 1}, counts(t, m, "paykit.verify.outcome"))
	assert.Equal(t, map[string]int64{"": 1, "replayed": 1, "signature": 1}, counts(t, m, "paykit.verify.reason"))
	spans := r.ended("mercadopago.webhook.Verify")
	require.Len(t, spans, 3)
	assert.Equal(t, codes.Unset, spans[0].Status().Code)
	assert.Equal(t, codes.Error, spans[2].Status().Code)
	assert.Equal(t, "signature", spans[2].Status().Description)
	assert.Equal(t, "refused", attrs(spans[2])["paykit.verify.outcome"].AsString())
}

// wireLog records every request header value sent, so a test can plant
// what it saw on the wire (tokens fetched at run time) as secrets.
type wireLog struct {
	mu     sync.Mutex
	values []string
	header []http.Header
}

func (w *wireLog) RoundTrip(r *http.Request) (*http.Response, error) {
	w.mu.Lock()
	w.header = append(w.header, r.Header.Clone())
	for name, vs := range r.Header {
		if name == "Authorization" || name == "Proxy-Authorization" || strings.Contains(name, "Idempotency") {
			for _, v := range vs {
				_, cred, _ := strings.Cut(v, " ")
				w.values = append(w.values, v, cred)
			}
		}
	}
	w.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

// TestTokenRefreshIsCountedAndMarked: finrota's first call fetches a token
// (refresh false); after the simulator revokes it, the 401 makes the
// client fetch another (refresh true). Both are counted and show as events
// on the attempt that needed them, and the token call is a span of its own
// below that attempt.
func TestTokenRefreshIsCountedAndMarked(t *testing.T) {
	r := newRig(t)
	srv := finrotatest.NewServer()
	defer srv.Close()
	c, err := srv.Client(finrota.WithObserver(r.obs))
	require.NoError(t, err)
	_, err = c.Widget.CreateToken(bg)
	require.NoError(t, err)
	srv.RevokeAccessTokens()
	_, err = c.Widget.CreateToken(bg)
	require.NoError(t, err)

	m := r.metrics(t)["paykit.token.fetches"]
	assert.Equal(t, map[string]int64{"false": 1, "true": 1}, counts(t, m, "paykit.token.refresh"))
	fetches := r.ended("finrota.AccessToken")
	require.Len(t, fetches, 2)
	tries := r.ended("GET /b2c/widget/token")
	require.Len(t, tries, 3, "one attempt, then the 401 and its repeat")
	assert.Equal(t, int64(401), attrs(tries[1])["http.response.status_code"].AsInt64())
	var events []string
	for _, try := range tries {
		for _, e := range try.Events() {
			refresh := attribute.NewSet(e.Attributes...)
			v, _ := refresh.Value("paykit.token.refresh")
			events = append(events, e.Name+" refresh="+v.String())
		}
	}
	assert.Equal(t, []string{"paykit.token.fetch refresh=false", "paykit.token.fetch refresh=true"}, events)
	parents := []trace.SpanID{tries[0].SpanContext().SpanID(), tries[2].SpanContext().SpanID()}
	for i, f := range fetches {
		assert.Equal(t, parents[i], f.Parent().SpanID(), "token fetch %d is a child of the attempt that needed it", i)
	}
}

// TestNoTraceHeadersUnlessAskedFor: by default no traceparent reaches the
// provider; WithPropagator sends the attempt span's context.
func TestNoTraceHeadersUnlessAskedFor(t *testing.T) {
	for _, withProp := range []bool{false, true} {
		t.Run(fmt.Sprintf("propagator=%v", withProp), func(t *testing.T) {
			var opts []pkotel.Option
			if withProp {
				opts = append(opts, pkotel.WithPropagator(propagation.TraceContext{}))
			}
			r := newRig(t, opts...)
			srv := mercadopagotest.NewServer()
			defer srv.Close()
			wire := &wireLog{}
			c, err := srv.Client(mercadopago.WithObserver(r.obs), mercadopago.WithHTTPClient(&http.Client{Transport: wire, Timeout: time.Minute}))
			require.NoError(t, err)
			_, err = c.Users.Me(bg)
			require.NoError(t, err)
			require.Len(t, wire.header, 1)
			got := wire.header[0].Get("Traceparent")
			if !withProp {
				assert.Empty(t, got)
				return
			}
			tries := r.ended("GET /users/me")
			require.Len(t, tries, 1)
			sc := tries[0].SpanContext()
			assert.Equal(t, "00-"+sc.TraceID().String()+"-"+sc.SpanID().String()+"-01", got)
		})
	}
}

func TestNewRefusesNilProviders(t *testing.T) {
	for _, o := range []pkotel.Option{pkotel.WithTracerProvider(nil), pkotel.WithMeterProvider(nil), pkotel.WithPropagator(nil)} {
		obs, err := pkotel.New(o)
		assert.Nil(t, obs)
		assert.ErrorContains(t, err, "must not be nil")
	}
}

// recorded is every string the rig recorded: span names, attribute keys
// and values, event names and attributes, status messages, metric names
// and point attributes.
func (r *rig) recorded(t *testing.T) []string {
	t.Helper()
	var out []string
	kvs := func(list []attribute.KeyValue) {
		for _, kv := range list {
			out = append(out, string(kv.Key), kv.Value.String())
		}
	}
	for _, s := range r.spans.Ended() {
		out = append(out, s.Name(), s.Status().Description)
		kvs(s.Attributes())
		for _, e := range s.Events() {
			out = append(out, e.Name)
			kvs(e.Attributes)
		}
		for _, l := range s.Links() {
			kvs(l.Attributes)
		}
	}
	var rm metricdata.ResourceMetrics
	require.NoError(t, r.reader.Collect(context.Background(), &rm))
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			out = append(out, m.Name, m.Description)
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					kvs(p.Attributes.ToSlice())
				}
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					kvs(p.Attributes.ToSlice())
				}
			default:
				t.Fatalf("metric %s has data of type %T the sweep does not read", m.Name, m.Data)
			}
		}
	}
	return out
}

// TestNoSecretIsRecorded drives real calls with planted secrets (access
// tokens, client secret, card number and CVV, idempotency key, finrota's
// key pair and the tokens fetched with it, a webhook secret) through
// successes, a retry, a refusal, a token refresh and webhooks, and finds
// none of them in any span name, attribute, event, status message or
// metric label.
func TestNoSecretIsRecorded(t *testing.T) {
	r := newRig(t, pkotel.WithPropagator(propagation.TraceContext{}))
	const (
		card   = "4509953566233704"
		cvv    = "864"
		key    = "idem-key-planted-7f3a9c"
		secret = "webhook-secret-planted-91d2"
	)
	wire := &wireLog{}
	hc := &http.Client{Transport: wire, Timeout: time.Minute}

	mp := mercadopagotest.NewServer()
	defer mp.Close()
	c, err := mp.Client(mercadopago.WithObserver(r.obs), mercadopago.WithHTTPClient(hc), mercadopago.WithRetryBackoff(time.Millisecond, time.Millisecond))
	require.NoError(t, err)
	tok := testCard(t, mp, card, cvv)
	req, opts := payment(tok, key)
	p, err := c.Payments.Create(bg, req, opts...)
	require.NoError(t, err)
	mp.FailNext(1, paykittest.Fault{Kind: paykittest.Status, Status: 503, Method: "GET"})
	_, err = c.Payments.Get(bg, p.ID)
	require.NoError(t, err)
	_, err = c.CardTokens.Get(bg, tok)
	require.NoError(t, err)
	_, err = c.Payments.Get(bg, 999999999)
	require.Error(t, err)

	const clientSecret = "PLANTED-oauth-client-secret-5510"
	mp2 := mercadopagotest.NewServer(mercadopagotest.WithOAuthApp("77001", clientSecret))
	defer mp2.Close()
	c2, err := mp2.Client(mercadopago.WithObserver(r.obs), mercadopago.WithHTTPClient(hc))
	require.NoError(t, err)
	app := &mercadopago.OAuthApp{ClientID: "77001", ClientSecret: clientSecret, RedirectURI: "https://platform.example/cb", AuthorizationURL: mp2.AuthURL()}
	start, err := c2.OAuth.Start(app)
	require.NoError(t, err)
	back, err := mp2.Authorize(start.URL, 0)
	require.NoError(t, err)
	u, err := url.Parse(back)
	require.NoError(t, err)
	code, err := mercadopago.ParseOAuthCallback(u, start.State)
	require.NoError(t, err)
	sellerTok, err := c2.OAuth.Exchange(bg, app, code, start.PKCE.Verifier)
	require.NoError(t, err)
	src, err := c2.OAuth.TokenSource(app, sellerTok, nil)
	require.NoError(t, err)
	_, err = c2.Users.Me(bg, mercadopago.WithSeller(src))
	require.NoError(t, err)
	mp2.ExpireSellerTokens()
	_, err = c2.Users.Me(bg, mercadopago.WithSeller(src))
	require.NoError(t, err)
	require.Equal(t, 1, src.Refreshes(), "the seller's token was refreshed")

	fr := finrotatest.NewServer()
	defer fr.Close()
	fc, err := fr.Client(finrota.WithObserver(r.obs), finrota.WithHTTPClient(hc))
	require.NoError(t, err)
	_, err = fc.Widget.CreateToken(bg)
	require.NoError(t, err)
	fr.RevokeAccessTokens()
	_, err = fc.Widget.CreateToken(bg)
	require.NoError(t, err)

	v, err := mercadopago.NewWebhookVerifier(secret, mercadopago.WithWebhookObserver(r.obs))
	require.NoError(t, err)
	_, err = v.Verify(notification(secret, "123", "req-9"))
	require.NoError(t, err)
	_, err = v.Verify(notification(secret+"x", "124", "req-10"))
	require.Error(t, err)

	creds := fr.Credentials()
	secrets := []string{mp.AccessToken, clientSecret, start.PKCE.Verifier, card, card[len(card)-8:], key, secret, tok,
		sellerTok.AccessToken, sellerTok.RefreshToken, creds.APIKey, creds.SecretKey}
	secrets = append(secrets, wire.values...)
	recorded := r.recorded(t)
	require.NotEmpty(t, recorded)
	assert.Contains(t, recorded, "mercadopago.OAuth.Refresh", "the sweep saw the seller's refresh")
	for _, s := range slices.Compact(slices.Sorted(slices.Values(secrets))) {
		if len(s) < 6 {
			continue
		}
		for _, got := range recorded {
			assert.NotContains(t, got, s, "a secret was recorded")
		}
	}
	for _, got := range recorded {
		assert.NotEqual(t, cvv, got, "the CVV was recorded")
	}
}

// TestTheSweepSeesEveryPlace: a value put in a span attribute, an event,
// a status message or a metric label shows up in what the sweep reads.
func TestTheSweepSeesEveryPlace(t *testing.T) {
	r := newRig(t)
	ctx, done := r.obs.Call(bg, paykit.CallInfo{Provider: "p", Operation: "p.S.M", Route: "/attr-planted", Method: "GET"})
	_, end := r.obs.Attempt(ctx, paykit.AttemptInfo{Call: paykit.CallInfo{Provider: "p", Operation: "p.S.M", Route: "/metric-planted", Method: "GET"}, Attempt: 2})
	r.obs.Token(ctx, paykit.TokenInfo{Provider: "p", ErrorType: "event-planted"})
	end(paykit.AttemptDone{StatusCode: 500, ErrorType: "500"})
	done(paykit.CallDone{ErrorType: "status-planted"})
	recorded := strings.Join(r.recorded(t), "\n")
	for _, s := range []string{"/attr-planted", "/metric-planted", "event-planted", "status-planted"} {
		assert.Contains(t, recorded, s)
	}
}
