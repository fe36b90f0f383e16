package mercadopago

import (
	"context"
	"iter"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/transport"
	"github.com/paykit-go/paykit/money"
)

// MerchantOrder groups the payments and shipments of one Checkout Pro
// purchase. It is "closed" once paid in full; OrderStatus says how far the
// payments went.
// See https://www.mercadopago.com/developers/en/reference/merchant_orders/_merchant_orders_id/get
type MerchantOrder struct {
	ID int64 `json:"id"`
	// Status is "opened", "closed" or "expired".
	Status string `json:"status"`
	// OrderStatus is "payment_required", "payment_in_process",
	// "partially_paid", "paid", "partially_reverted", "reverted"…
	OrderStatus       string `json:"order_status"`
	ExternalReference string `json:"external_reference"`
	PreferenceID      string `json:"preference_id"`
	ApplicationID     string `json:"application_id"`
	SiteID            string `json:"site_id"`
	NotificationURL   string `json:"notification_url"`
	AdditionalInfo    string `json:"additional_info"`
	Marketplace       string `json:"marketplace"`
	SponsorID         string `json:"sponsor_id"`
	// Payer and Collector are the buyer and the seller.
	Payer     MerchantOrderUser       `json:"payer"`
	Collector MerchantOrderUser       `json:"collector"`
	Items     []MerchantOrderItem     `json:"items"`
	Payments  []MerchantOrderPayment  `json:"payments"`
	Shipments []MerchantOrderShipment `json:"shipments"`
	// TotalAmount is what the items cost; PaidAmount what was paid,
	// RefundedAmount what was given back.
	TotalAmount    money.Decimal `json:"total_amount"`
	PaidAmount     money.Decimal `json:"paid_amount"`
	RefundedAmount money.Decimal `json:"refunded_amount"`
	ShippingCost   money.Decimal `json:"shipping_cost"`
	Cancelled      bool          `json:"cancelled"`
	IsTest         bool          `json:"is_test"`
	DateCreated    time.Time     `json:"date_created"`
	LastUpdated    time.Time     `json:"last_updated"`

	// Meta tells how the call went (idempotency key, request id).
	paykit.Meta `json:"-"`
	// Unparsed names the fields that arrived in a shape that could not be read.
	Unparsed []string `json:"-"`
}

// MerchantOrderUser is the payer or the collector of a merchant order.
type MerchantOrderUser struct {
	ID       int64  `json:"id,omitempty"`
	Nickname string `json:"nickname,omitempty"`
}

// MerchantOrderItem is one item of a merchant order. Quantity and UnitPrice
// are always sent.
type MerchantOrderItem struct {
	ID          string        `json:"id,omitempty"`
	Title       string        `json:"title,omitempty"`
	Description string        `json:"description,omitempty"`
	PictureURL  string        `json:"picture_url,omitempty"`
	CategoryID  string        `json:"category_id,omitempty"`
	CurrencyID  string        `json:"currency_id,omitempty"`
	Quantity    int           `json:"quantity"`
	UnitPrice   money.Decimal `json:"unit_price"`
}

// MerchantOrderPayment is a payment as a merchant order lists it.
type MerchantOrderPayment struct {
	ID                int64         `json:"id"`
	TransactionAmount money.Decimal `json:"transaction_amount"`
	TotalPaidAmount   money.Decimal `json:"total_paid_amount"`
	ShippingCost      money.Decimal `json:"shipping_cost"`
	AmountRefunded    money.Decimal `json:"amount_refunded"`
	CurrencyID        string        `json:"currency_id"`
	Status            PaymentStatus `json:"status"`
	StatusDetail      StatusDetail  `json:"status_detail"`
	OperationType     string        `json:"operation_type"`
	DateApproved      time.Time     `json:"date_approved"`
	DateCreated       time.Time     `json:"date_created"`
	LastModified      time.Time     `json:"last_modified"`
}

// MerchantOrderShipment is a shipment of a merchant order.
type MerchantOrderShipment struct {
	ID                int64     `json:"id"`
	ShippingType      string    `json:"shipping_type"`
	ShippingMode      string    `json:"shipping_mode"`
	PickingType       string    `json:"picking_type"`
	Status            string    `json:"status"`
	ShippingSubstatus string    `json:"shipping_substatus"`
	ServiceID         string    `json:"service_id"`
	SenderID          int64     `json:"sender_id"`
	ReceiverID        int64     `json:"receiver_id"`
	DateCreated       time.Time `json:"date_created"`
	LastModified      time.Time `json:"last_modified"`
	ReceiverAddress   struct {
		ID           int64  `json:"id"`
		AddressLine  string `json:"address_line"`
		StreetName   string `json:"street_name"`
		StreetNumber string `json:"street_number"`
		Floor        string `json:"floor"`
		Apartment    string `json:"apartment"`
		ZipCode      string `json:"zip_code"`
		Comment      string `json:"comment"`
		Contact      string `json:"contact"`
		Phone        string `json:"phone"`
		City         IDName `json:"city"`
		State        IDName `json:"state"`
		Country      IDName `json:"country"`
	} `json:"receiver_address"`
	ShippingOption struct {
		ID               int64         `json:"id"`
		Name             string        `json:"name"`
		ShippingMethodID int64         `json:"shipping_method_id"`
		CurrencyID       string        `json:"currency_id"`
		Cost             money.Decimal `json:"cost"`
		ListCost         money.Decimal `json:"list_cost"`
	} `json:"shipping_option"`
}

// IDName is an {"id", "name"} pair (a city, state or country).
type IDName struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// MerchantOrderRequest is the body of POST /merchant_orders (and of PUT,
// where only the fields set change).
// See https://www.mercadopago.com/developers/en/reference/merchant_orders/_merchant_orders/post
type MerchantOrderRequest struct {
	// PreferenceID links the order to a Checkout Pro preference.
	PreferenceID string `json:"preference_id,omitempty"`
	// ApplicationID is your application's id.
	ApplicationID string `json:"application_id,omitempty"`
	// SiteID is the country site ("MLA", "MLB", "MLC"…).
	SiteID            string              `json:"site_id,omitempty"`
	NotificationURL   string              `json:"notification_url,omitempty"`
	AdditionalInfo    string              `json:"additional_info,omitempty"`
	ExternalReference string              `json:"external_reference,omitempty"`
	Marketplace       string              `json:"marketplace,omitempty"`
	Payer             *MerchantOrderUser  `json:"payer,omitempty"`
	Collector         *MerchantOrderUser  `json:"collector,omitempty"`
	Items             []MerchantOrderItem `json:"items,omitempty"`
	// SponsorID is the integrating platform's user id.
	SponsorID *int64 `json:"sponsor_id,omitempty"`
}

// MerchantOrderSearch filters GET /merchant_orders/search.
type MerchantOrderSearch struct {
	Status            string `url:"status,omitempty"`
	PreferenceID      string `url:"preference_id,omitempty"`
	ApplicationID     string `url:"application_id,omitempty"`
	PayerID           int64  `url:"payer_id,omitempty"`
	ExternalReference string `url:"external_reference,omitempty"`
	SiteID            string `url:"site_id,omitempty"`
	// Limit is the page size; Offset the first result.
	Limit  int `url:"limit,omitempty"`
	Offset int `url:"offset,omitempty"`
}

// MerchantOrderPage is one page of a merchant order search.
type MerchantOrderPage struct {
	Elements   []MerchantOrder `json:"elements"`
	Total      int             `json:"total"`
	NextOffset int             `json:"next_offset"`

	// Meta tells how the call went (request id).
	paykit.Meta `json:"-"`
	// Unparsed names the fields that arrived in a shape that could not be read.
	Unparsed []string `json:"-"`
}

// MerchantOrdersService is c.MerchantOrders.
type MerchantOrdersService struct{ c *Client }

// Get reads a merchant order (GET /merchant_orders/{id}).
func (s *MerchantOrdersService) Get(ctx context.Context, id int64, opts ...paykit.RequestOption) (*MerchantOrder, error) {
	if id <= 0 {
		return nil, invalid("id", "must be a positive merchant order id")
	}
	return s.do(ctx, transport.Op{Name: "mercadopago.MerchantOrders.Get", Route: "/merchant_orders/{id}"}, http.MethodGet, merchantOrderPath(id), nil, opts)
}

// Create makes a merchant order (POST /merchant_orders) with an
// X-Idempotency-Key. It needs at least one item.
func (s *MerchantOrdersService) Create(ctx context.Context, req *MerchantOrderRequest, opts ...paykit.RequestOption) (*MerchantOrder, error) {
	if err := validateMerchantOrder(req, true); err != nil {
		return nil, err
	}
	return s.do(ctx, transport.Op{Name: "mercadopago.MerchantOrders.Create", Route: "/merchant_orders"}, http.MethodPost, "/merchant_orders", req, opts)
}

// Update changes a merchant order (PUT /merchant_orders/{id}).
func (s *MerchantOrdersService) Update(ctx context.Context, id int64, req *MerchantOrderRequest, opts ...paykit.RequestOption) (*MerchantOrder, error) {
	if id <= 0 {
		return nil, invalid("id", "must be a positive merchant order id")
	}
	if err := validateMerchantOrder(req, false); err != nil {
		return nil, err
	}
	return s.do(ctx, transport.Op{Name: "mercadopago.MerchantOrders.Update", Route: "/merchant_orders/{id}"}, http.MethodPut, merchantOrderPath(id), req, opts)
}

func merchantOrderPath(id int64) string {
	return transport.Path("merchant_orders", strconv.FormatInt(id, 10))
}

func (s *MerchantOrdersService) do(ctx context.Context, op transport.Op, method, path string, body any, opts []paykit.RequestOption) (*MerchantOrder, error) {
	r := &transport.Request{Op: op, Method: method, Path: path}
	if body != nil {
		r.JSON = body
	}
	return transport.Call[MerchantOrder](ctx, s.c.t, r, opts)
}

// SearchPage fetches one page of a merchant order search.
func (s *MerchantOrdersService) SearchPage(ctx context.Context, q *MerchantOrderSearch, opts ...paykit.RequestOption) (*MerchantOrderPage, error) {
	return fetchPage[MerchantOrderPage](ctx, s.c, transport.Op{Name: "mercadopago.MerchantOrders.SearchPage", Route: "/merchant_orders/search"}, q, opts)
}

// Search walks every merchant order matching q, fetching pages as it goes;
// stop ranging to stop fetching. An error is yielded once and ends the walk.
func (s *MerchantOrdersService) Search(ctx context.Context, q *MerchantOrderSearch, opts ...paykit.RequestOption) iter.Seq2[*MerchantOrder, error] {
	return search[MerchantOrder](ctx, q, s.SearchPage, opts)
}

func validateMerchantOrder(req *MerchantOrderRequest, create bool) error {
	if req == nil {
		return invalid("merchant_order", "must not be nil")
	}
	if create && len(req.Items) == 0 {
		return invalid("items", "must hold at least one item")
	}
	for i, it := range req.Items {
		field := "items[" + strconv.Itoa(i) + "]"
		if it.Quantity < 1 {
			return invalid(field+".quantity", "must be at least 1")
		}
		if it.UnitPrice.Sign() < 0 {
			return invalid(field+".unit_price", "must not be negative")
		}
	}
	if req.NotificationURL != "" && !absoluteURL(req.NotificationURL) {
		return invalid("notification_url", "must be an absolute http or https URL")
	}
	if req.SponsorID != nil && *req.SponsorID <= 0 {
		return invalid("sponsor_id", "must be a positive Mercado Pago user id")
	}
	return nil
}

// Notification topics of merchant orders: "merchant_order" in IPN
// notifications, "topic_merchant_order_wh" in webhooks.
const (
	TopicMerchantOrder        = "merchant_order"
	TopicMerchantOrderWebhook = "topic_merchant_order_wh"
)

// MerchantOrderID returns the merchant order a notification of topic
// merchant_order (or topic_merchant_order_wh) is about: the signed data.id
// of its URL, else the body's data.id, else the body's id. Read the order
// with MerchantOrders.Get for facts.
func (n *Notification) MerchantOrderID() (int64, bool) {
	if n == nil || (n.Type != TopicMerchantOrder && n.Type != TopicMerchantOrderWebhook) {
		return 0, false
	}
	for _, id := range []string{n.DataID, n.Data.ID} {
		if id = strings.TrimSpace(id); id != "" {
			v, err := strconv.ParseInt(id, 10, 64)
			return v, err == nil && v > 0
		}
	}
	return n.ID, n.ID > 0
}
