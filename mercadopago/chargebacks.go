package mercadopago

import (
	"context"
	"net/http"
	"net/url"
	"time"

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

// Chargeback is a dispute a payer opened with their card issuer.
// See https://www.mercadopago.com/developers/en/reference/chargebacks/_chargebacks_id/get
type Chargeback struct {
	ID       string        `json:"id"`
	Payments []int64       `json:"payments"`
	Currency string        `json:"currency"`
	Amount   money.Decimal `json:"amount"`
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
	// Unparsed names the fields that arrived in a shape that could not be read.
	Unparsed []string `json:"-"`
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
	out, err := transport.Call[Chargeback](ctx, s.c.t, &transport.Request{Op: transport.Op{Name: "mercadopago.Chargebacks.Get", Route: "/v1/chargebacks/{id}"}, Method: http.MethodGet, Path: transport.Path("v1", "chargebacks", id)}, opts)
	if err != nil {
		return nil, err
	}
	for i := range out.Documentation {
		out.Documentation[i].URL = stripAccessToken(out.Documentation[i].URL)
	}
	return out, nil
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
