package mercadopago

import (
	"encoding/json"
	"testing"

	"github.com/paykit-go/paykit/internal/transport"
)

// Untrusted answers never panic: an order search page (data as a list or
// one object) and a chargeback with its unknown members.
func FuzzOrderPageDecode(f *testing.F) {
	for _, name := range []string{"order_search.json", "order_search_drifted.json"} {
		f.Add(fixture(f, name))
	}
	f.Add([]byte(`{"data":null}`))
	f.Add([]byte(`{"data":"x","paging":[]}`))
	f.Add([]byte(`{"data":[{"status":"cancelled"},{"status":7}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var p OrderPage
		if transport.Decode(b, &p) == nil {
			for i := range p.Data {
				_ = p.Data[i].Status.Normalize()
			}
		}
	})
}

func FuzzChargebackMembers(f *testing.F) {
	for _, name := range []string{"chargeback.json", "chargeback_sdk.json", "chargeback_drifted.json"} {
		f.Add(fixture(f, name))
	}
	f.Add([]byte(`{"\u0000":1,"payments":[1,"2",{}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var cb Chargeback
		_ = transport.Decode(b, &cb)
		var raw map[string]json.RawMessage
		if json.Unmarshal(b, &raw) == nil {
			for _, k := range unknownMembers(raw, chargebackMembers) {
				if len(k) > 64 {
					t.Fatalf("member name not bounded: %d bytes", len(k))
				}
			}
		}
		_ = cb.PaymentIDs()
		_ = cb.CurrencyCode()
	})
}
