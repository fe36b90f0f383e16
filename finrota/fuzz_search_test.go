package finrota

import (
	"encoding/json"
	"testing"
	"time"
)

// FuzzPaymentRecords feeds arbitrary answers to the transaction list's
// decoder and arbitrary dates to PaymentRecord.Date: nothing may panic.
func FuzzPaymentRecords(f *testing.F) {
	for _, name := range []string{"erp_payments_page1.json", "erp_payments_page2.json", "erp_payments_drifted.json"} {
		f.Add([]byte(fixture(f, name)), "2025-09-11T14:37:39.3580599")
	}
	f.Add([]byte(`{"data":[{"agent":[],"vposTransactionDetails":"x"}]}`), "2025-13-45T99:99:99")
	f.Add([]byte(`null`), "2025-09-11T14:37:39+03:00")
	f.Fuzz(func(t *testing.T, body []byte, date string) {
		var w wireRecordPage
		if json.Unmarshal(body, &w) == nil {
			for i := range w.Data {
				_ = w.Data[i].Integrated()
				_, _ = w.Data[i].Date(time.UTC)
			}
		}
		r := PaymentRecord{TransactionDate: date}
		a, errA := r.Date(nil)
		b, errB := r.Date(time.UTC)
		if (errA == nil) != (errB == nil) || (errA == nil && !a.Equal(b)) {
			t.Fatalf("%q: a nil location is not UTC (%v %v, %v %v)", date, a, errA, b, errB)
		}
	})
}
