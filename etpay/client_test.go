package etpay

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/paykit-go/paykit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	testAPI     = "https://api.etpay.test"
	testPMT     = "https://pmt.etpay.test"
	testCode    = "cl_demo_cl"
	testAPIKey  = "4a005f0eca91cd9474cadce4e5fc6f91"
	testSigning = "9c1d0b7e2f5a4c3b8e6d1f0a7b2c9e4d"
)

func testCreds() Credentials {
	return Credentials{MerchantCode: testCode, MerchantAPIToken: testAPIKey}
}

func newMockClient(t *testing.T, opts ...Option) (*Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	all := append([]Option{WithAPIURL(testAPI), WithPaymentURL(testPMT), WithHTTPClient(&http.Client{Transport: mt})}, opts...)
	c, err := NewClient(testCreds(), all...)
	require.NoError(t, err)
	return c, mt
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	// The provider's answers live in etpaytest/testdata, where users' tests
	// embed them too; the requests this package sends stay in testdata.
	b, err := os.ReadFile(filepath.Join("etpaytest", "testdata", name))
	if os.IsNotExist(err) {
		b, err = os.ReadFile(filepath.Join("testdata", name))
	}
	require.NoError(t, err)
	return b
}

func TestNewClientValidation(t *testing.T) {
	tests := []struct {
		name  string
		creds Credentials
		opts  []Option
		want  string
	}{
		{"no merchant code", Credentials{MerchantAPIToken: "x"}, []Option{WithSandbox()}, "etpay: merchant code: must not be empty"},
		{"no api token", Credentials{MerchantCode: "x"}, []Option{WithSandbox()}, "etpay: merchant API token: must not be empty"},
		{"no api url", testCreds(), []Option{WithPaymentURL(testPMT)}, "etpay: API URL: must be set (WithAPIURL or WithSandbox)"},
		{"no payment url", testCreds(), []Option{WithAPIURL(testAPI)}, "etpay: payment URL: must be set (WithPaymentURL or WithSandbox)"},
		{"relative payment url", testCreds(), []Option{WithAPIURL(testAPI), WithPaymentURL("/pmt")}, `etpay: payment URL "/pmt": must be an absolute http or https URL without query`},
		{"bad api url", testCreds(), []Option{WithAPIURL("ftp://x"), WithPaymentURL(testPMT)}, `etpay: base URL "ftp://x": must be an absolute http or https URL`},
		{"negative retries", testCreds(), []Option{WithSandbox(), WithMaxRetries(-1)}, "etpay: max retries -1: must be 0 (off) or more"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewClient(tt.creds, tt.opts...)
			require.Error(t, err)
			assert.Equal(t, tt.want, err.Error())
		})
	}
}

func TestNewClientURLs(t *testing.T) {
	c, err := NewClient(testCreds(), WithSandbox())
	require.NoError(t, err)
	assert.Equal(t, SandboxAPIURL, c.APIURL())
	assert.Equal(t, SandboxPaymentURL, c.PaymentURL())
	assert.Equal(t, "https://pmt-sandbox.etpay.com/session/abc", c.RedirectURL("abc"))
	assert.Equal(t, "https://pmt-sandbox.etpay.com/session/a%2Fb", c.RedirectURL("a/b"), "a token cannot change the route")

	// WithBaseURL is the common alias of WithAPIURL; later options win.
	c, err = NewClient(testCreds(), WithSandbox(), WithBaseURL("https://api.example/v2/"), WithPaymentURL("https://pay.example/x/"))
	require.NoError(t, err)
	assert.Equal(t, "https://api.example/v2", c.APIURL())
	assert.Equal(t, "https://pay.example/x/session/t", c.RedirectURL("t"))
}

func TestCredentialsNeverPrinted(t *testing.T) {
	c, err := NewClient(testCreds(), WithSandbox())
	require.NoError(t, err)
	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("creds", "c", testCreds())
	for _, s := range []string{
		fmt.Sprint(testCreds()), fmt.Sprintf("%+v", testCreds()), fmt.Sprintf("%#v", testCreds()),
		fmt.Sprint(c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c), logged.String(),
		fmt.Sprintf("%#v", Session{Token: "t", SignatureToken: testSigning}), fmt.Sprint(Session{SignatureToken: testSigning}),
	} {
		assert.NotContains(t, s, testAPIKey)
		assert.NotContains(t, s, testCode)
		assert.NotContains(t, s, testSigning)
	}
}

// TestSecretsStayOutOfLogsAndErrors drives failing calls through a debug
// logger and checks that neither credential shows up anywhere.
func TestSecretsStayOutOfLogsAndErrors(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, mt := newMockClient(t, WithLogger(logger), WithMaxRetries(0))
	mt.RegisterResponder(http.MethodPost, testAPI+"/session/initialize",
		httpmock.NewBytesResponder(http.StatusUnauthorized, fixture(t, "error_401.json")))
	mt.RegisterResponder(http.MethodPost, testAPI+"/merchant/check_payment_status",
		func(req *http.Request) (*http.Response, error) {
			// An echo of the request body in an error, as some gateways do.
			b, _ := io.ReadAll(req.Body)
			return httpmock.NewBytesResponse(http.StatusBadRequest, append([]byte(`{"message":"bad request `+testCode+`","request":`), append(b, '}')...)), nil
		})
	_, err1 := c.Sessions.Create(context.Background(), &SessionRequest{OrderID: "A1", Amount: 1})
	require.Error(t, err1)
	_, err2 := c.Payments.Status(context.Background(), &StatusQuery{OrderID: "A1"})
	require.Error(t, err2)

	var apiErr *Error
	require.True(t, errors.As(err1, &apiErr))
	assert.Equal(t, http.StatusUnauthorized, apiErr.StatusCode)
	assert.Equal(t, "unauthorized", apiErr.Code)
	require.NotEmpty(t, logs.String())
	for _, s := range []string{err1.Error(), err2.Error(), fmt.Sprintf("%+v", err1), fmt.Sprintf("%#v", err2), logs.String()} {
		assert.NotContains(t, s, testAPIKey)
		assert.NotContains(t, s, testCode)
	}
}

func TestNetworkErrorAlias(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodPost, testAPI+"/session/initialize", httpmock.NewErrorResponder(errors.New("connection reset by peer")))
	_, err := c.Sessions.Create(context.Background(), &SessionRequest{OrderID: "A1", Amount: 1000})
	var ne *paykit.NetworkError
	require.True(t, errors.As(err, &ne))
	assert.True(t, ne.MayHaveReachedServer)
	assert.Equal(t, 1, mt.GetTotalCallCount(), "a POST without idempotency that may have arrived is not repeated")
	assert.False(t, strings.Contains(err.Error(), testAPIKey))
}
