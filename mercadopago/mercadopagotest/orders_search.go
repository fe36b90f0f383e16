package mercadopagotest

import (
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/paykit-go/paykit/internal/sim"
	"github.com/paykit-go/paykit/mercadopago"
)

// searchOrders answers GET /v1/orders: begin_date and end_date (RFC 3339,
// at most 720 hours apart) are required, page counts from 1, page_size is
// at most 100 (20 by default), newest first unless sort_order=asc. The
// paging numbers are sent as strings, as the official SDKs' types read
// them.
func (s *Server) searchOrders(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	begin, err1 := time.Parse(time.RFC3339, q.Get("begin_date"))
	end, err2 := time.Parse(time.RFC3339, q.Get("end_date"))
	switch {
	case q.Get("begin_date") == "" || q.Get("end_date") == "":
		orderError(w, 400, "missing_required_params", "begin_date and end_date are required")
		return
	case err1 != nil || err2 != nil || end.Before(begin) || end.Sub(begin) > 720*time.Hour:
		orderError(w, 400, "invalid_parameter", "begin_date and end_date must be RFC 3339 dates at most 720 hours apart")
		return
	}
	page, size := 1, 20
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			orderError(w, 400, "invalid_parameter", "page must be at least 1")
			return
		}
		page = n
	}
	if v := q.Get("page_size"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			orderError(w, 400, "invalid_parameter", "page_size must be between 1 and 100")
			return
		}
		size = n
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	collector := strconv.FormatInt(s.collectorFor(r), 10)
	ref, typ, st, detail := q.Get("external_reference"), q.Get("type"), q.Get("status"), q.Get("status_detail")
	pmID, pmType := q.Get("payment_method_id"), q.Get("payment_method_type")
	found := s.ext().orders.Search(func(o *order) bool {
		s.expireLocked(o)
		created, err := time.Parse("2006-01-02T15:04:05.000Z", o.CreatedDate)
		if err != nil || created.Before(begin) || created.After(end) || o.UserID != collector {
			return false
		}
		if (ref != "" && o.ExternalReference != ref) || (typ != "" && o.Type != typ) || (st != "" && o.Status != st) ||
			(detail != "" && o.StatusDetail != detail) {
			return false
		}
		if pmID == "" && pmType == "" {
			return true
		}
		for _, p := range o.Transactions.Payments {
			if (pmID == "" || p.PaymentMethod.ID == pmID) && (pmType == "" || p.PaymentMethod.Type == pmType) {
				return true
			}
		}
		return false
	})
	asc := q.Get("sort_order") == "asc"
	byUpdate := q.Get("sort_by") == "last_updated_date"
	sort.SliceStable(found, func(i, j int) bool {
		a, b := found[i].CreatedDate, found[j].CreatedDate
		if byUpdate {
			a, b = found[i].LastUpdatedDate, found[j].LastUpdatedDate
		}
		if asc {
			return a < b
		}
		return a > b
	})
	pages := (len(found) + size - 1) / size
	sim.WriteJSON(w, http.StatusOK, map[string]any{
		"data": sim.Page(found, (page-1)*size, size),
		"paging": map[string]string{"total": strconv.Itoa(len(found)), "total_pages": strconv.Itoa(pages),
			"offset": strconv.Itoa((page - 1) * size), "limit": strconv.Itoa(size)},
	})
}

// editableLocked answers the Orders API's refusal and reports false when
// o's transactions can no longer change: anything but a created order
// (code and status are the simulator's choice: the reference lists the
// case without one code).
func editableLocked(w http.ResponseWriter, o *order) bool {
	if o.Status != string(mercadopago.OrderCreated) {
		orderError(w, http.StatusConflict, "invalid_order_status", "cannot change the transactions of an order in status "+o.Status)
		return false
	}
	return true
}

// addOrderTransactions answers POST /v1/orders/{id}/transactions: only an
// order created with processing_mode manual and not processed yet takes
// payments; the answer is the added payments.
func (s *Server) addOrderTransactions(w http.ResponseWriter, r *http.Request) {
	if !requireKey(w, r) {
		return
	}
	var in struct {
		Payments []struct {
			Amount        string         `json:"amount"`
			PaymentMethod orderPayMethod `json:"payment_method"`
		} `json:"payments"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	if len(in.Payments) == 0 {
		orderError(w, 400, "minimum_items", "minimum 1 items required, but found 0")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.lookupOrder(w, r)
	if o == nil {
		return
	}
	if o.ProcessingMode != "manual" {
		orderError(w, http.StatusConflict, "invalid_processing_mode", "transactions can be added only to orders with processing_mode manual") // simulator's code
		return
	}
	if !editableLocked(w, o) {
		return
	}
	if len(o.Transactions.Payments)+len(in.Payments) > 1 {
		orderError(w, 400, "maximum_items", "maximum 1 items required, but found "+strconv.Itoa(len(o.Transactions.Payments)+len(in.Payments)))
		return
	}
	now := s.Clock.Now()
	var added []*orderPayment
	for i, p := range in.Payments {
		op, code, msg := s.newOrderPayment(o, "payments["+strconv.Itoa(i)+"]", p.Amount, p.PaymentMethod, now)
		if op == nil {
			orderError(w, 400, code, msg)
			return
		}
		added = append(added, op)
	}
	for _, op := range added {
		if op.token != nil {
			op.token.used = true
		}
	}
	o.Transactions.Payments = append(o.Transactions.Payments, added...)
	o.LastUpdatedDate = isoTime(now)
	sim.WriteJSON(w, http.StatusCreated, map[string]any{"payments": added})
}

// findPayment is the payment transaction tid of o, or nil.
func findPayment(o *order, tid string) (int, *orderPayment) {
	for i, p := range o.Transactions.Payments {
		if p.ID == tid {
			return i, p
		}
	}
	return -1, nil
}

// updateOrderTransaction answers PUT /v1/orders/{id}/transactions/{tid}:
// a created order's payment takes a new method (a fresh card token) and,
// optionally, a new amount; the answer is the payment.
func (s *Server) updateOrderTransaction(w http.ResponseWriter, r *http.Request) {
	if !requireKey(w, r) {
		return
	}
	var in struct {
		Amount        string          `json:"amount"`
		PaymentMethod *orderPayMethod `json:"payment_method"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	if in.PaymentMethod == nil {
		orderError(w, 400, "required_properties", "required property 'payment_method' is missing")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.lookupOrder(w, r)
	if o == nil || !editableLocked(w, o) {
		return
	}
	i, old := findPayment(o, r.PathValue("tid"))
	if old == nil {
		orderError(w, http.StatusNotFound, "transaction_not_found", "transaction not found")
		return
	}
	amount := in.Amount
	if amount == "" {
		amount = old.Amount
	}
	now := s.Clock.Now()
	op, code, msg := s.newOrderPayment(o, "payment", amount, *in.PaymentMethod, now)
	if op == nil {
		orderError(w, 400, code, msg)
		return
	}
	if op.token != nil {
		op.token.used = true
	}
	op.ID = old.ID
	o.Transactions.Payments[i] = op
	if sum := op.amount; in.Amount != "" && len(o.Transactions.Payments) == 1 {
		o.total, o.TotalAmount = sum, sum.String() // the order's total follows its one payment (the simulator's choice)
	}
	o.LastUpdatedDate = isoTime(now)
	sim.WriteJSON(w, http.StatusOK, op)
}

// deleteOrderTransaction answers DELETE /v1/orders/{id}/transactions/{tid}
// with 204 and no body.
func (s *Server) deleteOrderTransaction(w http.ResponseWriter, r *http.Request) {
	if !requireKey(w, r) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.lookupOrder(w, r)
	if o == nil || !editableLocked(w, o) {
		return
	}
	i, p := findPayment(o, r.PathValue("tid"))
	if p == nil {
		orderError(w, http.StatusNotFound, "transaction_not_found", "transaction not found")
		return
	}
	o.Transactions.Payments = append(o.Transactions.Payments[:i], o.Transactions.Payments[i+1:]...)
	o.LastUpdatedDate = isoTime(s.Clock.Now())
	w.WriteHeader(http.StatusNoContent)
}
