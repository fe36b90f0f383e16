package fintecture_test

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"testing"

	"github.com/paykit-go/paykit/fintecture"
	"github.com/paykit-go/paykit/fintecture/fintecturetest"
	"github.com/paykit-go/paykit/internal/httpsig"
	"github.com/paykit-go/paykit/money"
)

// The Connect benchmarks run against one loopback simulator in sandbox mode
// (it accepts unsigned requests and verifies signed ones), so signed and
// unsigned calls are measured in the same run. The bound the package keeps:
//
//	signed ≤ 1.10 × unsigned + one RSA-2048 signature (BenchmarkRSA2048Sign)
//
// which holds because the key is parsed once in NewClient and each attempt
// only adds a SHA-256 digest, a UUID, a date and one PKCS#1 v1.5 signature.
// "raw-net-http" is the floor: the same POST built by hand with net/http.
//
//	go test ./fintecture -run '^$' -bench 'Connect|RSA2048' -benchmem -count 5

func benchConnectRequest() *fintecture.ConnectRequest {
	return &fintecture.ConnectRequest{
		Amount: money.MustParse("273.00"), Currency: "EUR", Communication: "B34970692",
		RedirectURI: "https://shop.example.com/fintecture/return", State: "order-B34970692",
		PSU: &fintecture.PSU{Name: "Julien Lefebre", Email: "julien.lefebre@example.com"},
	}
}

func BenchmarkConnect(b *testing.B) {
	srv := fintecturetest.NewServer()
	defer srv.Close()
	creds := srv.Credentials()
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	ctx := context.Background()

	b.Run("raw-net-http", func(b *testing.B) {
		unsigned, err := fintecture.NewClient(fintecture.Credentials{AppID: creds.AppID, AppSecret: creds.AppSecret},
			fintecture.WithBaseURL(srv.URL), fintecture.WithHTTPClient(hc))
		if err != nil {
			b.Fatal(err)
		}
		tok, err := unsigned.Token(ctx)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := os.ReadFile("testdata/connect_request.json")
		target := srv.URL + "/pis/v2/connect?" + url.Values{"redirect_uri": {"https://shop.example.com/fintecture/return"}, "state": {"order-B34970692"}}.Encode()
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+tok.Value)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json")
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			var out struct {
				Meta struct {
					SessionID string `json:"session_id"`
					URL       string `json:"url"`
				} `json:"meta"`
			}
			err = json.NewDecoder(resp.Body).Decode(&out)
			resp.Body.Close()
			if err != nil || resp.StatusCode != 200 || out.Meta.SessionID == "" {
				b.Fatalf("status %d, err %v", resp.StatusCode, err)
			}
		}
	})
	for _, signed := range []bool{false, true} {
		name := "unsigned"
		cr := fintecture.Credentials{AppID: creds.AppID, AppSecret: creds.AppSecret}
		if signed {
			name, cr.PrivateKey = "signed", creds.PrivateKey
		}
		b.Run(name, func(b *testing.B) {
			c, err := fintecture.NewClient(cr, fintecture.WithBaseURL(srv.URL), fintecture.WithHTTPClient(hc))
			if err != nil {
				b.Fatal(err)
			}
			if c.Signs() != signed {
				b.Fatal("signing mode")
			}
			req := benchConnectRequest()
			if _, err := c.PIS.Connect(ctx, req); err != nil { // token fetched outside the timing
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := c.PIS.Connect(ctx, req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRSA2048Sign is the cost of the one signature a signed request
// adds, measured with the same key.
func BenchmarkRSA2048Sign(b *testing.B) {
	srv := fintecturetest.NewServer()
	srv.Close()
	key, err := httpsig.ParsePrivateKey(srv.Credentials().PrivateKey)
	if err != nil {
		b.Fatal(err)
	}
	var _ *rsa.PrivateKey = key
	ss := "(request-target): post /pis/v2/connect?redirect_uri=x&state=y\ndate: Mon, 08 Jun 2020 23:11:23 GMT\ndigest: SHA-256=Fsc31OsF5997Kr2x72YB3WL9ftb2TYQHyxyUFo8g1Qw=\nx-request-id: 88c414df-6895-48db-8ef3-1fd1ce4272c6"
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := httpsig.Sign(key, ss); err != nil {
			b.Fatal(err)
		}
	}
}
