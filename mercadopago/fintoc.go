package mercadopago

import (
	"context"
	"strings"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/money"
)

// FintocWidgetTokenTTL is how long the Fintoc widget token stays valid after
// the payment is created; after that, create another payment.
const FintocWidgetTokenTTL = 10 * time.Minute

// PaymentMethodFintoc is the payment_method_id of Fintoc bank transfers (Chile).
const PaymentMethodFintoc = "fintoc"

// FintocRequest is what a Fintoc payment needs; CreateFintoc fills in the
// fixed parts (payment method "fintoc", point of interaction CHECKOUT /
// INTER_PSP).
// See https://www.mercadopago.com/developers/en/docs/checkout-api/integration-configuration/fintoc/advanced-integration
type FintocRequest struct {
	// TransactionAmount is the amount in CLP. Required, > 0. In the sandbox
	// its last two digits choose the outcome (see FintocSandboxOutcome).
	TransactionAmount money.Decimal
	// Description is the payment's reason. Required.
	Description string
	// CallbackURL is where Mercado Pago finally redirects the payer. Required.
	CallbackURL string
	// PayerEmail is the payer's email. Required.
	PayerEmail string
	// ExternalReference, NotificationURL and Metadata are optional, as for
	// any payment.
	ExternalReference string
	NotificationURL   string
	Metadata          map[string]any
}

// FintocPayment is a created Fintoc payment and what the front end needs to
// open the widget.
type FintocPayment struct {
	// Payment is the payment as created (status pending until the payer
	// finishes in the widget).
	Payment *Payment
	// WidgetToken initialises Fintoc's widget (mp.fintoc().open({widgetToken})):
	// the response's payment_method.data.external_reference_id.
	WidgetToken string
	// WidgetTokenExpiresAt is when the token stops working (10 minutes after
	// creation).
	WidgetTokenExpiresAt time.Time
	// RedirectURL is the hosted page, from payment_method.data.external_resource_url
	// or, in older answers, transaction_details.external_resource_url.
	RedirectURL string
}

// CreateFintoc creates a Fintoc payment (POST /v1/payments with
// payment_method_id "fintoc") and returns the widget token with its expiry.
// Fintoc payments are refunded from the seller's dashboard, not the API.
func (s *PaymentsService) CreateFintoc(ctx context.Context, req *FintocRequest, opts ...paykit.RequestOption) (*FintocPayment, error) {
	if req == nil {
		return nil, invalid("payment", "must not be nil")
	}
	if strings.TrimSpace(req.Description) == "" {
		return nil, invalid("description", "must not be empty")
	}
	if strings.TrimSpace(req.CallbackURL) == "" {
		return nil, invalid("callback_url", "must not be empty")
	}
	p, err := s.Create(ctx, &PaymentRequest{
		TransactionAmount:  req.TransactionAmount,
		PaymentMethodID:    PaymentMethodFintoc,
		Description:        req.Description,
		CallbackURL:        req.CallbackURL,
		ExternalReference:  req.ExternalReference,
		NotificationURL:    req.NotificationURL,
		Metadata:           req.Metadata,
		Payer:              &PaymentPayer{Email: req.PayerEmail},
		PointOfInteraction: &PointOfInteraction{Type: "CHECKOUT", SubType: "INTER_PSP"},
	}, opts...)
	if err != nil {
		return nil, err
	}
	now := s.c.t.Now()
	created := p.DateCreated
	if created.IsZero() || created.After(now) {
		created = now
	}
	fp := &FintocPayment{Payment: p, WidgetTokenExpiresAt: created.Add(FintocWidgetTokenTTL)}
	if p.PaymentMethod != nil {
		fp.WidgetToken = p.PaymentMethod.Data.ExternalReferenceID
		fp.RedirectURL = p.PaymentMethod.Data.ExternalResourceURL
	}
	if fp.RedirectURL == "" {
		fp.RedirectURL = p.TransactionDetails.ExternalResourceURL
	}
	return fp, nil
}

// FintocSandboxOutcome tells what the Fintoc sandbox does with amount: its
// last two digits 03 give a rejected payment, 01, 02 and 04 to 09 an
// approved one. For other endings the documentation says nothing, and
// documented is false.
func FintocSandboxOutcome(amount money.Decimal) (status PaymentStatus, documented bool) {
	digits := strings.ReplaceAll(strings.TrimPrefix(amount.Trim().String(), "-"), ".", "")
	if len(digits) < 2 {
		digits = "0" + digits
	}
	switch last := digits[len(digits)-2:]; last {
	case "03":
		return StatusRejected, true
	case "01", "02", "04", "05", "06", "07", "08", "09":
		return StatusApproved, true
	}
	return "", false
}
