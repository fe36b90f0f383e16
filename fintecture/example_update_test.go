package fintecture_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/fintecture"
	"github.com/paykit-go/paykit/fintecture/fintecturetest"
	"github.com/paykit-go/paykit/money"
)

// Change the amount of a session the payer has not paid yet, then cancel
// it. PATCH is not repeated after a failure that may have reached
// Fintecture, so fetch the payment before sending an update again.
func ExamplePISService_UpdatePayment() {
	srv := fintecturetest.NewServer(fintecturetest.WithProduction())
	defer srv.Close()
	c, err := srv.Client()
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	sess, err := c.PIS.Connect(ctx, &fintecture.ConnectRequest{Amount: money.MustParse("273.00"), Currency: "EUR",
		Communication: "B34970692", RedirectURI: "https://shop.example.com/return", State: "order-42"})
	if err != nil {
		panic(err)
	}

	// Part of the order is out of stock: ask for less.
	p, err := c.PIS.UpdatePayment(ctx, sess.SessionID, &fintecture.PaymentUpdate{Amount: money.MustParse("250")})
	if err != nil {
		panic(err)
	}
	fmt.Println(p.Amount, p.Status)

	// The order is cancelled: withdraw the session, saying why.
	p, err = c.PIS.UpdatePayment(ctx, sess.SessionID, &fintecture.PaymentUpdate{
		Status: fintecture.StatusCancelled, TransferReason: "cancelled_order"})
	if err != nil {
		panic(err)
	}
	fmt.Println(p.Status, p.TransferState)

	// An update that changes nothing is refused before anything is sent.
	_, err = c.PIS.UpdatePayment(ctx, sess.SessionID, &fintecture.PaymentUpdate{})
	var ve *paykit.ValidationError
	fmt.Println(errors.As(err, &ve), ve.Field)
	// Output:
	// 250.00 provider_required
	// payment_cancelled cancelled
	// true request
}

// Pay into another account than the one set up in the Console, offer two
// payment methods, and keep your own references with the payment. The
// beneficiary's IBAN is checked (ISO 13616 check digits) before anything is
// sent.
func ExamplePISService_Connect_beneficiary() {
	srv := fintecturetest.NewServer()
	defer srv.Close()
	c, _ := srv.Client()
	req := &fintecture.ConnectRequest{
		Amount: money.MustParse("550.60"), Currency: "EUR", Communication: "Order 15654",
		RedirectURI: "https://shop.example.com/return", State: "order-15654",
		Beneficiary: &fintecture.Beneficiary{Name: "World Company", IBAN: "FR76 3000 1007 9412 3456 7890 185",
			SWIFTBIC: "BDFEFRPPCCT", Country: "FR"},
		PaymentMethods:    []fintecture.PaymentMethod{fintecture.PaymentMethodImmediateTransfer, fintecture.PaymentMethodSmartTransfer},
		ExternalReference: "invoice-15654",
		Custom:            map[string]any{"order_id": "15654", "channel": "web"},
		ExtraMeta:         map[string]any{"psu_phone_prefix": "+33"}, // a member paykit does not model
	}
	sess, err := c.PIS.Connect(context.Background(), req)
	fmt.Println(err == nil && sess.SessionID != "")

	req.Beneficiary.IBAN = "FR76 3000 1007 9412 3456 7890 186" // one digit off
	_, err = c.PIS.Connect(context.Background(), req)
	fmt.Println(err)
	// Output:
	// true
	// fintecture: data.attributes.beneficiary.iban: must be an IBAN with valid check digits (ISO 13616), e.g. FR7630006000011234567890189
}
