package mercadopagotest

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/paykit-go/paykit/internal/sim"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/money"
)

// order is an order of the Orders API as the API sends it. Amounts are
// decimal strings on this API.
type order struct {
	ID                string        `json:"id"`
	Type              string        `json:"type"`
	ProcessingMode    string        `json:"processing_mode"`
	ExternalReference string        `json:"external_reference"`
	Description       string        `json:"description,omitempty"`
	TotalAmount       string        `json:"total_amount"`
	TotalPaidAmount   string        `json:"total_paid_amount,omitempty"`
	CountryCode       string        `json:"country_code"`
	Currency          string        `json:"currency"`
	UserID            string        `json:"user_id"`
	Status            string        `json:"status"`
	StatusDetail      string        `json:"status_detail"`
	CaptureMode       string        `json:"capture_mode"`
	Marketplace       string        `json:"marketplace,omitempty"`
	MarketplaceFee    string        `json:"marketplace_fee,omitempty"`
	CreatedDate       string        `json:"created_date"`
	LastUpdatedDate   string        `json:"last_updated_date"`
	Transactions      orderTxs      `json:"transactions"`
	Payer             orderPayerOut `json:"payer"`
	Items             []orderItem   `json:"items,omitempty"`
	ExpirationTime    string        `json:"expiration_time,omitempty"`

	total   money.Decimal
	expires time.Time // zero: never
}

type orderTxs struct {
	Payments []*orderPayment `json:"payments"`
	Refunds  []*orderRefund  `json:"refunds,omitempty"`
}

type orderPayment struct {
	ID             string         `json:"id"`
	Amount         string         `json:"amount"`
	PaidAmount     string         `json:"paid_amount,omitempty"`
	RefundedAmount string         `json:"refunded_amount,omitempty"`
	ReferenceID    string         `json:"reference_id,omitempty"`
	Status         string         `json:"status"`
	StatusDetail   string         `json:"status_detail"`
	PaymentMethod  orderPayMethod `json:"payment_method"`
	amount         money.Decimal  // exact amount
	refunded       money.Decimal  // refunded so far
	holder         string         // the card holder's name: the sandbox outcome
	token          *cardToken
}

type orderPayMethod struct {
	ID                  string `json:"id"`
	Type                string `json:"type"`
	Token               string `json:"token,omitempty"`
	Installments        int    `json:"installments,omitempty"`
	StatementDescriptor string `json:"statement_descriptor,omitempty"`
	// What the payer needs to pay a method that is not a card (answers only).
	TicketURL      string `json:"ticket_url,omitempty"`
	BarcodeContent string `json:"barcode_content,omitempty"`
	DigitableLine  string `json:"digitable_line,omitempty"`
	Reference      string `json:"reference,omitempty"`
	QRCode         string `json:"qr_code,omitempty"`
	QRCodeBase64   string `json:"qr_code_base64,omitempty"`
}

type orderRefund struct {
	ID            string `json:"id"`
	TransactionID string `json:"transaction_id"`
	ReferenceID   string `json:"reference_id"`
	Amount        string `json:"amount"`
	Status        string `json:"status"`
}

type orderPayerOut struct {
	Email      string `json:"email,omitempty"`
	FirstName  string `json:"first_name,omitempty"`
	LastName   string `json:"last_name,omitempty"`
	CustomerID string `json:"customer_id,omitempty"`
}

type orderItem struct {
	Title     string `json:"title,omitempty"`
	UnitPrice string `json:"unit_price"`
	Quantity  int    `json:"quantity,omitempty"`
}

// orderIn is what POST /v1/orders accepts.
type orderIn struct {
	Type              string        `json:"type"`
	ProcessingMode    string        `json:"processing_mode"`
	CaptureMode       string        `json:"capture_mode"`
	TotalAmount       string        `json:"total_amount"`
	ExternalReference string        `json:"external_reference"`
	Description       string        `json:"description"`
	Marketplace       string        `json:"marketplace"`
	MarketplaceFee    string        `json:"marketplace_fee"`
	ExpirationTime    string        `json:"expiration_time"`
	Payer             orderPayerOut `json:"payer"`
	Transactions      *struct {
		Payments []struct {
			Amount        string         `json:"amount"`
			PaymentMethod orderPayMethod `json:"payment_method"`
		} `json:"payments"`
	} `json:"transactions"`
	Items []orderItem `json:"items"`
}

// orderError answers in the Orders API's error shape.
func orderError(w http.ResponseWriter, status int, code, message string, details ...string) {
	if details == nil {
		details = []string{}
	}
	sim.WriteJSON(w, status, map[string]any{"errors": []map[string]any{{"code": code, "message": message, "details": details}}})
}

// decimalText parses an amount sent as a decimal string.
func decimalText(s string) (money.Decimal, bool) {
	d, err := money.Parse(s)
	return d, err == nil && strings.TrimSpace(s) == s && s != ""
}

func (s *Server) createOrder(w http.ResponseWriter, r *http.Request) {
	if !requireKey(w, r) {
		return
	}
	var in orderIn
	if !readJSON(w, r, &in) {
		return
	}
	total, ok := decimalText(in.TotalAmount)
	switch {
	case in.Type != "online":
		orderError(w, 400, "property_value", "type must be online") // the simulator plays online orders only
		return
	case in.ProcessingMode != "automatic" && in.ProcessingMode != "manual":
		orderError(w, 400, "property_value", "processing_mode must be automatic or manual")
		return
	case !ok:
		orderError(w, 400, "property_type", "total_amount must be a decimal string")
		return
	case !total.IsPositive():
		orderError(w, 400, "invalid_total_amount", "Order total amount cannot be zero")
		return
	case in.ExternalReference == "":
		orderError(w, 400, "required_properties", "required property 'external_reference' is missing")
		return
	case !validEmail(in.Payer.Email):
		orderError(w, 400, "required_properties", "required property 'email' is missing")
		return
	}
	captureMode := in.CaptureMode
	switch captureMode {
	case "":
		captureMode = "automatic"
	case "automatic", "automatic_async", "manual":
	default:
		orderError(w, 400, "property_value", "capture_mode must be automatic, automatic_async or manual")
		return
	}
	if in.ProcessingMode == "automatic" && (in.Transactions == nil || len(in.Transactions.Payments) == 0) {
		orderError(w, 400, "required_properties", "required property 'transactions.payments' is missing")
		return
	}
	if in.Transactions != nil && len(in.Transactions.Payments) > 1 {
		orderError(w, 400, "maximum_items", "maximum 1 items required, but found "+strconv.Itoa(len(in.Transactions.Payments)))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.Clock.Now()
	x := s.ext()
	o := &order{
		ID: "01" + strings.ToUpper(sim.RandomHex(12)), Type: "online", ProcessingMode: in.ProcessingMode,
		ExternalReference: in.ExternalReference, Description: in.Description, TotalAmount: total.String(), total: total,
		CountryCode: "CHL", Currency: "CLP", UserID: strconv.Itoa(simUserID), CaptureMode: captureMode,
		Marketplace: in.Marketplace, MarketplaceFee: in.MarketplaceFee,
		CreatedDate: isoTime(now), LastUpdatedDate: isoTime(now), Payer: in.Payer, Items: in.Items,
		Status: string(mercadopago.OrderCreated), StatusDetail: string(mercadopago.OrderDetailCreated),
	}
	if sl := sellerOf(r); sl != nil {
		o.UserID = strconv.FormatInt(sl.ID, 10)
	}
	if in.ExpirationTime != "" {
		d, ok := isoDuration(in.ExpirationTime)
		if !ok {
			orderError(w, 400, "property_value", "expiration_time must be an ISO 8601 duration such as P3D or PT30M")
			return
		}
		o.ExpirationTime, o.expires = in.ExpirationTime, now.Add(d)
	}
	if in.Transactions != nil {
		sum := money.Decimal{}
		for i, p := range in.Transactions.Payments {
			op, code, msg := s.newOrderPayment(o, "transactions.payments["+strconv.Itoa(i)+"]", p.Amount, p.PaymentMethod, now)
			if op == nil {
				orderError(w, 400, code, msg)
				return
			}
			sum, _ = sum.Add(op.amount)
			o.Transactions.Payments = append(o.Transactions.Payments, op)
		}
		if sum.Cmp(total) != 0 {
			orderError(w, 400, "invalid_total_amount", "total_amount is not equivalent to sum of transactions amounts")
			return
		}
	}
	for _, p := range o.Transactions.Payments {
		if p.token != nil {
			p.token.used = true // a token is used once, even by an order processed later
		}
	}
	if in.ProcessingMode == "automatic" {
		s.processLocked(o)
	}
	x.orders.Put(o.ID, o)
	sim.WriteJSON(w, http.StatusCreated, o)
	s.notifyOrder(o)
}

// newOrderPayment checks one payment transaction sent for order o (on
// create or added later) and builds it, or says why not (code and
// message of the Orders API's error). Cards need a fresh token of the
// brand named; "bank_transfer" (Pix) and "ticket" methods are taken and,
// once processed, wait for the payer with a QR code or a ticket. Call
// with s.mu held.
func (s *Server) newOrderPayment(o *order, field, amount string, pm orderPayMethod, now time.Time) (op *orderPayment, code, msg string) {
	amt, ok := decimalText(amount)
	if !ok || !amt.IsPositive() {
		return nil, "property_value", field + ".amount must be a positive decimal string"
	}
	var tok *cardToken
	switch pm.Type {
	case "credit_card", "debit_card":
		t, known := s.tokens.Get(pm.Token)
		if !known || t.used || now.After(t.expires) {
			return nil, "invalid_card_token", "card token is invalid or expired"
		}
		if pm.ID != t.brand() {
			return nil, "property_value", "payment_method.id does not match the card" // simulator's code
		}
		if pm.Type == "credit_card" && pm.Installments < 1 {
			return nil, "property_value", "payment_method.installments must be at least 1"
		}
		tok = t
	case "bank_transfer", "ticket":
		if pm.ID == "" {
			return nil, "required_properties", "required property 'payment_method.id' is missing"
		}
	default:
		return nil, "unsupported_payment_method", "the simulator plays card, bank_transfer and ticket orders only" // simulator's code
	}
	out := pm
	out.Token = ""
	s.seq++
	op = &orderPayment{ID: "PAY" + o.ID + strconv.FormatInt(s.seq, 36), Amount: amt.String(), amount: amt, PaymentMethod: out,
		Status: string(mercadopago.TransactionCreated), StatusDetail: string(mercadopago.OrderDetailCreated), token: tok}
	if tok != nil {
		op.holder = tok.holder
	}
	return op, "", ""
}

// notifyOrder queues a signed notification of the order topic
// (action "order.<status>"). Call with s.mu held.
func (s *Server) notifyOrder(o *order) {
	s.notifyTopic(mercadopago.TopicOrder, "order."+o.Status, o.ID)
}

// processLocked plays the sandbox: the card holder's name picks each
// payment's outcome (APRO approved, OTHE refused…), and manual capture
// stops an approved payment at waiting_capture.
func (s *Server) processLocked(o *order) {
	now := s.Clock.Now()
	allOK, waiting := true, false
	var failDetail mercadopago.OrderStatusDetail
	paid := money.Decimal{}
	for _, p := range o.Transactions.Payments {
		if p.token == nil {
			s.awaitPayerLocked(o, p)
			waiting = true
			continue
		}
		st, detail := orderOutcome(p.holder)
		if st == mercadopago.TransactionProcessed && o.CaptureMode == "manual" {
			st, detail = mercadopago.TransactionActionRequired, mercadopago.OrderDetailWaitingCapture
			waiting = true
		}
		p.Status, p.StatusDetail = string(st), string(detail)
		p.ReferenceID = strconv.FormatInt(s.backingPayment(o, p, now), 10)
		switch st {
		case mercadopago.TransactionProcessed:
			p.PaidAmount = p.Amount
			paid, _ = paid.Add(p.amount)
		case mercadopago.TransactionActionRequired:
		default:
			allOK = false
			if failDetail == "" {
				failDetail = detail
			}
		}
	}
	switch {
	case !allOK && failDetail == mercadopago.OrderDetailInProcess:
		o.Status, o.StatusDetail = string(mercadopago.OrderProcessing), string(mercadopago.OrderDetailInProcess)
	case !allOK:
		o.Status, o.StatusDetail = string(mercadopago.OrderFailed), string(failDetail)
	case waiting && o.CaptureMode != "manual":
		o.Status, o.StatusDetail = string(mercadopago.OrderActionRequired), string(mercadopago.OrderDetailWaitingPayment)
	case waiting:
		o.Status, o.StatusDetail = string(mercadopago.OrderActionRequired), string(mercadopago.OrderDetailWaitingCapture)
	default:
		o.Status, o.StatusDetail = string(mercadopago.OrderProcessed), string(mercadopago.OrderDetailAccredited)
		o.TotalPaidAmount = paid.String()
	}
	o.LastUpdatedDate = isoTime(now)
}

// orderOutcome maps the sandbox holder names onto the Orders API's
// statuses. The documentation lists the holder names for payments; which
// status_detail each gets on an order is the simulator's choice, taken
// from the documented order details.
func orderOutcome(holder string) (mercadopago.TransactionStatus, mercadopago.OrderStatusDetail) {
	switch strings.ToUpper(strings.TrimSpace(holder)) {
	case HolderRejectedOther:
		return mercadopago.TransactionFailed, mercadopago.OrderDetailRejectedByIssuer
	case HolderPending:
		return mercadopago.TransactionProcessing, mercadopago.OrderDetailInProcess
	case HolderCallForAuthorize:
		return mercadopago.TransactionFailed, mercadopago.OrderDetailRequiredCallForAuthorize
	case HolderInsufficientFunds:
		return mercadopago.TransactionFailed, mercadopago.OrderDetailInsufficientAmount
	case HolderBadSecurityCode, HolderBadExpiry, HolderBadForm:
		return mercadopago.TransactionFailed, mercadopago.OrderDetailBadFilledCardData
	}
	return mercadopago.TransactionProcessed, mercadopago.OrderDetailAccredited
}

// awaitPayerLocked processes a payment that is not a card: it waits for
// the payer (action_required / waiting_payment, or waiting_transfer for a
// bank transfer) with what they need to pay on its payment method. The
// QR payload, ticket URL and numbers are the simulator's own (shaped like
// the real ones, not payable anywhere).
func (s *Server) awaitPayerLocked(o *order, p *orderPayment) {
	p.Status, p.StatusDetail = string(mercadopago.TransactionActionRequired), string(mercadopago.OrderDetailWaitingPayment)
	ref := strings.TrimPrefix(p.ID, "PAY")
	if p.PaymentMethod.Type == "bank_transfer" {
		p.StatusDetail = "waiting_transfer"
		p.PaymentMethod.QRCode = "00020126580014br.gov.bcb.pix0136" + strings.ToLower(ref) + "5204000053039865802BR6009SAO PAULO6304ABCD"
		p.PaymentMethod.QRCodeBase64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
		p.PaymentMethod.TicketURL = s.URL + "/sandbox/payments/" + ref + "/ticket"
		return
	}
	digits := fmt.Sprintf("%047d", s.seq)
	p.PaymentMethod.TicketURL = s.URL + "/sandbox/payments/" + ref + "/ticket"
	p.PaymentMethod.BarcodeContent = digits[:44]
	p.PaymentMethod.DigitableLine = digits
	p.PaymentMethod.Reference = strconv.FormatInt(s.seq, 10)
}

func (s *Server) lookupOrder(w http.ResponseWriter, r *http.Request) *order {
	if o, ok := s.ext().orders.Get(strings.ToUpper(r.PathValue("id"))); ok {
		if sl := sellerOf(r); sl == nil || o.UserID == strconv.FormatInt(sl.ID, 10) {
			s.expireLocked(o)
			return o
		}
	}
	orderError(w, http.StatusNotFound, "order_not_found", "order not found")
	return nil
}

func (s *Server) getOrder(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o := s.lookupOrder(w, r); o != nil {
		sim.WriteJSON(w, http.StatusOK, o)
	}
}

// orderAction runs an order transition with the key checked and the
// order looked up; fn answers false (having written the error) to refuse.
func (s *Server) orderAction(w http.ResponseWriter, r *http.Request, fn func(o *order) bool) {
	if !requireKey(w, r) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.lookupOrder(w, r)
	if o == nil || !fn(o) {
		return
	}
	o.LastUpdatedDate = isoTime(s.Clock.Now())
	sim.WriteJSON(w, http.StatusOK, o)
	s.notifyOrder(o)
}

// invalidState answers 409 for a transition the order's status forbids
// (code and status are the simulator's choice; the documentation lists
// the case without one fixed code).
func invalidState(w http.ResponseWriter, o *order, action string) bool {
	orderError(w, http.StatusConflict, "invalid_order_status", "cannot "+action+" an order in status "+o.Status+"/"+o.StatusDetail)
	return false
}

func (s *Server) processOrder(w http.ResponseWriter, r *http.Request) {
	s.orderAction(w, r, func(o *order) bool {
		if o.ProcessingMode != "manual" || o.Status != string(mercadopago.OrderCreated) {
			return invalidState(w, o, "process")
		}
		if len(o.Transactions.Payments) == 0 {
			orderError(w, http.StatusBadRequest, "required_properties", "the order has no payment transaction to process")
			return false
		}
		s.processLocked(o)
		return true
	})
}

func (s *Server) captureOrder(w http.ResponseWriter, r *http.Request) {
	s.orderAction(w, r, func(o *order) bool {
		if o.StatusDetail != string(mercadopago.OrderDetailWaitingCapture) {
			return invalidState(w, o, "capture")
		}
		paid := money.Decimal{}
		now := s.Clock.Now()
		for _, p := range o.Transactions.Payments {
			p.Status, p.StatusDetail, p.PaidAmount = string(mercadopago.TransactionProcessed), string(mercadopago.OrderDetailAccredited), p.Amount
			paid, _ = paid.Add(p.amount)
			if bp := s.paymentOf(p); bp != nil {
				bp.setStatus(mercadopago.StatusApproved, mercadopago.DetailAccredited, now)
			}
		}
		o.Status, o.StatusDetail, o.TotalPaidAmount = string(mercadopago.OrderProcessed), string(mercadopago.OrderDetailAccredited), paid.String()
		return true
	})
}

func (s *Server) cancelOrder(w http.ResponseWriter, r *http.Request) {
	s.orderAction(w, r, func(o *order) bool {
		if o.Status != string(mercadopago.OrderCreated) && o.StatusDetail != string(mercadopago.OrderDetailWaitingCapture) &&
			o.Status != string(mercadopago.OrderProcessing) {
			return invalidState(w, o, "cancel")
		}
		now := s.Clock.Now()
		for _, p := range o.Transactions.Payments {
			p.Status, p.StatusDetail = string(mercadopago.TransactionCanceled), string(mercadopago.OrderDetailCanceled)
			if bp := s.paymentOf(p); bp != nil && bp.Status != string(mercadopago.StatusRejected) {
				bp.setStatus(mercadopago.StatusCancelled, mercadopago.DetailByCollector, now)
			}
		}
		o.Status, o.StatusDetail = string(mercadopago.OrderCanceled), string(mercadopago.OrderDetailCanceled)
		return true
	})
}

func (s *Server) refundOrder(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Transactions []struct {
			ID     string `json:"id"`
			Amount string `json:"amount"`
		} `json:"transactions"`
	}
	if r.ContentLength != 0 && !readJSON(w, r, &in) {
		return
	}
	s.orderAction(w, r, func(o *order) bool {
		if o.Status != string(mercadopago.OrderProcessed) {
			return invalidState(w, o, "refund")
		}
		type part struct {
			p   *orderPayment
			amt money.Decimal
		}
		var parts []part
		if len(in.Transactions) == 0 {
			for _, p := range o.Transactions.Payments {
				left, _ := p.amount.Sub(p.refunded)
				if left.IsPositive() {
					parts = append(parts, part{p, left})
				}
			}
		}
		for _, t := range in.Transactions {
			var p *orderPayment
			for _, c := range o.Transactions.Payments {
				if c.ID == t.ID {
					p = c
				}
			}
			amt, ok := decimalText(t.Amount)
			if p == nil {
				orderError(w, http.StatusBadRequest, "transaction_not_found", "transaction "+t.ID+" is not a payment of this order") // simulator's code
				return false
			}
			left, _ := p.amount.Sub(p.refunded)
			if !ok || !amt.IsPositive() || amt.Cmp(left) > 0 {
				orderError(w, http.StatusBadRequest, "invalid_refund_amount", "refund amount must be positive and at most "+left.String()) // simulator's code
				return false
			}
			parts = append(parts, part{p, amt})
		}
		for _, pt := range parts {
			pt.p.refunded, _ = pt.p.refunded.Add(pt.amt)
			pt.p.RefundedAmount = pt.p.refunded.String()
			s.seq++
			if bp := s.paymentOf(pt.p); bp != nil {
				s.refundBacking(bp, pt.amt)
			}
			o.Transactions.Refunds = append(o.Transactions.Refunds, &orderRefund{
				ID: "REF" + o.ID + strconv.Itoa(len(o.Transactions.Refunds)), TransactionID: pt.p.ID,
				ReferenceID: strconv.FormatInt(s.seq, 10), Amount: pt.amt.String(), Status: string(mercadopago.TransactionProcessed)})
			if pt.p.refunded.Cmp(pt.p.amount) >= 0 {
				pt.p.Status, pt.p.StatusDetail = string(mercadopago.TransactionRefunded), string(mercadopago.OrderDetailRefunded)
			} else {
				pt.p.StatusDetail = string(mercadopago.OrderDetailPartiallyRefunded)
			}
		}
		all := true
		for _, p := range o.Transactions.Payments {
			if p.refunded.Cmp(p.amount) < 0 {
				all = false
			}
		}
		if all {
			o.Status, o.StatusDetail = string(mercadopago.OrderRefunded), string(mercadopago.OrderDetailRefunded)
		} else {
			o.StatusDetail = string(mercadopago.OrderDetailPartiallyRefunded)
		}
		return true
	})
}

// OrderCount is how many orders the server has created.
func (s *Server) OrderCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ext().orders.Len()
}

// Order returns an order as the API would send it, decoded with the
// client's types.
func (s *Server) Order(id string) (*mercadopago.Order, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.ext().orders.Get(id)
	if !ok {
		return nil, false
	}
	var out mercadopago.Order
	if !reencode(o, &out) {
		return nil, false
	}
	return &out, true
}

// backingPayment records the /v1/payments payment an order's payment
// transaction makes (its reference_id), with the outcome the sandbox
// rules give the card, and returns its id. Call with s.mu held.
func (s *Server) backingPayment(o *order, op *orderPayment, now time.Time) int64 {
	s.seq++
	amt := op.amount
	p := &payment{
		ID: s.seq, DateCreated: mpTime(now), DateLastUpdated: mpTime(now), created: now,
		CurrencyID: o.Currency, CollectorID: simUserID, Installments: max(op.PaymentMethod.Installments, 1),
		TransactionAmount: amt, TransactionAmountRefunded: money.New(0, 0), Metadata: map[string]any{}, Refunds: []*refund{},
		ExternalReference: strPtr(o.ExternalReference), PaymentMethodID: op.PaymentMethod.ID, PaymentTypeID: op.PaymentMethod.Type,
		IssuerID: strPtr("24"), Card: op.token.cardOut(), PaymentMethod: paymentMethodOut{ID: op.PaymentMethod.ID, Type: op.PaymentMethod.Type},
		Payer:              payerOut{Email: strPtr(o.Payer.Email), Type: strPtr(mercadopago.PayerGuest)},
		TransactionDetails: txDetails{TotalPaidAmount: amt, InstallmentAmount: amt, NetReceivedAmount: money.New(0, 0)},
	}
	if id, err := strconv.ParseInt(o.UserID, 10, 64); err == nil && id != simUserID {
		p.CollectorID = id
		s.ext().collector[p.ID] = id
	}
	st, detail := holderOutcome(op.holder)
	if st == mercadopago.StatusApproved && o.CaptureMode == "manual" {
		st, detail = mercadopago.StatusAuthorized, mercadopago.DetailPendingCapture
	}
	p.setStatus(st, detail, now)
	s.payments.Put(p.ID, p)
	return p.ID
}

// paymentOf is the payment behind an order's payment transaction.
func (s *Server) paymentOf(op *orderPayment) *payment {
	id, err := strconv.ParseInt(op.ReferenceID, 10, 64)
	if err != nil {
		return nil
	}
	p, _ := s.payments.Get(id)
	return p
}

// refundBacking mirrors an order refund on the payment behind it.
func (s *Server) refundBacking(p *payment, amt money.Decimal) {
	now := s.Clock.Now()
	s.seq++
	p.Refunds = append(p.Refunds, &refund{ID: s.seq, PaymentID: p.ID, Amount: amt, AmountRefundedToPayer: amt,
		Metadata: map[string]any{}, Source: map[string]any{"id": strconv.FormatInt(p.CollectorID, 10), "type": "collector"},
		DateCreated: mpTime(now), RefundMode: "standard", Status: "approved", Labels: []string{}})
	p.TransactionAmountRefunded, _ = p.TransactionAmountRefunded.Add(amt)
	if p.TransactionAmountRefunded.Cmp(p.TransactionAmount) >= 0 {
		p.Status, p.StatusDetail = string(mercadopago.StatusRefunded), string(mercadopago.DetailRefunded)
	} else {
		p.StatusDetail = string(mercadopago.DetailPartiallyRefunded)
	}
	p.DateLastUpdated = mpTime(now)
}

// expireLocked moves an order that was not paid within its
// expiration_time to expired, as the API does when it is next read.
func (s *Server) expireLocked(o *order) {
	if o.expires.IsZero() || s.Clock.Now().Before(o.expires) {
		return
	}
	if o.Status != string(mercadopago.OrderCreated) && o.StatusDetail != string(mercadopago.OrderDetailWaitingPayment) {
		return
	}
	for _, p := range o.Transactions.Payments {
		p.Status, p.StatusDetail = string(mercadopago.TransactionExpired), string(mercadopago.OrderDetailExpired)
	}
	o.Status, o.StatusDetail = string(mercadopago.OrderExpired), string(mercadopago.OrderDetailExpired)
	o.LastUpdatedDate = isoTime(o.expires)
}

// isoDuration reads the ISO 8601 durations the Orders API takes for
// expiration_time: PnD, PTnH, PTnM, PTnS and their combinations.
func isoDuration(v string) (time.Duration, bool) {
	rest, ok := strings.CutPrefix(v, "P")
	if !ok || rest == "" {
		return 0, false
	}
	var d time.Duration
	inTime, timeParts := false, 0
	num := ""
	for _, c := range rest {
		switch {
		case c >= '0' && c <= '9':
			num += string(c)
		case c == 'T' && !inTime && num == "":
			inTime = true
		default:
			if inTime {
				timeParts++
			}
			n, err := strconv.Atoi(num)
			if err != nil || n > 1e6 {
				return 0, false
			}
			unit := map[bool]map[rune]time.Duration{
				false: {'D': 24 * time.Hour, 'W': 7 * 24 * time.Hour},
				true:  {'H': time.Hour, 'M': time.Minute, 'S': time.Second},
			}[inTime][c]
			if unit == 0 {
				return 0, false
			}
			d += time.Duration(n) * unit
			num = ""
		}
	}
	return d, num == "" && d > 0 && (!inTime || timeParts > 0)
}
