package mercadopago

import (
	"context"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/transport"
	"github.com/paykit-go/paykit/money"
)

// AutoReturn values: when Checkout Pro sends the payer back on its own.
const (
	AutoReturnApproved = "approved" // only after an approved payment
	AutoReturnAll      = "all"      // after any outcome
)

// PreferenceRequest is the body of POST /checkout/preferences (and of PUT,
// where only the fields set are changed): what the payer buys in Checkout
// Pro and where they come back. Optional values whose zero means something
// are pointers, so a zero set on purpose is sent.
// See https://www.mercadopago.com/developers/en/reference/preferences/_checkout_preferences/post
type PreferenceRequest struct {
	// Items are what is bought. Create needs at least one.
	Items []PreferenceItem `json:"items,omitempty"`
	// Payer pre-fills the checkout.
	Payer *PreferencePayer `json:"payer,omitempty"`
	// BackURLs are where the payer's browser returns (see ParseCheckoutReturn).
	BackURLs *BackURLs `json:"back_urls,omitempty"`
	// AutoReturn is AutoReturnApproved or AutoReturnAll; it needs BackURLs.Success.
	AutoReturn string `json:"auto_return,omitempty"`
	// NotificationURL receives the payment and merchant_order notifications.
	NotificationURL string `json:"notification_url,omitempty"`
	// ExternalReference is your order id; the payment carries it.
	ExternalReference string `json:"external_reference,omitempty"`
	// Expires turns the validity window on; ExpirationDateFrom and
	// ExpirationDateTo bound it.
	Expires            *bool      `json:"expires,omitempty"`
	ExpirationDateFrom *time.Time `json:"expiration_date_from,omitempty"`
	ExpirationDateTo   *time.Time `json:"expiration_date_to,omitempty"`
	// DateOfExpiration is when cash and transfer payments made from it expire.
	DateOfExpiration *time.Time `json:"date_of_expiration,omitempty"`
	// PaymentMethods excludes methods and types and caps the installments.
	PaymentMethods *PreferencePaymentMethods `json:"payment_methods,omitempty"`
	// MarketplaceFee is the marketplace's commission (OAuth marketplaces);
	// Ptr(money.FromInt(0)) sends 0.
	MarketplaceFee *money.Decimal `json:"marketplace_fee,omitempty"`
	// StatementDescriptor is what the card statement shows.
	StatementDescriptor string `json:"statement_descriptor,omitempty"`
	// BinaryMode true allows only approved or rejected payments.
	BinaryMode *bool `json:"binary_mode,omitempty"`
	// Metadata is returned as it was sent.
	Metadata map[string]any `json:"metadata,omitempty"`
}

// PreferenceItem is one item of a preference. Quantity and UnitPrice are
// always sent.
type PreferenceItem struct {
	ID          string `json:"id,omitempty"`
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
	PictureURL  string `json:"picture_url,omitempty"`
	CategoryID  string `json:"category_id,omitempty"`
	// Quantity is at least 1.
	Quantity int `json:"quantity"`
	// CurrencyID is "ARS", "BRL", "CLP", "MXN"… (the account's currency when empty).
	CurrencyID string `json:"currency_id,omitempty"`
	// UnitPrice is the exact price of one; greater than zero.
	UnitPrice money.Decimal `json:"unit_price"`
}

// PreferencePayer is the payer a preference pre-fills.
type PreferencePayer struct {
	Name           string          `json:"name,omitempty"`
	Surname        string          `json:"surname,omitempty"`
	Email          string          `json:"email,omitempty"`
	Phone          *Phone          `json:"phone,omitempty"`
	Identification *Identification `json:"identification,omitempty"`
	Address        *Address        `json:"address,omitempty"`
}

// BackURLs are where Checkout Pro sends the payer back, by outcome.
type BackURLs struct {
	Success string `json:"success,omitempty"`
	Pending string `json:"pending,omitempty"`
	Failure string `json:"failure,omitempty"`
}

// PreferencePaymentMethods limits what the payer may use.
type PreferencePaymentMethods struct {
	// ExcludedPaymentMethods are method ids ("amex") the payer may not use.
	ExcludedPaymentMethods []IDRef `json:"excluded_payment_methods,omitempty"`
	// ExcludedPaymentTypes are type ids ("ticket", "atm") the payer may not use.
	ExcludedPaymentTypes []IDRef `json:"excluded_payment_types,omitempty"`
	// DefaultPaymentMethodID is pre-selected.
	DefaultPaymentMethodID string `json:"default_payment_method_id,omitempty"`
	// Installments is the most installments offered; DefaultInstallments the pre-selected number.
	Installments        *int `json:"installments,omitempty"`
	DefaultInstallments *int `json:"default_installments,omitempty"`
}

// IDRef is an {"id": …} entry of a list.
type IDRef struct {
	ID string `json:"id"`
}

// Preference is a Checkout Pro preference as Mercado Pago reports it. Send
// the payer to InitPoint (SandboxInitPoint with test credentials).
// See https://www.mercadopago.com/developers/en/reference/preferences/_checkout_preferences_id/get
type Preference struct {
	ID string `json:"id"`
	// InitPoint is the checkout URL; SandboxInitPoint its test twin.
	InitPoint        string `json:"init_point"`
	SandboxInitPoint string `json:"sandbox_init_point"`
	// ClientID is the application id; CollectorID the seller's user id.
	ClientID            string                   `json:"client_id"`
	CollectorID         int64                    `json:"collector_id"`
	Items               []PreferenceItem         `json:"items"`
	Payer               PreferencePayer          `json:"payer"`
	BackURLs            BackURLs                 `json:"back_urls"`
	AutoReturn          string                   `json:"auto_return"`
	NotificationURL     string                   `json:"notification_url"`
	ExternalReference   string                   `json:"external_reference"`
	Expires             bool                     `json:"expires"`
	ExpirationDateFrom  time.Time                `json:"expiration_date_from"`
	ExpirationDateTo    time.Time                `json:"expiration_date_to"`
	DateOfExpiration    time.Time                `json:"date_of_expiration"`
	PaymentMethods      PreferencePaymentMethods `json:"payment_methods"`
	MarketplaceFee      money.Decimal            `json:"marketplace_fee"`
	Marketplace         string                   `json:"marketplace"`
	StatementDescriptor string                   `json:"statement_descriptor"`
	BinaryMode          bool                     `json:"binary_mode"`
	Metadata            map[string]any           `json:"metadata"`
	// OperationType is "regular_payment" or "money_transfer".
	OperationType string `json:"operation_type"`
	// SiteID is the country site ("MLA", "MLB", "MLC", "MLM"…).
	SiteID      string    `json:"site_id"`
	DateCreated time.Time `json:"date_created"`

	// Meta tells how the call went (idempotency key, request id).
	paykit.Meta `json:"-"`
	// Unparsed names the fields that arrived in a shape that could not be read.
	Unparsed []string `json:"-"`
}

// PreferenceSearch filters GET /checkout/preferences/search.
type PreferenceSearch struct {
	// ExternalReference finds the preferences of one order.
	ExternalReference string `url:"external_reference,omitempty"`
	// SponsorID, Marketplace and SiteID filter further.
	SponsorID   int64  `url:"sponsor_id,omitempty"`
	Marketplace string `url:"marketplace,omitempty"`
	SiteID      string `url:"site_id,omitempty"`
	// Limit is the page size; Offset the first result.
	Limit  int `url:"limit,omitempty"`
	Offset int `url:"offset,omitempty"`
}

// PreferenceSummary is one search result: the preference without its items'
// details (Items are their titles).
type PreferenceSummary struct {
	ID                 string    `json:"id"`
	ClientID           string    `json:"client_id"`
	CollectorID        int64     `json:"collector_id"`
	ExternalReference  string    `json:"external_reference"`
	Items              []string  `json:"items"`
	PayerEmail         string    `json:"payer_email"`
	PayerID            string    `json:"payer_id"`
	Marketplace        string    `json:"marketplace"`
	OperationType      string    `json:"operation_type"`
	PlatformID         string    `json:"platform_id"`
	ProductID          string    `json:"product_id"`
	Purpose            string    `json:"purpose"`
	ShippingMode       string    `json:"shipping_mode"`
	SiteID             string    `json:"site_id"`
	SponsorID          int64     `json:"sponsor_id"`
	LiveMode           bool      `json:"live_mode"`
	Expires            bool      `json:"expires"`
	ProcessingModes    []string  `json:"processing_modes"`
	DateCreated        time.Time `json:"date_created"`
	LastUpdated        time.Time `json:"last_updated"`
	ExpirationDateFrom time.Time `json:"expiration_date_from"`
	ExpirationDateTo   time.Time `json:"expiration_date_to"`

	// Unparsed names the fields that arrived in a shape that could not be read.
	Unparsed []string `json:"-"`
}

// PreferencePage is one page of a preference search.
type PreferencePage struct {
	Elements []PreferenceSummary `json:"elements"`
	// Total is how many match; NextOffset where the next page starts.
	Total      int `json:"total"`
	NextOffset int `json:"next_offset"`

	// Meta tells how the call went (request id).
	paykit.Meta `json:"-"`
	// Unparsed names the fields that arrived in a shape that could not be read.
	Unparsed []string `json:"-"`
}

// PreferencesService is c.Preferences: Checkout Pro.
type PreferencesService struct{ c *Client }

// Create makes a preference (POST /checkout/preferences) with an
// X-Idempotency-Key; send the payer to its InitPoint.
func (s *PreferencesService) Create(ctx context.Context, req *PreferenceRequest, opts ...paykit.RequestOption) (*Preference, error) {
	if err := validatePreference(req, true); err != nil {
		return nil, err
	}
	return s.do(ctx, transport.Op{Name: "mercadopago.Preferences.Create", Route: "/checkout/preferences"}, http.MethodPost, "/checkout/preferences", req, opts)
}

// Get reads a preference (GET /checkout/preferences/{id}).
func (s *PreferencesService) Get(ctx context.Context, id string, opts ...paykit.RequestOption) (*Preference, error) {
	if err := checkID("id", id); err != nil {
		return nil, err
	}
	return s.do(ctx, transport.Op{Name: "mercadopago.Preferences.Get", Route: "/checkout/preferences/{id}"}, http.MethodGet, transport.Path("checkout", "preferences", id), nil, opts)
}

// Update changes a preference (PUT /checkout/preferences/{id}); fields left
// empty are not changed.
func (s *PreferencesService) Update(ctx context.Context, id string, req *PreferenceRequest, opts ...paykit.RequestOption) (*Preference, error) {
	if err := checkID("id", id); err != nil {
		return nil, err
	}
	if err := validatePreference(req, false); err != nil {
		return nil, err
	}
	return s.do(ctx, transport.Op{Name: "mercadopago.Preferences.Update", Route: "/checkout/preferences/{id}"}, http.MethodPut, transport.Path("checkout", "preferences", id), req, opts)
}

func (s *PreferencesService) do(ctx context.Context, op transport.Op, method, path string, body any, opts []paykit.RequestOption) (*Preference, error) {
	r := &transport.Request{Op: op, Method: method, Path: path}
	if body != nil {
		r.JSON = body
	}
	return transport.Call[Preference](ctx, s.c.t, r, opts)
}

// SearchPage fetches one page of a preference search.
func (s *PreferencesService) SearchPage(ctx context.Context, q *PreferenceSearch, opts ...paykit.RequestOption) (*PreferencePage, error) {
	return fetchPage[PreferencePage](ctx, s.c, transport.Op{Name: "mercadopago.Preferences.SearchPage", Route: "/checkout/preferences/search"}, q, opts)
}

// Search walks every preference matching q, fetching pages as it goes; stop
// ranging to stop fetching. An error is yielded once and ends the walk.
func (s *PreferencesService) Search(ctx context.Context, q *PreferenceSearch, opts ...paykit.RequestOption) iter.Seq2[*PreferenceSummary, error] {
	return search[PreferenceSummary](ctx, q, s.SearchPage, opts)
}

func validatePreference(req *PreferenceRequest, create bool) error {
	if req == nil {
		return invalid("preference", "must not be nil")
	}
	if create && len(req.Items) == 0 {
		return invalid("items", "must hold at least one item")
	}
	currency := ""
	for i, it := range req.Items {
		field := "items[" + strconv.Itoa(i) + "]"
		if strings.TrimSpace(it.Title) == "" {
			return invalid(field+".title", "must not be empty")
		}
		if it.Quantity < 1 {
			return invalid(field+".quantity", "must be at least 1")
		}
		if !it.UnitPrice.IsPositive() {
			return invalid(field+".unit_price", "must be greater than zero")
		}
		if it.CurrencyID != "" {
			if currency != "" && it.CurrencyID != currency {
				return invalid(field+".currency_id", "all items must have the same currency")
			}
			currency = it.CurrencyID
		}
	}
	if req.Payer != nil && req.Payer.Email != "" && !validEmail(req.Payer.Email) {
		return invalid("payer.email", "must be a valid email address")
	}
	if b := req.BackURLs; b != nil {
		for _, u := range []struct{ name, v string }{{"back_urls.success", b.Success}, {"back_urls.pending", b.Pending}, {"back_urls.failure", b.Failure}} {
			if u.v != "" && !absoluteURL(u.v) {
				return invalid(u.name, "must be an absolute http or https URL")
			}
		}
	}
	switch req.AutoReturn {
	case "":
	case AutoReturnApproved, AutoReturnAll:
		if req.BackURLs == nil || req.BackURLs.Success == "" {
			return invalid("back_urls.success", "must be set when auto_return is set")
		}
	default:
		return invalid("auto_return", "must be \"approved\" or \"all\"")
	}
	if req.NotificationURL != "" && !absoluteURL(req.NotificationURL) {
		return invalid("notification_url", "must be an absolute http or https URL")
	}
	if req.ExpirationDateFrom != nil && req.ExpirationDateTo != nil && !req.ExpirationDateTo.After(*req.ExpirationDateFrom) {
		return invalid("expiration_date_to", "must be after expiration_date_from")
	}
	if req.MarketplaceFee != nil && req.MarketplaceFee.Sign() < 0 {
		return invalid("marketplace_fee", "must not be negative")
	}
	if pm := req.PaymentMethods; pm != nil {
		if pm.Installments != nil && *pm.Installments < 1 {
			return invalid("payment_methods.installments", "must be at least 1")
		}
		if pm.DefaultInstallments != nil && *pm.DefaultInstallments < 1 {
			return invalid("payment_methods.default_installments", "must be at least 1")
		}
		for i, x := range pm.ExcludedPaymentMethods {
			if strings.TrimSpace(x.ID) == "" {
				return invalid("payment_methods.excluded_payment_methods["+strconv.Itoa(i)+"].id", "must not be empty")
			}
		}
		for i, x := range pm.ExcludedPaymentTypes {
			if strings.TrimSpace(x.ID) == "" {
				return invalid("payment_methods.excluded_payment_types["+strconv.Itoa(i)+"].id", "must not be empty")
			}
		}
	}
	return nil
}

// pageLimit is the page size a search asked for, or the API's default of 30,
// so a walk also ends on a short page when the answer carries no total.
func pageLimit(limit int) int {
	if limit > 0 {
		return limit
	}
	return 30
}

// absoluteURL reports whether s is an absolute http or https URL with a host.
func absoluteURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}
