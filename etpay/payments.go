package etpay

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

// PaymentsService reads payment outcomes: the validation step ETpay asks
// merchants to run before fulfilling an order.
type PaymentsService struct{ c *Client }

// PaymentStatus is ETpay's payment_status. Only PaymentSuccess means the
// money moved; other values exist and decode as they come.
type PaymentStatus string

// Payment statuses. ETpay documents only "success" publicly; the other three
// are the names this package and its simulator use for the other outcomes.
// Any string decodes, so compare with IsSuccess rather than listing failures.
const (
	PaymentSuccess   PaymentStatus = "success"
	PaymentFailed    PaymentStatus = "failed"
	PaymentCancelled PaymentStatus = "cancelled"
	PaymentPending   PaymentStatus = "pending"
)

// IsSuccess reports whether the status is "success".
func (s PaymentStatus) IsSuccess() bool { return s == PaymentSuccess }

// StatusQuery picks the payments to read: set exactly one field.
type StatusQuery struct {
	// PaymentToken is the payment attempt's token (payment_token).
	PaymentToken string
	// OrderID is your merchant_order_id: every attempt for the order.
	OrderID string
	// SessionToken is the session's token (session_token).
	SessionToken string
}

// Payment is one record of check_payment_status. Fields ETpay sends that are
// not typed here are kept in Extra; a field with an unexpected type is kept
// there too rather than failing the whole answer.
type Payment struct {
	PaymentToken  string        `json:"payment_token"`
	PaymentStatus PaymentStatus `json:"payment_status"`
	OrderID       string        `json:"merchant_order_id,omitempty"`
	Amount        int64         `json:"order_amount,omitempty"`
	SessionToken  string        `json:"session_token,omitempty"`
	// Extra holds every other field as ETpay sent it.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes one record field by field, tolerating numbers sent as
// strings and the other way round.
func (p *Payment) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := transport.Decode(b, &m); err != nil {
		return err
	}
	*p = Payment{}
	p.Extra = fillTyped(m, &typedFields{session: &p.SessionToken, payment: &p.PaymentToken, order: &p.OrderID,
		status: &p.PaymentStatus, amount: &p.Amount})
	return nil
}

// fillTyped moves the claims or fields both notifications and status
// records carry out of m into dst and returns what is left (nil if empty).
// A value of an unexpected type stays in m.
func fillTyped(m map[string]json.RawMessage, dst *typedFields) map[string]json.RawMessage {
	for k, raw := range m {
		var sp *string
		switch k {
		case "session_token":
			sp = dst.session
		case "payment_token":
			sp = dst.payment
		case "merchant_order_id":
			sp = dst.order
		case "user_rut":
			sp = dst.rut
		case "payment_status":
			sp = (*string)(dst.status)
		case "order_amount":
			if n, ok := wholeAmount(raw); ok {
				*dst.amount = n
				delete(m, k)
			}
			continue
		default:
			continue
		}
		if sp == nil {
			continue
		}
		if v, ok := looseString(raw); ok {
			*sp = v
			delete(m, k)
		}
	}
	if len(m) == 0 {
		return nil
	}
	return m
}

// typedFields points at the destinations fillTyped writes; nil ones are
// left in the map.
type typedFields struct {
	session, payment, order, rut *string
	status                       *PaymentStatus
	amount                       *int64
}

// wholeAmount reads an integer amount sent as a number or a numeric string
// ("2000", "2000.00"); fractions and non-numbers are refused.
func wholeAmount(raw json.RawMessage) (int64, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return 0, false
	}
	if n, err := strconv.ParseInt(string(raw), 10, 64); err == nil {
		return n, true
	}
	var d money.Decimal
	if d.UnmarshalJSON(raw) != nil {
		return 0, false
	}
	return d.Int64()
}

type statusBody struct {
	MerchantCode     string `json:"merchant_code"`
	MerchantAPIToken string `json:"merchant_api_token"`
	PaymentToken     string `json:"payment_token,omitempty"`
	OrderID          string `json:"merchant_order_id,omitempty"`
	SessionToken     string `json:"session_token,omitempty"`
}

// Status runs the validation step: POST {api_url}/merchant/check_payment_status
// and returns every payment record ETpay has for the query (an order may
// have several attempts; none yet gives an empty slice). Fulfil an order
// only when a record says PaymentSuccess for the amount you expect.
//
// The call is a POST but only reads: reading twice cannot change anything,
// so, like a GET, it is repeated after a 5xx, a reset or a timeout (within
// WithMaxRetries), and after a *NetworkError it is safe to call again.
func (s *PaymentsService) Status(ctx context.Context, q *StatusQuery, opts ...paykit.RequestOption) ([]Payment, error) {
	if q == nil {
		return nil, invalid("query", "must not be nil")
	}
	set := 0
	for _, v := range []string{q.PaymentToken, q.OrderID, q.SessionToken} {
		if v != "" {
			set++
		}
	}
	if set != 1 {
		return nil, invalid("query", "set exactly one of payment_token, merchant_order_id, session_token")
	}
	if q.OrderID != "" {
		if err := validateOrderID(q.OrderID); err != nil {
			return nil, err
		}
	}
	body := statusBody{
		MerchantCode:     s.c.creds.MerchantCode,
		MerchantAPIToken: s.c.creds.MerchantAPIToken,
		PaymentToken:     q.PaymentToken,
		OrderID:          q.OrderID,
		SessionToken:     q.SessionToken,
	}
	r := (&transport.Request{Op: transport.Op{Name: "etpay.Payments.Status", Route: "/merchant/check_payment_status"}, Method: http.MethodPost, Path: "/merchant/check_payment_status", JSON: body, Repeatable: true}).Apply(opts)
	r.IdempotencyKey, r.NoIdempotencyKey = "", true
	resp, err := s.c.t.Do(ctx, r, nil)
	if err != nil {
		return nil, err
	}
	out, reason := decodePayments(resp.Body)
	if reason != "" {
		return nil, resp.Refuse(reason, nil)
	}
	return out, nil
}

// decodePayments reads the documented array, and also a single record or an
// object wrapping the array, which some answers have been seen to be.
func decodePayments(body []byte) ([]Payment, string) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil, "empty answer where a JSON array was expected"
	}
	switch body[0] {
	case '[':
		var out []Payment
		if err := json.Unmarshal(body, &out); err != nil {
			return nil, "answer is not an array of payment records"
		}
		if out == nil {
			out = []Payment{}
		}
		return out, ""
	case '{':
		var m map[string]json.RawMessage
		if err := json.Unmarshal(body, &m); err != nil {
			return nil, "answer is not valid JSON"
		}
		for _, k := range []string{"payments", "data", "results"} {
			if raw, ok := m[k]; ok && len(bytes.TrimSpace(raw)) > 0 && bytes.TrimSpace(raw)[0] == '[' {
				return decodePayments(raw)
			}
		}
		if _, ok := m["payment_token"]; ok {
			var p Payment
			if err := json.Unmarshal(body, &p); err != nil {
				return nil, "answer is not a payment record"
			}
			return []Payment{p}, ""
		}
		return nil, "answer is an object without payment records"
	}
	return nil, "answer is not JSON"
}
