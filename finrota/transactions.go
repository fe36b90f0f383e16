package finrota

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/transport"
	"github.com/paykit-go/paykit/internal/webhook"
	"github.com/paykit-go/paykit/money"
)

// TransactionsService looks payments up, cancels and refunds them (the "pws"
// endpoints, with the access token).
type TransactionsService struct{ c *Client }

// TransactionLookup names one transaction by exactly one of its ids. Build it
// with ByTransactionID, ByReferenceNumber or ByClientReference.
type TransactionLookup struct {
	TransactionID         string `url:"transactionId,omitempty"`
	ReferenceNumber       string `url:"referenceNumber,omitempty"`
	ClientReferenceNumber string `url:"clientReferenceNumber,omitempty"`
}

// ByTransactionID looks a transaction up by Finrota's transaction id (the
// payment answer's orderId).
func ByTransactionID(id string) TransactionLookup { return TransactionLookup{TransactionID: id} }

// ByReferenceNumber looks a transaction up by its reference number (the
// referenceCode cancel and refund take).
func ByReferenceNumber(ref string) TransactionLookup { return TransactionLookup{ReferenceNumber: ref} }

// ByClientReference looks a transaction up by your ClientReferenceCode.
func ByClientReference(ref string) TransactionLookup {
	return TransactionLookup{ClientReferenceNumber: ref}
}

func (l TransactionLookup) validate() error {
	n := 0
	for _, v := range []string{l.TransactionID, l.ReferenceNumber, l.ClientReferenceNumber} {
		if v != "" {
			n++
			if strings.TrimSpace(v) != v || transport.HasControl(v) {
				return invalid("lookup", "ids must not have surrounding spaces or control characters")
			}
		}
	}
	if n != 1 {
		return invalid("lookup", "exactly one of transactionId, referenceNumber, clientReferenceNumber must be set")
	}
	return nil
}

// TransactionStatus is Finrota's numeric transaction status
// (transactionStatusId). Finrota documents only 1 = success; the other
// values below are what paykit's simulator uses [unsure for the real API].
// Unknown values are kept.
type TransactionStatus int

// Transaction statuses.
const (
	StatusSuccess           TransactionStatus = 1
	StatusFailed            TransactionStatus = 2
	StatusPending           TransactionStatus = 3 // waiting for 3-D Secure
	StatusCancelled         TransactionStatus = 4
	StatusRefunded          TransactionStatus = 5
	StatusPartiallyRefunded TransactionStatus = 6
)

// String names the status ("status(9)" for one this package does not know).
func (s TransactionStatus) String() string {
	switch s {
	case StatusSuccess:
		return "success"
	case StatusFailed:
		return "failed"
	case StatusPending:
		return "pending"
	case StatusCancelled:
		return "cancelled"
	case StatusRefunded:
		return "refunded"
	case StatusPartiallyRefunded:
		return "partially refunded"
	}
	return "status(" + strconv.Itoa(int(s)) + ")"
}

// Transaction is a payment as Finrota's transaction-details call reports it.
// The guide does not show this answer's fields [unsure]: they are read from
// the data object of the usual envelope by the names below, numbers or
// numeric strings alike. Fields Finrota leaves out stay zero; Raw keeps the
// whole answer so nothing is lost.
type Transaction struct {
	TransactionID         string
	ReferenceNumber       string
	ClientReferenceNumber string
	Amount                money.Decimal
	RefundedAmount        money.Decimal
	Currency              string
	Installment           int
	Status                TransactionStatus
	// IsSuccess is data.isSuccess; ErrorCode and ErrorMessage say why a
	// payment failed.
	IsSuccess               bool
	ErrorCode, ErrorMessage string
	// Raw is the whole answer as sent: the envelope, with this
	// transaction under "data".
	Raw json.RawMessage
	// Meta describes the HTTP exchange.
	paykit.Meta `json:"-"`
}

// Paid reports whether the money was taken (success or partly refunded).
func (t *Transaction) Paid() bool {
	return t.Status == StatusSuccess || t.Status == StatusPartiallyRefunded
}

type transactionData struct {
	TransactionID         flexString     `json:"transactionId"`
	ReferenceNumber       flexString     `json:"referenceNumber"`
	ClientReferenceNumber flexString     `json:"clientReferenceNumber"`
	Amount                *money.Decimal `json:"amount"`
	RefundedAmount        *money.Decimal `json:"refundedAmount"`
	Currency              string         `json:"currency"`
	Installment           flexString     `json:"installment"`
	TransactionStatusID   flexString     `json:"transactionStatusId"`
	IsSuccess             *bool          `json:"isSuccess"`
	ErrorCode             flexString     `json:"errorCode"`
	ErrorMessage          string         `json:"errorMessage"`
}

const transactionPath = "/pws/payment/transaction"

// Get fetches one transaction (GET /pws/payment/transaction with
// transactionId, referenceNumber or clientReferenceNumber). Use it to confirm
// any outcome before fulfilling an order.
func (s *TransactionsService) Get(ctx context.Context, lookup TransactionLookup, opts ...paykit.RequestOption) (*Transaction, error) {
	if err := lookup.validate(); err != nil {
		return nil, err
	}
	// One decoding pass, straight into the typed fields; Raw is the body
	// the transport already holds.
	return transport.CallWire(ctx, s.c.tc, &transport.Request{Op: transport.Op{Name: "finrota.Transactions.Get", Route: transactionPath}, Method: http.MethodGet, Path: transactionPath, Query: lookup}, opts,
		func(env *transactionEnvelope, resp *transport.Response) (*Transaction, error) {
			if env.Data == nil {
				return nil, resp.Refuse("answer carries no transaction data", nil)
			}
			return env.Data.transaction(resp.Body, s.c.tc.Secrets()), nil
		})
}

// transactionEnvelope is the answer of GET /pws/payment/transaction.
type transactionEnvelope struct {
	Data *transactionData `json:"data"`
}

// transaction is d cleaned with the client's secrets; raw is the whole
// answer.
func (d *transactionData) transaction(raw []byte, sec []string) *Transaction {
	t := &Transaction{
		TransactionID:         clean(string(d.TransactionID), sec),
		ReferenceNumber:       clean(string(d.ReferenceNumber), sec),
		ClientReferenceNumber: clean(string(d.ClientReferenceNumber), sec),
		Currency:              clean(d.Currency, sec),
		IsSuccess:             d.IsSuccess != nil && *d.IsSuccess,
		ErrorCode:             clean(string(d.ErrorCode), sec),
		ErrorMessage:          clean(d.ErrorMessage, sec),
		Raw:                   raw,
	}
	if d.Amount != nil {
		t.Amount = *d.Amount
	}
	if d.RefundedAmount != nil {
		t.RefundedAmount = *d.RefundedAmount
	}
	t.Installment, _ = strconv.Atoi(string(d.Installment))
	st, _ := strconv.Atoi(string(d.TransactionStatusID))
	t.Status = TransactionStatus(st)
	return t
}

// Return is what the buyer's browser brought back from 3-D Secure. None of
// it is signed: it only says which order to look up.
type Return struct {
	// OrderID and ClientReferenceCode as the return request claims them.
	OrderID, ClientReferenceCode string
	// Claimed is the outcome the return request claims ("success",
	// "fail", ...), for logging only.
	Claimed string
}

// maxReturnBody bounds a form-posted 3-D Secure return.
const maxReturnBody = 64 << 10

// ParseReturn reads the buyer's return from 3-D Secure: the query string of
// a GET, or the form of a POST (bounded to 64 KiB). Keys are matched without
// regard to case. It never trusts what it reads; see ConfirmReturn.
func ParseReturn(r *http.Request) (*Return, error) {
	if r == nil || r.URL == nil {
		return nil, errors.New("finrota: 3-D Secure return: nil request")
	}
	vals := url.Values{}
	for k, v := range r.URL.Query() {
		vals[strings.ToLower(k)] = v
	}
	if r.Method == http.MethodPost {
		body, err := webhook.ReadBody(r, maxReturnBody)
		if err != nil {
			return nil, errorf("3-D Secure return: %w", err)
		}
		if ct := r.Header.Get("Content-Type"); ct == "" || strings.HasPrefix(strings.ToLower(ct), "application/x-www-form-urlencoded") {
			form, err := url.ParseQuery(string(body))
			if err != nil {
				return nil, errorf("3-D Secure return: malformed form body")
			}
			for k, v := range form {
				vals[strings.ToLower(k)] = v
			}
		}
	}
	pick := func(keys ...string) string {
		for _, k := range keys {
			if v := vals.Get(k); v != "" {
				return clean(v, nil)
			}
		}
		return ""
	}
	return &Return{
		OrderID:             pick("orderid", "transactionid"),
		ClientReferenceCode: pick("clientreferencecode", "clientreferencenumber"),
		Claimed:             pick("status", "result", "success"),
	}, nil
}

// ErrReturnMismatch is returned by ConfirmReturn when the return request
// names another order than the one the merchant expects.
var ErrReturnMismatch = errors.New("finrota: 3-D Secure return names a different order")

// ConfirmReturn handles the buyer's return from 3-D Secure: it reads r (see
// ParseReturn), checks that it is about clientReference (your order, taken
// from your own return URL or session, not from the bank), and asks Finrota
// for the transaction. The returned Transaction is the outcome: fulfil only
// if Paid(). Nothing on the return request itself decides it.
func (s *TransactionsService) ConfirmReturn(ctx context.Context, r *http.Request, clientReference string, opts ...paykit.RequestOption) (*Transaction, error) {
	if clientReference == "" {
		return nil, invalid("clientReference", "must not be empty (use the order reference you paid with)")
	}
	ret, err := ParseReturn(r)
	if err != nil {
		return nil, err
	}
	if ret.ClientReferenceCode != "" && !webhook.EqualString(ret.ClientReferenceCode, clientReference) {
		return nil, ErrReturnMismatch
	}
	t, err := s.Get(ctx, ByClientReference(clientReference), opts...)
	if err != nil {
		return nil, err
	}
	if t.ClientReferenceNumber != "" && t.ClientReferenceNumber != clientReference {
		return nil, errorf("transaction details answered for client reference %q, want %q", t.ClientReferenceNumber, clientReference)
	}
	return t, nil
}

// CancelRequest cancels (voids) a payment, normally on the day it was made.
type CancelRequest struct {
	// ReferenceCode is the transaction's reference number.
	ReferenceCode string `json:"referenceCode"`
	// Reason is your explanation, required by Finrota.
	Reason string `json:"reason"`
}

// RefundRequest refunds all or part of a payment.
type RefundRequest struct {
	// ReferenceCode is the transaction's reference number.
	ReferenceCode string
	// Amount is the part to refund; zero refunds the whole remaining amount
	// (no amount field is sent).
	Amount money.Decimal
	// Reason is your explanation, required by Finrota.
	Reason string
}

type refundBody struct {
	ReferenceCode string         `json:"referenceCode"`
	RefundAmount  *money.Decimal `json:"refundAmount,omitempty"`
	Amount        *money.Decimal `json:"amount,omitempty"`
	Reason        string         `json:"reason"`
}

// OperationResult is a cancel or refund Finrota accepted.
type OperationResult struct {
	// LastAmount is the amount left on the transaction afterwards.
	LastAmount money.Decimal
	// Status is data.transactionStatusId (1 = ok).
	Status TransactionStatus
	// Message is the envelope's message, if any.
	Message string
	// Meta describes the HTTP exchange.
	paykit.Meta `json:"-"`
}

type operationData struct {
	LastAmount          *money.Decimal `json:"lastAmount"`
	TransactionStatusID flexString     `json:"transactionStatusId"`
	ErrorCode           flexString     `json:"errorCode"`
	ErrorMessage        string         `json:"errorMessage"`
	IsSuccess           *bool          `json:"isSuccess"`
}

// Cancel voids a payment (POST /pws/payment/cancel). A refusal (data.isSuccess
// false) is a *DeclineError with Operation "cancel". Not repeated once it may
// have reached Finrota: on a network error, Get the transaction first.
func (s *TransactionsService) Cancel(ctx context.Context, req *CancelRequest, opts ...paykit.RequestOption) (*OperationResult, error) {
	if req == nil {
		return nil, invalid("request", "must not be nil")
	}
	if err := checkRef(req.ReferenceCode); err != nil {
		return nil, err
	}
	if strings.TrimSpace(req.Reason) == "" {
		return nil, invalid("reason", "must not be empty")
	}
	body := *req
	return s.operation(ctx, transport.Op{Name: "finrota.Transactions.Cancel", Route: "/pws/payment/cancel"}, "cancel", body, opts)
}

// Refund refunds a payment in full (Amount zero) or in part (POST
// /pws/payment/refund). The amount goes in the field WithRefundAmountField
// chose ("refundAmount" by default). A refusal is a *DeclineError with
// Operation "refund". Not repeated once it may have reached Finrota: on a
// network error, Get the transaction and compare RefundedAmount first.
func (s *TransactionsService) Refund(ctx context.Context, req *RefundRequest, opts ...paykit.RequestOption) (*OperationResult, error) {
	if req == nil {
		return nil, invalid("request", "must not be nil")
	}
	if err := checkRef(req.ReferenceCode); err != nil {
		return nil, err
	}
	if req.Amount.Sign() < 0 {
		return nil, invalid("amount", "must not be negative (zero refunds in full)")
	}
	if req.Amount.Trim().Scale() > 2 {
		return nil, invalid("amount", "must have at most 2 decimal places")
	}
	if strings.TrimSpace(req.Reason) == "" {
		return nil, invalid("reason", "must not be empty")
	}
	body := refundBody{ReferenceCode: req.ReferenceCode, Reason: req.Reason}
	if !req.Amount.IsZero() {
		amt := req.Amount
		if s.c.refundField == RefundAmountFieldShort {
			body.Amount = &amt
		} else {
			body.RefundAmount = &amt
		}
	}
	return s.operation(ctx, transport.Op{Name: "finrota.Transactions.Refund", Route: "/pws/payment/refund"}, "refund", body, opts)
}

func checkRef(ref string) error {
	if strings.TrimSpace(ref) == "" {
		return invalid("referenceCode", "must not be empty (the transaction's referenceNumber)")
	}
	if transport.HasControl(ref) {
		return invalid("referenceCode", "must not contain control characters")
	}
	return nil
}

func (s *TransactionsService) operation(ctx context.Context, name transport.Op, op string, body any, opts []paykit.RequestOption) (*OperationResult, error) {
	return transport.CallWire(ctx, s.c.tc, &transport.Request{Op: name, Method: http.MethodPost, Path: name.Route, JSON: body}, opts,
		func(env *operationEnvelope, resp *transport.Response) (*OperationResult, error) {
			return env.result(op, resp, s.c.tc.Secrets())
		})
}

// operationEnvelope is the answer of a cancel or a refund.
type operationEnvelope struct {
	Message string         `json:"message"`
	Data    *operationData `json:"data"`
}

// result is the operation's outcome: a *DeclineError when Finrota did not
// do it, sec being the client's secrets.
func (env *operationEnvelope) result(op string, resp *transport.Response, sec []string) (*OperationResult, error) {
	if env.Data == nil {
		return nil, resp.Refuse("answer carries no operation data", nil)
	}
	d := env.Data
	st, _ := strconv.Atoi(string(d.TransactionStatusID))
	ok := d.IsSuccess != nil && *d.IsSuccess
	if d.IsSuccess == nil {
		ok = TransactionStatus(st) == StatusSuccess && d.ErrorCode == "" && d.ErrorMessage == ""
	}
	if !ok {
		reason := d.ErrorMessage
		if reason == "" {
			reason = env.Message
		}
		return nil, &DeclineError{Operation: op, Code: clean(string(d.ErrorCode), sec), Reason: clean(reason, sec), Meta: resp.Meta}
	}
	res := &OperationResult{Status: TransactionStatus(st), Message: clean(env.Message, sec)}
	if d.LastAmount != nil {
		res.LastAmount = *d.LastAmount
	}
	return res, nil
}
