package mercadopagoflow

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/paykit-go/paykit/examples/internal/transcript"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
	"github.com/paykit-go/paykit/money"
)

// RunMarketplace: a seller connects to the platform through OAuth (state
// and PKCE checked), the platform pays for them with their token (a card
// payment with the platform's application fee, and an order carrying its
// marketplace fee), and the
// token is refreshed once when it goes stale. Offline only: connecting
// needs a seller at a browser.
func RunMarketplace(ctx context.Context, t *transcript.T, live bool) error {
	return run(ctx, t, live, marketplace)
}

func marketplace(ctx context.Context, e *env) error {
	t := e.t
	t.Section("Mercado Pago · a seller connects through OAuth and is paid for")
	if e.live {
		t.Next("connecting a seller needs a person at the authorization page: this flow runs on the simulator only")
		return nil
	}
	app := &mercadopago.OAuthApp{ClientID: mercadopagotest.DefaultClientID, ClientSecret: mercadopagotest.DefaultClientSecret,
		RedirectURI: "https://platform.example/mercadopago/callback", AuthorizationURL: e.srv.AuthURL()}
	start, err := e.c.OAuth.Start(app)
	if err != nil {
		return fail(t, "authorization URL", err)
	}
	t.Sent("redirect the seller to %s?client_id=%s&response_type=code&platform_id=mp&state=…&redirect_uri=…&code_challenge=…", e.srv.AuthURL(), app.ClientID)
	t.Detail("state and the PKCE verifier stay in the seller's session")

	// The seller's browser: the authorization page answers with a redirect.
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, start.URL, nil)
	resp, err := hc.Do(req)
	if err != nil {
		return fail(t, "authorization page", err)
	}
	resp.Body.Close()
	back, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode != http.StatusFound {
		return fail(t, "authorization page", fmt.Errorf("HTTP %d, Location %q", resp.StatusCode, resp.Header.Get("Location")))
	}
	t.Actor("the seller logs in, agrees, and is sent back to %s://%s%s?code=…&state=…", back.Scheme, back.Host, back.Path)

	forged := *back
	q := forged.Query()
	q.Set("state", "attacker-state")
	forged.RawQuery = q.Encode()
	_, err = mercadopago.ParseOAuthCallback(&forged, start.State)
	t.Check(errors.Is(err, mercadopago.ErrOAuthStateMismatch), "a callback with another session's state is refused")
	code, err := mercadopago.ParseOAuthCallback(back, start.State)
	if err != nil {
		return fail(t, "callback", err)
	}
	t.Sent("POST /oauth/token grant_type=authorization_code, code, redirect_uri, code_verifier (client secret in the body)")
	tok, err := e.c.OAuth.Exchange(ctx, app, code, start.PKCE.Verifier)
	if err != nil {
		return fail(t, "token exchange", err)
	}
	t.Got("%v", tok)
	t.Check(tok.UserID == mercadopagotest.DefaultSellerID && tok.RefreshToken != "", "the seller's token and refresh token came back (printed redacted)")

	var stored *mercadopago.OAuthToken
	src, err := e.c.OAuth.TokenSource(app, tok, func(nt *mercadopago.OAuthToken) { stored = nt })
	if err != nil {
		return fail(t, "token source", err)
	}
	me, err := e.c.Users.Me(ctx, mercadopago.WithSeller(src))
	if err != nil {
		return fail(t, "users/me", err)
	}
	t.Sent("GET /users/me with the seller's token")
	t.Got("user %d (%s)", me.ID, me.Nickname)
	t.Check(me.ID == tok.UserID, "the token acts for the seller, over the platform's own client")

	ct, err := e.newCardToken(ctx, cardApproved)
	if err != nil {
		return fail(t, "card token", err)
	}
	order := orderID("mkt")
	t.Sent("POST /v1/payments 9990 CLP for the seller (WithSeller), application_fee 990, X-Idempotency-Key %s", order)
	p, err := e.c.Payments.Create(ctx, &mercadopago.PaymentRequest{TransactionAmount: money.FromInt(9990), Token: ct, Installments: mercadopago.Ptr(1),
		Description: "Handmade mug", ExternalReference: order, Payer: &mercadopago.PaymentPayer{Email: "test_user_123@testuser.com"},
		ApplicationFee: mercadopago.Ptr(money.FromInt(990))},
		mercadopago.WithSeller(src), mercadopago.WithIdempotencyKey(order))
	if err != nil {
		return fail(t, "payment for the seller", err)
	}
	t.Got("%s", describe(p))
	collector, _ := e.srv.CollectorOf(p.ID)
	t.Check(p.Status == mercadopago.StatusApproved && collector == tok.UserID, "the payment is the seller's (collector %d)", collector)
	fee := money.Decimal{}
	for _, f := range p.FeeDetails {
		if f.Type == "application_fee" {
			fee = f.Amount
		}
	}
	t.Check(fee.Equal(money.FromInt(990)), "the platform's application fee of 990 is taken from the seller's amount")

	ref := orderID("mkt")
	oreq, err := e.cardOrder(ctx, "20000", ref, "")
	if err != nil {
		return fail(t, "card token", err)
	}
	oreq.MarketplaceFee = money.MustParse("1500")
	t.Sent("POST /v1/orders total \"20000\", marketplace_fee \"1500\" for the seller")
	o, err := e.c.Orders.Create(ctx, oreq, mercadopago.WithSeller(src), mercadopago.WithIdempotencyKey(ref))
	if err != nil {
		return fail(t, "order for the seller", err)
	}
	t.Got("%s, user %s, marketplace fee %s", describeOrder(o), o.UserID, o.MarketplaceFee)
	t.Check(o.Status == mercadopago.OrderProcessed && o.UserID == strconv.FormatInt(tok.UserID, 10) && o.MarketplaceFee.Equal(money.FromInt(1500)),
		"the seller's order is processed and the platform's fee recorded")

	e.srv.ExpireSellerTokens()
	t.Actor("months later the seller's access token has expired")
	me, err = e.c.Users.Me(ctx, mercadopago.WithSeller(src))
	if err != nil {
		return fail(t, "users/me after expiry", err)
	}
	t.Got("401, then POST /oauth/token grant_type=refresh_token, then user %d", me.ID)
	t.Check(src.Refreshes() == 1 && stored != nil && stored.RefreshToken != tok.RefreshToken, "refreshed once; the new refresh token was handed over for storage")
	t.Next("store the seller's token encrypted, keyed by user id %d", tok.UserID)
	return nil
}
