package mercadopagotest_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
	"github.com/paykit-go/paykit/money"
)

// localRequest is a request for method that passes paykit's checks.
func localRequest(method, amount string) *mercadopago.PaymentRequest {
	req := &mercadopago.PaymentRequest{
		TransactionAmount: money.MustParse(amount), PaymentMethodID: method, Description: "Order 9",
		Payer: &mercadopago.PaymentPayer{Email: "ana@example.com"},
	}
	switch method {
	case mercadopago.PaymentMethodPix:
		req.Payer.Identification = &mercadopago.Identification{Type: "CPF", Number: "19119119100"}
	case mercadopago.PaymentMethodBoleto:
		req.Payer.FirstName, req.Payer.LastName = "Ana", "Souza"
		req.Payer.Identification = &mercadopago.Identification{Type: "CPF", Number: "19119119100"}
		req.Payer.Address = &mercadopago.PayerAddress{ZipCode: "06233200", StreetName: "Av. das Nações Unidas", StreetNumber: "3003",
			Neighborhood: "Bonfim", City: "Osasco", FederalUnit: "SP"}
	case mercadopago.PaymentMethodPSE:
		req.Payer.EntityType = mercadopago.EntityIndividual
		req.Payer.Identification = &mercadopago.Identification{Type: "CC", Number: "1234567890"}
		req.TransactionDetails = &mercadopago.PaymentTransactionDetails{FinancialInstitution: "1007"}
		req.CallbackURL = "https://shop.example/pse/back"
		req.AdditionalInfo = &mercadopago.AdditionalInfo{IPAddress: "203.0.113.9"}
	}
	return req
}

func siteServer(t *testing.T, site mercadopago.Site, opts ...mercadopagotest.Option) (*mercadopagotest.Server, *mercadopago.Client) {
	t.Helper()
	srv := mercadopagotest.NewServer(append([]mercadopagotest.Option{mercadopagotest.WithSite(site)}, opts...)...)
	t.Cleanup(srv.Close)
	c, err := srv.Client(mercadopago.WithSite(site))
	require.NoError(t, err)
	return srv, c
}

func TestLocalMethodsArePendingWithWhatThePayerNeeds(t *testing.T) {
	cases := []struct {
		site     mercadopago.Site
		method   string
		amount   string
		kind     mercadopago.ActionKind
		currency string
	}{
		{mercadopago.SiteBrazil, mercadopago.PaymentMethodPix, "100.50", mercadopago.ActionShowQR, "BRL"},
		{mercadopago.SiteBrazil, mercadopago.PaymentMethodBoleto, "100.50", mercadopago.ActionShowVoucher, "BRL"},
		{mercadopago.SiteColombia, mercadopago.PaymentMethodPSE, "50000", mercadopago.ActionRedirect, "COP"},
		{mercadopago.SiteColombia, mercadopago.PaymentMethodEfecty, "50000", mercadopago.ActionShowVoucher, "COP"},
		{mercadopago.SiteMexico, mercadopago.PaymentMethodOXXO, "250.00", mercadopago.ActionShowVoucher, "MXN"},
		{mercadopago.SiteMexico, mercadopago.PaymentMethodPaycash, "250.00", mercadopago.ActionShowVoucher, "MXN"},
		{mercadopago.SiteMexico, mercadopago.PaymentMethodSPEI, "250.00", mercadopago.ActionShowVoucher, "MXN"},
	}
	for _, tc := range cases {
		t.Run(tc.method, func(t *testing.T) {
			srv, c := siteServer(t, tc.site)
			p, err := c.Payments.Create(ctx, localRequest(tc.method, tc.amount))
			require.NoError(t, err)
			assert.Equal(t, mercadopago.StatusPending, p.Status)
			assert.Equal(t, tc.currency, p.CurrencyID)
			assert.Empty(t, p.Unparsed)
			a := p.NextAction(srv.Clock.Now())
			assert.Equal(t, tc.kind, a.Kind)
			require.NotEmpty(t, a.URL)
			assert.True(t, strings.HasPrefix(a.URL, srv.URL+mercadopagotest.PayerPagePath+"/"), a.URL)
			switch tc.method {
			case mercadopago.PaymentMethodPix:
				assert.True(t, strings.HasPrefix(a.QRCode, "000201"), a.QRCode)
				_, err := png.Decode(bytes.NewReader(a.QRCodePNG))
				require.NoError(t, err, "qr_code_base64 must be a PNG")
				assert.False(t, p.DateOfExpiration.IsZero())
			case mercadopago.PaymentMethodBoleto:
				assert.Len(t, a.Barcode, 44)
				assert.Len(t, a.DigitableLine, 47)
				require.NotNil(t, p.Barcode, "the barcode comes at the root too")
				assert.Equal(t, a.Barcode, p.Barcode.Content)
			case mercadopago.PaymentMethodPSE:
				assert.Equal(t, "1007", p.TransactionDetails.FinancialInstitution)
			case mercadopago.PaymentMethodOXXO, mercadopago.PaymentMethodPaycash, mercadopago.PaymentMethodSPEI, mercadopago.PaymentMethodEfecty:
				assert.NotEmpty(t, a.Reference)
				assert.Equal(t, a.Reference, p.PaymentMethod.Data.ReferenceID)
			}
			// The payer's page is served and names the payment.
			resp, err := http.Get(a.URL)
			require.NoError(t, err)
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Contains(t, string(body), `data-id="`+strconv.FormatInt(p.ID, 10)+`"`)
			assert.Contains(t, string(body), `value="paid"`)
		})
	}
}

// notifications collects the verified notifications of a webhook endpoint.
type notifications struct {
	mu  sync.Mutex
	got []*mercadopago.Notification
}

func hookServer(t *testing.T) (*httptest.Server, *notifications) {
	t.Helper()
	v, err := mercadopago.NewWebhookVerifier(mercadopagotest.DefaultWebhookSecret)
	require.NoError(t, err)
	n := &notifications{}
	hook := httptest.NewServer(v.Handler(func(_ context.Context, got *mercadopago.Notification) error {
		n.mu.Lock()
		n.got = append(n.got, got)
		n.mu.Unlock()
		return nil
	}))
	t.Cleanup(hook.Close)
	return hook, n
}

func TestSettleEndsALocalPaymentWithASignedNotification(t *testing.T) {
	for _, o := range []struct {
		outcome mercadopagotest.Outcome
		status  mercadopago.PaymentStatus
		detail  mercadopago.StatusDetail
		kind    mercadopago.ActionKind
	}{
		{mercadopagotest.OutcomePaid, mercadopago.StatusApproved, mercadopago.DetailAccredited, mercadopago.ActionNone},
		{mercadopagotest.OutcomeRejected, mercadopago.StatusRejected, "rejected_by_bank", mercadopago.ActionNone},
		{mercadopagotest.OutcomeExpired, mercadopago.StatusCancelled, mercadopago.DetailExpired, mercadopago.ActionExpired},
	} {
		t.Run(string(o.outcome), func(t *testing.T) {
			hook, got := hookServer(t)
			srv, c := siteServer(t, mercadopago.SiteBrazil, mercadopagotest.WithWebhook(hook.URL, mercadopagotest.DefaultWebhookSecret))
			p, err := c.Payments.Create(ctx, localRequest(mercadopago.PaymentMethodPix, "10"))
			require.NoError(t, err)
			st, err := srv.Settle(p.ID, o.outcome)
			require.NoError(t, err)
			assert.Equal(t, o.status, st)
			p, err = c.Payments.Get(ctx, p.ID)
			require.NoError(t, err)
			assert.Equal(t, o.status, p.Status)
			assert.Equal(t, o.detail, p.StatusDetail)
			assert.Equal(t, o.kind, p.NextAction(srv.Clock.Now()).Kind)
			wctx, cancel := context.WithTimeout(ctx, hangGuard)
			defer cancel()
			require.NoError(t, srv.WaitDeliveries(wctx, 2))
			got.mu.Lock()
			defer got.mu.Unlock()
			require.Len(t, got.got, 2, "created and updated, both verified")
			assert.Equal(t, "payment.updated", got.got[1].Action)
			_, err = srv.Settle(p.ID, mercadopagotest.OutcomePaid)
			assert.ErrorContains(t, err, "not pending", "a settled payment cannot be settled again")
		})
	}
}

func TestALocalPaymentExpiresWhenTheClockPassesItsDate(t *testing.T) {
	srv, _ := siteServer(t, mercadopago.SiteMexico)
	srv.Clock.Set(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC))
	c, err := srv.Client(mercadopago.WithSite(mercadopago.SiteMexico), mercadopago.WithClock(srv.Clock.Now))
	require.NoError(t, err)
	req := localRequest(mercadopago.PaymentMethodOXXO, "99.90")
	req.DateOfExpiration = mercadopago.Ptr(srv.Clock.Now().Add(2 * time.Hour))
	p, err := c.Payments.Create(ctx, req)
	require.NoError(t, err)
	assert.Equal(t, mercadopago.ActionShowVoucher, p.NextAction(srv.Clock.Now()).Kind)
	assert.Equal(t, mercadopago.ActionExpired, p.NextAction(srv.Clock.Now().Add(2*time.Hour)).Kind, "past its date it reads expired, even before the API says so")
	srv.Clock.Advance(3 * time.Hour)
	p, err = c.Payments.Get(ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, mercadopago.StatusCancelled, p.Status)
	assert.Equal(t, mercadopago.DetailExpired, p.StatusDetail)
	assert.True(t, p.Expired(srv.Clock.Now()))
	_, err = srv.Settle(p.ID, mercadopagotest.OutcomePaid)
	assert.Error(t, err, "an expired voucher cannot be paid")
}

func TestThePayerPageSettlesAndPSEReturnsToTheCallback(t *testing.T) {
	srv, c := siteServer(t, mercadopago.SiteColombia)
	p, err := c.Payments.Create(ctx, localRequest(mercadopago.PaymentMethodPSE, "35000"))
	require.NoError(t, err)
	a := p.NextAction(srv.Clock.Now())
	require.Equal(t, mercadopago.ActionRedirect, a.Kind)
	page, err := http.Get(a.URL)
	require.NoError(t, err)
	body, _ := io.ReadAll(page.Body)
	page.Body.Close()
	assert.Contains(t, string(body), "Bancolombia", "the stand-in bank is the one the payer chose")

	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.PostForm(a.URL, url.Values{"outcome": {"paid"}})
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	back, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	assert.Equal(t, "shop.example", back.Host)
	assert.Equal(t, "/pse/back", back.Path)
	assert.Equal(t, strconv.FormatInt(p.ID, 10), back.Query().Get("payment_id"))
	p, err = c.Payments.Get(ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, mercadopago.StatusApproved, p.Status)

	// A voucher page's buttons answer with a page, not a redirect.
	srv2, c2 := siteServer(t, mercadopago.SiteMexico)
	p2, err := c2.Payments.Create(ctx, localRequest(mercadopago.PaymentMethodSPEI, "10"))
	require.NoError(t, err)
	resp, err = noFollow.PostForm(p2.NextAction(srv2.Clock.Now()).URL, url.Values{"outcome": {"rejected"}})
	require.NoError(t, err)
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(body), `data-status="rejected"`)
}

func TestTheSiteFollowsTheTokenAndRefusesOtherSitesMethods(t *testing.T) {
	srv := mercadopagotest.NewServer(mercadopagotest.WithAccessToken("TEST-MLB-1234-simulated"))
	t.Cleanup(srv.Close)
	assert.Equal(t, mercadopago.SiteBrazil, srv.Site)
	c, err := srv.Client() // no WithSite: the SDK does not know, the simulator refuses
	require.NoError(t, err)
	_, err = c.Payments.Create(ctx, localRequest(mercadopago.PaymentMethodOXXO, "10"))
	var apiErr *mercadopago.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode)
	assert.Equal(t, 0, srv.PaymentCount(), "nothing was made")

	methods, err := c.PaymentMethods.List(ctx)
	require.NoError(t, err)
	var ids []string
	for _, m := range methods {
		ids = append(ids, m.ID)
	}
	assert.Contains(t, ids, "pix")
	assert.Contains(t, ids, "bolbradesco")
	assert.NotContains(t, ids, "oxxo")
	assert.NotContains(t, ids, "fintoc")

	// A card payment in Brazil is in BRL.
	p, err := c.Payments.Create(ctx, cardPayment(token(t, srv, "APRO"), "100"))
	require.NoError(t, err)
	assert.Equal(t, "BRL", p.CurrencyID)
}

func TestYapeIsDecidedAtOnce(t *testing.T) {
	srv, c := siteServer(t, mercadopago.SitePeru)
	for phone, want := range map[string]mercadopago.PaymentStatus{"987654321": mercadopago.StatusApproved, mercadopagotest.YapePhoneRejected: mercadopago.StatusRejected} {
		tok, err := srv.YapeToken(phone, "123456")
		require.NoError(t, err)
		req := localRequest(mercadopago.PaymentMethodYape, "50.00")
		req.Token, req.Installments = tok, mercadopago.Ptr(1)
		p, err := c.Payments.Create(ctx, req)
		require.NoError(t, err)
		assert.Equal(t, want, p.Status, phone)
		assert.Equal(t, "PEN", p.CurrencyID)
		assert.Equal(t, mercadopago.ActionNone, p.NextAction(srv.Clock.Now()).Kind)
		_, err = c.Payments.Create(ctx, req)
		assert.Error(t, err, "a Yape token is used once")
	}
	// The MercadoPago.js call makes one too.
	resp, err := http.Post(srv.URL+mercadopagotest.YapeTokenPath+"?public_key="+url.QueryEscape(srv.PublicKey), "application/json",
		strings.NewReader(`{"phoneNumber":"987654321","otp":"123456"}`))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusCreated, resp.StatusCode)
}

func TestQRCodeBase64IsThePNGThePageServes(t *testing.T) {
	srv, c := siteServer(t, mercadopago.SiteBrazil)
	p, err := c.Payments.Create(ctx, localRequest(mercadopago.PaymentMethodPix, "12.34"))
	require.NoError(t, err)
	resp, err := http.Get(srv.URL + mercadopagotest.PayerPagePath + "/" + strconv.FormatInt(p.ID, 10) + "/qr.png")
	require.NoError(t, err)
	img, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, "image/png", resp.Header.Get("Content-Type"))
	assert.Equal(t, p.PointOfInteraction.TransactionData.QRCodeBase64, base64.StdEncoding.EncodeToString(img))
}

func TestOneServerPlaysEverySiteThroughItsTokens(t *testing.T) {
	srv := mercadopagotest.NewServer()
	t.Cleanup(srv.Close)
	assert.Equal(t, mercadopago.SiteChile, srv.Site, "the default site")
	for site, method := range map[mercadopago.Site]string{
		mercadopago.SiteBrazil: mercadopago.PaymentMethodPix, mercadopago.SiteColombia: mercadopago.PaymentMethodPSE,
		mercadopago.SiteMexico: mercadopago.PaymentMethodOXXO,
	} {
		c, err := mercadopago.NewClient(mercadopago.Credentials{AccessToken: srv.SiteAccessToken(site)},
			mercadopago.WithBaseURL(srv.URL), mercadopago.WithSite(site))
		require.NoError(t, err)
		p, err := c.Payments.Create(ctx, localRequest(method, "1000"))
		require.NoError(t, err, site)
		assert.Equal(t, site.Currency(), p.CurrencyID)
	}
	_, err := mercadopago.NewClient(mercadopago.Credentials{AccessToken: "TEST-MLB-not-this-server"}, mercadopago.WithBaseURL(srv.URL))
	require.NoError(t, err)
	bad, _ := mercadopago.NewClient(mercadopago.Credentials{AccessToken: "TEST-MLB-not-this-server"}, mercadopago.WithBaseURL(srv.URL))
	_, err = bad.PaymentMethods.List(ctx)
	var apiErr *mercadopago.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusUnauthorized, apiErr.StatusCode, "a site token of another server is refused")
}
