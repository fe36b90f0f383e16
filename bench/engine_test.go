package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
	gojson "github.com/goccy/go-json"

	"github.com/paykit-go/paykit/finrota"
	"github.com/paykit-go/paykit/internal/transport"
	"github.com/paykit-go/paykit/mercadopago"
)

// The JSON engines measured on paykit's own types (issue 19). "std" is
// encoding/json, the baseline of every ratio; "goccy" is
// github.com/goccy/go-json; "v2" is github.com/go-json-experiment/json with
// its default (strict) options; "transport" is what paykit now runs,
// transport.Decode and transport.MarshalJSON (encoding/json plus the key
// checks). Run in interleaved rounds, see BENCHMARKS.md ("JSON engine").

// engine is one JSON implementation as the transport would call it:
// decode into a pointer, encode without HTML escaping.
type engine struct {
	name      string
	unmarshal func([]byte, any) error
	marshal   func(any) ([]byte, error)
}

func engines() []engine {
	return []engine{
		{"std", json.Unmarshal, func(v any) ([]byte, error) {
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(v); err != nil {
				return nil, err
			}
			return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
		}},
		{"goccy", gojson.Unmarshal, func(v any) ([]byte, error) {
			return gojson.MarshalWithOption(v, gojson.DisableHTMLEscape())
		}},
		{"v2", func(b []byte, v any) error { return jsonv2.Unmarshal(b, v) }, func(v any) ([]byte, error) { return jsonv2.Marshal(v) }},
		// paykit's own: encoding/json behind the transport's key checks.
		{"transport", transport.Decode, transport.MarshalJSON},
	}
}

// recordPage is the envelope of Finrota's ERP payment list, around
// paykit's own finrota.PaymentRecord.
type recordPage struct {
	Data []finrota.PaymentRecord `json:"data"`
}

func readFixture(tb testing.TB, path string) []byte {
	b, err := os.ReadFile("../" + path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// searchPage is a search answer of n copies of the full payment fixture,
// ids 1..n: the largest document a paykit call usually decodes.
func searchPage(tb testing.TB, n int) []byte {
	one := string(readFixture(tb, "mercadopago/mercadopagotest/testdata/payment_full.json"))
	var b strings.Builder
	fmt.Fprintf(&b, `{"paging":{"total":%d,"limit":%d,"offset":0},"results":[`, n, n)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(one)
	}
	b.WriteString("]}")
	return []byte(b.String())
}

// decodeCase is one document and the paykit type it decodes into; check
// says whether a decoded value is the one expected.
type decodeCase struct {
	name  string
	doc   []byte
	into  func() any
	check func(any) error
}

func decodeCases(tb testing.TB) []decodeCase {
	payment := readFixture(tb, "mercadopago/mercadopagotest/testdata/payment_full.json")
	var want mercadopago.Payment
	if err := json.Unmarshal(payment, &want); err != nil {
		tb.Fatal("encoding/json refuses payment_full.json:", err)
	}
	return []decodeCase{
		{"mp_payment", payment, func() any { return new(mercadopago.Payment) }, func(v any) error {
			p := v.(*mercadopago.Payment)
			if p.ID != want.ID || !p.TransactionAmount.Equal(want.TransactionAmount) || p.TransactionAmount.IsZero() || p.Status != want.Status {
				return fmt.Errorf("payment %d %s %s, want %d %s %s", p.ID, p.TransactionAmount, p.Status, want.ID, want.TransactionAmount, want.Status)
			}
			return nil
		}},
		{"mp_search_30", searchPage(tb, 30), func() any { return new(mercadopago.PaymentPage) }, func(v any) error {
			p := v.(*mercadopago.PaymentPage)
			if len(p.Results) != 30 || p.Paging.Total != 30 || !p.Results[29].TransactionAmount.Equal(want.TransactionAmount) {
				return fmt.Errorf("page of %d results, total %d", len(p.Results), p.Paging.Total)
			}
			return nil
		}},
		{"finrota_records", readFixture(tb, "finrota/finrotatest/testdata/erp_payments_page1.json"), func() any { return new(recordPage) }, func(v any) error {
			p := v.(*recordPage)
			if len(p.Data) == 0 || p.Data[0].LastAmount.String() != "52.00" {
				return fmt.Errorf("records %+v", p.Data)
			}
			return nil
		}},
	}
}

// mpPaymentRequest is the richest request body paykit encodes: a card
// payment with payer, items, metadata and an application fee.
func mpPaymentRequest(tb testing.TB) *mercadopago.PaymentRequest {
	var r mercadopago.PaymentRequest
	doc := `{"transaction_amount":15990.00,"token":"ff8080814c11e237014c1ff593b57b4d","installments":3,
	"payment_method_id":"master","issuer_id":"310","description":"Wool blanket <queen> & pillow",
	"statement_descriptor":"SHOP","external_reference":"order-1042",
	"notification_url":"https://shop.example/mp/webhooks?source=paykit",
	"payer":{"email":"buyer@example.com","first_name":"Ana","last_name":"Pérez",
	"identification":{"type":"RUT","number":"11111111-1"}},
	"metadata":{"order_id":"1042","channel":"web"},"binary_mode":true,"application_fee":120.50,
	"additional_info":{"ip_address":"203.0.113.7","items":[{"id":"sku-1","title":"Wool blanket","quantity":1,"unit_price":15990.00},
	{"id":"sku-2","title":"Pillow","quantity":2,"unit_price":0}]}}`
	if err := json.Unmarshal([]byte(doc), &r); err != nil {
		tb.Fatal(err)
	}
	return &r
}

// TestEnginesReadTheFixtures: every engine decodes every benchmark
// document to the values encoding/json reads, and encodes the request to
// a document encoding/json reads back to the same request.
func TestEnginesReadTheFixtures(t *testing.T) {
	req := mpPaymentRequest(t)
	for _, e := range engines() {
		for _, c := range decodeCases(t) {
			v := c.into()
			if err := e.unmarshal(c.doc, v); err != nil {
				t.Errorf("%s %s: %v", e.name, c.name, err)
				continue
			}
			if err := c.check(v); err != nil {
				t.Errorf("%s %s: %v", e.name, c.name, err)
			}
		}
		out, err := e.marshal(req)
		if err != nil {
			t.Fatalf("%s encode: %v", e.name, err)
		}
		var back mercadopago.PaymentRequest
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("%s encoded %s: %v", e.name, out, err)
		}
		if !back.TransactionAmount.Equal(req.TransactionAmount) || back.TransactionAmount.String() != "15990.00" ||
			back.ApplicationFee == nil || back.ApplicationFee.String() != "120.50" || back.Payer.Email != req.Payer.Email {
			t.Errorf("%s encoded %s", e.name, out)
		}
	}
}

// BenchmarkJSONEngine: engine × document. Compare each engine's ns/op
// with std's of the same round.
// The engines run in an order turned by BENCH_ROUND, as the sides of the
// other benchmarks are.
func BenchmarkJSONEngine(b *testing.B) {
	cases := decodeCases(b)
	req := mpPaymentRequest(b)
	all := engines()
	if n, err := strconv.Atoi(os.Getenv("BENCH_ROUND")); err == nil && n > 0 {
		k := n % len(all)
		all = slices.Concat(all[k:], all[:k])
	}
	for _, c := range cases {
		for _, e := range all {
			b.Run("decode_"+c.name+"/"+e.name, func(b *testing.B) {
				b.SetBytes(int64(len(c.doc)))
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					if err := e.unmarshal(c.doc, c.into()); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
	for _, e := range all {
		b.Run("encode_mp_payment_request/"+e.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := e.marshal(req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
