package mercadopago

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/transport"
	"github.com/paykit-go/paykit/money"
)

// OrderStatus is the state of an order of the Orders API. Values Mercado
// Pago adds later decode as they are; compare with the constants.
// See https://www.mercadopago.com/developers/en/docs/checkout-api-orders/payment-management/status/order-status
type OrderStatus string

// Order statuses ("canceled" is spelled with one l in this API).
const (
	OrderCreated        OrderStatus = "created"         // created, nothing processed yet (manual processing mode)
	OrderProcessing     OrderStatus = "processing"      // being processed (asynchronous methods)
	OrderActionRequired OrderStatus = "action_required" // waiting for the payer or for Capture
	OrderProcessed      OrderStatus = "processed"       // paid and credited (refunds keep this status, see the detail)
	OrderFailed         OrderStatus = "failed"          // refused; the detail says why
	OrderCanceled       OrderStatus = "canceled"        // cancelled before it was paid or captured
	OrderRefunded       OrderStatus = "refunded"        // refunded in full
	OrderExpired        OrderStatus = "expired"         // not paid in time
)

// Terminal reports whether the status will not change by itself any more
// (a processed order can still be refunded).
func (s OrderStatus) Terminal() bool {
	switch s {
	case OrderProcessed, OrderFailed, OrderCanceled, OrderRefunded, OrderExpired:
		return true
	}
	return false
}

// TransactionStatus is the state of one transaction (a payment or a refund)
// inside an order. Unknown values decode as they are.
// See https://www.mercadopago.com/developers/en/docs/checkout-api-orders/payment-management/status/transaction-status
type TransactionStatus string

// Transaction statuses.
const (
	TransactionCreated        TransactionStatus = "created"
	TransactionProcessing     TransactionStatus = "processing"
	TransactionActionRequired TransactionStatus = "action_required"
	TransactionProcessed      TransactionStatus = "processed"
	TransactionFailed         TransactionStatus = "failed"
	TransactionCanceled       TransactionStatus = "canceled"
	TransactionRefunded       TransactionStatus = "refunded"
	TransactionExpired        TransactionStatus = "expired"
)

// OrderStatusDetail says why an order or transaction is in its status.
type OrderStatusDetail string

// Documented status details of orders and their transactions.
const (
	OrderDetailCreated                  OrderStatusDetail = "created"
	OrderDetailAccredited               OrderStatusDetail = "accredited"
	OrderDetailPartiallyRefunded        OrderStatusDetail = "partially_refunded"
	OrderDetailRefunded                 OrderStatusDetail = "refunded"
	OrderDetailInProcess                OrderStatusDetail = "in_process"
	OrderDetailWaitingPayment           OrderStatusDetail = "waiting_payment"
	OrderDetailWaitingCapture           OrderStatusDetail = "waiting_capture"
	OrderDetailCanceled                 OrderStatusDetail = "canceled"
	OrderDetailExpired                  OrderStatusDetail = "expired"
	OrderDetailBadFilledCardData        OrderStatusDetail = "bad_filled_card_data"
	OrderDetailInvalidCardToken         OrderStatusDetail = "invalid_card_token"
	OrderDetailHighRisk                 OrderStatusDetail = "high_risk"
	OrderDetailRejectedByIssuer         OrderStatusDetail = "rejected_by_issuer"
	OrderDetailRequiredCallForAuthorize OrderStatusDetail = "required_call_for_authorize"
	OrderDetailInsufficientAmount       OrderStatusDetail = "insufficient_amount"
	OrderDetailProcessingError          OrderStatusDetail = "processing_error"
)

// ProcessingMode says when an order's transactions are processed.
type ProcessingMode string

// Processing modes.
const (
	// ProcessAutomatic processes the transactions as the order is created.
	ProcessAutomatic ProcessingMode = "automatic"
	// ProcessManual creates the order only; Orders.Process processes it.
	ProcessManual ProcessingMode = "manual"
)

// CaptureMode says when an authorized card payment is captured.
type CaptureMode string

// Capture modes.
const (
	// CaptureAutomatic captures at once (the API's default).
	CaptureAutomatic CaptureMode = "automatic"
	// CaptureAutomaticAsync captures at once, answering before it is done.
	CaptureAutomaticAsync CaptureMode = "automatic_async"
	// CaptureManual authorizes only; Orders.Capture captures later.
	CaptureManual CaptureMode = "manual"
)

// OrderTypeOnline is the type of orders paid online (the only type this
// client creates; in-person orders have their own APIs).
const OrderTypeOnline = "online"

// OrderRequest is the body of POST /v1/orders. Amounts are exact and travel
// as decimal strings ("1000.00"), as this API wants. Type defaults to
// "online".
// See https://www.mercadopago.com/developers/en/reference/orders/online-payments/create/post
type OrderRequest struct {
	// Type is OrderTypeOnline; empty sends "online".
	Type string
	// ProcessingMode is ProcessAutomatic or ProcessManual. Required.
	ProcessingMode ProcessingMode
	// CaptureMode is CaptureAutomatic (default when empty), CaptureAutomaticAsync or CaptureManual.
	CaptureMode CaptureMode
	// TotalAmount is what the order costs. Required, > 0, and equal to the
	// sum of the payments' amounts.
	TotalAmount money.Decimal
	// ExternalReference is your id for the order. Required, at most 64 characters.
	ExternalReference string
	// Description is shown to the payer.
	Description string
	// Marketplace and MarketplaceFee apply when a platform charges for a
	// seller (with the seller's OAuth token): the fee is kept by the
	// platform. A zero fee is left out.
	Marketplace    string
	MarketplaceFee money.Decimal
	// ExpirationTime is an ISO 8601 duration ("P3D", "PT30M") after which an
	// unpaid order expires.
	ExpirationTime string
	// Payer is who pays; Email is required.
	Payer *OrderPayer
	// Payments are the order's payment transactions: the API takes one.
	// Required when ProcessingMode is automatic.
	Payments []OrderPaymentRequest
	// Items describe what is sold (optional; helps fraud prevention).
	Items []OrderItem
	// TransactionSecurity asks for 3-D Secure on the order's card payment
	// (sent as config.online.transaction_security; nil sends nothing, and
	// the account's default applies).
	TransactionSecurity *OrderTransactionSecurity
}

// OrderTransactionSecurity is the 3-D Secure setting of an order. The node
// and its values are documented in the Orders API's 3DS guide
// (https://www.mercadopago.com/developers/en/docs/checkout-api-orders/payment-management/integrate-3ds);
// the official SDKs send the same shape.
type OrderTransactionSecurity struct {
	// Validation is ThreeDSAlways, ThreeDSOnFraudRisk or ThreeDSNever. Required.
	Validation string `json:"validation"`
	// LiabilityShift is LiabilityShiftRequired or LiabilityShiftPreferred
	// (empty leaves it to the API).
	LiabilityShift string `json:"liability_shift,omitempty"`
}

// 3-D Secure settings of an order (OrderTransactionSecurity).
const (
	ThreeDSAlways           = "always"        // always authenticate the payer
	ThreeDSOnFraudRisk      = "on_fraud_risk" // authenticate when the risk analysis asks for it
	ThreeDSNever            = "never"         // never authenticate
	LiabilityShiftRequired  = "required"      // refuse the payment unless the issuer takes the liability
	LiabilityShiftPreferred = "preferred"     // prefer the liability shift, but do not require it
)

// OrderDetailPendingChallenge is the status detail of an order payment
// waiting for the payer's 3-D Secure challenge: send the payer to
// PaymentMethod.TransactionSecurity.URL. (Seen in the official SDKs'
// tests; the Orders API reference does not list it.)
const OrderDetailPendingChallenge OrderStatusDetail = "pending_challenge"

// OrderPayer is the payer of an order.
type OrderPayer struct {
	Email          string          `json:"email,omitempty"`
	FirstName      string          `json:"first_name,omitempty"`
	LastName       string          `json:"last_name,omitempty"`
	CustomerID     string          `json:"customer_id,omitempty"`
	Identification *Identification `json:"identification,omitempty"`
}

// OrderPaymentRequest is one payment transaction of a new order.
type OrderPaymentRequest struct {
	// Amount of this payment. Required, > 0.
	Amount money.Decimal
	// PaymentMethod says how it is paid. Required.
	PaymentMethod OrderPaymentMethod
}

// OrderPaymentMethod is a payment's method: for cards the one-use token
// MercadoPago.js made, the brand and type, and the installments.
type OrderPaymentMethod struct {
	// ID is the method, e.g. "master", "visa". Required.
	ID string `json:"id"`
	// Type is "credit_card", "debit_card"… Required.
	Type string `json:"type"`
	// Token is the card token. Required for card types.
	Token string `json:"token,omitempty"`
	// Installments is required (≥ 1) for credit cards.
	Installments int `json:"installments,omitempty"`
	// StatementDescriptor is what the card statement shows.
	StatementDescriptor string `json:"statement_descriptor,omitempty"`
}

// Format prints the method's fields for every verb with the card token
// shown as "[redacted]".
func (m OrderPaymentMethod) Format(f fmt.State, verb rune) {
	type orderPaymentMethod OrderPaymentMethod // the same fields, without this method
	if m.Token != "" {
		m.Token = redacted
	}
	_, _ = fmt.Fprintf(f, fmt.FormatString(f, verb), orderPaymentMethod(m))
}

// OrderItem is one line of what is sold.
type OrderItem struct {
	Title        string        `json:"title,omitempty"`
	UnitPrice    money.Decimal `json:"unit_price"`
	Quantity     int           `json:"quantity,omitempty"`
	ExternalCode string        `json:"external_code,omitempty"`
	Description  string        `json:"description,omitempty"`
	CategoryID   string        `json:"category_id,omitempty"`
	PictureURL   string        `json:"picture_url,omitempty"`
}

// Order is an order as Mercado Pago reports it. Amounts arrive as decimal
// strings and are read exactly; ids are strings ("01HRYFWNYRE1MR1E60MW3X0T2P").
// See https://www.mercadopago.com/developers/en/reference/orders/online-payments/get-order/get
type Order struct {
	ID                string            `json:"id"`
	Type              string            `json:"type"`
	ProcessingMode    ProcessingMode    `json:"processing_mode"`
	CaptureMode       CaptureMode       `json:"capture_mode"`
	ExternalReference string            `json:"external_reference"`
	Description       string            `json:"description"`
	CountryCode       string            `json:"country_code"`
	Currency          string            `json:"currency"`
	Status            OrderStatus       `json:"status"`
	StatusDetail      OrderStatusDetail `json:"status_detail"`
	TotalAmount       money.Decimal     `json:"total_amount"`
	TotalPaidAmount   money.Decimal     `json:"total_paid_amount"`
	Marketplace       string            `json:"marketplace"`
	MarketplaceFee    money.Decimal     `json:"marketplace_fee"`
	UserID            string            `json:"user_id"`
	ExpirationTime    string            `json:"expiration_time"`
	CreatedDate       time.Time         `json:"created_date"`
	LastUpdatedDate   time.Time         `json:"last_updated_date"`
	Payer             OrderPayerInfo    `json:"payer"`
	Transactions      OrderTransactions `json:"transactions"`
	Items             []OrderItem       `json:"items"`

	// Meta tells how the call that returned this order went (idempotency key, request id).
	paykit.Meta `json:"-"`
	// Unparsed names the fields that arrived in a shape that could not be read.
	Unparsed []string `json:"-"`
}

// OrderPayerInfo is the payer as an order reports it.
type OrderPayerInfo struct {
	Email      string `json:"email"`
	FirstName  string `json:"first_name"`
	LastName   string `json:"last_name"`
	CustomerID string `json:"customer_id"`
}

// OrderTransactions are an order's payments, refunds and chargebacks.
type OrderTransactions struct {
	Payments    []OrderPayment    `json:"payments"`
	Refunds     []OrderRefund     `json:"refunds"`
	Chargebacks []OrderChargeback `json:"chargebacks"`
}

// OrderChargeback is a dispute against one of an order's payments, as the
// order reports it (field names from the official SDKs' order types; read
// the dispute itself with Chargebacks.Get or Chargebacks.Search).
type OrderChargeback struct {
	ID            string   `json:"id"`
	TransactionID string   `json:"transaction_id"`
	CaseID        string   `json:"case_id"`
	Status        string   `json:"status"`
	References    []string `json:"references"`
}

// OrderPayment is one payment transaction of an order. ReferenceID is the
// id of the matching payment in /v1/payments.
type OrderPayment struct {
	ID             string                 `json:"id"`
	ReferenceID    string                 `json:"reference_id"`
	Status         TransactionStatus      `json:"status"`
	StatusDetail   OrderStatusDetail      `json:"status_detail"`
	Amount         money.Decimal          `json:"amount"`
	PaidAmount     money.Decimal          `json:"paid_amount"`
	RefundedAmount money.Decimal          `json:"refunded_amount"`
	PaymentMethod  OrderPaymentMethodInfo `json:"payment_method"`
	// DateOfExpiration is when an unpaid ticket or transfer expires.
	DateOfExpiration time.Time `json:"date_of_expiration"`
	// AttemptNumber counts the processing attempts of this payment.
	AttemptNumber int `json:"attempt_number"`
}

// OrderPaymentMethodInfo is a payment's method as reported (the one-use
// card token is deliberately not kept).
//
// Methods that are not cards carry what the payer needs to pay on this
// node, as plain fields: a Pix or other bank transfer its QR code
// (QRCode, the copy-and-paste payload, and QRCodeBase64, a PNG), a ticket
// (boleto, OXXO, Rapipago…) its TicketURL, BarcodeContent, DigitableLine
// and Reference, a redirect method (PSE) its RedirectURL. The field names
// are the ones the official SDKs (Go, Node, Java) read on an order's
// payment method; which method fills which field is inferred from the
// field names and the payments API, not documented per method.
type OrderPaymentMethodInfo struct {
	ID                  string `json:"id"`
	Type                string `json:"type"`
	Installments        int    `json:"installments"`
	StatementDescriptor string `json:"statement_descriptor"`
	CardID              string `json:"card_id"`

	// TicketURL is the page where the payer sees or prints the ticket.
	TicketURL string `json:"ticket_url"`
	// BarcodeContent is the number a ticket's barcode encodes.
	BarcodeContent string `json:"barcode_content"`
	// DigitableLine is a boleto's typeable line.
	DigitableLine string `json:"digitable_line"`
	// Reference is the payment code shown to the payer (cash tickets).
	Reference string `json:"reference"`
	// VerificationCode is a ticket's verification code.
	VerificationCode string `json:"verification_code"`
	// FinancialInstitution is the bank or network that takes the payment.
	FinancialInstitution string `json:"financial_institution"`
	// QRCode is a Pix (or other transfer) QR code's payload, to copy and paste.
	QRCode string `json:"qr_code"`
	// QRCodeBase64 is the same QR code as a base64 PNG image.
	QRCodeBase64 string `json:"qr_code_base64"`
	// E2EID is the end-to-end id of a Pix transfer once paid.
	E2EID string `json:"e2e_id"`
	// RedirectURL is where to send the payer to pay (PSE and other
	// redirect methods).
	RedirectURL string `json:"redirect_url"`
	// TransactionSecurity is the 3-D Secure state of a card payment; when
	// the payment waits for a challenge (OrderDetailPendingChallenge) its
	// URL is the challenge page.
	TransactionSecurity *OrderThreeDS `json:"transaction_security"`
}

// OrderThreeDS is the 3-D Secure state of an order's card payment, as the
// official SDKs read it (payment_method.transaction_security).
type OrderThreeDS struct {
	ID             string `json:"id"`
	Validation     string `json:"validation"`
	LiabilityShift string `json:"liability_shift"`
	// URL is the challenge page to send the payer to.
	URL string `json:"url"`
	// Type is "challenge" or "frictionless"; Status "pending", "complete"…
	Type   string `json:"type"`
	Status string `json:"status"`
}

// OrderRefund is one refund transaction of an order; TransactionID is the
// payment it gives back.
type OrderRefund struct {
	ID            string            `json:"id"`
	TransactionID string            `json:"transaction_id"`
	ReferenceID   string            `json:"reference_id"`
	Status        TransactionStatus `json:"status"`
	Amount        money.Decimal     `json:"amount"`
}

// Payment returns the order's first payment transaction, or nil.
func (o *Order) Payment() *OrderPayment {
	if o == nil || len(o.Transactions.Payments) == 0 {
		return nil
	}
	return &o.Transactions.Payments[0]
}

// OrderRefundRequest asks for a partial refund of some of an order's
// payments. A nil request refunds the whole order.
type OrderRefundRequest struct {
	// Transactions are the payments to refund and how much of each.
	Transactions []OrderRefundTransaction
}

// OrderRefundTransaction is one payment to refund in part.
type OrderRefundTransaction struct {
	// ID is the payment transaction's id (OrderPayment.ID). Required.
	ID string
	// Amount to give back. Required, > 0.
	Amount money.Decimal
}

// OrdersService is c.Orders: Mercado Pago's Orders API (/v1/orders).
type OrdersService struct {
	c    *Client
	seen orderMemo // what this client last saw of recent orders (orders_transactions.go)
}

// Create creates an order (POST /v1/orders) with an X-Idempotency-Key (a
// generated UUID unless WithIdempotencyKey gives one; the API requires one),
// the same on every retry, so a lost answer never pays twice. With
// ProcessAutomatic the payments are processed at once and the order comes
// back processed, failed or waiting for capture. req is not modified.
// See https://www.mercadopago.com/developers/en/reference/orders/online-payments/create/post
func (s *OrdersService) Create(ctx context.Context, req *OrderRequest, opts ...paykit.RequestOption) (*Order, error) {
	body, err := orderBody(req)
	if err != nil {
		return nil, err
	}
	return s.do(ctx, transport.Op{Name: "mercadopago.Orders.Create", Route: "/v1/orders"}, http.MethodPost, "/v1/orders", body, opts)
}

// Get reads an order (GET /v1/orders/{id}).
// See https://www.mercadopago.com/developers/en/reference/orders/online-payments/get-order/get
func (s *OrdersService) Get(ctx context.Context, id string, opts ...paykit.RequestOption) (*Order, error) {
	if err := checkID("id", id); err != nil {
		return nil, err
	}
	return s.do(ctx, transport.Op{Name: "mercadopago.Orders.Get", Route: "/v1/orders/{id}"}, http.MethodGet, transport.Path("v1", "orders", id), nil, opts)
}

// Process processes an order created with ProcessManual
// (POST /v1/orders/{id}/process).
// See https://www.mercadopago.com/developers/en/reference/orders/online-payments/process-order/post
func (s *OrdersService) Process(ctx context.Context, id string, opts ...paykit.RequestOption) (*Order, error) {
	return s.action(ctx, transport.Op{Name: "mercadopago.Orders.Process", Route: "/v1/orders/{id}/process"}, id, "process", nil, opts)
}

// Capture captures an order authorized with CaptureManual (status
// action_required, detail waiting_capture): POST /v1/orders/{id}/capture.
// See https://www.mercadopago.com/developers/en/reference/orders/online-payments/capture/post
func (s *OrdersService) Capture(ctx context.Context, id string, opts ...paykit.RequestOption) (*Order, error) {
	return s.action(ctx, transport.Op{Name: "mercadopago.Orders.Capture", Route: "/v1/orders/{id}/capture"}, id, "capture", nil, opts)
}

// Cancel cancels an order that is not paid yet or waits for capture
// (POST /v1/orders/{id}/cancel). A processed order is refunded instead.
// See https://www.mercadopago.com/developers/en/reference/orders/online-payments/cancel-order/post
func (s *OrdersService) Cancel(ctx context.Context, id string, opts ...paykit.RequestOption) (*Order, error) {
	return s.action(ctx, transport.Op{Name: "mercadopago.Orders.Cancel", Route: "/v1/orders/{id}/cancel"}, id, "cancel", nil, opts)
}

// Refund refunds an order (POST /v1/orders/{id}/refund): in full with a nil
// req (an empty body), in part with the payments and amounts in req. It
// always carries an X-Idempotency-Key, the same on every retry, so a lost
// answer cannot refund twice.
// See https://www.mercadopago.com/developers/en/reference/orders/online-payments/refund/post
func (s *OrdersService) Refund(ctx context.Context, id string, req *OrderRefundRequest, opts ...paykit.RequestOption) (*Order, error) {
	if req == nil {
		return s.action(ctx, transport.Op{Name: "mercadopago.Orders.Refund", Route: "/v1/orders/{id}/refund"}, id, "refund", nil, opts)
	}
	if len(req.Transactions) == 0 {
		return nil, invalid("transactions", "must list at least one payment to refund (or pass a nil request to refund all)")
	}
	body := refundWire{Transactions: make([]refundTxWire, len(req.Transactions))}
	for i, tx := range req.Transactions {
		field := "transactions[" + strconv.Itoa(i) + "]"
		if err := checkID(field+".id", tx.ID); err != nil {
			return nil, err
		}
		if !tx.Amount.IsPositive() {
			return nil, invalid(field+".amount", "must be greater than zero")
		}
		body.Transactions[i] = refundTxWire{ID: tx.ID, Amount: decimalString(tx.Amount)}
	}
	return s.action(ctx, transport.Op{Name: "mercadopago.Orders.Refund", Route: "/v1/orders/{id}/refund"}, id, "refund", body, opts)
}

func (s *OrdersService) action(ctx context.Context, op transport.Op, id, verb string, body any, opts []paykit.RequestOption) (*Order, error) {
	if err := checkID("id", id); err != nil {
		return nil, err
	}
	return s.do(ctx, op, http.MethodPost, transport.Path("v1", "orders", id, verb), body, opts)
}

func (s *OrdersService) do(ctx context.Context, op transport.Op, method, path string, body any, opts []paykit.RequestOption) (*Order, error) {
	r := &transport.Request{Op: op, Method: method, Path: path}
	if body != nil {
		r.JSON = body
	}
	o, err := transport.Call[Order](ctx, s.c.t, r, opts)
	if err == nil {
		s.seen.note(o)
	}
	return o, err
}

// decimalString is an amount the Orders API wants as a JSON string.
type decimalString money.Decimal

// MarshalJSON writes the amount as a quoted decimal: "1000.00".
func (d decimalString) MarshalJSON() ([]byte, error) {
	return []byte(strconv.Quote(money.Decimal(d).String())), nil
}

// orderWire is the JSON shape of OrderRequest.
type orderWire struct {
	Type              string          `json:"type"`
	ProcessingMode    ProcessingMode  `json:"processing_mode"`
	CaptureMode       CaptureMode     `json:"capture_mode,omitempty"`
	TotalAmount       decimalString   `json:"total_amount"`
	ExternalReference string          `json:"external_reference"`
	Description       string          `json:"description,omitempty"`
	Marketplace       string          `json:"marketplace,omitempty"`
	MarketplaceFee    *decimalString  `json:"marketplace_fee,omitempty"`
	ExpirationTime    string          `json:"expiration_time,omitempty"`
	Payer             *OrderPayer     `json:"payer,omitempty"`
	Transactions      *orderTxWire    `json:"transactions,omitempty"`
	Items             []orderItemWire `json:"items,omitempty"`
	Config            *orderConfig    `json:"config,omitempty"`
}

type orderConfig struct {
	Online struct {
		TransactionSecurity *OrderTransactionSecurity `json:"transaction_security"`
	} `json:"online"`
}

type orderTxWire struct {
	Payments []orderPaymentWire `json:"payments"`
}

type orderPaymentWire struct {
	Amount        decimalString      `json:"amount"`
	PaymentMethod OrderPaymentMethod `json:"payment_method"`
}

type orderItemWire struct {
	Title        string        `json:"title,omitempty"`
	UnitPrice    decimalString `json:"unit_price"`
	Quantity     int           `json:"quantity,omitempty"`
	ExternalCode string        `json:"external_code,omitempty"`
	Description  string        `json:"description,omitempty"`
	CategoryID   string        `json:"category_id,omitempty"`
	PictureURL   string        `json:"picture_url,omitempty"`
}

type refundWire struct {
	Transactions []refundTxWire `json:"transactions"`
}

type refundTxWire struct {
	ID     string        `json:"id"`
	Amount decimalString `json:"amount"`
}

// isoDurationRe matches ISO 8601 durations (P3D, PT30M, P1DT2H).
var isoDurationRe = regexp.MustCompile(`^P(\d+[YMWD])*(T(\d+[HMS])+)?$`)

// orderBody checks req and builds its wire form; req is only read.
func orderBody(req *OrderRequest) (*orderWire, error) {
	if req == nil {
		return nil, invalid("order", "must not be nil")
	}
	w := &orderWire{Type: req.Type, ProcessingMode: req.ProcessingMode, CaptureMode: req.CaptureMode,
		TotalAmount: decimalString(req.TotalAmount), ExternalReference: req.ExternalReference,
		Description: req.Description, Marketplace: req.Marketplace, ExpirationTime: req.ExpirationTime}
	if w.Type == "" {
		w.Type = OrderTypeOnline
	}
	switch req.ProcessingMode {
	case ProcessAutomatic, ProcessManual:
	default:
		return nil, invalid("processing_mode", `must be "automatic" or "manual"`)
	}
	switch req.CaptureMode {
	case "", CaptureAutomatic, CaptureAutomaticAsync, CaptureManual:
	default:
		return nil, invalid("capture_mode", `must be "automatic", "automatic_async" or "manual"`)
	}
	if !req.TotalAmount.IsPositive() {
		return nil, invalid("total_amount", "must be greater than zero")
	}
	if err := checkID("external_reference", req.ExternalReference); err != nil {
		return nil, err
	}
	if len(req.ExternalReference) > 64 {
		return nil, invalid("external_reference", "must be at most 64 characters")
	}
	if req.ExpirationTime != "" && (req.ExpirationTime == "P" || !isoDurationRe.MatchString(req.ExpirationTime)) {
		return nil, invalid("expiration_time", "must be an ISO 8601 duration such as P3D or PT30M")
	}
	if req.MarketplaceFee.Sign() < 0 {
		return nil, invalid("marketplace_fee", "must not be negative")
	}
	if req.MarketplaceFee.IsPositive() {
		if req.MarketplaceFee.Cmp(req.TotalAmount) >= 0 {
			return nil, invalid("marketplace_fee", "must be less than total_amount")
		}
		fee := decimalString(req.MarketplaceFee)
		w.MarketplaceFee = &fee
	}
	if req.Payer == nil || !validEmail(req.Payer.Email) {
		return nil, invalid("payer.email", "must be a valid email address")
	}
	w.Payer = req.Payer
	if req.ProcessingMode == ProcessAutomatic && len(req.Payments) == 0 {
		return nil, invalid("transactions.payments", "must hold at least one payment when processing_mode is automatic")
	}
	if len(req.Payments) > 1 {
		return nil, invalid("transactions.payments", "can hold only one payment (the API's limit)")
	}
	if len(req.Payments) > 0 {
		sum := money.Decimal{}
		w.Transactions = &orderTxWire{Payments: make([]orderPaymentWire, len(req.Payments))}
		for i, p := range req.Payments {
			field := "transactions.payments[" + strconv.Itoa(i) + "]"
			if err := checkOrderPayment(field, p.Amount, &p.PaymentMethod); err != nil {
				return nil, err
			}
			var err error
			if sum, err = sum.Add(p.Amount); err != nil {
				return nil, invalid(field+".amount", "is too large")
			}
			w.Transactions.Payments[i] = orderPaymentWire{Amount: decimalString(p.Amount), PaymentMethod: p.PaymentMethod}
		}
		if sum.Cmp(req.TotalAmount) != 0 {
			return nil, invalid("total_amount", "must equal the sum of the payments' amounts ("+sum.String()+")")
		}
	}
	for i, it := range req.Items {
		field := "items[" + strconv.Itoa(i) + "]"
		if it.UnitPrice.Sign() < 0 {
			return nil, invalid(field+".unit_price", "must not be negative")
		}
		if it.Quantity < 0 {
			return nil, invalid(field+".quantity", "must not be negative")
		}
		w.Items = append(w.Items, orderItemWire{Title: it.Title, UnitPrice: decimalString(it.UnitPrice), Quantity: it.Quantity,
			ExternalCode: it.ExternalCode, Description: it.Description, CategoryID: it.CategoryID, PictureURL: it.PictureURL})
	}
	if ts := req.TransactionSecurity; ts != nil {
		switch ts.Validation {
		case ThreeDSAlways, ThreeDSOnFraudRisk, ThreeDSNever:
		default:
			return nil, invalid("config.online.transaction_security.validation", `must be "always", "on_fraud_risk" or "never"`)
		}
		switch ts.LiabilityShift {
		case "", LiabilityShiftRequired, LiabilityShiftPreferred:
		default:
			return nil, invalid("config.online.transaction_security.liability_shift", `must be "required" or "preferred"`)
		}
		w.Config = &orderConfig{}
		w.Config.Online.TransactionSecurity = ts
	}
	return w, nil
}

// checkOrderPayment checks one payment transaction of an order (on create
// or when added later): a positive amount, a method id and type, a card
// token for card types and at least one installment for credit cards.
func checkOrderPayment(field string, amount money.Decimal, pm *OrderPaymentMethod) error {
	if !amount.IsPositive() {
		return invalid(field+".amount", "must be greater than zero")
	}
	return checkOrderMethod(field+".payment_method", pm)
}

func checkOrderMethod(field string, pm *OrderPaymentMethod) error {
	if pm.ID == "" {
		return invalid(field+".id", "must not be empty")
	}
	if pm.Type == "" {
		return invalid(field+".type", "must not be empty")
	}
	if (pm.Type == "credit_card" || pm.Type == "debit_card") && pm.Token == "" {
		return invalid(field+".token", "must be the card token for a card payment")
	}
	if pm.Installments < 0 || (pm.Type == "credit_card" && pm.Installments < 1) {
		return invalid(field+".installments", "must be at least 1 for a credit card")
	}
	return nil
}

// parseOrderErrors reads the Orders API's error list
// {"errors":[{"code":"empty_required_header","message":"…","details":[…]}]}
// as causes (code and message; details joined as data). Anything else is
// ignored.
// See https://www.mercadopago.com/developers/en/docs/checkout-api-orders/payment-management/integration-errors
func parseOrderErrors(raw json.RawMessage) []Cause {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '[' {
		return nil
	}
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		return nil
	}
	var out []Cause
	for _, it := range items {
		if len(out) == transport.MaxProviderItems {
			break
		}
		var e struct {
			Code    json.RawMessage   `json:"code"`
			Message json.RawMessage   `json:"message"`
			Details []json.RawMessage `json:"details"`
		}
		if json.Unmarshal(it, &e) != nil {
			continue
		}
		c := Cause{Code: looseString(e.Code), Description: looseString(e.Message)}
		var details []string
		for _, d := range e.Details {
			if s := looseString(d); s != "" {
				details = append(details, s)
			}
		}
		c.Data = strings.Join(details, "; ")
		if c.Code != "" || c.Description != "" {
			out = append(out, c)
		}
	}
	return out
}
