package mercadopagotest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/paykit-go/paykit/internal/sim"
)

// cardToken is a one-use card token, as MercadoPago.js makes in the browser.
type cardToken struct {
	id               string
	number           string
	month, year      int
	holder           string
	idType, idNumber string
	cardID           string // set when made from a saved card
	expires          time.Time
	used             bool
}

func (t *cardToken) brand() string {
	switch t.number[0] {
	case '4':
		return "visa"
	case '3':
		return "amex"
	}
	return "master"
}

func (t *cardToken) cvvLength() int {
	if t.brand() == "amex" {
		return 4
	}
	return 3
}

func (t *cardToken) cardOut() *cardOut {
	c := &cardOut{
		FirstSixDigits: t.number[:6], LastFourDigits: t.number[len(t.number)-4:],
		ExpirationMonth: t.month, ExpirationYear: t.year,
		Cardholder: cardholderOut{Name: t.holder, Identification: identOut{Type: strPtr(t.idType), Number: strPtr(t.idNumber)}},
	}
	if t.cardID != "" {
		c.ID = strPtr(t.cardID)
	}
	return c
}

// TestCard is what a payer types into the card form.
type TestCard struct {
	// Number is the card number (CardMastercard, CardVisa, CardAmex or any
	// number passing the Luhn check).
	Number string
	// ExpirationMonth and ExpirationYear must be in the future.
	ExpirationMonth, ExpirationYear int
	// SecurityCode is the CVV: 3 digits (4 for Amex).
	SecurityCode string
	// HolderName chooses the sandbox outcome: HolderApproved ("APRO"),
	// HolderRejectedOther ("OTHE")… Any other name is approved.
	HolderName string
	// IdentificationType and IdentificationNumber are the holder's document.
	IdentificationType, IdentificationNumber string
}

// CardToken plays MercadoPago.js's createCardToken for a new card and
// returns the one-use token, valid 7 days.
func (s *Server) CardToken(c TestCard) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.newCardToken(c)
}

func (s *Server) newCardToken(c TestCard) (string, error) {
	num := strings.ReplaceAll(c.Number, " ", "")
	if len(num) < 13 || len(num) > 19 || !luhn(num) {
		return "", errors.New("invalid card_number")
	}
	now := s.Clock.Now()
	if c.ExpirationMonth < 1 || c.ExpirationMonth > 12 || c.ExpirationYear < now.Year() ||
		(c.ExpirationYear == now.Year() && c.ExpirationMonth < int(now.Month())) {
		return "", errors.New("invalid expiration date")
	}
	t := &cardToken{number: num, month: c.ExpirationMonth, year: c.ExpirationYear, holder: c.HolderName,
		idType: c.IdentificationType, idNumber: c.IdentificationNumber}
	if len(c.SecurityCode) != t.cvvLength() || strings.Trim(c.SecurityCode, "0123456789") != "" {
		return "", errors.New("invalid security_code")
	}
	if strings.TrimSpace(c.HolderName) == "" {
		return "", errors.New("invalid cardholder.name")
	}
	return s.store(t, now), nil
}

func (s *Server) store(t *cardToken, now time.Time) string {
	t.id = sim.RandomHex(16)
	t.expires = now.Add(CardTokenTTL)
	s.tokens.Put(t.id, t)
	return t.id
}

// SavedCardToken plays createCardToken({cardId, securityCode}) for a saved
// card: the payer types only the CVV again.
func (s *Server) SavedCardToken(customerID, cardID, securityCode string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.savedCardToken(customerID, cardID, securityCode)
}

func (s *Server) savedCardToken(customerID, cardID, securityCode string) (string, error) {
	var cd *card
	for _, c := range s.customers.Search(nil) {
		if customerID != "" && c.ID != customerID {
			continue
		}
		if cd = c.card(cardID); cd != nil {
			break
		}
	}
	if cd == nil {
		return "", errors.New("invalid card_id")
	}
	t := &cardToken{number: cd.number, month: cd.ExpirationMonth, year: cd.ExpirationYear, holder: cd.Cardholder.Name, cardID: cd.ID}
	if cd.Cardholder.Identification.Type != nil {
		t.idType = *cd.Cardholder.Identification.Type
	}
	if cd.Cardholder.Identification.Number != nil {
		t.idNumber = *cd.Cardholder.Identification.Number
	}
	if len(securityCode) != t.cvvLength() || strings.Trim(securityCode, "0123456789") != "" {
		return "", errors.New("invalid security_code")
	}
	return s.store(t, s.Clock.Now()), nil
}

// createCardTokenHTTP is POST /v1/card_tokens?public_key=…, what
// MercadoPago.js calls from the browser.
// A backend may call it with its access token instead (tests and tools).
func (s *Server) createCardTokenHTTP(w http.ResponseWriter, r *http.Request) {
	if _, withToken := s.caller(r); r.URL.Query().Get("public_key") != s.PublicKey && !withToken {
		apiError(w, http.StatusUnauthorized, "unauthorized", "invalid public_key")
		return
	}
	var in struct {
		CardNumber      string `json:"card_number"`
		CardID          string `json:"card_id"`
		ExpirationMonth int    `json:"expiration_month"`
		ExpirationYear  int    `json:"expiration_year"`
		SecurityCode    string `json:"security_code"`
		Cardholder      struct {
			Name           string `json:"name"`
			Identification struct {
				Type   string `json:"type"`
				Number string `json:"number"`
			} `json:"identification"`
		} `json:"cardholder"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var id string
	var err error
	if in.CardID != "" {
		id, err = s.savedCardToken("", in.CardID, in.SecurityCode)
	} else {
		id, err = s.newCardToken(TestCard{Number: in.CardNumber, ExpirationMonth: in.ExpirationMonth, ExpirationYear: in.ExpirationYear,
			SecurityCode: in.SecurityCode, HolderName: in.Cardholder.Name,
			IdentificationType: in.Cardholder.Identification.Type, IdentificationNumber: in.Cardholder.Identification.Number})
	}
	if err != nil {
		apiError(w, http.StatusBadRequest, "bad_request", err.Error())
		return
	}
	tok, _ := s.tokens.Get(id)
	sim.WriteJSON(w, http.StatusCreated, s.tokenOut(tok))
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func luhn(s string) bool {
	sum := 0
	for i := len(s) - 1; i >= 0; i-- {
		d := int(s[i] - '0')
		if d < 0 || d > 9 {
			return false
		}
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

// SignNotification returns the x-signature header value Mercado Pago would
// send for a notification: "ts=<unix seconds>,v1=<hex HMAC-SHA256>" over the
// manifest "id:<dataID>;request-id:<requestID>;ts:<ts>;", a part with an
// empty value being left out. Use it to test your own webhook handler.
func SignNotification(secret, dataID, requestID string, ts time.Time) string {
	return SignNotificationTS(secret, dataID, requestID, strconv.FormatInt(ts.Unix(), 10))
}

// SignNotificationTS is SignNotification with ts given exactly as it is to
// appear (seconds or milliseconds).
func SignNotificationTS(secret, dataID, requestID, ts string) string {
	var m strings.Builder
	if dataID != "" {
		fmt.Fprintf(&m, "id:%s;", dataID)
	}
	if requestID != "" {
		fmt.Fprintf(&m, "request-id:%s;", requestID)
	}
	fmt.Fprintf(&m, "ts:%s;", ts)
	h := hmac.New(sha256.New, []byte(secret))
	h.Write([]byte(m.String()))
	return "ts=" + ts + ",v1=" + hex.EncodeToString(h.Sum(nil))
}
