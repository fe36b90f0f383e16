package mercadopago

import (
	"context"
	"net/http"
	"testing"

	"github.com/paykit-go/paykit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCustomersEndpoints(t *testing.T) {
	c, mt := newMocked(t)
	rec := &recorder{}
	id := "123456789-jxOV430go9fx2e"
	mt.RegisterResponder(http.MethodPost, testBase+"/v1/customers", rec.responder(201, fixture(t, "customer.json"), nil))
	mt.RegisterResponder(http.MethodGet, testBase+"/v1/customers/"+id, rec.responder(200, fixture(t, "customer.json"), nil))
	mt.RegisterResponder(http.MethodPut, testBase+"/v1/customers/"+id, rec.responder(200, fixture(t, "customer.json"), nil))
	mt.RegisterResponder(http.MethodDelete, testBase+"/v1/customers/"+id, rec.responder(200, fixture(t, "customer.json"), nil))

	cu, err := c.Customers.Create(context.Background(), &CustomerRequest{Email: "test@test.com"})
	require.NoError(t, err)
	got := rec.last(t)
	assert.Equal(t, http.MethodPost, got.Method)
	assert.Equal(t, "/v1/customers", got.Path)
	assertCommonHeaders(t, got)
	assert.Equal(t, `{"email":"test@test.com"}`, string(got.Body))
	assert.Equal(t, id, cu.ID)
	assert.Equal(t, "1490022319978", cu.DefaultCard)
	require.Len(t, cu.Cards, 1)
	assert.Equal(t, "0001", cu.Cards[0].LastFourDigits)
	assert.Equal(t, 2020, cu.Cards[0].ExpirationYear)
	assert.NotEmpty(t, cu.Meta.IdempotencyKey)
	assert.Empty(t, cu.Unparsed)

	_, err = c.Customers.Get(context.Background(), id)
	require.NoError(t, err)
	assert.Equal(t, http.MethodGet, rec.last(t).Method)
	assert.Equal(t, "/v1/customers/"+id, rec.last(t).Path)
	assertCommonHeaders(t, rec.last(t))

	_, err = c.Customers.Update(context.Background(), id, &CustomerRequest{FirstName: "Ana", Phone: &Phone{AreaCode: "56", Number: "912345678"}})
	require.NoError(t, err)
	assert.Equal(t, http.MethodPut, rec.last(t).Method)
	assert.Equal(t, `{"first_name":"Ana","phone":{"area_code":"56","number":"912345678"}}`, string(rec.last(t).Body))
	assertCommonHeaders(t, rec.last(t))

	_, err = c.Customers.Delete(context.Background(), id)
	require.NoError(t, err)
	assert.Equal(t, http.MethodDelete, rec.last(t).Method)
	assert.Nil(t, rec.last(t).Body)
	assertCommonHeaders(t, rec.last(t))
}

func TestCustomersSearch(t *testing.T) {
	c, mt := newMocked(t)
	rec := &recorder{}
	mt.RegisterResponderWithQuery(http.MethodGet, testBase+"/v1/customers/search", "email=test%40test.com", rec.responder(200, fixture(t, "customer_search.json"), nil))
	var found []*Customer
	for cu, err := range c.Customers.Search(context.Background(), &CustomerSearch{Email: "test@test.com"}) {
		require.NoError(t, err)
		found = append(found, cu)
	}
	require.Len(t, found, 1)
	assert.Equal(t, 1, rec.count())
	assert.Equal(t, "email=test%40test.com", rec.last(t).RawQuery)
	assertCommonHeaders(t, rec.last(t))
	require.Len(t, found[0].Cards, 1)
	assert.Equal(t, "1493990563105", found[0].Cards[0].ID, "numeric card id read as text")
	assert.Equal(t, []string{"expiration_month"}, found[0].Cards[0].Unparsed)
}

func TestCustomersValidate(t *testing.T) {
	c, mt := newMocked(t)
	_, err := c.Customers.Create(context.Background(), &CustomerRequest{Email: "bad"})
	var ve *paykit.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "email", ve.Field)
	_, err = c.Customers.Create(context.Background(), nil)
	assert.ErrorAs(t, err, new(*paykit.ValidationError))
	_, err = c.Customers.Get(context.Background(), " ")
	assert.ErrorAs(t, err, new(*paykit.ValidationError))
	_, err = c.Customers.Update(context.Background(), "x", nil)
	assert.ErrorAs(t, err, new(*paykit.ValidationError))
	_, err = c.Customers.Update(context.Background(), "x", &CustomerRequest{Email: "@"})
	assert.ErrorAs(t, err, new(*paykit.ValidationError))
	_, err = c.Customers.Delete(context.Background(), "")
	assert.ErrorAs(t, err, new(*paykit.ValidationError))
	_, err = c.Customers.SearchPage(context.Background(), &CustomerSearch{Offset: -1})
	assert.ErrorAs(t, err, new(*paykit.ValidationError))
	assert.Zero(t, mt.GetTotalCallCount())
}

func TestCustomerIDIsEscaped(t *testing.T) {
	c, mt := newMocked(t)
	rec := &recorder{}
	mt.RegisterNoResponder(rec.responder(200, []byte(`{"id":"x"}`), nil))
	_, err := c.Customers.Get(context.Background(), "../payments/1")
	require.NoError(t, err)
	assert.Equal(t, "/v1/customers/..%2Fpayments%2F1", rec.last(t).Path)
}
