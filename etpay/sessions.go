package etpay

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/mail"
	"net/url"
	"strings"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/transport"
)

// SessionsService creates payment sessions.
type SessionsService struct{ c *Client }

// Metadata is one line ETpay can show the payer during the funnel (what is
// being paid for). Show false sends the line without displaying it.
type Metadata struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	Show  bool   `json:"show"`
}

// BankCode preselects the payer's bank in the funnel (user_bank_code). Use
// one of the Bank… values, or CustomBankCode for a code ETpay gave you that
// is not in this list. The zero value sends none.
type BankCode struct{ code string }

// The bank codes ETpay documents for Chile.
var (
	BankEstado     = BankCode{"cl_estado"}
	BankSantander  = BankCode{"cl_santander"}
	BankChile      = BankCode{"cl_bch"}
	BankBCI        = BankCode{"cl_bci"}
	BankFalabella  = BankCode{"cl_falabella"}
	BankItau       = BankCode{"cl_itau"}
	BankScotiabank = BankCode{"cl_scotiabank"}
	// BankMACH is the MACH wallet, the code of the user_bank_code example
	// in ETpay's "Additional customization features".
	BankMACH = BankCode{"cl_mach"}
)

// Banks returns the bank codes this package names, for a "one button per
// bank" page (ETpay's button-per-bank flow: each button creates a session
// with its user_bank_code). ETpay's API offers no list of banks, so this is
// the documented list, not what your merchant account enables: check with
// ETpay which banks yours shows.
func Banks() []BankCode {
	return []BankCode{BankEstado, BankSantander, BankChile, BankBCI, BankFalabella, BankItau, BankScotiabank, BankMACH}
}

// CustomBankCode is a bank code not in the list above (another country, a
// bank ETpay added later). It is sent as given once it passes a format check.
func CustomBankCode(code string) BankCode { return BankCode{code: code} }

// String returns the wire code ("cl_estado").
func (b BankCode) String() string { return b.code }

// SessionRequest is what POST /session/initialize needs besides the
// credentials, which the client adds.
type SessionRequest struct {
	// OrderID is your order number (merchant_order_id): letters, digits, '-'
	// and '_', at most 64 characters. Required.
	OrderID string
	// Amount is the amount to pay in whole pesos (order_amount). Required, > 0.
	Amount int64
	// CustomerEmail is used by ETpay for refunds (customer_email). Optional.
	CustomerEmail string
	// Metadata lines shown to the payer (metadata). Optional.
	Metadata []Metadata
	// UserBankCode preselects the payer's bank (user_bank_code). Optional.
	UserBankCode BankCode
	// UserRUT pre-fills the payer's RUT (user_rut), e.g. "12345678-5". Optional.
	UserRUT string
	// BlockRUT stops the payer from changing UserRUT (is_rut_block).
	BlockRUT bool
	// CompletedURL and CancellationURL are where the funnel sends the payer
	// afterwards (payment_completed_url, payment_cancellation_url). That
	// redirect is a visual confirmation only. Optional, absolute URLs.
	CompletedURL, CancellationURL string
	// WebhookURL receives the signed notification (payment_webhook_url).
	// Optional when configured with ETpay; absolute URL.
	WebhookURL string
	// Concat is passed to ETpay as given (concat). Its use is not publicly
	// documented; leave it empty unless ETpay told you otherwise.
	Concat string
}

// Session is a created payment session.
type Session struct {
	// Token is the session token (the answer's "token").
	Token string
	// SignatureToken is the per-session secret that signs this session's
	// notifications. Store it with the order; it is never printed by String.
	SignatureToken string
	// RedirectURL is {pmt_url}/session/{token}: send the payer there.
	RedirectURL string
	// Meta says how the call went. (Its tag keeps it one JSON object named
	// Meta, as it was before it was embedded.)
	paykit.Meta `json:"Meta"`
}

// String shows the session without its signature token.
func (s Session) String() string {
	return fmt.Sprintf("etpay.Session{Token: %s, SignatureToken: %s, RedirectURL: %s}", s.Token, mask(s.SignatureToken), s.RedirectURL)
}

// Format prints String for every verb, so no verb reaches the signature token.
func (s Session) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, s.String()) }

// GoString keeps the signature token out of %#v output.
func (s Session) GoString() string { return s.String() }

// LogValue keeps the signature token out of slog records.
func (s Session) LogValue() slog.Value { return slog.StringValue(s.String()) }

type initializeBody struct {
	MerchantCode     string     `json:"merchant_code"`
	MerchantAPIToken string     `json:"merchant_api_token"`
	OrderID          string     `json:"merchant_order_id"`
	Amount           int64      `json:"order_amount"`
	CustomerEmail    string     `json:"customer_email,omitempty"`
	Metadata         []Metadata `json:"metadata,omitempty"`
	UserBankCode     string     `json:"user_bank_code,omitempty"`
	UserRUT          string     `json:"user_rut,omitempty"`
	BlockRUT         bool       `json:"is_rut_block,omitempty"`
	CompletedURL     string     `json:"payment_completed_url,omitempty"`
	CancellationURL  string     `json:"payment_cancellation_url,omitempty"`
	WebhookURL       string     `json:"payment_webhook_url,omitempty"`
	Concat           string     `json:"concat,omitempty"`
}

type initializeAnswer struct {
	Token          string `json:"token"`
	SessionToken   string `json:"session_token"`
	SignatureToken string `json:"signature_token"`
}

// Create starts a payment session: POST {api_url}/session/initialize. Send
// the payer to the result's RedirectURL and keep SignatureToken with the
// order to verify the notification.
//
// ETpay has no idempotency keys, so Create is never repeated once the
// request may have reached ETpay (only 429 answers and requests that never
// left are retried). After a *NetworkError with MayHaveReachedServer, look
// the order up with Payments.Status or start a new session.
func (s *SessionsService) Create(ctx context.Context, req *SessionRequest, opts ...paykit.RequestOption) (*Session, error) {
	if req == nil {
		return nil, invalid("request", "must not be nil")
	}
	if err := req.validate(); err != nil {
		return nil, err
	}
	body := initializeBody{
		MerchantCode:     s.c.creds.MerchantCode,
		MerchantAPIToken: s.c.creds.MerchantAPIToken,
		OrderID:          req.OrderID,
		Amount:           req.Amount,
		CustomerEmail:    req.CustomerEmail,
		Metadata:         append([]Metadata(nil), req.Metadata...),
		UserBankCode:     req.UserBankCode.code,
		UserRUT:          req.UserRUT,
		BlockRUT:         req.BlockRUT,
		CompletedURL:     req.CompletedURL,
		CancellationURL:  req.CancellationURL,
		WebhookURL:       req.WebhookURL,
		Concat:           req.Concat,
	}
	r := (&transport.Request{Op: transport.Op{Name: "etpay.Sessions.Create", Route: "/session/initialize"}, Method: http.MethodPost, Path: "/session/initialize", JSON: body}).Apply(opts)
	r.IdempotencyKey, r.NoIdempotencyKey = "", true
	return transport.CallWire(ctx, s.c.t, r, nil, func(out *initializeAnswer, resp *transport.Response) (*Session, error) {
		tok := out.Token
		if tok == "" {
			tok = out.SessionToken
		}
		if tok == "" || out.SignatureToken == "" {
			return nil, resp.Refuse("answer carried no token or no signature_token", nil)
		}
		// The session's signature token is a secret from now on: an error that
		// echoes it, on any later call, shows "[redacted]".
		s.c.t.AddSecrets(out.SignatureToken)
		return &Session{Token: tok, SignatureToken: out.SignatureToken, RedirectURL: s.c.RedirectURL(tok)}, nil
	})
}

// MaxOrderIDLength is the longest merchant_order_id ETpay accepts.
const MaxOrderIDLength = 64

func (r *SessionRequest) validate() error {
	if err := validateOrderID(r.OrderID); err != nil {
		return err
	}
	if r.Amount <= 0 {
		return invalid("order_amount", "must be a positive whole amount")
	}
	if r.CustomerEmail != "" {
		if a, err := mail.ParseAddress(r.CustomerEmail); err != nil || a.Address != r.CustomerEmail {
			return invalid("customer_email", "must be a plain email address")
		}
	}
	for i, m := range r.Metadata {
		if strings.TrimSpace(m.Name) == "" {
			return invalid(fmt.Sprintf("metadata[%d].name", i), "must not be empty")
		}
	}
	if err := r.UserBankCode.validate(); err != nil {
		return err
	}
	if r.UserRUT != "" && !validRUT(r.UserRUT) {
		return invalid("user_rut", "must be a Chilean RUT with a correct check digit, e.g. 12345678-5")
	}
	if r.BlockRUT && r.UserRUT == "" {
		return invalid("is_rut_block", "needs user_rut to block")
	}
	for _, u := range []struct{ field, v string }{
		{"payment_completed_url", r.CompletedURL},
		{"payment_cancellation_url", r.CancellationURL},
		{"payment_webhook_url", r.WebhookURL},
	} {
		if u.v != "" && !absoluteURL(u.v) {
			return invalid(u.field, "must be an absolute http or https URL")
		}
	}
	if strings.ContainsAny(r.Concat, "\x00\r\n") {
		return invalid("concat", "must not contain control characters")
	}
	return nil
}

// validateOrderID accepts what ETpay calls alphanumeric: ASCII letters and
// digits, plus '-' and '_' (its own examples use "OC-700104").
func validateOrderID(id string) error {
	if id == "" {
		return invalid("merchant_order_id", "must not be empty")
	}
	if len(id) > MaxOrderIDLength {
		return invalid("merchant_order_id", "must be at most 64 characters")
	}
	for i := 0; i < len(id); i++ {
		if !orderIDByte(id[i]) {
			return invalid("merchant_order_id", "must contain only letters, digits, '-' and '_'")
		}
	}
	return nil
}

func orderIDByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

func (b BankCode) validate() error {
	if b.code == "" {
		return nil
	}
	if len(b.code) > 64 {
		return invalid("user_bank_code", "must be at most 64 characters")
	}
	for i := 0; i < len(b.code); i++ {
		c := b.code[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return invalid("user_bank_code", "must be lower-case letters, digits and '_' (e.g. cl_estado)")
		}
	}
	return nil
}

func absoluteURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// validRUT checks a Chilean RUT: digits (dots allowed), an optional '-',
// and a modulo-11 check digit (0-9 or K).
func validRUT(s string) bool {
	s = strings.ReplaceAll(s, ".", "")
	s = strings.ReplaceAll(s, "-", "")
	if len(s) < 2 || len(s) > 10 {
		return false
	}
	body, dv := s[:len(s)-1], s[len(s)-1]
	sum, mul := 0, 2
	for i := len(body) - 1; i >= 0; i-- {
		c := body[i]
		if c < '0' || c > '9' {
			return false
		}
		sum += int(c-'0') * mul
		mul++
		if mul > 7 {
			mul = 2
		}
	}
	var want byte
	switch r := 11 - sum%11; r {
	case 10:
		want = 'K'
	case 11:
		want = '0'
	default:
		want = byte('0' + r)
	}
	if dv == 'k' {
		dv = 'K'
	}
	return dv == want
}
