package mercadopago

import (
	"context"
	"iter"
	"net/http"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/transport"
)

// CustomerRequest is the body of POST and PUT /v1/customers. Email is
// required on Create; on Update, empty fields are left unchanged.
// See https://www.mercadopago.com/developers/en/reference/customers/_customers/post
type CustomerRequest struct {
	Email          string          `json:"email,omitempty"`
	FirstName      string          `json:"first_name,omitempty"`
	LastName       string          `json:"last_name,omitempty"`
	Phone          *Phone          `json:"phone,omitempty"`
	Identification *Identification `json:"identification,omitempty"`
	Description    string          `json:"description,omitempty"`
	DefaultCard    string          `json:"default_card,omitempty"`
	Metadata       map[string]any  `json:"metadata,omitempty"`
}

// Phone is a phone number split as the API wants it.
type Phone struct {
	AreaCode string `json:"area_code,omitempty"`
	Number   string `json:"number,omitempty"`
}

// Customer is a stored payer. IDs are strings ("123456789-jxOV430go9fx2e").
type Customer struct {
	ID              string         `json:"id"`
	Email           string         `json:"email"`
	FirstName       string         `json:"first_name"`
	LastName        string         `json:"last_name"`
	Phone           Phone          `json:"phone"`
	Identification  Identification `json:"identification"`
	Description     string         `json:"description"`
	DefaultCard     string         `json:"default_card"`
	Cards           []Card         `json:"cards"`
	LiveMode        bool           `json:"live_mode"`
	DateCreated     time.Time      `json:"date_created"`
	DateLastUpdated time.Time      `json:"date_last_updated"`
	Metadata        map[string]any `json:"metadata"`

	// Meta tells how the call went (idempotency key, request id).
	paykit.Meta `json:"-"`
	// Unparsed names the fields that arrived in a shape that could not be read.
	Unparsed []string `json:"-"`
}

// CustomersService is c.Customers.
type CustomersService struct{ c *Client }

// Create stores a customer (POST /v1/customers). An existing email answers
// with cause 101 (IsCustomerAlreadyExists): find it with Search instead.
func (s *CustomersService) Create(ctx context.Context, req *CustomerRequest, opts ...paykit.RequestOption) (*Customer, error) {
	if req == nil {
		return nil, invalid("customer", "must not be nil")
	}
	if !validEmail(req.Email) {
		return nil, invalid("email", "must be a valid email address")
	}
	return s.do(ctx, transport.Op{Name: "mercadopago.Customers.Create", Route: "/v1/customers"}, http.MethodPost, "/v1/customers", req, opts)
}

// Get reads a customer with its cards (GET /v1/customers/{id}).
func (s *CustomersService) Get(ctx context.Context, id string, opts ...paykit.RequestOption) (*Customer, error) {
	if err := checkID("id", id); err != nil {
		return nil, err
	}
	return s.do(ctx, transport.Op{Name: "mercadopago.Customers.Get", Route: "/v1/customers/{id}"}, http.MethodGet, transport.Path("v1", "customers", id), nil, opts)
}

// Update changes a customer (PUT /v1/customers/{id}); empty fields stay as they are.
func (s *CustomersService) Update(ctx context.Context, id string, req *CustomerRequest, opts ...paykit.RequestOption) (*Customer, error) {
	if err := checkID("id", id); err != nil {
		return nil, err
	}
	if req == nil {
		return nil, invalid("customer", "must not be nil")
	}
	if req.Email != "" && !validEmail(req.Email) {
		return nil, invalid("email", "must be a valid email address")
	}
	return s.do(ctx, transport.Op{Name: "mercadopago.Customers.Update", Route: "/v1/customers/{id}"}, http.MethodPut, transport.Path("v1", "customers", id), req, opts)
}

// Delete removes a customer and its saved cards (DELETE /v1/customers/{id}).
func (s *CustomersService) Delete(ctx context.Context, id string, opts ...paykit.RequestOption) (*Customer, error) {
	if err := checkID("id", id); err != nil {
		return nil, err
	}
	return s.do(ctx, transport.Op{Name: "mercadopago.Customers.Delete", Route: "/v1/customers/{id}"}, http.MethodDelete, transport.Path("v1", "customers", id), nil, opts)
}

func (s *CustomersService) do(ctx context.Context, op transport.Op, method, path string, body any, opts []paykit.RequestOption) (*Customer, error) {
	r := &transport.Request{Op: op, Method: method, Path: path, AllowEmpty: method == http.MethodDelete}
	if body != nil {
		r.JSON = body
	}
	return transport.Call[Customer](ctx, s.c.t, r, opts)
}

// CustomerSearch filters GET /v1/customers/search.
type CustomerSearch struct {
	Email  string `url:"email,omitempty"`
	Limit  int    `url:"limit,omitempty"`
	Offset int    `url:"offset,omitempty"`
}

// CustomerPage is one page of a customer search.
type CustomerPage struct {
	Paging      Paging     `json:"paging"`
	Results     []Customer `json:"results"`
	paykit.Meta `json:"-"`
}

// SearchPage fetches one page of a customer search.
// See https://www.mercadopago.com/developers/en/reference/customers/_customers_search/get
func (s *CustomersService) SearchPage(ctx context.Context, q *CustomerSearch, opts ...paykit.RequestOption) (*CustomerPage, error) {
	return fetchPage[CustomerPage](ctx, s.c, transport.Op{Name: "mercadopago.Customers.SearchPage", Route: "/v1/customers/search"}, q, opts)
}

// Search walks the customers matching q (usually one email), paging on its own.
func (s *CustomersService) Search(ctx context.Context, q *CustomerSearch, opts ...paykit.RequestOption) iter.Seq2[*Customer, error] {
	return search[Customer](ctx, q, s.SearchPage, opts)
}

// checkID refuses an id that cannot stand as a path segment (empty, "." or
// "..", control characters), naming field.
func checkID(field, id string) error {
	if rule := transport.IDRule(id); rule != "" {
		return invalid(field, rule)
	}
	return nil
}
