package fintecturetest_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/paykit-go/paykit/fintecture"
	"github.com/paykit-go/paykit/fintecture/fintecturetest"
	"github.com/paykit-go/paykit/money"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSimProvidersFilterSortAndConnect(t *testing.T) {
	srv := fintecturetest.NewServer(fintecturetest.WithProduction())
	defer srv.Close()
	c := newClient(t, srv, srv.Credentials(), fintecture.WithEnvironment(fintecture.Production))
	ctx := context.Background()

	all, err := c.Providers.List(ctx, nil)
	require.NoError(t, err)
	assert.Len(t, all.Providers, len(fintecturetest.Providers))

	fr, err := c.Providers.List(ctx, &fintecture.ProviderQuery{Country: "FR", PIS: fintecture.SchemeInstantSEPA})
	require.NoError(t, err)
	require.Len(t, fr.Providers, 1)
	assert.Equal(t, "cmcifrpp", fr.Providers[0].ID)

	retail, err := c.Providers.List(ctx, &fintecture.ProviderQuery{PSUType: fintecture.PSURetail, SortBy: fintecture.SortByName, Descending: true})
	require.NoError(t, err)
	var names []string
	for _, p := range retail.Providers {
		names = append(names, p.Name)
	}
	assert.Equal(t, []string{"CaixaBank", "CIC", "BNP Paribas"}, names)

	dec, err := c.Providers.List(ctx, &fintecture.ProviderQuery{AuthModel: fintecture.AuthDecoupled, Country: "DE"})
	require.NoError(t, err)
	require.Len(t, dec.Providers, 1)
	assert.Equal(t, "deutdeff", dec.Providers[0].ID)

	one, err := c.Providers.Get(ctx, "bnpafrpp")
	require.NoError(t, err)
	assert.Equal(t, "BNP Paribas", one.Name)
	_, err = c.Providers.Get(ctx, "nosuchbank")
	var fe *fintecture.Error
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, 404, fe.StatusCode)

	// The chosen bank goes to Connect as x-provider.
	_, err = c.PIS.Connect(ctx, &fintecture.ConnectRequest{Amount: money.MustParse("10"), Currency: "EUR",
		RedirectURI: "https://shop.example/r", State: "s-1", Provider: fr.Providers[0].ID})
	require.NoError(t, err)

	// A wrong app id is refused by the resources.
	other, err := fintecture.NewClient(fintecture.Credentials{AppID: "someone-else", AppSecret: "x"}, fintecture.WithBaseURL(srv.URL))
	require.NoError(t, err)
	_, err = other.Providers.List(ctx, nil)
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, 401, fe.StatusCode)
}

func TestSimRequestToPayLifecycleAndPaymentList(t *testing.T) {
	now := time.Date(2024, 3, 8, 10, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	srv := fintecturetest.NewServer(fintecturetest.WithClock(clock), fintecturetest.WithoutSignatureChecks())
	defer srv.Close()
	c := newClient(t, srv, srv.Credentials())
	ctx := context.Background()

	s1, err := c.PIS.Connect(ctx, connectReq("order-1"))
	require.NoError(t, err)
	_, err = srv.Pay(s1.SessionID, fintecture.StatusCreated)
	require.NoError(t, err)
	mu.Lock()
	now = now.AddDate(0, 0, 2)
	mu.Unlock()
	rtp, err := c.PIS.RequestToPay(ctx, &fintecture.RequestToPayRequest{Amount: money.MustParse("230.79"), Currency: "EUR",
		Communication: "INV-8786469", Name: "John Doe", Email: "john@doe.example", Language: "fr", State: "inv-1"})
	require.NoError(t, err)
	links := srv.SentLinks()
	require.Len(t, links, 1)
	assert.Equal(t, fintecturetest.SentLink{SessionID: rtp.SessionID, Email: "john@doe.example", Language: "fr", URL: rtp.URL}, links[0])

	p, err := c.PIS.GetPayment(ctx, rtp.SessionID)
	require.NoError(t, err)
	assert.Equal(t, fintecture.StatusSessionInitiated, p.Status)
	assert.Equal(t, "RequestToPay", p.Type)
	assert.Equal(t, "230.79", p.Amount.String())

	// The payer pays the link.
	_, err = srv.Pay(rtp.SessionID, fintecture.StatusCreated)
	require.NoError(t, err)
	s3, err := c.PIS.Connect(ctx, connectReq("order-3"))
	require.NoError(t, err)

	var ids []string
	for p, err := range c.PIS.ListPayments(ctx, &fintecture.PaymentQuery{PageSize: 1}) {
		require.NoError(t, err)
		ids = append(ids, p.SessionID)
	}
	assert.Equal(t, []string{s1.SessionID, rtp.SessionID, s3.SessionID}, ids, "three pages of one, in creation order")
	assert.Equal(t, 3, srv.Handled(http.MethodGet, "/pis/v2/payments"))

	var paid []string
	for p, err := range c.PIS.ListPayments(ctx, &fintecture.PaymentQuery{Status: fintecture.StatusCreated,
		From: time.Date(2024, 3, 9, 0, 0, 0, 0, time.UTC)}) {
		require.NoError(t, err)
		paid = append(paid, p.SessionID)
		assert.Equal(t, "RequestToPay", p.Type)
	}
	assert.Equal(t, []string{rtp.SessionID}, paid)

	// A link can be withdrawn while unpaid.
	rtp2, err := c.PIS.RequestToPay(ctx, &fintecture.RequestToPayRequest{Amount: money.MustParse("5"), Currency: "EUR",
		Communication: "INV-2", Name: "Ana", Phone: "601020304", PhonePrefix: "+33", Language: "en"})
	require.NoError(t, err)
	assert.Equal(t, "+33601020304", srv.SentLinks()[1].Phone)
	cancelled, err := c.PIS.CancelPayment(ctx, rtp2.SessionID)
	require.NoError(t, err)
	assert.Equal(t, fintecture.StatusCancelled, cancelled.Status)
}

func TestSimRequestToPayChecks(t *testing.T) {
	srv := fintecturetest.NewServer()
	defer srv.Close()
	c := newClient(t, srv, srv.Credentials())
	// The simulator checks x-language itself, even when a client skips validation.
	tok, err := c.Token(context.Background())
	require.NoError(t, err)
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/pis/v2/request-to-pay", nil)
	req.Header.Set("Authorization", "Bearer "+tok.Value)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, 400, resp.StatusCode)
	assert.Equal(t, 0, srv.Sessions())
}

func TestSimRefundStatusAndWebhook(t *testing.T) {
	key := fintecturetest.NewServer()
	defer key.Close()
	v, err := fintecture.NewWebhookVerifier(key.Credentials().PrivateKey)
	require.NoError(t, err)
	var mu sync.Mutex
	var events []*fintecture.Notification
	hook := httptest.NewServer(v.Handler(func(_ context.Context, ev *fintecture.Notification) error {
		mu.Lock()
		events = append(events, ev)
		mu.Unlock()
		return nil
	}))
	defer hook.Close()
	srv := fintecturetest.NewServer(fintecturetest.WithWebhookURL(hook.URL, nil), fintecturetest.WithMerchantKey(key.Credentials().PrivateKey))
	defer srv.Close()
	c := newClient(t, srv, srv.Credentials())
	ctx := context.Background()

	s, err := c.PIS.Connect(ctx, connectReq("order-7"))
	require.NoError(t, err)
	_, err = srv.Pay(s.SessionID, fintecture.StatusCreated)
	require.NoError(t, err)
	ref, err := c.PIS.Refund(ctx, &fintecture.RefundRequest{SessionID: s.SessionID, Amount: money.MustParse("73"), Communication: "REFUND order-7",
		State: "credit-note-7"})
	require.NoError(t, err)

	st, err := c.PIS.GetRefund(ctx, ref.SessionID)
	require.NoError(t, err)
	assert.Equal(t, fintecture.StatusPending, st.Status)
	assert.False(t, st.Done())
	assert.Equal(t, s.SessionID, st.RefundedSessionID)
	assert.Equal(t, "73.00", st.Amount.String())
	assert.Equal(t, "Refund", st.Type)

	require.NoError(t, srv.CompleteRefund(ref.SessionID))
	require.Error(t, srv.CompleteRefund(ref.SessionID), "a refund completes once")
	st, err = c.PIS.GetRefund(ctx, ref.SessionID)
	require.NoError(t, err)
	assert.True(t, st.Done())
	assert.Equal(t, fintecture.TransferSent, st.TransferState)

	mu.Lock()
	defer mu.Unlock()
	require.Len(t, events, 2, "the payment's webhook, then the refund's")
	ev := events[1]
	assert.True(t, ev.IsRefund())
	assert.True(t, ev.RefundDone())
	assert.Equal(t, ref.SessionID, ev.SessionID)
	assert.Equal(t, s.SessionID, ev.RefundedSessionID)
	assert.Equal(t, "73.00", ev.Amount.String())
	assert.Equal(t, "credit-note-7", ev.State, "the refund's own state comes back in its webhook")
	assert.Equal(t, "order-7", events[0].State)
	assert.False(t, events[0].IsRefund())
	_, err = srv.Pay(ref.SessionID, fintecture.StatusCreated)
	require.Error(t, err, "a refund is not paid by a payer")
}

func TestSimSettlements(t *testing.T) {
	srv := fintecturetest.NewServer()
	defer srv.Close()
	c := newClient(t, srv, srv.Credentials())
	ctx := context.Background()
	var paid []string
	for i := range 3 {
		s, err := c.PIS.Connect(ctx, connectReq("order-s"+string(rune('a'+i))))
		require.NoError(t, err)
		_, err = srv.Pay(s.SessionID, fintecture.StatusCreated)
		require.NoError(t, err)
		paid = append(paid, s.SessionID)
	}
	p, err := c.PIS.GetPayment(ctx, paid[0])
	require.NoError(t, err)
	assert.False(t, p.HasSettlementCompleted)

	id1, err := srv.Settle(paid[0], paid[1])
	require.NoError(t, err)
	_, err = srv.Settle(paid[0])
	require.Error(t, err, "a payment is settled once")
	id2, err := srv.Settle()
	require.NoError(t, err)

	p, err = c.PIS.GetPayment(ctx, paid[0])
	require.NoError(t, err)
	assert.True(t, p.HasSettlementCompleted)

	var got []*fintecture.Settlement
	for st, err := range c.PIS.ListSettlements(ctx, &fintecture.SettlementQuery{PageSize: 1, From: time.Now().AddDate(0, 0, -1)}) {
		require.NoError(t, err)
		got = append(got, st)
	}
	require.Len(t, got, 2)
	assert.Equal(t, id1, got[0].ID)
	assert.Equal(t, "546.00", got[0].Amount.String())
	assert.Equal(t, id2, got[1].ID)
	assert.Equal(t, "273.00", got[1].Amount.String())

	st, err := c.PIS.GetSettlement(ctx, id1, true)
	require.NoError(t, err)
	assert.Equal(t, []string{paid[0], paid[1]}, st.SessionIDs)
	st, err = c.PIS.GetSettlement(ctx, id1, false)
	require.NoError(t, err)
	assert.Empty(t, st.SessionIDs)

	var none int
	for _, err := range c.PIS.ListSettlements(ctx, &fintecture.SettlementQuery{To: time.Now().AddDate(0, 0, -2)}) {
		require.NoError(t, err)
		none++
	}
	assert.Zero(t, none)
}
