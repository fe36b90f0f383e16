package mercadopagotest_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
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

// noRedirect is a browser that shows redirects instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// hookRecorder is a merchant's notification endpoint that verifies and keeps
// what arrives.
type hookRecorder struct {
	mu  sync.Mutex
	got []*mercadopago.Notification
	srv *httptest.Server
}

func newHook(t *testing.T, secret string) *hookRecorder {
	h := &hookRecorder{}
	v, err := mercadopago.NewWebhookVerifier(secret)
	require.NoError(t, err)
	h.srv = httptest.NewServer(v.Handler(func(_ context.Context, n *mercadopago.Notification) error {
		h.mu.Lock()
		h.got = append(h.got, n)
		h.mu.Unlock()
		return nil
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hookRecorder) all() []*mercadopago.Notification {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]*mercadopago.Notification(nil), h.got...)
}

func TestPaymentMethodsInstallmentsIssuersDocuments(t *testing.T) {
	_, c := setup(t)
	pms, err := c.PaymentMethods.List(ctx)
	require.NoError(t, err)
	ids := []string{}
	for _, m := range pms {
		ids = append(ids, m.ID)
		assert.Empty(t, m.Unparsed, m.ID)
	}
	assert.Equal(t, []string{"visa", "master", "amex", "fintoc"}, ids)
	assert.Equal(t, 4, pms[2].Settings[0].SecurityCode.Length, "amex CVV")

	opts, err := c.PaymentMethods.Installments(ctx, &mercadopago.InstallmentsQuery{Amount: money.MustParse("15990"), BIN: "503175"})
	require.NoError(t, err)
	require.Len(t, opts, 1)
	assert.Equal(t, "master", opts[0].PaymentMethodID)
	assert.Equal(t, "24", opts[0].Issuer.ID)
	require.Len(t, opts[0].PayerCosts, 4)
	three := opts[0].PayerCosts[1]
	assert.Equal(t, 3, three.Installments)
	assert.Equal(t, "17622.58", three.TotalAmount.String(), "15990 × 1.1021, exact")
	assert.Equal(t, "5874.19", three.InstallmentAmount.String())
	assert.Contains(t, three.Labels, "recommended_installment")
	assert.Equal(t, "15990.00", opts[0].PayerCosts[0].TotalAmount.String())

	none, err := c.PaymentMethods.Installments(ctx, &mercadopago.InstallmentsQuery{Amount: money.FromInt(100), BIN: "999999"})
	require.NoError(t, err)
	assert.Empty(t, none, "an unknown BIN has no plans")

	iss, err := c.PaymentMethods.CardIssuers(ctx, "visa")
	require.NoError(t, err)
	require.Len(t, iss, 1)
	assert.Equal(t, "24", iss[0].ID)

	types, err := c.IdentificationTypes.List(ctx)
	require.NoError(t, err)
	assert.Equal(t, "RUT", types[0].ID)
}

func TestCardTokensThroughTheClient(t *testing.T) {
	srv, c := setup(t)
	tok, err := c.CardTokens.Create(ctx, &mercadopago.CardTokenRequest{CardNumber: mercadopagotest.CardMastercard, SecurityCode: "123",
		ExpirationMonth: 11, ExpirationYear: time.Now().Year() + 2, Cardholder: &mercadopago.Cardholder{Name: "APRO"}})
	require.NoError(t, err)
	assert.Equal(t, "active", tok.Status)
	assert.Equal(t, "0604", tok.LastFourDigits)
	assert.True(t, tok.DateDue.After(time.Now()))
	_, err = c.Payments.Create(ctx, cardPayment(tok.ID, "100"))
	require.NoError(t, err)
	again, err := c.CardTokens.Get(ctx, tok.ID)
	require.NoError(t, err)
	assert.Equal(t, "used", again.Status, "a token pays once")
	_, err = c.CardTokens.Get(ctx, "nope")
	assert.True(t, mercadopago.IsNotFound(err))

	// Without the access token or the public key, no token.
	resp, err := http.Post(srv.URL+"/v1/card_tokens", "application/json", strings.NewReader(`{}`))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
}

func challengeToken(t *testing.T, srv *mercadopagotest.Server, number string) string {
	t.Helper()
	tok, err := srv.CardToken(mercadopagotest.TestCard{Number: number, ExpirationMonth: 11, ExpirationYear: time.Now().Year() + 2,
		SecurityCode: "123", HolderName: "APRO"})
	require.NoError(t, err)
	return tok
}

// postForm is the payer's browser submitting a form.
func postForm(t *testing.T, target string, form url.Values) (int, string) {
	t.Helper()
	resp, err := noRedirect.PostForm(target, form)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestThreeDSChallenge(t *testing.T) {
	hook := newHook(t, "whsec")
	srv, c := setup(t, mercadopagotest.WithWebhook(hook.srv.URL, "whsec"))
	req := cardPayment(challengeToken(t, srv, mercadopagotest.Card3DSChallenge), "15990")
	req.ThreeDSecureMode = mercadopago.ThreeDSOptional
	p, err := c.Payments.Create(ctx, req)
	require.NoError(t, err)
	assert.Equal(t, mercadopago.StatusPending, p.Status)
	assert.Equal(t, mercadopago.DetailPendingChallenge, p.StatusDetail)
	ch, ok := p.Challenge()
	require.True(t, ok)
	assert.Equal(t, srv.URL+mercadopagotest.ChallengePath, ch.URL)

	// The browser posts creq to the challenge URL and gets the issuer's page.
	code, page := postForm(t, ch.URL, url.Values{"creq": {ch.CReq}})
	assert.Equal(t, http.StatusOK, code)
	assert.Contains(t, page, `action="`+mercadopagotest.ChallengeCompletePath+`"`)
	code, _ = postForm(t, ch.URL, url.Values{"creq": {"forged"}})
	assert.Equal(t, http.StatusBadRequest, code)

	// The payer authenticates; the browser's word is not proof, the payment is.
	code, page = postForm(t, srv.URL+mercadopagotest.ChallengeCompletePath, url.Values{"creq": {ch.CReq}, "action": {mercadopagotest.ChallengeAuthenticate}})
	assert.Equal(t, http.StatusOK, code)
	assert.Contains(t, page, `data-authenticated="true"`)
	got, err := c.Payments.Get(ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, mercadopago.StatusApproved, got.Status)
	assert.Nil(t, got.ThreeDSInfo)
	_, err = srv.CompleteChallenge(ch.CReq, true)
	assert.Error(t, err, "a creq works once")

	wctx, cancel := context.WithTimeout(ctx, hangGuard)
	defer cancel()
	require.NoError(t, srv.WaitDeliveries(wctx, 2))
	n := hook.all()
	require.Len(t, n, 2)
	assert.Equal(t, "payment.updated", n[1].Action)

	// The other test card fails the challenge.
	req = cardPayment(challengeToken(t, srv, mercadopagotest.Card3DSChallengeFail), "15990")
	req.ThreeDSecureMode = mercadopago.ThreeDSMandatory
	p, err = c.Payments.Create(ctx, req)
	require.NoError(t, err)
	ch, ok = p.Challenge()
	require.True(t, ok)
	st, err := srv.CompleteChallenge(ch.CReq, true)
	require.NoError(t, err)
	assert.Equal(t, mercadopago.StatusRejected, st)
	got, err = c.Payments.Get(ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, mercadopago.DetailRejected3DSChallenge, got.StatusDetail)

	// Giving up rejects; without three_d_secure_mode the card is not challenged.
	req = cardPayment(challengeToken(t, srv, mercadopagotest.Card3DSChallenge), "100")
	req.ThreeDSecureMode = mercadopago.ThreeDSOptional
	p, err = c.Payments.Create(ctx, req)
	require.NoError(t, err)
	ch, _ = p.Challenge()
	st, err = srv.CompleteChallenge(ch.CReq, false)
	require.NoError(t, err)
	assert.Equal(t, mercadopago.StatusRejected, st)
	p, err = c.Payments.Create(ctx, cardPayment(challengeToken(t, srv, mercadopagotest.Card3DSChallenge), "100"))
	require.NoError(t, err)
	assert.Equal(t, mercadopago.StatusApproved, p.Status)

	// A challenge left for more than 5 minutes can no longer be finished.
	req = cardPayment(challengeToken(t, srv, mercadopagotest.Card3DSChallenge), "100")
	req.ThreeDSecureMode = mercadopago.ThreeDSOptional
	p, err = c.Payments.Create(ctx, req)
	require.NoError(t, err)
	ch, _ = p.Challenge()
	srv.Clock.Set(time.Now().Add(mercadopagotest.ChallengeTimeout + time.Second))
	_, err = srv.CompleteChallenge(ch.CReq, true)
	assert.ErrorContains(t, err, "timed out")
	got, err = c.Payments.Get(ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, mercadopago.DetailPendingChallenge, got.StatusDetail, "the payment stays pending_challenge")
}

func TestWholePaymentEchoesAndSettles(t *testing.T) {
	srv, c := setup(t)
	req := cardPayment(token(t, srv, "APRO"), "10000")
	req.ApplicationFee = mercadopago.Ptr(money.FromInt(500))
	req.SponsorID = mercadopago.Ptr(int64(42))
	req.StatementDescriptor = "SHOP"
	req.AdditionalInfo = &mercadopago.AdditionalInfo{IPAddress: "203.0.113.7",
		Items: []mercadopago.AdditionalItem{{ID: "SKU-1", Title: "Blanket", Quantity: 2, UnitPrice: money.FromInt(5000)}}}
	p, err := c.Payments.Create(ctx, req)
	require.NoError(t, err)
	assert.Empty(t, p.Unparsed)
	assert.Equal(t, int64(42), p.SponsorID)
	assert.Equal(t, "SHOP", p.StatementDescriptor)
	require.Len(t, p.AdditionalInfo.Items, 1)
	assert.Equal(t, "2", p.AdditionalInfo.Items[0].Quantity, "echoed as text, like the API")
	require.Len(t, p.FeeDetails, 2)
	assert.Equal(t, mercadopago.FeeDetail{Type: "mercadopago_fee", FeePayer: "collector", Amount: money.FromInt(400)}, p.FeeDetails[0])
	assert.Equal(t, "500", p.FeeDetails[1].Amount.String())
	assert.Equal(t, "9100", p.TransactionDetails.NetReceivedAmount.String(), "10000 - 4% - application fee")
	require.Len(t, p.ChargesDetails, 1)
	assert.Equal(t, "mp", p.ChargesDetails[0].Accounts.To)
	assert.Equal(t, "pending", p.MoneyReleaseStatus)

	// An unknown three_d_secure_mode is refused (the client would not send it).
	raw, _ := http.NewRequest(http.MethodPost, srv.URL+"/v1/payments", strings.NewReader(`{"transaction_amount":100,"token":"x","payer":{"email":"a@b.co"},"three_d_secure_mode":"sometimes"}`))
	raw.Header.Set("Authorization", "Bearer "+srv.AccessToken)
	raw.Header.Set(mercadopago.IdempotencyHeader, "k1")
	resp, err := http.DefaultClient.Do(raw)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
}

func TestCheckoutProRoundTrip(t *testing.T) {
	hook := newHook(t, "whsec")
	srv, c := setup(t, mercadopagotest.WithWebhook(hook.srv.URL, "whsec"))
	pref, err := c.Preferences.Create(ctx, &mercadopago.PreferenceRequest{
		Items:             []mercadopago.PreferenceItem{{ID: "SKU-1", Title: "Wool blanket", Quantity: 2, CurrencyID: "CLP", UnitPrice: money.FromInt(7995)}},
		BackURLs:          &mercadopago.BackURLs{Success: "https://shop.example/ok?src=mp", Failure: "https://shop.example/ko", Pending: "https://shop.example/wait"},
		AutoReturn:        mercadopago.AutoReturnApproved,
		ExternalReference: "order-77",
		PaymentMethods:    &mercadopago.PreferencePaymentMethods{ExcludedPaymentMethods: []mercadopago.IDRef{{ID: "amex"}}, Installments: mercadopago.Ptr(6)},
		Metadata:          map[string]any{"order_id": "order-77"},
	})
	require.NoError(t, err)
	assert.Empty(t, pref.Unparsed)
	require.True(t, strings.HasPrefix(pref.InitPoint, srv.URL+mercadopagotest.CheckoutPath+"?pref_id="))

	// The payer opens the checkout page.
	resp, err := http.Get(pref.InitPoint)
	require.NoError(t, err)
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(page), "Pay 15990 CLP")
	assert.Contains(t, string(page), "Wool blanket")

	// ...picks the approved card and is sent back with the real query shape.
	code, _ := postForm(t, srv.URL+mercadopagotest.CheckoutPayPath, url.Values{"pref_id": {pref.ID}, "card": {mercadopagotest.CheckoutCardApproved}, "installments": {"3"}})
	require.Equal(t, http.StatusSeeOther, code)
	resp, err = noRedirect.PostForm(srv.URL+mercadopagotest.CheckoutPayPath, url.Values{"pref_id": {pref.ID}, "card": {mercadopagotest.CheckoutCardApproved}})
	require.NoError(t, err)
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	assert.Equal(t, "shop.example", loc.Host)
	assert.Equal(t, "/ok", loc.Path)
	q := loc.Query()
	assert.Equal(t, "mp", q.Get("src"), "the back URL's own query is kept")
	for _, k := range []string{"collection_id", "collection_status", "payment_id", "status", "external_reference", "payment_type",
		"merchant_order_id", "preference_id", "site_id", "processing_mode", "merchant_account_id"} {
		assert.NotEmpty(t, q.Get(k), k)
	}
	assert.Equal(t, q.Get("payment_id"), q.Get("collection_id"))
	assert.Equal(t, "approved", q.Get("status"))
	assert.Equal(t, pref.ID, q.Get("preference_id"))

	// The shop parses the return and confirms it by reading the payment.
	ret, err := mercadopago.ParseCheckoutReturn(q)
	require.NoError(t, err)
	p, err := c.Payments.ConfirmReturn(ctx, ret, "order-77")
	require.NoError(t, err)
	assert.Equal(t, mercadopago.StatusApproved, p.Status)
	assert.Equal(t, "15990", p.TransactionAmount.String())
	require.NotNil(t, p.Order)
	assert.Equal(t, q.Get("merchant_order_id"), p.Order.ID)
	assert.Equal(t, "order-77", p.Metadata["order_id"])
	_, err = c.Payments.ConfirmReturn(ctx, ret, "order-78")
	assert.ErrorIs(t, err, mercadopago.ErrCheckoutReturnMismatch)

	// The merchant order holds both payments and is paid.
	mo, err := c.MerchantOrders.Get(ctx, ret.MerchantOrderID)
	require.NoError(t, err)
	assert.Empty(t, mo.Unparsed)
	assert.Equal(t, "closed", mo.Status)
	assert.Equal(t, "paid", mo.OrderStatus)
	assert.Equal(t, pref.ID, mo.PreferenceID)
	require.Len(t, mo.Payments, 2)
	assert.Equal(t, p.ID, mo.Payments[1].ID)

	// Notifications: payment.created and the merchant order, both verified.
	wctx, cancel := context.WithTimeout(ctx, hangGuard)
	defer cancel()
	require.NoError(t, srv.WaitDeliveries(wctx, 4))
	var moIDs []int64
	for _, n := range hook.all() {
		if id, ok := n.MerchantOrderID(); ok {
			moIDs = append(moIDs, id)
		}
	}
	assert.Equal(t, []int64{mo.ID, mo.ID}, moIDs)

	// A rejected card goes back to the failure URL; an excluded brand is refused.
	resp, err = noRedirect.PostForm(srv.URL+mercadopagotest.CheckoutPayPath, url.Values{"pref_id": {pref.ID}, "card": {mercadopagotest.CheckoutCardRejected}})
	require.NoError(t, err)
	resp.Body.Close()
	loc, _ = url.Parse(resp.Header.Get("Location"))
	assert.Equal(t, "/ko", loc.Path)
	assert.Equal(t, "rejected", loc.Query().Get("status"))
	code, _ = postForm(t, srv.URL+mercadopagotest.CheckoutPayPath, url.Values{"pref_id": {pref.ID}, "installments": {"12"}})
	assert.Equal(t, http.StatusBadRequest, code, "more installments than the preference allows")
	code, _ = postForm(t, srv.URL+mercadopagotest.CheckoutPayPath, url.Values{"pref_id": {"nope"}})
	assert.Equal(t, http.StatusNotFound, code)

	// Search and update.
	var found []string
	for s, err := range c.Preferences.Search(ctx, &mercadopago.PreferenceSearch{ExternalReference: "order-77"}) {
		require.NoError(t, err)
		found = append(found, s.ID)
	}
	assert.Equal(t, []string{pref.ID}, found)
	up, err := c.Preferences.Update(ctx, pref.ID, &mercadopago.PreferenceRequest{ExternalReference: "order-77b"})
	require.NoError(t, err)
	assert.Equal(t, "order-77b", up.ExternalReference)
	assert.Len(t, up.Items, 1, "fields not sent stay")
	_, err = c.Preferences.Get(ctx, "nope")
	assert.True(t, mercadopago.IsNotFound(err))
}

func TestCheckoutProExpiryAndPendingAndLeaving(t *testing.T) {
	srv, c := setup(t)
	now := time.Now()
	pref, err := c.Preferences.Create(ctx, &mercadopago.PreferenceRequest{
		Items:    []mercadopago.PreferenceItem{{Title: "Tea", Quantity: 1, UnitPrice: money.FromInt(3000)}},
		BackURLs: &mercadopago.BackURLs{Pending: "https://shop.example/wait", Failure: "https://shop.example/ko"},
		Expires:  mercadopago.Ptr(true), ExpirationDateFrom: mercadopago.Ptr(now.Add(-time.Hour)), ExpirationDateTo: mercadopago.Ptr(now.Add(time.Hour)),
	})
	require.NoError(t, err)
	resp, err := noRedirect.PostForm(srv.URL+mercadopagotest.CheckoutPayPath, url.Values{"pref_id": {pref.ID}, "card": {mercadopagotest.CheckoutCardPending}})
	require.NoError(t, err)
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	assert.Equal(t, "/wait", loc.Path)
	assert.Equal(t, "null", loc.Query().Get("external_reference"), "no external reference: the API sends null")
	ret, err := mercadopago.ParseCheckoutReturn(loc.Query())
	require.NoError(t, err)
	assert.Empty(t, ret.ExternalReference)

	// No success URL: the approved payer sees the result page.
	code, body := postForm(t, srv.URL+mercadopagotest.CheckoutPayPath, url.Values{"pref_id": {pref.ID}})
	assert.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, "approved")

	// The page links back to the failure URL with nulls: no payment to confirm.
	resp, err = http.Get(pref.InitPoint)
	require.NoError(t, err)
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	i := strings.Index(string(page), `href="`)
	require.Positive(t, i)
	href := string(page[i+6:])
	href = strings.ReplaceAll(href[:strings.IndexByte(href, '"')], "&amp;", "&")
	leave, _ := url.Parse(href)
	_, err = mercadopago.ParseCheckoutReturn(leave.Query())
	assert.ErrorIs(t, err, mercadopago.ErrCheckoutReturnNoPayment)

	srv.Clock.Set(now.Add(2 * time.Hour))
	resp, err = http.Get(pref.InitPoint)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusGone, resp.StatusCode)

	// auto_return without a success URL is refused, as the API does.
	raw := `{"items":[{"title":"x","quantity":1,"unit_price":1}],"auto_return":"approved"}`
	r, _ := http.NewRequest(http.MethodPost, srv.URL+"/checkout/preferences", strings.NewReader(raw))
	r.Header.Set("Authorization", "Bearer "+srv.AccessToken)
	res, err := http.DefaultClient.Do(r)
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusBadRequest, res.StatusCode)
}

func TestMerchantOrdersAPI(t *testing.T) {
	srv, c := setup(t)
	mo, err := c.MerchantOrders.Create(ctx, &mercadopago.MerchantOrderRequest{ExternalReference: "order-9", PreferenceID: "p-1",
		Items: []mercadopago.MerchantOrderItem{{Title: "Tea", Quantity: 3, UnitPrice: money.MustParse("1000.50")}}})
	require.NoError(t, err)
	assert.Empty(t, mo.Unparsed)
	assert.Equal(t, "opened", mo.Status)
	assert.Equal(t, "3001.50", mo.TotalAmount.String())
	up, err := c.MerchantOrders.Update(ctx, mo.ID, &mercadopago.MerchantOrderRequest{AdditionalInfo: "gift"})
	require.NoError(t, err)
	assert.Equal(t, "gift", up.AdditionalInfo)
	assert.Equal(t, "order-9", up.ExternalReference)
	page, err := c.MerchantOrders.SearchPage(ctx, &mercadopago.MerchantOrderSearch{ExternalReference: "order-9"})
	require.NoError(t, err)
	assert.Equal(t, 1, page.Total)
	require.Len(t, page.Elements, 1)
	assert.Equal(t, mo.ID, page.Elements[0].ID)
	_, err = c.MerchantOrders.Get(ctx, 1)
	assert.True(t, mercadopago.IsNotFound(err))
	assert.Equal(t, 1, srv.MerchantOrderCount())
}

func TestCheckoutPageEscapesWhatTheMerchantSent(t *testing.T) {
	_, c := setup(t)
	pref, err := c.Preferences.Create(ctx, &mercadopago.PreferenceRequest{
		Items:    []mercadopago.PreferenceItem{{Title: `<script>alert(1)</script>`, Quantity: 1, UnitPrice: money.FromInt(1)}},
		BackURLs: &mercadopago.BackURLs{Failure: `https://shop.example/ko?a="><script>`},
	})
	require.NoError(t, err)
	resp, err := http.Get(pref.InitPoint)
	require.NoError(t, err)
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.NotContains(t, string(page), "<script>")
	assert.Contains(t, string(page), "&lt;script&gt;alert(1)&lt;/script&gt;")
}
