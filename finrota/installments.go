package finrota

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/transport"
	"github.com/paykit-go/paykit/money"
)

// CardProgram is one way Finrota can take a card: a bank's POS or card
// program, and the installment plans it offers.
type CardProgram struct {
	// CardProgram and BankName name the program ("Bonus", "Garanti").
	CardProgram, BankName string
	// Installments are the plans to choose from; send the chosen Token to
	// preparePayment.
	Installments []Installment
}

// Installment is one installment plan.
type Installment struct {
	// Count is the number of installments (1 = single payment).
	Count int
	// Token identifies the plan for preparePayment.
	Token InstallmentToken
	// InstallmentAmount and TotalAmount are what the buyer pays per
	// installment and in all (commission included).
	InstallmentAmount, TotalAmount money.Decimal
}

type programWire struct {
	CardProgram  string            `json:"cardProgram"`
	BankName     string            `json:"bankName"`
	Installments []installmentWire `json:"installments"`
}

type installmentWire struct {
	InstallmentCount  flexString     `json:"installmentCount"`
	Token             string         `json:"token"`
	InstallmentAmount *money.Decimal `json:"installmentAmount"`
	TotalAmount       *money.Decimal `json:"totalAmount"`
}

type paymentOptionsQuery struct {
	BinNumber string `url:"binNumber"`
	Amount    string `url:"amount"`
	Currency  string `url:"currency"`
}

const paymentOptionsPath = "/b2c/paymentOptions"

// PaymentOptions lists the card programs and installment plans for a card's
// BIN (its first 6 or 8 digits), an amount and a currency (GET
// /b2c/paymentOptions). This is the pure-API flow; the widget makes the same
// call by itself. Finrota wants the access token in the Proxy-Authorization
// header here, which this call does for you.
func (c *Client) PaymentOptions(ctx context.Context, bin string, amount money.Decimal, currency string, opts ...paykit.RequestOption) ([]CardProgram, error) {
	if len(bin) != 6 && len(bin) != 8 {
		return nil, invalid("binNumber", "must be the card's first 6 or 8 digits")
	}
	for _, r := range bin {
		if r < '0' || r > '9' {
			return nil, invalid("binNumber", "must be the card's first 6 or 8 digits")
		}
	}
	if !amount.IsPositive() {
		return nil, invalid("amount", "must be greater than zero")
	}
	if !isCurrency(currency) {
		return nil, invalid("currency", "must be a three-letter ISO 4217 code such as TRY")
	}
	var raw json.RawMessage
	resp, err := c.tc.Do(ctx, (&transport.Request{
		Op:     transport.Op{Name: "finrota.PaymentOptions", Route: paymentOptionsPath},
		Method: http.MethodGet,
		Path:   paymentOptionsPath,
		Query:  paymentOptionsQuery{BinNumber: bin, Amount: amount.String(), Currency: currency},
		Auth:   c.tokens.In("Proxy-Authorization"),
	}).Apply(opts), &raw)
	if err != nil {
		return nil, err
	}
	list, ok := programList(raw)
	if !ok {
		return nil, resp.Refuse("answer carries no list of payment options", nil)
	}
	out := make([]CardProgram, 0, len(list))
	for _, p := range list {
		cp := CardProgram{CardProgram: clean(p.CardProgram, nil), BankName: clean(p.BankName, nil)}
		for _, in := range p.Installments {
			n, _ := strconv.Atoi(string(in.InstallmentCount))
			i := Installment{Count: n, Token: InstallmentToken(in.Token)}
			if in.InstallmentAmount != nil {
				i.InstallmentAmount = *in.InstallmentAmount
			}
			if in.TotalAmount != nil {
				i.TotalAmount = *in.TotalAmount
			}
			cp.Installments = append(cp.Installments, i)
		}
		out = append(out, cp)
	}
	return out, nil
}

// programList accepts a bare array or one wrapped in the envelope's data.
func programList(raw json.RawMessage) ([]programWire, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil, false
	}
	if raw[0] == '{' {
		var env envelope
		if transport.Decode(raw, &env) != nil {
			return nil, false
		}
		raw = bytes.TrimSpace(env.Data)
	}
	if len(raw) == 0 || raw[0] != '[' {
		return nil, false
	}
	var list []programWire
	if transport.Decode(raw, &list) != nil {
		return nil, false
	}
	return list, true
}

func isCurrency(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}
