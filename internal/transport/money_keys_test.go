package transport

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit/money"
)

// moneyDoc is shaped like paykit's provider results: an id, exact amounts
// (one nested), a map of raw extras and the Unparsed list.
type moneyDoc struct {
	ID                int64                      `json:"id"`
	TransactionAmount money.Decimal              `json:"transaction_amount"`
	Details           *moneyDetails              `json:"transaction_details"`
	Refunds           []moneyDetails             `json:"refunds"`
	Extra             map[string]json.RawMessage `json:"extra"`
	Unparsed          []string                   `json:"-"`
}

type moneyDetails struct {
	TotalPaidAmount money.Decimal `json:"total_paid_amount"`
}

// TestDecodeMoneyOnDangerousInput pins what Decode does with documents where
// a JSON decoder could be silently wrong about an amount (issue 19; the
// engines side by side are in BENCHMARKS.md, "JSON engine"). Every one either
// fails the call, or reads the one value the document states, or leaves
// the amount at zero and names it in Unparsed; none reads a value the
// document does not unambiguously hold.
func TestDecodeMoneyOnDangerousInput(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		// err is a substring of the error; "" means Decode succeeds.
		err string
		// amount is TransactionAmount after a success; unparsed its Unparsed.
		amount   string
		unparsed []string
	}{
		// A repeated member: encoding/json (and goccy/go-json) silently take
		// the last one.
		{"repeated amount", `{"id":1,"transaction_amount":1,"transaction_amount":1000}`,
			`member "transaction_amount" appears twice in the top-level object`, "", nil},
		{"repeated nested amount", `{"id":1,"transaction_details":{"total_paid_amount":1,"total_paid_amount":1000}}`,
			`member "total_paid_amount" appears twice in transaction_details`, "", nil},
		{"repeated amount in a list item", `{"refunds":[{"total_paid_amount":1},{"total_paid_amount":1,"total_paid_amount":2}]}`,
			`appears twice in refunds[1]`, "", nil},
		{"repeated map key", `{"extra":{"order_amount":1,"order_amount":1000}}`,
			`member "order_amount" appears twice in extra`, "", nil},
		{"repeat spelled with an escape", `{"transaction_amount":1,"transaction_\u0061mount":1000}`,
			`appears twice`, "", nil},
		{"repeat inside a raw value", `{"extra":{"x":{"a":1,"a":2}}}`, `member "a" appears twice in extra.x`, "", nil},
		// Case-insensitive matching: encoding/json fills the field from a
		// member that names it only without regard to case, alone or after
		// the exact one, and folds Unicode too (U+017F is a long s).
		{"case-folded amount", `{"id":1,"Transaction_Amount":1000}`,
			`member "Transaction_Amount" of the top-level object names field "transaction_amount" only without regard to case`, "", nil},
		{"exact then case-folded", `{"id":1,"transaction_amount":1,"TRANSACTION_AMOUNT":1000}`,
			`names field "transaction_amount" only without regard to case`, "", nil},
		{"unicode-folded amount", `{"id":1,"tran` + "\u017f" + `action_amount":1000}`,
			`member "tran\u017faction_amount"`, "", nil},
		{"case-folded nested amount", `{"transaction_details":{"Total_Paid_Amount":1000}}`,
			`of transaction_details names field "total_paid_amount"`, "", nil},
		// Map keys differing in case are different keys, as in Go.
		{"map keys differing in case", `{"transaction_amount":5,"extra":{"a":1,"A":2}}`, "", "5", nil},
		// A member the type has no field for is ignored, repeated or not.
		{"unknown member repeated", `{"transaction_amount":5,"note":1,"note":2}`, "", "5", nil},
		// Numbers no amount can hold exactly are not rounded: the amount
		// stays zero and is named in Unparsed.
		{"1e400", `{"transaction_amount":1e400}`, "", "0", []string{"transaction_amount"}},
		{"1e-400", `{"transaction_amount":1e-400}`, "", "0", []string{"transaction_amount"}},
		{"1.0000000000000000001", `{"transaction_amount":1.0000000000000000001}`, "", "0", []string{"transaction_amount"}},
		{"leading + in a string", `{"transaction_amount":"+5"}`, "", "0", []string{"transaction_amount"}},
		{"hex string", `{"transaction_amount":"0x10"}`, "", "0", []string{"transaction_amount"}},
		{"invalid UTF-8 in the amount", "{\"transaction_amount\":\"10\xff\"}", "", "0", []string{"transaction_amount"}},
		{"bool amount", `{"transaction_amount":true}`, "", "0", []string{"transaction_amount"}},
		// What is exact is read.
		{"-0", `{"transaction_amount":-0}`, "", "0", nil},
		{"exponent", `{"transaction_amount":2.5E2}`, "", "250", nil},
		{"numeric string", `{"transaction_amount":"12.50"}`, "", "12.50", nil},
		{"escaped digits", `{"transaction_amount":"\u0031\u0030"}`, "", "10", nil},
		{"invalid UTF-8 elsewhere", "{\"transaction_amount\":10,\"extra\":{\"d\":\"caf\xe9\"}}", "", "10", nil},
		// Not JSON: refused whole.
		{"trailing garbage", `{"transaction_amount":1} x`, "after top-level value", "", nil},
		{"second document", `{"transaction_amount":1}{"transaction_amount":1000}`, "after top-level value", "", nil},
		{"trailing comma", `{"transaction_amount":1,}`, "invalid character", "", nil},
		{"leading + number", `{"transaction_amount":+5}`, "invalid character", "", nil},
		{"leading zero", `{"transaction_amount":012}`, "invalid character", "", nil},
		{"bare dot", `{"transaction_amount":12.}`, "invalid character", "", nil},
		{"bad number in an unknown member", `{"x":0.,"transaction_amount":5}`, "invalid character", "", nil},
		{"truncated", `{"transaction_amount":10`, "unexpected end", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := moneyDoc{ID: 99, TransactionAmount: money.FromInt(99)}
			err := Decode([]byte(tc.doc), &d)
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				assert.Equal(t, moneyDoc{}, d, "a refused document leaves nothing behind")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.amount, d.TransactionAmount.String())
			assert.Equal(t, tc.unparsed, d.Unparsed)
		})
	}
}

// TestDecodeKeyErrorIsTyped: a refused member is a *keyError inside the
// error, so the caller sees why, not a generic parse failure.
func TestDecodeKeyErrorIsTyped(t *testing.T) {
	var d moneyDoc
	err := Decode([]byte(`{"transaction_amount":1,"transaction_amount":2}`), &d)
	var ke *keyError
	require.True(t, errors.As(err, &ke), "%v", err)
	assert.Equal(t, "transaction_amount", ke.key)
	assert.Empty(t, ke.field)
}

// TestCheckKeysStructShapes: names come from tags, untagged fields and
// embedded structs as encoding/json reads them; "-" and unexported fields
// are not names; recursive types are walked.
func TestCheckKeysStructShapes(t *testing.T) {
	type node struct {
		Name     string `json:"name"`
		Next     *node  `json:"next"`
		Embedded        // promotes "kind"
		Plain    int    // untagged: the name is "Plain"
		Skip     int    `json:"-"`
		hidden   int
	}
	_ = node{}.hidden
	typ := func() *node { return nil }
	for doc, want := range map[string]string{
		`{"name":"a","next":{"name":"b","next":{"name":"c","kind":"x","Plain":1}}}`: "",
		`{"next":{"next":{"name":"c","name":"d"}}}`:                                 `member "name" appears twice in next.next`,
		`{"kind":"a","KIND":"b"}`:                                                   `names field "kind"`,
		`{"plain":1}`:                                                               `member "plain" of the top-level object names field "Plain"`,
		`{"Skip":1,"Skip":2,"-":3,"hidden":4}`:                                      "",
		`{"name":"a","next":null}`:                                                  "",
	} {
		err := checkKeys([]byte(doc), reflect.TypeOf(typ()))
		if want == "" {
			assert.NoError(t, err, doc)
		} else if assert.Error(t, err, doc) {
			assert.Contains(t, err.Error(), want, doc)
		}
	}
}
