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

// rawStatusQuery is the hand-written body of check_payment_status.
type rawStatusQuery struct {
	MerchantCode     string `json:"merchant_code"`
	MerchantAPIToken string `json:"merchant_api_token"`
	SessionToken     string `json:"session_token"`
}

// BenchmarkPaymentsStatus compares Payments.Status with a hand-written POST
// of the same body to the simulator's check_payment_status; the baseline
// encodes and decodes its own small structs.
func BenchmarkPaymentsStatus(b *testing.B) {
	srv := etpaytest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	c, err := srv.Client(etpay.WithHTTPClient(hc))
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
			body, _ := json.Marshal(rawStatusQuery{MerchantCode: creds.MerchantCode,
				MerchantAPIToken: creds.MerchantAPIToken, SessionToken: s.Token})
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.APIURL()+"/merchant/check_payment_status", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			// The fields a hand-written integration reads, in its own struct.
			var out []struct {
				PaymentToken  string      `json:"payment_token"`
				PaymentStatus string      `json:"payment_status"`
				OrderAmount   json.Number `json:"order_amount"`
			}
			err = json.NewDecoder(resp.Body).Decode(&out)
			resp.Body.Close()
			if err != nil || resp.StatusCode != http.StatusOK || len(out) != 1 || out[0].PaymentStatus != "success" {
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
