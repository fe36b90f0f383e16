package mercadopago

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/transport"
)

// Card is a card saved for a customer. Pay with it by making a fresh token
// from its ID and the CVV in the browser, then Payments.Create with
// payer {type: "customer", id}. Masked values ("***") decode as zero.
// See https://www.mercadopago.com/developers/en/reference/cards/_customers_customer_id_cards/post
type Card struct {
	ID              string       `json:"id"`
	CustomerID      string       `json:"customer_id"`
	UserID          string       `json:"user_id"`
	FirstSixDigits  string       `json:"first_six_digits"`
	LastFourDigits  string       `json:"last_four_digits"`
	ExpirationMonth int          `json:"expiration_month"`
	ExpirationYear  int          `json:"expiration_year"`
	PaymentMethod   CardMethod   `json:"payment_method"`
	SecurityCode    SecurityCode `json:"security_code"`
	Issuer          CardIssuer   `json:"issuer"`
	Cardholder      Cardholder   `json:"cardholder"`
	LiveMode        bool         `json:"live_mode"`
	DateCreated     time.Time    `json:"date_created"`
	DateLastUpdated time.Time    `json:"date_last_updated"`

	// Meta tells how the call went (idempotency key, request id).
	paykit.Meta `json:"-"`
	// Unparsed names the fields that arrived in a shape that could not be read.
	Unparsed []string `json:"-"`
}

// CardMethod is the brand of a saved card.
type CardMethod struct {
	ID              string `json:"id"`
	Name            string `json:"name"`
	PaymentTypeID   string `json:"payment_type_id"`
	Thumbnail       string `json:"thumbnail"`
	SecureThumbnail string `json:"secure_thumbnail"`
}

// SecurityCode says how long the CVV is and where it is printed.
type SecurityCode struct {
	Length       int    `json:"length"`
	CardLocation string `json:"card_location"`
}

// CardIssuer is the bank that issued the card. The API sends its id as a
// number (a numeric string decodes too).
type CardIssuer struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// CardUpdate changes a saved card (PUT /v1/customers/{id}/cards/{card_id});
// nil fields are left unchanged.
type CardUpdate struct {
	ExpirationMonth *int        `json:"expiration_month,omitempty"`
	ExpirationYear  *int        `json:"expiration_year,omitempty"`
	Cardholder      *Cardholder `json:"cardholder,omitempty"`
}

// CardsService is c.Cards.
type CardsService struct{ c *Client }

type cardCreate struct {
	Token string `json:"token"`
}

// Create saves the card behind a one-use card token for a customer
// (POST /v1/customers/{id}/cards {"token"}). A customer with too many cards
// answers with cause 129 (IsCardLimitReached).
func (s *CardsService) Create(ctx context.Context, customerID, token string, opts ...paykit.RequestOption) (*Card, error) {
	if err := checkID("customer_id", customerID); err != nil {
		return nil, err
	}
	if strings.TrimSpace(token) == "" {
		return nil, invalid("token", "must be a card token made by MercadoPago.js")
	}
	return s.do(ctx, transport.Op{Name: "mercadopago.Cards.Create", Route: "/v1/customers/{customer_id}/cards"}, http.MethodPost, transport.Path("v1", "customers", customerID, "cards"), cardCreate{Token: token}, opts)
}

// Get reads one saved card.
func (s *CardsService) Get(ctx context.Context, customerID, cardID string, opts ...paykit.RequestOption) (*Card, error) {
	if err := checkIDs(customerID, cardID); err != nil {
		return nil, err
	}
	return s.do(ctx, transport.Op{Name: "mercadopago.Cards.Get", Route: "/v1/customers/{customer_id}/cards/{card_id}"}, http.MethodGet, transport.Path("v1", "customers", customerID, "cards", cardID), nil, opts)
}

// Update changes a saved card's expiry or holder.
func (s *CardsService) Update(ctx context.Context, customerID, cardID string, req *CardUpdate, opts ...paykit.RequestOption) (*Card, error) {
	if err := checkIDs(customerID, cardID); err != nil {
		return nil, err
	}
	if req == nil {
		return nil, invalid("card", "must not be nil")
	}
	if req.ExpirationMonth != nil && (*req.ExpirationMonth < 1 || *req.ExpirationMonth > 12) {
		return nil, invalid("expiration_month", "must be between 1 and 12")
	}
	return s.do(ctx, transport.Op{Name: "mercadopago.Cards.Update", Route: "/v1/customers/{customer_id}/cards/{card_id}"}, http.MethodPut, transport.Path("v1", "customers", customerID, "cards", cardID), req, opts)
}

// Delete removes a saved card.
func (s *CardsService) Delete(ctx context.Context, customerID, cardID string, opts ...paykit.RequestOption) (*Card, error) {
	if err := checkIDs(customerID, cardID); err != nil {
		return nil, err
	}
	return s.do(ctx, transport.Op{Name: "mercadopago.Cards.Delete", Route: "/v1/customers/{customer_id}/cards/{card_id}"}, http.MethodDelete, transport.Path("v1", "customers", customerID, "cards", cardID), nil, opts)
}

// List returns a customer's saved cards (GET /v1/customers/{id}/cards), to
// let the payer pick one.
func (s *CardsService) List(ctx context.Context, customerID string, opts ...paykit.RequestOption) ([]Card, error) {
	if err := checkID("customer_id", customerID); err != nil {
		return nil, err
	}
	var out []Card
	if _, err := s.c.t.Do(ctx, (&transport.Request{Op: transport.Op{Name: "mercadopago.Cards.List", Route: "/v1/customers/{customer_id}/cards"}, Method: http.MethodGet, Path: transport.Path("v1", "customers", customerID, "cards")}).Apply(opts), &out); err != nil {
		return nil, err
	}
	return out, nil
}

func checkIDs(customerID, cardID string) error {
	if err := checkID("customer_id", customerID); err != nil {
		return err
	}
	return checkID("card_id", cardID)
}

func (s *CardsService) do(ctx context.Context, op transport.Op, method, path string, body any, opts []paykit.RequestOption) (*Card, error) {
	r := &transport.Request{Op: op, Method: method, Path: path, AllowEmpty: method == http.MethodDelete}
	if body != nil {
		r.JSON = body
	}
	return transport.Call[Card](ctx, s.c.t, r, opts)
}
