package mercadopago

import (
	"fmt"
	"strings"

	"github.com/paykit-go/paykit/money"
)

// Site is the Mercado Pago country an account belongs to (its "site_id").
// It decides the currency every amount is in and the payment methods the
// account can offer. Mercado Pago does not take a currency on
// POST /v1/payments: the account's site fixes it.
// See https://www.mercadopago.com/developers/en/docs/checkout-api/payment-methods
type Site string

// The sites paykit knows, with their currencies.
const (
	SiteArgentina Site = "MLA" // ARS
	SiteBrazil    Site = "MLB" // BRL
	SiteChile     Site = "MLC" // CLP
	SiteColombia  Site = "MCO" // COP
	SiteMexico    Site = "MLM" // MXN
	SitePeru      Site = "MPE" // PEN
	SiteUruguay   Site = "MLU" // UYU
)

// Sites lists every Site paykit knows, in a fixed order.
var Sites = []Site{SiteArgentina, SiteBrazil, SiteChile, SiteColombia, SiteMexico, SitePeru, SiteUruguay}

// Currency is the ISO 4217 code of the site's currency ("BRL"), or "" for
// a site paykit does not know.
func (s Site) Currency() string {
	switch s {
	case SiteArgentina:
		return "ARS"
	case SiteBrazil:
		return "BRL"
	case SiteChile:
		return "CLP"
	case SiteColombia:
		return "COP"
	case SiteMexico:
		return "MXN"
	case SitePeru:
		return "PEN"
	case SiteUruguay:
		return "UYU"
	}
	return ""
}

// Known reports whether s is one of Sites.
func (s Site) Known() bool { return s.Currency() != "" }

// SiteOfCurrency returns the site whose currency is code ("COP" →
// SiteColombia), and false for a currency no site uses.
func SiteOfCurrency(code string) (Site, bool) {
	for _, s := range Sites {
		if s.Currency() == strings.ToUpper(code) {
			return s, true
		}
	}
	return "", false
}

// CurrencyDecimals is how many decimal places Mercado Pago accepts in an
// amount of the currency code, and whether paykit knows the currency.
//
// What is certain: CLP has no minor unit on Mercado Pago (amounts are whole
// pesos). ARS, BRL, MXN, PEN and UYU take two decimals (cents, centavos,
// céntimos). UNSURE: COP. The peso has centavos in ISO 4217, but Mercado
// Pago's Colombian pages (PSE, Efecty) show and ask for whole pesos and
// Colombia has not circulated centavos for years; paykit therefore refuses
// decimals in COP by default. If your account takes them, say so with
// WithCurrencyDecimals("COP", 2).
func CurrencyDecimals(code string) (int, bool) {
	switch strings.ToUpper(code) {
	case "CLP":
		return 0, true
	case "COP":
		return 0, true // unsure: see the doc comment and WithCurrencyDecimals
	case "ARS", "BRL", "MXN", "PEN", "UYU":
		return 2, true
	}
	return 0, false
}

// WithSite tells the client which Mercado Pago country its account belongs
// to. The access token does not say: Mercado Pago knows it from the account.
// With a site, Payments.Create refuses a payment method the site does not
// offer and an amount with more decimals than the site's currency has on
// Mercado Pago (15.990 in CLP), before anything is sent. Without one, the
// method picks the site (pix is Brazil's, oxxo Mexico's) and a card payment
// is not checked for decimals.
func WithSite(site Site) Option {
	return func(s *settings) { s.site, s.siteSet = site, true }
}

// WithCurrencyDecimals overrides how many decimal places an amount in
// currency code may have (0 to 4), for the currencies whose rule on
// Mercado Pago is unsure (COP, see CurrencyDecimals) or changes.
func WithCurrencyDecimals(code string, places int) Option {
	return func(s *settings) {
		if s.decimals == nil {
			s.decimals = map[string]int{}
		}
		s.decimals[strings.ToUpper(code)] = places
	}
}

// checkSiteSettings validates what WithSite and WithCurrencyDecimals set.
func (s *settings) checkSiteSettings() error {
	if s.siteSet && !s.site.Known() {
		return fmt.Errorf("mercadopago: site %q: must be one of MLA, MLB, MLC, MCO, MLM, MPE, MLU", string(s.site))
	}
	for code, n := range s.decimals {
		if _, ok := CurrencyDecimals(code); !ok {
			return fmt.Errorf("mercadopago: currency decimals: %q is not a Mercado Pago currency (ARS, BRL, CLP, COP, MXN, PEN, UYU)", code)
		}
		if n < 0 || n > 4 {
			return fmt.Errorf("mercadopago: currency decimals: %s: must be 0 to 4 places, not %d", code, n)
		}
	}
	return nil
}

// Site returns the site set with WithSite ("" when none was).
func (c *Client) Site() Site { return c.site }

// decimalsOf is how many places an amount in code may have for this client.
func (c *Client) decimalsOf(code string) int {
	if n, ok := c.decimals[strings.ToUpper(code)]; ok {
		return n
	}
	n, _ := CurrencyDecimals(code)
	return n
}

// checkAmountPlaces refuses an amount with more significant decimals than
// the currency allows; trailing zeros do not count ("15000.00" in CLP is
// 15000).
func checkAmountPlaces(field string, d money.Decimal, currency string, places int) error {
	if d.Trim().Scale() > places {
		if places == 0 {
			return invalid(field, fmt.Sprintf("must be a whole amount in %s (Mercado Pago takes no decimals in %s), not %s", currency, currency, d))
		}
		return invalid(field, fmt.Sprintf("must have at most %d decimal places in %s, not %s", places, currency, d))
	}
	return nil
}
