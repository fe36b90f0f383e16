package fintecture

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/transport"
	"github.com/paykit-go/paykit/money"
)

// Payment is a payment session as GET /pis/v2/payments/{session_id} returns
// it (https://docs.fintecture.com/, "/payments"). These, not the redirect's
// query string, are the values to act on.
type Payment struct {
	// SessionID identifies the payment session.
	SessionID string
	// Status is the session status; StatusCreated means paid.
	Status PaymentStatus
	// Code is the status code Fintecture reports next to it (e.g. 200).
	Code int
	// Provider is the payer's bank code, e.g. "cmcifr2a".
	Provider string
	// CustomerID identifies the payer at Fintecture.
	CustomerID string
	// IsAccepted and HasSettlementCompleted are Fintecture's flags.
	IsAccepted, HasSettlementCompleted bool
	// Type and InitialType name the payment kind, e.g. "PayByBank".
	Type, InitialType string

	// Amount and Currency are what the payment is for.
	Amount   money.Decimal
	Currency string
	// Communication is the remittance text (your order reference).
	Communication string
	// EndToEndID, ExecutionDate ("2021-02-28") and PaymentScheme ("SEPA")
	// describe the transfer.
	EndToEndID, ExecutionDate, PaymentScheme string
	// TransferState is where the money is; TransferCompleted means arrived.
	TransferState TransferState
	// BankAccountID and AccountType name the receiving account.
	BankAccountID, AccountType string

	// Meta says how the call went.
	paykit.Meta `json:"-"`
}

// flexString reads a JSON string, number or bool as text, and anything else
// as "", so one drifted field does not fail a whole response.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	*f = flexString(scalar(b))
	return nil
}

// flexBool reads true/false, "true"/"false", 1/0.
type flexBool bool

func (f *flexBool) UnmarshalJSON(b []byte) error {
	v, err := strconv.ParseBool(strings.TrimSpace(scalar(bytes.TrimSpace(b))))
	*f = flexBool(err == nil && v)
	return nil
}

type wirePayment struct {
	Meta struct {
		SessionID              flexString `json:"session_id"`
		Status                 flexString `json:"status"`
		Code                   flexString `json:"code"`
		Provider               flexString `json:"provider"`
		CustomerID             flexString `json:"customer_id"`
		IsAccepted             flexBool   `json:"is_accepted"`
		HasSettlementCompleted flexBool   `json:"has_settlement_completed"`
		Type                   flexString `json:"type"`
		InitialType            flexString `json:"initial_type"`
	} `json:"meta"`
	Data struct {
		ID         flexString `json:"id"`
		Type       flexString `json:"type"`
		Attributes struct {
			Amount        Amount     `json:"amount"`
			Currency      flexString `json:"currency"`
			Communication flexString `json:"communication"`
			EndToEndID    flexString `json:"end_to_end_id"`
			ExecutionDate flexString `json:"execution_date"`
			PaymentScheme flexString `json:"payment_scheme"`
			TransferState flexString `json:"transfer_state"`
			BankAccountID flexString `json:"bank_account_id"`
			AccountType   flexString `json:"account_type"`
		} `json:"attributes"`
	} `json:"data"`
}

func (w *wirePayment) payment(meta transport.Meta) *Payment {
	a := &w.Data.Attributes
	p := &Payment{
		SessionID:              string(w.Meta.SessionID),
		Status:                 PaymentStatus(w.Meta.Status),
		Provider:               string(w.Meta.Provider),
		CustomerID:             string(w.Meta.CustomerID),
		IsAccepted:             bool(w.Meta.IsAccepted),
		HasSettlementCompleted: bool(w.Meta.HasSettlementCompleted),
		Type:                   string(w.Meta.Type),
		InitialType:            string(w.Meta.InitialType),
		Amount:                 money.Decimal(a.Amount),
		Currency:               string(a.Currency),
		Communication:          string(a.Communication),
		EndToEndID:             string(a.EndToEndID),
		ExecutionDate:          string(a.ExecutionDate),
		PaymentScheme:          string(a.PaymentScheme),
		TransferState:          TransferState(a.TransferState),
		BankAccountID:          string(a.BankAccountID),
		AccountType:            string(a.AccountType),
		Meta:                   meta,
	}
	if p.SessionID == "" {
		p.SessionID = string(w.Data.ID)
	}
	if n, err := strconv.Atoi(string(w.Meta.Code)); err == nil {
		p.Code = n
	}
	return p
}

func checkSessionID(id string) error {
	if rule := transport.IDRule(id); rule != "" {
		return invalid("session_id", rule)
	}
	if len(id) > 256 {
		return invalid("session_id", "must be at most 256 characters")
	}
	return nil
}

// GetPayment fetches a payment session (GET /pis/v2/payments/{session_id}).
// It is safe to repeat and is retried on 5xx and broken connections.
func (s *PISService) GetPayment(ctx context.Context, sessionID string, opts ...paykit.RequestOption) (*Payment, error) {
	if err := checkSessionID(sessionID); err != nil {
		return nil, err
	}
	req := (&transport.Request{Op: transport.Op{Name: "fintecture.PIS.GetPayment", Route: "/pis/v2/payments/{session_id}"}, Method: http.MethodGet, Path: transport.Path("pis", "v2", "payments", sessionID)}).Apply(opts)
	var w wirePayment
	resp, err := s.c.api.Do(ctx, req, &w)
	if err != nil {
		return nil, err
	}
	return w.payment(resp.Meta), nil
}

// CancelPayment cancels a session the payer has not paid yet: it is
// UpdatePayment with Status StatusCancelled (PATCH
// /pis/v2/payments/{session_id}, body {"meta":{"status":"payment_cancelled"}}).
// It returns the session as Fintecture answers it; when the answer has no
// body the result carries just the id and StatusCancelled.
func (s *PISService) CancelPayment(ctx context.Context, sessionID string, opts ...paykit.RequestOption) (*Payment, error) {
	return s.UpdatePayment(ctx, sessionID, &PaymentUpdate{Status: StatusCancelled}, opts...)
}
