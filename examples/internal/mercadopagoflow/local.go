package mercadopagoflow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/examples/internal/transcript"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
	"github.com/paykit-go/paykit/money"
)

// RunLocalMethods tells the methods that are not cards, one section each:
// Pix and boleto (Brazil, BRL), PSE and Efecty (Colombia, COP), OXXO and
// SPEI (Mexico, MXN), Yape (Peru, PEN). Each payment is created pending
// with what the payer must do (NextAction), then paid, rejected or left to
// expire by the payer's stand-in page, by a call on the simulator or by the
// clock, and announced by a signed notification. Offline only: the real
// sandbox needs an account per country.
func RunLocalMethods(ctx context.Context, t *transcript.T, live bool) error {
	return run(ctx, t, live, pix, boleto, pse, oxxo, spei, efecty, yape)
}

// siteClient is a client for the simulator's account of site: its token
// for that site, the site declared, and the simulator's clock.
func (e *env) siteClient(site mercadopago.Site) (*mercadopago.Client, error) {
	return mercadopago.NewClient(mercadopago.Credentials{AccessToken: e.srv.SiteAccessToken(site)},
		mercadopago.WithBaseURL(e.srv.URL), mercadopago.WithSite(site), mercadopago.WithClock(e.srv.Clock.Now),
		mercadopago.WithRetryBackoff(time.Millisecond, 5*time.Millisecond))
}

// localStart opens a section and returns the site's client, or nil when
// the flow is skipped (live).
func (e *env) localStart(title string, site mercadopago.Site) (*mercadopago.Client, error) {
	e.t.Section(title)
	if e.live {
		e.t.Next("this method needs an account of its country: the flow runs on the simulator only")
		return nil, nil
	}
	return e.siteClient(site)
}

// create sends a local payment and shows what the payer must do.
func (e *env) createLocal(ctx context.Context, c *mercadopago.Client, req *mercadopago.PaymentRequest) (*mercadopago.Payment, mercadopago.NextAction, error) {
	order := orderID(req.PaymentMethodID)
	req.ExternalReference = order
	e.t.Sent("POST /v1/payments payment_method_id %s, %s %s, X-Idempotency-Key %s", req.PaymentMethodID, req.TransactionAmount, c.Site().Currency(), order)
	p, err := c.Payments.Create(ctx, req, mercadopago.WithIdempotencyKey(order))
	if err != nil {
		return nil, mercadopago.NextAction{}, err
	}
	e.t.Got("%s", describe(p))
	a := p.NextAction(e.srv.Clock.Now())
	e.t.Next("payer: %s", describeAction(a))
	return p, a, nil
}

func describeAction(a mercadopago.NextAction) string {
	var parts []string
	add := func(k, v string) {
		if v != "" {
			parts = append(parts, k+" "+v)
		}
	}
	add("url", a.URL)
	add("qr_code", shorten(a.QRCode))
	if len(a.QRCodePNG) > 0 {
		parts = append(parts, fmt.Sprintf("QR image %d bytes of PNG", len(a.QRCodePNG)))
	}
	add("barcode", a.Barcode)
	add("digitable line", a.DigitableLine)
	add("reference", a.Reference)
	if !a.ExpiresAt.IsZero() {
		parts = append(parts, "until "+a.ExpiresAt.Format(time.RFC3339))
	}
	return string(a.Kind) + ": " + strings.Join(parts, ", ")
}

func shorten(s string) string {
	if len(s) > 32 {
		return s[:32] + "…"
	}
	return s
}

// settleByPage plays the payer pressing a button of the stand-in page.
func (e *env) settleByPage(ctx context.Context, a mercadopago.NextAction, outcome mercadopagotest.Outcome) (int, string, error) {
	e.t.Actor("payer opens %s and presses %q", a.URL, outcome)
	return submit(ctx, a.URL, url.Values{"outcome": {string(outcome)}})
}

// confirm waits for the payment.updated notification and reads the
// payment again, as a merchant does before fulfilling.
func (e *env) confirm(ctx context.Context, c *mercadopago.Client, id int64) (*mercadopago.Payment, error) {
	n, err := e.awaitNotification(ctx, id, "payment.updated")
	if err != nil {
		return nil, err
	}
	e.t.Got("webhook %s for data.id %s, x-signature verified", n.Action, n.DataID)
	p, err := c.Payments.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	e.t.Got("GET /v1/payments/%d: %s", id, describe(p))
	return p, nil
}

// refused shows a request paykit refuses before sending anything.
func (e *env) refused(ctx context.Context, c *mercadopago.Client, what string, req *mercadopago.PaymentRequest) {
	before := e.srv.PaymentCount()
	_, err := c.Payments.Create(ctx, req)
	var ve *paykit.ValidationError
	if e.t.Check(errors.As(err, &ve) && e.srv.PaymentCount() == before, "%s is refused before sending", what) {
		e.t.Got("%v", err)
	}
}

func brazilPayer() *mercadopago.PaymentPayer {
	return &mercadopago.PaymentPayer{Email: "test_user_br@testuser.com", FirstName: "Ana", LastName: "Souza",
		Identification: &mercadopago.Identification{Type: "CPF", Number: "19119119100"}}
}

func pix(ctx context.Context, e *env) error {
	c, err := e.localStart("Mercado Pago · Pix (Brazil, BRL)", mercadopago.SiteBrazil)
	if c == nil {
		return err
	}
	t := e.t
	e.refused(ctx, c, "10.505 BRL (three decimals)", &mercadopago.PaymentRequest{TransactionAmount: money.MustParse("10.505"),
		PaymentMethodID: mercadopago.PaymentMethodPix, Payer: brazilPayer()})
	e.refused(ctx, c, "Pix without the payer's CPF", &mercadopago.PaymentRequest{TransactionAmount: money.MustParse("10.50"),
		PaymentMethodID: mercadopago.PaymentMethodPix, Payer: &mercadopago.PaymentPayer{Email: "test_user_br@testuser.com"}})
	p, a, err := e.createLocal(ctx, c, &mercadopago.PaymentRequest{TransactionAmount: money.MustParse("149.90"),
		PaymentMethodID: mercadopago.PaymentMethodPix, Description: "Rede de dormir", Payer: brazilPayer()})
	if err != nil {
		return fail(t, "create pix", err)
	}
	t.Check(p.Status == mercadopago.StatusPending && p.CurrencyID == "BRL", "Pix is pending, in BRL")
	t.Check(a.Kind == mercadopago.ActionShowQR && strings.HasPrefix(a.QRCode, "000201") && len(a.QRCodePNG) > 8 && string(a.QRCodePNG[1:4]) == "PNG",
		"NextAction is show_qr with the copia-e-cola text and a PNG image")
	status, _, err := e.settleByPage(ctx, a, mercadopagotest.OutcomePaid)
	if err != nil {
		return fail(t, "payer page", err)
	}
	t.Check(status == http.StatusOK, "the stand-in page takes the payment")
	p, err = e.confirm(ctx, c, p.ID)
	if err != nil {
		return fail(t, "confirm pix", err)
	}
	t.Check(p.Status == mercadopago.StatusApproved && p.NextAction(e.srv.Clock.Now()).Kind == mercadopago.ActionNone, "paid Pix is approved; nothing left for the payer")
	return nil
}

func boleto(ctx context.Context, e *env) error {
	c, err := e.localStart("Mercado Pago · boleto (Brazil, BRL)", mercadopago.SiteBrazil)
	if c == nil {
		return err
	}
	t := e.t
	payer := brazilPayer()
	e.refused(ctx, c, "a boleto without the payer's address", &mercadopago.PaymentRequest{TransactionAmount: money.MustParse("89.00"),
		PaymentMethodID: mercadopago.PaymentMethodBoleto, Payer: payer})
	payer.Address = &mercadopago.PayerAddress{ZipCode: "06233200", StreetName: "Av. das Nações Unidas", StreetNumber: "3003",
		Neighborhood: "Bonfim", City: "Osasco", FederalUnit: "SP"}
	due := e.srv.Clock.Now().Add(48 * time.Hour)
	p, a, err := e.createLocal(ctx, c, &mercadopago.PaymentRequest{TransactionAmount: money.MustParse("89.00"),
		PaymentMethodID: mercadopago.PaymentMethodBoleto, Description: "Chinelo", Payer: payer, DateOfExpiration: &due})
	if err != nil {
		return fail(t, "create boleto", err)
	}
	t.Check(a.Kind == mercadopago.ActionShowVoucher && len(a.Barcode) == 44 && len(a.DigitableLine) == 47 && a.URL != "",
		"NextAction is show_voucher with barcode, digitable line and voucher URL")
	t.Actor("the payer never pays; three days pass")
	e.srv.Clock.Advance(72 * time.Hour)
	t.Check(p.NextAction(e.srv.Clock.Now()).Kind == mercadopago.ActionExpired, "the payment read before reads expired once its date has passed, never pending forever")
	t.Actor("Mercado Pago's expiry job runs (srv.ExpireDue): %d payment cancelled", e.srv.ExpireDue())
	p, err = e.confirm(ctx, c, p.ID)
	if err != nil {
		return fail(t, "confirm boleto", err)
	}
	t.Check(p.Status == mercadopago.StatusCancelled && p.StatusDetail == mercadopago.DetailExpired && p.Expired(e.srv.Clock.Now()),
		"Mercado Pago cancels it as expired")
	return nil
}

func pse(ctx context.Context, e *env) error {
	c, err := e.localStart("Mercado Pago · PSE (Colombia, COP)", mercadopago.SiteColombia)
	if c == nil {
		return err
	}
	t := e.t
	methods, err := c.PaymentMethods.List(ctx)
	if err != nil {
		return fail(t, "payment methods", err)
	}
	var banks []mercadopago.FinancialInstitution
	for _, m := range methods {
		if m.ID == mercadopago.PaymentMethodPSE {
			banks = m.FinancialInstitutions
		}
	}
	if !t.Check(len(banks) > 0, "GET /v1/payment_methods lists PSE's banks (%d)", len(banks)) {
		return nil
	}
	req := func(bank string) *mercadopago.PaymentRequest {
		return &mercadopago.PaymentRequest{TransactionAmount: money.FromInt(120000), PaymentMethodID: mercadopago.PaymentMethodPSE,
			Description: "Sombrero vueltiao", CallbackURL: "https://shop.example/pse/back",
			TransactionDetails: &mercadopago.PaymentTransactionDetails{FinancialInstitution: bank},
			AdditionalInfo:     &mercadopago.AdditionalInfo{IPAddress: "203.0.113.9"},
			Payer: &mercadopago.PaymentPayer{Email: "test_user_co@testuser.com", EntityType: mercadopago.EntityIndividual,
				Identification: &mercadopago.Identification{Type: "CC", Number: "1020304050"}}}
	}
	e.refused(ctx, c, "a bank not in the list", req("9999"))
	bad := req(banks[0].ID)
	bad.TransactionAmount = money.MustParse("120000.50")
	e.refused(ctx, c, "centavos in COP", bad)
	p, a, err := e.createLocal(ctx, c, req(banks[0].ID))
	if err != nil {
		return fail(t, "create pse", err)
	}
	t.Check(a.Kind == mercadopago.ActionRedirect && a.URL != "", "NextAction is redirect to %s's page", banks[0].Description)
	status, back, err := e.settleByPage(ctx, a, mercadopagotest.OutcomePaid)
	if err != nil {
		return fail(t, "bank page", err)
	}
	t.Check(status == http.StatusSeeOther && strings.HasPrefix(back, "https://shop.example/pse/back?"), "the bank sends the payer back to callback_url")
	t.Got("payer's browser → %s", back)
	t.Next("never trust the return: wait for the notification and read the payment")
	p, err = e.confirm(ctx, c, p.ID)
	if err != nil {
		return fail(t, "confirm pse", err)
	}
	t.Check(p.Status == mercadopago.StatusApproved && p.CurrencyID == "COP", "PSE is approved, in COP")
	return nil
}

func oxxo(ctx context.Context, e *env) error {
	c, err := e.localStart("Mercado Pago · OXXO (Mexico, MXN)", mercadopago.SiteMexico)
	if c == nil {
		return err
	}
	t := e.t
	p, a, err := e.createLocal(ctx, c, &mercadopago.PaymentRequest{TransactionAmount: money.MustParse("349.00"),
		PaymentMethodID: mercadopago.PaymentMethodOXXO, Description: "Rebozo", Payer: &mercadopago.PaymentPayer{Email: "test_user_mx@testuser.com"}})
	if err != nil {
		return fail(t, "create oxxo", err)
	}
	t.Check(a.Kind == mercadopago.ActionShowVoucher && a.Reference != "" && a.Barcode != "", "NextAction is show_voucher with reference and barcode")
	t.Actor("the payer pays at an OXXO counter (srv.Settle(%d, paid), or POST /complete on the simulators' control API)", p.ID)
	if _, err := e.srv.Settle(p.ID, mercadopagotest.OutcomePaid); err != nil {
		return fail(t, "settle", err)
	}
	p, err = e.confirm(ctx, c, p.ID)
	if err != nil {
		return fail(t, "confirm oxxo", err)
	}
	t.Check(p.Status == mercadopago.StatusApproved && p.CurrencyID == "MXN", "OXXO is approved, in MXN")
	return nil
}

func spei(ctx context.Context, e *env) error {
	c, err := e.localStart("Mercado Pago · SPEI (Mexico, MXN)", mercadopago.SiteMexico)
	if c == nil {
		return err
	}
	t := e.t
	p, a, err := e.createLocal(ctx, c, &mercadopago.PaymentRequest{TransactionAmount: money.MustParse("1250.00"),
		PaymentMethodID: mercadopago.PaymentMethodSPEI, Description: "Molcajete", Payer: &mercadopago.PaymentPayer{Email: "test_user_mx@testuser.com"}})
	if err != nil {
		return fail(t, "create spei", err)
	}
	t.Check(a.Kind == mercadopago.ActionShowVoucher && a.Reference != "" && a.URL != "", "NextAction is show_voucher with the transfer's reference")
	if _, _, err := e.settleByPage(ctx, a, mercadopagotest.OutcomeRejected); err != nil {
		return fail(t, "payer page", err)
	}
	p, err = e.confirm(ctx, c, p.ID)
	if err != nil {
		return fail(t, "confirm spei", err)
	}
	t.Check(p.Status == mercadopago.StatusRejected, "a refused transfer leaves the payment rejected")
	return nil
}

func efecty(ctx context.Context, e *env) error {
	c, err := e.localStart("Mercado Pago · Efecty (Colombia, COP)", mercadopago.SiteColombia)
	if c == nil {
		return err
	}
	t := e.t
	p, a, err := e.createLocal(ctx, c, &mercadopago.PaymentRequest{TransactionAmount: money.FromInt(45000),
		PaymentMethodID: mercadopago.PaymentMethodEfecty, Description: "Mochila wayuu", Payer: &mercadopago.PaymentPayer{Email: "test_user_co@testuser.com"}})
	if err != nil {
		return fail(t, "create efecty", err)
	}
	t.Check(a.Kind == mercadopago.ActionShowVoucher && a.Reference != "", "NextAction is show_voucher with the Efecty reference")
	if _, _, err := e.settleByPage(ctx, a, mercadopagotest.OutcomeExpired); err != nil {
		return fail(t, "payer page", err)
	}
	p, err = e.confirm(ctx, c, p.ID)
	if err != nil {
		return fail(t, "confirm efecty", err)
	}
	t.Check(p.NextAction(e.srv.Clock.Now()).Kind == mercadopago.ActionExpired, "an expired voucher reads expired")
	return nil
}

func yape(ctx context.Context, e *env) error {
	c, err := e.localStart("Mercado Pago · Yape (Peru, PEN)", mercadopago.SitePeru)
	if c == nil {
		return err
	}
	t := e.t
	t.Actor("payer types phone 987654321 and the approval code from the Yape app; MercadoPago.js makes a Yape token")
	tok, err := e.yapeToken(ctx, "987654321", "123456")
	if err != nil {
		return fail(t, "yape token", err)
	}
	req := &mercadopago.PaymentRequest{TransactionAmount: money.MustParse("59.90"), PaymentMethodID: mercadopago.PaymentMethodYape,
		Token: tok, Installments: mercadopago.Ptr(2), Description: "Chullo", Payer: &mercadopago.PaymentPayer{Email: "test_user_pe@testuser.com"}}
	e.refused(ctx, c, "Yape in 2 installments", req)
	req.Installments = mercadopago.Ptr(1)
	p, a, err := e.createLocal(ctx, c, req)
	if err != nil {
		return fail(t, "create yape", err)
	}
	t.Check(p.Status == mercadopago.StatusApproved && p.CurrencyID == "PEN" && a.Kind == mercadopago.ActionNone, "Yape is decided at once: approved, in PEN")
	return nil
}

// yapeToken plays MercadoPago.js's mp.yape({phoneNumber, otp}).create().
func (e *env) yapeToken(ctx context.Context, phone, otp string) (string, error) {
	body := `{"phoneNumber":` + strconv.Quote(phone) + `,"otp":` + strconv.Quote(otp) + `}`
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.srv.URL+mercadopagotest.YapeTokenPath+"?public_key="+url.QueryEscape(e.publicKey), strings.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct {
		ID string `json:"id"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&out); err != nil || out.ID == "" {
		return "", fmt.Errorf("yape token: HTTP %d", resp.StatusCode)
	}
	return out.ID, nil
}
