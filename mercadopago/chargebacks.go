package mercadopago

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/transport"
	"github.com/paykit-go/paykit/money"
)

// DocumentationStatus is where a chargeback's documentation stands.
// Unknown values decode as they are.
type DocumentationStatus string

// Documentation statuses.
const (
	DocumentationPending       DocumentationStatus = "pending"        // nothing received yet
	DocumentationReviewPending DocumentationStatus = "review_pending" // received, being decided
	DocumentationValid         DocumentationStatus = "valid"
	DocumentationInvalid       DocumentationStatus = "invalid"
	DocumentationNotSupplied   DocumentationStatus = "not_supplied"   // not sent in time
	DocumentationNotApplicable DocumentationStatus = "not_applicable" // none was needed
)

// ChargebackStatus is where a dispute stands, in the shape the official
// SDKs' test payloads carry ("new", "in_review", "won", "lost" are the
// values their comments name: inferred, the API reference does not list
// a status field). Unknown values decode as they are.
type ChargebackStatus string

// Chargeback is a dispute a payer opened with their card issuer.
//
// Two answer shapes are seen, and both are read into this one type: the
// API reference documents payments (a list of payment ids), currency,
// coverage and documentation fields; the official SDKs' own test payloads
// carry payment_id, currency_id, status, reason_id, reason and
// last_modified. PaymentIDs and CurrencyCode give the value whichever
// shape it came in. A member of the answer that neither shape names is
// not dropped: its name is appended to Unparsed.
// See https://www.mercadopago.com/developers/en/reference/chargebacks/_chargebacks_id/get
type Chargeback struct {
	ID string `json:"id"`
	// Payments and Currency: the API reference's shape.
	Payments []int64 `json:"payments"`
	Currency string  `json:"currency"`
	// PaymentID, CurrencyID, Status, ReasonID, Reason and LastModified: the
	// official SDKs' shape.
	PaymentID    int64            `json:"payment_id"`
	CurrencyID   string           `json:"currency_id"`
	Status       ChargebackStatus `json:"status"`
	ReasonID     string           `json:"reason_id"`
	Reason       string           `json:"reason"`
	LastModified time.Time        `json:"last_modified"`

	Amount money.Decimal `json:"amount"`
	// CoverageApplied: Mercado Pago covered the seller.
	CoverageApplied bool `json:"coverage_applied"`
	// CoverageEligible: the case meets the conditions to be covered (the
	// API spells the field "coverage_elegible").
	CoverageEligible          bool                 `json:"coverage_elegible"`
	DocumentationRequired     bool                 `json:"documentation_required"`
	DocumentationStatus       DocumentationStatus  `json:"documentation_status"`
	Documentation             []ChargebackDocument `json:"documentation"`
	DateDocumentationDeadline time.Time            `json:"date_documentation_deadline"`
	DateCreated               time.Time            `json:"date_created"`
	DateLastUpdated           time.Time            `json:"date_last_updated"`
	LiveMode                  bool                 `json:"live_mode"`

	// Meta tells how the call went.
	paykit.Meta `json:"-"`
	// Unparsed names the fields that arrived in a shape that could not be
	// read, and the members neither known shape has.
	Unparsed []string `json:"-"`
}

// PaymentIDs returns the disputed payments, from Payments or PaymentID
// (each id once).
func (cb *Chargeback) PaymentIDs() []int64 {
	out := append([]int64(nil), cb.Payments...)
	if cb.PaymentID != 0 && !slices.Contains(out, cb.PaymentID) {
		out = append(out, cb.PaymentID)
	}
	return out
}

// CurrencyCode returns the currency, from Currency or CurrencyID.
func (cb *Chargeback) CurrencyCode() string {
	if cb.Currency != "" {
		return cb.Currency
	}
	return cb.CurrencyID
}

// ChargebackDocument is one file the seller sent for a chargeback. URL is
// kept without any access_token query parameter the API may put in it;
// fetch it with your own credentials.
type ChargebackDocument struct {
	Type        string `json:"type"`
	URL         string `json:"url"`
	Description string `json:"description"`
}

// ChargebacksService is c.Chargebacks.
type ChargebacksService struct{ c *Client }

// Get reads a chargeback (GET /v1/chargebacks/{id}); the id comes in the
// chargebacks notification.
// See https://www.mercadopago.com/developers/en/reference/chargebacks/_chargebacks_id/get
func (s *ChargebacksService) Get(ctx context.Context, id string, opts ...paykit.RequestOption) (*Chargeback, error) {
	if err := checkID("id", id); err != nil {
		return nil, err
	}
	r := &transport.Request{Op: transport.Op{Name: "mercadopago.Chargebacks.Get", Route: "/v1/chargebacks/{id}"}, Method: http.MethodGet, Path: transport.Path("v1", "chargebacks", id)}
	return transport.CallWire(ctx, s.c.t, r, opts, func(cb *Chargeback, resp *transport.Response) (*Chargeback, error) {
		var raw map[string]json.RawMessage
		if json.Unmarshal(resp.Body, &raw) == nil {
			cb.Unparsed = append(cb.Unparsed, unknownMembers(raw, chargebackMembers)...)
		}
		cb.cleanURLs()
		return cb, nil
	})
}

// ChargebackSearch filters GET /v1/chargebacks/search (the filters the
// official SDKs send: payment_id and status; limit and offset page).
// See https://www.mercadopago.com/developers/en/reference/chargebacks/_chargebacks_search/get
type ChargebackSearch struct {
	PaymentID int64            `url:"payment_id,omitempty"`
	Status    ChargebackStatus `url:"status,omitempty"`
	Limit     int              `url:"limit,omitempty"`
	Offset    int              `url:"offset,omitempty"`
}

// ChargebackPage is one page of a chargeback search.
type ChargebackPage struct {
	Paging  Paging       `json:"paging"`
	Results []Chargeback `json:"results"`

	// Meta tells how the call went.
	paykit.Meta `json:"-"`
	// Unparsed names the fields that arrived in a shape that could not be read.
	Unparsed []string `json:"-"`
}

// SearchPage fetches one page of a chargeback search. Each result's
// members that neither known shape has are named in its Unparsed.
// See https://www.mercadopago.com/developers/en/reference/chargebacks/_chargebacks_search/get
func (s *ChargebacksService) SearchPage(ctx context.Context, q *ChargebackSearch, opts ...paykit.RequestOption) (*ChargebackPage, error) {
	if q == nil {
		q = &ChargebackSearch{}
	}
	if q.Limit < 0 || q.Offset < 0 || q.PaymentID < 0 {
		return nil, invalid("limit", "limit, offset and payment_id must not be negative")
	}
	r := &transport.Request{Op: transport.Op{Name: "mercadopago.Chargebacks.SearchPage", Route: "/v1/chargebacks/search"}, Method: http.MethodGet, Path: "/v1/chargebacks/search", Query: q}
	return transport.CallWire(ctx, s.c.t, r, opts, func(p *ChargebackPage, resp *transport.Response) (*ChargebackPage, error) {
		var raw struct {
			Results []map[string]json.RawMessage `json:"results"`
		}
		if json.Unmarshal(resp.Body, &raw) == nil && len(raw.Results) == len(p.Results) {
			for i := range p.Results {
				p.Results[i].Unparsed = append(p.Results[i].Unparsed, unknownMembers(raw.Results[i], chargebackMembers)...)
			}
		}
		for i := range p.Results {
			p.Results[i].cleanURLs()
		}
		return p, nil
	})
}

// Search walks every chargeback matching q, paging on its own.
func (s *ChargebacksService) Search(ctx context.Context, q *ChargebackSearch, opts ...paykit.RequestOption) iter.Seq2[*Chargeback, error] {
	return search[Chargeback](ctx, q, s.SearchPage, opts)
}

func (q *ChargebackSearch) paging() (*int, *int) { return &q.Limit, &q.Offset }

func (p *ChargebackPage) items(int, int) ([]Chargeback, Paging) { return p.Results, p.Paging }

var _ page[Chargeback] = (*ChargebackPage)(nil)

// cleanURLs drops any access token the API echoed in a document URL.
func (cb *Chargeback) cleanURLs() {
	for i := range cb.Documentation {
		cb.Documentation[i].URL = stripAccessToken(cb.Documentation[i].URL)
	}
}

// chargebackMembers are the JSON members Chargeback reads.
var chargebackMembers = jsonMembers(reflect.TypeFor[Chargeback]())

// jsonMembers lists the JSON names of t's fields.
func jsonMembers(t reflect.Type) map[string]bool {
	out := map[string]bool{}
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out[name] = true
		}
	}
	return out
}

// unknownMembers returns the names of raw's members that known lacks,
// sorted, at most transport.MaxProviderItems of them, each cut to 64 bytes
// with control characters shown as "?" (names come from the network).
func unknownMembers(raw map[string]json.RawMessage, known map[string]bool) []string {
	var out []string
	for k := range raw {
		if !known[k] {
			if len(k) > 64 {
				k = k[:64]
			}
			k = strings.Map(func(r rune) rune {
				if r < 0x20 || r == 0x7f || r == utf8.RuneError {
					return '?'
				}
				return r
			}, strings.ToValidUTF8(k, "?"))
			out = append(out, k)
		}
	}
	slices.Sort(out)
	if len(out) > transport.MaxProviderItems {
		out = out[:transport.MaxProviderItems]
	}
	return out
}

// stripAccessToken removes an access_token query parameter from u, so a
// credential the API echoed never sits in a result that may be printed.
func stripAccessToken(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	q := p.Query()
	if _, ok := q["access_token"]; !ok {
		return u
	}
	q.Del("access_token")
	p.RawQuery = q.Encode()
	return p.String()
}
