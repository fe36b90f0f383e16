package mercadopagotest

import (
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/paykit-go/paykit/internal/sim"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/money"
)

// The simulator's Point terminals. Each account starts with two devices:
// DevicePDV in PDV mode (it takes payment intents) and DeviceStandalone,
// which refuses them until switched to PDV. An intent waits OPEN on its
// device until the payer pays on the terminal: open TerminalURL(device) in
// a browser (a stand-in for the device's screen: tap or insert a test
// card, or cancel), or call PayOnTerminal / CancelOnTerminal. A payment
// moves the intent OPEN → ON_TERMINAL → PROCESSING → PROCESSED → FINISHED
// (a card payment is made; the holder name picks its outcome as for
// online cards, and a refused card ends the intent in ERROR), each change
// recorded as an event, and a signed point_integration_wh notification is
// sent for the final state (actions state_FINISHED, state_CANCELED,
// state_ERROR) with the intent as its body and data.id=<intent id> in the
// URL. AbandonPaymentIntents plays the device's timeout (ABANDONED).
//
// What the documentation does not say and the simulator chooses: the answer
// to an intent on a device in STANDALONE mode (400, error
// "device_not_in_pdv_mode"), and that only an OPEN intent can be cancelled
// by the API (409 otherwise). A second intent on a device that has one
// queued is 409, as documented.

// Devices every simulator starts with.
const (
	DevicePDV        = "PAX_A910__SMARTPOS1234567890"
	DeviceStandalone = "GERTEC_MP35P__8701012051267123"
)

// TerminalPath is the stand-in device page: GET shows the intent queued on
// the device, POST (form fields action and holder) plays the payer.
const TerminalPath = "/point/terminal/"

// Terminal page actions (the form's action field).
const (
	TerminalTap    = "tap"    // the payer taps a contactless card
	TerminalInsert = "insert" // the payer inserts a chip card
	TerminalCancel = "cancel" // the operator cancels on the device
)

type device struct {
	ID            string `json:"id"`
	PosID         int64  `json:"pos_id"`
	StoreID       string `json:"store_id"`
	ExternalPosID string `json:"external_pos_id"`
	OperatingMode string `json:"operating_mode"`
}

type intent struct {
	ID             string          `json:"id"`
	DeviceID       string          `json:"device_id"`
	Amount         int64           `json:"amount"`
	Description    *string         `json:"description,omitempty"`
	State          string          `json:"state"`
	Payment        *intentPayment  `json:"payment,omitempty"`
	AdditionalInfo json.RawMessage `json:"additional_info"`
}

type intentPayment struct {
	ID               int64  `json:"id,omitempty"`
	Type             string `json:"type,omitempty"`
	Installments     int    `json:"installments,omitempty"`
	InstallmentsCost string `json:"installments_cost,omitempty"`
	State            string `json:"state,omitempty"`
}

type intentEvent struct {
	PaymentIntentID string `json:"payment_intent_id"`
	Status          string `json:"status"`
	CreatedOn       string `json:"created_on"`
	at              time.Time
}

// seedDevicesLocked adds the two default devices on first use.
func (s *Server) seedDevicesLocked() {
	if s.sp.seeded {
		return
	}
	s.sp.seeded = true
	s.sp.devices.Put(DevicePDV, &device{ID: DevicePDV, PosID: 47792476, StoreID: "47792476", ExternalPosID: "SUC0101POS", OperatingMode: string(mercadopago.ModePDV)})
	s.sp.devices.Put(DeviceStandalone, &device{ID: DeviceStandalone, PosID: 47792477, StoreID: "47792476", ExternalPosID: "SUC0102POS", OperatingMode: string(mercadopago.ModeStandalone)})
}

// AddDevice links another Point device to the account in the given mode.
func (s *Server) AddDevice(id string, mode mercadopago.OperatingMode) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seedDevicesLocked()
	s.sp.devices.Put(id, &device{ID: id, PosID: 47792476, StoreID: "47792476", ExternalPosID: "SUC01POS" + strconv.Itoa(s.sp.devices.Len()), OperatingMode: string(mode)})
}

// TerminalURL is the stand-in screen of a device.
func (s *Server) TerminalURL(deviceID string) string { return s.URL + TerminalPath + deviceID }

func pointError(w http.ResponseWriter, status int, code, message string) {
	apiError(w, status, code, message)
}

// listDevices is GET /point/integration-api/devices.
func (s *Server) listDevices(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, offset, ok := paging(w, q.Get("limit"), q.Get("offset"), 50, 50)
	if !ok {
		return
	}
	store, pos := q.Get("store_id"), q.Get("pos_id")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seedDevicesLocked()
	found := s.sp.devices.Search(func(d *device) bool {
		return (store == "" || d.StoreID == store) && (pos == "" || strconv.FormatInt(d.PosID, 10) == pos)
	})
	sim.WriteJSON(w, http.StatusOK, map[string]any{"devices": sim.Page(found, offset, limit),
		"paging": map[string]int{"total": len(found), "limit": limit, "offset": offset}})
}

// changeMode is PATCH /point/integration-api/devices/{id}.
func (s *Server) changeMode(w http.ResponseWriter, r *http.Request) {
	var in struct {
		OperatingMode string `json:"operating_mode"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	if in.OperatingMode != string(mercadopago.ModePDV) && in.OperatingMode != string(mercadopago.ModeStandalone) {
		pointError(w, http.StatusBadRequest, "bad_request", "operating_mode must be PDV or STANDALONE")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seedDevicesLocked()
	d, ok := s.sp.devices.Get(r.PathValue("id"))
	if !ok {
		pointError(w, http.StatusNotFound, "not_found", "device not found")
		return
	}
	d.OperatingMode = in.OperatingMode
	sim.WriteJSON(w, http.StatusOK, map[string]string{"operating_mode": d.OperatingMode})
}

// queuedLocked returns the intent a device holds that is not final.
func (s *Server) queuedLocked(deviceID string) *intent {
	in, _ := s.sp.intents.Find(func(i *intent) bool {
		return i.DeviceID == deviceID && !mercadopago.PaymentIntentState(i.State).Terminal()
	})
	return in
}

// createIntent is POST /point/integration-api/devices/{id}/payment-intents.
func (s *Server) createIntent(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Amount         json.Number     `json:"amount"`
		Description    string          `json:"description"`
		Payment        *intentPayment  `json:"payment"`
		AdditionalInfo json.RawMessage `json:"additional_info"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	amount, err := strconv.ParseInt(string(in.Amount), 10, 64)
	if err != nil || amount <= 0 {
		pointError(w, http.StatusBadRequest, "bad_request", "amount must be a positive integer (cents)")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seedDevicesLocked()
	d, ok := s.sp.devices.Get(r.PathValue("id"))
	switch {
	case !ok:
		pointError(w, http.StatusNotFound, "not_found", "device not found")
		return
	case d.OperatingMode != string(mercadopago.ModePDV):
		pointError(w, http.StatusBadRequest, "device_not_in_pdv_mode", "the device is not in PDV mode") // simulator's choice
		return
	case s.queuedLocked(d.ID) != nil:
		pointError(w, http.StatusConflict, "conflict", "Device has a queued payment intent")
		return
	}
	it := &intent{ID: newRequestID(), DeviceID: d.ID, Amount: amount, State: string(mercadopago.IntentOpen), AdditionalInfo: in.AdditionalInfo}
	if len(it.AdditionalInfo) == 0 {
		it.AdditionalInfo = json.RawMessage("{}")
	}
	if in.Description != "" {
		it.Description = strPtr(in.Description)
	}
	if in.Payment != nil {
		p := *in.Payment
		p.ID, p.State = 0, ""
		it.Payment = &p
	}
	s.sp.intents.Put(it.ID, it)
	s.intentEventLocked(it)
	// The create answer carries no state in the documentation.
	b, _ := json.Marshal(it)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	delete(m, "state")
	sim.WriteJSON(w, http.StatusCreated, m)
}

func (s *Server) intentEventLocked(it *intent) {
	now := s.Clock.Now()
	s.sp.events = append(s.sp.events, intentEvent{PaymentIntentID: it.ID, Status: it.State, CreatedOn: now.UTC().Format(time.RFC3339), at: now})
}

// getIntent is GET /point/integration-api/payment-intents/{id}.
func (s *Server) getIntent(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it, ok := s.sp.intents.Get(r.PathValue("id"))
	if !ok {
		pointError(w, http.StatusNotFound, "not_found", "payment intent not found")
		return
	}
	sim.WriteJSON(w, http.StatusOK, it)
}

// intentStatus is GET /point/integration-api/payment-intents/{id}/events:
// the latest state change.
func (s *Server) intentStatus(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := r.PathValue("id")
	for i := len(s.sp.events) - 1; i >= 0; i-- {
		if e := s.sp.events[i]; e.PaymentIntentID == id {
			sim.WriteJSON(w, http.StatusOK, map[string]string{"status": e.Status, "created_on": e.CreatedOn})
			return
		}
	}
	pointError(w, http.StatusNotFound, "not_found", "payment intent not found")
}

// listEvents is GET /point/integration-api/payment-intents/events?startDate&endDate
// (days, both included).
func (s *Server) listEvents(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	start, err1 := time.Parse(time.DateOnly, q.Get("startDate"))
	end, err2 := time.Parse(time.DateOnly, q.Get("endDate"))
	if err1 != nil || err2 != nil || end.Before(start) {
		pointError(w, http.StatusBadRequest, "bad_request", "startDate and endDate must be days (YYYY-MM-DD), endDate not before startDate")
		return
	}
	end = end.Add(24 * time.Hour)
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []intentEvent{}
	for _, e := range s.sp.events {
		if at := e.at.UTC(); !at.Before(start) && at.Before(end) {
			out = append(out, e)
		}
	}
	sim.WriteJSON(w, http.StatusOK, map[string]any{"events": out})
}

// cancelIntent is DELETE /point/integration-api/devices/{id}/payment-intents/{pid}.
func (s *Server) cancelIntent(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it, ok := s.sp.intents.Get(r.PathValue("pid"))
	if !ok || it.DeviceID != r.PathValue("id") {
		pointError(w, http.StatusNotFound, "not_found", "payment intent not found")
		return
	}
	if it.State != string(mercadopago.IntentOpen) {
		pointError(w, http.StatusConflict, "conflict", "the payment intent is "+it.State+" and can no longer be cancelled") // simulator's choice
		return
	}
	s.finishIntentLocked(it, mercadopago.IntentCanceled)
	sim.WriteJSON(w, http.StatusOK, map[string]string{"id": it.ID})
}

// finishIntentLocked moves an intent to a final state, records the event
// and sends the signed notification.
func (s *Server) finishIntentLocked(it *intent, st mercadopago.PaymentIntentState) {
	it.State = string(st)
	s.intentEventLocked(it)
	s.notifyPoint(it)
}

// notifyPoint queues a signed point_integration_wh notification whose body
// is the intent. Call with s.mu held.
func (s *Server) notifyPoint(it *intent) {
	if s.webhookURL == "" || s.closed {
		return
	}
	body, _ := json.Marshal(struct {
		*intent
		CallerID  int64  `json:"caller_id"`
		ClientID  string `json:"client_id"`
		CreatedAt string `json:"created_at"`
	}{it, simUserID, s.ext().clientID, s.Clock.Now().UTC().Format(time.DateTime)})
	reqID := newRequestID()
	sig := SignNotification(s.WebhookSecret, it.ID, reqID, s.Clock.Now())
	target := s.webhookURL
	if strings.Contains(target, "?") {
		target += "&"
	} else {
		target += "?"
	}
	target += "data.id=" + it.ID + "&type=" + mercadopago.TopicPointIntegration
	s.pending = append(s.pending, Delivery{URL: target, Action: "state_" + it.State, DataID: it.ID, RequestID: reqID, Signature: sig, Body: body})
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// ErrNoIntent: the device has no payment intent waiting for the payer.
var ErrNoIntent = errors.New("mercadopagotest: no payment intent is waiting on the device")

// PayOnTerminal plays the payer at deviceID: the device fetches the OPEN
// intent and the payer pays with a card whose holder name picks the
// outcome (HolderApproved, "" included, approves; HolderRejectedOther and
// the other rejecting names refuse). An approved card makes a payment
// (Payments.Get reads it) and the intent ends FINISHED; a refused one ends
// it in ERROR. It returns the final state.
func (s *Server) PayOnTerminal(deviceID, holder string) (mercadopago.PaymentIntentState, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it := s.queuedLocked(deviceID)
	if it == nil || it.State != string(mercadopago.IntentOpen) {
		return "", ErrNoIntent
	}
	for _, st := range []mercadopago.PaymentIntentState{mercadopago.IntentOnTerminal, mercadopago.IntentProcessing} {
		it.State = string(st)
		s.intentEventLocked(it)
	}
	status, detail := holderOutcome(holder)
	if status == mercadopago.StatusPending {
		status, detail = mercadopago.StatusRejected, mercadopago.DetailRejectedOtherReason // a terminal answers at once
	}
	if status != mercadopago.StatusApproved {
		s.finishIntentLocked(it, mercadopago.IntentError)
		return mercadopago.IntentError, nil
	}
	now := s.Clock.Now()
	s.seq++
	p := &payment{ID: s.seq, DateCreated: mpTime(now), DateLastUpdated: mpTime(now), created: now,
		CurrencyID: "CLP", CollectorID: simUserID, Installments: 1,
		TransactionAmount: money.New(it.Amount, 2), TransactionAmountRefunded: money.New(0, 0),
		Metadata: map[string]any{}, Refunds: []*refund{},
		PaymentMethodID: "master", PaymentTypeID: "credit_card", PointOfInteraction: &poiOut{Type: "POINT", SubType: "INTEGRATION_API"}}
	p.Payer.Type = strPtr(mercadopago.PayerGuest)
	p.PaymentMethod = paymentMethodOut{ID: p.PaymentMethodID, Type: p.PaymentTypeID}
	if it.Payment != nil && it.Payment.Installments > 0 {
		p.Installments = it.Payment.Installments
	}
	p.setStatus(status, detail, now)
	s.payments.Put(p.ID, p)
	s.notify(p, "payment.created")
	pay := intentPayment{}
	if it.Payment != nil {
		pay = *it.Payment
	}
	pay.ID, pay.State = p.ID, p.Status
	if pay.Type == "" {
		pay.Type = "credit_card"
	}
	it.Payment = &pay
	it.State = string(mercadopago.IntentProcessed)
	s.intentEventLocked(it)
	s.finishIntentLocked(it, mercadopago.IntentFinished)
	return mercadopago.IntentFinished, nil
}

// CancelOnTerminal plays the operator cancelling the intent on the device
// (OPEN or ON_TERMINAL): it ends CANCELED, with its notification.
func (s *Server) CancelOnTerminal(deviceID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	it := s.queuedLocked(deviceID)
	if it == nil || (it.State != string(mercadopago.IntentOpen) && it.State != string(mercadopago.IntentOnTerminal)) {
		return ErrNoIntent
	}
	s.finishIntentLocked(it, mercadopago.IntentCanceled)
	return nil
}

// AbandonPaymentIntents plays the devices' timeout: every intent still OPEN
// or ON_TERMINAL ends ABANDONED (no notification: the documentation lists
// none for it). It returns how many were abandoned.
func (s *Server) AbandonPaymentIntents() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, it := range s.sp.intents.Search(func(i *intent) bool {
		return i.State == string(mercadopago.IntentOpen) || i.State == string(mercadopago.IntentOnTerminal)
	}) {
		it.State = string(mercadopago.IntentAbandoned)
		s.intentEventLocked(it)
		n++
	}
	return n
}

// PaymentIntent returns an intent as the client would read it.
func (s *Server) PaymentIntent(id string) (*mercadopago.PaymentIntent, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it, ok := s.sp.intents.Get(id)
	var out mercadopago.PaymentIntent
	if !ok || !reencode(it, &out) {
		return nil, false
	}
	return &out, true
}

// PaymentIntentCount is how many payment intents were created.
func (s *Server) PaymentIntentCount() int { return s.sp.intents.Len() }

// DeviceMode returns a device's operating mode.
func (s *Server) DeviceMode(id string) (mercadopago.OperatingMode, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seedDevicesLocked()
	d, ok := s.sp.devices.Get(id)
	if !ok {
		return "", false
	}
	return mercadopago.OperatingMode(d.OperatingMode), true
}

var terminalPage = template.Must(template.New("terminal").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>Point {{.Device}}</title></head>
<body>
<h1>Point terminal {{.Device}}</h1>
{{if .Intent}}<p id="intent" data-id="{{.Intent}}" data-state="{{.State}}">Charge {{.Amount}}</p>
<form method="post"><input type="hidden" name="action" value="tap">
<label>Card holder <input name="holder" value="APRO"></label>
<button>Tap card</button></form>
<form method="post"><input type="hidden" name="action" value="insert"><input type="hidden" name="holder" value="OTHE">
<button>Insert a card that is refused</button></form>
<form method="post"><input type="hidden" name="action" value="cancel"><button>Cancel</button></form>
{{else}}<p id="idle">No payment waiting. Press the green key after the point of sale sends one.</p>{{end}}
{{if .Result}}<p id="result" data-state="{{.Result}}">{{.Result}}</p>{{end}}
</body></html>`))

// terminalHTTP is the stand-in device screen: GET shows the waiting
// intent, POST plays the payer (tap or insert with a holder name) or the
// operator (cancel).
func (s *Server) terminalHTTP(w http.ResponseWriter, r *http.Request) {
	deviceID := r.PathValue("device")
	s.mu.Lock()
	s.seedDevicesLocked()
	_, known := s.sp.devices.Get(deviceID)
	s.mu.Unlock()
	if !known {
		http.Error(w, "unknown device", http.StatusNotFound)
		return
	}
	var result string
	if r.Method == http.MethodPost {
		if err := r.ParseForm(); err != nil {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		var err error
		switch r.PostForm.Get("action") {
		case TerminalTap, TerminalInsert:
			var st mercadopago.PaymentIntentState
			st, err = s.PayOnTerminal(deviceID, r.PostForm.Get("holder"))
			result = string(st)
		case TerminalCancel:
			if err = s.CancelOnTerminal(deviceID); err == nil {
				result = string(mercadopago.IntentCanceled)
			}
		default:
			err = fmt.Errorf("action must be %s, %s or %s", TerminalTap, TerminalInsert, TerminalCancel)
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
	}
	data := map[string]any{"Device": deviceID, "Result": result}
	s.mu.Lock()
	if it := s.queuedLocked(deviceID); it != nil {
		data["Intent"], data["State"], data["Amount"] = it.ID, it.State, money.New(it.Amount, 2).String()
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = terminalPage.Execute(w, data)
}

// pointRoutes are the Point routes (see routes).
func (s *Server) pointRoutes() []sim.Route {
	api := s.api
	return []sim.Route{
		{Pattern: "GET /point/integration-api/devices", Handler: api(s.listDevices)},
		{Pattern: "PATCH /point/integration-api/devices/{id}", Handler: api(s.changeMode)},
		{Pattern: "POST /point/integration-api/devices/{id}/payment-intents", Handler: api(s.createIntent)},
		{Pattern: "DELETE /point/integration-api/devices/{id}/payment-intents/{pid}", Handler: api(s.cancelIntent)},
		{Pattern: "GET /point/integration-api/payment-intents/events", Handler: api(s.listEvents)},
		{Pattern: "GET /point/integration-api/payment-intents/{id}", Handler: api(s.getIntent)},
		{Pattern: "GET /point/integration-api/payment-intents/{id}/events", Handler: api(s.intentStatus)},
		{Pattern: "GET " + TerminalPath + "{device}", Handler: s.terminalHTTP},
		{Pattern: "POST " + TerminalPath + "{device}", Handler: s.terminalHTTP},
	}
}
