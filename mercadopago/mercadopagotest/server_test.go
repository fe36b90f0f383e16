package mercadopagotest_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/sim"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
	"github.com/paykit-go/paykit/money"
)

func setup(t *testing.T, opts ...mercadopagotest.Option) (*mercadopagotest.Server, *mercadopago.Client) {
	t.Helper()
	srv := mercadopagotest.NewServer(opts...)
	t.Cleanup(srv.Close)
	c, err := srv.Client()
	require.NoError(t, err)
	return srv, c
}

func token(t *testing.T, srv *mercadopagotest.Server, holder string) string {
	t.Helper()
	tok, err := srv.CardToken(mercadopagotest.TestCard{Number: mercadopagotest.CardMastercard, ExpirationMonth: 11, ExpirationYear: time.Now().Year() + 3,
		SecurityCode: "123", HolderName: holder, IdentificationType: "RUT", IdentificationNumber: "11111111-1"})
	require.NoError(t, err)
	return tok
}

func cardPayment(tok string, amount string) *mercadopago.PaymentRequest {
	return &mercadopago.PaymentRequest{TransactionAmount: money.MustParse(amount), Token: tok, Installments: mercadopago.Ptr(1),
		Description: "Order", Payer: &mercadopago.PaymentPayer{Email: "buyer@example.com"}}
}

var ctx = context.Background()

// hangGuard bounds a wait (for webhook deliveries) only so that a stuck test
// fails instead of hanging; a busy machine under -race never comes near it.
const hangGuard = time.Minute

// TestLostAnswerIsRetriedWithTheSameKey is the fault test the transport
// exists for: the payment was made, its answer was lost, the client repeats
// with the same X-Idempotency-Key and the simulator answers with the first
// result instead of charging again.
func TestLostAnswerIsRetriedWithTheSameKey(t *testing.T) {
	faults := []sim.Fault{
		{Kind: sim.StatusAfter, Status: http.StatusBadGateway, Body: `{"message":"bad gateway"}`},
		{Kind: sim.ResetAfter},
		{Kind: sim.Truncate},
		{Kind: sim.Status, Status: http.StatusServiceUnavailable},
		{Kind: sim.DropBefore},
		{Kind: sim.HTMLPage},
	}
	for _, f := range faults {
		t.Run(f.Kind.String(), func(t *testing.T) {
			srv, c := setup(t)
			srv.FailNext(1, sim.Fault{Kind: f.Kind, Status: f.Status, Body: f.Body, Method: http.MethodPost, PathPrefix: "/v1/payments"})
			p, err := c.Payments.Create(ctx, cardPayment(token(t, srv, "APRO"), "15990"))
			require.NoError(t, err)
			assert.Equal(t, mercadopago.StatusApproved, p.Status)
			assert.Equal(t, 2, p.Meta.Attempts)
			assert.Equal(t, 1, srv.PaymentCount(), "exactly one payment")
			stored, ok := srv.Payment(p.ID)
			require.True(t, ok)
			assert.Equal(t, p.ID, stored.ID)
		})
	}
	t.Run("same key by hand", func(t *testing.T) {
		srv, c := setup(t)
		req := cardPayment(token(t, srv, "APRO"), "15990")
		p1, err := c.Payments.Create(ctx, req, mercadopago.WithIdempotencyKey("order-1"))
		require.NoError(t, err)
		p2, err := c.Payments.Create(ctx, req, mercadopago.WithIdempotencyKey("order-1"))
		require.NoError(t, err)
		assert.Equal(t, p1.ID, p2.ID)
		assert.Equal(t, 1, srv.PaymentCount())
		assert.Equal(t, 2, srv.Handled(http.MethodPost, "/v1/payments"))
		// The same key with another body is refused.
		_, err = c.Payments.Create(ctx, cardPayment("other", "1"), mercadopago.WithIdempotencyKey("order-1"))
		var e *mercadopago.Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, http.StatusConflict, e.StatusCode)
	})
	t.Run("retries off: the error carries the key to repeat with", func(t *testing.T) {
		srv, _ := setup(t)
		c, err := srv.Client(mercadopago.WithMaxRetries(0))
		require.NoError(t, err)
		req := cardPayment(token(t, srv, "APRO"), "15990")
		srv.FailNext(1, sim.Fault{Kind: sim.ResetAfter, Method: http.MethodPost})
		_, err = c.Payments.Create(ctx, req)
		var ne *paykit.NetworkError
		require.ErrorAs(t, err, &ne)
		assert.True(t, ne.MayHaveReachedServer)
		p, err := c.Payments.Create(ctx, req, mercadopago.WithIdempotencyKey(ne.IdempotencyKey))
		require.NoError(t, err)
		assert.Equal(t, mercadopago.StatusApproved, p.Status)
		assert.Equal(t, 1, srv.PaymentCount())
	})
}

func TestRefundLostAnswerRefundsOnce(t *testing.T) {
	srv, c := setup(t)
	p, err := c.Payments.Create(ctx, cardPayment(token(t, srv, "APRO"), "10000"))
	require.NoError(t, err)
	srv.FailNext(1, sim.Fault{Kind: sim.StatusAfter, Status: http.StatusInternalServerError, Method: http.MethodPost, PathPrefix: "/v1/payments/"})
	_, err = c.Refunds.Create(ctx, p.ID, &mercadopago.RefundRequest{Amount: money.FromInt(1000)})
	require.NoError(t, err)
	list, err := c.Refunds.List(ctx, p.ID)
	require.NoError(t, err)
	assert.Len(t, list, 1)
}

func TestServerChecksWhatTheAPIChecks(t *testing.T) {
	srv, c := setup(t)
	post := func(path, body string, hdr map[string]string) *http.Response {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp
	}
	auth := map[string]string{"Authorization": "Bearer " + srv.AccessToken}
	assert.Equal(t, http.StatusUnauthorized, post("/v1/payments", `{}`, nil).StatusCode)
	assert.Equal(t, http.StatusBadRequest, post("/v1/payments", `{"transaction_amount":1}`, auth).StatusCode, "missing X-Idempotency-Key")
	assert.NotEmpty(t, post("/v1/payments", `{}`, auth).Header.Get("X-Request-Id"))

	bad, err := mercadopago.NewClient(mercadopago.Credentials{AccessToken: "wrong"}, mercadopago.WithBaseURL(srv.URL))
	require.NoError(t, err)
	_, err = bad.Payments.Get(ctx, 1)
	var e *mercadopago.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, http.StatusUnauthorized, e.StatusCode)
	assert.NotEmpty(t, e.RequestID)

	_, err = c.Payments.Get(ctx, 999)
	assert.True(t, mercadopago.IsNotFound(err))
	assert.True(t, mercadopago.HasCause(err, mercadopago.CausePaymentNotFound))

	// Card tokens are one-use.
	tok := token(t, srv, "APRO")
	_, err = c.Payments.Create(ctx, cardPayment(tok, "100"))
	require.NoError(t, err)
	_, err = c.Payments.Create(ctx, cardPayment(tok, "101"))
	assert.True(t, mercadopago.HasCause(err, "3003"), "%v", err)

	// An identical payment within a minute, under another key, is error 2001.
	_, err = c.Payments.Create(ctx, cardPayment(tok, "100"))
	assert.True(t, mercadopago.IsDuplicatePayment(err), "%v", err)
	srv.Clock.Advance(2 * time.Minute)
	_, err = c.Payments.Create(ctx, cardPayment(tok, "100"))
	assert.True(t, mercadopago.HasCause(err, "3003"), "after the window the token check speaks: %v", err)

	// Installments are required for cards; the client sends a deliberate 0 and the server refuses it.
	req := cardPayment(token(t, srv, "APRO"), "100")
	req.Installments = mercadopago.Ptr(0)
	_, err = c.Payments.Create(ctx, req)
	require.ErrorAs(t, err, &e)
	assert.Equal(t, http.StatusBadRequest, e.StatusCode)

	_, err = srv.CardToken(mercadopagotest.TestCard{Number: "4111111111111112", ExpirationMonth: 1, ExpirationYear: 2099, SecurityCode: "123", HolderName: "APRO"})
	assert.Error(t, err, "Luhn")
	_, err = srv.CardToken(mercadopagotest.TestCard{Number: mercadopagotest.CardVisa, ExpirationMonth: 1, ExpirationYear: 2000, SecurityCode: "123", HolderName: "APRO"})
	assert.Error(t, err, "expired")
	_, err = srv.CardToken(mercadopagotest.TestCard{Number: mercadopagotest.CardAmex, ExpirationMonth: 1, ExpirationYear: 2099, SecurityCode: "123", HolderName: "APRO"})
	assert.Error(t, err, "amex needs 4 digits")
}

func TestCardOutcomesCaptureCancel(t *testing.T) {
	srv, c := setup(t)
	outcomes := map[string]mercadopago.StatusDetail{
		"APRO": mercadopago.DetailAccredited, "OTHE": mercadopago.DetailRejectedOtherReason, "CONT": mercadopago.DetailPendingContingency,
		"FUND": mercadopago.DetailRejectedInsufficientFunds, "SECU": mercadopago.DetailRejectedBadSecurityCode,
	}
	for holder, want := range outcomes {
		p, err := c.Payments.Create(ctx, cardPayment(token(t, srv, holder), "250"))
		require.NoError(t, err)
		assert.Equal(t, want, p.StatusDetail, holder)
	}

	req := cardPayment(token(t, srv, "APRO"), "500.00")
	req.Capture = mercadopago.Ptr(false)
	p, err := c.Payments.Create(ctx, req)
	require.NoError(t, err)
	assert.Equal(t, mercadopago.StatusAuthorized, p.Status)
	assert.False(t, p.Captured)
	_, err = c.Payments.Capture(ctx, p.ID, mercadopago.Ptr(money.MustParse("600")))
	assert.True(t, mercadopago.HasCause(err, "4037"))
	p, err = c.Payments.Capture(ctx, p.ID, mercadopago.Ptr(money.MustParse("450.00")))
	require.NoError(t, err)
	assert.Equal(t, mercadopago.StatusApproved, p.Status)
	assert.True(t, p.Captured)
	assert.Equal(t, "450.00", p.TransactionAmount.String())
	_, err = c.Payments.Cancel(ctx, p.ID)
	assert.True(t, mercadopago.IsInvalidStateForAction(err))

	req = cardPayment(token(t, srv, "APRO"), "500")
	req.Capture = mercadopago.Ptr(false)
	p, err = c.Payments.Create(ctx, req)
	require.NoError(t, err)
	p, err = c.Payments.Cancel(ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, mercadopago.StatusCancelled, p.Status)
	_, err = c.Payments.Capture(ctx, p.ID, nil)
	assert.True(t, mercadopago.IsInvalidStateForAction(err))
}

func TestRefunds(t *testing.T) {
	srv, c := setup(t)
	p, err := c.Payments.Create(ctx, cardPayment(token(t, srv, "APRO"), "10000"))
	require.NoError(t, err)
	r1, err := c.Refunds.Create(ctx, p.ID, &mercadopago.RefundRequest{Amount: money.FromInt(2500)})
	require.NoError(t, err)
	assert.Equal(t, "2500", r1.Amount.String())
	_, err = c.Refunds.Create(ctx, p.ID, &mercadopago.RefundRequest{Amount: money.FromInt(9000)})
	assert.True(t, mercadopago.IsRefundRejected(err))
	got, err := c.Payments.Get(ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, mercadopago.DetailPartiallyRefunded, got.StatusDetail)
	r2, err := c.Refunds.Create(ctx, p.ID, nil)
	require.NoError(t, err)
	assert.Equal(t, "7500", r2.Amount.String())
	got, err = c.Payments.Get(ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, mercadopago.StatusRefunded, got.Status)
	assert.Equal(t, "10000", got.TransactionAmountRefunded.String())
	assert.Len(t, got.Refunds, 2)
	one, err := c.Refunds.Get(ctx, p.ID, r2.ID)
	require.NoError(t, err)
	assert.Equal(t, r2.ID, one.ID)
	_, err = c.Refunds.Get(ctx, p.ID, 1)
	assert.True(t, mercadopago.IsNotFound(err))
	_, err = c.Refunds.Create(ctx, p.ID, nil)
	assert.True(t, mercadopago.IsInvalidStateForAction(err))
}

func TestCustomersCardsAndSavedCardPayment(t *testing.T) {
	srv, c := setup(t, mercadopagotest.WithCardLimit(1))
	cu, err := c.Customers.Create(ctx, &mercadopago.CustomerRequest{Email: "ana@example.com", FirstName: "Ana"})
	require.NoError(t, err)
	_, err = c.Customers.Create(ctx, &mercadopago.CustomerRequest{Email: "ana@example.com"})
	assert.True(t, mercadopago.IsCustomerAlreadyExists(err))

	card, err := c.Cards.Create(ctx, cu.ID, token(t, srv, "APRO"))
	require.NoError(t, err)
	assert.Equal(t, "0604", card.LastFourDigits)
	assert.Equal(t, "master", card.PaymentMethod.ID)
	tok2, err := srv.CardToken(mercadopagotest.TestCard{Number: mercadopagotest.CardVisa, ExpirationMonth: 11, ExpirationYear: time.Now().Year() + 2, SecurityCode: "123", HolderName: "APRO"})
	require.NoError(t, err)
	_, err = c.Cards.Create(ctx, cu.ID, tok2)
	assert.True(t, mercadopago.IsCardLimitReached(err))

	var found []*mercadopago.Customer
	for x, err := range c.Customers.Search(ctx, &mercadopago.CustomerSearch{Email: "ana@example.com"}) {
		require.NoError(t, err)
		found = append(found, x)
	}
	require.Len(t, found, 1)
	assert.Equal(t, card.ID, found[0].DefaultCard)

	cards, err := c.Cards.List(ctx, cu.ID)
	require.NoError(t, err)
	require.Len(t, cards, 1)

	fresh, err := srv.SavedCardToken(cu.ID, card.ID, "123")
	require.NoError(t, err)
	p, err := c.Payments.Create(ctx, &mercadopago.PaymentRequest{TransactionAmount: money.FromInt(15990), Token: fresh, Installments: mercadopago.Ptr(1),
		Payer: &mercadopago.PaymentPayer{Type: mercadopago.PayerCustomer, ID: cu.ID}})
	require.NoError(t, err)
	assert.Equal(t, mercadopago.StatusApproved, p.Status)
	assert.Equal(t, cu.ID, p.Payer.ID)
	require.NotNil(t, p.Card)
	assert.Equal(t, card.ID, p.Card.ID)

	other, err := c.Customers.Create(ctx, &mercadopago.CustomerRequest{Email: "bob@example.com"})
	require.NoError(t, err)
	fresh, err = srv.SavedCardToken(cu.ID, card.ID, "123")
	require.NoError(t, err)
	_, err = c.Payments.Create(ctx, &mercadopago.PaymentRequest{TransactionAmount: money.FromInt(1), Token: fresh, Installments: mercadopago.Ptr(1),
		Payer: &mercadopago.PaymentPayer{Type: mercadopago.PayerCustomer, ID: other.ID}})
	assert.Error(t, err, "another customer's card")

	upd, err := c.Cards.Update(ctx, cu.ID, card.ID, &mercadopago.CardUpdate{ExpirationYear: mercadopago.Ptr(2040)})
	require.NoError(t, err)
	assert.Equal(t, 2040, upd.ExpirationYear)
	_, err = c.Cards.Delete(ctx, cu.ID, card.ID)
	require.NoError(t, err)
	_, err = c.Cards.Get(ctx, cu.ID, card.ID)
	assert.True(t, mercadopago.IsNotFound(err))
	cu2, err := c.Customers.Update(ctx, cu.ID, &mercadopago.CustomerRequest{LastName: "Díaz"})
	require.NoError(t, err)
	assert.Equal(t, "Díaz", cu2.LastName)
	_, err = c.Customers.Delete(ctx, cu.ID)
	require.NoError(t, err)
	_, err = c.Customers.Get(ctx, cu.ID)
	assert.True(t, mercadopago.IsNotFound(err))
}

func TestCardTokenEndpoint(t *testing.T) {
	srv, _ := setup(t)
	do := func(pk, body string) int {
		resp, err := http.Post(srv.URL+"/v1/card_tokens?public_key="+pk, "application/json", strings.NewReader(body))
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	good := `{"card_number":"5031755734530604","expiration_month":11,"expiration_year":2099,"security_code":"123","cardholder":{"name":"APRO"}}`
	assert.Equal(t, http.StatusCreated, do(srv.PublicKey, good))
	assert.Equal(t, http.StatusUnauthorized, do("nope", good))
	assert.Equal(t, http.StatusBadRequest, do(srv.PublicKey, `{"card_id":"1"}`))
}

func TestSearchPaging(t *testing.T) {
	srv, c := setup(t)
	for i := 0; i < 5; i++ {
		req := cardPayment(token(t, srv, "APRO"), "10"+string(rune('0'+i)))
		req.ExternalReference = "order-9"
		_, err := c.Payments.Create(ctx, req)
		require.NoError(t, err)
	}
	_, err := c.Payments.Create(ctx, cardPayment(token(t, srv, "APRO"), "77"))
	require.NoError(t, err)
	var ids []int64
	for p, err := range c.Payments.Search(ctx, &mercadopago.PaymentSearch{ExternalReference: "order-9", Limit: 2, Criteria: "desc"}) {
		require.NoError(t, err)
		ids = append(ids, p.ID)
	}
	assert.Len(t, ids, 5)
	assert.Greater(t, ids[0], ids[4])
	assert.Equal(t, 3, srv.Handled(http.MethodGet, "/v1/payments/search"))
	page, err := c.Payments.SearchPage(ctx, &mercadopago.PaymentSearch{Limit: 4, Offset: 4})
	require.NoError(t, err)
	assert.Equal(t, mercadopago.Paging{Total: 6, Limit: 4, Offset: 4}, page.Paging)
	assert.Len(t, page.Results, 2)
}

func TestFintoc(t *testing.T) {
	tests := []struct {
		amount string
		want   mercadopago.PaymentStatus
	}{{"10701", mercadopago.StatusApproved}, {"10703", mercadopago.StatusRejected}, {"3009", mercadopago.StatusApproved}}
	for _, tt := range tests {
		t.Run(tt.amount, func(t *testing.T) {
			srv, c := setup(t)
			before := time.Now()
			fp, err := c.Payments.CreateFintoc(ctx, &mercadopago.FintocRequest{TransactionAmount: money.MustParse(tt.amount),
				Description: "Product title", CallbackURL: "https://shop.example/back", PayerEmail: "test_user_123@testuser.com"})
			after := time.Now()
			require.NoError(t, err)
			assert.Equal(t, mercadopago.StatusPending, fp.Payment.Status)
			assert.True(t, strings.HasPrefix(fp.WidgetToken, "pi_"), fp.WidgetToken)
			assert.Contains(t, fp.WidgetToken, "_sec_")
			assert.NotEmpty(t, fp.RedirectURL)
			// Ten minutes after the payment was made, whenever during the
			// call that was (the API's dates keep milliseconds).
			exp := fp.WidgetTokenExpiresAt.Add(-10 * time.Minute)
			assert.False(t, exp.Before(before.Truncate(time.Millisecond)) || exp.After(after),
				"expiry %v is not 10 minutes after a time in [%v, %v]", fp.WidgetTokenExpiresAt, before, after)
			st, err := srv.CompleteFintoc(fp.WidgetToken)
			require.NoError(t, err)
			assert.Equal(t, tt.want, st)
			p, err := c.Payments.Get(ctx, fp.Payment.ID)
			require.NoError(t, err)
			assert.Equal(t, tt.want, p.Status)
			_, err = srv.CompleteFintoc(fp.WidgetToken)
			assert.Error(t, err, "not pending any more")
			if tt.want == mercadopago.StatusApproved {
				_, err = c.Refunds.Create(ctx, p.ID, nil)
				assert.True(t, mercadopago.IsInvalidStateForAction(err), "Fintoc refunds are dashboard-only")
			}
		})
	}
	t.Run("expired widget token", func(t *testing.T) {
		srv, c := setup(t)
		fp, err := c.Payments.CreateFintoc(ctx, &mercadopago.FintocRequest{TransactionAmount: money.FromInt(5001), Description: "d", CallbackURL: "https://x.example", PayerEmail: "a@b.co"})
		require.NoError(t, err)
		srv.Clock.Advance(11 * time.Minute)
		_, err = srv.CompleteFintoc(fp.WidgetToken)
		assert.ErrorContains(t, err, "expired")
		_, err = srv.CompleteFintoc("pi_unknown")
		assert.Error(t, err)
	})
	t.Run("point of interaction is checked", func(t *testing.T) {
		_, c := setup(t)
		_, err := c.Payments.Create(ctx, &mercadopago.PaymentRequest{TransactionAmount: money.FromInt(5001), PaymentMethodID: "fintoc",
			Description: "d", CallbackURL: "https://x.example", Payer: &mercadopago.PaymentPayer{Email: "a@b.co"}})
		var e *mercadopago.Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, http.StatusBadRequest, e.StatusCode)
	})
}

func TestNotificationsAreSignedAndVerifiable(t *testing.T) {
	var mu sync.Mutex
	var got []*mercadopago.Notification
	v, err := mercadopago.NewWebhookVerifier("whsec-test")
	require.NoError(t, err)
	hook := httptest.NewServer(v.Handler(func(_ context.Context, n *mercadopago.Notification) error {
		mu.Lock()
		got = append(got, n)
		mu.Unlock()
		return nil
	}))
	defer hook.Close()
	srv, c := setup(t, mercadopagotest.WithWebhook(hook.URL+"/mp/webhooks", "whsec-test"))
	p, err := c.Payments.Create(ctx, cardPayment(token(t, srv, "APRO"), "100"))
	require.NoError(t, err)
	_, err = c.Refunds.Create(ctx, p.ID, nil)
	require.NoError(t, err)
	wctx, cancel := context.WithTimeout(ctx, hangGuard)
	defer cancel()
	require.NoError(t, srv.WaitDeliveries(wctx, 2))
	for _, d := range srv.Deliveries() {
		assert.Equal(t, http.StatusOK, d.StatusCode, "%+v", d)
		assert.NoError(t, d.Err)
	}
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, got, 2)
	id, ok := got[0].PaymentID()
	assert.True(t, ok)
	assert.Equal(t, p.ID, id)
	assert.Equal(t, "payment.created", got[0].Action)
	assert.Equal(t, "payment.updated", got[1].Action)
	assert.Equal(t, "payment", got[0].Type)
	assert.NotEmpty(t, got[0].RequestID)

	// With the wrong secret the handler refuses.
	srv2, c2 := setup(t, mercadopagotest.WithWebhook(hook.URL, "another-secret"))
	_, err = c2.Payments.Create(ctx, cardPayment(token(t, srv2, "APRO"), "100"))
	require.NoError(t, err)
	require.NoError(t, srv2.WaitDeliveries(wctx, 1))
	assert.Equal(t, http.StatusUnauthorized, srv2.Deliveries()[0].StatusCode)
}

func TestSignNotificationMatchesTheVerifier(t *testing.T) {
	now := time.Unix(1704908010, 0)
	v, err := mercadopago.NewWebhookVerifier("s3cret", mercadopago.WithWebhookClock(func() time.Time { return now }))
	require.NoError(t, err)
	sig := mercadopagotest.SignNotification("s3cret", "123456", "req-1", now)
	assert.True(t, strings.HasPrefix(sig, "ts=1704908010,v1="), sig)
	assert.NoError(t, v.VerifySignature(sig, "req-1", "123456"))
	assert.True(t, errors.Is(v.VerifySignature(sig, "req-2", "123456"), mercadopago.ErrSignatureMismatch))
}
