package mercadopagotest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/money"
)

// 3-D Secure test cards from Mercado Pago's 3DS documentation (Mastercard,
// CVV 123): with three_d_secure_mode "optional" or "mandatory" a payment
// with either waits for a challenge; passing it approves the payment with
// Card3DSChallenge and rejects it with Card3DSChallengeFail.
const (
	Card3DSChallenge     = "5483928164574623"
	Card3DSChallengeFail = "5361956806117557"
)

// Form fields and actions of the simulated challenge page: the payer's
// browser POSTs creq to the challenge URL (three_ds_info.external_resource_url),
// then the page POSTs creq and action to ChallengeCompletePath.
const (
	ChallengePath         = "/3ds/challenge"
	ChallengeCompletePath = "/3ds/challenge/complete"
	ChallengeAuthenticate = "authenticate" // the payer types the code
	ChallengeCancel       = "cancel"       // the payer gives up
)

// ChallengeTimeout is how long the payer has to finish a challenge ("about
// 5 minutes" in the 3DS documentation). After it the challenge can no longer
// be completed and the payment stays pending / pending_challenge, as the
// documentation says of a challenge the payer did not finish.
const ChallengeTimeout = 5 * time.Minute

// paymentExtras are the payment fields of a whole payment beyond what the
// first flows needed.
type paymentExtras struct {
	DateOfExpiration    *string        `json:"date_of_expiration"`
	MoneyReleaseStatus  *string        `json:"money_release_status"`
	OperationType       string         `json:"operation_type"`
	StatementDescriptor *string        `json:"statement_descriptor"`
	SponsorID           *int64         `json:"sponsor_id"`
	ProcessingMode      string         `json:"processing_mode"`
	FeeDetails          []feeDetail    `json:"fee_details"`
	ChargesDetails      []chargeDetail `json:"charges_details"`
	ThreeDSInfo         *threeDSInfo   `json:"three_ds_info"`
	AdditionalInfo      *additionalOut `json:"additional_info,omitempty"`
	Order               *orderRef      `json:"order,omitempty"`
	applicationFee      *money.Decimal `json:"-"`
	threeDSMode         string         `json:"-"`
	challengeHolder     string         `json:"-"`
	challengeFails      bool           `json:"-"`
	challengeStarted    time.Time      `json:"-"`
	authorizeOnly       bool           `json:"-"`
}

type feeDetail struct {
	Type     string        `json:"type"`
	Amount   money.Decimal `json:"amount"`
	FeePayer string        `json:"fee_payer"`
}

type chargeDetail struct {
	ID          string         `json:"id"`
	Name        string         `json:"name"`
	Type        string         `json:"type"`
	Accounts    map[string]any `json:"accounts"`
	ClientID    int64          `json:"client_id"`
	DateCreated string         `json:"date_created"`
	LastUpdated string         `json:"last_updated"`
	Amounts     map[string]any `json:"amounts"`
	Metadata    map[string]any `json:"metadata"`
	ReserveID   *string        `json:"reserve_id"`
	Refunds     []any          `json:"refund_charges"`
}

type threeDSInfo struct {
	ExternalResourceURL string `json:"external_resource_url"`
	CReq                string `json:"creq"`
}

type orderRef struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

// additionalOut is additional_info as the API echoes it: item quantities
// and prices as text.
type additionalOut struct {
	IPAddress string           `json:"ip_address,omitempty"`
	Items     []map[string]any `json:"items,omitempty"`
	Payer     map[string]any   `json:"payer,omitempty"`
	Shipments map[string]any   `json:"shipments,omitempty"`
}

// extrasIn is what POST /v1/payments accepts beyond the first flows' fields.
type extrasIn struct {
	ThreeDSecureMode    string         `json:"three_d_secure_mode"`
	StatementDescriptor string         `json:"statement_descriptor"`
	ApplicationFee      *money.Decimal `json:"application_fee"`
	SponsorID           *int64         `json:"sponsor_id"`
	DateOfExpiration    *time.Time     `json:"date_of_expiration"`
	AdditionalInfo      *struct {
		IPAddress string `json:"ip_address"`
		Items     []struct {
			ID          string        `json:"id"`
			Title       string        `json:"title"`
			Description string        `json:"description"`
			PictureURL  string        `json:"picture_url"`
			CategoryID  string        `json:"category_id"`
			Quantity    int           `json:"quantity"`
			UnitPrice   money.Decimal `json:"unit_price"`
		} `json:"items"`
		Payer     map[string]any `json:"payer"`
		Shipments map[string]any `json:"shipments"`
	} `json:"additional_info"`
}

// applyExtras copies the optional request fields into the payment; it
// returns a message for a 400 when one is unusable.
func (p *payment) applyExtras(req *paymentIn) string {
	in := &req.extrasIn
	p.authorizeOnly = req.Capture != nil && !*req.Capture
	p.OperationType, p.ProcessingMode = "regular_payment", "aggregator"
	p.FeeDetails, p.ChargesDetails = []feeDetail{}, []chargeDetail{}
	switch in.ThreeDSecureMode {
	case "", string(mercadopago.ThreeDSNotSupported), string(mercadopago.ThreeDSOptional), string(mercadopago.ThreeDSMandatory):
		p.threeDSMode = in.ThreeDSecureMode
	default:
		return "three_d_secure_mode must be not_supported, optional or mandatory"
	}
	if in.StatementDescriptor != "" {
		p.StatementDescriptor = strPtr(in.StatementDescriptor)
	}
	if in.ApplicationFee != nil {
		if in.ApplicationFee.Sign() < 0 || in.ApplicationFee.Cmp(p.TransactionAmount) > 0 {
			return "application_fee must be between 0 and transaction_amount"
		}
		p.applicationFee = in.ApplicationFee
	}
	p.SponsorID = in.SponsorID
	if in.DateOfExpiration != nil {
		p.DateOfExpiration = strPtr(mpTime(*in.DateOfExpiration))
	}
	if ai := in.AdditionalInfo; ai != nil {
		out := &additionalOut{IPAddress: ai.IPAddress, Payer: ai.Payer, Shipments: ai.Shipments}
		for _, it := range ai.Items {
			if it.Quantity < 1 {
				return "additional_info.items.quantity must be at least 1"
			}
			out.Items = append(out.Items, map[string]any{
				"id": it.ID, "title": it.Title, "description": it.Description, "picture_url": it.PictureURL,
				"category_id": it.CategoryID, "quantity": strconv.Itoa(it.Quantity), "unit_price": it.UnitPrice.String(),
			})
		}
		p.AdditionalInfo = out
	}
	return ""
}

// settleFees fills fee_details and charges_details once a payment is
// approved: the simulator's 4% Mercado Pago fee, plus the marketplace's
// application_fee when one was sent (taken from the seller's net amount).
func (p *payment) settleFees(now time.Time) {
	mpFee, _ := p.TransactionAmount.Sub(p.TransactionDetails.NetReceivedAmount)
	p.FeeDetails = []feeDetail{{Type: "mercadopago_fee", Amount: mpFee, FeePayer: "collector"}}
	p.ChargesDetails = []chargeDetail{{
		ID: strconv.FormatInt(p.ID, 10) + "-001", Name: "mercadopago_fee", Type: "fee",
		Accounts: map[string]any{"from": "collector", "to": "mp"}, DateCreated: mpTime(now), LastUpdated: mpTime(now),
		Amounts: map[string]any{"original": mpFee, "refunded": 0}, Metadata: map[string]any{}, Refunds: []any{},
	}}
	if p.applicationFee != nil && p.applicationFee.IsPositive() {
		p.FeeDetails = append(p.FeeDetails, feeDetail{Type: "application_fee", Amount: *p.applicationFee, FeePayer: "collector"})
		if net, err := p.TransactionDetails.NetReceivedAmount.Sub(*p.applicationFee); err == nil && net.Sign() >= 0 {
			p.TransactionDetails.NetReceivedAmount = net
		}
	}
	p.MoneyReleaseStatus = strPtr("pending")
}

// startChallenge decides whether a card payment waits for a 3-D Secure
// challenge (a challenge test card and mode optional or mandatory) and, if
// so, sets three_ds_info. Call with s.mu held.
func (s *Server) startChallenge(p *payment, tok *cardToken, mode string) bool {
	if mode != string(mercadopago.ThreeDSOptional) && mode != string(mercadopago.ThreeDSMandatory) {
		return false
	}
	if tok.number != Card3DSChallenge && tok.number != Card3DSChallengeFail {
		return false
	}
	acsTransID := newRequestID()
	creq, _ := json.Marshal(map[string]string{
		"threeDSServerTransID": newRequestID(), "acsTransID": acsTransID,
		"challengeWindowSize": "04", "messageType": "CReq", "messageVersion": "2.1.0",
	})
	enc := base64.RawURLEncoding.EncodeToString(creq)
	p.ThreeDSInfo = &threeDSInfo{ExternalResourceURL: s.URL + ChallengePath, CReq: enc}
	p.challengeHolder, p.challengeFails = tok.holder, tok.number == Card3DSChallengeFail
	p.challengeStarted = s.Clock.Now()
	s.checkout.challenges[enc] = p.ID
	return true
}

var challengePage = template.Must(template.New("challenge").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>3-D Secure</title></head>
<body><h1>Your bank's verification (simulator)</h1>
<p>Payment {{.PaymentID}}: {{.Amount}} {{.Currency}}. Type any code to authenticate.</p>
<form method="POST" action="{{.Complete}}">
<input type="hidden" name="creq" value="{{.CReq}}">
<input name="otp" inputmode="numeric" autocomplete="one-time-code">
<button name="action" value="authenticate">Authenticate</button>
<button name="action" value="cancel">Cancel</button>
</form></body></html>`))

var challengeDone = template.Must(template.New("done").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>3-D Secure</title></head>
<body><p id="result" data-authenticated="{{.OK}}">Verification finished. You can close this window.</p>
<script>if (window.parent !== window) { window.parent.postMessage({status: "COMPLETE"}, "*"); }</script>
</body></html>`))

// challengeHTTP is the issuer's challenge page: the browser POSTs creq.
func (s *Server) challengeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	creq := r.PostForm.Get("creq")
	s.mu.Lock()
	id, ok := s.checkout.challenges[creq]
	var p *payment
	if ok {
		p, _ = s.payments.Get(id)
	}
	s.mu.Unlock()
	if p == nil {
		http.Error(w, "unknown or used creq", http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = challengePage.Execute(w, map[string]any{"PaymentID": p.ID, "Amount": p.TransactionAmount.String(), "Currency": p.CurrencyID,
		"CReq": creq, "Complete": ChallengeCompletePath})
}

// challengeCompleteHTTP is the page's form target: it ends the challenge.
func (s *Server) challengeCompleteHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	st, err := s.CompleteChallenge(r.PostForm.Get("creq"), r.PostForm.Get("action") == ChallengeAuthenticate)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = challengeDone.Execute(w, map[string]any{"OK": st == mercadopago.StatusApproved || st == mercadopago.StatusAuthorized})
}

// CompleteChallenge plays the payer in the 3-D Secure challenge started for
// creq: authenticate true types the code, false gives up. The payment moves
// on (approved, or what its holder name chooses; rejected with
// cc_rejected_3ds_challenge for Card3DSChallengeFail or a cancel) and a
// payment.updated notification is sent. A creq works once, and only within
// ChallengeTimeout of the payment's creation.
func (s *Server) CompleteChallenge(creq string, authenticate bool) (mercadopago.PaymentStatus, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.checkout.challenges[creq]
	if !ok {
		return "", fmt.Errorf("mercadopagotest: unknown or used creq")
	}
	delete(s.checkout.challenges, creq)
	p, _ := s.payments.Get(id)
	if p == nil || p.StatusDetail != string(mercadopago.DetailPendingChallenge) {
		return "", fmt.Errorf("mercadopagotest: payment %d is not waiting for a challenge", id)
	}
	now := s.Clock.Now()
	if now.Sub(p.challengeStarted) > ChallengeTimeout {
		return "", fmt.Errorf("mercadopagotest: the challenge of payment %d timed out", id)
	}
	status, detail := holderOutcome(p.challengeHolder)
	if !authenticate || p.challengeFails {
		status, detail = mercadopago.StatusRejected, mercadopago.DetailRejected3DSChallenge
	}
	if status == mercadopago.StatusApproved && p.authorizeOnly {
		status, detail = mercadopago.StatusAuthorized, mercadopago.DetailPendingCapture
	}
	p.setStatus(status, detail, now)
	p.ThreeDSInfo = nil
	s.notify(p, "payment.updated")
	return status, nil
}
