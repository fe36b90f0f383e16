package mercadopagotest

import (
	"fmt"
	"net/http"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/paykit-go/paykit/internal/sim"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/money"
)

// chargeback is a chargeback as GET /v1/chargebacks/{id} sends it: the
// API reference's shape, plus the status the official SDKs' payloads
// carry (the simulator's choice: which shape the live API sends is not
// settled, and the client reads both).
type chargeback struct {
	ID                        string        `json:"id"`
	Status                    string        `json:"status"`
	Payments                  []int64       `json:"payments"`
	Currency                  string        `json:"currency"`
	Amount                    money.Decimal `json:"amount"`
	CoverageApplied           bool          `json:"coverage_applied"`
	CoverageElegible          bool          `json:"coverage_elegible"`
	DocumentationRequired     bool          `json:"documentation_required"`
	DocumentationStatus       string        `json:"documentation_status"`
	Documentation             []any         `json:"documentation"`
	DateDocumentationDeadline string        `json:"date_documentation_deadline"`
	DateCreated               string        `json:"date_created"`
	DateLastUpdated           string        `json:"date_last_updated"`
	LiveMode                  bool          `json:"live_mode"`
}

// Chargeback plays a payer disputing an approved payment with their card
// issuer: the payment becomes charged_back and a chargeback waits for the
// seller's documentation (deadline ten days on: the simulator's choice).
// It returns the chargeback id for Chargebacks.Get.
func (s *Server) Chargeback(paymentID int64) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.payments.Get(paymentID)
	if !ok {
		return "", fmt.Errorf("mercadopagotest: unknown payment %d", paymentID)
	}
	if p.Status != string(mercadopago.StatusApproved) {
		return "", fmt.Errorf("mercadopagotest: payment %d is %s; only approved payments are charged back", paymentID, p.Status)
	}
	now := s.Clock.Now()
	s.seq++
	cb := &chargeback{ID: fmt.Sprintf("2170000%011d", s.seq), Status: "new", Payments: []int64{p.ID}, Currency: p.CurrencyID, Amount: p.TransactionAmount,
		CoverageElegible: true, DocumentationRequired: true, DocumentationStatus: string(mercadopago.DocumentationPending),
		Documentation: []any{}, DateDocumentationDeadline: mpTime(now.Add(10 * 24 * time.Hour)),
		DateCreated: mpTime(now), DateLastUpdated: mpTime(now)}
	s.ext().chargeback.Put(cb.ID, cb)
	p.setStatus(mercadopago.StatusChargedBack, "reimbursed", now) // detail: the simulator's choice
	s.notify(p, "payment.updated")
	return cb.ID, nil
}

func (s *Server) getChargeback(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cb, ok := s.ext().chargeback.Get(r.PathValue("id"))
	if !ok {
		apiError(w, http.StatusNotFound, "not_found", "chargeback not found")
		return
	}
	sim.WriteJSON(w, http.StatusOK, cb)
}

// uploadChargebackDocumentation answers POST
// /v1/chargebacks/{id}/documentation as the guides describe it: a
// multipart form of "files[]" parts, .jpg, .png or .pdf, at most 10 MB
// together; 200 with no body (the simulator's choice: the guides document
// only the status, so the simulator sends the chargeback as it now
// stands), and the chargeback lists the files and waits for review
// (documentation_status review_pending).
func (s *Server) uploadChargebackDocumentation(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 11_000_000)
	if err := r.ParseMultipartForm(11_000_000); err != nil {
		apiError(w, http.StatusBadRequest, "bad_request", "the body must be a multipart form of files[]")
		return
	}
	files := r.MultipartForm.File["files[]"]
	if len(files) == 0 {
		apiError(w, http.StatusBadRequest, "bad_request", "files[] is required")
		return
	}
	total := int64(0)
	for _, f := range files {
		total += f.Size
		switch strings.ToLower(path.Ext(f.Filename)) {
		case ".jpg", ".jpeg", ".png", ".pdf":
		default:
			apiError(w, http.StatusBadRequest, "bad_request", "files must be .jpg, .png or .pdf")
			return
		}
	}
	if total > 10_000_000 {
		apiError(w, http.StatusBadRequest, "bad_request", "files must not exceed 10mb overall")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cb, ok := s.ext().chargeback.Get(r.PathValue("id"))
	if !ok {
		apiError(w, http.StatusNotFound, "not_found", "chargeback not found")
		return
	}
	for _, f := range files {
		cb.Documentation = append(cb.Documentation, map[string]string{"type": f.Header.Get("Content-Type"),
			"url": s.URL + "/v1/chargebacks/documentation/other/" + sim.RandomHex(16), "description": "File: " + f.Filename})
	}
	cb.DocumentationStatus = string(mercadopago.DocumentationReviewPending)
	cb.DateLastUpdated = mpTime(s.Clock.Now())
	sim.WriteJSON(w, http.StatusOK, cb)
}

// searchChargebacks answers GET /v1/chargebacks/search with the filters
// the official SDKs send (payment_id, status), oldest first.
func (s *Server) searchChargebacks(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	pay, st := q.Get("payment_id"), q.Get("status")
	searchAs(s, w, r, &s.ext().chargeback, 30, 100, func(cb *chargeback) bool {
		return (st == "" || cb.Status == st) && (pay == "" || slices.ContainsFunc(cb.Payments, func(id int64) bool { return strconv.FormatInt(id, 10) == pay }))
	}, func(found []*chargeback, limit, offset int) any {
		sort.SliceStable(found, func(i, j int) bool { return found[i].ID < found[j].ID })
		return results(found, limit, offset)
	})
}
