package mercadopagotest

import (
	"math/big"
	"net/http"
	"slices"
	"strings"

	"github.com/paykit-go/paykit/mercadopago"

	"github.com/paykit-go/paykit/internal/sim"
	"github.com/paykit-go/paykit/money"
)

// The simulated account is Chilean (site MLC, CLP) unless WithSite or the
// token says otherwise: the cards are the same everywhere, the local
// methods are the site's (methodsOf); issuers and document types are a
// small Chilean set. Thumbnails, issuer
// names and installment rates are the simulator's own.

type methodOut struct {
	ID                    string           `json:"id"`
	Name                  string           `json:"name"`
	PaymentTypeID         string           `json:"payment_type_id"`
	Status                string           `json:"status"`
	SecureThumbnail       string           `json:"secure_thumbnail"`
	Thumbnail             string           `json:"thumbnail"`
	DeferredCapture       string           `json:"deferred_capture"`
	Settings              []map[string]any `json:"settings"`
	AdditionalInfoNeeded  []string         `json:"additional_info_needed"`
	MinAllowedAmount      money.Decimal    `json:"min_allowed_amount"`
	MaxAllowedAmount      money.Decimal    `json:"max_allowed_amount"`
	AccreditationTime     int              `json:"accreditation_time"`
	FinancialInstitutions []map[string]any `json:"financial_institutions"`
	ProcessingModes       []string         `json:"processing_modes"`
}

func cardMethod(id, name, pattern string, length, cvv int, location string) methodOut {
	return methodOut{
		ID: id, Name: name, PaymentTypeID: "credit_card", Status: "active", DeferredCapture: "supported",
		SecureThumbnail: "https://www.mercadopago.com/org-img/MP3/API/logos/" + id + ".gif",
		Thumbnail:       "http://img.mlstatic.com/org-img/MP3/API/logos/" + id + ".gif",
		Settings: []map[string]any{{
			"card_number":   map[string]any{"validation": "standard", "length": length},
			"bin":           map[string]any{"pattern": pattern, "installments_pattern": pattern, "exclusion_pattern": nil},
			"security_code": map[string]any{"length": cvv, "card_location": location, "mode": "mandatory"},
		}},
		AdditionalInfoNeeded:  []string{"cardholder_name", "cardholder_identification_type", "cardholder_identification_number"},
		MinAllowedAmount:      money.FromInt(50),
		MaxAllowedAmount:      money.FromInt(10000000),
		AccreditationTime:     2880,
		FinancialInstitutions: []map[string]any{},
		ProcessingModes:       []string{"aggregator"},
	}
}

var paymentMethods = []methodOut{
	cardMethod("visa", "Visa", "^4", 16, 3, "back"),
	cardMethod("master", "Mastercard", "^5", 16, 3, "back"),
	cardMethod("amex", "American Express", "^(34|37)", 15, 4, "front"),
	{
		ID: "fintoc", Name: "Fintoc", PaymentTypeID: "bank_transfer", Status: "active", DeferredCapture: "does_not_apply",
		Settings: []map[string]any{}, AdditionalInfoNeeded: []string{}, MinAllowedAmount: money.FromInt(1),
		MaxAllowedAmount: money.FromInt(7000000), FinancialInstitutions: []map[string]any{}, ProcessingModes: []string{"aggregator"},
	},
}

func (s *Server) listPaymentMethods(w http.ResponseWriter, r *http.Request) {
	sim.WriteJSON(w, http.StatusOK, methodsOf(siteOf(r, s.Site)))
}

// methodsOf is the method list of a site: the cards, then the site's local
// methods (Fintoc for MLC). Limits and accreditation times of the local
// methods are the simulator's own.
func methodsOf(site mercadopago.Site) []methodOut {
	out := []methodOut{paymentMethods[0], paymentMethods[1], paymentMethods[2]}
	if site == mercadopago.SiteChile {
		out = append(out, paymentMethods[3:]...)
	}
	ids := make([]string, 0, len(localMethods))
	for id, m := range localMethods {
		if m.site == site {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		m := localMethods[id]
		mo := methodOut{
			ID: id, Name: m.name, PaymentTypeID: m.typeID, Status: "active", DeferredCapture: "does_not_apply",
			SecureThumbnail: "https://www.mercadopago.com/org-img/MP3/API/logos/" + id + ".gif",
			Thumbnail:       "http://img.mlstatic.com/org-img/MP3/API/logos/" + id + ".gif",
			Settings:        []map[string]any{}, AdditionalInfoNeeded: []string{}, MinAllowedAmount: money.FromInt(1),
			MaxAllowedAmount: money.FromInt(50000), AccreditationTime: 0, FinancialInstitutions: []map[string]any{},
			ProcessingModes: []string{"aggregator"},
		}
		if m.typeID == "ticket" {
			mo.AccreditationTime = 2880
		}
		if id == mercadopago.PaymentMethodPSE {
			mo.AdditionalInfoNeeded = []string{"entity_type", "identification_type", "identification_number"}
			mo.MaxAllowedAmount = money.FromInt(50000000)
			for _, b := range PSEBanks {
				mo.FinancialInstitutions = append(mo.FinancialInstitutions, map[string]any{"id": b.ID, "description": b.Description})
			}
		}
		out = append(out, mo)
	}
	return out
}

// methodOfBIN picks the card method a BIN belongs to ("" for none).
func methodOfBIN(bin string) string {
	switch {
	case strings.HasPrefix(bin, "4"):
		return "visa"
	case strings.HasPrefix(bin, "5"):
		return "master"
	case strings.HasPrefix(bin, "34"), strings.HasPrefix(bin, "37"):
		return "amex"
	}
	return ""
}

// issuerOf is the simulator's one issuer per card method.
func issuerOf(_ string) map[string]any {
	return map[string]any{"id": "24", "name": "Banco Simulado", "status": "active", "processing_mode": "aggregator",
		"merchant_account_id": nil,
		"secure_thumbnail":    "https://www.mercadopago.com/org-img/MP3/API/logos/24.gif",
		"thumbnail":           "http://img.mlstatic.com/org-img/MP3/API/logos/24.gif"}
}

// installmentRates are the simulator's interest rates (percent of the amount).
var installmentRates = []struct {
	n    int
	rate string
}{{1, "0"}, {3, "10.21"}, {6, "19.5"}, {12, "36.3"}}

func (s *Server) installments(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	amount, err := money.Parse(q.Get("amount"))
	if err != nil || !amount.IsPositive() {
		badRequest(w, 4000, "amount must be a number above 0") // simulator's code
		return
	}
	method := q.Get("payment_method_id")
	if bin := q.Get("bin"); bin != "" {
		if m := methodOfBIN(bin); m != "" && (method == "" || method == m) {
			method = m
		} else {
			sim.WriteJSON(w, http.StatusOK, []any{})
			return
		}
	}
	switch method {
	case "visa", "master", "amex":
	default:
		sim.WriteJSON(w, http.StatusOK, []any{})
		return
	}
	if iss := q.Get("issuer.id"); iss != "" && iss != "24" {
		sim.WriteJSON(w, http.StatusOK, []any{})
		return
	}
	var costs []map[string]any
	for _, ir := range installmentRates {
		total := withRate(amount, ir.rate)
		each := divide(total, ir.n)
		labels := []string{"CFT_" + ir.rate + "%"}
		if ir.n == 3 {
			labels = append([]string{"recommended_installment"}, labels...)
		}
		word := "cuotas"
		if ir.n == 1 {
			word = "cuota"
		}
		costs = append(costs, map[string]any{
			"installments": ir.n, "installment_rate": money.MustParse(ir.rate), "discount_rate": 0, "reimbursement_rate": nil,
			"labels": labels, "installment_rate_collector": []string{"MERCADOPAGO"},
			"min_allowed_amount": money.FromInt(50), "max_allowed_amount": money.FromInt(10000000),
			"recommended_message": itoa(ir.n) + " " + word + " de $ " + each.String() + " ($ " + total.String() + ")",
			"installment_amount":  each, "total_amount": total, "payment_method_option_id": "sim-" + method + "-" + itoa(ir.n),
		})
	}
	sim.WriteJSON(w, http.StatusOK, []map[string]any{{
		"payment_method_id": method, "payment_type_id": "credit_card", "issuer": issuerOf(method),
		"processing_mode": "aggregator", "merchant_account_id": nil, "payer_costs": costs, "agreements": nil,
	}})
}

// withRate is amount × (1 + rate/100), rounded half up to 2 places.
func withRate(amount money.Decimal, rate string) money.Decimal {
	a, _ := new(big.Rat).SetString(amount.String())
	r, _ := new(big.Rat).SetString(rate)
	r.Quo(r, big.NewRat(100, 1)).Add(r, big.NewRat(1, 1))
	return money.MustParse(a.Mul(a, r).FloatString(2))
}

// divide is total / n rounded to 2 places.
func divide(total money.Decimal, n int) money.Decimal {
	t, _ := new(big.Rat).SetString(total.String())
	return money.MustParse(t.Quo(t, big.NewRat(int64(n), 1)).FloatString(2))
}

func itoa(n int) string { return big.NewInt(int64(n)).String() }

func (s *Server) cardIssuers(w http.ResponseWriter, r *http.Request) {
	method := r.URL.Query().Get("payment_method_id")
	if method == "" {
		badRequest(w, 1000, "payment_method_id is required") // simulator's code
		return
	}
	switch method {
	case "visa", "master", "amex":
		sim.WriteJSON(w, http.StatusOK, []map[string]any{issuerOf(method)})
	default:
		sim.WriteJSON(w, http.StatusOK, []any{})
	}
}

func (s *Server) identificationTypes(w http.ResponseWriter, _ *http.Request) {
	sim.WriteJSON(w, http.StatusOK, []map[string]any{
		{"id": "RUT", "name": "RUT", "type": "string", "min_length": 7, "max_length": 20},
		{"id": "Otro", "name": "Otro", "type": "number", "min_length": 5, "max_length": 20},
	})
}

func (s *Server) getCardToken(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens.Get(r.PathValue("id"))
	if !ok {
		apiError(w, http.StatusNotFound, "not_found", "card token not found")
		return
	}
	sim.WriteJSON(w, http.StatusOK, s.tokenOut(t))
}

// tokenOut is a card token as the API sends it. Call with s.mu held.
func (s *Server) tokenOut(t *cardToken) map[string]any {
	status := "active"
	switch {
	case t.used:
		status = "used"
	case s.Clock.Now().After(t.expires):
		status = "expired"
	}
	created := mpTime(t.expires.Add(-CardTokenTTL))
	return map[string]any{
		"id": t.id, "public_key": nil, "card_id": nilIfEmpty(t.cardID), "luhn_validation": true, "status": status,
		"date_used": nil, "card_number_length": len(t.number), "date_created": created, "date_last_updated": created,
		"first_six_digits": t.number[:6], "last_four_digits": t.number[len(t.number)-4:],
		"security_code_length": t.cvvLength(), "expiration_month": t.month, "expiration_year": t.year,
		"date_due": mpTime(t.expires), "live_mode": false, "require_esc": false,
		"cardholder": map[string]any{"name": t.holder, "identification": map[string]any{"type": nilIfEmpty(t.idType), "number": nilIfEmpty(t.idNumber)}},
	}
}
