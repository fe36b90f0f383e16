package fintecture

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/httpsig"
	"github.com/paykit-go/paykit/internal/transport"
	"github.com/paykit-go/paykit/money"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// seedConnect is the seed's payment session request.
func seedConnect() *ConnectRequest {
	return &ConnectRequest{
		Amount:        money.MustParse("273"),
		Currency:      "EUR",
		Communication: "B34970692",
		RedirectURI:   "https://shop.example.com/fintecture/return",
		State:         "order-B34970692",
		PSU: &PSU{
			Name: "Julien Lefebre", Email: "julien.lefebre@example.com", Phone: "09743593535",
			Company: "My Business SARL", Incorporation: "123456789",
			Address: &Address{Street: "rue Marie Stuart", Number: "2", Complement: "2nd floor", Zip: "75002", City: "PARIS", Country: "FR"},
		},
	}
}

func TestConnectSignedWire(t *testing.T) {
	mt, rec := mockAPI(t)
	mt.RegisterResponder(http.MethodPost, testBase+"/pis/v2/connect", respondFile(t, rec, 200, "connect_response.json"))
	c := newTestClient(t, mt, true)

	req := seedConnect()
	before := *req
	sess, err := c.PIS.Connect(context.Background(), req)
	require.NoError(t, err)
	assert.Equal(t, before, *req, "the caller's request is not modified")
	assert.Equal(t, "44f00841780445d4981be9ea2f8aafae", sess.SessionID)
	assert.Equal(t, "https://connect-v2.fintecture.com/v2/00547d75-243e-48ce-9b0c-12136c076a8a", sess.URL)
	assert.Equal(t, 1, sess.Meta.Attempts)
	assert.Equal(t, 200, sess.Meta.StatusCode)

	// The token call: Basic auth, form body, never signed.
	toks := rec.byPath("/oauth/accesstoken")
	require.Len(t, toks, 1)
	tok := toks[0]
	assert.Equal(t, http.MethodPost, tok.Method)
	assert.Equal(t, "Basic "+basic(testAppID, testSecret), tok.Header.Get("Authorization"))
	assert.Equal(t, "application/x-www-form-urlencoded", tok.Header.Get("Content-Type"))
	assert.Equal(t, "app_id="+testAppID+"&grant_type=client_credentials&scope=PIS", tok.Body)
	for _, h := range []string{"Signature", "Digest", "Date", "X-Request-Id"} {
		assert.Empty(t, tok.Header.Get(h), "token call must not carry %s", h)
	}

	// The Connect call, byte for byte, signed as the OpenSSL vector says.
	got := rec.byPath("/pis/v2/connect")
	require.Len(t, got, 1)
	r := got[0]
	assert.Equal(t, http.MethodPost, r.Method)
	assert.Equal(t, "redirect_uri=https%3A%2F%2Fshop.example.com%2Ffintecture%2Freturn&state=order-B34970692", r.RawQuery)
	assert.Equal(t, string(readTestdata(t, "connect_request.json")), r.Body)
	assert.Equal(t, "Bearer "+testToken, r.Header.Get("Authorization"))
	assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
	assert.Equal(t, "application/json", r.Header.Get("Accept"))
	assert.Equal(t, "Mon, 08 Jun 2020 23:11:23 GMT", r.Header.Get("Date"))
	assert.Equal(t, testReqID, r.Header.Get("X-Request-Id"))
	assert.Equal(t, "SHA-256=Fsc31OsF5997Kr2x72YB3WL9ftb2TYQHyxyUFo8g1Qw=", r.Header.Get("Digest"))
	wantSig := strings.TrimSpace(string(readTestdata(t, "connect_signature.b64")))
	assert.Equal(t, `keyId="`+testAppID+`",algorithm="rsa-sha256",headers="(request-target) date digest x-request-id",signature="`+wantSig+`"`,
		r.Header.Get("Signature"))
	// The signing string the client signed is the one OpenSSL signed.
	ss, err := httpsig.SigningString([]string{"(request-target)", "date", "digest", "x-request-id"}, r.Method, r.Path+"?"+r.RawQuery, r.Header)
	require.NoError(t, err)
	assert.Equal(t, string(readTestdata(t, "connect_signing_string.txt")), ss)
	assert.Contains(t, r.Header.Get("User-Agent"), "paykit-go/")
}

func basic(u, p string) string {
	r, _ := http.NewRequest(http.MethodGet, "http://x", nil)
	r.SetBasicAuth(u, p)
	return strings.TrimPrefix(r.Header.Get("Authorization"), "Basic ")
}

func TestConnectOptionalHeadersAndFields(t *testing.T) {
	mt, rec := mockAPI(t)
	mt.RegisterResponder(http.MethodPost, testBase+"/pis/v2/connect", respondFile(t, rec, 200, "connect_response.json"))
	c := newTestClient(t, mt, false)
	_, err := c.PIS.Connect(context.Background(), &ConnectRequest{
		Amount: money.MustParse("10.5"), Currency: "EUR", RedirectURI: "https://shop.example.com/r?x=1&y=<a>",
		State: "é&=?", Language: "fr", Country: "FR", Provider: "cmcifr2a", PSUType: "retail",
		EndToEndID: "e2e", ExecutionDate: "2021-02-28", Expiry: 90 * time.Minute, PSU: &PSU{IP: "203.0.113.9"},
	}, WithHeader("X-Trace", "t1"))
	require.NoError(t, err)
	r := rec.byPath("/pis/v2/connect")[0]
	assert.Equal(t, "redirect_uri=https%3A%2F%2Fshop.example.com%2Fr%3Fx%3D1%26y%3D%3Ca%3E&state=%C3%A9%26%3D%3F", r.RawQuery)
	assert.Equal(t, `{"meta":{"psu_ip":"203.0.113.9","expiry":5400},"data":{"type":"PIS","attributes":{"amount":"10.50","currency":"EUR","end_to_end_id":"e2e","execution_date":"2021-02-28"}}}`, r.Body)
	assert.Equal(t, "fr", r.Header.Get("X-Language"))
	assert.Equal(t, "FR", r.Header.Get("X-Country"))
	assert.Equal(t, "cmcifr2a", r.Header.Get("X-Provider"))
	assert.Equal(t, "retail", r.Header.Get("X-Psu-Type"))
	assert.Equal(t, "t1", r.Header.Get("X-Trace"))
	// Unsigned in sandbox without a key.
	for _, h := range []string{"Signature", "Digest"} {
		assert.Empty(t, r.Header.Get(h))
	}
}

func TestConnectValidationSendsNothing(t *testing.T) {
	long := strings.Repeat("s", 513)
	tests := []struct {
		name string
		mod  func(r *ConnectRequest)
		want string
	}{
		{"zero amount", func(r *ConnectRequest) { r.Amount = money.Decimal{} }, "fintecture: data.attributes.amount: must be greater than 0"},
		{"negative amount", func(r *ConnectRequest) { r.Amount = money.MustParse("-1") }, "fintecture: data.attributes.amount: must be greater than 0"},
		{"three decimals", func(r *ConnectRequest) { r.Amount = money.MustParse("1.005") }, "fintecture: data.attributes.amount: must have at most 2 decimals"},
		{"lower-case currency", func(r *ConnectRequest) { r.Currency = "eur" }, "fintecture: data.attributes.currency: must be a 3-letter ISO 4217 code"},
		{"no currency", func(r *ConnectRequest) { r.Currency = "" }, "fintecture: data.attributes.currency"},
		{"no state", func(r *ConnectRequest) { r.State = "" }, "fintecture: state: must not be empty"},
		{"state too long", func(r *ConnectRequest) { r.State = long }, "fintecture: state: must be at most 512 characters"},
		{"relative redirect", func(r *ConnectRequest) { r.RedirectURI = "/return" }, "fintecture: redirect_uri: must be an absolute http or https URL"},
		{"no redirect", func(r *ConnectRequest) { r.RedirectURI = "" }, "fintecture: redirect_uri"},
		{"bad execution date", func(r *ConnectRequest) { r.ExecutionDate = "28/02/2021" }, "fintecture: data.attributes.execution_date"},
		{"negative expiry", func(r *ConnectRequest) { r.Expiry = -time.Second }, "fintecture: meta.expiry"},
		{"header injection", func(r *ConnectRequest) { r.Language = "fr\r\nX: y" }, "fintecture: x-language"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mt, _ := mockAPI(t)
			c := newTestClient(t, mt, true)
			r := seedConnect()
			tt.mod(r)
			_, err := c.PIS.Connect(context.Background(), r)
			var ve *paykit.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Contains(t, err.Error(), tt.want)
			assert.Equal(t, 0, mt.GetTotalCallCount(), "nothing may be sent")
		})
	}
	mt, _ := mockAPI(t)
	c := newTestClient(t, mt, true)
	_, err := c.PIS.Connect(context.Background(), nil)
	require.Error(t, err)
	r := seedConnect()
	r.State = strings.Repeat("s", 512)
	assert.NoError(t, r.validate(), "512 characters is allowed")
}

func TestConnectAnswerWithoutSession(t *testing.T) {
	mt, rec := mockAPI(t)
	mt.RegisterResponder(http.MethodPost, testBase+"/pis/v2/connect", func(req *http.Request) (*http.Response, error) {
		rec.add(req)
		return httpmock.NewStringResponse(200, `{"meta":{}}`), nil
	})
	c := newTestClient(t, mt, false)
	_, err := c.PIS.Connect(context.Background(), seedConnect())
	var fe *Error
	require.ErrorAs(t, err, &fe)
	assert.Contains(t, err.Error(), "no meta.session_id")
}

func TestGetPaymentSeedAndDrifted(t *testing.T) {
	mt, rec := mockAPI(t)
	c := newTestClient(t, mt, true)
	mt.RegisterResponder(http.MethodGet, testBase+"/pis/v2/payments/44f00841780445d4981be9ea2f8aafae", respondFile(t, rec, 200, "payment.json"))
	p, err := c.PIS.GetPayment(context.Background(), "44f00841780445d4981be9ea2f8aafae")
	require.NoError(t, err)
	want := &Payment{
		SessionID: "44f00841780445d4981be9ea2f8aafae", Status: StatusCreated, Code: 200, Provider: "cmcifr2a",
		CustomerID: "3621eacaccd04fa772638dec70da323c", IsAccepted: true, HasSettlementCompleted: true,
		Type: "PayByBank", InitialType: "PayByBank", Amount: money.MustParse("273"), Currency: "EUR",
		Communication: "B34970692", EndToEndID: "44f00841780445d4981be9ea2f8aafae", ExecutionDate: "2021-02-28",
		PaymentScheme: "SEPA", TransferState: TransferCompleted, BankAccountID: "ee6f357e-e49c-4ff2-954f-b92f237cc800",
		AccountType: "external", Meta: p.Meta,
	}
	assert.Equal(t, want, p)
	assert.True(t, p.Status.Paid())
	assert.True(t, p.Status.Final())

	r := rec.byPath("/pis/v2/payments/44f00841780445d4981be9ea2f8aafae")[0]
	assert.Equal(t, http.MethodGet, r.Method)
	assert.Empty(t, r.Body)
	assert.Empty(t, r.Header.Get("Digest"), "a GET carries no Digest")
	assert.Equal(t, `keyId="`+testAppID+`",algorithm="rsa-sha256",headers="(request-target) date x-request-id",signature="`,
		r.Header.Get("Signature")[:len(`keyId="`+testAppID+`",algorithm="rsa-sha256",headers="(request-target) date x-request-id",signature="`)])

	mt.RegisterResponder(http.MethodGet, testBase+"/pis/v2/payments/drifted", respondFile(t, rec, 200, "payment_drifted.json"))
	p, err = c.PIS.GetPayment(context.Background(), "drifted")
	require.NoError(t, err, "drifted fields must not fail the call")
	assert.Equal(t, PaymentStatus("payment_teleported"), p.Status)
	assert.False(t, p.Status.Known())
	assert.Equal(t, TransferState("quantum"), p.TransferState)
	assert.False(t, p.TransferState.Known())
	assert.Equal(t, 200, p.Code)
	assert.True(t, p.IsAccepted)
	assert.False(t, p.HasSettlementCompleted)
	assert.Equal(t, "", p.Type)
	assert.Equal(t, "12345", p.CustomerID)
	assert.Equal(t, "273.5", p.Amount.String())
}

func TestGetPaymentEscapesID(t *testing.T) {
	mt, rec := mockAPI(t)
	c := newTestClient(t, mt, true)
	mt.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
		rec.add(req)
		return httpmock.NewStringResponse(404, `{"status":"404","code":"not_found"}`), nil
	})
	_, err := c.PIS.GetPayment(context.Background(), "../connect?x")
	require.Error(t, err)
	r := rec.all()[len(rec.all())-1]
	assert.Equal(t, "/pis/v2/payments/..%2Fconnect%3Fx", r.Path)
	// The signature covers the escaped target exactly as sent.
	pub, err := httpsig.ParsePublicKey(readTestdata(t, "pub.pem"))
	require.NoError(t, err)
	params, err := httpsig.ParseSignatureHeader(r.Header.Get("Signature"))
	require.NoError(t, err)
	ss, err := httpsig.SigningString(params.Headers, r.Method, r.Path, r.Header)
	require.NoError(t, err)
	assert.NoError(t, httpsig.Verify(pub, ss, params.Signature))

	_, err = c.PIS.GetPayment(context.Background(), " ")
	var ve *paykit.ValidationError
	assert.ErrorAs(t, err, &ve)
}

func TestSignedGETVerifiesWithPublicKey(t *testing.T) {
	mt, rec := mockAPI(t)
	c := newTestClient(t, mt, true)
	mt.RegisterResponder(http.MethodGet, testBase+"/pis/v2/payments/44f00841780445d4981be9ea2f8aafae", respondFile(t, rec, 200, "payment.json"))
	_, err := c.PIS.GetPayment(context.Background(), "44f00841780445d4981be9ea2f8aafae")
	require.NoError(t, err)
	r := rec.byPath("/pis/v2/payments/44f00841780445d4981be9ea2f8aafae")[0]
	params, err := httpsig.ParseSignatureHeader(r.Header.Get("Signature"))
	require.NoError(t, err)
	assert.Equal(t, testAppID, params.KeyID)
	assert.Equal(t, []string{"(request-target)", "date", "x-request-id"}, params.Headers)
	ss, err := httpsig.SigningString(params.Headers, r.Method, r.Path, r.Header)
	require.NoError(t, err)
	assert.Equal(t, "(request-target): get /pis/v2/payments/44f00841780445d4981be9ea2f8aafae\ndate: Mon, 08 Jun 2020 23:11:23 GMT\nx-request-id: "+testReqID, ss)
	pub, err := httpsig.ParsePublicKey(readTestdata(t, "pub.pem"))
	require.NoError(t, err)
	assert.NoError(t, httpsig.Verify(pub, ss, params.Signature))
	assert.Error(t, httpsig.Verify(pub, ss+"x", params.Signature))
}

func TestFreshSignatureOnEveryAttempt(t *testing.T) {
	mt, rec := mockAPI(t)
	// Real clock and ids: every attempt must get new ones.
	c, err := NewClient(Credentials{AppID: testAppID, AppSecret: testSecret, PrivateKey: readTestdata(t, "key.pem")},
		WithBaseURL(testBase), WithHTTPClient(&http.Client{Transport: mt}),
		func(s *settings) {
			var mu sync.Mutex
			now := testDate
			s.Clock = func() time.Time { mu.Lock(); defer mu.Unlock(); now = now.Add(time.Second); return now }
			s.Sleep = func(context.Context, time.Duration) error { return nil }
		})
	require.NoError(t, err)
	n := 0
	mt.RegisterResponder(http.MethodGet, testBase+"/pis/v2/payments/s1", func(req *http.Request) (*http.Response, error) {
		rec.add(req)
		n++
		if n == 1 {
			return httpmock.NewStringResponse(503, `{"status":"503","code":"unavailable"}`), nil
		}
		return httpmock.NewBytesResponse(200, readTestdata(t, "payment.json")), nil
	})
	p, err := c.PIS.GetPayment(context.Background(), "s1")
	require.NoError(t, err)
	assert.Equal(t, 2, p.Meta.Attempts)
	got := rec.byPath("/pis/v2/payments/s1")
	require.Len(t, got, 2)
	assert.NotEqual(t, got[0].Header.Get("X-Request-Id"), got[1].Header.Get("X-Request-Id"))
	assert.NotEqual(t, got[0].Header.Get("Date"), got[1].Header.Get("Date"))
	assert.NotEqual(t, got[0].Header.Get("Signature"), got[1].Header.Get("Signature"))
	pub, _ := httpsig.ParsePublicKey(readTestdata(t, "pub.pem"))
	for _, r := range got {
		params, err := httpsig.ParseSignatureHeader(r.Header.Get("Signature"))
		require.NoError(t, err)
		ss, err := httpsig.SigningString(params.Headers, r.Method, r.Path, r.Header)
		require.NoError(t, err)
		assert.NoError(t, httpsig.Verify(pub, ss, params.Signature))
	}
}

func TestConnectNeverRepeatedAfter5xx(t *testing.T) {
	mt, rec := mockAPI(t)
	c := newTestClient(t, mt, true)
	mt.RegisterResponder(http.MethodPost, testBase+"/pis/v2/connect", func(req *http.Request) (*http.Response, error) {
		rec.add(req)
		return httpmock.NewStringResponse(502, `{"status":"502","code":"bad_gateway"}`), nil
	})
	_, err := c.PIS.Connect(context.Background(), seedConnect(), WithIdempotencyKey("order-1"))
	var fe *Error
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, 502, fe.StatusCode)
	assert.Len(t, rec.byPath("/pis/v2/connect"), 1, "a POST without idempotency must not be repeated")
	assert.Empty(t, rec.byPath("/pis/v2/connect")[0].Header.Get("Idempotency-Key"))
}

func TestConnect429IsRetried(t *testing.T) {
	mt, rec := mockAPI(t)
	c := newTestClient(t, mt, true)
	n := 0
	mt.RegisterResponder(http.MethodPost, testBase+"/pis/v2/connect", func(req *http.Request) (*http.Response, error) {
		rec.add(req)
		n++
		if n == 1 {
			return httpmock.NewStringResponse(429, `{"status":"429","code":"too_many_requests"}`), nil
		}
		return httpmock.NewBytesResponse(200, readTestdata(t, "connect_response.json")), nil
	})
	s, err := c.PIS.Connect(context.Background(), seedConnect())
	require.NoError(t, err)
	assert.Equal(t, 2, s.Meta.Attempts)
}

func TestErrorDecoding(t *testing.T) {
	mt, rec := mockAPI(t)
	c := newTestClient(t, mt, true, WithMaxRetries(0))
	mt.RegisterResponder(http.MethodGet, testBase+"/pis/v2/payments/a", func(req *http.Request) (*http.Response, error) {
		rec.add(req)
		resp := httpmock.NewBytesResponse(400, readTestdata(t, "error_400_detail.json"))
		resp.Header.Set("X-Request-Id", "rid-1")
		return resp, nil
	})
	mt.RegisterResponder(http.MethodGet, testBase+"/pis/v2/payments/b", func(req *http.Request) (*http.Response, error) {
		rec.add(req)
		return httpmock.NewStringResponse(502, `<html>bad gateway `+testSecret+`</html>`), nil
	})
	_, err := c.PIS.GetPayment(context.Background(), "a")
	var fe *Error
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, 400, fe.StatusCode)
	assert.Equal(t, "bad_request", fe.Code)
	assert.Equal(t, "rid-1", fe.RequestID)
	assert.Equal(t, []ErrorDetail{{Code: "amount_invalid", Title: "Invalid amount", Message: "amount must be a positive decimal"}, {Title: "state is required"}}, fe.Details)
	assert.Equal(t, "fintecture: GET /pis/v2/payments/a: 400 Bad Request (code bad_request); amount_invalid: amount must be a positive decimal; state is required", err.Error())
	var base *transport.Error
	assert.ErrorAs(t, err, &base)
	assert.Equal(t, err.Error(), fe.GoString())

	_, err = c.PIS.GetPayment(context.Background(), "b")
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, 502, fe.StatusCode)
	assert.Empty(t, fe.Code)
	assert.NotContains(t, err.Error(), testSecret)
	assert.True(t, strings.HasPrefix(err.Error(), "fintecture: GET /pis/v2/payments/b: 502"))
}

func TestTokenCachedAndRefetchedOn401(t *testing.T) {
	mt := httpmock.NewMockTransport()
	rec := &recorder{}
	tokens := 0
	mt.RegisterResponder(http.MethodPost, testBase+"/oauth/accesstoken", func(req *http.Request) (*http.Response, error) {
		rec.add(req)
		tokens++
		time.Sleep(10 * time.Millisecond) // let the waiters pile up
		return httpmock.NewStringResponse(200, `{"token_type":"Bearer","access_token":"tok-`+string(rune('0'+tokens))+`","expires_in":"3600"}`), nil
	})
	var mu = make(chan struct{}, 1)
	mu <- struct{}{}
	rejectOnce := true
	mt.RegisterResponder(http.MethodGet, testBase+"/pis/v2/payments/s", func(req *http.Request) (*http.Response, error) {
		rec.add(req)
		<-mu
		defer func() { mu <- struct{}{} }()
		if req.Header.Get("Authorization") == "Bearer tok-1" && !rejectOnce {
			return httpmock.NewBytesResponse(401, readTestdata(t, "error_401.json")), nil
		}
		return httpmock.NewBytesResponse(200, readTestdata(t, "payment.json")), nil
	})
	c := newTestClient(t, mt, false)
	errs := make(chan error, 20)
	for range 20 {
		go func() { _, err := c.PIS.GetPayment(context.Background(), "s"); errs <- err }()
	}
	for range 20 {
		require.NoError(t, <-errs)
	}
	assert.Equal(t, 1, tokens, "one token for twenty concurrent callers")

	<-mu
	rejectOnce = false
	mu <- struct{}{}
	p, err := c.PIS.GetPayment(context.Background(), "s")
	require.NoError(t, err)
	assert.Equal(t, 2, tokens, "a 401 fetches a new token once")
	assert.Equal(t, 2, p.Meta.Attempts)

	tok, err := c.Token(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "tok-2", tok.Value)
	assert.Equal(t, testDate.Add(time.Hour), tok.Expiry)
	assert.NotContains(t, tok.String(), "tok-2")
}

func TestTokenErrors(t *testing.T) {
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, testBase+"/oauth/accesstoken",
		httpmock.NewStringResponder(401, `{"status":"401","code":"invalid_client","errors":[{"title":"Bad credentials for `+testSecret+`"}]}`))
	c := newTestClient(t, mt, false)
	_, err := c.PIS.GetPayment(context.Background(), "s")
	var fe *Error
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "invalid_client", fe.Code)
	assert.NotContains(t, err.Error(), testSecret)

	mt2 := httpmock.NewMockTransport()
	mt2.RegisterResponder(http.MethodPost, testBase+"/oauth/accesstoken", httpmock.NewStringResponder(200, `{"token_type":"Bearer"}`))
	c = newTestClient(t, mt2, false)
	_, err = c.PIS.GetPayment(context.Background(), "s")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "without an access_token")
	assert.Equal(t, 1, mt2.GetTotalCallCount(), "no API call without a token")
	assert.False(t, errors.Is(err, context.Canceled))
}

func TestCancelPayment(t *testing.T) {
	mt, rec := mockAPI(t)
	c := newTestClient(t, mt, true)
	mt.RegisterResponder(http.MethodPatch, testBase+"/pis/v2/payments/s1", func(req *http.Request) (*http.Response, error) {
		rec.add(req)
		return httpmock.NewStringResponse(200, ``), nil
	})
	p, err := c.PIS.CancelPayment(context.Background(), "s1")
	require.NoError(t, err)
	assert.Equal(t, "s1", p.SessionID)
	assert.Equal(t, StatusCancelled, p.Status)
	r := rec.byPath("/pis/v2/payments/s1")[0]
	assert.Equal(t, http.MethodPatch, r.Method)
	assert.Equal(t, `{"meta":{"status":"payment_cancelled"}}`, r.Body)
	assert.Equal(t, httpsig.Digest([]byte(r.Body)), r.Header.Get("Digest"))
	assert.Contains(t, r.Header.Get("Signature"), `headers="(request-target) date digest x-request-id"`)

	mt.RegisterResponder(http.MethodPatch, testBase+"/pis/v2/payments/s2", httpmock.NewStringResponder(200, `{"meta":{"session_id":"s2","status":"payment_cancelled","code":200}}`))
	p, err = c.PIS.CancelPayment(context.Background(), "s2")
	require.NoError(t, err)
	assert.Equal(t, 200, p.Code)
}

func TestRefundWire(t *testing.T) {
	tests := []struct {
		name     string
		req      RefundRequest
		wantBody string
		wantAmt  string
	}{
		{"full", RefundRequest{SessionID: "s1", Communication: "Refund B34970692"},
			`{"meta":{"session_id":"s1"},"data":{"attributes":{"communication":"Refund B34970692"}}}`, "0"},
		{"partial", RefundRequest{SessionID: "s1", Amount: money.MustParse("73.5")},
			`{"meta":{"session_id":"s1"},"data":{"attributes":{"amount":"73.50"}}}`, "73.50"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mt, rec := mockAPI(t)
			c := newTestClient(t, mt, true)
			mt.RegisterResponder(http.MethodPost, testBase+"/pis/v2/refund", func(req *http.Request) (*http.Response, error) {
				rec.add(req)
				return httpmock.NewStringResponse(200, `{"meta":{"session_id":"r1","status":"refund_waiting"}}`), nil
			})
			ref, err := c.PIS.Refund(context.Background(), &tt.req)
			require.NoError(t, err)
			assert.Equal(t, "r1", ref.SessionID)
			assert.Equal(t, "s1", ref.RefundedSessionID)
			assert.Equal(t, PaymentStatus("refund_waiting"), ref.Status)
			assert.Equal(t, tt.wantAmt, ref.Amount.String())
			r := rec.byPath("/pis/v2/refund")[0]
			assert.Equal(t, tt.wantBody, r.Body)
			assert.Equal(t, httpsig.Digest([]byte(tt.wantBody)), r.Header.Get("Digest"))
		})
	}
	mt, _ := mockAPI(t)
	c := newTestClient(t, mt, true)
	for _, bad := range []*RefundRequest{nil, {}, {SessionID: "s", Amount: money.MustParse("-2")}, {SessionID: "s", Amount: money.MustParse("0.001")}} {
		_, err := c.PIS.Refund(context.Background(), bad)
		require.Error(t, err)
	}
	assert.Equal(t, 0, mt.GetTotalCallCount())
}

func TestTokenRequestRetriedAfter5xx(t *testing.T) {
	mt := httpmock.NewMockTransport()
	n := 0
	mt.RegisterResponder(http.MethodPost, testBase+"/oauth/accesstoken", func(req *http.Request) (*http.Response, error) {
		n++
		if n == 1 {
			return httpmock.NewStringResponse(503, `{"status":"503","code":"unavailable"}`), nil
		}
		return httpmock.NewBytesResponse(200, readTestdata(t, "token.json")), nil
	})
	c := newTestClient(t, mt, false)
	_, err := c.Token(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 2, n, "a token request moves no money and is repeated after a 503")
}
