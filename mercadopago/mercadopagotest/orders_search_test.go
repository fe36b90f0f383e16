package mercadopagotest_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
	"github.com/paykit-go/paykit/money"
)

func window(srv *mercadopagotest.Server) (time.Time, time.Time) {
	now := srv.Clock.Now()
	return now.Add(-time.Hour), now.Add(time.Hour)
}

func TestOrderSearchPagesAndFilters(t *testing.T) {
	srv, c := setup(t)
	for _, amount := range []string{"1000", "2000", "3000", "4000", "5000"} {
		_, err := c.Orders.Create(ctx, cardOrder(token(t, srv, "APRO"), amount, mercadopago.ProcessAutomatic, ""))
		require.NoError(t, err)
	}
	failed, err := c.Orders.Create(ctx, cardOrder(token(t, srv, "OTHE"), "6000", mercadopago.ProcessAutomatic, ""))
	require.NoError(t, err)
	require.Equal(t, mercadopago.OrderFailed, failed.Status)

	begin, end := window(srv)
	var refs []string
	for o, err := range c.Orders.Search(ctx, &mercadopago.OrderSearch{BeginDate: begin, EndDate: end, Status: mercadopago.OrderProcessed,
		PageSize: 2, SortOrder: "asc"}) {
		require.NoError(t, err)
		refs = append(refs, o.ExternalReference)
	}
	assert.Equal(t, []string{"ext-1000", "ext-2000", "ext-3000", "ext-4000", "ext-5000"}, refs, "three pages of two, oldest first")

	p, err := c.Orders.SearchPage(ctx, &mercadopago.OrderSearch{BeginDate: begin, EndDate: end, ExternalReference: "ext-6000"})
	require.NoError(t, err)
	require.Len(t, p.Data, 1)
	assert.Equal(t, failed.ID, p.Data[0].ID)
	assert.Equal(t, mercadopago.OrderPaging{Total: 1, TotalPages: 1, Offset: 0, Limit: 20}, p.Paging)

	p, err = c.Orders.SearchPage(ctx, &mercadopago.OrderSearch{BeginDate: end, EndDate: end.Add(time.Hour)})
	require.NoError(t, err)
	assert.Empty(t, p.Data, "outside the window")
}

// Editing the transactions of a manual order: added, changed, removed;
// refused once the order is processed, before sending when the client has
// seen it processed and by the API otherwise.
func TestOrderTransactionEdits(t *testing.T) {
	srv, c := setup(t)
	o, err := c.Orders.Create(ctx, &mercadopago.OrderRequest{ProcessingMode: mercadopago.ProcessManual, TotalAmount: money.MustParse("1000.00"),
		ExternalReference: "manual-1", Payer: &mercadopago.OrderPayer{Email: "buyer@example.com"}})
	require.NoError(t, err)
	assert.Equal(t, mercadopago.OrderCreated, o.Status)
	assert.Nil(t, o.Payment())

	added, err := c.Orders.AddTransactions(ctx, o.ID, &mercadopago.OrderTransactionsRequest{Payments: []mercadopago.OrderPaymentRequest{{
		Amount: money.MustParse("1000.00"), PaymentMethod: mercadopago.OrderPaymentMethod{ID: "master", Type: "credit_card", Token: token(t, srv, "OTHE"), Installments: 1}}}})
	require.NoError(t, err)
	require.Len(t, added.Payments, 1)
	txID := added.Payments[0].ID

	// The OTHE card would be refused: the payer gives another card.
	upd, err := c.Orders.UpdateTransaction(ctx, o.ID, txID, &mercadopago.OrderPaymentUpdate{
		PaymentMethod: &mercadopago.OrderPaymentMethod{ID: "master", Type: "credit_card", Token: token(t, srv, "APRO"), Installments: 3}})
	require.NoError(t, err)
	assert.Equal(t, txID, upd.ID)
	assert.Equal(t, 3, upd.PaymentMethod.Installments)

	_, err = c.Orders.DeleteTransaction(ctx, o.ID, txID)
	require.NoError(t, err)
	got, err := c.Orders.Get(ctx, o.ID)
	require.NoError(t, err)
	assert.Empty(t, got.Transactions.Payments)
	_, err = c.Orders.AddTransactions(ctx, o.ID, &mercadopago.OrderTransactionsRequest{Payments: []mercadopago.OrderPaymentRequest{{
		Amount: money.MustParse("1000.00"), PaymentMethod: mercadopago.OrderPaymentMethod{ID: "master", Type: "credit_card", Token: token(t, srv, "APRO"), Installments: 1}}}})
	require.NoError(t, err)
	done, err := c.Orders.Process(ctx, o.ID)
	require.NoError(t, err)
	require.Equal(t, mercadopago.OrderProcessed, done.Status)

	// This client saw it processed: refused before sending.
	_, err = c.Orders.DeleteTransaction(ctx, o.ID, done.Payment().ID)
	var ve *paykit.ValidationError
	require.ErrorAs(t, err, &ve)
	// Another client never saw it: the API refuses, typed.
	other, err := srv.Client()
	require.NoError(t, err)
	_, err = other.Orders.DeleteTransaction(ctx, o.ID, done.Payment().ID)
	var apiErr *mercadopago.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusConflict, apiErr.StatusCode)
	assert.Equal(t, "invalid_order_status", apiErr.Code)

	// An automatic order does not take transactions; nor does an unknown one.
	auto, err := c.Orders.Create(ctx, cardOrder(token(t, srv, "APRO"), "500", mercadopago.ProcessAutomatic, ""))
	require.NoError(t, err)
	_, err = other.Orders.AddTransactions(ctx, auto.ID, &mercadopago.OrderTransactionsRequest{Payments: []mercadopago.OrderPaymentRequest{{
		Amount: money.MustParse("1"), PaymentMethod: mercadopago.OrderPaymentMethod{ID: "pix", Type: "bank_transfer"}}}})
	require.ErrorAs(t, err, &apiErr)
	_, err = other.Orders.UpdateTransaction(ctx, "01NOPE", "PAY1", &mercadopago.OrderPaymentUpdate{
		PaymentMethod: &mercadopago.OrderPaymentMethod{ID: "pix", Type: "bank_transfer"}})
	assert.True(t, mercadopago.IsNotFound(err), "%v", err)
}

func TestOrderPixAndTicketWaitForThePayer(t *testing.T) {
	_, c := setup(t)
	mk := func(id, typ string) *mercadopago.Order {
		o, err := c.Orders.Create(ctx, &mercadopago.OrderRequest{ProcessingMode: mercadopago.ProcessAutomatic, TotalAmount: money.MustParse("150.00"),
			ExternalReference: "nc-" + id, Payer: &mercadopago.OrderPayer{Email: "buyer@example.com"},
			Payments: []mercadopago.OrderPaymentRequest{{Amount: money.MustParse("150.00"), PaymentMethod: mercadopago.OrderPaymentMethod{ID: id, Type: typ}}}})
		require.NoError(t, err)
		return o
	}
	pix := mk("pix", "bank_transfer")
	assert.Equal(t, mercadopago.OrderActionRequired, pix.Status)
	pm := pix.Payment().PaymentMethod
	assert.Contains(t, pm.QRCode, "br.gov.bcb.pix")
	assert.NotEmpty(t, pm.QRCodeBase64)
	boleto := mk("bolbradesco", "ticket")
	assert.Equal(t, mercadopago.OrderDetailWaitingPayment, boleto.StatusDetail)
	pm = boleto.Payment().PaymentMethod
	assert.NotEmpty(t, pm.TicketURL)
	assert.Len(t, pm.BarcodeContent, 44)
	assert.Len(t, pm.DigitableLine, 47)
	// Order ids are matched without regard to case.
	got, err := c.Orders.Get(ctx, lowerASCII(pix.ID))
	require.NoError(t, err)
	assert.Equal(t, pix.ID, got.ID)
}

func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func TestOrderNotifications(t *testing.T) {
	v, err := mercadopago.NewWebhookVerifier("ord-secret")
	require.NoError(t, err)
	var mu sync.Mutex
	var ids []string
	hook := httptest.NewServer(v.Handler(func(_ context.Context, n *mercadopago.Notification) error {
		if id, ok := n.OrderID(); ok {
			mu.Lock()
			ids = append(ids, id+" "+n.Action)
			mu.Unlock()
		}
		return nil
	}))
	defer hook.Close()
	srv, c := setup(t, mercadopagotest.WithWebhook(hook.URL, "ord-secret"))
	o, err := c.Orders.Create(ctx, cardOrder(token(t, srv, "APRO"), "700", mercadopago.ProcessAutomatic, mercadopago.CaptureManual))
	require.NoError(t, err)
	_, err = c.Orders.Capture(ctx, o.ID)
	require.NoError(t, err)
	require.NoError(t, srv.WaitDeliveries(ctx, 2))
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{o.ID + " order.action_required", o.ID + " order.processed"}, ids)
}

// ChargeDue plays the recurrence engine on the simulator's clock: three
// months on, a monthly plan is charged three times, each charge an
// authorized payment pointing at an approved payment.
func TestChargeDueAndAuthorizedPayments(t *testing.T) {
	srv, c := setup(t)
	srv.Clock.Set(time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC))
	p, err := c.Plans.Create(ctx, yogaPlan()) // 3 repetitions
	require.NoError(t, err)
	sub, err := c.Subscriptions.Create(ctx, &mercadopago.SubscriptionRequest{PreapprovalPlanID: p.ID, PayerEmail: "member@example.com",
		CardTokenID: token(t, srv, "APRO"), ExternalReference: "member-9"})
	require.NoError(t, err)

	made, err := srv.ChargeDue()
	require.NoError(t, err)
	assert.Len(t, made, 1, "the first charge is due at once")
	made, err = srv.ChargeDue()
	require.NoError(t, err)
	assert.Empty(t, made, "nothing more is due yet")
	srv.Clock.Advance(24 * time.Hour * 62)
	made, err = srv.ChargeDue()
	require.NoError(t, err)
	assert.Len(t, made, 2, "two more months have come")
	srv.Clock.Advance(24 * time.Hour * 365)
	made, err = srv.ChargeDue()
	require.NoError(t, err)
	assert.Empty(t, made, "all 3 repetitions were charged")
	assert.Equal(t, 3, srv.AuthorizedPaymentCount())

	var charges []*mercadopago.AuthorizedPayment
	for ap, err := range c.AuthorizedPayments.Search(ctx, &mercadopago.AuthorizedPaymentSearch{PreapprovalID: sub.ID, Limit: 2}) {
		require.NoError(t, err)
		charges = append(charges, ap)
	}
	require.Len(t, charges, 3)
	first, err := c.AuthorizedPayments.Get(ctx, charges[0].ID)
	require.NoError(t, err)
	assert.Equal(t, mercadopago.AuthorizedPaymentProcessed, first.Status)
	assert.Equal(t, "10990", first.TransactionAmount.String())
	assert.Equal(t, "member-9", first.ExternalReference)
	assert.Equal(t, time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC), first.DebitDate.UTC())
	assert.Equal(t, time.Date(2026, 2, 10, 12, 0, 0, 0, time.UTC), charges[1].DebitDate.UTC(), "charged on its own date, not when ChargeDue ran")
	pay, err := c.Payments.Get(ctx, first.Payment.ID)
	require.NoError(t, err)
	assert.Equal(t, mercadopago.StatusApproved, pay.Status)
	assert.Equal(t, "10990", pay.TransactionAmount.String())

	_, err = c.AuthorizedPayments.Get(ctx, 99999)
	assert.True(t, mercadopago.IsNotFound(err))
	got, err := c.Subscriptions.Get(ctx, sub.ID)
	require.NoError(t, err)
	assert.Equal(t, 3, got.Summarized.ChargedQuantity)
}

func TestChargebackSearch(t *testing.T) {
	srv, c := setup(t)
	var ids []int64
	for range 2 {
		p, err := c.Payments.Create(ctx, &mercadopago.PaymentRequest{TransactionAmount: money.MustParse("900"), Token: token(t, srv, "APRO"),
			Installments: mercadopago.Ptr(1), Payer: &mercadopago.PaymentPayer{Email: "payer@example.com"}})
		require.NoError(t, err)
		_, err = srv.Chargeback(p.ID)
		require.NoError(t, err)
		ids = append(ids, p.ID)
	}
	p, err := c.Chargebacks.SearchPage(ctx, &mercadopago.ChargebackSearch{PaymentID: ids[1]})
	require.NoError(t, err)
	require.Len(t, p.Results, 1)
	assert.Equal(t, []int64{ids[1]}, p.Results[0].PaymentIDs())
	assert.Equal(t, mercadopago.ChargebackStatus("new"), p.Results[0].Status)
	assert.Empty(t, p.Results[0].Unparsed)
	n := 0
	for cb, err := range c.Chargebacks.Search(ctx, &mercadopago.ChargebackSearch{Status: "new", Limit: 1}) {
		require.NoError(t, err)
		assert.NotEmpty(t, cb.ID)
		n++
	}
	assert.Equal(t, 2, n)
}

func TestChargebackDocumentationUpload(t *testing.T) {
	srv, c := setup(t)
	p, err := c.Payments.Create(ctx, &mercadopago.PaymentRequest{TransactionAmount: money.MustParse("900"), Token: token(t, srv, "APRO"),
		Installments: mercadopago.Ptr(1), Payer: &mercadopago.PaymentPayer{Email: "payer@example.com"}})
	require.NoError(t, err)
	id, err := srv.Chargeback(p.ID)
	require.NoError(t, err)
	_, err = c.Chargebacks.UploadDocumentation(ctx, id, []mercadopago.ChargebackFile{{Name: "invoice.pdf", Data: []byte("%PDF-1.4")}, {Name: "box.jpg", Data: []byte("jpeg")}})
	require.NoError(t, err)
	cb, err := c.Chargebacks.Get(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, mercadopago.DocumentationReviewPending, cb.DocumentationStatus)
	require.Len(t, cb.Documentation, 2)
	assert.Equal(t, "File: invoice.pdf", cb.Documentation[0].Description)
	assert.Equal(t, "application/pdf", cb.Documentation[0].Type)
	assert.Equal(t, "image/jpeg", cb.Documentation[1].Type)
	_, err = c.Chargebacks.UploadDocumentation(ctx, "nope", []mercadopago.ChargebackFile{{Name: "a.png", Data: []byte("png")}})
	assert.True(t, mercadopago.IsNotFound(err))
}
