package fintecture

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/paykit-go/paykit/money"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	testBase   = "https://api.test"
	testAppID  = "2dfdcf57-5b2f-4309-846f-913d0b2802cf"
	testSecret = "app-secret-do-not-print-7f3a"
	testToken  = "eyJhbGciOiJub25lIn0.eyJleHAiOjE1MTQwODA0MjQsI.sandboxtoken"
	testReqID  = "88c414df-6895-48db-8ef3-1fd1ce4272c6"
)

var testDate = time.Date(2020, 6, 8, 23, 11, 23, 0, time.UTC)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	// The provider's answers live in fintecturetest/testdata, where users' tests
	// embed them too; the requests this package sends stay in testdata.
	b, err := os.ReadFile(filepath.Join("fintecturetest", "testdata", name))
	if os.IsNotExist(err) {
		b, err = os.ReadFile(filepath.Join("testdata", name))
	}
	require.NoError(t, err)
	return b
}

// withTestHooks fixes the signer's clock and request id and makes retries
// instant.
func withTestHooks(now time.Time, reqID string) Option {
	return func(s *settings) {
		s.Clock = func() time.Time { return now }
		s.requestID = func() string { return reqID }
		s.Sleep = func(context.Context, time.Duration) error { return nil }
	}
}

// recorder keeps what each mocked request looked like on the wire.
type recorder struct {
	mu   sync.Mutex
	reqs []recorded
}

type recorded struct {
	Method, Path, RawQuery string
	Header                 http.Header
	Body                   string
}

func (r *recorder) add(req *http.Request) recorded {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
	}
	rec := recorded{Method: req.Method, Path: req.URL.EscapedPath(), RawQuery: req.URL.RawQuery, Header: req.Header.Clone(), Body: string(body)}
	r.mu.Lock()
	r.reqs = append(r.reqs, rec)
	r.mu.Unlock()
	return rec
}

func (r *recorder) all() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recorded(nil), r.reqs...)
}

func (r *recorder) byPath(p string) []recorded {
	var out []recorded
	for _, rec := range r.all() {
		if rec.Path == p {
			out = append(out, rec)
		}
	}
	return out
}

// mockAPI returns a transport whose token endpoint answers token.json and a
// recorder of every request.
func mockAPI(t *testing.T) (*httpmock.MockTransport, *recorder) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	rec := &recorder{}
	mt.RegisterResponder(http.MethodPost, testBase+"/oauth/accesstoken", func(req *http.Request) (*http.Response, error) {
		rec.add(req)
		return httpmock.NewBytesResponse(200, readTestdata(t, "token.json")), nil
	})
	return mt, rec
}

func respondFile(t *testing.T, rec *recorder, status int, file string) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		rec.add(req)
		resp := httpmock.NewBytesResponse(status, readTestdata(t, file))
		resp.Header.Set("Content-Type", "application/json")
		return resp, nil
	}
}

func newTestClient(t *testing.T, mt *httpmock.MockTransport, signed bool, opts ...Option) *Client {
	t.Helper()
	creds := Credentials{AppID: testAppID, AppSecret: testSecret}
	if signed {
		creds.PrivateKey = readTestdata(t, "key.pem")
	}
	all := append([]Option{WithBaseURL(testBase), WithHTTPClient(&http.Client{Transport: mt}),
		withTestHooks(testDate, testReqID)}, opts...)
	c, err := NewClient(creds, all...)
	require.NoError(t, err)
	return c
}

var smallKeyPEM = sync.OnceValue(func() []byte {
	k, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		panic(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
})

func TestNewClientValidation(t *testing.T) {
	key := readTestdata(t, "key.pem")
	tests := []struct {
		name  string
		creds Credentials
		opts  []Option
		want  string // "" = ok
	}{
		{"sandbox without key", Credentials{AppID: "a", AppSecret: "s"}, nil, ""},
		{"sandbox with key", Credentials{AppID: "a", AppSecret: "s", PrivateKey: key}, nil, ""},
		{"production with key", Credentials{AppID: "a", AppSecret: "s", PrivateKey: key}, []Option{WithEnvironment(Production)}, ""},
		{"empty app id", Credentials{AppSecret: "s"}, nil, "fintecture: app id: must not be empty"},
		{"quote in app id", Credentials{AppID: `a"b`, AppSecret: "s"}, nil, "fintecture: app id: must not contain quotes, colons or line breaks"},
		{"empty secret", Credentials{AppID: "a"}, nil, "fintecture: app secret: must not be empty"},
		{"production without key", Credentials{AppID: "a", AppSecret: "s"}, []Option{WithEnvironment(Production)}, "fintecture: private key: required in production"},
		{"garbage key", Credentials{AppID: "a", AppSecret: "s", PrivateKey: []byte("not a pem")}, nil, "fintecture: private key: httpsig: no PEM block"},
		{"public key given as private", Credentials{AppID: "a", AppSecret: "s", PrivateKey: readTestdata(t, "pub.pem")}, nil, "fintecture: private key:"},
		{"short key", Credentials{AppID: "a", AppSecret: "s", PrivateKey: smallKeyPEM()}, nil, "fintecture: private key: RSA key of 1024 bits"},
		{"bad environment", Credentials{AppID: "a", AppSecret: "s"}, []Option{WithEnvironment(7)}, "fintecture: environment 7"},
		{"bad base URL", Credentials{AppID: "a", AppSecret: "s"}, []Option{WithBaseURL("ftp://x")}, "fintecture: base URL"},
		{"negative retries", Credentials{AppID: "a", AppSecret: "s"}, []Option{WithMaxRetries(-1)}, "fintecture: max retries -1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := NewClient(tt.creds, tt.opts...)
			if tt.want == "" {
				require.NoError(t, err)
				assert.Equal(t, len(tt.creds.PrivateKey) > 0, c.Signs())
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), "MII") // no key bytes echoed
		})
	}
}

func TestEnvironmentPicksBaseURL(t *testing.T) {
	c, err := NewClient(Credentials{AppID: "a", AppSecret: "s"})
	require.NoError(t, err)
	assert.Equal(t, SandboxURL, c.api.BaseURL())
	c, err = NewClient(Credentials{AppID: "a", AppSecret: "s", PrivateKey: readTestdata(t, "key.pem")}, WithEnvironment(Production))
	require.NoError(t, err)
	assert.Equal(t, ProductionURL, c.api.BaseURL())
	assert.Equal(t, Production, c.Environment())
	assert.Equal(t, "production", Production.String())
}

func TestSecretsNeverPrinted(t *testing.T) {
	creds := Credentials{AppID: testAppID, AppSecret: testSecret, PrivateKey: readTestdata(t, "key.pem")}
	var logBuf strings.Builder
	logger := slog.New(slog.NewTextHandler(&logBuf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	logger.Info("creds", "c", creds)
	c, err := NewClient(creds)
	require.NoError(t, err)
	for _, s := range []string{fmt.Sprint(creds), fmt.Sprintf("%+v", creds), fmt.Sprintf("%#v", creds), logBuf.String(),
		fmt.Sprint(c), fmt.Sprintf("%#v", c)} {
		assert.NotContains(t, s, testSecret)
		assert.NotContains(t, s, "PRIVATE KEY")
		assert.NotContains(t, s, "MII")
	}
	assert.Contains(t, creds.String(), testAppID)
}

func TestPKCS1KeyAccepted(t *testing.T) {
	k, err := x509.ParsePKCS8PrivateKey(mustPEMBlock(t, readTestdata(t, "key.pem")))
	require.NoError(t, err)
	pkcs1 := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k.(*rsa.PrivateKey))})
	mt, rec := mockAPI(t)
	mt.RegisterResponder(http.MethodPost, testBase+"/pis/v2/connect", respondFile(t, rec, 200, "connect_response.json"))
	c, err := NewClient(Credentials{AppID: testAppID, AppSecret: testSecret, PrivateKey: pkcs1},
		WithEnvironment(Production), WithBaseURL(testBase), WithHTTPClient(&http.Client{Transport: mt}), withTestHooks(testDate, testReqID))
	require.NoError(t, err)
	_, err = c.PIS.Connect(context.Background(), &ConnectRequest{Amount: money.MustParse("273"), Currency: "EUR", Communication: "B34970692",
		RedirectURI: "https://shop.example.com/fintecture/return", State: "order-B34970692",
		PSU: &PSU{Name: "Julien Lefebre", Email: "julien.lefebre@example.com", Phone: "09743593535", Company: "My Business SARL",
			Incorporation: "123456789", Address: &Address{Street: "rue Marie Stuart", Number: "2", Complement: "2nd floor", Zip: "75002", City: "PARIS", Country: "FR"}}})
	require.NoError(t, err)
	// Same key, same bytes, same signature as the OpenSSL vector.
	assert.Contains(t, rec.byPath("/pis/v2/connect")[0].Header.Get("Signature"), strings.TrimSpace(string(readTestdata(t, "connect_signature.b64"))))
}

func mustPEMBlock(t *testing.T, b []byte) []byte {
	t.Helper()
	blk, _ := pem.Decode(b)
	require.NotNil(t, blk)
	return blk.Bytes
}
