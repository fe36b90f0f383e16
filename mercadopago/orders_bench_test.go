package mercadopago

import (
	"encoding/json"
	"testing"

	"github.com/paykit-go/paykit/internal/transport"
)

// BenchmarkOrderPageDecode reads a page of the order search as the client
// does (transport.Decode into OrderPage), next to a careful hand-written
// baseline (encoding/json into a small struct of its own with the
// amounts as strings): on the documented answer, whose paging numbers are
// numbers, and on a page whose paging numbers are strings, as the official
// SDKs' types have them, which the baseline cannot read into ints.
func BenchmarkOrderPageDecode(b *testing.B) {
	documented := fixture(b, "order_search.json")
	stringPaging := []byte(`{"data":[{"id":"ORD01K9SN1Q5959CGN8QGW00EH7V5","type":"online","processing_mode":"automatic","external_reference":"ext_ref_1234",` +
		`"total_amount":"24.90","total_paid_amount":"24.90","user_id":"12345","status":"processed","status_detail":"accredited",` +
		`"capture_mode":"automatic_async","currency":"CLP","created_date":"2024-08-26T13:06:51.045Z","last_updated_date":"2024-08-26T13:06:53.120Z"}],` +
		`"paging":{"total":"1","total_pages":"1","offset":"0","limit":"20"}}`)
	type rawOrder struct {
		ID, Type, ProcessingMode, ExternalReference, TotalAmount, TotalPaidAmount string
		UserID, Status, StatusDetail, CaptureMode, Currency                       string
		CreatedDate, LastUpdatedDate                                              string
	}
	type rawPage struct {
		Data   []rawOrder `json:"data"`
		Paging struct {
			Total, TotalPages, Offset, Limit int
		} `json:"paging"`
	}
	for _, tc := range []struct {
		name string
		doc  []byte
	}{{"documented", documented}, {"string_paging", stringPaging}} {
		b.Run(tc.name+"/paykit", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				var p OrderPage
				if err := transport.Decode(tc.doc, &p); err != nil || len(p.Data) != 1 || p.Paging.Limit != 20 {
					b.Fatal(err, p.Paging)
				}
			}
		})
		b.Run(tc.name+"/raw_json", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				var p rawPage
				_ = json.Unmarshal(tc.doc, &p) // fails on string paging: the baseline does not cope
				if len(p.Data) != 1 {
					b.Fatal("no data")
				}
			}
		})
	}
}
