package mercadopago

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/clientopt"
	"github.com/paykit-go/paykit/internal/transport"
)

// DefaultBaseURL is the root of the Mercado Pago API. The same host serves
// test and production: test credentials select the sandbox.
const DefaultBaseURL = "https://api.mercadopago.com"

// IdempotencyHeader is the header Mercado Pago reads idempotency keys from.
// It is required on POST /v1/payments and on refunds; the client sends one on
// every call that is not a GET.
const IdempotencyHeader = "X-Idempotency-Key"

// Credentials are what the client authenticates with. Only the access token
// is used by the API; it never appears in fmt, %#v or slog output.
//
// Get them at https://www.mercadopago.com/developers/panel/app (your
// application, "Credentials").
type Credentials struct {
	// AccessToken is the application's private access token ("APP_USR-…"
	// in production, "TEST-…" for test users), sent as a Bearer token.
	AccessToken string
}

// String keeps the token out of fmt output.
func (c Credentials) String() string {
	if c.AccessToken == "" {
		return "mercadopago.Credentials{AccessToken: (empty)}"
	}
	return "mercadopago.Credentials{AccessToken: [redacted]}"
}

// GoString keeps the token out of %#v output.
func (c Credentials) GoString() string { return c.String() }

// LogValue keeps the token out of slog records.
func (c Credentials) LogValue() slog.Value { return slog.StringValue(c.String()) }

// Format prints String for every verb (%v, %+v, %s, %d…), so no verb reaches
// the secrets by reflection.
func (c Credentials) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }

// settings collects what the Options set before NewClient checks them.
type settings struct {
	clientopt.Common
	site     Site
	siteSet  bool
	decimals map[string]int
}

// Option configures a Client in NewClient.
type Option func(*settings)

// WithBaseURL sends requests to u instead of DefaultBaseURL (a simulator, a
// proxy). It must be an absolute http or https URL.
func WithBaseURL(u string) Option { return func(s *settings) { s.BaseURL = u } }

// WithHTTPClient sends requests with a copy of hc (timeouts, proxies, test
// transports); hc itself is never changed. A nil client is an error.
func WithHTTPClient(hc *http.Client) Option { return func(s *settings) { s.SetHTTPClient(hc) } }

// WithMaxRetries sets how many times a failed call may be repeated
// (default transport.DefaultMaxRetries; 0 turns retries off, at most 10).
// Only repeats that cannot double anything are made: see the package docs.
func WithMaxRetries(n int) Option { return func(s *settings) { s.MaxRetries = n } }

// WithObserver makes o see every call of the client: its operation
// ("mercadopago.<Service>.<Method>") and route template, each attempt with
// its status and error type, and each token fetch (see paykit.Observer; the
// module github.com/paykit-go/paykit/otel makes one that records
// OpenTelemetry spans and metrics). Nil, the default, observes nothing.
func WithObserver(o *paykit.Observer) Option { return func(s *settings) { s.Observer = o } }

// WithLogger logs one debug record per HTTP attempt to l (no secrets, no
// card data). Nil turns logging off, which is the default.
func WithLogger(l *slog.Logger) Option { return func(s *settings) { s.Logger = l } }

// WithUserAgent appends appInfo ("myshop/1.4") to the User-Agent header.
func WithUserAgent(appInfo string) Option { return func(s *settings) { s.AppInfo = appInfo } }

// WithRetryBackoff shapes the wait between retries: exponential from base,
// never above max, with full jitter; a Retry-After the API sends is honoured
// up to its own cap. Zero values keep the defaults; negative ones are an
// error.
func WithRetryBackoff(base, max time.Duration) Option {
	return func(s *settings) { s.SetRetryBackoff(base, max) }
}

// WithClock makes the client read the time from now (the Fintoc
// widget-token expiry, the retry clock); tests fix it. Nil is an error.
func WithClock(now func() time.Time) Option { return func(s *settings) { s.SetClock(now) } }

// Client talks to the Mercado Pago API. It is safe for concurrent use; make
// one and share it.
type Client struct {
	// Payments creates, reads, searches, captures and cancels payments,
	// including Fintoc ones.
	Payments *PaymentsService
	// Refunds refunds payments in full or in part.
	Refunds *RefundsService
	// Customers stores payers so their cards can be saved.
	Customers *CustomersService
	// Cards saves, lists and removes a customer's cards.
	Cards *CardsService
	// PaymentMethods lists payment methods, installment plans and card issuers.
	PaymentMethods *PaymentMethodsService
	// IdentificationTypes lists the document types of the account's country.
	IdentificationTypes *IdentificationTypesService
	// CardTokens makes and reads card tokens server-side (tests and tools only).
	CardTokens *CardTokensService
	// Preferences creates and reads Checkout Pro preferences.
	Preferences *PreferencesService
	// MerchantOrders reads and manages the orders Checkout Pro payments belong to.
	MerchantOrders *MerchantOrdersService

	// Orders creates, searches, processes, captures, cancels and refunds
	// orders of the Orders API (/v1/orders), and edits their transactions.
	Orders *OrdersService
	// OAuth connects sellers to a marketplace application and exchanges
	// and refreshes their tokens (act for them with WithSeller or
	// WithAccessToken).
	OAuth *OAuthService
	// Users reads the account behind a token (GET /users/me).
	Users *UsersService
	// Plans creates, reads, updates and searches subscription plans.
	Plans *PlansService
	// Subscriptions creates, reads, pauses, cancels and searches subscriptions.
	Subscriptions *SubscriptionsService
	// Chargebacks reads and searches the disputes payers opened with their card issuer.
	Chargebacks *ChargebacksService
	// AuthorizedPayments reads and searches the periodic charges of subscriptions.
	AuthorizedPayments *AuthorizedPaymentsService

	// AdvancedPayments splits a payment between several sellers of a
	// marketplace (disbursements), moves their release dates and refunds them.
	AdvancedPayments *AdvancedPaymentsService
	// Point takes in-person payments on Point terminals (payment intents, devices).
	Point *PointService

	t        *transport.Client
	site     Site
	decimals map[string]int
	banks    *institutions
}

// String describes the client without its access token.
func (c *Client) String() string { return "mercadopago.Client{" + c.t.BaseURL() + "}" }

// GoString keeps the access token out of %#v output.
func (c *Client) GoString() string { return c.String() }

// Format prints String for every verb, so no verb reaches the credentials
// by reflection. Its receiver is a value so that *c prints safely too: fmt
// shows a pointer field of a struct printed by value by reflection, with
// methods off, for verbs such as %s.
func (c Client) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }

// NewClient checks the credentials and options and returns a ready Client.
// The error names what is wrong, e.g. "mercadopago: access token: must not
// be empty".
func NewClient(creds Credentials, opts ...Option) (*Client, error) {
	s := settings{Common: clientopt.New(DefaultBaseURL)}
	for _, o := range opts {
		if o != nil {
			o(&s)
		}
	}
	if err := s.Err("mercadopago"); err != nil {
		return nil, err
	}
	if err := s.checkSiteSettings(); err != nil {
		return nil, err
	}
	tok := creds.AccessToken
	switch {
	case strings.TrimSpace(tok) == "":
		return nil, errors.New("mercadopago: access token: must not be empty")
	case strings.HasPrefix(strings.ToLower(tok), "bearer "):
		return nil, errors.New("mercadopago: access token: give the token alone, without \"Bearer \"")
	case strings.TrimSpace(tok) != tok || strings.ContainsAny(tok, " \t\r\n"):
		return nil, errors.New("mercadopago: access token: must not contain spaces or line breaks")
	}
	cfg := transport.Config{
		Provider:          "mercadopago",
		Auth:              transport.Bearer(tok),
		IdempotencyHeader: IdempotencyHeader,
		RequestIDHeaders:  []string{"X-Request-Id"},
		Secrets:           []string{tok},
		DecodeError:       decodeError,
	}
	s.Config(&cfg)
	tc, err := transport.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("mercadopago: %w", err)
	}
	c := &Client{t: tc, site: s.site, decimals: s.decimals, banks: &institutions{}}
	c.Payments = &PaymentsService{c: c}
	c.Refunds = &RefundsService{c: c}
	c.Customers = &CustomersService{c: c}
	c.Cards = &CardsService{c: c}
	c.PaymentMethods = &PaymentMethodsService{c: c}
	c.IdentificationTypes = &IdentificationTypesService{c: c}
	c.CardTokens = &CardTokensService{c: c}
	c.Preferences = &PreferencesService{c: c}
	c.MerchantOrders = &MerchantOrdersService{c: c}
	c.Orders = &OrdersService{c: c}
	c.OAuth = &OAuthService{c: c}
	c.Users = &UsersService{c: c}
	c.Plans = &PlansService{c: c}
	c.Subscriptions = &SubscriptionsService{c: c}
	c.Chargebacks = &ChargebacksService{c: c}
	c.AuthorizedPayments = &AuthorizedPaymentsService{c: c}
	c.AdvancedPayments, c.Point = &AdvancedPaymentsService{c: c}, &PointService{c: c}
	return c, nil
}

// BaseURL returns the API root the client sends to.
func (c *Client) BaseURL() string { return c.t.BaseURL() }

// WithIdempotencyKey makes a call carry key in X-Idempotency-Key instead of
// a generated UUID. Use an id from your own system (the order id) so that a
// repeat after a crash is recognised and answered with the first result:
// such a key is the same on every replica and after a restart, where a
// generated one is new with every call. The same key with a different
// request is refused by Mercado Pago rather than paid.
func WithIdempotencyKey(key string) paykit.RequestOption { return transport.WithIdempotencyKey(key) }

// WithHeader adds a header to one call (e.g. X-Meli-Session-Id for fraud
// prevention). It cannot replace Authorization or X-Idempotency-Key.
func WithHeader(name, value string) paykit.RequestOption { return transport.WithHeader(name, value) }

// Ptr returns a pointer to v, for the optional fields where a zero must be
// sent on purpose: Capture: mercadopago.Ptr(false), Installments: mercadopago.Ptr(0).
func Ptr[T any](v T) *T { return &v }
