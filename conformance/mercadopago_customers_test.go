package conformance

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
)

// mercadopagoCustomers returns the customer and saved-card calls. Every
// write carries an idempotency key the simulator replays, so each may be
// repeated and takes effect once; a DELETE or PUT repeated with its key gets
// the first answer back.
func mercadopagoCustomers(t *testing.T, srv *mercadopagotest.Server, c, setup *mercadopago.Client) []call {
	token := func(number string) string {
		cvv := "123"
		if number == mercadopagotest.CardAmex {
			cvv = "1234"
		}
		tok, err := srv.CardToken(mercadopagotest.TestCard{Number: number, ExpirationMonth: 11, ExpirationYear: time.Now().Year() + 2,
			SecurityCode: cvv, HolderName: "APRO", IdentificationType: "RUT", IdentificationNumber: "111111111"})
		require.NoError(t, err)
		return tok
	}
	customer := func(email string) *mercadopago.Customer {
		cu, err := setup.Customers.Create(bg, &mercadopago.CustomerRequest{Email: email})
		require.NoError(t, err)
		return cu
	}
	saved, toDelete := customer("saved@example.com"), customer("leaving@example.com")
	card, err := setup.Cards.Create(bg, saved.ID, token(mercadopagotest.CardMastercard))
	require.NoError(t, err)
	cardToDelete, err := setup.Cards.Create(bg, saved.ID, token(mercadopagotest.CardAmex))
	require.NoError(t, err)
	newCard := token(mercadopagotest.CardVisa)
	cards := func() int {
		l, err := setup.Cards.List(bg, saved.ID)
		require.NoError(t, err)
		return len(l)
	}
	gone := func(get func() error) func() int {
		return func() int {
			if mercadopago.IsNotFound(get()) {
				return 1
			}
			return 0
		}
	}
	custPath, cardPath := "/v1/customers/"+saved.ID, "/v1/customers/"+saved.ID+"/cards/"+card.ID
	return []call{
		{name: "Customers.Get", method: "GET", path: custPath, repeatable: true,
			run:    func(ctx context.Context) error { _, err := c.Customers.Get(ctx, saved.ID); return err },
			withID: func(ctx context.Context, id string) error { _, err := c.Customers.Get(ctx, id); return err }},
		{name: "Customers.Update", method: "PUT", path: custPath, repeatable: true,
			run: func(ctx context.Context) error {
				_, err := c.Customers.Update(ctx, saved.ID, &mercadopago.CustomerRequest{Description: "regular"})
				return err
			},
			withID: func(ctx context.Context, id string) error {
				_, err := c.Customers.Update(ctx, id, &mercadopago.CustomerRequest{Description: "regular"})
				return err
			}},
		{name: "Customers.Delete", method: "DELETE", path: "/v1/customers/" + toDelete.ID, repeatable: true, keyed: true,
			effects: gone(func() error { _, err := setup.Customers.Get(bg, toDelete.ID); return err }),
			run:     func(ctx context.Context) error { _, err := c.Customers.Delete(ctx, toDelete.ID); return err },
			withID:  func(ctx context.Context, id string) error { _, err := c.Customers.Delete(ctx, id); return err }},
		{name: "Cards.Create", method: "POST", path: custPath + "/cards", repeatable: true, keyed: true, effects: cards,
			run:    func(ctx context.Context) error { _, err := c.Cards.Create(ctx, saved.ID, newCard); return err },
			withID: func(ctx context.Context, id string) error { _, err := c.Cards.Create(ctx, id, newCard); return err }},
		{name: "Cards.List", method: "GET", path: custPath + "/cards", repeatable: true,
			run:    func(ctx context.Context) error { _, err := c.Cards.List(ctx, saved.ID); return err },
			withID: func(ctx context.Context, id string) error { _, err := c.Cards.List(ctx, id); return err }},
		{name: "Cards.Get", method: "GET", path: cardPath, repeatable: true,
			run: func(ctx context.Context) error { _, err := c.Cards.Get(ctx, saved.ID, card.ID); return err },
			withID: func(ctx context.Context, id string) error {
				_, err1 := c.Cards.Get(ctx, id, card.ID)
				_, err2 := c.Cards.Get(ctx, saved.ID, id)
				return joinBoth(err1, err2)
			}},
		{name: "Cards.Update", method: "PUT", path: cardPath, repeatable: true,
			run: func(ctx context.Context) error {
				_, err := c.Cards.Update(ctx, saved.ID, card.ID, &mercadopago.CardUpdate{ExpirationMonth: mercadopago.Ptr(12)})
				return err
			},
			withID: func(ctx context.Context, id string) error {
				_, err1 := c.Cards.Update(ctx, id, card.ID, &mercadopago.CardUpdate{ExpirationMonth: mercadopago.Ptr(12)})
				_, err2 := c.Cards.Update(ctx, saved.ID, id, &mercadopago.CardUpdate{ExpirationMonth: mercadopago.Ptr(12)})
				return joinBoth(err1, err2)
			}},
		{name: "Cards.Delete", method: "DELETE", path: custPath + "/cards/" + cardToDelete.ID, repeatable: true, keyed: true,
			effects: gone(func() error { _, err := setup.Cards.Get(bg, saved.ID, cardToDelete.ID); return err }),
			run:     func(ctx context.Context) error { _, err := c.Cards.Delete(ctx, saved.ID, cardToDelete.ID); return err },
			withID: func(ctx context.Context, id string) error {
				_, err1 := c.Cards.Delete(ctx, id, cardToDelete.ID)
				_, err2 := c.Cards.Delete(ctx, saved.ID, id)
				return joinBoth(err1, err2)
			}},
	}
}
