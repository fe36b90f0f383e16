package fintecture

import (
	"encoding/json"
	"testing"

	"github.com/paykit-go/paykit"
)

// FuzzListAnswers feeds arbitrary bytes to the decoders of the providers,
// payments and settlements lists: nothing may panic, and whatever decodes
// maps to results without panicking either.
func FuzzListAnswers(f *testing.F) {
	for _, name := range []string{"providers.json", "providers_drifted.json", "payments_page1.json", "payments_drifted.json",
		"settlements.json", "settlement_one.json", "refund_status.json"} {
		f.Add(readTestdata(f, name))
	}
	f.Add([]byte(`{"data":[{"attributes":{"pis":[1,"SEPA",null],"psu_type":{}}}]}`))
	f.Add([]byte(`{"links":{"next":7},"meta":{"total_pages":-1},"data":null}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var pl wireProviderList
		if json.Unmarshal(body, &pl) == nil {
			for i := range pl.Data {
				_ = pl.Data[i].provider()
			}
		}
		var ps wirePaymentList
		if json.Unmarshal(body, &ps) == nil {
			for i := range ps.Data {
				_ = ps.Data[i].payment(paykit.Meta{})
			}
			_ = hasNextPage(ps.Links, ps.Meta, 1, 50, len(ps.Data))
		}
		var ss wireSettlementList
		if json.Unmarshal(body, &ss) == nil {
			for i := range ss.Data {
				_ = ss.Data[i].settlement(paykit.Meta{})
			}
		}
		var one wireSettlementOne
		_ = json.Unmarshal(body, &one)
		var l stringList
		if json.Unmarshal(body, &l) == nil {
			for _, s := range l {
				if s == "" {
					t.Fatal("an empty string kept in a stringList")
				}
			}
		}
	})
}
