package mercadopago

import (
	"context"
	"net/http"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/transport"
)

// User is the Mercado Pago account behind an access token.
//
// Unsure: the API reference has no page for GET /users/me; the endpoint
// and these fields are the ones Mercado Pago's official SDK reads
// (github.com/mercadopago/sdk-go, pkg/user). Other fields are ignored.
type User struct {
	ID               int64     `json:"id"`
	Nickname         string    `json:"nickname"`
	FirstName        string    `json:"first_name"`
	LastName         string    `json:"last_name"`
	Email            string    `json:"email"`
	CountryID        string    `json:"country_id"`
	SiteID           string    `json:"site_id"`
	UserType         string    `json:"user_type"`
	RegistrationDate time.Time `json:"registration_date"`

	// Meta tells how the call went.
	paykit.Meta `json:"-"`
	// Unparsed names the fields that arrived in a shape that could not be read.
	Unparsed []string `json:"-"`
}

// UsersService is c.Users.
type UsersService struct{ c *Client }

// Me reads the account behind the access token (GET /users/me): a cheap
// way to check credentials at start-up, or, with WithSeller or
// WithAccessToken, to learn which seller a token belongs to.
func (s *UsersService) Me(ctx context.Context, opts ...paykit.RequestOption) (*User, error) {
	return transport.Call[User](ctx, s.c.t, &transport.Request{Op: transport.Op{Name: "mercadopago.Users.Me", Route: "/users/me"}, Method: http.MethodGet, Path: "/users/me"}, opts)
}
