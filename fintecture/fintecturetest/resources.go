package fintecturetest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/mail"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paykit-go/paykit/fintecture"
	"github.com/paykit-go/paykit/internal/sim"
	"github.com/paykit-go/paykit/money"
)

// SimProvider is a bank the simulator lists on /res/v1/providers.
type SimProvider struct {
	ID, Name, FullName, Country, BIC string
	PIS, AIS, PSUTypes, AuthModels   []string
}

// Providers are the banks every simulator lists, in this order before any
// sort: two French banks, a German and a Spanish one, with different
// schemes, payer types and authentication models so filters have
// something to tell apart.
var Providers = []SimProvider{
	{ID: "cmcifrpp", Name: "CIC", FullName: "Crédit Industriel et Commercial", Country: "FR", BIC: "CMCIFRPP",
		PIS: []string{"SEPA", "iSCT"}, AIS: []string{"Accounts", "Transactions"}, PSUTypes: []string{"retail", "corporate"}, AuthModels: []string{"redirect"}},
	{ID: "bnpafrpp", Name: "BNP Paribas", FullName: "BNP Paribas", Country: "FR", BIC: "BNPAFRPP",
		PIS: []string{"SEPA"}, AIS: []string{"Accounts"}, PSUTypes: []string{"retail"}, AuthModels: []string{"redirect", "decoupled"}},
	{ID: "deutdeff", Name: "Deutsche Bank", FullName: "Deutsche Bank AG", Country: "DE", BIC: "DEUTDEFF",
		PIS: []string{"SEPA", "iSCT"}, AIS: []string{"Accounts"}, PSUTypes: []string{"corporate"}, AuthModels: []string{"decoupled"}},
	{ID: "caixesbb", Name: "CaixaBank", FullName: "CaixaBank S.A.", Country: "ES", BIC: "CAIXESBB",
		PIS: []string{"SEPA"}, PSUTypes: []string{"retail"}, AuthModels: []string{"redirect"}},
}

// SentLink is a payment link the simulator "sent" for a request to pay.
type SentLink struct {
	SessionID string
	// Email and Phone (with its prefix) are where it went.
	Email, Phone string
	// Language is the x-language of the request.
	Language string
	// URL is the link.
	URL string
}

type settlement struct {
	id       string
	sessions []string
	amount   money.Decimal
	currency string
	date     string
}

// addSession stores a new session, stamped with the time.
func (s *Server) addSession(ss *session) {
	ss.created = s.clock().UTC()
	s.sessions.Put(ss.id, ss)
}

// appIDAuthed checks what the /res/v1 resources check: the app_id header
// names this application (no token needed), and a signature when sent.
func (s *Server) appIDAuthed(h func(w http.ResponseWriter, r *http.Request)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("app_id") != s.appID {
			s.writeError(w, http.StatusUnauthorized, "unauthorized", "Unauthorized", "app_id header missing or unknown")
			return
		}
		if code, msg := s.checkSignature(r, nil); code != "" {
			s.writeError(w, http.StatusUnauthorized, code, "Invalid Signature", msg)
			return
		}
		h(w, r)
	}
}

func providerJSON(p SimProvider) map[string]any {
	return map[string]any{"type": "providers", "id": p.ID, "attributes": map[string]any{
		"provider": p.ID, "name": p.Name, "full_name": p.FullName, "country": p.Country, "bic": p.BIC,
		"pis": p.PIS, "ais": p.AIS, "psu_type": p.PSUTypes, "auth_models": p.AuthModels,
	}}
}

func hasFold(list []string, v string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, v) })
}

func (s *Server) handleProviders(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	list := slices.Clone(Providers)
	list = slices.DeleteFunc(list, func(p SimProvider) bool {
		return (q.Has("filter[country]") && !strings.EqualFold(p.Country, q.Get("filter[country]"))) ||
			(q.Has("filter[pis]") && !hasFold(p.PIS, q.Get("filter[pis]"))) ||
			(q.Has("filter[ais]") && !hasFold(p.AIS, q.Get("filter[ais]"))) ||
			(q.Has("filter[psu_type]") && !hasFold(p.PSUTypes, q.Get("filter[psu_type]"))) ||
			(q.Has("filter[auth_model]") && !hasFold(p.AuthModels, q.Get("filter[auth_model]")))
	})
	for _, field := range []string{"name", "full_name", "country", "provider_id"} {
		dir := strings.ToUpper(q.Get("sort[" + field + "]"))
		if dir == "" {
			continue
		}
		key := func(p SimProvider) string {
			return map[string]string{"name": p.Name, "full_name": p.FullName, "country": p.Country, "provider_id": p.ID}[field]
		}
		slices.SortStableFunc(list, func(a, b SimProvider) int {
			c := strings.Compare(key(a), key(b))
			if dir == "DESC" {
				return -c
			}
			return c
		})
	}
	data := make([]map[string]any, 0, len(list))
	for _, p := range list {
		data = append(data, providerJSON(p))
	}
	sim.WriteJSON(w, http.StatusOK, map[string]any{"meta": map[string]any{"count": len(data)}, "data": data})
}

func (s *Server) handleProvider(w http.ResponseWriter, r *http.Request) {
	for _, p := range Providers {
		if p.ID == r.PathValue("id") {
			sim.WriteJSON(w, http.StatusOK, map[string]any{"data": providerJSON(p)})
			return
		}
	}
	s.writeError(w, http.StatusNotFound, "provider_not_found", "Not Found", "no provider with this id")
}

// pageOf reads page[number] and page[size]; ok is false when they are
// malformed.
func pageOf(q url.Values) (page, size int, ok bool) {
	page, size = 1, 50
	var err error
	if v := q.Get("page[number]"); v != "" {
		if page, err = strconv.Atoi(v); err != nil || page < 1 {
			return 0, 0, false
		}
	}
	if v := q.Get("page[size]"); v != "" {
		if size, err = strconv.Atoi(v); err != nil || size < 1 || size > 100 {
			return 0, 0, false
		}
	}
	return page, size, true
}

// dateRange reads filter[date_from] and filter[date_to] (YYYY-MM-DD).
func dateRange(q url.Values) (from, to string, ok bool) {
	from, to = q.Get("filter[date_from]"), q.Get("filter[date_to]")
	for _, d := range []string{from, to} {
		if d == "" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, d); err != nil {
			return "", "", false
		}
	}
	return from, to, true
}

func inRange(day, from, to string) bool {
	return (from == "" || day >= from) && (to == "" || day <= to)
}

// writePage answers one JSON:API page of items with links and counters.
func (s *Server) writePage(w http.ResponseWriter, r *http.Request, items []map[string]any, page, size int) {
	total := len(items)
	start := min((page-1)*size, total)
	end := min(start+size, total)
	pages := (total + size - 1) / size
	link := func(n int) string {
		q := r.URL.Query()
		q.Set("page[number]", strconv.Itoa(n))
		q.Set("page[size]", strconv.Itoa(size))
		return s.URL + r.URL.Path + "?" + q.Encode()
	}
	links := map[string]any{"self": link(page), "first": link(1), "next": nil}
	if page < pages {
		links["next"] = link(page + 1)
	}
	sim.WriteJSON(w, http.StatusOK, map[string]any{
		"meta":  map[string]any{"total_items": total, "total_pages": pages},
		"data":  items[start:end],
		"links": links,
	})
}

func (s *Server) handleListPayments(w http.ResponseWriter, r *http.Request, _ []byte) {
	q := r.URL.Query()
	page, size, ok := pageOf(q)
	from, to, okDates := dateRange(q)
	if !ok || !okDates {
		s.writeError(w, http.StatusBadRequest, "invalid_parameter", "Invalid parameter", "page[…] or filter[date_…] is malformed")
		return
	}
	s.mu.Lock()
	list := s.sessions.Search(func(ss *session) bool {
		return (!q.Has("filter[status]") || string(ss.status) == q.Get("filter[status]")) &&
			(!q.Has("filter[session_id]") || ss.id == q.Get("filter[session_id]")) &&
			inRange(ss.created.Format(time.DateOnly), from, to)
	})
	items := make([]map[string]any, 0, len(list))
	for _, ss := range list {
		doc := paymentJSON(ss)
		item := doc["data"].(map[string]any)
		item["meta"] = doc["meta"]
		items = append(items, item)
	}
	s.mu.Unlock()
	s.writePage(w, r, items, page, size)
}

type rtpBody struct {
	Meta struct {
		PSUName        string `json:"psu_name"`
		PSUEmail       string `json:"psu_email"`
		PSUPhone       string `json:"psu_phone"`
		PSUPhonePrefix string `json:"psu_phone_prefix"`
		Method         string `json:"method"`
		Expiry         int64  `json:"expiry"`
	} `json:"meta"`
	Data struct {
		Type       string `json:"type"`
		Attributes struct {
			Amount        json.RawMessage `json:"amount"`
			Currency      string          `json:"currency"`
			Communication string          `json:"communication"`
		} `json:"attributes"`
	} `json:"data"`
}

func (s *Server) handleRequestToPay(w http.ResponseWriter, r *http.Request, body []byte) {
	lang := r.Header.Get("x-language")
	if len(lang) != 2 {
		s.writeError(w, http.StatusBadRequest, "invalid_language", "Invalid language", "x-language must be a two-letter code")
		return
	}
	q := r.URL.Query()
	redirect, state := q.Get("redirect_uri"), q.Get("state")
	if redirect != "" {
		if u, err := url.Parse(redirect); err != nil || u.Scheme == "" || u.Host == "" {
			s.writeError(w, http.StatusBadRequest, "invalid_redirect_uri", "Invalid redirect_uri", "redirect_uri must be an absolute URL")
			return
		}
	}
	if len(state) > 512 {
		s.writeError(w, http.StatusBadRequest, "invalid_state", "Invalid state", "state is at most 512 characters")
		return
	}
	var b rtpBody
	if err := json.Unmarshal(body, &b); err != nil {
		s.writeError(w, http.StatusBadRequest, "invalid_body", "Invalid Body", "body is not valid JSON")
		return
	}
	amount, msg := parseAmount(b.Data.Attributes.Amount)
	switch {
	case msg != "":
	case b.Meta.PSUName == "":
		msg = "meta.psu_name is required"
	case b.Meta.PSUEmail == "" && b.Meta.PSUPhone == "" && b.Meta.Method != "link":
		msg = "meta.psu_email or meta.psu_phone is required"
	case len(b.Data.Attributes.Currency) != 3:
		msg = "currency must be an ISO 4217 code"
	case b.Data.Attributes.Communication == "":
		msg = "communication is required"
	}
	if b.Meta.PSUEmail != "" && msg == "" {
		if _, err := mail.ParseAddress(b.Meta.PSUEmail); err != nil {
			msg = "meta.psu_email is not an e-mail address"
		}
	}
	if msg != "" {
		s.writeError(w, http.StatusBadRequest, "invalid_request_to_pay", "Invalid request to pay", msg)
		return
	}
	ss := &session{
		id: sim.RandomHex(16), connectID: newUUID(), state: state, redirectURI: redirect, kind: "RequestToPay",
		status: fintecture.StatusSessionInitiated, amount: amount, currency: b.Data.Attributes.Currency,
		communication: b.Data.Attributes.Communication, psuName: b.Meta.PSUName,
	}
	ss.endToEndID = ss.id
	link := SentLink{SessionID: ss.id, Email: b.Meta.PSUEmail, Phone: b.Meta.PSUPhonePrefix + b.Meta.PSUPhone,
		Language: lang, URL: s.URL + "/v2/" + ss.connectID}
	s.mu.Lock()
	s.addSession(ss)
	s.sentLinks = append(s.sentLinks, link)
	s.mu.Unlock()
	sim.WriteJSON(w, http.StatusOK, map[string]any{"meta": map[string]string{"session_id": ss.id, "url": link.URL}})
}

// SentLinks returns the payment links requests to pay have "sent", oldest
// first. The payer pays one with Pay(link.SessionID, StatusCreated).
func (s *Server) SentLinks() []SentLink {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.sentLinks)
}

// CompleteRefund plays Fintecture executing a refund: the refund session
// (Refund.SessionID) becomes payment_created and, when a webhook URL is
// configured, a signed refund webhook (with refunded_session_id) is
// delivered.
func (s *Server) CompleteRefund(refundSessionID string) error {
	rs, ok := s.sessions.Get(refundSessionID)
	s.mu.Lock()
	if !ok || rs.kind != "Refund" {
		s.mu.Unlock()
		return fmt.Errorf("fintecturetest: CompleteRefund: no refund session %q", refundSessionID)
	}
	if rs.status == fintecture.StatusCreated {
		s.mu.Unlock()
		return fmt.Errorf("fintecturetest: CompleteRefund: refund %s is already done", refundSessionID)
	}
	rs.status, rs.transferState = fintecture.StatusCreated, fintecture.TransferSent
	rs.executionDate = s.clock().UTC().Format(time.DateOnly)
	fields := url.Values{
		"session_id": {rs.id}, "refunded_session_id": {rs.refundOf}, "status": {string(rs.status)},
		"type": {"Refund"}, "transfer_state": {string(rs.transferState)}, "state": {rs.state},
		"amount": {rs.amount.String()}, "currency": {rs.currency},
	}
	s.mu.Unlock()
	if s.webhookURL != "" {
		s.deliver(fields)
	}
	return nil
}

// Settle plays a payout: the paid, not yet settled sessions among
// sessionIDs (every such payment session when none are named) are paid out
// in one settlement, whose id it returns; their payments then show
// has_settlement_completed.
func (s *Server) Settle(sessionIDs ...string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	settleable := func(ss *session) bool {
		return ss.kind != "Refund" && ss.status == fintecture.StatusCreated && ss.settlementID == ""
	}
	for _, id := range sessionIDs {
		if ss, ok := s.sessions.Get(id); !ok || !settleable(ss) {
			return "", fmt.Errorf("fintecturetest: Settle: session %q is not a paid, unsettled payment", id)
		}
	}
	picked := s.sessions.Search(func(ss *session) bool {
		return settleable(ss) && (len(sessionIDs) == 0 || slices.Contains(sessionIDs, ss.id))
	})
	if len(picked) == 0 {
		return "", fmt.Errorf("fintecturetest: Settle: nothing to settle")
	}
	st := &settlement{id: sim.RandomHex(16), currency: picked[0].currency, date: s.clock().UTC().Format(time.DateOnly)}
	for _, ss := range picked {
		left, _ := ss.amount.Sub(ss.refunded)
		st.amount, _ = st.amount.Add(left)
		st.sessions = append(st.sessions, ss.id)
		ss.settlementID = st.id
	}
	s.settlements.Put(st.id, st)
	return st.id, nil
}

func settlementJSON(st *settlement, withPayments bool) map[string]any {
	item := map[string]any{"id": st.id, "type": "settlements", "attributes": map[string]any{
		"amount": fintecture.Amount(st.amount), "currency": st.currency, "status": "settled",
		"execution_date": st.date, "communication": "FINTECTURE SETTLEMENT " + st.id[:8],
	}}
	if withPayments {
		rel := make([]map[string]string, 0, len(st.sessions))
		for _, id := range st.sessions {
			rel = append(rel, map[string]string{"id": id, "type": "payments"})
		}
		item["relationships"] = map[string]any{"payments": map[string]any{"data": rel}}
	}
	return item
}

func (s *Server) handleListSettlements(w http.ResponseWriter, r *http.Request, _ []byte) {
	q := r.URL.Query()
	page, size, ok := pageOf(q)
	from, to, okDates := dateRange(q)
	if !ok || !okDates {
		s.writeError(w, http.StatusBadRequest, "invalid_parameter", "Invalid parameter", "page[…] or filter[date_…] is malformed")
		return
	}
	items := []map[string]any{}
	for _, st := range s.settlements.Search(func(st *settlement) bool { return inRange(st.date, from, to) }) {
		items = append(items, settlementJSON(st, false))
	}
	s.writePage(w, r, items, page, size)
}

func (s *Server) handleGetSettlement(w http.ResponseWriter, r *http.Request, _ []byte) {
	st, ok := s.settlements.Get(r.PathValue("id"))
	if !ok {
		s.writeError(w, http.StatusNotFound, "settlement_not_found", "Not Found", "no settlement with this id")
		return
	}
	sim.WriteJSON(w, http.StatusOK, map[string]any{"data": settlementJSON(st, r.URL.Query().Get("include") == "payments")})
}
