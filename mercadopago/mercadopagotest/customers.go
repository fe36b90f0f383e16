package mercadopagotest

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/paykit-go/paykit/internal/sim"
)

// customer is a customer as the API sends it.
type customer struct {
	ID              string         `json:"id"`
	Email           string         `json:"email"`
	FirstName       *string        `json:"first_name"`
	LastName        *string        `json:"last_name"`
	Phone           phoneOut       `json:"phone"`
	Identification  identOut       `json:"identification"`
	Description     *string        `json:"description"`
	DefaultCard     *string        `json:"default_card"`
	DefaultAddress  *string        `json:"default_address"`
	DateCreated     string         `json:"date_created"`
	DateLastUpdated string         `json:"date_last_updated"`
	Cards           []*card        `json:"cards"`
	Addresses       []any          `json:"addresses"`
	Metadata        map[string]any `json:"metadata"`
	LiveMode        bool           `json:"live_mode"`
}

type phoneOut struct {
	AreaCode *string `json:"area_code"`
	Number   *string `json:"number"`
}

func (c *customer) card(id string) *card {
	for _, cd := range c.Cards {
		if cd.ID == id {
			return cd
		}
	}
	return nil
}

// card is a saved card as the API sends it.
type card struct {
	ID              string         `json:"id"`
	ExpirationMonth int            `json:"expiration_month"`
	ExpirationYear  int            `json:"expiration_year"`
	FirstSixDigits  string         `json:"first_six_digits"`
	LastFourDigits  string         `json:"last_four_digits"`
	PaymentMethod   map[string]any `json:"payment_method"`
	SecurityCode    map[string]any `json:"security_code"`
	Issuer          map[string]any `json:"issuer"`
	Cardholder      cardholderOut  `json:"cardholder"`
	DateCreated     string         `json:"date_created"`
	DateLastUpdated string         `json:"date_last_updated"`
	CustomerID      string         `json:"customer_id"`
	UserID          string         `json:"user_id"`
	LiveMode        bool           `json:"live_mode"`

	number string
}

type customerIn struct {
	Email     string `json:"email"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Phone     *struct {
		AreaCode string `json:"area_code"`
		Number   string `json:"number"`
	} `json:"phone"`
	Identification *struct {
		Type   string `json:"type"`
		Number string `json:"number"`
	} `json:"identification"`
	Description string         `json:"description"`
	DefaultCard string         `json:"default_card"`
	Metadata    map[string]any `json:"metadata"`
}

func (c *customer) apply(in *customerIn, now time.Time) {
	if in.Email != "" {
		c.Email = in.Email
	}
	if in.FirstName != "" {
		c.FirstName = strPtr(in.FirstName)
	}
	if in.LastName != "" {
		c.LastName = strPtr(in.LastName)
	}
	if in.Phone != nil {
		c.Phone = phoneOut{AreaCode: strPtr(in.Phone.AreaCode), Number: strPtr(in.Phone.Number)}
	}
	if in.Identification != nil {
		c.Identification = identOut{Type: strPtr(in.Identification.Type), Number: strPtr(in.Identification.Number)}
	}
	if in.Description != "" {
		c.Description = strPtr(in.Description)
	}
	if in.DefaultCard != "" {
		c.DefaultCard = strPtr(in.DefaultCard)
	}
	if in.Metadata != nil {
		c.Metadata = in.Metadata
	}
	c.DateLastUpdated = mpTime(now)
}

func (s *Server) createCustomer(w http.ResponseWriter, r *http.Request) {
	var in customerIn
	if !readJSON(w, r, &in) {
		return
	}
	if !validEmail(in.Email) {
		badRequest(w, 4050, "email must be a valid email") // simulator's code
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.customers.Search(nil) {
		if strings.EqualFold(c.Email, in.Email) {
			badRequest(w, 101, "the customer already exist")
			return
		}
	}
	now := s.Clock.Now()
	c := &customer{
		ID:    fmt.Sprintf("%d-%s", simUserID+s.customers.Len()+1, sim.RandomHex(7)),
		Cards: []*card{}, Addresses: []any{}, Metadata: map[string]any{}, DateCreated: mpTime(now),
	}
	c.apply(&in, now)
	s.customers.Put(c.ID, c)
	sim.WriteJSON(w, http.StatusCreated, c)
}

func (s *Server) findCustomer(w http.ResponseWriter, r *http.Request) *customer {
	if c, ok := s.customers.Get(r.PathValue("id")); ok {
		return c
	}
	apiError(w, http.StatusNotFound, "not_found", "Customer not found", cause{Code: 100, Description: "the customer doesn't exist"}) // simulator's code
	return nil
}

func (s *Server) getCustomer(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.findCustomer(w, r); c != nil {
		sim.WriteJSON(w, http.StatusOK, c)
	}
}

func (s *Server) updateCustomer(w http.ResponseWriter, r *http.Request) {
	var in customerIn
	if !readJSON(w, r, &in) {
		return
	}
	if in.Email != "" && !validEmail(in.Email) {
		badRequest(w, 4050, "email must be a valid email") // simulator's code
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.findCustomer(w, r)
	if c == nil {
		return
	}
	if in.DefaultCard != "" && c.card(in.DefaultCard) == nil {
		badRequest(w, 4000, "default_card is not a card of this customer") // simulator's code
		return
	}
	c.apply(&in, s.Clock.Now())
	sim.WriteJSON(w, http.StatusOK, c)
}

func (s *Server) deleteCustomer(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.findCustomer(w, r)
	if c == nil {
		return
	}
	s.customers.Delete(c.ID)
	sim.WriteJSON(w, http.StatusOK, c)
}

func (s *Server) searchCustomers(w http.ResponseWriter, r *http.Request) {
	e := r.URL.Query().Get("email")
	search(s, w, r, &s.customers, 10, 100, func(c *customer) bool { return e == "" || strings.EqualFold(e, c.Email) })
}

func (s *Server) createCard(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Token string `json:"token"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.findCustomer(w, r)
	if c == nil {
		return
	}
	now := s.Clock.Now()
	tok, ok := s.tokens.Get(in.Token)
	if !ok || tok.used || now.After(tok.expires) {
		badRequest(w, 3003, "Invalid card_token_id") // the token is one-use
		return
	}
	if tok.cardID != "" {
		badRequest(w, 3003, "Invalid card_token_id: the card is already saved")
		return
	}
	for _, cd := range c.Cards {
		if cd.number == tok.number {
			// Saving the same card again answers with the saved one.
			tok.used = true
			sim.WriteJSON(w, http.StatusOK, cd)
			return
		}
	}
	if len(c.Cards) >= s.cardLimit {
		badRequest(w, 129, "the customer has reached the maximum allowed number of cards")
		return
	}
	tok.used = true
	s.seq++
	cd := &card{
		ID: fmt.Sprintf("%013d", s.seq+1490000000000-1316782590), ExpirationMonth: tok.month, ExpirationYear: tok.year,
		FirstSixDigits: tok.number[:6], LastFourDigits: tok.number[len(tok.number)-4:],
		PaymentMethod: map[string]any{"id": tok.brand(), "name": tok.brand(), "payment_type_id": "credit_card",
			"thumbnail":        "http://img.mlstatic.com/org-img/MP3/API/logos/" + tok.brand() + ".gif",
			"secure_thumbnail": "https://www.mercadopago.com/org-img/MP3/API/logos/" + tok.brand() + ".gif"},
		SecurityCode: map[string]any{"length": tok.cvvLength(), "card_location": "back"},
		Issuer:       map[string]any{"id": 3, "name": strings.ToUpper(tok.brand()[:1]) + tok.brand()[1:]},
		Cardholder:   cardholderOut{Name: tok.holder, Identification: identOut{Type: strPtr(tok.idType), Number: strPtr(tok.idNumber)}},
		DateCreated:  mpTime(now), DateLastUpdated: mpTime(now),
		CustomerID: c.ID, UserID: fmt.Sprint(simUserID), number: tok.number,
	}
	c.Cards = append(c.Cards, cd)
	if c.DefaultCard == nil {
		c.DefaultCard = strPtr(cd.ID)
	}
	sim.WriteJSON(w, http.StatusCreated, cd)
}

func (s *Server) listCards(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.findCustomer(w, r); c != nil {
		sim.WriteJSON(w, http.StatusOK, c.Cards)
	}
}

func (s *Server) findCard(w http.ResponseWriter, r *http.Request) (*customer, *card) {
	c := s.findCustomer(w, r)
	if c == nil {
		return nil, nil
	}
	if cd := c.card(r.PathValue("cid")); cd != nil {
		return c, cd
	}
	apiError(w, http.StatusNotFound, "not_found", "Card not found")
	return nil, nil
}

func (s *Server) getCard(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, cd := s.findCard(w, r); cd != nil {
		sim.WriteJSON(w, http.StatusOK, cd)
	}
}

func (s *Server) updateCard(w http.ResponseWriter, r *http.Request) {
	var in struct {
		ExpirationMonth *int `json:"expiration_month"`
		ExpirationYear  *int `json:"expiration_year"`
		Cardholder      *struct {
			Name string `json:"name"`
		} `json:"cardholder"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, cd := s.findCard(w, r)
	if cd == nil {
		return
	}
	if in.ExpirationMonth != nil {
		if *in.ExpirationMonth < 1 || *in.ExpirationMonth > 12 {
			badRequest(w, 4000, "invalid expiration_month") // simulator's code
			return
		}
		cd.ExpirationMonth = *in.ExpirationMonth
	}
	if in.ExpirationYear != nil {
		cd.ExpirationYear = *in.ExpirationYear
	}
	if in.Cardholder != nil && in.Cardholder.Name != "" {
		cd.Cardholder.Name = in.Cardholder.Name
	}
	cd.DateLastUpdated = mpTime(s.Clock.Now())
	sim.WriteJSON(w, http.StatusOK, cd)
}

func (s *Server) deleteCard(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, cd := s.findCard(w, r)
	if cd == nil {
		return
	}
	for i, x := range c.Cards {
		if x == cd {
			c.Cards = append(c.Cards[:i], c.Cards[i+1:]...)
			break
		}
	}
	if c.DefaultCard != nil && *c.DefaultCard == cd.ID {
		c.DefaultCard = nil
	}
	sim.WriteJSON(w, http.StatusOK, cd)
}
