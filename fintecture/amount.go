package fintecture

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/paykit-go/paykit/internal/transport"
	"github.com/paykit-go/paykit/money"
)

// Amount is an exact amount as Fintecture puts it on the wire: a JSON string
// holding a decimal ("273.00"). It decodes a string or a bare number alike,
// and treats null or "" as zero, so a drifted amount never fails a whole
// response. Use money.Decimal in your own code and convert with
// Amount(d) / money.Decimal(a).
type Amount money.Decimal

// Decimal returns the amount as a money.Decimal.
func (a Amount) Decimal() money.Decimal { return money.Decimal(a) }

// String returns the plain decimal form, e.g. "273.00".
func (a Amount) String() string { return money.Decimal(a).String() }

// MarshalJSON writes the amount as a JSON string: "273.00".
func (a Amount) MarshalJSON() ([]byte, error) {
	return []byte(strconv.Quote(money.Decimal(a).String())), nil
}

// UnmarshalJSON reads a JSON string or number; null and "" give zero.
func (a *Amount) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		*a = Amount{}
		return nil
	}
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		var err error
		if s, err = transport.UnquoteJSON(b); err != nil {
			return fmt.Errorf("fintecture: amount: %w", err)
		}
		s = strings.TrimSpace(s)
		if s == "" {
			*a = Amount{}
			return nil
		}
	}
	d, err := money.Parse(s)
	if err != nil {
		return fmt.Errorf("fintecture: amount: %w", err)
	}
	*a = Amount(d)
	return nil
}

// wireAmount formats d with exactly two decimals ("273" → "273.00"), as
// Fintecture expects for EUR amounts. The caller has checked that d has no
// more than two significant decimals.
func wireAmount(d money.Decimal) Amount {
	cents, _ := d.Minor(2)
	return Amount(money.New(cents, 2))
}

// checkAmount validates a payment or refund amount: above zero, at most two
// decimals (trailing zeros do not count) and small enough to be cents in an
// int64.
func checkAmount(field string, d money.Decimal) error {
	if !d.IsPositive() {
		return invalid(field, "must be greater than 0")
	}
	if _, ok := d.Minor(2); !ok {
		return invalid(field, "must have at most 2 decimals")
	}
	return nil
}
