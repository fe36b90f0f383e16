package mercadopago

import (
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/paykit-go/paykit/internal/transport"
	"github.com/paykit-go/paykit/money"
)

// BenchmarkPaymentDecode measures what Payment.SettleDrift costs a call's
// decode: "paykit" is the transport decoding a documented payment into
// Payment (with its SettleDrift hook), "no_hook" the same into a type with
// Payment's fields and no method (how it decoded before), and
// "encoding_json" a careful hand-written struct with plain encoding/json.
//
//	go test -run '^$' -bench PaymentDecode -count 6 ./mercadopago/
func BenchmarkPaymentDecode(b *testing.B) {
	body, err := os.ReadFile("mercadopagotest/testdata/payment_full.json")
	if err != nil {
		b.Fatal(err)
	}
	type noHook Payment
	type small struct {
		ID                int64         `json:"id"`
		Status            string        `json:"status"`
		StatusDetail      string        `json:"status_detail"`
		TransactionAmount money.Decimal `json:"transaction_amount"`
		CurrencyID        string        `json:"currency_id"`
		DateCreated       time.Time     `json:"date_created"`
	}
	b.Run("paykit", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			var p Payment
			if err := transport.Decode(body, &p); err != nil || p.ID == 0 {
				b.Fatal(err)
			}
		}
	})
	b.Run("no_hook", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			var p noHook
			if err := transport.Decode(body, &p); err != nil || p.ID == 0 {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding_json", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			var p small
			if err := json.Unmarshal(body, &p); err != nil || p.ID == 0 {
				b.Fatal(err)
			}
		}
	})
}
