package mercadopagotest

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"html/template"
	"image"
	"image/color"
	"image/png"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paykit-go/paykit/internal/sim"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/money"
)

// Local methods: Pix and boleto (MLB), PSE and Efecty (MCO), OXXO, Paycash
// and SPEI (MLM), Yape (MPE). Each is created pending with what the payer
// needs (a QR code, a voucher, a bank redirect), then paid, rejected or
// expired by the payer's stand-in page, by Settle, or by the clock passing
// date_of_expiration; every change sends a signed payment.updated
// notification. Yape is decided at once, as the real method is.
//
// The payer's pages (all served by this server, no credentials needed):
//
//	GET  /sim/pay/{id}           the payer's page of a pending payment: the
//	                             Pix QR code, the voucher (barcode, digitable
//	                             line, reference) or PSE's stand-in bank, with
//	                             buttons "Pay", "Reject" and "Let it expire".
//	                             It is the payment's ticket_url (Pix) or
//	                             transaction_details.external_resource_url.
//	GET  /sim/pay/{id}/qr.png    the Pix QR image (the PNG of qr_code_base64)
//	POST /sim/pay/{id}           form field outcome=paid|rejected|expired:
//	                             settles the payment; for PSE the answer is a
//	                             303 to callback_url?payment_id={id}&status=…
//	                             (the query is the simulator's choice), for
//	                             the others a page saying what happened.
//	POST /platforms/pci/yape/v1/payment?public_key=…
//	                             {"phoneNumber", "otp"} → {"id": yape token},
//	                             what MercadoPago.js mp.yape(…).create() calls.

// Paths of the payer's pages.
const (
	// PayerPagePath is the payer's page of a local payment: PayerPagePath + "/{id}".
	PayerPagePath = "/sim/pay"
	// YapeTokenPath makes a Yape token (MercadoPago.js mp.yape().create()).
	YapeTokenPath = "/platforms/pci/yape/v1/payment"
)

// Outcome is how the payer ends a local payment in Settle and on the
// stand-in pages.
type Outcome string

// Outcomes of Settle.
const (
	// OutcomePaid: the payer paid; approved / accredited.
	OutcomePaid Outcome = "paid"
	// OutcomeRejected: the payer's bank refused; rejected / rejected_by_bank
	// (the detail is the simulator's choice).
	OutcomeRejected Outcome = "rejected"
	// OutcomeExpired: the payer never paid; cancelled / expired, as Mercado
	// Pago reports a voucher or QR code past its date_of_expiration.
	OutcomeExpired Outcome = "expired"
)

// Yape sandbox rule of the simulator (its own: the documentation's test
// numbers are for the real sandbox): any phone number and OTP make a token;
// a payment with a token made from YapePhoneRejected is rejected, any other
// is approved.
const YapePhoneRejected = "111111112"

// How long a local payment stays payable when the request sets no
// date_of_expiration (the simulator's choice, close to the documented
// defaults: Pix 24 hours, vouchers a few days).
const (
	PixExpiry     = 24 * time.Hour
	VoucherExpiry = 3 * 24 * time.Hour
)

// PSEBanks are the simulated PSE banks (financial_institutions of the pse
// method); ids and names are the simulator's.
var PSEBanks = []mercadopago.FinancialInstitution{
	{ID: "1007", Description: "Bancolombia"},
	{ID: "1051", Description: "Banco Davivienda"},
	{ID: "1001", Description: "Banco de Bogotá"},
	{ID: "1507", Description: "Nequi"},
}

// localMethod describes how the simulator plays one local method.
type localMethod struct {
	name, typeID string
	site         mercadopago.Site
	expiry       time.Duration
}

var localMethods = map[string]*localMethod{
	mercadopago.PaymentMethodPix:     {"Pix", "bank_transfer", mercadopago.SiteBrazil, PixExpiry},
	mercadopago.PaymentMethodBoleto:  {"Boleto", "ticket", mercadopago.SiteBrazil, VoucherExpiry},
	mercadopago.PaymentMethodPSE:     {"PSE", "bank_transfer", mercadopago.SiteColombia, 0},
	mercadopago.PaymentMethodEfecty:  {"Efecty", "ticket", mercadopago.SiteColombia, VoucherExpiry},
	mercadopago.PaymentMethodOXXO:    {"OXXO", "ticket", mercadopago.SiteMexico, VoucherExpiry},
	mercadopago.PaymentMethodPaycash: {"Paycash", "ticket", mercadopago.SiteMexico, VoucherExpiry},
	mercadopago.PaymentMethodSPEI:    {"SPEI", "bank_transfer", mercadopago.SiteMexico, VoucherExpiry},
	mercadopago.PaymentMethodYape:    {"Yape", "account_money", mercadopago.SitePeru, 0}, // the type is the simulator's guess
}

// WithSite makes the simulated account one of site's (its currency, its
// local methods). The default follows the access token, else MLC.
func WithSite(site mercadopago.Site) Option { return func(s *Server) { s.Site = site } }

// siteOfToken finds a site id among the dash-separated parts of a test
// token ("TEST-MLB-…"), else MLC.
func siteOfToken(tok string) mercadopago.Site {
	for _, part := range strings.Split(tok, "-") {
		if site := mercadopago.Site(strings.ToUpper(part)); site.Known() {
			return site
		}
	}
	return mercadopago.SiteChile
}

// SiteAccessToken is an access token of this server for an account of
// site: the server's own token for its Site, and for any other site
// "TEST-<site>-" followed by the server's token. Every API route accepts
// it; payments made with it are in that site's currency and may use that
// site's methods, and GET /v1/payment_methods lists that site's methods.
// One simulator thus plays a Brazilian, a Colombian and a Mexican account
// at once (a shop with one checkout per country).
func (s *Server) SiteAccessToken(site mercadopago.Site) string {
	if site == s.Site || !site.Known() {
		return s.AccessToken
	}
	return "TEST-" + string(site) + "-" + s.AccessToken
}

// siteOfHeader is the site of a SiteAccessToken in an Authorization
// header, or "" for the server's own token and any other value.
func (s *Server) siteOfHeader(h string) mercadopago.Site {
	tok, ok := strings.CutPrefix(h, "Bearer TEST-")
	if !ok || len(tok) < 4 || tok[3] != '-' || tok[4:] != s.AccessToken {
		return ""
	}
	if site := mercadopago.Site(tok[:3]); site.Known() {
		return site
	}
	return ""
}

type siteKey struct{}

// siteOf is the site of the token r was made with, else def.
func siteOf(r *http.Request, def mercadopago.Site) mercadopago.Site {
	if site, ok := r.Context().Value(siteKey{}).(mercadopago.Site); ok {
		return site
	}
	return def
}

// localIn is what POST /v1/payments accepts for local methods.
type localIn struct {
	TransactionDetails *struct {
		FinancialInstitution string `json:"financial_institution"`
	} `json:"transaction_details"`
}

// localOut are the payment fields of local methods.
type localOut struct {
	Barcode *barcodeOut `json:"barcode,omitempty"`

	expires   time.Time // zero: never
	yapePhone string
}

// localTx are transaction_details members of local methods.
type localTx struct {
	FinancialInstitution     *string     `json:"financial_institution,omitempty"`
	DigitableLine            *string     `json:"digitable_line,omitempty"`
	PaymentMethodReferenceID *string     `json:"payment_method_reference_id,omitempty"`
	Barcode                  *barcodeOut `json:"barcode,omitempty"`
}

type barcodeOut struct {
	Content string `json:"content"`
}

type poiTxOut struct {
	QRCode       string `json:"qr_code,omitempty"`
	QRCodeBase64 string `json:"qr_code_base64,omitempty"`
	TicketURL    string `json:"ticket_url,omitempty"`
}

// createLocal plays POST /v1/payments for a local method; it returns a
// message and cause code for a 400. Call with s.mu held.
func (s *Server) createLocal(p *payment, in *paymentIn, site mercadopago.Site, now time.Time) (string, int) {
	m := localMethods[in.PaymentMethodID]
	if m.site != site {
		// Simulator's code: the real API answers 4xx with its own wording.
		return fmt.Sprintf("payment_method_id %s is not available on site %s", in.PaymentMethodID, site), 4020
	}
	if places, _ := mercadopago.CurrencyDecimals(site.Currency()); in.TransactionAmount.Trim().Scale() > places {
		return fmt.Sprintf("transaction_amount has more decimals than %s allows", site.Currency()), 4037
	}
	id := in.Payer.Identification
	switch in.PaymentMethodID {
	case mercadopago.PaymentMethodPix, mercadopago.PaymentMethodBoleto:
		if id == nil || (id.Type != "CPF" && id.Type != "CNPJ") || id.Number == "" {
			return "payer.identification must be a CPF or CNPJ", 4000 // simulator's code
		}
		if in.PaymentMethodID == mercadopago.PaymentMethodBoleto && (in.Payer.Address == nil || in.Payer.FirstName == "" || in.Payer.LastName == "") {
			return "payer first_name, last_name and address are required for boleto", 4000 // simulator's code
		}
	case mercadopago.PaymentMethodPSE:
		bank := ""
		if in.TransactionDetails != nil {
			bank = in.TransactionDetails.FinancialInstitution
		}
		if !slices.ContainsFunc(PSEBanks, func(b mercadopago.FinancialInstitution) bool { return b.ID == bank }) {
			return "transaction_details.financial_institution is not a PSE bank", 4000 // simulator's code
		}
		u, err := url.Parse(in.CallbackURL)
		if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			return "callback_url is required for pse", 4000 // simulator's code
		}
		if in.Payer.EntityType != "individual" && in.Payer.EntityType != "association" {
			return "payer.entity_type must be individual or association", 4000 // simulator's code
		}
		if in.AdditionalInfo == nil || net.ParseIP(in.AdditionalInfo.IPAddress) == nil {
			return "additional_info.ip_address is required for pse", 4000 // simulator's code
		}
		if id == nil || id.Number == "" {
			return "payer.identification is required for pse", 4000 // simulator's code
		}
		p.TransactionDetails.FinancialInstitution = strPtr(bank)
	case mercadopago.PaymentMethodYape:
		tok, ok := s.yape.Get(in.Token)
		if !ok || tok.used || now.After(tok.expires) {
			return "Invalid yape token", 3003
		}
		if in.Installments == nil || *in.Installments != 1 {
			return "installments must be 1 for yape", 4000 // simulator's code
		}
		tok.used = true
		p.yapePhone = tok.phone
	}
	if in.Token != "" && in.PaymentMethodID != mercadopago.PaymentMethodYape {
		return "token is only for card and yape payments", 4000 // simulator's code
	}
	if in.DateOfExpiration != nil && !in.DateOfExpiration.After(now) {
		return "date_of_expiration must be in the future", 4000 // simulator's code
	}
	p.PaymentMethodID, p.PaymentTypeID = in.PaymentMethodID, m.typeID
	p.PaymentMethod = paymentMethodOut{ID: in.PaymentMethodID, Type: m.typeID}
	p.Payer.Type = strPtr(mercadopago.PayerGuest)
	idText := strconv.FormatInt(p.ID, 10)
	page := s.URL + PayerPagePath + "/" + idText
	if in.PaymentMethodID == mercadopago.PaymentMethodYape {
		st, detail := mercadopago.StatusApproved, mercadopago.DetailAccredited
		if p.yapePhone == YapePhoneRejected {
			st, detail = mercadopago.StatusRejected, mercadopago.DetailRejectedOtherReason
		}
		p.setStatus(st, detail, now)
		return "", 0
	}
	p.Status, p.StatusDetail = string(mercadopago.StatusPending), "pending_waiting_payment"
	if m.typeID == "bank_transfer" {
		p.StatusDetail = string(mercadopago.DetailPendingWaitingTransfer)
	}
	switch {
	case in.DateOfExpiration != nil:
		p.expires = *in.DateOfExpiration
	case m.expiry > 0:
		p.expires = now.Add(m.expiry)
	}
	if !p.expires.IsZero() {
		p.DateOfExpiration = strPtr(mpTime(p.expires))
	}
	ref := fmt.Sprintf("%010d", p.ID%10000000000)
	switch in.PaymentMethodID {
	case mercadopago.PaymentMethodPix:
		qr := pixPayload(p.ID, p.TransactionAmount)
		p.PointOfInteraction = &poiOut{Type: "OPENPLATFORM", TransactionData: &poiTxOut{
			QRCode: qr, QRCodeBase64: base64.StdEncoding.EncodeToString(qrPNG(qr)), TicketURL: page,
		}}
	case mercadopago.PaymentMethodPSE:
		p.TransactionDetails.ExternalResourceURL = strPtr(page)
	default: // vouchers: boleto, OXXO, Paycash, SPEI, Efecty
		p.TransactionDetails.ExternalResourceURL = strPtr(page)
		p.TransactionDetails.PaymentMethodReferenceID = strPtr(ref)
		p.PaymentMethod.Data = map[string]any{"reference_id": ref}
		if in.PaymentMethodID == mercadopago.PaymentMethodBoleto || in.PaymentMethodID == mercadopago.PaymentMethodOXXO ||
			in.PaymentMethodID == mercadopago.PaymentMethodEfecty {
			bc := barcode(p.ID, p.TransactionAmount)
			p.TransactionDetails.Barcode = &barcodeOut{Content: bc}
			p.Barcode = &barcodeOut{Content: bc}
		}
		if in.PaymentMethodID == mercadopago.PaymentMethodBoleto {
			p.TransactionDetails.DigitableLine = strPtr(digitableLine(p.ID, p.TransactionAmount))
		}
	}
	return "", 0
}

// expireIfDue cancels a pending local payment whose date_of_expiration has
// passed, as Mercado Pago does, and notifies. Call with s.mu held.
func (s *Server) expireIfDue(p *payment) {
	if p.Status != string(mercadopago.StatusPending) || p.expires.IsZero() || localMethods[p.PaymentMethodID] == nil {
		return
	}
	now := s.Clock.Now()
	if now.Before(p.expires) {
		return
	}
	p.setStatus(mercadopago.StatusCancelled, mercadopago.DetailExpired, now)
	s.notify(p, "payment.updated")
}

// ExpireDue runs Mercado Pago's expiry job: every pending local payment
// past its date_of_expiration is cancelled with status_detail expired and
// notified. It returns how many were. (Reading a payment, searching, the
// payer's page and Settle expire a due payment too, so a test that only
// advances Clock still never sees it pending.)
func (s *Server) ExpireDue() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, p := range s.payments.Search(nil) {
		if p.Status == string(mercadopago.StatusPending) {
			s.expireIfDue(p)
			if p.Status != string(mercadopago.StatusPending) {
				n++
			}
		}
	}
	return n
}

// Settle plays the payer of the pending local payment id (Pix, boleto,
// PSE, OXXO, Paycash, SPEI, Efecty): OutcomePaid approves it, OutcomeRejected
// rejects it, OutcomeExpired cancels it as expired. A payment.updated
// notification follows. It fails for an unknown payment, a card or Yape
// payment, or one no longer pending (a payment past its date_of_expiration
// has expired already).
func (s *Server) Settle(id int64, o Outcome) (mercadopago.PaymentStatus, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.settleLocked(id, o)
}

func (s *Server) settleLocked(id int64, o Outcome) (mercadopago.PaymentStatus, error) {
	p, ok := s.payments.Get(id)
	if !ok {
		return "", fmt.Errorf("mercadopagotest: no payment %d", id)
	}
	if localMethods[p.PaymentMethodID] == nil || p.PaymentMethodID == mercadopago.PaymentMethodYape {
		return "", fmt.Errorf("mercadopagotest: payment %d is a %s payment, not one the payer settles later", id, p.PaymentMethodID)
	}
	s.expireIfDue(p)
	if p.Status != string(mercadopago.StatusPending) {
		return "", fmt.Errorf("mercadopagotest: payment %d is %s (%s), not pending", id, p.Status, p.StatusDetail)
	}
	now := s.Clock.Now()
	switch o {
	case OutcomePaid:
		p.setStatus(mercadopago.StatusApproved, mercadopago.DetailAccredited, now)
	case OutcomeRejected:
		p.setStatus(mercadopago.StatusRejected, "rejected_by_bank", now)
	case OutcomeExpired:
		p.setStatus(mercadopago.StatusCancelled, mercadopago.DetailExpired, now)
	default:
		return "", fmt.Errorf("mercadopagotest: outcome %q: must be paid, rejected or expired", o)
	}
	s.notify(p, "payment.updated")
	return mercadopago.PaymentStatus(p.Status), nil
}

// YapeToken makes a one-use Yape token for phone and otp, as
// MercadoPago.js mp.yape({phoneNumber, otp}).create() would; see
// YapePhoneRejected for the outcome rule. It expires after CardTokenTTL.
func (s *Server) YapeToken(phone, otp string) (string, error) {
	if len(phone) != 9 || !allDigits(phone) {
		return "", fmt.Errorf("mercadopagotest: yape phone number must be 9 digits")
	}
	if len(otp) != 6 || !allDigits(otp) {
		return "", fmt.Errorf("mercadopagotest: yape otp must be 6 digits")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := sim.RandomHex(16)
	s.yape.Put(id, &yapeToken{phone: phone, expires: s.Clock.Now().Add(CardTokenTTL)})
	return id, nil
}

// yapeToken is a Yape token made by YapeToken.
type yapeToken struct {
	phone   string
	expires time.Time
	used    bool
}

func allDigits(s string) bool {
	return s != "" && strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) < 0
}

func (s *Server) localRoutes() []sim.Route {
	cors := func(h http.HandlerFunc) http.HandlerFunc { return sim.CORS("Content-Type", h) }
	return []sim.Route{
		{Pattern: "GET " + PayerPagePath + "/{id}", Handler: s.payerPage},
		{Pattern: "GET " + PayerPagePath + "/{id}/qr.png", Handler: s.payerQR},
		{Pattern: "POST " + PayerPagePath + "/{id}", Handler: s.payerAct},
		{Pattern: "POST " + YapeTokenPath, Handler: cors(s.yapeTokenHTTP)},
		{Pattern: "OPTIONS " + YapeTokenPath, Handler: cors(nil)},
	}
}

var payerPage = template.Must(template.New("payer").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>{{.Method}} · Mercado Pago (simulator)</title></head>
<body><h1>{{if .Bank}}{{.Bank}} (simulated bank for PSE){{else}}{{.Method}} (simulator){{end}}</h1>
<p id="payment" data-id="{{.ID}}" data-status="{{.Status}}">Payment {{.ID}}: {{.Amount}} {{.Currency}}, {{.Status}}.</p>
{{if .QR}}<img id="qr" alt="Pix QR code" src="data:image/png;base64,{{.QRBase64}}"><p>Pix copia e cola: <code id="qr-code">{{.QR}}</code></p>{{end}}
{{if .DigitableLine}}<p>Linha digitável: <code id="digitable-line">{{.DigitableLine}}</code></p>{{end}}
{{if .Barcode}}<p>Barcode: <code id="barcode">{{.Barcode}}</code></p>{{end}}
{{if .Reference}}<p>Reference: <code id="reference">{{.Reference}}</code></p>{{end}}
{{if .Expires}}<p>Payable until <time id="expires">{{.Expires}}</time>.</p>{{end}}
{{if .Pending}}<form method="POST" action="{{.Action}}">
<button id="pay" name="outcome" value="paid">Pay</button>
<button id="reject" name="outcome" value="rejected">Reject</button>
<button id="expire" name="outcome" value="expired">Let it expire</button>
</form>{{end}}
</body></html>`))

var payerDone = template.Must(template.New("done").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>Mercado Pago (simulator)</title></head>
<body><p id="result" data-status="{{.Status}}">Payment {{.ID}} is {{.Status}}.</p></body></html>`))

func (s *Server) pagePayment(r *http.Request) *payment {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil
	}
	p, ok := s.payments.Get(id)
	if !ok || localMethods[p.PaymentMethodID] == nil || p.PaymentMethodID == mercadopago.PaymentMethodYape {
		return nil
	}
	s.expireIfDue(p)
	return p
}

// payerPage is the page at ticket_url / external_resource_url.
func (s *Server) payerPage(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	p := s.pagePayment(r)
	var data map[string]any
	if p != nil {
		data = map[string]any{
			"ID": p.ID, "Method": localMethods[p.PaymentMethodID].name, "Amount": p.TransactionAmount.String(), "Currency": p.CurrencyID,
			"Status": p.Status, "Pending": p.Status == string(mercadopago.StatusPending), "Action": PayerPagePath + "/" + strconv.FormatInt(p.ID, 10),
		}
		if t := p.PointOfInteraction; t != nil && t.TransactionData != nil {
			data["QR"], data["QRBase64"] = t.TransactionData.QRCode, t.TransactionData.QRCodeBase64
		}
		td := p.TransactionDetails
		if td.DigitableLine != nil {
			data["DigitableLine"] = *td.DigitableLine
		}
		if td.Barcode != nil {
			data["Barcode"] = td.Barcode.Content
		}
		if td.PaymentMethodReferenceID != nil {
			data["Reference"] = *td.PaymentMethodReferenceID
		}
		if td.FinancialInstitution != nil {
			for _, b := range PSEBanks {
				if b.ID == *td.FinancialInstitution {
					data["Bank"] = b.Description
				}
			}
		}
		if !p.expires.IsZero() {
			data["Expires"] = mpTime(p.expires)
		}
	}
	s.mu.Unlock()
	if p == nil {
		http.Error(w, "no local payment with this id", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = payerPage.Execute(w, data)
}

// payerQR serves the Pix QR image.
func (s *Server) payerQR(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	p := s.pagePayment(r)
	var img []byte
	if p != nil && p.PointOfInteraction != nil && p.PointOfInteraction.TransactionData != nil {
		img, _ = base64.StdEncoding.DecodeString(p.PointOfInteraction.TransactionData.QRCodeBase64)
	}
	s.mu.Unlock()
	if len(img) == 0 {
		http.Error(w, "no Pix payment with this id", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	_, _ = w.Write(img)
}

// payerAct is the form target of the payer's page.
func (s *Server) payerAct(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	s.mu.Lock()
	st, err := s.settleLocked(id, Outcome(r.PostForm.Get("outcome")))
	var callback string
	if p, ok := s.payments.Get(id); ok && err == nil && p.PaymentMethodID == mercadopago.PaymentMethodPSE && p.CallbackURL != nil {
		callback = *p.CallbackURL
	}
	s.mu.Unlock()
	if err != nil {
		http.Error(w, err.Error(), http.StatusConflict)
		return
	}
	if callback != "" {
		u, _ := url.Parse(callback) // checked when the payment was made
		q := u.Query()
		q.Set("payment_id", strconv.FormatInt(id, 10))
		q.Set("status", string(st))
		u.RawQuery = q.Encode()
		http.Redirect(w, r, u.String(), http.StatusSeeOther)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = payerDone.Execute(w, map[string]any{"ID": id, "Status": st})
}

// yapeTokenHTTP is MercadoPago.js's call behind mp.yape().create().
func (s *Server) yapeTokenHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("public_key") != s.PublicKey {
		apiError(w, http.StatusUnauthorized, "unauthorized", "invalid public_key")
		return
	}
	var in struct {
		PhoneNumber string `json:"phoneNumber"`
		OTP         string `json:"otp"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	tok, err := s.YapeToken(in.PhoneNumber, in.OTP)
	if err != nil {
		badRequest(w, 4000, strings.TrimPrefix(err.Error(), "mercadopagotest: ")) // simulator's code
		return
	}
	sim.WriteJSON(w, http.StatusCreated, map[string]any{"id": tok, "live_mode": false})
}

// pixPayload is a Pix "copia e cola" text in the EMV BR Code layout, with a
// right CRC16 but a made-up key and merchant.
func pixPayload(id int64, amount money.Decimal) string {
	field := func(tag, v string) string { return fmt.Sprintf("%s%02d%s", tag, len(v), v) }
	acct := field("00", "br.gov.bcb.pix") + field("01", "simulator-"+strconv.FormatInt(id, 10)+"@mercadopago.test")
	body := field("00", "01") + field("26", acct) + field("52", "0000") + field("53", "986") +
		field("54", amount.String()) + field("58", "BR") + field("59", "PAYKIT SIMULATOR") + field("60", "SAO PAULO") +
		field("62", field("05", "MP"+strconv.FormatInt(id, 10))) + "6304"
	return body + fmt.Sprintf("%04X", crc16(body))
}

// crc16 is CRC-16/CCITT-FALSE, the checksum of an EMV QR payload.
func crc16(s string) uint16 {
	crc := uint16(0xFFFF)
	for i := 0; i < len(s); i++ {
		crc ^= uint16(s[i]) << 8
		for range 8 {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
	}
	return crc
}

// qrPNG draws a QR-looking PNG of payload: three finder squares and cells
// from the payload's hash. It is a valid PNG, not a scannable QR code.
func qrPNG(payload string) []byte {
	const cells, px = 25, 6
	img := image.NewGray(image.Rect(0, 0, (cells+2)*px, (cells+2)*px))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	var bits []byte
	for h := sha256.Sum256([]byte(payload)); len(bits) < cells*cells/8+1; h = sha256.Sum256(h[:]) {
		bits = append(bits, h[:]...)
	}
	finder := func(x, y int) (bool, bool) {
		for _, o := range [][2]int{{0, 0}, {cells - 7, 0}, {0, cells - 7}} {
			dx, dy := x-o[0], y-o[1]
			if dx >= 0 && dx < 7 && dy >= 0 && dy < 7 {
				ring := dx == 0 || dy == 0 || dx == 6 || dy == 6
				core := dx >= 2 && dx <= 4 && dy >= 2 && dy <= 4
				return true, ring || core
			}
		}
		return false, false
	}
	for y := range cells {
		for x := range cells {
			in, dark := finder(x, y)
			if !in {
				n := y*cells + x
				dark = bits[n/8]>>(n%8)&1 == 1
			}
			if !dark {
				continue
			}
			for yy := range px {
				for xx := range px {
					img.SetGray((x+1)*px+xx, (y+1)*px+yy, color.Gray{})
				}
			}
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
}

// barcode is a 44-digit voucher barcode made from the payment (bank 237,
// currency 9, then digits from the id and amount); not a bank's real layout.
func barcode(id int64, amount money.Decimal) string {
	cents, _ := amount.Minor(2)
	var seed [16]byte
	binary.BigEndian.PutUint64(seed[:8], uint64(id))
	binary.BigEndian.PutUint64(seed[8:], uint64(cents))
	h := sha256.Sum256(seed[:])
	var b strings.Builder
	b.WriteString("2379")
	fmt.Fprintf(&b, "%010d", cents%10000000000)
	for i := 0; b.Len() < 44; i++ {
		b.WriteByte('0' + h[i%len(h)]%10)
	}
	return b.String()
}

// digitableLine is the 47-digit typed line of a boleto (the barcode's
// digits regrouped, the simulator's own check digits).
func digitableLine(id int64, amount money.Decimal) string {
	bc := barcode(id, amount)
	return bc + bc[:3]
}
