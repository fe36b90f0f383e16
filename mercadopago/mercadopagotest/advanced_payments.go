package mercadopagotest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/paykit-go/paykit/internal/sim"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/money"
)

// The simulator's advanced payments (marketplace split payments). They are
// played against the sellers of the OAuth flow: a disbursement may only go
// to a seller who connected to the marketplace application (Authorize and
// a code exchange), as the API only lets a marketplace collect for sellers
// who authorised it. The cause codes are the API reference's; where the
// reference lists a code but not the rule behind it the rule is the
// simulator's choice, marked so below.

// DefaultReleaseDays is the money_release_days a disbursement gets when the
// request gives none (simulator's choice: the API uses the marketplace's
// configured maximum).
const DefaultReleaseDays = 30

// splitPoint is the state of advanced payments and Point. Its tables lock
// themselves; the objects in them are read and changed under Server.mu.
type splitPoint struct {
	advanced sim.Table[int64, *advPayment]
	devices  sim.Table[string, *device]
	intents  sim.Table[string, *intent]
	events   []intentEvent
	refunds  int
	seeded   bool
}

type advPayment struct {
	ID                int64           `json:"id"`
	ApplicationID     *string         `json:"application_id"`
	Status            string          `json:"status"`
	Marketplace       string          `json:"marketplace"`
	SponsorID         *int64          `json:"sponsor_id"`
	Payments          []*advCharge    `json:"payments"`
	Disbursements     []*advDisb      `json:"disbursements"`
	Payer             json.RawMessage `json:"payer"`
	ExternalReference *string         `json:"external_reference"`
	Description       *string         `json:"description"`
	BinaryMode        bool            `json:"binary_mode"`
	Capture           bool            `json:"capture"`
	DateCreated       string          `json:"date_created"`
	DateLastUpdated   string          `json:"date_last_updated"`
	Metadata          map[string]any  `json:"metadata"`

	refunds []*advRefund
}

type advCharge struct {
	ID                  int64         `json:"id"`
	Status              string        `json:"status"`
	StatusDetail        string        `json:"status_detail"`
	PaymentTypeID       string        `json:"payment_type_id"`
	PaymentMethodID     string        `json:"payment_method_id"`
	TransactionAmount   money.Decimal `json:"transaction_amount"`
	Installments        int           `json:"installments"`
	ProcessingMode      string        `json:"processing_mode"`
	Description         *string       `json:"description"`
	ExternalReference   *string       `json:"external_reference"`
	StatementDescriptor *string       `json:"statement_descriptor"`
}

type advDisb struct {
	ID                *int64        `json:"id"`
	Amount            money.Decimal `json:"amount"`
	ExternalReference *string       `json:"external_reference"`
	CollectorID       int64         `json:"collector_id"`
	ApplicationFee    money.Decimal `json:"application_fee"`
	MoneyReleaseDays  int           `json:"money_release_days"`
	MoneyReleaseDate  *string       `json:"money_release_date"`
	Status            string        `json:"status"`

	refunded money.Decimal
}

type advRefund struct {
	ID                int64         `json:"id"`
	AdvancedPaymentID int64         `json:"advanced_payment_id"`
	DisbursementID    int64         `json:"disbursement_id"`
	Amount            money.Decimal `json:"amount"`
	Status            string        `json:"status"`
	DateCreated       string        `json:"date_created"`
}

type advIn struct {
	ApplicationID     string          `json:"application_id"`
	Payer             json.RawMessage `json:"payer"`
	Payments          []advChargeIn   `json:"payments"`
	Disbursements     []advDisbIn     `json:"disbursements"`
	ExternalReference string          `json:"external_reference"`
	Description       string          `json:"description"`
	BinaryMode        bool            `json:"binary_mode"`
	Capture           *bool           `json:"capture"`
	Metadata          map[string]any  `json:"metadata"`
}

type advChargeIn struct {
	PaymentMethodID     string         `json:"payment_method_id"`
	PaymentTypeID       string         `json:"payment_type_id"`
	Token               string         `json:"token"`
	TransactionAmount   *money.Decimal `json:"transaction_amount"`
	Installments        int            `json:"installments"`
	ProcessingMode      string         `json:"processing_mode"`
	Description         string         `json:"description"`
	ExternalReference   string         `json:"external_reference"`
	StatementDescriptor string         `json:"statement_descriptor"`
}

type advDisbIn struct {
	Amount            *money.Decimal `json:"amount"`
	CollectorID       json.Number    `json:"collector_id"` // the official SDKs' payloads send it as a string too
	ApplicationFee    *money.Decimal `json:"application_fee"`
	ExternalReference string         `json:"external_reference"`
	MoneyReleaseDays  *int           `json:"money_release_days"`
}

// advError answers 400 with one of the advanced payments cause codes.
func advError(w http.ResponseWriter, code string, description string) {
	n, _ := strconv.Atoi(code)
	badRequest(w, n, description)
}

// connectedLocked reports whether seller id authorised the marketplace:
// it holds an access or refresh token from the OAuth flow.
func (s *Server) connectedLocked(id int64) bool {
	x := s.ext()
	for _, g := range x.access {
		if g.seller.ID == id {
			return true
		}
	}
	for _, g := range x.refresh {
		if g.seller.ID == id {
			return true
		}
	}
	return false
}

// createAdvancedPayment is POST /v1/advanced_payments.
func (s *Server) createAdvancedPayment(w http.ResponseWriter, r *http.Request) {
	var in advIn
	if !readJSON(w, r, &in) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.Clock.Now()
	if len(in.Payments) == 0 {
		advError(w, "400014", "Invalid number of payments.")
		return
	}
	total := money.New(0, 0)
	var tokens []*cardToken
	for _, p := range in.Payments {
		switch {
		case p.TransactionAmount == nil:
			advError(w, "400017", "The transaction amount is required.")
			return
		case !p.TransactionAmount.IsPositive():
			advError(w, "400018", "Invalid amount.")
			return
		case p.PaymentMethodID == "":
			advError(w, "400019", "The payment method is required.")
			return
		}
		tok, ok := s.tokens.Get(p.Token)
		if !ok || tok.used || now.After(tok.expires) {
			advError(w, "400029", "The payment token is required.") // an unknown or spent token is refused alike (simulator's choice)
			return
		}
		tokens = append(tokens, tok)
		total, _ = total.Add(*p.TransactionAmount)
	}
	if len(in.Disbursements) == 0 {
		advError(w, mercadopago.CauseDisbursementsRequired, "The amount of disbursements is required.")
		return
	}
	disbursed := money.New(0, 0)
	for _, d := range in.Disbursements {
		id, err := d.CollectorID.Int64()
		switch {
		case d.CollectorID == "" || err != nil || id <= 0:
			advError(w, mercadopago.CauseCollectorRequired, "The collector ID is required.")
			return
		case d.Amount == nil || !d.Amount.IsPositive():
			advError(w, mercadopago.CauseInvalidDisbursementAmount, "Invalid disbursement amount.")
			return
		case d.ApplicationFee != nil && (d.ApplicationFee.Sign() < 0 || d.ApplicationFee.Cmp(*d.Amount) > 0):
			advError(w, mercadopago.CauseInvalidMarketplaceFee, "Invalid Marketplace commission.")
			return
		case d.MoneyReleaseDays != nil && *d.MoneyReleaseDays < 0:
			advError(w, "400006", "Invalid date of release for the Disbursement.")
			return
		}
		if _, known := s.ext().sellers.Get(id); !known || !s.connectedLocked(id) {
			// The collector must have authorised the marketplace by OAuth
			// (simulator's reading of "The collector was not found").
			advError(w, mercadopago.CauseCollectorNotFound, "The collector was not found.")
			return
		}
		disbursed, _ = disbursed.Add(*d.Amount)
	}
	if disbursed.Cmp(total) != 0 {
		// Simulator's choice: the reference lists the code but not this
		// rule; the guides' example has the disbursements add up.
		advError(w, mercadopago.CauseInvalidDisbursementAmount, "Invalid disbursement amount: the disbursements add up to "+
			disbursed.String()+", the payments to "+total.String()+".")
		return
	}
	status, detail := holderOutcome(tokens[0].holder)
	if in.BinaryMode && status == mercadopago.StatusPending {
		status, detail = mercadopago.StatusRejected, mercadopago.DetailRejectedOtherReason
	}
	authorizeOnly := in.Capture != nil && !*in.Capture
	if status == mercadopago.StatusApproved && authorizeOnly {
		status, detail = mercadopago.StatusAuthorized, mercadopago.DetailPendingCapture
	}
	for _, tok := range tokens {
		tok.used = true
	}
	s.seq++
	ap := &advPayment{ID: s.seq, Status: string(status), Marketplace: "MP-MKT-" + s.ext().clientID, Payer: in.Payer,
		BinaryMode: in.BinaryMode, Capture: !authorizeOnly, DateCreated: mpTime(now), DateLastUpdated: mpTime(now), Metadata: in.Metadata}
	if ap.Metadata == nil {
		ap.Metadata = map[string]any{}
	}
	if len(ap.Payer) == 0 {
		ap.Payer = json.RawMessage("null")
	}
	if in.ApplicationID != "" {
		ap.ApplicationID = strPtr(in.ApplicationID)
	}
	if in.ExternalReference != "" {
		ap.ExternalReference = strPtr(in.ExternalReference)
	}
	if in.Description != "" {
		ap.Description = strPtr(in.Description)
	}
	for _, p := range in.Payments {
		s.seq++
		c := &advCharge{ID: s.seq, Status: string(status), StatusDetail: string(detail), PaymentTypeID: p.PaymentTypeID,
			PaymentMethodID: p.PaymentMethodID, TransactionAmount: *p.TransactionAmount, Installments: max(p.Installments, 1),
			ProcessingMode: p.ProcessingMode, Description: optStr(p.Description), ExternalReference: optStr(p.ExternalReference),
			StatementDescriptor: optStr(p.StatementDescriptor)}
		if c.PaymentTypeID == "" {
			c.PaymentTypeID = "credit_card"
		}
		if c.ProcessingMode == "" {
			c.ProcessingMode = "aggregator"
		}
		ap.Payments = append(ap.Payments, c)
	}
	for _, d := range in.Disbursements {
		id, _ := d.CollectorID.Int64()
		db := &advDisb{Amount: *d.Amount, CollectorID: id, ApplicationFee: money.New(0, 0), MoneyReleaseDays: DefaultReleaseDays,
			ExternalReference: optStr(d.ExternalReference), Status: string(status), refunded: money.New(0, 0)}
		if d.ApplicationFee != nil {
			db.ApplicationFee = *d.ApplicationFee
		}
		if d.MoneyReleaseDays != nil {
			db.MoneyReleaseDays = *d.MoneyReleaseDays
		}
		ap.Disbursements = append(ap.Disbursements, db)
	}
	if status == mercadopago.StatusApproved {
		s.approveAdvancedLocked(ap, now)
	}
	s.sp.advanced.Put(ap.ID, ap)
	sim.WriteJSON(w, http.StatusCreated, ap)
}

func optStr(v string) *string {
	if v == "" {
		return nil
	}
	return &v
}

// approveAdvancedLocked gives each disbursement its id and release date,
// as the API does once the payment is approved (before, their ids are null).
func (s *Server) approveAdvancedLocked(ap *advPayment, now time.Time) {
	ap.Status = string(mercadopago.AdvancedApproved)
	for _, c := range ap.Payments {
		c.Status, c.StatusDetail = string(mercadopago.StatusApproved), string(mercadopago.DetailAccredited)
	}
	for _, d := range ap.Disbursements {
		s.seq++
		id := s.seq
		d.ID = &id
		d.Status = string(mercadopago.StatusApproved)
		d.MoneyReleaseDate = strPtr(mpTime(now.Add(time.Duration(d.MoneyReleaseDays) * 24 * time.Hour)))
	}
	ap.Capture = true
	ap.DateLastUpdated = mpTime(now)
}

// advLookup finds the advanced payment of the path's {id}, or answers 404.
func (s *Server) advLookup(w http.ResponseWriter, r *http.Request) *advPayment {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err == nil {
		if ap, ok := s.sp.advanced.Get(id); ok {
			return ap
		}
	}
	apiError(w, http.StatusNotFound, "not_found", "Advanced payment not found")
	return nil
}

// getAdvancedPayment is GET /v1/advanced_payments/{id}.
func (s *Server) getAdvancedPayment(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ap := s.advLookup(w, r); ap != nil {
		sim.WriteJSON(w, http.StatusOK, ap)
	}
}

// updateAdvancedPayment is PUT /v1/advanced_payments/{id}: {"capture":true}
// or {"status":"cancelled"}.
func (s *Server) updateAdvancedPayment(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Capture *bool  `json:"capture"`
		Status  string `json:"status"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ap := s.advLookup(w, r)
	if ap == nil {
		return
	}
	now := s.Clock.Now()
	switch {
	case in.Capture != nil && *in.Capture && in.Status == "":
		if ap.Status != string(mercadopago.AdvancedAuthorized) {
			advError(w, "400040", "Invalid status.")
			return
		}
		s.approveAdvancedLocked(ap, now)
	case in.Status == string(mercadopago.AdvancedCancelled) && in.Capture == nil:
		switch mercadopago.AdvancedPaymentStatus(ap.Status) {
		case mercadopago.AdvancedAuthorized, mercadopago.AdvancedPending, mercadopago.AdvancedInProcess:
		default:
			advError(w, "400040", "Invalid status.")
			return
		}
		ap.Status = string(mercadopago.AdvancedCancelled)
		for _, c := range ap.Payments {
			c.Status, c.StatusDetail = string(mercadopago.StatusCancelled), string(mercadopago.DetailByCollector)
		}
		for _, d := range ap.Disbursements {
			d.Status = string(mercadopago.StatusCancelled)
		}
		ap.DateLastUpdated = mpTime(now)
	default:
		advError(w, "400039", "Invalid request.")
		return
	}
	sim.WriteJSON(w, http.StatusOK, ap)
}

// parseReleaseDate reads money_release_date in the guides' format, or any
// RFC 3339 time.
func parseReleaseDate(v string) (time.Time, bool) {
	for _, layout := range []string{"2006-01-02T15:04:05.000-07:00", time.RFC3339Nano, "2006-01-02T15:04:05.000-0700"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// disburse is POST /v1/advanced_payments/{id}/disburses and
// …/disbursements/{did}/disburses: a new release date for every
// disbursement, or for one. The date must fall after the approval and
// within MaxReleaseDays of it (simulator's stand-in for the marketplace's
// configured range).
func (s *Server) disburse(w http.ResponseWriter, r *http.Request) {
	var in struct {
		MoneyReleaseDate string `json:"money_release_date"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ap := s.advLookup(w, r)
	if ap == nil {
		return
	}
	if ap.Status != string(mercadopago.AdvancedApproved) {
		advError(w, "400040", "Invalid status.")
		return
	}
	targets, ok := s.disbursementsOf(w, r, ap)
	if !ok {
		return
	}
	when, ok := parseReleaseDate(in.MoneyReleaseDate)
	now := s.Clock.Now()
	if !ok || when.Before(now) || when.After(now.Add(MaxReleaseDays*24*time.Hour)) {
		advError(w, mercadopago.CauseInvalidReleaseDate, "The field money_release_date is invalid.")
		return
	}
	for _, d := range targets {
		d.MoneyReleaseDate = strPtr(mpTime(when))
	}
	ap.DateLastUpdated = mpTime(now)
	sim.WriteJSON(w, http.StatusOK, ap)
}

// MaxReleaseDays bounds a new release date (simulator's choice).
const MaxReleaseDays = 180

// disbursementsOf returns the path's disbursement ({did}), or every
// disbursement when the path names none.
func (s *Server) disbursementsOf(w http.ResponseWriter, r *http.Request, ap *advPayment) ([]*advDisb, bool) {
	raw := r.PathValue("did")
	if raw == "" {
		return ap.Disbursements, true
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	for _, d := range ap.Disbursements {
		if err == nil && d.ID != nil && *d.ID == id {
			return []*advDisb{d}, true
		}
	}
	apiError(w, http.StatusNotFound, "not_found", "Disbursement not found")
	return nil, false
}

// refundAdvanced is POST /v1/advanced_payments/{id}/refunds (everything
// left, answered with the refunds made) and
// …/disbursements/{did}/refunds (one disbursement, all of it or
// {"amount"}, answered with the refund).
func (s *Server) refundAdvanced(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Amount *money.Decimal `json:"amount"`
	}
	if r.ContentLength != 0 && !readJSON(w, r, &in) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ap := s.advLookup(w, r)
	if ap == nil {
		return
	}
	switch mercadopago.AdvancedPaymentStatus(ap.Status) {
	case mercadopago.AdvancedApproved, mercadopago.AdvancedPartiallyRefunded:
	default:
		advError(w, "400040", "Invalid status.")
		return
	}
	one := r.PathValue("did") != ""
	targets, ok := s.disbursementsOf(w, r, ap)
	if !ok {
		return
	}
	now := s.Clock.Now()
	var made []*advRefund
	for _, d := range targets {
		left, _ := d.Amount.Sub(d.refunded)
		amount := left
		if one && in.Amount != nil {
			amount = *in.Amount
		}
		if !amount.IsPositive() || amount.Cmp(left) > 0 {
			if one || in.Amount != nil {
				advError(w, "400018", "Invalid amount.")
				return
			}
			continue // a disbursement refunded already
		}
		d.refunded, _ = d.refunded.Add(amount)
		if d.refunded.Cmp(d.Amount) == 0 {
			d.Status = string(mercadopago.StatusRefunded)
		}
		s.seq++
		rf := &advRefund{ID: s.seq, AdvancedPaymentID: ap.ID, DisbursementID: *d.ID, Amount: amount, Status: "approved", DateCreated: mpTime(now)}
		ap.refunds = append(ap.refunds, rf)
		made = append(made, rf)
		s.sp.refunds++
	}
	if len(made) == 0 {
		advError(w, "400040", "Invalid status.")
		return
	}
	ap.Status = string(mercadopago.AdvancedRefunded)
	for _, d := range ap.Disbursements {
		if d.refunded.Cmp(d.Amount) != 0 {
			ap.Status = string(mercadopago.AdvancedPartiallyRefunded)
		}
	}
	ap.DateLastUpdated = mpTime(now)
	if one {
		sim.WriteJSON(w, http.StatusCreated, made[0])
		return
	}
	sim.WriteJSON(w, http.StatusCreated, made)
}

// listAdvancedRefunds is GET /v1/advanced_payments/{id}/refunds.
func (s *Server) listAdvancedRefunds(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ap := s.advLookup(w, r); ap != nil {
		out := ap.refunds
		if out == nil {
			out = []*advRefund{}
		}
		sim.WriteJSON(w, http.StatusOK, out)
	}
}

// searchAdvancedPayments is GET /v1/advanced_payments/search with the
// guides' filters.
func (s *Server) searchAdvancedPayments(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	st, ref := q.Get("status"), q.Get("external_reference")
	collector, _ := strconv.ParseInt(q.Get("disbursement.collector_id"), 10, 64)
	payID, _ := strconv.ParseInt(q.Get("payments.id"), 10, 64)
	search(s, w, r, &s.sp.advanced, 30, 1000, func(ap *advPayment) bool {
		if st != "" && ap.Status != st || ref != "" && (ap.ExternalReference == nil || *ap.ExternalReference != ref) {
			return false
		}
		if collector != 0 && !containsFunc(ap.Disbursements, func(d *advDisb) bool { return d.CollectorID == collector }) {
			return false
		}
		return payID == 0 || containsFunc(ap.Payments, func(c *advCharge) bool { return c.ID == payID })
	})
}

func containsFunc[T any](list []T, f func(T) bool) bool {
	for _, v := range list {
		if f(v) {
			return true
		}
	}
	return false
}

// AdvancedPayment returns an advanced payment as the client would read it.
func (s *Server) AdvancedPayment(id int64) (*mercadopago.AdvancedPayment, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ap, ok := s.sp.advanced.Get(id)
	var out mercadopago.AdvancedPayment
	if !ok || !reencode(ap, &out) {
		return nil, false
	}
	return &out, true
}

// AdvancedPaymentCount is how many advanced payments were made.
func (s *Server) AdvancedPaymentCount() int { return s.sp.advanced.Len() }

// DisbursementRefundCount is how many disbursement refunds were made.
func (s *Server) DisbursementRefundCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sp.refunds
}

// ConnectedSellers lists the ids of the sellers who authorised the
// marketplace so far: those a disbursement may pay.
func (s *Server) ConnectedSellers() []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []int64
	for _, sl := range s.ext().sellers.Search(func(*Seller) bool { return true }) {
		if s.connectedLocked(sl.ID) {
			out = append(out, sl.ID)
		}
	}
	return out
}

// advRoutes are the advanced payments routes (see routes).
func (s *Server) advRoutes() []sim.Route {
	api := s.api
	return []sim.Route{
		{Pattern: "POST /v1/advanced_payments", Handler: api(s.createAdvancedPayment)},
		{Pattern: "GET /v1/advanced_payments/search", Handler: api(s.searchAdvancedPayments)},
		{Pattern: "GET /v1/advanced_payments/{id}", Handler: api(s.getAdvancedPayment)},
		{Pattern: "PUT /v1/advanced_payments/{id}", Handler: api(s.updateAdvancedPayment)},
		{Pattern: "POST /v1/advanced_payments/{id}/disburses", Handler: api(s.disburse)},
		{Pattern: "POST /v1/advanced_payments/{id}/disbursements/{did}/disburses", Handler: api(s.disburse)},
		{Pattern: "POST /v1/advanced_payments/{id}/refunds", Handler: api(s.refundAdvanced)},
		{Pattern: "GET /v1/advanced_payments/{id}/refunds", Handler: api(s.listAdvancedRefunds)},
		{Pattern: "POST /v1/advanced_payments/{id}/disbursements/{did}/refunds", Handler: api(s.refundAdvanced)},
	}
}
