package finrotatest

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paykit-go/paykit/finrota"
	"github.com/paykit-go/paykit/money"
)

// erpRecord is one row of GET /erp/payments, with the fields of Finrota's
// listing guide.
type erpRecord struct {
	ID                     string         `json:"id"`
	TransactionDetailID    string         `json:"transactionDetailId"`
	ReferenceNumber        string         `json:"referenceNumber"`
	ClientReferenceNumber  *string        `json:"clientReferenceNumber"`
	Currency               string         `json:"currencyType"`
	TransactionDate        string         `json:"transactionDate"`
	Installment            int            `json:"installment"`
	LastAmount             money.Decimal  `json:"lastAmount"`
	LastNetAmount          money.Decimal  `json:"lastNetAmount"`
	CommRate               money.Decimal  `json:"commRate"`
	VPOSCommRate           money.Decimal  `json:"vposCommRate"`
	BankPaymentDays        *int           `json:"bankPaymentDays"`
	PaymentSetERPCode      string         `json:"paymentSetErpCode"`
	VPOSERPCode            string         `json:"vPosERPCode"`
	Impersonated           bool           `json:"impersonated"`
	VPOSTransactionDetails map[string]any `json:"vposTransactionDetails"`
}

// erpPayments lists the payments that took money (successful, partly or
// wholly refunded, cancelled), oldest first, filtered by StartDate and
// EndDate (RFC 3339), the reference filters, and paged by page and
// pageSize. lastAmount is what is left after refunds and cancels.
func (s *Server) erpPayments(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.requireAccess(w, r, "Authorization") {
		return
	}
	q := r.URL.Query()
	var from, to time.Time
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"StartDate", &from}, {"EndDate", &to}} {
		if v := q.Get(p.name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				writeError(w, http.StatusBadRequest, "The value '"+v+"' is not valid for "+p.name+".", "VALIDATION")
				return
			}
			*p.dst = t
		}
	}
	page, size := 1, 10
	for _, p := range []struct {
		name string
		dst  *int
		max  int
	}{{"page", &page, 1 << 20}, {"pageSize", &size, 100}} {
		if v := q.Get(p.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > p.max {
				writeError(w, http.StatusBadRequest, p.name+" is out of range", "VALIDATION")
				return
			}
			*p.dst = n
		}
	}
	list := s.txns.Search(func(t *txn) bool {
		return t.status != finrota.StatusFailed && t.status != finrota.StatusPending &&
			(from.IsZero() || !t.created.Before(from)) && (to.IsZero() || !t.created.After(to)) &&
			(!q.Has("clientReferenceCode") || t.clientRef == q.Get("clientReferenceCode")) &&
			(!q.Has("referenceCode") || t.ref == q.Get("referenceCode")) &&
			(!q.Has("transactionId") || t.id == q.Get("transactionId"))
	})
	// Oldest first by the (settable) clock, then by id.
	slices.SortFunc(list, func(a, b *txn) int {
		if c := a.created.Compare(b.created); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	start := min((page-1)*size, len(list))
	end := min(start+size, len(list))
	out := make([]erpRecord, 0, end-start)
	for _, t := range list[start:end] {
		left := remaining(t)
		if t.status == finrota.StatusCancelled {
			left = money.Decimal{}
		}
		rec := erpRecord{ID: "rec-" + t.id, TransactionDetailID: "det-" + t.id, ReferenceNumber: t.ref, Currency: t.currency,
			TransactionDate: t.created.UTC().Format("2006-01-02T15:04:05.0000000"), Installment: t.installment,
			LastAmount: left, LastNetAmount: left, PaymentSetERPCode: "Bireysel",
			VPOSTransactionDetails: map[string]any{"erpTransactionCode": nil}}
		if t.clientRef != "" {
			ref := t.clientRef
			rec.ClientReferenceNumber = &ref
		}
		out = append(out, rec)
	}
	writeOK(w, map[string]any{"data": out, "totalCount": len(list)})
}
