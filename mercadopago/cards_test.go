package mercadopago

import (
	"context"
	"net/http"
	"testing"

	"github.com/paykit-go/paykit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCardsEndpoints(t *testing.T) {
	c, mt := newMocked(t)
	rec := &recorder{}
	cu, card := "255276729-yLOTNHQjpDWw1X", "1493990563105"
	base := testBase + "/v1/customers/" + cu + "/cards"
	mt.RegisterResponder(http.MethodPost, base, rec.responder(201, fixture(t, "card.json"), nil))
	mt.RegisterResponder(http.MethodGet, base, rec.responder(200, fixture(t, "cards_list.json"), nil))
	mt.RegisterResponder(http.MethodGet, base+"/"+card, rec.responder(200, fixture(t, "card.json"), nil))
	mt.RegisterResponder(http.MethodPut, base+"/"+card, rec.responder(200, fixture(t, "card.json"), nil))
	mt.RegisterResponder(http.MethodDelete, base+"/"+card, rec.responder(200, fixture(t, "card.json"), nil))

	got, err := c.Cards.Create(context.Background(), cu, "9b2d63e00d66a8c721607214cedaecda")
	require.NoError(t, err)
	w := rec.last(t)
	assert.Equal(t, http.MethodPost, w.Method)
	assert.Equal(t, "/v1/customers/"+cu+"/cards", w.Path)
	assertCommonHeaders(t, w)
	assert.Equal(t, `{"token":"9b2d63e00d66a8c721607214cedaecda"}`, string(w.Body))
	assert.Equal(t, card, got.ID)
	assert.Equal(t, int64(3), got.Issuer.ID, "an issuer id sent as text is read as a number")
	assert.Equal(t, "master", got.PaymentMethod.ID)
	assert.Equal(t, 3, got.SecurityCode.Length)
	assert.Equal(t, "Card holdername", got.Cardholder.Name)
	assert.Equal(t, cu, got.CustomerID)
	assert.Empty(t, got.Unparsed, "a value converted to the field's type is not listed")

	list, err := c.Cards.List(context.Background(), cu)
	require.NoError(t, err)
	assert.Equal(t, http.MethodGet, rec.last(t).Method)
	assertCommonHeaders(t, rec.last(t))
	require.Len(t, list, 2)
	assert.Equal(t, "1493990563105", list[1].ID)
	assert.Zero(t, list[1].ExpirationMonth)
	assert.Equal(t, "0604", list[1].LastFourDigits)
	assert.ElementsMatch(t, []string{"expiration_month", "expiration_year"}, list[1].Unparsed)

	_, err = c.Cards.Get(context.Background(), cu, card)
	require.NoError(t, err)
	assert.Equal(t, "/v1/customers/"+cu+"/cards/"+card, rec.last(t).Path)

	_, err = c.Cards.Update(context.Background(), cu, card, &CardUpdate{ExpirationMonth: Ptr(1), ExpirationYear: Ptr(2031)})
	require.NoError(t, err)
	assert.Equal(t, http.MethodPut, rec.last(t).Method)
	assert.Equal(t, `{"expiration_month":1,"expiration_year":2031}`, string(rec.last(t).Body))
	assertCommonHeaders(t, rec.last(t))

	_, err = c.Cards.Delete(context.Background(), cu, card)
	require.NoError(t, err)
	assert.Equal(t, http.MethodDelete, rec.last(t).Method)
	assertCommonHeaders(t, rec.last(t))
}

func TestCardsValidate(t *testing.T) {
	c, mt := newMocked(t)
	_, err := c.Cards.Create(context.Background(), "", "tok")
	assert.ErrorAs(t, err, new(*paykit.ValidationError))
	_, err = c.Cards.Create(context.Background(), "cu", " ")
	assert.ErrorAs(t, err, new(*paykit.ValidationError))
	_, err = c.Cards.Get(context.Background(), "cu", "")
	assert.ErrorAs(t, err, new(*paykit.ValidationError))
	_, err = c.Cards.Update(context.Background(), "cu", "1", nil)
	assert.ErrorAs(t, err, new(*paykit.ValidationError))
	_, err = c.Cards.Update(context.Background(), "cu", "1", &CardUpdate{ExpirationMonth: Ptr(13)})
	assert.ErrorAs(t, err, new(*paykit.ValidationError))
	_, err = c.Cards.Delete(context.Background(), "", "1")
	assert.ErrorAs(t, err, new(*paykit.ValidationError))
	_, err = c.Cards.List(context.Background(), "")
	assert.ErrorAs(t, err, new(*paykit.ValidationError))
	assert.Zero(t, mt.GetTotalCallCount())
}
