package mercadopagotest

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paykit-go/paykit/internal/sim"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/money"
)

// simUserID is the collector (seller) user id of the simulated account.
const simUserID = 1003743392

// payment is a payment as the API sends it, plus what the simulator keeps.
type payment struct {
	ID                        int64            `json:"id"`
	DateCreated               string           `json:"date_created"`
	DateApproved              *string          `json:"date_approved"`
	DateLastUpdated           string           `json:"date_last_updated"`
	MoneyReleaseDate          *string          `json:"money_release_date"`
	PaymentMethodID           string           `json:"payment_method_id"`
	PaymentTypeID             string           `json:"payment_type_id"`
	IssuerID                  *string          `json:"issuer_id"`
	Status                    string           `json:"status"`
	StatusDetail              string           `json:"status_detail"`
	CurrencyID                string           `json:"currency_id"`
	Description               *string          `json:"description"`
	LiveMode                  bool             `json:"live_mode"`
	Captured                  bool             `json:"captured"`
	BinaryMode                bool             `json:"binary_mode"`
	CollectorID               int64            `json:"collector_id"`
	Installments              int              `json:"installments"`
	TransactionAmount         money.Decimal    `json:"transaction_amount"`
	TransactionAmountRefunded money.Decimal    `json:"transaction_amount_refunded"`
	ExternalReference         *string          `json:"external_reference"`
	CallbackURL               *string          `json:"callback_url"`
	NotificationURL           string           `json:"notification_url,omitempty"`
	Payer                     payerOut         `json:"payer"`
	Card                      *cardOut         `json:"card,omitempty"`
	TransactionDetails        txDetails        `json:"transaction_details"`
	PaymentMethod             paymentMethodOut `json:"payment_method"`
	PointOfInteraction        *poiOut          `json:"point_of_interaction,omitempty"`
	Metadata                  map[string]any   `json:"metadata"`
	Refunds                   []*refund        `json:"refunds"`

	paymentExtras
	localOut

	created       time.Time
	widgetToken   string
	widgetExpires time.Time
}

type payerOut struct {
	ID             *string   `json:"id"`
	Type           *string   `json:"type"`
	Email          *string   `json:"email"`
	Identification *identOut `json:"identification"`
}

type identOut struct {
	Type   *string `json:"type"`
	Number *string `json:"number"`
}

type cardOut struct {
	ID              *string       `json:"id"`
	FirstSixDigits  string        `json:"first_six_digits"`
	LastFourDigits  string        `json:"last_four_digits"`
	ExpirationMonth int           `json:"expiration_month"`
	ExpirationYear  int           `json:"expiration_year"`
	Cardholder      cardholderOut `json:"cardholder"`
}

type cardholderOut struct {
	Name           string   `json:"name"`
	Identification identOut `json:"identification"`
}

type txDetails struct {
	NetReceivedAmount   money.Decimal `json:"net_received_amount"`
	TotalPaidAmount     money.Decimal `json:"total_paid_amount"`
	InstallmentAmount   money.Decimal `json:"installment_amount"`
	ExternalResourceURL *string       `json:"external_resource_url"`
	localTx
}

type paymentMethodOut struct {
	ID   string         `json:"id"`
	Type string         `json:"type"`
	Data map[string]any `json:"data,omitempty"`
}

type poiOut struct {
	Type            string    `json:"type"`
	SubType         string    `json:"sub_type,omitempty"`
	TransactionData *poiTxOut `json:"transaction_data,omitempty"`
}

type refund struct {
	ID                    int64          `json:"id"`
	PaymentID             int64          `json:"payment_id"`
	Amount                money.Decimal  `json:"amount"`
	Metadata              map[string]any `json:"metadata"`
	Source                map[string]any `json:"source"`
	DateCreated           string         `json:"date_created"`
	UniqueSequenceNumber  *string        `json:"unique_sequence_number"`
	RefundMode            string         `json:"refund_mode"`
	AdjustmentAmount      int            `json:"adjustment_amount"`
	Status                string         `json:"status"`
	Reason                *string        `json:"reason"`
	Labels                []string       `json:"labels"`
	AmountRefundedToPayer money.Decimal  `json:"amount_refunded_to_payer"`
}

// paymentIn is what POST /v1/payments accepts.
type paymentIn struct {
	TransactionAmount *money.Decimal  `json:"transaction_amount"`
	Token             string          `json:"token"`
	Installments      *int            `json:"installments"`
	PaymentMethodID   string          `json:"payment_method_id"`
	IssuerID          json.RawMessage `json:"issuer_id"`
	Description       string          `json:"description"`
	ExternalReference string          `json:"external_reference"`
	CallbackURL       string          `json:"callback_url"`
	NotificationURL   string          `json:"notification_url"`
	Payer             *struct {
		Type           string         `json:"type"`
		ID             string         `json:"id"`
		Email          string         `json:"email"`
		FirstName      string         `json:"first_name"`
		LastName       string         `json:"last_name"`
		EntityType     string         `json:"entity_type"`
		Address        map[string]any `json:"address"`
		Phone          map[string]any `json:"phone"`
		Identification *struct {
			Type   string `json:"type"`
			Number string `json:"number"`
		} `json:"identification"`
	} `json:"payer"`
	PointOfInteraction *struct {
		Type    string `json:"type"`
		SubType string `json:"sub_type"`
	} `json:"point_of_interaction"`
	Capture    *bool          `json:"capture"`
	BinaryMode *bool          `json:"binary_mode"`
	Metadata   map[string]any `json:"metadata"`

	extrasIn
	localIn
}

func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s, ".")
}

func (s *Server) createPayment(w http.ResponseWriter, r *http.Request) {
	var in paymentIn
	if !readJSON(w, r, &in) {
		return
	}
	raw, _ := json.Marshal(in)
	if in.TransactionAmount == nil || !in.TransactionAmount.IsPositive() {
		badRequest(w, 4037, "Invalid transaction_amount")
		return
	}
	if in.Payer == nil {
		badRequest(w, 2040, "payer is required") // simulator's code
		return
	}
	fintoc := in.PaymentMethodID == mercadopago.PaymentMethodFintoc
	if in.Payer.Type != mercadopago.PayerCustomer && !validEmail(in.Payer.Email) {
		badRequest(w, 4050, "payer.email must be a valid email")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.Clock.Now()
	hash := sha256.Sum256(raw)
	if at, dup := s.recent[hash]; dup && now.Sub(at) < DuplicateWindow {
		badRequest(w, 2001, "Already posted the same request in the last minute")
		return
	}
	s.seq++
	p := &payment{
		ID: s.seq, DateCreated: mpTime(now), DateLastUpdated: mpTime(now), created: now,
		CurrencyID: siteOf(r, s.Site).Currency(), CollectorID: simUserID, Installments: 1,
		TransactionAmount: *in.TransactionAmount, TransactionAmountRefunded: money.New(0, 0),
		NotificationURL: in.NotificationURL, Metadata: in.Metadata, Refunds: []*refund{},
	}
	if p.Metadata == nil {
		p.Metadata = map[string]any{}
	}
	if in.Description != "" {
		p.Description = strPtr(in.Description)
	}
	if in.ExternalReference != "" {
		p.ExternalReference = strPtr(in.ExternalReference)
	}
	if in.CallbackURL != "" {
		p.CallbackURL = strPtr(in.CallbackURL)
	}
	if in.BinaryMode != nil {
		p.BinaryMode = *in.BinaryMode
	}
	if in.Payer.Email != "" {
		p.Payer.Email = strPtr(in.Payer.Email)
	}
	if in.Payer.Identification != nil {
		p.Payer.Identification = &identOut{Type: strPtr(in.Payer.Identification.Type), Number: strPtr(in.Payer.Identification.Number)}
	}
	p.TransactionDetails = txDetails{TotalPaidAmount: p.TransactionAmount, InstallmentAmount: p.TransactionAmount, NetReceivedAmount: money.New(0, 0)}
	if msg := p.applyExtras(&in); msg != "" {
		badRequest(w, 4000, msg) // simulator's code
		return
	}

	switch {
	case fintoc:
		if in.PointOfInteraction == nil || in.PointOfInteraction.Type != "CHECKOUT" || in.PointOfInteraction.SubType != "INTER_PSP" {
			badRequest(w, 4000, "point_of_interaction must be {type: CHECKOUT, sub_type: INTER_PSP} for fintoc") // simulator's code
			return
		}
		if in.CallbackURL == "" || in.Description == "" {
			badRequest(w, 4000, "callback_url and description are required for fintoc") // simulator's code
			return
		}
		p.PaymentMethodID, p.PaymentTypeID = mercadopago.PaymentMethodFintoc, "bank_transfer"
		p.Status, p.StatusDetail = string(mercadopago.StatusPending), string(mercadopago.DetailPendingWaitingTransfer)
		p.widgetToken = "pi_" + sim.RandomHex(12) + "_sec_" + sim.RandomHex(12)
		p.widgetExpires = now.Add(mercadopago.FintocWidgetTokenTTL)
		p.PaymentMethod = paymentMethodOut{ID: "fintoc", Type: "bank_transfer", Data: map[string]any{
			"external_reference_id": p.widgetToken,
			"external_resource_url": s.URL + "/fintoc/widget/" + strconv.FormatInt(p.ID, 10),
		}}
		p.PointOfInteraction = &poiOut{Type: "CHECKOUT", SubType: "INTER_PSP"}
		p.Payer.Type = strPtr(mercadopago.PayerGuest)
	case localMethods[in.PaymentMethodID] != nil:
		if msg, code := s.createLocal(p, &in, siteOf(r, s.Site), now); msg != "" {
			badRequest(w, code, msg)
			return
		}
	case in.Token != "":
		tok, ok := s.tokens.Get(in.Token)
		if !ok || tok.used || now.After(tok.expires) {
			badRequest(w, 3003, "Invalid card_token_id")
			return
		}
		if in.Installments == nil || *in.Installments < 1 {
			badRequest(w, 4000, "installments must be at least 1") // simulator's code
			return
		}
		if in.Payer.Type == mercadopago.PayerCustomer {
			cu, ok := s.customers.Get(in.Payer.ID)
			if !ok {
				badRequest(w, 2002, "Customer not found")
				return
			}
			if tok.cardID != "" && cu.card(tok.cardID) == nil {
				badRequest(w, 4000, "the card does not belong to the customer") // simulator's code
				return
			}
			p.Payer.ID, p.Payer.Type = strPtr(cu.ID), strPtr(mercadopago.PayerCustomer)
			if p.Payer.Email == nil {
				p.Payer.Email = strPtr(cu.Email)
			}
		} else {
			p.Payer.Type = strPtr(mercadopago.PayerGuest)
		}
		if in.PaymentMethodID != "" && in.PaymentMethodID != tok.brand() {
			badRequest(w, 4000, "payment_method_id does not match the card") // simulator's code
			return
		}
		tok.used = true
		p.Installments = *in.Installments
		p.PaymentMethodID, p.PaymentTypeID = tok.brand(), "credit_card"
		p.IssuerID = strPtr("24")
		p.Card = tok.cardOut()
		status, detail := holderOutcome(tok.holder)
		if s.startChallenge(p, tok, in.ThreeDSecureMode) {
			status, detail = mercadopago.StatusPending, mercadopago.DetailPendingChallenge
		}
		if status == mercadopago.StatusApproved && in.Capture != nil && !*in.Capture {
			status, detail = mercadopago.StatusAuthorized, mercadopago.DetailPendingCapture
		}
		if p.BinaryMode && status == mercadopago.StatusPending {
			status, detail = mercadopago.StatusRejected, mercadopago.DetailRejectedOtherReason
		}
		p.setStatus(status, detail, now)
		p.PaymentMethod = paymentMethodOut{ID: p.PaymentMethodID, Type: "credit_card"}
	default:
		badRequest(w, 3003, "Invalid card_token_id: a token is required for card payments") // a method the simulator does not play is taken for a card
		return
	}
	if sl := sellerOf(r); sl != nil { // made with a seller's OAuth token
		s.ext().collector[p.ID] = sl.ID
		p.CollectorID = sl.ID
	}
	s.recent[hash] = now
	s.payments.Put(p.ID, p)
	sim.WriteJSON(w, http.StatusCreated, p)
	s.notify(p, "payment.created")
}

// holderOutcome is the sandbox rule: the card holder's name picks the result.
func holderOutcome(holder string) (mercadopago.PaymentStatus, mercadopago.StatusDetail) {
	switch strings.ToUpper(strings.TrimSpace(holder)) {
	case HolderRejectedOther:
		return mercadopago.StatusRejected, mercadopago.DetailRejectedOtherReason
	case HolderPending:
		return mercadopago.StatusPending, mercadopago.DetailPendingContingency
	case HolderCallForAuthorize:
		return mercadopago.StatusRejected, mercadopago.DetailRejectedCallForAuthorize
	case HolderInsufficientFunds:
		return mercadopago.StatusRejected, mercadopago.DetailRejectedInsufficientFunds
	case HolderBadSecurityCode:
		return mercadopago.StatusRejected, mercadopago.DetailRejectedBadSecurityCode
	case HolderBadExpiry:
		return mercadopago.StatusRejected, mercadopago.DetailRejectedBadDate
	case HolderBadForm:
		return mercadopago.StatusRejected, mercadopago.DetailRejectedBadOther
	}
	return mercadopago.StatusApproved, mercadopago.DetailAccredited
}

// setStatus moves the payment and keeps the derived fields in step.
func (p *payment) setStatus(st mercadopago.PaymentStatus, d mercadopago.StatusDetail, now time.Time) {
	p.Status, p.StatusDetail = string(st), string(d)
	p.DateLastUpdated = mpTime(now)
	p.Captured = st == mercadopago.StatusApproved
	if st == mercadopago.StatusApproved && p.DateApproved == nil {
		p.DateApproved = strPtr(mpTime(now))
		p.MoneyReleaseDate = strPtr(mpTime(now.Add(14 * 24 * time.Hour)))
		// A 4% fee, rounded to whole units, stands in for the real pricing.
		fee := p.TransactionAmount.Trim()
		if n, ok := fee.Int64(); ok {
			p.TransactionDetails.NetReceivedAmount = money.FromInt(n - n*4/100)
		} else {
			p.TransactionDetails.NetReceivedAmount = p.TransactionAmount
		}
		p.settleFees(now)
	}
}

func (s *Server) lookup(w http.ResponseWriter, r *http.Request) *payment {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err == nil {
		if p, ok := s.payments.Get(id); ok {
			s.expireIfDue(p)
			return p
		}
	}
	apiError(w, http.StatusNotFound, "not_found", "Payment not found", cause{Code: 2000, Description: "Payment not found"})
	return nil
}

func (s *Server) getPayment(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.lookup(w, r); p != nil {
		sim.WriteJSON(w, http.StatusOK, p)
	}
}

func (s *Server) updatePayment(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Status            string         `json:"status"`
		Capture           *bool          `json:"capture"`
		TransactionAmount *money.Decimal `json:"transaction_amount"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.lookup(w, r)
	if p == nil {
		return
	}
	now := s.Clock.Now()
	st := mercadopago.PaymentStatus(p.Status)
	switch {
	case in.Status == string(mercadopago.StatusCancelled):
		if st != mercadopago.StatusPending && st != mercadopago.StatusInProcess && st != mercadopago.StatusAuthorized {
			badRequest(w, 2063, "The action requested is not valid for the current payment state")
			return
		}
		p.setStatus(mercadopago.StatusCancelled, mercadopago.DetailByCollector, now)
	case in.Capture != nil && *in.Capture:
		if st != mercadopago.StatusAuthorized {
			badRequest(w, 2063, "The action requested is not valid for the current payment state")
			return
		}
		if in.TransactionAmount != nil {
			if !in.TransactionAmount.IsPositive() || in.TransactionAmount.Cmp(p.TransactionAmount) > 0 {
				badRequest(w, 4037, "Invalid transaction_amount")
				return
			}
			p.TransactionAmount = *in.TransactionAmount
			p.TransactionDetails.TotalPaidAmount = *in.TransactionAmount
			p.TransactionDetails.InstallmentAmount = *in.TransactionAmount
		}
		p.setStatus(mercadopago.StatusApproved, mercadopago.DetailAccredited, now)
	default:
		apiError(w, http.StatusBadRequest, "bad_request", "nothing to update: send status cancelled or capture true")
		return
	}
	sim.WriteJSON(w, http.StatusOK, p)
	s.notify(p, "payment.updated")
}

func (s *Server) searchPayments(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ref, st := q.Get("external_reference"), q.Get("status")
	search(s, w, r, &s.payments, 30, 1000, func(p *payment) bool {
		s.expireIfDue(p)
		return (ref == "" || p.ExternalReference != nil && *p.ExternalReference == ref) && (st == "" || p.Status == st)
	})
}

// search answers a search endpoint in the {paging, results} shape: the
// objects of t that match accepts, oldest first (newest first with
// criteria=desc), paged by limit (default def, at most max) and offset.
func search[K comparable, V any](s *Server, w http.ResponseWriter, r *http.Request, t *sim.Table[K, V], def, max int, match func(V) bool) {
	desc := r.URL.Query().Get("criteria") == "desc"
	searchAs(s, w, r, t, def, max, match, func(found []V, limit, offset int) any {
		if desc {
			slices.Reverse(found)
		}
		return results(found, limit, offset)
	})
}

// searchAs answers a search endpoint with what answer makes of the objects
// of t that match accepts (oldest first) and the limit (default def, at
// most max) and offset asked for. match and answer run under s.mu, so they
// may read the objects; match must not call t.
func searchAs[K comparable, V any](s *Server, w http.ResponseWriter, r *http.Request, t *sim.Table[K, V], def, max int, match func(V) bool, answer func(found []V, limit, offset int) any) {
	q := r.URL.Query()
	limit, offset, ok := paging(w, q.Get("limit"), q.Get("offset"), def, max)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sim.WriteJSON(w, http.StatusOK, answer(t.Search(match), limit, offset))
}

// results is a search answer in the {paging, results} shape (payments,
// customers, subscriptions and plans).
func results[V any](found []V, limit, offset int) any {
	return map[string]any{
		"paging":  map[string]int{"total": len(found), "limit": limit, "offset": offset},
		"results": sim.Page(found, offset, limit),
	}
}

// elements is a search answer in the {elements, total, next_offset} shape
// (preferences and merchant orders).
func elements[V any](found []V, limit, offset int) any {
	page := sim.Page(found, offset, limit)
	return map[string]any{"elements": page, "total": len(found), "next_offset": offset + len(page)}
}

// paging reads limit and offset the way the search endpoints do.
func paging(w http.ResponseWriter, l, o string, def, max int) (limit, offset int, ok bool) {
	limit, offset = def, 0
	var err error
	if l != "" {
		if limit, err = strconv.Atoi(l); err != nil || limit < 1 || limit > max {
			apiError(w, http.StatusBadRequest, "bad_request", fmt.Sprintf("limit must be between 1 and %d", max))
			return 0, 0, false
		}
	}
	if o != "" {
		if offset, err = strconv.Atoi(o); err != nil || offset < 0 || offset > 10000 {
			apiError(w, http.StatusBadRequest, "bad_request", "offset must be between 0 and 10000")
			return 0, 0, false
		}
	}
	return limit, offset, true
}

func (s *Server) createRefund(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Amount *money.Decimal `json:"amount"`
	}
	if r.ContentLength != 0 {
		if !readJSON(w, r, &in) {
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.lookup(w, r)
	if p == nil {
		return
	}
	if p.PaymentMethodID == mercadopago.PaymentMethodFintoc {
		badRequest(w, 2063, "Fintoc payments are refunded from the Mercado Pago dashboard, not through the API")
		return
	}
	if p.Status != string(mercadopago.StatusApproved) {
		badRequest(w, 2063, "The action requested is not valid for the current payment state")
		return
	}
	left, _ := p.TransactionAmount.Sub(p.TransactionAmountRefunded)
	amount := left
	if in.Amount != nil {
		if !in.Amount.IsPositive() {
			badRequest(w, 4040, "Invalid refund amount")
			return
		}
		if in.Amount.Cmp(left) > 0 {
			badRequest(w, 4041, "Invalid refund amount: more than the amount left to refund")
			return
		}
		amount = *in.Amount
	}
	now := s.Clock.Now()
	s.seq++
	rf := &refund{
		ID: s.seq, PaymentID: p.ID, Amount: amount, AmountRefundedToPayer: amount,
		Metadata: map[string]any{}, Source: map[string]any{"id": strconv.Itoa(simUserID), "name": "Seller", "type": "collector"},
		DateCreated: mpTime(now), RefundMode: "standard", Status: "approved", Labels: []string{},
	}
	p.Refunds = append(p.Refunds, rf)
	p.TransactionAmountRefunded, _ = p.TransactionAmountRefunded.Add(amount)
	if p.TransactionAmountRefunded.Cmp(p.TransactionAmount) >= 0 {
		p.Status, p.StatusDetail = string(mercadopago.StatusRefunded), string(mercadopago.DetailRefunded)
	} else {
		p.StatusDetail = string(mercadopago.DetailPartiallyRefunded)
	}
	p.DateLastUpdated = mpTime(now)
	sim.WriteJSON(w, http.StatusCreated, rf)
	s.notify(p, "payment.updated")
}

func (s *Server) listRefunds(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.lookup(w, r); p != nil {
		sim.WriteJSON(w, http.StatusOK, p.Refunds)
	}
}

func (s *Server) getRefund(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.lookup(w, r)
	if p == nil {
		return
	}
	for _, rf := range p.Refunds {
		if strconv.FormatInt(rf.ID, 10) == r.PathValue("rid") {
			sim.WriteJSON(w, http.StatusOK, rf)
			return
		}
	}
	apiError(w, http.StatusNotFound, "not_found", "Refund not found")
}

// PaymentCount is how many payments the server has created.
func (s *Server) PaymentCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.payments.Len()
}

// Payment returns a payment as the API would send it, decoded with the
// client's types.
func (s *Server) Payment(id int64) (*mercadopago.Payment, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.payments.Get(id)
	if !ok {
		return nil, false
	}
	s.expireIfDue(p)
	b, _ := json.Marshal(p)
	var out mercadopago.Payment
	if json.Unmarshal(b, &out) != nil {
		return nil, false
	}
	return &out, true
}

// CompleteFintoc plays the payer in the Fintoc widget opened with
// widgetToken: the payment becomes approved, or rejected when the amount's
// last two digits are 03 (the seed's sandbox rule; undocumented endings are
// approved here). It fails if the token is unknown or expired (10 minutes)
// or the payment is no longer pending, as the widget would.
func (s *Server) CompleteFintoc(widgetToken string) (mercadopago.PaymentStatus, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.payments.Search(nil) {
		if p.widgetToken == "" || p.widgetToken != widgetToken {
			continue
		}
		now := s.Clock.Now()
		if now.After(p.widgetExpires) {
			return "", fmt.Errorf("mercadopagotest: widget token expired at %s", p.widgetExpires.Format(time.RFC3339))
		}
		if p.Status != string(mercadopago.StatusPending) {
			return "", fmt.Errorf("mercadopagotest: payment %d is %s, not pending", p.ID, p.Status)
		}
		status, _ := mercadopago.FintocSandboxOutcome(p.TransactionAmount)
		if status == mercadopago.StatusRejected {
			// Simulator's choice of detail: the documentation names none.
			p.setStatus(mercadopago.StatusRejected, "rejected_by_bank", now)
		} else {
			status = mercadopago.StatusApproved
			p.setStatus(mercadopago.StatusApproved, mercadopago.DetailAccredited, now)
		}
		s.notify(p, "payment.updated")
		return status, nil
	}
	return "", fmt.Errorf("mercadopagotest: unknown widget token")
}
