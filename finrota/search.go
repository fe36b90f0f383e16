package finrota

import (
	"context"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/transport"
	"github.com/paykit-go/paykit/money"
)

// PaymentsListPath is where Finrota lists payment transactions
// (https://dev.finrota.com/en/docs/erp/services/listing-payment-transactions).
// [unsure] The guide documents it among the ERP services; whether your
// gateway serves it next to the b2c and pws calls is not stated. Change it
// with WithPaymentsListPath if yours differs.
const PaymentsListPath = "/erp/payments"

// DefaultSearchPageSize is the pageSize Search sends when none is set, and
// MaxSearchPageSize the largest it accepts. [unsure] Finrota's own limit is
// not documented.
const (
	DefaultSearchPageSize = 50
	MaxSearchPageSize     = 100
)

// TransactionSearch filters the payment transaction list (GET
// /erp/payments). Every field is optional; combine them freely. Finrota
// documents no status filter: keep the records you want with the fields of
// PaymentRecord.
type TransactionSearch struct {
	// From and To bound the payment date (StartDate, EndDate), sent as
	// RFC 3339 times. [unsure] The guide says date-time without a format.
	From, To time.Time
	// ClientReferenceCode is your order reference, ReferenceCode Finrota's
	// reference and TransactionID its transaction id.
	ClientReferenceCode, ReferenceCode, TransactionID string
	// UserCode is the user who took the payment; VendorERPCode the POS
	// provider's ERP code.
	UserCode, VendorERPCode string
	// NonIntegrated, when set, keeps the records not yet (true) or already
	// (false) transferred to your ERP.
	NonIntegrated *bool
	// Page is the first page (from 1; 0 means 1) and PageSize the records
	// per page (0 means DefaultSearchPageSize).
	Page, PageSize int
}

// PaymentRecord is one payment transaction of the list, with the fields the
// guide's sample shows. Amounts are exact; numbers sent as strings read
// too.
type PaymentRecord struct {
	// ID is the record's id; TransactionDetailID the transaction detail's.
	ID                  string `json:"id"`
	TransactionDetailID string `json:"transactionDetailId"`
	// ReferenceNumber is Finrota's reference (the referenceCode of cancel
	// and refund); ClientReferenceNumber your order reference.
	ReferenceNumber       string `json:"referenceNumber"`
	ClientReferenceNumber string `json:"clientReferenceNumber"`
	// Currency is the ISO code, e.g. "TRY".
	Currency string `json:"currencyType"`
	// TransactionDate is the payment time as sent, without a zone
	// ("2025-09-11T14:37:39.3580599"); see Date.
	TransactionDate string `json:"transactionDate"`
	// Installment is the number of installments (1 = single payment).
	Installment int `json:"installment"`
	// LastAmount is the amount after refunds and cancels; LastNetAmount the
	// same after commission.
	LastAmount    money.Decimal `json:"lastAmount"`
	LastNetAmount money.Decimal `json:"lastNetAmount"`
	// CommissionRate and VPOSCommissionRate are the rates applied (commRate,
	// vposCommRate), in percent.
	CommissionRate     money.Decimal `json:"commRate"`
	VPOSCommissionRate money.Decimal `json:"vposCommRate"`
	// BankPaymentDays is the days until the bank pays out, when given.
	BankPaymentDays *int `json:"bankPaymentDays"`
	// PaymentSetERPCode, VPOSERPCode and RePayPlanCode are ERP codes of the
	// payment set, the virtual POS and the repayment plan.
	PaymentSetERPCode string `json:"paymentSetErpCode"`
	VPOSERPCode       string `json:"vPosERPCode"`
	RePayPlanCode     string `json:"rePayPlanCode"`
	// TenantID, TenantPOSID and PaidTenantID identify the merchant, its POS
	// and the tenant paid, when different.
	TenantID     string `json:"tenantId"`
	TenantPOSID  string `json:"tenantPosId"`
	PaidTenantID string `json:"paidTenantId"`
	// Impersonated reports a payment taken on behalf of someone.
	Impersonated bool `json:"impersonated"`
	// Agent is who took the payment, when given.
	Agent *PaymentAgent `json:"agent"`
	// VPOSTransactionDetails holds the ERP transfer state.
	VPOSTransactionDetails *VPOSTransactionDetails `json:"vposTransactionDetails"`
	// Unparsed lists the JSON paths of fields that could not be read (a
	// drifted type); they are left zero.
	Unparsed []string `json:"-"`
}

// PaymentAgent is the user who took a payment.
type PaymentAgent struct {
	AgentID       string `json:"agentId"`
	Name          string `json:"name"`
	Email         string `json:"email"`
	AgentCode     string `json:"agentCode"`
	ERPCode       string `json:"erpCode"`
	WorkplaceCode string `json:"workplaceCode"`
}

// VPOSTransactionDetails is the virtual-POS part of a record.
type VPOSTransactionDetails struct {
	// ERPTransactionCode is set once the payment was transferred to the
	// ERP.
	ERPTransactionCode string `json:"erpTransactionCode"`
}

// Integrated reports whether the payment was transferred to the ERP (the
// guide: vposTransactionDetails.erpTransactionCode is populated).
func (p *PaymentRecord) Integrated() bool {
	return p.VPOSTransactionDetails != nil && p.VPOSTransactionDetails.ERPTransactionCode != ""
}

// transactionDateLayout reads the zone-less times of the list.
const transactionDateLayout = "2006-01-02T15:04:05.9999999"

// Date parses TransactionDate in loc (Finrota writes it without a zone;
// Turkey's Europe/Istanbul is the likely one [unsure]). An RFC 3339 value
// keeps its own offset.
func (p *PaymentRecord) Date(loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	if t, err := time.Parse(time.RFC3339Nano, p.TransactionDate); err == nil {
		return t, nil
	}
	return time.ParseInLocation(transactionDateLayout, p.TransactionDate, loc)
}

// PaymentRecordPage is one page of the list.
type PaymentRecordPage struct {
	// Records are this page's records.
	Records []PaymentRecord
	// Page is this page's number; HasNext says whether another may follow.
	Page    int
	HasNext bool
	// Meta describes the HTTP exchange.
	paykit.Meta `json:"-"`
	// Unparsed lists the JSON paths of fields that could not be read.
	Unparsed []string `json:"-"`
}

// wireRecordPage is the answer: the records in data. [unsure] The guide's
// sample is cut before any paging counters; totalCount and totalPages are
// read when present, else a short page ends the list.
type wireRecordPage struct {
	Data       []PaymentRecord `json:"data"`
	TotalCount int             `json:"totalCount"`
	TotalPages int             `json:"totalPages"`
	Unparsed   []string        `json:"-"`
}

func (q *TransactionSearch) values() (url.Values, int, int, error) {
	var c TransactionSearch
	if q != nil {
		c = *q
	}
	if !c.From.IsZero() && !c.To.IsZero() && c.To.Before(c.From) {
		return nil, 0, 0, invalid("EndDate", "must not be before StartDate")
	}
	if c.Page < 0 {
		return nil, 0, 0, invalid("page", "must not be negative")
	}
	if c.PageSize < 0 || c.PageSize > MaxSearchPageSize {
		return nil, 0, 0, invalid("pageSize", "must be between 0 (default) and "+strconv.Itoa(MaxSearchPageSize))
	}
	v := url.Values{}
	for name, val := range map[string]string{"clientReferenceCode": c.ClientReferenceCode, "referenceCode": c.ReferenceCode,
		"transactionId": c.TransactionID, "userCode": c.UserCode, "vendorErpCode": c.VendorERPCode} {
		if val == "" {
			continue
		}
		if strings.TrimSpace(val) != val || transport.HasControl(val) || len(val) > 128 {
			return nil, 0, 0, invalid(name, "must be at most 128 characters, without surrounding spaces or control characters")
		}
		v.Set(name, val)
	}
	if !c.From.IsZero() {
		v.Set("StartDate", c.From.Format(time.RFC3339))
	}
	if !c.To.IsZero() {
		v.Set("EndDate", c.To.Format(time.RFC3339))
	}
	if c.NonIntegrated != nil {
		v.Set("NonIntegrated", strconv.FormatBool(*c.NonIntegrated))
	}
	page, size := c.Page, c.PageSize
	if page == 0 {
		page = 1
	}
	if size == 0 {
		size = DefaultSearchPageSize
	}
	v.Set("page", strconv.Itoa(page))
	v.Set("pageSize", strconv.Itoa(size))
	return v, page, size, nil
}

// SearchPage fetches one page of payment transactions (GET /erp/payments
// with the access token). It only reads and may be retried.
func (s *TransactionsService) SearchPage(ctx context.Context, q *TransactionSearch, opts ...paykit.RequestOption) (*PaymentRecordPage, error) {
	v, page, size, err := q.values()
	if err != nil {
		return nil, err
	}
	return transport.CallWire(ctx, s.c.tc, &transport.Request{Op: transport.Op{Name: "finrota.Transactions.SearchPage", Route: s.c.listPath}, Method: http.MethodGet, Path: s.c.listPath, Query: v}, opts,
		func(w *wireRecordPage, _ *transport.Response) (*PaymentRecordPage, error) {
			return w.page(page, size), nil
		})
}

// page is the answer to a request for page number page of size records.
func (w *wireRecordPage) page(page, size int) *PaymentRecordPage {
	out := &PaymentRecordPage{Records: w.Data, Page: page, Unparsed: w.Unparsed}
	if out.Records == nil {
		out.Records = []PaymentRecord{}
	}
	switch {
	case len(w.Data) == 0:
	case w.TotalPages > 0:
		out.HasNext = page < w.TotalPages
	case w.TotalCount > 0:
		out.HasNext = page*size < w.TotalCount
	default:
		out.HasNext = len(w.Data) >= size
	}
	return out
}

// Search walks the payment transactions page by page from q.Page on,
// yielding each record; it stops at the first error (yielded once) or when
// you stop ranging. q is copied, never changed.
func (s *TransactionsService) Search(ctx context.Context, q *TransactionSearch, opts ...paykit.RequestOption) iter.Seq2[*PaymentRecord, error] {
	var start TransactionSearch
	if q != nil {
		start = *q
	}
	_, _, _, verr := start.values()
	return transport.Pages(ctx, start.Page, verr, func(page int) ([]PaymentRecord, bool, error) {
		cur := start
		cur.Page = page
		p, err := s.SearchPage(ctx, &cur, opts...)
		if err != nil {
			return nil, false, err
		}
		return p.Records, p.HasNext, nil
	})
}
