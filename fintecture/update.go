package fintecture

import (
	"context"
	"net/http"
	"strings"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/transport"
	"github.com/paykit-go/paykit/money"
)

// PaymentUpdate changes a payment session (PATCH
// /pis/v2/payments/{session_id},
// https://doc.fintecture.com/reference/patchpisv2paymentsession). The
// reference describes the body as the one "to be used when updating the
// payment for status and/or amount", with "meta" required; Fintecture's
// official PHP SDK sends whatever payload it is given (Payment::update), and
// its Magento module sends the members named below. Set at least one field.
type PaymentUpdate struct {
	// Status sets meta.status. StatusCancelled withdraws a session the
	// payer has not paid (what CancelPayment sends); it is the only value
	// the sources show being set.
	Status PaymentStatus
	// Amount sets a new amount, above 0 with at most two decimals, sent as
	// meta.amount ("250.00"). Unsure: the reference says amounts can be
	// updated and that meta carries the update, but no source read shows
	// the member's name or place; check it in your sandbox.
	Amount money.Decimal
	// TransferReason says why (meta.transfer_reason), e.g.
	// "cancelled_order", which Fintecture's Magento module sends with a
	// cancel.
	TransferReason string
	// InvoiceReference sets data.attributes.invoice_reference, which
	// Fintecture's Magento module sends for a Buy Now Pay Later order once
	// it is invoiced.
	InvoiceReference string

	// ExtraMeta and ExtraAttributes add members this type does not model to
	// "meta" and "data.attributes" (the Magento module sends meta.origin,
	// for one). A key that names a member set from a field above is refused
	// with a *ValidationError, never silently replaced. Values must encode
	// as JSON.
	ExtraMeta, ExtraAttributes map[string]any
}

type wireUpdateMeta struct {
	Status         PaymentStatus `json:"status,omitempty"`
	Amount         *Amount       `json:"amount,omitempty"`
	TransferReason string        `json:"transfer_reason,omitempty"`
}

type wireUpdateAttributes struct {
	InvoiceReference string `json:"invoice_reference,omitempty"`
}

type wireUpdateData struct {
	Attributes any `json:"attributes"`
}

// wireUpdateBody's Meta and Data.Attributes hold a wireUpdateMeta and a
// wireUpdateAttributes, wrapped in an objectJSON when there are extra
// members; Data is left out when no attribute is set.
type wireUpdateBody struct {
	Meta any             `json:"meta"`
	Data *wireUpdateData `json:"data,omitempty"`
}

func (u *PaymentUpdate) validate() error {
	if u.Status != "" && !isMethodName(string(u.Status)) {
		return invalid("meta.status", "must be a lower-case status such as payment_cancelled")
	}
	if !u.Amount.IsZero() {
		if err := checkAmount("meta.amount", u.Amount); err != nil {
			return err
		}
	}
	if transport.HasControl(u.TransferReason) {
		return invalid("meta.transfer_reason", "must not contain control characters")
	}
	if transport.HasControl(u.InvoiceReference) {
		return invalid("data.attributes.invoice_reference", "must not contain control characters")
	}
	if err := checkExtraMembers("meta", u.ExtraMeta, updateMetaKeys(), "a PaymentUpdate field"); err != nil {
		return err
	}
	if err := checkExtraMembers("data.attributes", u.ExtraAttributes, updateAttrKeys(), "a PaymentUpdate field"); err != nil {
		return err
	}
	if u.Status == "" && u.Amount.IsZero() && strings.TrimSpace(u.TransferReason) == "" && strings.TrimSpace(u.InvoiceReference) == "" &&
		len(u.ExtraMeta) == 0 && len(u.ExtraAttributes) == 0 {
		return invalid("request", "changes nothing: set Status, Amount, TransferReason, InvoiceReference or an extra member")
	}
	return nil
}

func (u *PaymentUpdate) body() *wireUpdateBody {
	meta := wireUpdateMeta{Status: u.Status, TransferReason: u.TransferReason}
	if !u.Amount.IsZero() {
		a := wireAmount(u.Amount)
		meta.Amount = &a
	}
	b := &wireUpdateBody{Meta: withExtra(meta, u.ExtraMeta)}
	if u.InvoiceReference != "" || len(u.ExtraAttributes) > 0 {
		b.Data = &wireUpdateData{Attributes: withExtra(wireUpdateAttributes{InvoiceReference: u.InvoiceReference}, u.ExtraAttributes)}
	}
	return b
}

// UpdatePayment changes a payment session (PATCH
// /pis/v2/payments/{session_id}): its status, amount or references, as
// PaymentUpdate describes. The update is checked first; a *ValidationError
// means nothing was sent.
//
// It returns the session as Fintecture answers it, read as every answer is
// (a drifted member is zeroed and named in Unparsed; a repeated one refuses
// the answer). When the answer has no body, or leaves them out, the result's SessionID, Status and Amount are
// the ones you sent; fetch the payment with GetPayment to see Fintecture's
// own values.
//
// Fintecture has no idempotency key and PATCH is not repeated after it may
// have reached Fintecture (a 5xx, a reset, a timeout): fetch the payment to
// see whether the change took before sending it again.
func (s *PISService) UpdatePayment(ctx context.Context, sessionID string, u *PaymentUpdate, opts ...paykit.RequestOption) (*Payment, error) {
	if err := checkSessionID(sessionID); err != nil {
		return nil, err
	}
	if u == nil {
		return nil, invalid("request", "must not be nil")
	}
	if err := u.validate(); err != nil {
		return nil, err
	}
	req := &transport.Request{Op: transport.Op{Name: "fintecture.PIS.UpdatePayment", Route: "/pis/v2/payments/{session_id}"}, Method: http.MethodPatch, Path: transport.Path("pis", "v2", "payments", sessionID),
		JSON: u.body(), AllowEmpty: true}
	return transport.CallWire(ctx, s.c.api, req, opts, func(w *wirePayment, resp *transport.Response) (*Payment, error) {
		// An empty answer leaves w zero: the result then reports what was sent.
		p := w.payment(resp.Meta)
		if p.SessionID == "" {
			p.SessionID = sessionID
		}
		if p.Status == "" {
			p.Status = u.Status
		}
		if p.Amount.IsZero() && !u.Amount.IsZero() {
			p.Amount = wireAmount(u.Amount).Decimal()
		}
		return p, nil
	})
}
