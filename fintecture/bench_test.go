package fintecture_test

import (
	"bytes"
	"context"
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
// that ignores signatures, so signed and unsigned calls are measured in the
// same run and differ only by the client's work. The bound the package keeps:
//
//	signed ≤ 1.10 × unsigned + one RSA-2048 signature (BenchmarkRSA2048Sign)
//
// "unsigned+rsa-sign" measures the right-hand side in the same loop (the
// unsigned call plus one bare httpsig.Sign per iteration), so the check is
// signed ≤ 1.10 × unsigned+rsa-sign under identical conditions. It holds
// because the key is parsed once in NewClient and each attempt
// only adds a SHA-256 digest, a UUID, a date and one PKCS#1 v1.5 signature.
// "raw-net-http" is the floor: the same POST built by hand with net/http.
// "signed-verified" runs against a production-mode simulator, which also
// verifies each signature (one RSA public-key operation on the server side).
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
	srv := fintecturetest.NewServer(fintecturetest.WithoutSignatureChecks())
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
		var seed rawConnectBody
		if raw, err := os.ReadFile("testdata/connect_request.json"); err != nil || json.Unmarshal(raw, &seed) != nil {
			b.Fatal("reading testdata/connect_request.json")
		}
		target := srv.URL + "/pis/v2/connect?" + url.Values{"redirect_uri": {"https://shop.example.com/fintecture/return"}, "state": {"order-B34970692"}}.Encode()
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			// Encoded on every call, as the client does and any real caller would.
			body, err := json.Marshal(&seed)
			if err != nil {
				b.Fatal(err)
			}
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
	prod := fintecturetest.NewServer(fintecturetest.WithProduction(), fintecturetest.WithMerchantKey(creds.PrivateKey))
	defer prod.Close()
	signKey, err := httpsig.ParsePrivateKey(creds.PrivateKey)
	if err != nil {
		b.Fatal(err)
	}
	for _, mode := range []string{"unsigned", "unsigned+rsa-sign", "signed", "signed-verified"} {
		signed := mode == "signed" || mode == "signed-verified"
		extraSign := mode == "unsigned+rsa-sign"
		cr := fintecture.Credentials{AppID: creds.AppID, AppSecret: creds.AppSecret}
		target := srv
		if signed {
			cr.PrivateKey = creds.PrivateKey
		}
		if mode == "signed-verified" {
			target = prod
		}
		b.Run(mode, func(b *testing.B) {
			c, err := fintecture.NewClient(cr, fintecture.WithBaseURL(target.URL), fintecture.WithHTTPClient(hc))
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
				if extraSign { // the reference: the unsigned call plus one bare signature
					if _, err := httpsig.Sign(signKey, rsaSigningString); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// rawConnectBody is the hand-written wire struct the raw baseline encodes:
// the seed's connect body, field for field.
type rawConnectBody struct {
	Meta struct {
		PSUName          string `json:"psu_name"`
		PSUEmail         string `json:"psu_email"`
		PSUPhone         string `json:"psu_phone"`
		PSUCompany       string `json:"psu_company"`
		PSUIncorporation string `json:"psu_incorporation"`
		PSUAddress       struct {
			Street     string `json:"street"`
			Number     string `json:"number"`
			Complement string `json:"complement"`
			Zip        string `json:"zip"`
			City       string `json:"city"`
			Country    string `json:"country"`
		} `json:"psu_address"`
	} `json:"meta"`
	Data struct {
		Type       string `json:"type"`
		Attributes struct {
			Amount        string `json:"amount"`
			Currency      string `json:"currency"`
			Communication string `json:"communication"`
		} `json:"attributes"`
	} `json:"data"`
}

// rsaSigningString is a Connect signing string of the usual length.
const rsaSigningString = "(request-target): post /pis/v2/connect?redirect_uri=https%3A%2F%2Fshop.example.com%2Ffintecture%2Freturn&state=order-B34970692\n" +
	"date: Mon, 08 Jun 2020 23:11:23 GMT\ndigest: SHA-256=Fsc31OsF5997Kr2x72YB3WL9ftb2TYQHyxyUFo8g1Qw=\nx-request-id: 88c414df-6895-48db-8ef3-1fd1ce4272c6"

// BenchmarkRSA2048Sign is the cost of the one signature a signed request
// adds, measured with the same key.
func BenchmarkRSA2048Sign(b *testing.B) {
	srv := fintecturetest.NewServer()
	srv.Close()
	key, err := httpsig.ParsePrivateKey(srv.Credentials().PrivateKey)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := httpsig.Sign(key, rsaSigningString); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGetPayment compares PIS.GetPayment (sandbox, unsigned) with a
// hand-written GET of the same payment that decodes the fields it reads
// into its own small struct, against the same simulator.
func BenchmarkGetPayment(b *testing.B) {
	srv := fintecturetest.NewServer(fintecturetest.WithoutSignatureChecks())
	defer srv.Close()
	creds := srv.Credentials()
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	ctx := context.Background()
	c, err := fintecture.NewClient(fintecture.Credentials{AppID: creds.AppID, AppSecret: creds.AppSecret},
		fintecture.WithBaseURL(srv.URL), fintecture.WithHTTPClient(hc))
	if err != nil {
		b.Fatal(err)
	}
	sess, err := c.PIS.Connect(ctx, benchConnectRequest())
	if err != nil {
		b.Fatal(err)
	}
	tok, err := c.Token(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("raw", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/pis/v2/payments/"+url.PathEscape(sess.SessionID), nil)
			req.Header.Set("Authorization", "Bearer "+tok.Value)
			req.Header.Set("Accept", "application/json")
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			var out struct {
				Meta struct {
					SessionID string `json:"session_id"`
					Status    string `json:"status"`
				} `json:"meta"`
				Data struct {
					Attributes struct {
						Amount        string `json:"amount"`
						Currency      string `json:"currency"`
						TransferState string `json:"transfer_state"`
					} `json:"attributes"`
				} `json:"data"`
			}
			err = json.NewDecoder(resp.Body).Decode(&out)
			resp.Body.Close()
			if err != nil || resp.StatusCode != http.StatusOK || out.Meta.SessionID != sess.SessionID || out.Data.Attributes.Amount == "" {
				b.Fatalf("status %d, err %v", resp.StatusCode, err)
			}
		}
	})
	b.Run("fintecture", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			p, err := c.PIS.GetPayment(ctx, sess.SessionID)
			if err != nil || p.SessionID != sess.SessionID || p.Amount.IsZero() {
				b.Fatal(err)
			}
		}
	})
}
