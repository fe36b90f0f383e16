package mercadopago_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
	"github.com/paykit-go/paykit/money"
)

func exampleCard(srv *mercadopagotest.Server, holder string) string {
	tok, _ := srv.CardToken(mercadopagotest.TestCard{Number: mercadopagotest.CardMastercard, ExpirationMonth: 11,
		ExpirationYear: time.Now().Year() + 2, SecurityCode: "123", HolderName: holder})
	return tok
}

// Find orders by date window and filters, page by page: Search pages on its
// own; SearchPage fetches one page.
func ExampleOrdersService_Search() {
	srv := mercadopagotest.NewServer()
	defer srv.Close()
	c, _ := srv.Client()
	ctx := context.Background()
	for _, ref := range []string{"order-1", "order-2", "order-3"} {
		_, _ = c.Orders.Create(ctx, &mercadopago.OrderRequest{ProcessingMode: mercadopago.ProcessAutomatic,
			TotalAmount: money.FromInt(1000), ExternalReference: ref, Payer: &mercadopago.OrderPayer{Email: "buyer@example.com"},
			Payments: []mercadopago.OrderPaymentRequest{{Amount: money.FromInt(1000), PaymentMethod: mercadopago.OrderPaymentMethod{
				ID: "master", Type: "credit_card", Token: exampleCard(srv, "APRO"), Installments: 1}}}})
	}
	now := time.Now()
	q := &mercadopago.OrderSearch{BeginDate: now.Add(-24 * time.Hour), EndDate: now.Add(time.Hour),
		Status: mercadopago.OrderProcessed, PageSize: 2, SortOrder: "asc"}
	for o, err := range c.Orders.Search(ctx, q) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(o.ExternalReference, o.Status)
	}
	// Output:
	// order-1 processed
	// order-2 processed
	// order-3 processed
}

// An order in manual mode takes its payment later, which can be changed
// (another card) or removed until the order is processed; then it is
// closed to edits.
func ExampleOrdersService_AddTransactions() {
	srv := mercadopagotest.NewServer()
	defer srv.Close()
	c, _ := srv.Client()
	ctx := context.Background()
	o, _ := c.Orders.Create(ctx, &mercadopago.OrderRequest{ProcessingMode: mercadopago.ProcessManual,
		TotalAmount: money.MustParse("500.00"), ExternalReference: "order-88", Payer: &mercadopago.OrderPayer{Email: "buyer@example.com"}})
	added, _ := c.Orders.AddTransactions(ctx, o.ID, &mercadopago.OrderTransactionsRequest{Payments: []mercadopago.OrderPaymentRequest{{
		Amount: money.MustParse("500.00"), PaymentMethod: mercadopago.OrderPaymentMethod{ID: "master", Type: "credit_card",
			Token: exampleCard(srv, "APRO"), Installments: 1}}}})
	tx := added.Payments[0].ID
	upd, _ := c.Orders.UpdateTransaction(ctx, o.ID, tx, &mercadopago.OrderPaymentUpdate{PaymentMethod: &mercadopago.OrderPaymentMethod{
		ID: "master", Type: "credit_card", Token: exampleCard(srv, "APRO"), Installments: 3}})
	fmt.Println("installments:", upd.PaymentMethod.Installments)
	o, _ = c.Orders.Process(ctx, o.ID)
	fmt.Println(o.Status)
	_, err := c.Orders.DeleteTransaction(ctx, o.ID, tx)
	fmt.Println(err)
	// Output:
	// installments: 3
	// processed
	// mercadopago: order: is processed: its transactions can no longer be added, changed or removed
}

// A Pix order waits for the payer: show them the QR code from the order's
// payment method.
func ExampleOrderPaymentMethodInfo() {
	srv := mercadopagotest.NewServer()
	defer srv.Close()
	c, _ := srv.Client()
	o, _ := c.Orders.Create(context.Background(), &mercadopago.OrderRequest{ProcessingMode: mercadopago.ProcessAutomatic,
		TotalAmount: money.MustParse("150.00"), ExternalReference: "order-pix", Payer: &mercadopago.OrderPayer{Email: "buyer@example.com"},
		Payments: []mercadopago.OrderPaymentRequest{{Amount: money.MustParse("150.00"),
			PaymentMethod: mercadopago.OrderPaymentMethod{ID: "pix", Type: "bank_transfer"}}}})
	pm := o.Payment().PaymentMethod
	fmt.Println(o.Status, strings.HasPrefix(pm.QRCode, "000201"), pm.QRCodeBase64 != "")
	// Output: action_required true true
}

// Order notifications: the signed id is an order id, matched without
// regard to letter case and handed back as the API spells it.
func ExampleNotification_OrderID() {
	v, _ := mercadopago.NewWebhookVerifier("your-webhook-secret")
	h := v.Handler(func(ctx context.Context, n *mercadopago.Notification) error {
		if id, ok := n.OrderID(); ok {
			fmt.Println(n.Action, id) // then: c.Orders.Get(ctx, id)
		}
		return nil
	})
	sig := mercadopagotest.SignNotification("your-webhook-secret", "ord01jaqd7x3wdpr0qxh2fm2zd8wy", "req-1", time.Now())
	req := httptest.NewRequest("POST", "/hooks?data.id=ORD01JAQD7X3WDPR0QXH2FM2ZD8WY&type=order",
		strings.NewReader(`{"type":"order","action":"order.processed","data":{"id":"ORD01JAQD7X3WDPR0QXH2FM2ZD8WY"}}`))
	req.Header.Set("X-Signature", sig)
	req.Header.Set("X-Request-Id", "req-1")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	fmt.Println(rec.Code)
	// Output:
	// order.processed ORD01JAQD7X3WDPR0QXH2FM2ZD8WY
	// 200
}

// A subscription_authorized_payment notification names one periodic
// charge: read it, then the payment that charged it. ChargeDue plays the
// recurrence engine on the simulator's clock.
func ExampleAuthorizedPaymentsService_Get() {
	srv := mercadopagotest.NewServer()
	defer srv.Close()
	c, _ := srv.Client()
	ctx := context.Background()
	plan, _ := c.Plans.Create(ctx, &mercadopago.PlanRequest{Reason: "Yoga classes", BackURL: "https://gym.example/thanks",
		AutoRecurring: &mercadopago.AutoRecurring{Frequency: 1, FrequencyType: mercadopago.FrequencyMonths,
			TransactionAmount: money.FromInt(10990), CurrencyID: "CLP"}})
	sub, _ := c.Subscriptions.Create(ctx, &mercadopago.SubscriptionRequest{PreapprovalPlanID: plan.ID,
		PayerEmail: "member@example.com", CardTokenID: exampleCard(srv, "APRO")})
	srv.Clock.Set(time.Now().AddDate(0, 2, 1)) // two months on
	charged, _ := srv.ChargeDue()
	fmt.Println("charges:", len(charged))

	ap, err := c.AuthorizedPayments.Get(ctx, charged[0]) // the id a notification carries
	if err != nil {
		fmt.Println(err)
		return
	}
	pay, _ := c.Payments.Get(ctx, ap.Payment.ID)
	fmt.Println(ap.Status, ap.PreapprovalID == sub.ID, ap.TransactionAmount, pay.Status)
	n := 0
	for range c.AuthorizedPayments.Search(ctx, &mercadopago.AuthorizedPaymentSearch{PreapprovalID: sub.ID}) {
		n++
	}
	fmt.Println("found:", n)
	// Output:
	// charges: 3
	// processed true 10990 approved
	// found: 3
}

// Chargebacks come in two answer shapes; PaymentIDs and CurrencyCode read
// either, and Search finds the disputes of a payment.
func ExampleChargebacksService_Search() {
	srv := mercadopagotest.NewServer()
	defer srv.Close()
	c, _ := srv.Client()
	ctx := context.Background()
	p, _ := c.Payments.Create(ctx, &mercadopago.PaymentRequest{TransactionAmount: money.FromInt(15990), Token: exampleCard(srv, "APRO"),
		Installments: mercadopago.Ptr(1), Payer: &mercadopago.PaymentPayer{Email: "buyer@example.com"}})
	_, _ = srv.Chargeback(p.ID)
	for cb, err := range c.Chargebacks.Search(ctx, &mercadopago.ChargebackSearch{PaymentID: p.ID}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(cb.Status, cb.Amount, cb.CurrencyCode(), cb.PaymentIDs()[0] == p.ID)
	}
	// Output: new 15990 CLP true
}

// Send the documents that support the sale: .jpg, .png or .pdf, at most
// 10 MB together. The upload is never repeated once it may have arrived;
// read the chargeback to see its new documentation status.
func ExampleChargebacksService_UploadDocumentation() {
	srv := mercadopagotest.NewServer()
	defer srv.Close()
	c, _ := srv.Client()
	ctx := context.Background()
	p, _ := c.Payments.Create(ctx, &mercadopago.PaymentRequest{TransactionAmount: money.FromInt(15990), Token: exampleCard(srv, "APRO"),
		Installments: mercadopago.Ptr(1), Payer: &mercadopago.PaymentPayer{Email: "buyer@example.com"}})
	id, _ := srv.Chargeback(p.ID)

	_, err := c.Chargebacks.UploadDocumentation(ctx, id, []mercadopago.ChargebackFile{
		{Name: "invoice.pdf", Data: []byte("%PDF-1.4 …")},
		{Name: "delivery-receipt.jpg", Data: []byte("… JPEG bytes …")},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	cb, _ := c.Chargebacks.Get(ctx, id)
	fmt.Println(cb.DocumentationStatus, len(cb.Documentation))
	_, err = c.Chargebacks.UploadDocumentation(ctx, id, []mercadopago.ChargebackFile{{Name: "notes.docx", Data: []byte("x")}})
	fmt.Println(err)
	// Output:
	// review_pending 2
	// mercadopago: files[0].name: must end in .jpg, .jpeg, .png or .pdf
}
