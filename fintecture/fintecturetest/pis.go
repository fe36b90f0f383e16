package fintecturetest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/paykit-go/paykit/fintecture"
	"github.com/paykit-go/paykit/internal/sim"
	"github.com/paykit-go/paykit/money"
)

type connectBody struct {
	Meta struct {
		PSUName        string `json:"psu_name"`
		PaymentMethods []struct {
			ID string `json:"id"`
		} `json:"payment_methods"`
	} `json:"meta"`
	Data struct {
		Type       string `json:"type"`
		Attributes struct {
			Amount        json.RawMessage `json:"amount"`
			Currency      string          `json:"currency"`
			Communication string          `json:"communication"`
			EndToEndID    string          `json:"end_to_end_id"`
			Beneficiary   *struct {
				Name string `json:"name"`
				IBAN string `json:"iban"`
			} `json:"beneficiary"`
		} `json:"attributes"`
	} `json:"data"`
}

// knownPaymentMethods are the Connect page's payment methods the simulator
// offers (those of Fintecture's Node SDK).
var knownPaymentMethods = map[string]bool{
	string(fintecture.PaymentMethodImmediateTransfer): true,
	string(fintecture.PaymentMethodSmartTransfer):     true,
	string(fintecture.PaymentMethodBNPL):              true,
}

// parseAmount reads an amount the way the API wants it: a JSON string with
// a positive decimal of at most two places.
func parseAmount(raw json.RawMessage) (money.Decimal, string) {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return money.Decimal{}, "amount must be a string such as \"273.00\""
	}
	d, err := money.Parse(s)
	if err != nil || !d.IsPositive() {
		return money.Decimal{}, "amount must be a positive decimal"
	}
	if _, ok := d.Minor(2); !ok {
		return money.Decimal{}, "amount must have at most 2 decimals"
	}
	return d, ""
}

func (s *Server) handleConnect(w http.ResponseWriter, r *http.Request, body []byte) {
	q := r.URL.Query()
	redirect, state := q.Get("redirect_uri"), q.Get("state")
	if u, err := url.Parse(redirect); err != nil || u.Scheme == "" || u.Host == "" {
		s.writeError(w, http.StatusBadRequest, "invalid_redirect_uri", "Invalid redirect_uri", "redirect_uri must be an absolute URL")
		return
	}
	if state == "" || len(state) > 512 {
		s.writeError(w, http.StatusBadRequest, "invalid_state", "Invalid state", "state is required and at most 512 characters")
		return
	}
	var b connectBody
	if err := json.Unmarshal(body, &b); err != nil {
		s.writeError(w, http.StatusBadRequest, "invalid_body", "Invalid Body", "body is not valid JSON")
		return
	}
	if b.Data.Type != "PIS" && b.Data.Type != "payments" {
		s.writeError(w, http.StatusBadRequest, "invalid_type", "Invalid type", "data.type must be PIS")
		return
	}
	amount, msg := parseAmount(b.Data.Attributes.Amount)
	if msg != "" {
		s.writeError(w, http.StatusBadRequest, "invalid_amount", "Invalid amount", msg)
		return
	}
	cur := b.Data.Attributes.Currency
	if len(cur) != 3 || strings.ToUpper(cur) != cur {
		s.writeError(w, http.StatusBadRequest, "invalid_currency", "Invalid currency", "currency must be an ISO 4217 code")
		return
	}
	if bf := b.Data.Attributes.Beneficiary; bf != nil && (bf.Name == "" || !fintecture.ValidIBAN(bf.IBAN)) {
		s.writeError(w, http.StatusBadRequest, "invalid_beneficiary", "Invalid beneficiary", "beneficiary needs a name and a valid iban")
		return
	}
	for _, m := range b.Meta.PaymentMethods {
		if !knownPaymentMethods[m.ID] {
			s.writeError(w, http.StatusBadRequest, "invalid_payment_method", "Invalid payment method", "unknown payment method "+m.ID)
			return
		}
	}
	ss := &session{
		id: sim.RandomHex(16), connectID: newUUID(), state: state, redirectURI: redirect,
		status: fintecture.StatusProviderRequired, amount: amount, currency: cur,
		communication: b.Data.Attributes.Communication, endToEndID: b.Data.Attributes.EndToEndID,
		psuName: b.Meta.PSUName, kind: "PayByBank", provider: r.Header.Get("X-Provider"),
	}
	if ss.endToEndID == "" {
		ss.endToEndID = ss.id
	}
	s.mu.Lock()
	s.addSession(ss)
	s.mu.Unlock()
	sim.WriteJSON(w, http.StatusOK, map[string]any{"meta": map[string]string{
		"session_id": ss.id, "url": s.URL + "/v2/" + ss.connectID,
	}})
}

func newUUID() string {
	h := sim.RandomHex(16)
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32]
}

// paymentJSON renders a session as GET /pis/v2/payments/{id} does. Callers
// hold s.mu.
func paymentJSON(ss *session) map[string]any {
	meta := map[string]any{
		"session_id": ss.id, "status": ss.status, "code": 200, "provider": ss.provider,
		"is_accepted": ss.status == fintecture.StatusCreated, "has_settlement_completed": ss.settlementID != "",
		"type": ss.kind, "initial_type": ss.kind, "customer_id": ss.customerID,
	}
	if ss.refundOf != "" {
		meta["refunded_session_id"] = ss.refundOf
	}
	return map[string]any{
		"meta": meta,
		"data": map[string]any{
			"id": ss.id, "type": "payments",
			"attributes": map[string]any{
				"amount": fintecture.Amount(ss.amount), "currency": ss.currency, "communication": ss.communication,
				"end_to_end_id": ss.endToEndID, "execution_date": ss.executionDate, "payment_scheme": "SEPA",
				"transfer_state": ss.transferState, "bank_account_id": "ee6f357e-e49c-4ff2-954f-b92f237cc800",
				"account_type": "external",
			},
		},
	}
}

func (s *Server) handleGetPayment(w http.ResponseWriter, r *http.Request, _ []byte) {
	ss, ok := s.sessions.Get(r.PathValue("id"))
	var out map[string]any
	if ok {
		s.mu.Lock()
		out = paymentJSON(ss)
		s.mu.Unlock()
	}
	if !ok {
		s.writeError(w, http.StatusNotFound, "session_not_found", "Not Found", "no payment session with this id")
		return
	}
	sim.WriteJSON(w, http.StatusOK, out)
}

// handleUpdatePayment plays PATCH /pis/v2/payments/{id}: meta.status may
// only be payment_cancelled (a session that is already final stays as it
// is), meta.amount changes the amount of a session nobody has paid yet, and
// other members are accepted and ignored. An update without a meta object,
// or with an empty one and no data.attributes, is refused.
func (s *Server) handleUpdatePayment(w http.ResponseWriter, r *http.Request, body []byte) {
	var b struct {
		Meta map[string]json.RawMessage `json:"meta"`
		Data struct {
			Attributes map[string]json.RawMessage `json:"attributes"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &b); err != nil || b.Meta == nil {
		s.writeError(w, http.StatusBadRequest, "invalid_body", "Invalid Body", "meta is required")
		return
	}
	if len(b.Meta) == 0 && len(b.Data.Attributes) == 0 {
		s.writeError(w, http.StatusBadRequest, "invalid_body", "Invalid Body", "nothing to update")
		return
	}
	var status string
	if raw, ok := b.Meta["status"]; ok {
		if err := json.Unmarshal(raw, &status); err != nil || status != string(fintecture.StatusCancelled) {
			s.writeError(w, http.StatusBadRequest, "invalid_status", "Invalid status", "meta.status can only be set to payment_cancelled")
			return
		}
	}
	var amount money.Decimal
	raw, newAmount := b.Meta["amount"]
	if newAmount {
		var msg string
		if amount, msg = parseAmount(raw); msg != "" {
			s.writeError(w, http.StatusBadRequest, "invalid_amount", "Invalid amount", msg)
			return
		}
	}
	ss, ok := s.sessions.Get(r.PathValue("id"))
	s.mu.Lock()
	var out map[string]any
	final := false
	if ok {
		cancelAgain := status != "" && !newAmount && ss.status == fintecture.StatusCancelled
		if ss.status.Final() && !cancelAgain {
			final = true // a final session changes no more; cancelling twice is fine
		} else {
			if newAmount {
				ss.amount = amount
			}
			if status != "" {
				ss.status, ss.transferState = fintecture.StatusCancelled, fintecture.TransferCancelled
			}
			out = paymentJSON(ss)
		}
	}
	s.mu.Unlock()
	switch {
	case !ok:
		s.writeError(w, http.StatusNotFound, "session_not_found", "Not Found", "no payment session with this id")
	case final:
		s.writeError(w, http.StatusConflict, "session_final", "Conflict", "the payment session is already final")
	default:
		sim.WriteJSON(w, http.StatusOK, out)
	}
}

func (s *Server) handleRefund(w http.ResponseWriter, r *http.Request, body []byte) {
	var b struct {
		Meta struct {
			SessionID string `json:"session_id"`
		} `json:"meta"`
		Data struct {
			Attributes struct {
				Amount        json.RawMessage `json:"amount"`
				Communication string          `json:"communication"`
			} `json:"attributes"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &b); err != nil || b.Meta.SessionID == "" {
		s.writeError(w, http.StatusBadRequest, "invalid_body", "Invalid Body", "meta.session_id is required")
		return
	}
	var amount money.Decimal
	partial := len(b.Data.Attributes.Amount) > 0 && string(b.Data.Attributes.Amount) != "null"
	if partial {
		var msg string
		if amount, msg = parseAmount(b.Data.Attributes.Amount); msg != "" {
			s.writeError(w, http.StatusBadRequest, "invalid_amount", "Invalid amount", msg)
			return
		}
	}
	state := r.URL.Query().Get("state")
	if len(state) > 512 {
		s.writeError(w, http.StatusBadRequest, "invalid_state", "Invalid state", "state is at most 512 characters")
		return
	}
	out, status, code, msg := s.refund(b.Meta.SessionID, partial, amount, b.Data.Attributes.Communication, state)
	if code != "" {
		s.writeError(w, status, code, "Refund not allowed", msg)
		return
	}
	sim.WriteJSON(w, http.StatusOK, out)
}

// refund books a refund of amount (all that is left when !partial) and
// returns the answer, or an error status, code and message.
func (s *Server) refund(sessionID string, partial bool, amount money.Decimal, communication, state string) (map[string]any, int, string, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss, ok := s.sessions.Get(sessionID)
	if !ok {
		return nil, http.StatusNotFound, "session_not_found", "no payment session with this id"
	}
	left, _ := ss.amount.Sub(ss.refunded)
	if !partial {
		amount = left
	}
	if ss.status != fintecture.StatusCreated || !left.IsPositive() || amount.Cmp(left) > 0 {
		return nil, http.StatusBadRequest, "refund_not_allowed", "only a paid session can be refunded, up to what is left of it"
	}
	ss.refunded, _ = ss.refunded.Add(amount)
	rs := &session{id: sim.RandomHex(16), connectID: newUUID(), kind: "Refund", refundOf: ss.id,
		status: fintecture.StatusPending, transferState: fintecture.TransferPending, amount: amount,
		currency: ss.currency, communication: communication, state: state, redirectURI: ss.redirectURI}
	if rs.state == "" {
		rs.state = ss.state
	}
	rs.endToEndID = rs.id
	s.addSession(rs)
	return map[string]any{
		"meta": map[string]any{"session_id": rs.id, "refunded_session_id": ss.id, "status": "refund_waiting"},
		"data": map[string]any{"attributes": map[string]any{"amount": fintecture.Amount(amount), "currency": ss.currency,
			"communication": communication}},
	}, http.StatusOK, "", ""
}
