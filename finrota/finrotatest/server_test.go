package finrotatest_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/finrota"
	"github.com/paykit-go/paykit/finrota/finrotatest"
	"github.com/paykit-go/paykit/internal/sim"
	"github.com/paykit-go/paykit/money"
)

type clock struct{ ns atomic.Int64 }

func newClock() *clock {
	c := &clock{}
	c.ns.Store(time.Date(2030, 1, 2, 9, 0, 0, 0, time.UTC).UnixNano())
	return c
}
func (c *clock) Now() time.Time          { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) Advance(d time.Duration) { c.ns.Add(int64(d)) }

type env struct {
	srv   *finrotatest.Server
	c     *finrota.Client
	clock *clock
}

func setup(t *testing.T, simOpts []finrotatest.Option, opts ...finrota.Option) *env {
	t.Helper()
	clk := newClock()
	srv := finrotatest.NewServer(append([]finrotatest.Option{finrotatest.WithClock(clk.Now)}, simOpts...)...)
	t.Cleanup(srv.Close)
	c, err := srv.Client(opts...)
	require.NoError(t, err)
	return &env{srv: srv, c: c, clock: clk}
}

var ctx = context.Background()

// prepared runs steps 2 to 6: widget token, the widget's preparePayment.
func (e *env) prepared(t *testing.T, card string, use3D bool, amount string) finrota.PrepareToken {
	t.Helper()
	wt, err := e.c.Widget.CreateToken(ctx)
	require.NoError(t, err)
	pt, err := e.srv.PreparePayment(ctx, wt.Token, finrotatest.Prepare{
		Card: finrotatest.TestCard(card), Use3D: use3D, Amount: money.MustParse(amount), Currency: "TRY"})
	require.NoError(t, err)
	return pt
}

func payment(pt finrota.PrepareToken, amount, ref string) *finrota.PaymentRequest {
	return &finrota.PaymentRequest{PrepareToken: pt, Amount: money.MustParse(amount),
		ReturnURL: "https://shop.example/return?order=" + ref, ClientReferenceCode: ref, CustomerIP: "203.0.113.7"}
}

func TestThreeDSecureFlowWithInstallments(t *testing.T) {
	e := setup(t, nil)
	wt, err := e.c.Widget.CreateToken(ctx)
	require.NoError(t, err)
	progs, err := e.c.PaymentOptions(ctx, "41556501", money.MustParse("100.00"), "TRY")
	require.NoError(t, err)
	require.Len(t, progs, 1)
	assert.Equal(t, "Bonus", progs[0].CardProgram)
	require.Len(t, progs[0].Installments, 3)
	three := progs[0].Installments[1]
	assert.Equal(t, 3, three.Count)
	assert.Equal(t, "102.00", three.TotalAmount.String())
	assert.Equal(t, "34.00", three.InstallmentAmount.String())

	pt, err := e.srv.PreparePayment(ctx, wt.Token, finrotatest.Prepare{Card: finrotatest.TestCard(finrotatest.CardApproved),
		Installment: three.Token, Use3D: true, Amount: money.MustParse("100.00"), Currency: "TRY"})
	require.NoError(t, err)

	res, err := e.c.Widget.Pay(ctx, payment(pt, "100.00", "ORD-1"))
	require.NoError(t, err)
	require.True(t, res.NeedsRedirect())
	assert.False(t, res.Paid())

	// Before the buyer finishes, the payment is pending.
	tx, err := e.c.Transactions.Get(ctx, finrota.ByClientReference("ORD-1"))
	require.NoError(t, err)
	assert.Equal(t, finrota.StatusPending, tx.Status)

	back, err := e.srv.Complete3DS(ctx, res.RedirectURL, finrotatest.OTP)
	require.NoError(t, err)
	assert.Equal(t, "ORD-1", back.URL.Query().Get("order"), "the merchant's own query survives")
	tx, err = e.c.Transactions.ConfirmReturn(ctx, back, "ORD-1")
	require.NoError(t, err)
	assert.True(t, tx.Paid())
	assert.Equal(t, 3, tx.Installment)
	assert.Equal(t, res.OrderID, tx.TransactionID)

	// The bank session is single use.
	_, err = e.srv.Complete3DS(ctx, res.RedirectURL, finrotatest.OTP)
	assert.Error(t, err)
	_, err = e.srv.Complete3DS(ctx, "https://evil.example/", finrotatest.OTP)
	assert.ErrorIs(t, err, finrotatest.ErrNotSimulatorPage)
}

func TestThreeDSecureWrongOTP(t *testing.T) {
	e := setup(t, nil)
	res, err := e.c.Widget.Pay(ctx, payment(e.prepared(t, finrotatest.CardApproved, true, "50"), "50", "ORD-2"))
	require.NoError(t, err)
	back, err := e.srv.Complete3DS(ctx, res.RedirectURL, "000000")
	require.NoError(t, err)
	tx, err := e.c.Transactions.ConfirmReturn(ctx, back, "ORD-2")
	require.NoError(t, err)
	assert.False(t, tx.Paid())
	assert.Equal(t, finrota.StatusFailed, tx.Status)
	assert.Equal(t, "3-D Secure authentication failed", tx.ErrorMessage)
}

func TestDirectSaleRefundsAndCancel(t *testing.T) {
	e := setup(t, nil)
	res, err := e.c.Widget.Pay(ctx, payment(e.prepared(t, finrotatest.CardApproved2, false, "27.50"), "27.50", "ORD-3"))
	require.NoError(t, err)
	require.True(t, res.Paid())
	tx, err := e.c.Transactions.Get(ctx, finrota.ByTransactionID(res.OrderID))
	require.NoError(t, err)
	assert.True(t, tx.Paid())

	r1, err := e.c.Transactions.Refund(ctx, &finrota.RefundRequest{ReferenceCode: tx.ReferenceNumber, Amount: money.MustParse("10.00"), Reason: "one item returned"})
	require.NoError(t, err)
	assert.Equal(t, "17.50", r1.LastAmount.String())
	_, err = e.c.Transactions.Refund(ctx, &finrota.RefundRequest{ReferenceCode: tx.ReferenceNumber, Amount: money.MustParse("20"), Reason: "too much"})
	var d *finrota.DeclineError
	require.ErrorAs(t, err, &d)
	assert.Equal(t, "RF_AMOUNT", d.Code)

	// A partly refunded payment cannot be cancelled.
	_, err = e.c.Transactions.Cancel(ctx, &finrota.CancelRequest{ReferenceCode: tx.ReferenceNumber, Reason: "x"})
	require.ErrorAs(t, err, &d)
	assert.Equal(t, "cancel", d.Operation)

	r2, err := e.c.Transactions.Refund(ctx, &finrota.RefundRequest{ReferenceCode: tx.ReferenceNumber, Reason: "rest"})
	require.NoError(t, err)
	assert.True(t, r2.LastAmount.IsZero())
	tx, err = e.c.Transactions.Get(ctx, finrota.ByReferenceNumber(tx.ReferenceNumber))
	require.NoError(t, err)
	assert.Equal(t, finrota.StatusRefunded, tx.Status)
	assert.Equal(t, "27.50", tx.RefundedAmount.String())

	// Cancel: same day only.
	_, err = e.c.Widget.Pay(ctx, payment(e.prepared(t, finrotatest.CardApproved, false, "5"), "5", "ORD-4"))
	require.NoError(t, err)
	tx, err = e.c.Transactions.Get(ctx, finrota.ByClientReference("ORD-4"))
	require.NoError(t, err)
	e.clock.Advance(24 * time.Hour)
	_, err = e.c.Transactions.Cancel(ctx, &finrota.CancelRequest{ReferenceCode: tx.ReferenceNumber, Reason: "late"})
	require.ErrorAs(t, err, &d)
	assert.Equal(t, "CANCEL_DAY_PASSED", d.Code)

	res, err = e.c.Widget.Pay(ctx, payment(e.prepared(t, finrotatest.CardApproved, false, "5"), "5", "ORD-5"))
	require.NoError(t, err)
	c, err := e.c.Transactions.Cancel(ctx, &finrota.CancelRequest{ReferenceCode: "FR" + e.clock.Now().Format("20060102") + res.OrderID, Reason: "customer asked"})
	require.NoError(t, err)
	assert.Equal(t, finrota.StatusSuccess, c.Status)
	tx, err = e.c.Transactions.Get(ctx, finrota.ByClientReference("ORD-5"))
	require.NoError(t, err)
	assert.Equal(t, finrota.StatusCancelled, tx.Status)
}

func TestDecline(t *testing.T) {
	for _, use3D := range []bool{false, true} {
		e := setup(t, nil)
		_, err := e.c.Widget.Pay(ctx, payment(e.prepared(t, finrotatest.CardDeclined, use3D, "12"), "12", "ORD-D"))
		require.ErrorIs(t, err, finrota.ErrDeclined)
		var d *finrota.DeclineError
		require.ErrorAs(t, err, &d)
		assert.Equal(t, "Insufficient funds", d.Reason)
		assert.Equal(t, "51", d.Code)
		assert.Equal(t, "ORD-D", d.ClientReferenceCode)
		tx, err := e.c.Transactions.Get(ctx, finrota.ByClientReference("ORD-D"))
		require.NoError(t, err)
		assert.Equal(t, finrota.StatusFailed, tx.Status)
	}
}

func apiErr(t *testing.T, err error) *finrota.Error {
	t.Helper()
	var e *finrota.Error
	require.ErrorAs(t, err, &e)
	return e
}

func TestTokenMixUpsAndLifetimes(t *testing.T) {
	e := setup(t, nil)
	wt, err := e.c.Widget.CreateToken(ctx)
	require.NoError(t, err)

	// Paying with the widget token (forced past the type system) is refused.
	_, err = e.c.Widget.Pay(ctx, payment(finrota.PrepareToken(wt.Token), "10", "ORD-W"))
	ae := apiErr(t, err)
	assert.Equal(t, 400, ae.StatusCode)
	assert.Equal(t, "PRP_INVALID", ae.Code)
	assert.Contains(t, ae.Details[0], "a widget token was sent")

	// An unknown widget token cannot prepare.
	_, err = e.srv.PreparePayment(ctx, "wdg_nope", finrotatest.Prepare{Card: finrotatest.TestCard(finrotatest.CardApproved), Amount: money.FromInt(1), Currency: "TRY"})
	assert.ErrorContains(t, err, "widget token is invalid")

	// A prepare token is single use, and so is its widget token.
	pt, err := e.srv.PreparePayment(ctx, wt.Token, finrotatest.Prepare{Card: finrotatest.TestCard(finrotatest.CardApproved), Amount: money.FromInt(10), Currency: "TRY"})
	require.NoError(t, err)
	_, err = e.c.Widget.Pay(ctx, payment(pt, "11", "ORD-A"))
	assert.Equal(t, "AMOUNT_MISMATCH", apiErr(t, err).Code)
	_, err = e.c.Widget.Pay(ctx, payment(pt, "10", "ORD-A"))
	require.NoError(t, err)
	_, err = e.c.Widget.Pay(ctx, payment(pt, "10", "ORD-B"))
	assert.Equal(t, "PRP_USED", apiErr(t, err).Code)
	_, err = e.srv.PreparePayment(ctx, wt.Token, finrotatest.Prepare{Card: finrotatest.TestCard(finrotatest.CardApproved), Amount: money.FromInt(10), Currency: "TRY"})
	assert.ErrorContains(t, err, "already been used")

	// Duplicate client reference.
	_, err = e.c.Widget.Pay(ctx, payment(e.prepared(t, finrotatest.CardApproved, false, "10"), "10", "ORD-A"))
	assert.Equal(t, "REF_DUPLICATE", apiErr(t, err).Code)

	// Widget tokens expire after 20 minutes; prepare tokens with them.
	pt = e.prepared(t, finrotatest.CardApproved, false, "10")
	wt2, err := e.c.Widget.CreateToken(ctx)
	require.NoError(t, err)
	e.clock.Advance(20*time.Minute + time.Second)
	_, err = e.c.Widget.Pay(ctx, payment(pt, "10", "ORD-E"))
	assert.Equal(t, "PRP_EXPIRED", apiErr(t, err).Code)
	_, err = e.srv.PreparePayment(ctx, wt2.Token, finrotatest.Prepare{Card: finrotatest.TestCard(finrotatest.CardApproved), Amount: money.FromInt(10), Currency: "TRY"})
	assert.ErrorContains(t, err, "expired")

	// Card validation happens in the widget step.
	bad := finrotatest.TestCard("4155650100416112")
	bad.CVV = "12"
	_, err = e.srv.PreparePayment(ctx, e.mustWidget(t), finrotatest.Prepare{Card: bad, Amount: money.FromInt(10), Currency: "TRY"})
	assert.ErrorContains(t, err, "card.cardNumber")
	assert.ErrorContains(t, err, "card.cvv")
}

func (e *env) mustWidget(t *testing.T) finrota.WidgetToken {
	wt, err := e.c.Widget.CreateToken(ctx)
	require.NoError(t, err)
	return wt.Token
}

// Pay carries no idempotency key: once the server may have acted, it is not
// sent again, so the card is charged at most once.
func TestPayIsSentOnceWhenTheAnswerIsLost(t *testing.T) {
	for _, f := range []sim.Fault{
		{Kind: sim.StatusAfter, Status: http.StatusBadGateway, Body: `<html>502</html>`, PathPrefix: "/b2c/widget/payment"},
		{Kind: sim.ResetAfter, PathPrefix: "/b2c/widget/payment"},
		{Kind: sim.Truncate, PathPrefix: "/b2c/widget/payment"},
	} {
		t.Run(f.Kind.String(), func(t *testing.T) {
			e := setup(t, nil, finrota.WithMaxRetries(5))
			pt := e.prepared(t, finrotatest.CardApproved, false, "10")
			e.srv.FailNext(1, f)
			_, err := e.c.Widget.Pay(ctx, payment(pt, "10", "ORD-F"))
			require.Error(t, err)
			assert.Equal(t, 1, e.srv.Handled(http.MethodPost, "/b2c/widget/payment"))
			var ne *paykit.NetworkError
			var ae *finrota.Error
			switch {
			case errors.As(err, &ne):
				assert.True(t, ne.MayHaveReachedServer)
				assert.Equal(t, 1, ne.Attempts)
			case errors.As(err, &ae):
				assert.Equal(t, 1, ae.Attempts)
			default:
				t.Fatalf("unexpected error %T: %v", err, err)
			}
			// What the merchant does next: look it up. It was charged once.
			tx, err := e.c.Transactions.Get(ctx, finrota.ByClientReference("ORD-F"))
			require.NoError(t, err)
			assert.True(t, tx.Paid())
		})
	}
	// A fault before the handler (the payment certainly did not happen)
	// is still not repeated, because the client cannot tell the difference.
	e := setup(t, nil, finrota.WithMaxRetries(5))
	pt := e.prepared(t, finrotatest.CardApproved, false, "10")
	e.srv.FailNext(1, sim.Fault{Kind: sim.Status, Status: 503, PathPrefix: "/b2c/widget/payment"})
	_, err := e.c.Widget.Pay(ctx, payment(pt, "10", "ORD-G"))
	assert.Equal(t, 503, apiErr(t, err).StatusCode)
	assert.Equal(t, 0, e.srv.Handled(http.MethodPost, "/b2c/widget/payment"))
	_, err = e.c.Widget.Pay(ctx, payment(pt, "10", "ORD-G"))
	require.NoError(t, err, "the prepare token is still good")
}

func TestConcurrentColdClientFetchesOneAccessToken(t *testing.T) {
	e := setup(t, nil)
	var wg sync.WaitGroup
	var failed atomic.Int32
	for range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := e.c.Widget.CreateToken(ctx); err != nil {
				failed.Add(1)
			}
		}()
	}
	wg.Wait()
	assert.Zero(t, failed.Load())
	assert.Equal(t, 1, e.srv.Handled(http.MethodPost, "/auth/api/token/connect"))
	assert.Equal(t, 1, e.srv.AccessTokensIssued())
	assert.Equal(t, 200, e.srv.Handled(http.MethodGet, "/b2c/widget/token"))
}

func TestRevokedAccessTokenIsRefetchedOnce(t *testing.T) {
	e := setup(t, nil)
	_, err := e.c.Widget.CreateToken(ctx)
	require.NoError(t, err)
	e.srv.RevokeAccessTokens()
	_, err = e.c.Widget.CreateToken(ctx)
	require.NoError(t, err)
	assert.Equal(t, 2, e.srv.AccessTokensIssued())

	// Wrong credentials: a clear 401.
	c, err := finrota.NewClient(finrota.Credentials{APIKey: "nope", SecretKey: "nope"}, finrota.WithBaseURL(e.srv.URL))
	require.NoError(t, err)
	_, err = c.Widget.CreateToken(ctx)
	ae := apiErr(t, err)
	assert.Equal(t, 401, ae.StatusCode)
	assert.Equal(t, "Api key or secret key is invalid", ae.Message)

	// After 24 h the simulator answers 401; the client fetches a new token
	// and repeats the call once.
	e.clock.Advance(24*time.Hour + time.Second)
	_, err = e.c.Widget.CreateToken(ctx)
	require.NoError(t, err)
	assert.Equal(t, 3, e.srv.AccessTokensIssued())
}

func TestRefundFieldMustMatchTheGateway(t *testing.T) {
	e := setup(t, []finrotatest.Option{finrotatest.WithRefundAmountField("amount")})
	res, err := e.c.Widget.Pay(ctx, payment(e.prepared(t, finrotatest.CardApproved, false, "30"), "30", "ORD-R"))
	require.NoError(t, err)
	tx, err := e.c.Transactions.Get(ctx, finrota.ByTransactionID(res.OrderID))
	require.NoError(t, err)
	_, err = e.c.Transactions.Refund(ctx, &finrota.RefundRequest{ReferenceCode: tx.ReferenceNumber, Amount: money.FromInt(5), Reason: "x"})
	ae := apiErr(t, err)
	assert.Equal(t, 400, ae.StatusCode)
	assert.Contains(t, ae.Error(), `this gateway reads the refund amount from "amount"`)

	c, err := e.srv.Client(finrota.WithRefundAmountField(finrota.RefundAmountFieldShort))
	require.NoError(t, err)
	r, err := c.Transactions.Refund(ctx, &finrota.RefundRequest{ReferenceCode: tx.ReferenceNumber, Amount: money.FromInt(5), Reason: "x"})
	require.NoError(t, err)
	assert.Equal(t, "25", r.LastAmount.String())
}

func TestSimulatorChecksRequests(t *testing.T) {
	e := setup(t, nil)
	_, err := e.c.Transactions.Get(ctx, finrota.ByTransactionID("404"))
	assert.Equal(t, 404, apiErr(t, err).StatusCode)
	_, err = e.c.Transactions.Cancel(ctx, &finrota.CancelRequest{ReferenceCode: "none", Reason: "x"})
	assert.Equal(t, 404, apiErr(t, err).StatusCode)
	_, err = e.c.PaymentOptions(ctx, "123456", money.FromInt(1), "GBP")
	assert.Contains(t, apiErr(t, err).Details, "currency: must be TRY, USD or EUR")
	resp, err := e.srv.Server.Client().Get(e.srv.URL + "/b2c/widget/token")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 401, resp.StatusCode)
}
