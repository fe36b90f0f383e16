package mercadopago

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/webhook"
)

// CheckoutReturn is what the payer's browser brings back from Checkout Pro
// to a back URL:
//
//	back_url?collection_id=…&collection_status=…&payment_id=…&status=…&external_reference=…
//	        &payment_type=…&merchant_order_id=…&preference_id=…&site_id=…&processing_mode=…
//
// Anyone can type such a URL, so none of it is proof of payment: pass it to
// Payments.ConfirmReturn, which reads the payment itself.
// See https://www.mercadopago.com/developers/en/docs/checkout-pro/checkout-customization/user-interface/redirection
type CheckoutReturn struct {
	// PaymentID is the payment the query names (payment_id, or collection_id).
	PaymentID int64
	// ReportedStatus is the query's status. Show it while you verify; never act on it.
	ReportedStatus PaymentStatus
	// ExternalReference is the query's external_reference ("" when "null").
	ExternalReference string
	// MerchantOrderID is the query's merchant_order_id (0 when absent).
	MerchantOrderID int64
	// PreferenceID, PaymentType, SiteID and ProcessingMode are kept as sent.
	PreferenceID   string
	PaymentType    string
	SiteID         string
	ProcessingMode string
}

// Checkout Pro return errors, matched with errors.Is.
var (
	// ErrCheckoutReturnMalformed: a parameter is unusable (not a number,
	// too long, payment_id and collection_id disagree).
	ErrCheckoutReturnMalformed = errors.New("mercadopago: checkout return is malformed")
	// ErrCheckoutReturnNoPayment: the payer came back without a payment
	// (payment_id missing or "null"), e.g. from the failure URL after
	// leaving the checkout. Show the order again.
	ErrCheckoutReturnNoPayment = errors.New("mercadopago: checkout return names no payment")
	// ErrCheckoutReturnMismatch: the return or the payment belongs to
	// another order than the one expected (or the merchant order differs).
	ErrCheckoutReturnMismatch = errors.New("mercadopago: checkout return does not match the expected order")
)

// maxReturnParam bounds each parameter of a checkout return.
const maxReturnParam = 256

// ParseCheckoutReturn reads a back URL's query parameters. A payment id
// (payment_id or collection_id, a positive number) is required: without one
// the error matches ErrCheckoutReturnNoPayment.
func ParseCheckoutReturn(q url.Values) (*CheckoutReturn, error) {
	get := func(k string) (string, error) {
		v := q.Get(k)
		if len(v) > maxReturnParam {
			return "", fmt.Errorf("%w: %s is longer than %d characters", ErrCheckoutReturnMalformed, k, maxReturnParam)
		}
		if v == "null" {
			return "", nil
		}
		return v, nil
	}
	vals := map[string]string{}
	for _, k := range []string{"payment_id", "collection_id", "status", "collection_status", "external_reference",
		"merchant_order_id", "preference_id", "payment_type", "site_id", "processing_mode"} {
		v, err := get(k)
		if err != nil {
			return nil, err
		}
		vals[k] = v
	}
	id, err := positiveID("payment_id", vals["payment_id"])
	if err != nil {
		return nil, err
	}
	cid, err := positiveID("collection_id", vals["collection_id"])
	if err != nil {
		return nil, err
	}
	switch {
	case id == 0 && cid == 0:
		return nil, ErrCheckoutReturnNoPayment
	case id == 0:
		id = cid
	case cid != 0 && cid != id:
		return nil, fmt.Errorf("%w: payment_id and collection_id differ", ErrCheckoutReturnMalformed)
	}
	mo, err := positiveID("merchant_order_id", vals["merchant_order_id"])
	if err != nil {
		return nil, err
	}
	status := vals["status"]
	if status == "" {
		status = vals["collection_status"]
	}
	return &CheckoutReturn{
		PaymentID: id, ReportedStatus: PaymentStatus(status), ExternalReference: vals["external_reference"],
		MerchantOrderID: mo, PreferenceID: vals["preference_id"], PaymentType: vals["payment_type"],
		SiteID: vals["site_id"], ProcessingMode: vals["processing_mode"],
	}, nil
}

// positiveID reads an optional positive decimal id; "" is 0.
func positiveID(name, v string) (int64, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 || !digits(v) {
		return 0, fmt.Errorf("%w: %s is not a positive number", ErrCheckoutReturnMalformed, name)
	}
	return n, nil
}

// ConfirmReturn confirms a Checkout Pro return: the return's
// external_reference must be expectedExternalReference (the order id you
// put in the preference), then the payment is read from Mercado Pago and
// returned only if it carries the same external reference (and, when the
// return names one, belongs to the same merchant order). The query's status
// is ignored: read the returned Payment's Status.
func (s *PaymentsService) ConfirmReturn(ctx context.Context, ret *CheckoutReturn, expectedExternalReference string, opts ...paykit.RequestOption) (*Payment, error) {
	if ret == nil {
		return nil, fmt.Errorf("%w: nil return", ErrCheckoutReturnMalformed)
	}
	if expectedExternalReference == "" {
		return nil, invalid("expectedExternalReference", "must not be empty")
	}
	if ret.PaymentID <= 0 {
		return nil, ErrCheckoutReturnNoPayment
	}
	if !webhook.EqualString(ret.ExternalReference, expectedExternalReference) {
		return nil, ErrCheckoutReturnMismatch
	}
	p, err := s.Get(ctx, ret.PaymentID, opts...)
	if err != nil {
		return nil, err
	}
	if !webhook.EqualString(p.ExternalReference, expectedExternalReference) {
		return nil, ErrCheckoutReturnMismatch
	}
	if ret.MerchantOrderID != 0 && p.Order != nil && p.Order.ID != "" && p.Order.ID != strconv.FormatInt(ret.MerchantOrderID, 10) {
		return nil, ErrCheckoutReturnMismatch
	}
	return p, nil
}
