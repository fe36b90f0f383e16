package mercadopago

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/transport"
)

// CardTokenRequest is the body of POST /v1/card_tokens: a card number (or a
// saved card's id) and its CVV, turned into a one-use token.
//
// It is for tests and tools only. In a real checkout the card number must
// never reach your server: MercadoPago.js tokenizes it in the payer's
// browser, which keeps your systems out of PCI DSS scope. Sending real card
// numbers through your backend makes it handle cardholder data.
// See https://www.mercadopago.com/developers/en/reference/card_tokens/_card_tokens/post
//
// Its String, GoString, Format and LogValue print the last four digits only.
type CardTokenRequest struct {
	// CardNumber is the full number (13 to 19 digits, Luhn-valid), for a new card.
	CardNumber string `json:"card_number,omitempty"`
	// CardID is a saved card's id, instead of CardNumber.
	CardID string `json:"card_id,omitempty"`
	// SecurityCode is the CVV (3 or 4 digits).
	SecurityCode string `json:"security_code,omitempty"`
	// ExpirationMonth (1-12) and ExpirationYear (four digits) are required
	// for a new card.
	ExpirationMonth int `json:"expiration_month,omitempty"`
	ExpirationYear  int `json:"expiration_year,omitempty"`
	// Cardholder is the name and document on the card; required for a new card.
	Cardholder *Cardholder `json:"cardholder,omitempty"`
}

// String describes the request without the card number or CVV.
func (r CardTokenRequest) String() string {
	if r.CardID != "" {
		return "mercadopago.CardTokenRequest{CardID: " + r.CardID + ", SecurityCode: [redacted]}"
	}
	last4 := ""
	if n := len(r.CardNumber); n >= 4 {
		last4 = r.CardNumber[n-4:]
	}
	return "mercadopago.CardTokenRequest{CardNumber: …" + last4 + ", SecurityCode: [redacted]}"
}

// GoString keeps card data out of %#v output.
func (r CardTokenRequest) GoString() string { return r.String() }

// Format prints String for every verb, so no verb reaches card data by reflection.
func (r CardTokenRequest) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, r.String()) }

// LogValue keeps card data out of slog records.
func (r CardTokenRequest) LogValue() slog.Value { return slog.StringValue(r.String()) }

// CardToken is a one-use card token. Its ID pays once (PaymentRequest.Token)
// or saves the card (Cards.Create) and expires at DateDue; String, Format and
// LogValue leave the ID out.
// See https://www.mercadopago.com/developers/en/reference/card_tokens/_card_tokens_id/get
type CardToken struct {
	ID             string `json:"id"`
	FirstSixDigits string `json:"first_six_digits"`
	LastFourDigits string `json:"last_four_digits"`
	// ExpirationMonth and ExpirationYear are the card's expiry.
	ExpirationMonth    int  `json:"expiration_month"`
	ExpirationYear     int  `json:"expiration_year"`
	CardNumberLength   int  `json:"card_number_length"`
	SecurityCodeLength int  `json:"security_code_length"`
	LuhnValidation     bool `json:"luhn_validation"`
	LiveMode           bool `json:"live_mode"`
	RequireESC         bool `json:"require_esc"`
	// Status is "active" until used, then "used" (or "expired").
	Status string `json:"status"`
	// CardID is set when the token was made from a saved card.
	CardID          string     `json:"card_id"`
	Cardholder      Cardholder `json:"cardholder"`
	DateCreated     time.Time  `json:"date_created"`
	DateLastUpdated time.Time  `json:"date_last_updated"`
	// DateDue is when the token stops working.
	DateDue time.Time `json:"date_due"`

	// Meta tells how the call went (request id).
	paykit.Meta `json:"-"`
	// Unparsed names the fields that arrived in a shape that could not be read.
	Unparsed []string `json:"-"`
}

// String describes the token without its id.
func (t CardToken) String() string {
	return "mercadopago.CardToken{ID: [redacted], LastFourDigits: " + t.LastFourDigits + ", Status: " + t.Status + "}"
}

// GoString keeps the token id out of %#v output.
func (t CardToken) GoString() string { return t.String() }

// Format prints String for every verb.
func (t CardToken) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, t.String()) }

// LogValue keeps the token id out of slog records.
func (t CardToken) LogValue() slog.Value { return slog.StringValue(t.String()) }

// CardTokensService is c.CardTokens: server-side card tokens for tests and
// tools (see CardTokenRequest: never for real card numbers).
type CardTokensService struct{ c *Client }

// Create makes a one-use card token (POST /v1/card_tokens). Bad card data is
// refused before anything is sent, and the error never repeats it.
func (s *CardTokensService) Create(ctx context.Context, req *CardTokenRequest, opts ...paykit.RequestOption) (*CardToken, error) {
	if err := validateCardToken(req, s.c.t.Now()); err != nil {
		return nil, err
	}
	r := (&transport.Request{Op: transport.Op{Name: "mercadopago.CardTokens.Create", Route: "/v1/card_tokens"}, Method: http.MethodPost, Path: "/v1/card_tokens", JSON: req}).Apply(opts)
	// The card number and CVV are secrets of this call: an error that
	// echoes them, even inside other text, shows "[redacted]".
	r.Secrets = append(r.Secrets, secretsOf(req.CardNumber, req.SecurityCode)...)
	return transport.Call[CardToken](ctx, s.c.t, r, nil)
}

// Get reads a card token (GET /v1/card_tokens/{id}): its status and expiry.
// The token id is part of the URL path; error messages and the debug log
// (WithLogger) show "[redacted]" in its place.
func (s *CardTokensService) Get(ctx context.Context, id string, opts ...paykit.RequestOption) (*CardToken, error) {
	if err := checkID("id", id); err != nil {
		return nil, err
	}
	return transport.Call[CardToken](ctx, s.c.t, &transport.Request{Op: transport.Op{Name: "mercadopago.CardTokens.Get", Route: "/v1/card_tokens/{id}"}, Method: http.MethodGet, Path: transport.Path("v1", "card_tokens", id), Secrets: []string{id}}, opts)
}

func validateCardToken(req *CardTokenRequest, now time.Time) error {
	if req == nil {
		return invalid("card_token", "must not be nil")
	}
	if !digits(req.SecurityCode) || len(req.SecurityCode) < 3 || len(req.SecurityCode) > 4 {
		return invalid("security_code", "must be 3 or 4 digits")
	}
	if req.CardID != "" {
		if req.CardNumber != "" {
			return invalid("card_number", "give card_number or card_id, not both")
		}
		return checkID("card_id", req.CardID)
	}
	n := req.CardNumber
	if len(n) < 13 || len(n) > 19 || !digits(n) || !luhnValid(n) {
		return invalid("card_number", "must be 13 to 19 digits passing the Luhn check")
	}
	if req.ExpirationMonth < 1 || req.ExpirationMonth > 12 {
		return invalid("expiration_month", "must be between 1 and 12")
	}
	y, m := now.Year(), int(now.Month())
	if req.ExpirationYear < 1000 || req.ExpirationYear > 9999 {
		return invalid("expiration_year", "must have four digits")
	}
	if req.ExpirationYear < y || (req.ExpirationYear == y && req.ExpirationMonth < m) {
		return invalid("expiration_year", "the card has expired")
	}
	if req.Cardholder == nil || strings.TrimSpace(req.Cardholder.Name) == "" {
		return invalid("cardholder.name", "must not be empty")
	}
	return nil
}

// luhnValid reports whether a digit string passes the Luhn check.
func luhnValid(s string) bool {
	sum := 0
	for i := len(s) - 1; i >= 0; i-- {
		d := int(s[i] - '0')
		if (len(s)-1-i)%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}
