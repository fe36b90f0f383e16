package mercadopago

import (
	"net"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// Payment method ids of the methods that are not cards: what
// PaymentRequest.PaymentMethodID takes. Each is offered on one site only.
// See https://www.mercadopago.com/developers/en/docs/checkout-api/payment-methods
const (
	// PaymentMethodPix is Pix (Brazil): an instant transfer the payer makes
	// by scanning a QR code or pasting its "copia e cola" text.
	PaymentMethodPix = "pix"
	// PaymentMethodBoleto is the Bradesco boleto (Brazil): a voucher with a
	// barcode and a digitable line, paid at a bank, lottery shop or app.
	PaymentMethodBoleto = "bolbradesco"
	// PaymentMethodPSE is PSE (Colombia): the payer is sent to their bank's
	// site and comes back to callback_url.
	PaymentMethodPSE = "pse"
	// PaymentMethodEfecty is Efecty (Colombia): cash at an Efecty office
	// against a voucher.
	PaymentMethodEfecty = "efecty"
	// PaymentMethodOXXO is OXXO (Mexico): cash at an OXXO shop against a voucher.
	PaymentMethodOXXO = "oxxo"
	// PaymentMethodPaycash is Paycash (Mexico): cash at one of its partner
	// shops against a reference.
	PaymentMethodPaycash = "paycash"
	// PaymentMethodSPEI is a SPEI bank transfer (Mexico) to the CLABE the
	// payment's voucher shows; Mercado Pago names it "clabe".
	PaymentMethodSPEI = "clabe"
	// PaymentMethodYape is Yape (Peru): the front end makes a one-use token
	// from the payer's phone number and the app's approval code
	// (MercadoPago.js mp.yape(…).create()); the payment carries it as Token,
	// with one installment.
	PaymentMethodYape = "yape"
)

// methodSites says which site offers each method paykit checks. A method
// id not listed here (a new one, a card brand) is sent unchecked.
var methodSites = map[string]Site{
	PaymentMethodPix: SiteBrazil, PaymentMethodBoleto: SiteBrazil,
	PaymentMethodPSE: SiteColombia, PaymentMethodEfecty: SiteColombia,
	PaymentMethodOXXO: SiteMexico, PaymentMethodPaycash: SiteMexico, PaymentMethodSPEI: SiteMexico,
	PaymentMethodYape:   SitePeru,
	PaymentMethodFintoc: SiteChile,
}

// MethodSite returns the site that offers the payment method id (pix →
// SiteBrazil), and false for an id paykit does not tie to one site (cards,
// methods it does not know).
func MethodSite(id string) (Site, bool) {
	s, ok := methodSites[id]
	return s, ok
}

// PSE entity types for PaymentPayer.EntityType.
const (
	EntityIndividual  = "individual"  // a person
	EntityAssociation = "association" // a company or another organisation
)

// PaymentTransactionDetails is the transaction_details of a payment
// request. PSE needs it: FinancialInstitution is the payer's bank, one of
// the financial_institutions ids of the "pse" method in PaymentMethods.List.
type PaymentTransactionDetails struct {
	FinancialInstitution string `json:"financial_institution,omitempty"`
}

// institutions remembers the banks each bank-transfer method offers, from
// the last PaymentMethods.List; Payments.Create checks a PSE bank against
// them when no list is given with the request.
type institutions struct {
	mu    sync.RWMutex
	banks map[string][]string // method id → bank ids
}

func (in *institutions) remember(methods []PaymentMethod) {
	banks := map[string][]string{}
	for _, m := range methods {
		if len(m.FinancialInstitutions) == 0 {
			continue
		}
		for _, fi := range m.FinancialInstitutions {
			banks[m.ID] = append(banks[m.ID], fi.ID)
		}
	}
	in.mu.Lock()
	in.banks = banks
	in.mu.Unlock()
}

func (in *institutions) of(method string) ([]string, bool) {
	in.mu.RLock()
	defer in.mu.RUnlock()
	b, ok := in.banks[method]
	return b, ok
}

// validateMethod checks what the payment method needs and what the site
// allows, with the client's site, clock, currency rules and known banks.
func (c *Client) validateMethod(req *PaymentRequest) error {
	site := c.site
	if ms, known := methodSites[req.PaymentMethodID]; known {
		if site != "" && site != ms {
			return invalid("payment_method_id", req.PaymentMethodID+" is not offered on site "+string(site)+" ("+site.Currency()+"); it is a "+string(ms)+" ("+ms.Currency()+") method")
		}
		site = ms
	}
	if site != "" {
		cur := site.Currency()
		if err := checkAmountPlaces("transaction_amount", req.TransactionAmount, cur, c.decimalsOf(cur)); err != nil {
			return err
		}
		if req.ApplicationFee != nil {
			if err := checkAmountPlaces("application_fee", *req.ApplicationFee, cur, c.decimalsOf(cur)); err != nil {
				return err
			}
		}
	}
	if req.DateOfExpiration != nil && !req.DateOfExpiration.After(c.t.Now()) {
		return invalid("date_of_expiration", "must be in the future, not "+req.DateOfExpiration.Format(time.RFC3339))
	}
	switch req.PaymentMethodID {
	case PaymentMethodPix:
		return checkLocalMethod(req, true, checkBrazilDocument)
	case PaymentMethodBoleto:
		if err := checkLocalMethod(req, true, checkBrazilDocument); err != nil {
			return err
		}
		return checkBoletoPayer(req.Payer)
	case PaymentMethodPSE:
		if err := checkLocalMethod(req, true, checkColombiaDocument); err != nil {
			return err
		}
		return c.checkPSE(req)
	case PaymentMethodOXXO, PaymentMethodPaycash, PaymentMethodSPEI, PaymentMethodEfecty:
		return checkLocalMethod(req, false, nil)
	case PaymentMethodYape:
		if req.Token == "" {
			return invalid("token", "must be the Yape token the front end made (mp.yape(…).create())")
		}
		if req.Installments == nil || *req.Installments != 1 {
			return invalid("installments", "must be exactly 1 for yape (set Installments: mercadopago.Ptr(1))")
		}
		if req.Payer.Type == PayerCustomer {
			return invalid("payer.type", "must not be customer for yape: send the payer's email")
		}
	}
	return nil
}

// checkLocalMethod checks a method paid outside the card rails: no card
// token, no installments beyond 1, a guest payer with an email, and the
// payer's document when needDoc (checked by doc).
func checkLocalMethod(req *PaymentRequest, needDoc bool, doc func(*Identification) error) error {
	m := req.PaymentMethodID
	if req.Token != "" {
		return invalid("token", "must be empty for "+m+" (a card token is for card payments)")
	}
	if req.Installments != nil && *req.Installments != 1 {
		return invalid("installments", "must be left out (or 1) for "+m)
	}
	if req.Capture != nil && !*req.Capture {
		return invalid("capture", "authorize-then-capture is for cards; "+m+" cannot be captured later")
	}
	if req.Payer.Type == PayerCustomer || req.Payer.Email == "" {
		return invalid("payer.email", "must be the payer's email for "+m)
	}
	if !needDoc {
		return nil
	}
	if req.Payer.Identification == nil || req.Payer.Identification.Number == "" {
		return invalid("payer.identification", "must carry the payer's document (type and number) for "+m)
	}
	return doc(req.Payer.Identification)
}

// checkBrazilDocument accepts a CPF (11 digits) or a CNPJ (14 digits) whose
// check digits are right; punctuation (".", "-", "/") is not allowed.
func checkBrazilDocument(id *Identification) error {
	switch strings.ToUpper(id.Type) {
	case "CPF":
		if len(id.Number) != 11 || !digits(id.Number) || !validCPF(id.Number) {
			return invalid("payer.identification.number", "must be a valid CPF: 11 digits, no punctuation, right check digits")
		}
	case "CNPJ":
		if len(id.Number) != 14 || !digits(id.Number) || !validCNPJ(id.Number) {
			return invalid("payer.identification.number", "must be a valid CNPJ: 14 digits, no punctuation, right check digits")
		}
	default:
		return invalid("payer.identification.type", "must be CPF or CNPJ")
	}
	return nil
}

// colombiaDocTypes are the document types Mercado Pago lists for Colombia
// (GET /v1/identification_types on a Colombian account).
var colombiaDocTypes = []string{"CC", "CE", "NIT", "PAS", "TI", "Otro"}

func checkColombiaDocument(id *Identification) error {
	if !slices.Contains(colombiaDocTypes, id.Type) {
		return invalid("payer.identification.type", "must be one of CC, CE, NIT, PAS, TI, Otro")
	}
	if strings.TrimSpace(id.Number) != id.Number || len(id.Number) > 20 {
		return invalid("payer.identification.number", "must be the document number without spaces (at most 20 characters)")
	}
	return nil
}

// checkBoletoPayer: a boleto is issued in the payer's name and address.
func checkBoletoPayer(p *PaymentPayer) error {
	if strings.TrimSpace(p.FirstName) == "" {
		return invalid("payer.first_name", "must be set for a boleto (it is printed on it)")
	}
	if strings.TrimSpace(p.LastName) == "" {
		return invalid("payer.last_name", "must be set for a boleto (it is printed on it)")
	}
	a := p.Address
	if a == nil {
		return invalid("payer.address", "must be the payer's address for a boleto")
	}
	zip := strings.ReplaceAll(a.ZipCode, "-", "")
	switch {
	case len(zip) != 8 || !digits(zip):
		return invalid("payer.address.zip_code", "must be a CEP of 8 digits")
	case strings.TrimSpace(a.StreetName) == "":
		return invalid("payer.address.street_name", "must be set for a boleto")
	case strings.TrimSpace(a.StreetNumber) == "":
		return invalid("payer.address.street_number", "must be set for a boleto (\"S/N\" when there is none)")
	case strings.TrimSpace(a.Neighborhood) == "":
		return invalid("payer.address.neighborhood", "must be set for a boleto")
	case strings.TrimSpace(a.City) == "":
		return invalid("payer.address.city", "must be set for a boleto")
	case len(a.FederalUnit) != 2 || strings.ToUpper(a.FederalUnit) != a.FederalUnit:
		return invalid("payer.address.federal_unit", "must be the state's two capital letters (\"SP\")")
	}
	return nil
}

// checkPSE checks what PSE needs beyond the document.
func (c *Client) checkPSE(req *PaymentRequest) error {
	bank := ""
	if req.TransactionDetails != nil {
		bank = req.TransactionDetails.FinancialInstitution
	}
	if strings.TrimSpace(bank) == "" {
		return invalid("transaction_details.financial_institution", "must be the payer's bank, an id from the pse method's financial_institutions (PaymentMethods.List)")
	}
	known := make([]string, 0, len(req.FinancialInstitutions))
	for _, fi := range req.FinancialInstitutions {
		known = append(known, fi.ID)
	}
	if len(known) == 0 {
		known, _ = c.banks.of(PaymentMethodPSE)
	}
	if len(known) > 0 && !slices.Contains(known, bank) {
		return invalid("transaction_details.financial_institution", "must be one of the pse method's financial_institutions; "+quoteShort(bank)+" is not")
	}
	if !absoluteHTTPURL(req.CallbackURL) {
		return invalid("callback_url", "must be the absolute http(s) URL the bank sends the payer back to")
	}
	switch req.Payer.EntityType {
	case EntityIndividual, EntityAssociation:
	default:
		return invalid("payer.entity_type", "must be individual or association for pse")
	}
	if req.AdditionalInfo == nil || net.ParseIP(req.AdditionalInfo.IPAddress) == nil {
		return invalid("additional_info.ip_address", "must be the payer's IP address for pse")
	}
	return nil
}

func absoluteHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

func quoteShort(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return "\"" + strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s) + "\""
}

// validCPF checks a CPF's two check digits (11 digits given).
func validCPF(n string) bool {
	if strings.Count(n, n[:1]) == len(n) { // 000…, 111…: right digits, never issued
		return false
	}
	check := func(upto int) byte {
		sum := 0
		for i := 0; i < upto; i++ {
			sum += int(n[i]-'0') * (upto + 1 - i)
		}
		r := sum * 10 % 11
		if r == 10 {
			r = 0
		}
		return byte('0' + r)
	}
	return check(9) == n[9] && check(10) == n[10]
}

// validCNPJ checks a CNPJ's two check digits (14 digits given).
func validCNPJ(n string) bool {
	if strings.Count(n, n[:1]) == len(n) {
		return false
	}
	check := func(upto int) byte {
		sum, w := 0, upto-7
		for i := 0; i < upto; i++ {
			sum += int(n[i]-'0') * w
			w--
			if w < 2 {
				w = 9
			}
		}
		r := sum % 11
		if r < 2 {
			return '0'
		}
		return byte('0' + 11 - r)
	}
	return check(12) == n[12] && check(13) == n[13]
}
