package fintectureflow

import (
	"context"
	"errors"
	"time"

	"github.com/paykit-go/paykit/examples/internal/transcript"
	"github.com/paykit-go/paykit/fintecture"
	"github.com/paykit-go/paykit/fintecture/fintecturetest"
	"github.com/paykit-go/paykit/money"
)

// pickBank lists the French banks offering instant SEPA to retail payers,
// as a merchant's own bank picker would, and returns the payer's pick.
func pickBank(ctx context.Context, t *transcript.T, c *fintecture.Client) (string, error) {
	t.Sent("GET /res/v1/providers?filter[country]=FR&filter[pis]=iSCT&filter[psu_type]=retail&sort[name]=ASC  (app_id header, no token)")
	banks, err := c.Providers.List(ctx, &fintecture.ProviderQuery{Country: "FR", PIS: fintecture.SchemeInstantSEPA,
		PSUType: fintecture.PSURetail, SortBy: fintecture.SortByName})
	if err != nil {
		t.Fail("providers: %v", err)
		return "", err
	}
	for _, b := range banks.Providers {
		t.Got("%s  %s (%s), schemes %v", b.ID, b.FullName, b.Country, b.PIS)
	}
	ok := len(banks.Providers) > 0
	for _, b := range banks.Providers {
		ok = ok && b.Country == "FR" && b.Offers(fintecture.SchemeInstantSEPA)
	}
	t.Check(ok, "the picker shows only French banks offering instant SEPA")
	if len(banks.Providers) == 0 {
		return "", errors.New("fintectureflow: no bank to pick")
	}
	pick := banks.Providers[0].ID
	t.Actor("payer picks %s in the merchant's page; Connect will skip Fintecture's bank choice (x-provider)", pick)
	return pick, nil
}

// afterRefund follows the refund to its webhook, lets Fintecture pay the
// payment out, and finds the payment in the list.
func afterRefund(ctx context.Context, t *transcript.T, c *fintecture.Client, srv *fintecturetest.Server,
	events <-chan *fintecture.Notification, sessionID, refundID string) error {
	t.Sent("GET /pis/v2/payments/%s  (the refund is a session of its own)", refundID)
	st, err := c.PIS.GetRefund(ctx, refundID)
	if err != nil {
		t.Fail("refund status: %v", err)
		return err
	}
	t.Got("refund %s: status %s, %s %s", st.SessionID, st.Status, st.Amount, st.Currency)
	t.Check(!st.Done() && st.RefundedSessionID == sessionID, "the refund is on its way, not done yet")

	t.Actor("Fintecture executes the refund transfer")
	if err := srv.CompleteRefund(refundID); err != nil {
		return err
	}
	select {
	case ev := <-events:
		t.Got("webhook POST (form): session_id %s, refunded_session_id %s, status %s, amount %s", ev.SessionID, ev.RefundedSessionID, ev.Status, ev.Amount)
		t.Check(ev.IsRefund() && ev.RefundDone() && ev.RefundedSessionID == sessionID && ev.SessionID == refundID,
			"refund webhook verified and recognised (refunded_session_id names the payment)")
	case <-time.After(notificationWait):
		t.Fail("no refund webhook arrived")
	}
	st, err = c.PIS.GetRefund(ctx, refundID)
	if err != nil {
		t.Fail("refund status: %v", err)
		return err
	}
	t.Check(st.Done(), "confirmed with the API: refund %s is %s", refundID, st.Status)

	t.Actor("Fintecture pays the day's collected payments out to the merchant's bank account")
	settlementID, err := srv.Settle(sessionID)
	if err != nil {
		return err
	}
	t.Sent("GET /pis/v2/settlements?page[number]=1&page[size]=50")
	found := false
	for s, err := range c.PIS.ListSettlements(ctx, nil) {
		if err != nil {
			t.Fail("settlements: %v", err)
			return err
		}
		t.Got("settlement %s: %s %s, %s, %s", s.ID, s.Amount, s.Currency, s.Status, s.ExecutionDate)
		found = found || s.ID == settlementID
	}
	t.Check(found, "the settlement is listed")
	t.Sent("GET /pis/v2/settlements/%s?include=payments", settlementID)
	full, err := c.PIS.GetSettlement(ctx, settlementID, true)
	if err != nil {
		t.Fail("settlement: %v", err)
		return err
	}
	t.Check(len(full.SessionIDs) == 1 && full.SessionIDs[0] == sessionID, "it pays out session %s", sessionID)
	p, err := c.PIS.GetPayment(ctx, sessionID)
	if err != nil {
		return err
	}
	t.Check(p.HasSettlementCompleted, "the payment now shows has_settlement_completed")

	t.Sent("GET /pis/v2/payments?filter[status]=payment_created&page[number]=1&page[size]=50  (an iterator pages on its own)")
	var n int
	var mine bool
	for p, err := range c.PIS.ListPayments(ctx, &fintecture.PaymentQuery{Status: fintecture.StatusCreated}) {
		if err != nil {
			t.Fail("payments list: %v", err)
			return err
		}
		n++
		mine = mine || p.SessionID == sessionID
	}
	t.Got("%d session(s) in payment_created (refunds are sessions too)", n)
	t.Check(mine, "the order's payment is in the list of paid payments")
	return nil
}

// requestToPay sends a payment link by e-mail, lets the payer pay it and
// follows the session.
func requestToPay(ctx context.Context, t *transcript.T, c *fintecture.Client, srv *fintecturetest.Server) error {
	t.Section("Fintecture · request to pay (a payment link sent by e-mail)")
	amount := money.MustParse("230.79")
	t.Sent("POST /pis/v2/request-to-pay?state=invoice-8786469  x-language: fr\n%s EUR, communication %q, payer john.doe@example.com  (signed; never repeated automatically)", amount, "INV-8786469")
	rtp, err := c.PIS.RequestToPay(ctx, &fintecture.RequestToPayRequest{Amount: amount, Currency: "EUR",
		Communication: "INV-8786469", Name: "John Doe", Email: "john.doe@example.com", Language: "fr",
		Expiry: 72 * time.Hour, State: "invoice-8786469"})
	if err != nil {
		t.Fail("request to pay: %v", err)
		return err
	}
	t.Got("session_id %s, link %s", rtp.SessionID, rtp.URL)
	links := srv.SentLinks()
	t.Check(len(links) == 1 && links[0].Email == "john.doe@example.com" && links[0].URL == rtp.URL, "the link was sent to the payer's e-mail")
	t.Actor("payer opens the e-mail, follows the link and pays at their bank")
	if _, err := srv.Pay(rtp.SessionID, fintecture.StatusCreated); err != nil {
		return err
	}
	p, err := c.PIS.GetPayment(ctx, rtp.SessionID)
	if err != nil {
		t.Fail("payment lookup: %v", err)
		return err
	}
	t.Got("status %s, type %s, %s %s", p.Status, p.Type, p.Amount, p.Currency)
	t.Check(p.Status == fintecture.StatusCreated && p.Amount.Equal(amount), "the request to pay was paid")
	t.Next("an unpaid link can be withdrawn with PIS.CancelPayment(session_id)")
	return nil
}
