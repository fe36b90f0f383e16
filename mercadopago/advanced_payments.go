package mercadopago

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"strconv"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/transport"
	"github.com/paykit-go/paykit/money"
)

// Advanced payments split one payer's payment between several sellers of a
// marketplace: each disbursement pays one seller (collector_id) its amount,
// less the marketplace's application_fee, released after money_release_days.
//
// What is certain and what is inferred. The paths, the bodies of create,
// capture, cancel, the release-date change and the refunds, the search
// filters and the status list come from Mercado Pago's marketplace guides
// (https://www.mercadopago.com/developers/en/guides/online-payments/marketplace/advanced-payments/introduction)
// and agree with what the official Java and Python SDKs send. The API
// reference marks these endpoints deprecated (new integrations are pointed
// to the Orders API) but still documents them. The reference lists cause
// codes (400031–400037) but states no rule for how disbursements relate
// to the payment: the guide's example has them add up to it, and that is
// all. So paykit refuses before sending only what the guides state (a
// collector id and an amount on each disbursement, a positive payment
// amount) and what cannot be meant (a fee above the amount it is taken
// from, a negative fee or release period); disbursements that do not add
// up come back as the API's *Error (HasCause(CauseInvalidDisbursementAmount)
// in the simulator, which plays that rule).

// Cause codes of the advanced payments API, as its reference lists them.
const (
	// CauseDisbursementsRequired: the request has no disbursements.
	CauseDisbursementsRequired = "400031"
	// CauseCollectorRequired: a disbursement has no collector_id.
	CauseCollectorRequired = "400032"
	// CauseInvalidMarketplaceFee: an application_fee the API refuses.
	CauseInvalidMarketplaceFee = "400033"
	// CauseInvalidDisbursementAmount: a disbursement amount the API refuses
	// (the simulator also answers it when disbursements do not add up to
	// the payment).
	CauseInvalidDisbursementAmount = "400034"
	// CauseInvalidReleaseDate: money_release_date is not acceptable.
	CauseInvalidReleaseDate = "400035"
	// CauseCollectorNotFound: the collector is not a seller the marketplace
	// may collect for (the simulator: one that never connected by OAuth).
	CauseCollectorNotFound = "400037"
)

// AdvancedPaymentStatus is an advanced payment's state.
// See https://www.mercadopago.com/developers/en/guides/online-payments/marketplace/advanced-payments/status-map-and-webhooks
type AdvancedPaymentStatus string

// Advanced payment statuses, as the status map lists them.
const (
	AdvancedAuthorized        AdvancedPaymentStatus = "authorized"
	AdvancedInProcess         AdvancedPaymentStatus = "in_process"
	AdvancedPending           AdvancedPaymentStatus = "pending"
	AdvancedApproved          AdvancedPaymentStatus = "approved"
	AdvancedRejected          AdvancedPaymentStatus = "rejected"
	AdvancedCancelled         AdvancedPaymentStatus = "cancelled"
	AdvancedRefunded          AdvancedPaymentStatus = "refunded"
	AdvancedPartiallyRefunded AdvancedPaymentStatus = "partially_refunded"
	AdvancedChargedBack       AdvancedPaymentStatus = "charged_back"
	// AdvancedVacated: an internal error left the payment unmade.
	AdvancedVacated AdvancedPaymentStatus = "vacated"
)

// AdvancedPaymentRequest is the body of POST /v1/advanced_payments.
// See https://www.mercadopago.com/developers/en/guides/online-payments/marketplace/advanced-payments/receive-split-payments
type AdvancedPaymentRequest struct {
	// ApplicationID is the marketplace application's id.
	ApplicationID string `json:"application_id,omitempty"`
	// Payer is who pays.
	Payer *AdvancedPaymentPayer `json:"payer,omitempty"`
	// Payments are the payer's payments (usually one) for the whole amount.
	Payments []AdvancedPaymentCharge `json:"payments"`
	// Disbursements say which seller gets what. At least one.
	Disbursements []DisbursementRequest `json:"disbursements"`
	// ExternalReference is your id for the whole split payment.
	ExternalReference string `json:"external_reference,omitempty"`
	// Description describes the purchase.
	Description string `json:"description,omitempty"`
	// BinaryMode true ends the payment approved or rejected at once.
	BinaryMode *bool `json:"binary_mode,omitempty"`
	// Capture false only authorizes (capture later with Capture); Ptr(false) is sent.
	Capture *bool `json:"capture,omitempty"`
	// Metadata is returned as it was sent.
	Metadata map[string]any `json:"metadata,omitempty"`
}

// Format prints the request for every verb with the card tokens of its
// payments shown as "[redacted]".
func (r AdvancedPaymentRequest) Format(f fmt.State, verb rune) {
	type advancedPaymentRequest AdvancedPaymentRequest
	if len(r.Payments) > 0 {
		ps := make([]AdvancedPaymentCharge, len(r.Payments))
		copy(ps, r.Payments)
		for i := range ps {
			if ps[i].Token != "" {
				ps[i].Token = redacted
			}
		}
		r.Payments = ps
	}
	_, _ = fmt.Fprintf(f, fmt.FormatString(f, verb), advancedPaymentRequest(r))
}

// AdvancedPaymentPayer is the payer of an advanced payment.
type AdvancedPaymentPayer struct {
	Type           string          `json:"type,omitempty"`
	ID             string          `json:"id,omitempty"`
	Email          string          `json:"email,omitempty"`
	FirstName      string          `json:"first_name,omitempty"`
	LastName       string          `json:"last_name,omitempty"`
	Identification *Identification `json:"identification,omitempty"`
	Address        *PayerAddress   `json:"address,omitempty"`
}

// AdvancedPaymentCharge is one payment of the payer inside an advanced
// payment (a card payment, usually).
type AdvancedPaymentCharge struct {
	PaymentMethodID string `json:"payment_method_id"`
	PaymentTypeID   string `json:"payment_type_id,omitempty"`
	// Token is the one-use card token.
	Token             string        `json:"token,omitempty"`
	TransactionAmount money.Decimal `json:"transaction_amount"`
	// Installments: nil leaves it out, Ptr(1) sends 1.
	Installments *int `json:"installments,omitempty"`
	// ProcessingMode is "aggregator" in the guides' example.
	ProcessingMode      string     `json:"processing_mode,omitempty"`
	Description         string     `json:"description,omitempty"`
	ExternalReference   string     `json:"external_reference,omitempty"`
	StatementDescriptor string     `json:"statement_descriptor,omitempty"`
	DateOfExpiration    *time.Time `json:"date_of_expiration,omitempty"`
}

// DisbursementRequest pays one seller part of an advanced payment.
type DisbursementRequest struct {
	// Amount is the seller's part, fee included. Required, > 0.
	Amount money.Decimal `json:"amount"`
	// CollectorID is the seller's Mercado Pago user id (the OAuth user_id). Required.
	CollectorID int64 `json:"collector_id"`
	// ApplicationFee is what the marketplace keeps of Amount; nil leaves it
	// out, Ptr(money.FromInt(0)) sends 0. It may not exceed Amount.
	ApplicationFee *money.Decimal `json:"application_fee,omitempty"`
	// ExternalReference is your id for this seller's part.
	ExternalReference string `json:"external_reference,omitempty"`
	// MoneyReleaseDays is how many days after approval the seller's money
	// is released; nil uses the marketplace's maximum.
	MoneyReleaseDays *int `json:"money_release_days,omitempty"`
}

// AdvancedPayment is an advanced payment as the API reports it.
type AdvancedPayment struct {
	ID                int64                 `json:"id"`
	ApplicationID     string                `json:"application_id"`
	Status            AdvancedPaymentStatus `json:"status"`
	ExternalReference string                `json:"external_reference"`
	Description       string                `json:"description"`
	// Marketplace names the marketplace ("MP-MKT-<application id>").
	Marketplace     string                  `json:"marketplace"`
	Capture         bool                    `json:"capture"`
	BinaryMode      bool                    `json:"binary_mode"`
	Payer           PayerInfo               `json:"payer"`
	Payments        []AdvancedPaymentResult `json:"payments"`
	Disbursements   []Disbursement          `json:"disbursements"`
	DateCreated     time.Time               `json:"date_created"`
	DateLastUpdated time.Time               `json:"date_last_updated"`
	Metadata        map[string]any          `json:"metadata"`

	// Meta tells how the call went (idempotency key, request id).
	paykit.Meta `json:"-"`
	// Unparsed names the fields that arrived in a shape that could not be read.
	Unparsed []string `json:"-"`
}

// AdvancedPaymentResult is one payment of the payer as the API reports it.
type AdvancedPaymentResult struct {
	ID                  int64         `json:"id"`
	Status              PaymentStatus `json:"status"`
	StatusDetail        StatusDetail  `json:"status_detail"`
	PaymentMethodID     string        `json:"payment_method_id"`
	PaymentTypeID       string        `json:"payment_type_id"`
	TransactionAmount   money.Decimal `json:"transaction_amount"`
	Installments        int           `json:"installments"`
	ProcessingMode      string        `json:"processing_mode"`
	Description         string        `json:"description"`
	ExternalReference   string        `json:"external_reference"`
	StatementDescriptor string        `json:"statement_descriptor"`
	DateOfExpiration    time.Time     `json:"date_of_expiration"`
}

// Disbursement is one seller's part of an advanced payment. Its ID is null
// in the API's answers until the payment is approved.
type Disbursement struct {
	ID                int64         `json:"id"`
	CollectorID       int64         `json:"collector_id"`
	Amount            money.Decimal `json:"amount"`
	ApplicationFee    money.Decimal `json:"application_fee"`
	ExternalReference string        `json:"external_reference"`
	MoneyReleaseDays  int           `json:"money_release_days"`
	// MoneyReleaseDate is when the seller's money is released, once set.
	MoneyReleaseDate time.Time `json:"money_release_date"`
	Status           string    `json:"status"`
	StatusDetail     string    `json:"status_detail"`
}

// DisbursementRefund is a refund of an advanced payment or of one of its
// disbursements. Answers seen in the official SDKs carry advanced_payment_id
// and disbursement_id, or payment_id: all are read.
type DisbursementRefund struct {
	ID                int64         `json:"id"`
	AdvancedPaymentID int64         `json:"advanced_payment_id"`
	DisbursementID    int64         `json:"disbursement_id"`
	PaymentID         int64         `json:"payment_id"`
	Amount            money.Decimal `json:"amount"`
	Status            string        `json:"status"`
	DateCreated       time.Time     `json:"date_created"`

	// Meta tells how the call went; set on RefundDisbursement.
	paykit.Meta `json:"-"`
	// Unparsed names the fields that arrived in a shape that could not be read.
	Unparsed []string `json:"-"`
}

// DisbursementRefunds are the refunds one call made or listed.
type DisbursementRefunds struct {
	Refunds []DisbursementRefund
	// Meta tells how the call went.
	paykit.Meta
}

// UnmarshalJSON reads a list of refunds or a single refund object: the
// answer to a whole refund is not documented, and the official SDKs
// disagree on it (inferred, both are read).
func (r *DisbursementRefunds) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '{' {
		var one DisbursementRefund
		if err := transport.Decode(b, &one); err != nil {
			return err
		}
		r.Refunds = []DisbursementRefund{one}
		return nil
	}
	return transport.Decode(b, &r.Refunds)
}

// AdvancedPaymentsService is c.AdvancedPayments: marketplace split payments.
type AdvancedPaymentsService struct{ c *Client }

// Create makes an advanced payment (POST /v1/advanced_payments) with an
// X-Idempotency-Key, the same on every retry. The request is checked first
// (see the package-level notes above AdvancedPaymentRequest); req is not
// modified.
// See https://www.mercadopago.com/developers/en/reference/advanced_payments/_advanced_payments/post
func (s *AdvancedPaymentsService) Create(ctx context.Context, req *AdvancedPaymentRequest, opts ...paykit.RequestOption) (*AdvancedPayment, error) {
	if err := validateAdvancedPayment(req); err != nil {
		return nil, err
	}
	return transport.Call[AdvancedPayment](ctx, s.c.t, &transport.Request{Op: transport.Op{Name: "mercadopago.AdvancedPayments.Create", Route: "/v1/advanced_payments"}, Method: http.MethodPost, Path: "/v1/advanced_payments", JSON: req}, opts)
}

func validateAdvancedPayment(req *AdvancedPaymentRequest) error {
	if req == nil {
		return invalid("advanced_payment", "must not be nil")
	}
	if req.Payer != nil && req.Payer.Email != "" && !validEmail(req.Payer.Email) {
		return invalid("payer.email", "must be a valid email address")
	}
	if len(req.Payments) == 0 {
		return invalid("payments", "must hold at least one payment")
	}
	for i, p := range req.Payments {
		field := "payments[" + strconv.Itoa(i) + "]"
		if !p.TransactionAmount.IsPositive() {
			return invalid(field+".transaction_amount", "must be greater than zero")
		}
		if p.PaymentMethodID == "" {
			return invalid(field+".payment_method_id", "must be set")
		}
		if p.Installments != nil && *p.Installments < 1 {
			return invalid(field+".installments", "must be at least 1 when given")
		}
	}
	if len(req.Disbursements) == 0 {
		return invalid("disbursements", "must hold at least one disbursement")
	}
	for i, d := range req.Disbursements {
		field := "disbursements[" + strconv.Itoa(i) + "]"
		if d.CollectorID <= 0 {
			return invalid(field+".collector_id", "must be the seller's Mercado Pago user id")
		}
		if !d.Amount.IsPositive() {
			return invalid(field+".amount", "must be greater than zero")
		}
		if d.ApplicationFee != nil {
			if d.ApplicationFee.Sign() < 0 {
				return invalid(field+".application_fee", "must not be negative")
			}
			if d.ApplicationFee.Cmp(d.Amount) > 0 {
				return invalid(field+".application_fee", "must not exceed the disbursement's amount")
			}
		}
		if d.MoneyReleaseDays != nil && *d.MoneyReleaseDays < 0 {
			return invalid(field+".money_release_days", "must not be negative")
		}
	}
	return nil
}

// advancedPath is /v1/advanced_payments/{id}[/more…]; the segments are
// numbers or fixed words.
func advancedPath(id int64, more ...string) string {
	p := "/v1/advanced_payments/" + strconv.FormatInt(id, 10)
	for _, m := range more {
		p += "/" + m
	}
	return p
}

func checkAdvancedID(id int64) error {
	if id <= 0 {
		return invalid("id", "must be a positive advanced payment id")
	}
	return nil
}

// Get reads an advanced payment (GET /v1/advanced_payments/{id}).
// See https://www.mercadopago.com/developers/en/reference/advanced_payments/_advanced_payments_id/get
func (s *AdvancedPaymentsService) Get(ctx context.Context, id int64, opts ...paykit.RequestOption) (*AdvancedPayment, error) {
	if err := checkAdvancedID(id); err != nil {
		return nil, err
	}
	return transport.Call[AdvancedPayment](ctx, s.c.t, &transport.Request{Op: transport.Op{Name: "mercadopago.AdvancedPayments.Get", Route: "/v1/advanced_payments/{id}"}, Method: http.MethodGet, Path: advancedPath(id)}, opts)
}

// Capture captures an advanced payment created with Capture: Ptr(false)
// (PUT /v1/advanced_payments/{id} {"capture":true}).
// See https://www.mercadopago.com/developers/en/guides/online-payments/marketplace/advanced-payments/capture-advanced-payment
func (s *AdvancedPaymentsService) Capture(ctx context.Context, id int64, opts ...paykit.RequestOption) (*AdvancedPayment, error) {
	return s.update(ctx, transport.Op{Name: "mercadopago.AdvancedPayments.Capture", Route: "/v1/advanced_payments/{id}"}, id, map[string]bool{"capture": true}, opts)
}

// Cancel cancels an advanced payment that is pending or authorized
// (PUT /v1/advanced_payments/{id} {"status":"cancelled"}).
// See https://www.mercadopago.com/developers/en/guides/online-payments/marketplace/advanced-payments/cancel-advanced-payment
func (s *AdvancedPaymentsService) Cancel(ctx context.Context, id int64, opts ...paykit.RequestOption) (*AdvancedPayment, error) {
	return s.update(ctx, transport.Op{Name: "mercadopago.AdvancedPayments.Cancel", Route: "/v1/advanced_payments/{id}"}, id, map[string]AdvancedPaymentStatus{"status": AdvancedCancelled}, opts)
}

func (s *AdvancedPaymentsService) update(ctx context.Context, op transport.Op, id int64, body any, opts []paykit.RequestOption) (*AdvancedPayment, error) {
	if err := checkAdvancedID(id); err != nil {
		return nil, err
	}
	return transport.Call[AdvancedPayment](ctx, s.c.t, &transport.Request{Op: op, Method: http.MethodPut, Path: advancedPath(id), JSON: body}, opts)
}

// releaseLayout is how the guides write money_release_date.
const releaseLayout = "2006-01-02T15:04:05.000-07:00"

type releaseBody struct {
	MoneyReleaseDate string `json:"money_release_date"`
}

// UpdateReleaseDate moves the release of every disbursement's money to
// when (POST /v1/advanced_payments/{id}/disburses
// {"money_release_date":"2018-07-10T10:23:18.000-04:00"}); when keeps its
// offset. The date must fall within the marketplace's release range; the
// change is applied asynchronously by the API.
// See https://www.mercadopago.com/developers/en/guides/online-payments/marketplace/advanced-payments/split-flexible-release
func (s *AdvancedPaymentsService) UpdateReleaseDate(ctx context.Context, id int64, when time.Time, opts ...paykit.RequestOption) (*AdvancedPayment, error) {
	if err := checkAdvancedID(id); err != nil {
		return nil, err
	}
	if when.IsZero() {
		return nil, invalid("money_release_date", "must be a time")
	}
	return transport.Call[AdvancedPayment](ctx, s.c.t, &transport.Request{Op: transport.Op{Name: "mercadopago.AdvancedPayments.UpdateReleaseDate", Route: "/v1/advanced_payments/{id}/disburses"}, Method: http.MethodPost, Path: advancedPath(id, "disburses"),
		JSON: releaseBody{when.Format(releaseLayout)}}, opts)
}

// UpdateDisbursementReleaseDate moves the release of one disbursement's
// money (POST /v1/advanced_payments/{id}/disbursements/{disbursement_id}/disburses).
// See https://www.mercadopago.com/developers/en/guides/online-payments/marketplace/advanced-payments/split-flexible-release
func (s *AdvancedPaymentsService) UpdateDisbursementReleaseDate(ctx context.Context, id, disbursementID int64, when time.Time, opts ...paykit.RequestOption) (*AdvancedPayment, error) {
	if err := checkAdvancedID(id); err != nil {
		return nil, err
	}
	if disbursementID <= 0 {
		return nil, invalid("disbursement_id", "must be a positive disbursement id")
	}
	if when.IsZero() {
		return nil, invalid("money_release_date", "must be a time")
	}
	return transport.Call[AdvancedPayment](ctx, s.c.t, &transport.Request{Op: transport.Op{Name: "mercadopago.AdvancedPayments.UpdateDisbursementReleaseDate", Route: "/v1/advanced_payments/{id}/disbursements/{disbursement_id}/disburses"}, Method: http.MethodPost,
		Path: advancedPath(id, "disbursements", strconv.FormatInt(disbursementID, 10), "disburses"),
		JSON: releaseBody{when.Format(releaseLayout)}}, opts)
}

// Refund refunds a whole advanced payment, every disbursement
// (POST /v1/advanced_payments/{id}/refunds, empty body), with an
// X-Idempotency-Key so a retry cannot refund twice. The API refunds
// asynchronously; the status becomes refunded when done.
// See https://www.mercadopago.com/developers/en/guides/online-payments/marketplace/advanced-payments/refund-advanced-payment
func (s *AdvancedPaymentsService) Refund(ctx context.Context, id int64, opts ...paykit.RequestOption) (*DisbursementRefunds, error) {
	if err := checkAdvancedID(id); err != nil {
		return nil, err
	}
	return transport.Call[DisbursementRefunds](ctx, s.c.t, &transport.Request{Op: transport.Op{Name: "mercadopago.AdvancedPayments.Refund", Route: "/v1/advanced_payments/{id}/refunds"}, Method: http.MethodPost, Path: advancedPath(id, "refunds")}, opts)
}

// RefundDisbursement refunds one disbursement
// (POST /v1/advanced_payments/{id}/disbursements/{disbursement_id}/refunds):
// all of it with a nil amount (empty body), part of it with {"amount": n}.
// See https://www.mercadopago.com/developers/en/reference/advanced_payments/_advanced_payments_id_disbursements_disbursement_id_refunds/post
func (s *AdvancedPaymentsService) RefundDisbursement(ctx context.Context, id, disbursementID int64, amount *money.Decimal, opts ...paykit.RequestOption) (*DisbursementRefund, error) {
	if err := checkAdvancedID(id); err != nil {
		return nil, err
	}
	if disbursementID <= 0 {
		return nil, invalid("disbursement_id", "must be a positive disbursement id")
	}
	r := &transport.Request{Op: transport.Op{Name: "mercadopago.AdvancedPayments.RefundDisbursement", Route: "/v1/advanced_payments/{id}/disbursements/{disbursement_id}/refunds"}, Method: http.MethodPost, Path: advancedPath(id, "disbursements", strconv.FormatInt(disbursementID, 10), "refunds")}
	if amount != nil {
		if !amount.IsPositive() {
			return nil, invalid("amount", "must be greater than zero when given")
		}
		r.JSON = RefundRequest{Amount: *amount}
	}
	return transport.Call[DisbursementRefund](ctx, s.c.t, r, opts)
}

// ListRefunds returns the refunds of an advanced payment
// (GET /v1/advanced_payments/{id}/refunds).
func (s *AdvancedPaymentsService) ListRefunds(ctx context.Context, id int64, opts ...paykit.RequestOption) (*DisbursementRefunds, error) {
	if err := checkAdvancedID(id); err != nil {
		return nil, err
	}
	return transport.Call[DisbursementRefunds](ctx, s.c.t, &transport.Request{Op: transport.Op{Name: "mercadopago.AdvancedPayments.ListRefunds", Route: "/v1/advanced_payments/{id}/refunds"}, Method: http.MethodGet, Path: advancedPath(id, "refunds")}, opts)
}

// AdvancedPaymentSearch filters GET /v1/advanced_payments/search.
// See https://www.mercadopago.com/developers/en/guides/online-payments/marketplace/advanced-payments/search-and-conciliation
type AdvancedPaymentSearch struct {
	Status            AdvancedPaymentStatus `url:"status,omitempty"`
	ExternalReference string                `url:"external_reference,omitempty"`
	// PaymentID is the id of one of the payer's payments.
	PaymentID       int64  `url:"payments.id,omitempty"`
	PaymentMethodID string `url:"payments.payment_method_id,omitempty"`
	PaymentTypeID   string `url:"payments.payment_type_id,omitempty"`
	PayerID         string `url:"payer.id,omitempty"`
	PayerEmail      string `url:"payer.email,omitempty"`
	// CollectorID keeps the payments with a disbursement to this seller.
	CollectorID int64 `url:"disbursement.collector_id,omitempty"`
	// Range is "date_created" or "date_last_updated"; BeginDate and EndDate
	// bound it (ISO 8601).
	Range     string `url:"range,omitempty"`
	BeginDate string `url:"begin_date,omitempty"`
	EndDate   string `url:"end_date,omitempty"`
	Limit     int    `url:"limit,omitempty"`
	Offset    int    `url:"offset,omitempty"`
}

func (q *AdvancedPaymentSearch) paging() (*int, *int) { return &q.Limit, &q.Offset }

// AdvancedPaymentPage is one page of an advanced payment search.
type AdvancedPaymentPage struct {
	Paging      Paging            `json:"paging"`
	Results     []AdvancedPayment `json:"results"`
	paykit.Meta `json:"-"`
}

func (p *AdvancedPaymentPage) items(int, int) ([]AdvancedPayment, Paging) { return p.Results, p.Paging }

var _ page[AdvancedPayment] = (*AdvancedPaymentPage)(nil)

// SearchPage fetches one page of an advanced payment search.
// See https://www.mercadopago.com/developers/en/reference/advanced_payments/_advanced_payments_search/get
func (s *AdvancedPaymentsService) SearchPage(ctx context.Context, q *AdvancedPaymentSearch, opts ...paykit.RequestOption) (*AdvancedPaymentPage, error) {
	return fetchPage[AdvancedPaymentPage](ctx, s.c, transport.Op{Name: "mercadopago.AdvancedPayments.SearchPage", Route: "/v1/advanced_payments/search"}, q, opts)
}

// Search walks every advanced payment matching q, fetching pages as it
// goes; stop ranging to stop fetching. An error is yielded once and ends
// the walk.
func (s *AdvancedPaymentsService) Search(ctx context.Context, q *AdvancedPaymentSearch, opts ...paykit.RequestOption) iter.Seq2[*AdvancedPayment, error] {
	return search[AdvancedPayment](ctx, q, s.SearchPage, opts)
}

// The refunds answer decodes through its own UnmarshalJSON (a list or one object).
var _ json.Unmarshaler = (*DisbursementRefunds)(nil)
