package etpay_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/paykit-go/paykit/etpay"
	"github.com/paykit-go/paykit/etpay/etpaytest"
)

// BenchmarkPaymentsStatus compares Payments.Status with a hand-written POST
// of the same body to the simulator's check_payment_status.
func BenchmarkPaymentsStatus(b *testing.B) {
	srv := etpaytest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	c, err := etpay.NewClient(srv.Credentials(), append(srv.ClientOptions(), etpay.WithHTTPClient(hc))...)
	if err != nil {
		b.Fatal(err)
	}
	s, err := c.Sessions.Create(ctx, &etpay.SessionRequest{OrderID: "OC1", Amount: 2000})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := srv.Pay(ctx, s.Token, etpay.PaymentSuccess); err != nil {
		b.Fatal(err)
	}
	creds := srv.Credentials()

	b.Run("raw", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			body, _ := json.Marshal(map[string]string{"merchant_code": creds.MerchantCode,
				"merchant_api_token": creds.MerchantAPIToken, "session_token": s.Token})
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.APIURL()+"/merchant/check_payment_status", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			var out []map[string]any
			err = json.NewDecoder(resp.Body).Decode(&out)
			resp.Body.Close()
			if err != nil || len(out) != 1 {
				b.Fatal(err, out)
			}
		}
	})
	b.Run("etpay", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			out, err := c.Payments.Status(ctx, &etpay.StatusQuery{SessionToken: s.Token})
			if err != nil || len(out) != 1 {
				b.Fatal(err, out)
			}
		}
	})
}
