package bench

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/paykit-go/paykit/etpay"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/money"
)

// amountDoc is the smallest paykit-shaped money holder, with the Unparsed
// list transport.Decode reports unreadable fields in.
type amountDoc struct {
	Amount   money.Decimal `json:"amount"`
	Unparsed []string      `json:"-"`
}

// moneyInput is a document where a JSON engine could be silently wrong
// about an amount, and what it is decoded into: "amount" (amountDoc),
// "mp" (mercadopago.Payment; its ID and TransactionAmount are reported)
// or "etpay" ([]etpay.Payment; order_amount is reported).
type moneyInput struct {
	name, doc, into string
}

var moneyInputs = []moneyInput{
	{"duplicate key", `{"amount":1,"amount":1000}`, "amount"},
	{"duplicate key, mp payment", `{"id":1,"transaction_amount":1,"transaction_amount":1000}`, "mp"},
	{"duplicate key, etpay record", `[{"order_amount":1,"order_amount":1000}]`, "etpay"},
	{"case-folded key", `{"id":1,"Transaction_Amount":1000}`, "mp"},
	{"exact then case-folded key", `{"id":1,"transaction_amount":1,"TRANSACTION_AMOUNT":1000}`, "mp"},
	{"unicode-folded key (U+017F)", `{"id":1,"tran` + "\u017f" + `action_amount":1000}`, "mp"},
	{"invalid UTF-8 in string amount", "{\"amount\":\"10\xff\"}", "amount"},
	{"invalid UTF-8 elsewhere", "{\"id\":1,\"description\":\"caf\xe9\",\"transaction_amount\":10}", "mp"},
	{"1e400", `{"amount":1e400}`, "amount"},
	{"1e-400", `{"amount":1e-400}`, "amount"},
	{"1e99999", `{"amount":1e99999}`, "amount"},
	{"-0", `{"amount":-0}`, "amount"},
	{"1.0000000000000000001", `{"amount":1.0000000000000000001}`, "amount"},
	{"2.5E2", `{"amount":2.5E2}`, "amount"},
	{"trailing garbage", `{"amount":1} x`, "amount"},
	{"second document", `{"amount":1}{"amount":1000}`, "amount"},
	{"trailing comma", `{"amount":1,}`, "amount"},
	{"leading + (number)", `{"amount":+5}`, "amount"},
	{"leading + (string)", `{"amount":"+5"}`, "amount"},
	{"leading zero", `{"amount":012}`, "amount"},
	{"leading zero, int id", `{"id":012,"transaction_amount":5}`, "mp"},
	{"bare dot, int id", `{"id":12.,"transaction_amount":5}`, "mp"},
	{"leading zero, etpay amount", `[{"order_amount":02000}]`, "etpay"},
	{"int64 overflow id", `{"id":9223372036854775808,"transaction_amount":5}`, "mp"},
	{"uint64 overflow id", `{"id":18446744073709551617,"transaction_amount":5}`, "mp"},
	{"exponent int id", `{"id":1e2,"transaction_amount":5}`, "mp"},
	{"negative fraction id", `{"id":-.5,"transaction_amount":5}`, "mp"},
	{"bad number in unknown field", `{"zzz":0.,"amount":5}`, "amount"},
	{"bad array in unknown field", `{"zzz":[1,2},"amount":5}`, "amount"},
	{"bad literal in unknown field", `{"zzz":tru,"amount":5}`, "amount"},
	{"numeric string", `{"amount":"12.50"}`, "amount"},
	{"hex string", `{"amount":"0x10"}`, "amount"},
	{"NaN string", `{"amount":"NaN"}`, "amount"},
	{"bool", `{"amount":true}`, "amount"},
	{"escaped digits", `{"amount":"\u0031\u0030"}`, "amount"},
	{"control char in string", "{\"amount\":\"1\x010\"}", "amount"},
	{"invalid escape", `{"amount":"1\q0"}`, "amount"},
	{"truncated", `{"amount":10`, "amount"},
}

// ambiguous names the inputs that state two amounts, or one under a name
// that is not the field's.
var ambiguous = map[string]bool{
	"duplicate key": true, "duplicate key, mp payment": true, "duplicate key, etpay record": true,
	"case-folded key": true, "exact then case-folded key": true, "unicode-folded key (U+017F)": true,
}

// outcome runs one decode and says what it gave: "error", or the values
// read (and the fields named unreadable).
func outcome(unmarshal func([]byte, any) error, in moneyInput) (out string) {
	defer func() {
		if r := recover(); r != nil {
			out = "panic"
		}
	}()
	var unparsed []string
	switch in.into {
	case "mp":
		var p mercadopago.Payment
		if unmarshal([]byte(in.doc), &p) != nil {
			return "error"
		}
		out, unparsed = fmt.Sprintf("id %d, %s", p.ID, p.TransactionAmount), p.Unparsed
	case "etpay":
		var ps []etpay.Payment
		if unmarshal([]byte(in.doc), &ps) != nil {
			return "error"
		}
		if len(ps) != 1 {
			return fmt.Sprintf("%d records", len(ps))
		}
		out = fmt.Sprint(ps[0].Amount)
		if raw, ok := ps[0].Extra["order_amount"]; ok {
			unparsed = []string{"Extra " + string(raw)}
		}
	default:
		var d amountDoc
		if unmarshal([]byte(in.doc), &d) != nil {
			return "error"
		}
		out, unparsed = d.Amount.String(), d.Unparsed
	}
	if len(unparsed) > 0 {
		out += " (unparsed " + strings.Join(unparsed, ",") + ")"
	}
	return out
}

// printable shows a document in a table cell: invalid bytes as \xNN,
// control characters as \u00NN.
func printable(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r < 0x20:
			fmt.Fprintf(&b, `\u%04x`, r)
		case r == '|':
			b.WriteString(`\|`)
		default:
			b.WriteRune(r)
		}
		i += n
	}
	return b.String()
}

// TestJSONEngineMoneyTable prints the correctness table of BENCHMARKS.md
// ("JSON engine"; with -v, or into the file JSON_ENGINE_TABLE names) and
// holds paykit's transport to the safe answers. etpay records decode
// through the transport whatever the outer engine, so their rows show the
// transport's rule in every column.
func TestJSONEngineMoneyTable(t *testing.T) {
	cols := engines()
	var b strings.Builder
	b.WriteString("| input | document |")
	for _, e := range cols {
		b.WriteString(" " + e.name + " |")
	}
	b.WriteString("\n|---|---|" + strings.Repeat("---|", len(cols)) + "\n")
	got := map[string]map[string]string{}
	for _, in := range moneyInputs {
		got[in.name] = map[string]string{}
		fmt.Fprintf(&b, "| %s | `%s` |", in.name, printable(in.doc))
		for _, e := range cols {
			o := outcome(e.unmarshal, in)
			got[in.name][e.name] = o
			b.WriteString(" " + o + " |")
		}
		b.WriteString("\n")
	}
	t.Log("\n" + b.String())
	// What paykit runs must refuse every document that says two things
	// about one amount, and elsewhere read nothing encoding/json would not
	// (a value it cannot hold exactly is zero and named unparsed).
	for _, in := range moneyInputs {
		paykit, std := got[in.name]["transport"], got[in.name]["std"]
		switch {
		case ambiguous[in.name]:
			if paykit != "error" {
				t.Errorf("%s: transport read %s from %q", in.name, paykit, in.doc)
			}
		case paykit != "error" && paykit != std && !strings.Contains(paykit, "(unparsed "):
			t.Errorf("%s: transport read %s from %q, encoding/json %s", in.name, paykit, in.doc, std)
		}
	}
	if path := os.Getenv("JSON_ENGINE_TABLE"); path != "" {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
