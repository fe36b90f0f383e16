package finrota

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/transport"
	"github.com/paykit-go/paykit/money"
)

// WidgetToken is the per-payment token the backend creates and the page
// passes to FinrotaPay.init({token: ...}). It is valid for 20 minutes and for
// one payment. It is NOT the access token (which never leaves this package)
// and NOT a PrepareToken: Widget.Pay does not accept it.
type WidgetToken string

// PrepareToken is what the widget's onSuccess event hands the page after its
// internal preparePayment call: the card and installment are now prepared,
// nothing has been charged. The page posts it to the backend, which pays with
// it in Widget.Pay.
//
// It is a type of its own because Finrota's documentation lists, among the
// common mistakes, paying with the widget token instead of the prepare token
// and initialising the widget with the access token. Here a WidgetToken in
// PaymentRequest.PrepareToken is a compile error, and the access token cannot
// be obtained at all. Convert the string the page posted explicitly:
//
//	req := finrota.PaymentRequest{PrepareToken: finrota.PrepareToken(r.PostFormValue("prepareToken")), ...}
type PrepareToken string

// InstallmentToken identifies one installment option of PaymentOptions; the
// widget sends the chosen one to preparePayment.
type InstallmentToken string

// WidgetService creates widget tokens and completes widget payments.
type WidgetService struct{ c *Client }

// WidgetTokenResponse is a freshly created widget token.
type WidgetTokenResponse struct {
	// Token goes to the page's FinrotaPay.init, and nowhere else.
	Token WidgetToken
	// ExpiresAt is when Finrota stops accepting it (created + 20 minutes,
	// counted from just before the request was sent).
	ExpiresAt time.Time
	// Meta describes the HTTP exchange.
	paykit.Meta `json:"-"`
}

type widgetTokenBody struct {
	Token string `json:"token"`
	Data  *struct {
		Token string `json:"token"`
	} `json:"data"`
}

// CreateToken creates a transaction-specific widget token (GET
// /b2c/widget/token with the access token). Create one per payment: a token
// is good for one payment and 20 minutes.
//
// Docs: Finrota widget integration, section 6 "Widget Token Generation".
func (s *WidgetService) CreateToken(ctx context.Context, opts ...paykit.RequestOption) (*WidgetTokenResponse, error) {
	started := s.c.clock()
	return transport.CallWire(ctx, s.c.tc, &transport.Request{Op: transport.Op{Name: "finrota.Widget.CreateToken", Route: "/b2c/widget/token"}, Method: http.MethodGet, Path: "/b2c/widget/token"}, opts,
		func(out *widgetTokenBody, resp *transport.Response) (*WidgetTokenResponse, error) {
			tok := out.Token
			if tok == "" && out.Data != nil {
				tok = out.Data.Token
			}
			if tok == "" {
				return nil, resp.Refuse("answer carries no token", nil)
			}
			return &WidgetTokenResponse{Token: WidgetToken(tok), ExpiresAt: started.Add(WidgetTokenLifetime)}, nil
		})
}

// PaymentRequest is the backend's payment call after the widget prepared the
// card. Every field is required.
type PaymentRequest struct {
	// PrepareToken is the token the widget's onSuccess delivered.
	PrepareToken PrepareToken
	// Amount must equal the amount the widget was initialised with. It is
	// sent as a JSON number, exactly as given.
	Amount money.Decimal
	// ReturnURL is where the bank sends the buyer after 3-D Secure
	// (absolute http or https). Put your order id in it so the return
	// handler knows which order to confirm.
	ReturnURL string
	// ClientReferenceCode is your order reference; use it to look the
	// payment up with Transactions.Get(ByClientReference(...)).
	ClientReferenceCode string
	// CustomerIP is the buyer's IPv4 or IPv6 address.
	CustomerIP string
}

type paymentBody struct {
	Amount              money.Decimal `json:"amount"`
	PrepareToken        string        `json:"prepareToken"`
	ReturnURL           string        `json:"returnUrl"`
	ClientReferenceCode string        `json:"clientReferenceCode"`
	CustomerIPAddress   string        `json:"customerIpAddress"`
}

// PaymentType says how a payment continues.
type PaymentType string

// The payment types Finrota documents. Other values are kept as sent.
const (
	// PaymentRedirect: 3-D Secure; send the buyer to RedirectURL.
	PaymentRedirect PaymentType = "RedirectUrl"
	// PaymentDirectSale: no 3-D Secure; the sale is complete.
	PaymentDirectSale PaymentType = "DirectSale"
)

// PaymentResult is a payment Finrota accepted: either a 3-D Secure redirect
// still to be completed, or a completed direct sale.
type PaymentResult struct {
	// Type is PaymentRedirect or PaymentDirectSale (or a new value Finrota
	// introduced, kept as sent: confirm those with Transactions.Get).
	Type PaymentType
	// RedirectURL is the bank's 3-D Secure page for a redirect.
	RedirectURL string
	// OrderID is Finrota's id for the payment, when sent.
	OrderID string
	// ClientReferenceCode echoes your reference, when sent.
	ClientReferenceCode string
	// Success is the answer's success flag (nil when absent, as in the
	// documented redirect answer).
	Success *bool
	// Meta describes the HTTP exchange.
	paykit.Meta `json:"-"`
}

// NeedsRedirect reports whether the buyer must now go to RedirectURL for
// 3-D Secure. The payment is not complete until Finrota confirms it.
func (r *PaymentResult) NeedsRedirect() bool { return r.Type == PaymentRedirect }

// Paid reports whether the payment completed as a direct sale.
func (r *PaymentResult) Paid() bool {
	return r.Type == PaymentDirectSale && r.Success != nil && *r.Success
}

type paymentAnswer struct {
	PaymentType         string     `json:"paymentType"`
	RedirectTo          string     `json:"redirectTo"`
	OrderID             flexString `json:"orderId"`
	ClientReferenceCode string     `json:"clientReferenceCode"`
	Success             *bool      `json:"success"`
	Error               flexString `json:"error"`
	ErrorCode           flexString `json:"errorCode"`
}

const paymentPath = "/b2c/widget/payment"

// Pay charges the card the widget prepared (POST /b2c/widget/payment with
// the access token). Call it from your backend when the page posts the
// prepare token; the widget's onSuccess alone charges nothing.
//
// The outcome is one of:
//   - a *PaymentResult with NeedsRedirect(): send the buyer to RedirectURL;
//     when they come back, confirm with Transactions.ConfirmReturn;
//   - a *PaymentResult with Paid(): a completed direct sale;
//   - a *DeclineError (errors.Is(err, ErrDeclined)) when Finrota answered
//     success:false: the card was refused, with Finrota's reason;
//   - an *Error or *NetworkError when the call itself failed.
//
// Finrota has no idempotency key, so this call is never repeated once it may
// have reached the server (a 502 or a broken connection is returned, not
// retried). If the error is a *NetworkError with MayHaveReachedServer, or an
// *Error with a 5xx status, the payment may exist: look it up with
// Transactions.Get(ByClientReference(req.ClientReferenceCode)) before trying
// again with a new widget token.
func (s *WidgetService) Pay(ctx context.Context, req *PaymentRequest, opts ...paykit.RequestOption) (*PaymentResult, error) {
	if req == nil {
		return nil, invalid("request", "must not be nil")
	}
	if err := req.validate(); err != nil {
		return nil, err
	}
	body := paymentBody{
		Amount:              req.Amount,
		PrepareToken:        string(req.PrepareToken),
		ReturnURL:           req.ReturnURL,
		ClientReferenceCode: req.ClientReferenceCode,
		CustomerIPAddress:   req.CustomerIP,
	}
	return transport.CallWire(ctx, s.c.tc, &transport.Request{Op: transport.Op{Name: "finrota.Widget.Pay", Route: paymentPath}, Method: http.MethodPost, Path: paymentPath, JSON: body}, opts,
		func(out *paymentAnswer, resp *transport.Response) (*PaymentResult, error) {
			return out.result(resp, s.c.tc.Secrets())
		})
}

// result is the payment's outcome: a *DeclineError when the card was
// declined, sec being the client's secrets.
func (out *paymentAnswer) result(resp *transport.Response, sec []string) (*PaymentResult, error) {
	res := &PaymentResult{
		Type:                PaymentType(clean(out.PaymentType, nil)),
		RedirectURL:         out.RedirectTo,
		OrderID:             clean(string(out.OrderID), nil),
		ClientReferenceCode: clean(out.ClientReferenceCode, nil),
		Success:             out.Success,
	}
	declined := out.Success != nil && !*out.Success
	if out.Error != "" && (out.Success == nil || !*out.Success) {
		declined = true
	}
	if declined && !(res.Type == PaymentRedirect && out.Error == "" && out.RedirectTo != "") {
		return nil, &DeclineError{
			Operation:           "payment",
			Code:                clean(string(out.ErrorCode), sec),
			Reason:              clean(string(out.Error), sec),
			OrderID:             res.OrderID,
			ClientReferenceCode: res.ClientReferenceCode,
			Meta:                resp.Meta,
		}
	}
	switch res.Type {
	case PaymentRedirect:
		u, err := url.Parse(out.RedirectTo)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, resp.Refuse("3-D Secure answer without a usable redirectTo URL", nil)
		}
	case "":
		return nil, resp.Refuse("answer carries no paymentType", nil)
	}
	return res, nil
}

func (r *PaymentRequest) validate() error {
	if strings.TrimSpace(string(r.PrepareToken)) == "" {
		return invalid("prepareToken", "must not be empty (it comes from the widget's onSuccess)")
	}
	if !r.Amount.IsPositive() {
		return invalid("amount", "must be greater than zero")
	}
	if r.Amount.Trim().Scale() > 2 {
		return invalid("amount", "must have at most 2 decimal places")
	}
	if err := checkAbsURL(r.ReturnURL); err != nil {
		return invalid("returnUrl", err.Error())
	}
	if strings.TrimSpace(r.ClientReferenceCode) == "" {
		return invalid("clientReferenceCode", "must not be empty")
	}
	if transport.HasControl(r.ClientReferenceCode) {
		return invalid("clientReferenceCode", "must not contain control characters")
	}
	if _, err := netip.ParseAddr(r.CustomerIP); err != nil || net.ParseIP(r.CustomerIP) == nil {
		return invalid("customerIpAddress", "must be a valid IPv4 or IPv6 address")
	}
	return nil
}

type ruleError string

func (e ruleError) Error() string { return string(e) }

func checkAbsURL(s string) error {
	if s == "" {
		return ruleError("must not be empty")
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return ruleError("must be an absolute http or https URL")
	}
	return nil
}
