package mercadopago

import (
	"context"
	"net/http"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/transport"
	"github.com/paykit-go/paykit/money"
)

// Point is Mercado Pago's in-person payment terminal, driven from a point
// of sale through the Point integration API: the POS creates a payment
// intent on a device, the payer taps or inserts a card on it, and the
// intent ends FINISHED (with a payment), CANCELED, ABANDONED or ERROR.
//
// What is certain and what is inferred. The paths, bodies, states and the
// point_integration_wh notification come from the Point integration guides
// (https://www.mercadopago.com/developers/en/docs/mp-point/integration-configuration/integrate-with-pdv/payment-processing)
// and the API reference, and agree with the official Java and Python SDKs.
// Documented rules paykit checks before sending: amount is a positive
// integer of cents (so an amount with more than two decimals cannot be
// sent), the operating mode is PDV or STANDALONE. No minimum or maximum
// amount is documented, nor the answer to an intent on a device that is
// not in PDV mode: paykit sends those and returns the API's *Error (the
// simulator answers 400 for the wrong mode, 409 for a device that already
// has an intent queued, which is documented). Mercado Pago now points new
// integrations to the Orders API for Point; this API is still served.

// Cents is an amount the Point API writes as an integer number of cents
// ("amount": 1500 is 15.00).
type Cents int64

// Decimal returns the amount in currency units: Cents(1500) is 15.00.
func (c Cents) Decimal() money.Decimal { return money.New(int64(c), 2) }

// PaymentIntentState is where a payment intent stands.
// See https://www.mercadopago.com/developers/en/docs/mp-point/integration-api/glossary
type PaymentIntentState string

// Payment intent states, as the glossary lists them.
const (
	IntentOpen       PaymentIntentState = "OPEN"        // created, waiting for the device to fetch it
	IntentOnTerminal PaymentIntentState = "ON_TERMINAL" // the device has it; the payer is paying
	IntentProcessing PaymentIntentState = "PROCESSING"  // being reconciled with the card network
	IntentProcessed  PaymentIntentState = "PROCESSED"   // reconciled; about to finish
	IntentCanceled   PaymentIntentState = "CANCELED"    // cancelled (final)
	IntentAbandoned  PaymentIntentState = "ABANDONED"   // not processed in time (final)
	IntentError      PaymentIntentState = "ERROR"       // the transaction failed (final)
	IntentFinished   PaymentIntentState = "FINISHED"    // the transaction ended; see Payment.ID (final)
)

// Terminal reports whether the state is final.
func (s PaymentIntentState) Terminal() bool {
	switch s {
	case IntentCanceled, IntentAbandoned, IntentError, IntentFinished:
		return true
	}
	return false
}

// OperatingMode is how a Point device works: PDV takes intents from the
// integration API; STANDALONE is the device on its own.
type OperatingMode string

// Operating modes.
const (
	ModePDV        OperatingMode = "PDV"
	ModeStandalone OperatingMode = "STANDALONE"
)

// PaymentIntentRequest is the body of POST
// /point/integration-api/devices/{device_id}/payment-intents.
// See https://www.mercadopago.com/developers/en/reference/integrations_api_paymentintent_mlb/_point_integration-api_devices_deviceid_payment-intents/post
type PaymentIntentRequest struct {
	// Amount is what the payer pays, in currency units; it is sent in
	// cents, so it may have at most two decimals. Required, > 0.
	Amount money.Decimal
	// Description describes the sale (Brazil).
	Description string
	// Payment chooses the card type and installments (Brazil).
	Payment *PaymentIntentPayment
	// AdditionalInfo carries your reference and printing choices.
	AdditionalInfo *PaymentIntentAdditionalInfo
}

// PaymentIntentPayment is the "payment" node of an intent.
type PaymentIntentPayment struct {
	// ID is the payment made, once the intent is FINISHED (the API writes
	// it as a number or a numeric string).
	ID int64 `json:"id,omitempty"`
	// Type is "credit_card", "debit_card"…
	Type         string `json:"type,omitempty"`
	Installments int    `json:"installments,omitempty"`
	// InstallmentsCost is who pays the installments' cost: "seller" or "buyer".
	InstallmentsCost string `json:"installments_cost,omitempty"`
	// VoucherType is the meal-voucher brand, when one was used.
	VoucherType string `json:"voucher_type,omitempty"`
	// State is the payment's status in notifications ("approved").
	State string `json:"state,omitempty"`
}

// PaymentIntentAdditionalInfo is the "additional_info" node of an intent.
type PaymentIntentAdditionalInfo struct {
	// ExternalReference is your id; it comes back in the notification.
	ExternalReference string `json:"external_reference,omitempty"`
	// PrintOnTerminal asks the device to print the receipt; Ptr(false) is sent.
	PrintOnTerminal *bool `json:"print_on_terminal,omitempty"`
	// TicketNumber is printed on the receipt (Argentina).
	TicketNumber string `json:"ticket_number,omitempty"`
}

// paymentIntentWire is the request on the wire, the amount in cents.
type paymentIntentWire struct {
	Amount         int64                        `json:"amount"`
	Description    string                       `json:"description,omitempty"`
	Payment        *PaymentIntentPayment        `json:"payment,omitempty"`
	AdditionalInfo *PaymentIntentAdditionalInfo `json:"additional_info,omitempty"`
}

// PaymentIntent is a payment intent as the API reports it.
type PaymentIntent struct {
	ID             string                      `json:"id"`
	DeviceID       string                      `json:"device_id"`
	Amount         Cents                       `json:"amount"`
	Description    string                      `json:"description"`
	State          PaymentIntentState          `json:"state"`
	Payment        PaymentIntentPayment        `json:"payment"`
	AdditionalInfo PaymentIntentAdditionalInfo `json:"additional_info"`

	// Meta tells how the call went.
	paykit.Meta `json:"-"`
	// Unparsed names the fields that arrived in a shape that could not be read.
	Unparsed []string `json:"-"`
}

// PaymentIntentEvent is one state change of an intent.
type PaymentIntentEvent struct {
	PaymentIntentID string             `json:"payment_intent_id"`
	Status          PaymentIntentState `json:"status"`
	CreatedOn       time.Time          `json:"created_on"`

	// Meta tells how the call went; set on PaymentIntentStatus.
	paykit.Meta `json:"-"`
	// Unparsed names the fields that arrived in a shape that could not be read.
	Unparsed []string `json:"-"`
}

// PaymentIntentEvents is the answer of the events list.
type PaymentIntentEvents struct {
	Events      []PaymentIntentEvent `json:"events"`
	paykit.Meta `json:"-"`
}

// PaymentIntentEventsQuery bounds GET /point/integration-api/payment-intents/events
// by day (the API takes startDate and endDate as YYYY-MM-DD). Both are required.
type PaymentIntentEventsQuery struct {
	StartDate, EndDate time.Time
}

type eventsQueryWire struct {
	StartDate string `url:"startDate"`
	EndDate   string `url:"endDate"`
}

// CanceledPaymentIntent is the answer to a cancel: the intent's id.
type CanceledPaymentIntent struct {
	ID          string `json:"id"`
	paykit.Meta `json:"-"`
}

// Device is a Point terminal linked to the account.
type Device struct {
	ID            string        `json:"id"`
	OperatingMode OperatingMode `json:"operating_mode"`
	PosID         int64         `json:"pos_id"`
	StoreID       string        `json:"store_id"`
	ExternalPosID string        `json:"external_pos_id"`
}

// DevicePage is one page of the device list.
type DevicePage struct {
	Devices     []Device `json:"devices"`
	Paging      Paging   `json:"paging"`
	paykit.Meta `json:"-"`
}

// DeviceSearch filters GET /point/integration-api/devices.
type DeviceSearch struct {
	StoreID string `url:"store_id,omitempty"`
	PosID   int64  `url:"pos_id,omitempty"`
	Limit   int    `url:"limit,omitempty"`
	Offset  int    `url:"offset,omitempty"`
}

func (q *DeviceSearch) paging() (*int, *int) { return &q.Limit, &q.Offset }

// DeviceMode is the answer to ChangeOperatingMode.
type DeviceMode struct {
	OperatingMode OperatingMode `json:"operating_mode"`
	paykit.Meta   `json:"-"`
}

// PointService is c.Point: payment intents on Point devices and the devices.
type PointService struct{ c *Client }

const pointBase = "/point/integration-api"

// CreatePaymentIntent queues a payment on a device (POST
// /point/integration-api/devices/{device_id}/payment-intents) with an
// X-Idempotency-Key. The device must be in PDV mode and have no intent
// queued (409 otherwise, documented).
// See https://www.mercadopago.com/developers/en/reference/integrations_api_paymentintent_mlb/_point_integration-api_devices_deviceid_payment-intents/post
func (s *PointService) CreatePaymentIntent(ctx context.Context, deviceID string, req *PaymentIntentRequest, opts ...paykit.RequestOption) (*PaymentIntent, error) {
	if err := checkID("device_id", deviceID); err != nil {
		return nil, err
	}
	if req == nil {
		return nil, invalid("payment_intent", "must not be nil")
	}
	if !req.Amount.IsPositive() {
		return nil, invalid("amount", "must be greater than zero")
	}
	cents, ok := req.Amount.Minor(2)
	if !ok {
		return nil, invalid("amount", "must have at most two decimals: the API takes it in cents")
	}
	if p := req.Payment; p != nil && p.Installments < 0 {
		return nil, invalid("payment.installments", "must not be negative")
	}
	body := paymentIntentWire{Amount: cents, Description: req.Description, Payment: req.Payment, AdditionalInfo: req.AdditionalInfo}
	return transport.Call[PaymentIntent](ctx, s.c.t, &transport.Request{Op: transport.Op{Name: "mercadopago.Point.CreatePaymentIntent", Route: "/point/integration-api/devices/{device_id}/payment-intents"}, Method: http.MethodPost,
		Path: transport.Path("point", "integration-api", "devices", deviceID, "payment-intents"), JSON: body}, opts)
}

// GetPaymentIntent reads an intent (GET /point/integration-api/payment-intents/{id}).
// See https://www.mercadopago.com/developers/en/reference/integrations_api/_point_integration-api_payment-intents_paymentintentid/get
func (s *PointService) GetPaymentIntent(ctx context.Context, id string, opts ...paykit.RequestOption) (*PaymentIntent, error) {
	if err := checkID("payment_intent_id", id); err != nil {
		return nil, err
	}
	return transport.Call[PaymentIntent](ctx, s.c.t, &transport.Request{Op: transport.Op{Name: "mercadopago.Point.GetPaymentIntent", Route: "/point/integration-api/payment-intents/{id}"}, Method: http.MethodGet,
		Path: transport.Path("point", "integration-api", "payment-intents", id)}, opts)
}

// PaymentIntentStatus reads an intent's latest state
// (GET /point/integration-api/payment-intents/{id}/events → {status, created_on}).
// See https://www.mercadopago.com/developers/en/reference/integrations_api/_point_integration-api_payment-intents_paymentintentid_events/get
func (s *PointService) PaymentIntentStatus(ctx context.Context, id string, opts ...paykit.RequestOption) (*PaymentIntentEvent, error) {
	if err := checkID("payment_intent_id", id); err != nil {
		return nil, err
	}
	out, err := transport.Call[PaymentIntentEvent](ctx, s.c.t, &transport.Request{Op: transport.Op{Name: "mercadopago.Point.PaymentIntentStatus", Route: "/point/integration-api/payment-intents/{id}/events"}, Method: http.MethodGet,
		Path: transport.Path("point", "integration-api", "payment-intents", id, "events")}, opts)
	if err != nil {
		return nil, err
	}
	if out.PaymentIntentID == "" {
		out.PaymentIntentID = id
	}
	return out, nil
}

// CancelPaymentIntent cancels an intent the device has not taken yet
// (DELETE /point/integration-api/devices/{device_id}/payment-intents/{id}).
// See https://www.mercadopago.com/developers/en/reference/integrations_api/_point_integration-api_devices_deviceid_payment-intents_paymentintentid/delete
func (s *PointService) CancelPaymentIntent(ctx context.Context, deviceID, id string, opts ...paykit.RequestOption) (*CanceledPaymentIntent, error) {
	if err := checkID("device_id", deviceID); err != nil {
		return nil, err
	}
	if err := checkID("payment_intent_id", id); err != nil {
		return nil, err
	}
	return transport.Call[CanceledPaymentIntent](ctx, s.c.t, &transport.Request{Op: transport.Op{Name: "mercadopago.Point.CancelPaymentIntent", Route: "/point/integration-api/devices/{device_id}/payment-intents/{id}"}, Method: http.MethodDelete,
		Path: transport.Path("point", "integration-api", "devices", deviceID, "payment-intents", id)}, opts)
}

// ListPaymentIntentEvents lists the state changes of the account's intents
// between two days (GET /point/integration-api/payment-intents/events?startDate&endDate).
// See https://www.mercadopago.com/developers/en/reference/integrations_api/_point_integration-api_payment-intents_events/get
func (s *PointService) ListPaymentIntentEvents(ctx context.Context, q *PaymentIntentEventsQuery, opts ...paykit.RequestOption) (*PaymentIntentEvents, error) {
	if q == nil || q.StartDate.IsZero() || q.EndDate.IsZero() {
		return nil, invalid("startDate", "startDate and endDate must both be set")
	}
	if q.EndDate.Before(q.StartDate) {
		return nil, invalid("endDate", "must not be before startDate")
	}
	w := &eventsQueryWire{StartDate: q.StartDate.Format(time.DateOnly), EndDate: q.EndDate.Format(time.DateOnly)}
	return transport.Call[PaymentIntentEvents](ctx, s.c.t, &transport.Request{Op: transport.Op{Name: "mercadopago.Point.ListPaymentIntentEvents", Route: pointBase + "/payment-intents/events"}, Method: http.MethodGet, Path: pointBase + "/payment-intents/events", Query: w}, opts)
}

// ListDevices fetches one page of the account's Point devices
// (GET /point/integration-api/devices).
// See https://www.mercadopago.com/developers/en/reference/integrations_api/_point_integration-api_devices/get
func (s *PointService) ListDevices(ctx context.Context, q *DeviceSearch, opts ...paykit.RequestOption) (*DevicePage, error) {
	return fetchPage[DevicePage](ctx, s.c, transport.Op{Name: "mercadopago.Point.ListDevices", Route: pointBase + "/devices"}, q, opts)
}

// ChangeOperatingMode switches a device between PDV and STANDALONE
// (PATCH /point/integration-api/devices/{device_id} {"operating_mode"}).
// The device must be restarted for the change to take effect.
// See https://www.mercadopago.com/developers/en/reference/integrations_api/_point_integration-api_devices_device-id/patch
func (s *PointService) ChangeOperatingMode(ctx context.Context, deviceID string, mode OperatingMode, opts ...paykit.RequestOption) (*DeviceMode, error) {
	if err := checkID("device_id", deviceID); err != nil {
		return nil, err
	}
	if mode != ModePDV && mode != ModeStandalone {
		return nil, invalid("operating_mode", "must be PDV or STANDALONE")
	}
	return transport.Call[DeviceMode](ctx, s.c.t, &transport.Request{Op: transport.Op{Name: "mercadopago.Point.ChangeOperatingMode", Route: "/point/integration-api/devices/{device_id}"}, Method: http.MethodPatch,
		Path: transport.Path("point", "integration-api", "devices", deviceID), JSON: map[string]OperatingMode{"operating_mode": mode}}, opts)
}

// TopicPointIntegration is the notification topic of payment intents; its
// actions are "state_FINISHED", "state_CANCELED" and "state_ERROR", and its
// body is the intent itself (no "data" node).
// See https://www.mercadopago.com/developers/en/docs/mp-point/integration-api/notifications
const TopicPointIntegration = "point_integration_wh"

// PaymentIntentID returns the signed data id of a point_integration_wh
// notification: the intent's id. That the query's data.id carries the
// intent id is inferred (the body has no data node); read the intent with
// Point.GetPaymentIntent for its state.
func (n *Notification) PaymentIntentID() (string, bool) {
	if n == nil || n.Type != TopicPointIntegration || n.DataID == "" {
		return "", false
	}
	return n.DataID, true
}
