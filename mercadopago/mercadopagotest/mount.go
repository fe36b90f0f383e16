package mercadopagotest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"
)

// ext is the simulator state of the Orders API, marketplace OAuth and
// subscriptions. It is guarded by Server.mu like the rest of the state.
type ext struct {
	orders     map[string]*order
	orderIDs   []string
	clientID   string
	secret     string
	redirects  []string
	sellers    map[int64]*Seller
	sellerIDs  []int64
	codes      map[string]*authCode
	access     map[string]*grant // access token -> grant
	refresh    map[string]*grant // refresh token -> grant
	collector  map[int64]int64   // payment id -> seller who collected it
	plans      map[string]*plan
	planIDs    []string
	subs       map[string]*subscription
	subIDs     []string
	chargeback map[string]*chargeback
}

// ext returns the extension state, creating it on first use (options run
// before the routes are mounted).
func (s *Server) ext() *ext {
	if s.x == nil {
		s.x = &ext{
			orders: map[string]*order{}, clientID: DefaultClientID, secret: DefaultClientSecret,
			sellers: map[int64]*Seller{}, codes: map[string]*authCode{},
			access: map[string]*grant{}, refresh: map[string]*grant{},
			collector: map[int64]int64{}, plans: map[string]*plan{}, subs: map[string]*subscription{},
			chargeback: map[string]*chargeback{},
		}
		s.x.addSeller(DefaultSellerID, "TESTSELLER01", "test_seller@testuser.com")
	}
	return s.x
}

// ctxKey carries the seller a request acts for.
type ctxKey struct{}

// sellerOf returns the seller whose token authenticated r, or nil for the
// server's own access token.
func sellerOf(r *http.Request) *Seller {
	sl, _ := r.Context().Value(ctxKey{}).(*Seller)
	return sl
}

// ownPaths are the routes mount serves itself.
var ownPaths = []string{"/v1/orders", "/oauth/token", "/preapproval", "/preapproval_plan", "/v1/chargebacks", "/users/me"}

func ownsPath(p string) bool {
	for _, o := range ownPaths {
		if p == o || strings.HasPrefix(p, o+"/") {
			return true
		}
	}
	return false
}

// mount puts the Orders API, OAuth, subscriptions, chargebacks and
// users/me in front of the payment routes, and lets a connected seller's
// access token call every route: the request then acts for that seller.
func (s *Server) mount(payments http.Handler) http.Handler {
	x := s.ext()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/orders", s.createOrder)
	mux.HandleFunc("GET /v1/orders/{id}", s.getOrder)
	mux.HandleFunc("POST /v1/orders/{id}/process", s.processOrder)
	mux.HandleFunc("POST /v1/orders/{id}/capture", s.captureOrder)
	mux.HandleFunc("POST /v1/orders/{id}/cancel", s.cancelOrder)
	mux.HandleFunc("POST /v1/orders/{id}/refund", s.refundOrder)
	mux.HandleFunc("POST /oauth/token", s.token)
	mux.HandleFunc("GET /users/me", s.usersMe)
	mux.HandleFunc("GET /v1/chargebacks/{id}", s.getChargeback)
	s.mountSubscriptions(mux)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		apiError(w, http.StatusNotFound, "not_found", "resource "+r.URL.Path+" not found")
	})
	own := s.idempotent(mux)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/authorization" {
			s.authorizeHTTP(w, r)
			return
		}
		s.mu.Lock()
		seller := x.sellerForHeader(r.Header.Get("Authorization"), s.Clock.Now())
		s.mu.Unlock()
		if !ownsPath(r.URL.Path) {
			if seller == nil {
				payments.ServeHTTP(w, r)
				return
			}
			s.forSeller(payments, seller, w, r)
			return
		}
		w.Header().Set("X-Request-Id", newRequestID())
		if r.URL.Path != "/oauth/token" && seller == nil && r.Header.Get("Authorization") != "Bearer "+s.AccessToken {
			apiError(w, http.StatusUnauthorized, "unauthorized", "invalid access token")
			return
		}
		if seller != nil {
			r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, seller))
		}
		own.ServeHTTP(w, r)
	})
}

// forSeller runs a payment route with a seller's token: the simulator's
// payment routes know one account, so the request is passed on with the
// server's token, and a payment it creates is recorded as the seller's.
func (s *Server) forSeller(next http.Handler, seller *Seller, w http.ResponseWriter, r *http.Request) {
	r2 := r.Clone(context.WithValue(r.Context(), ctxKey{}, seller))
	r2.Header.Set("Authorization", "Bearer "+s.AccessToken)
	if r.Method != http.MethodPost || r.URL.Path != "/v1/payments" {
		next.ServeHTTP(w, r2)
		return
	}
	rec := httptest.NewRecorder()
	next.ServeHTTP(rec, r2)
	body := rec.Body.Bytes()
	if rec.Code == http.StatusCreated {
		var p struct {
			ID int64 `json:"id"`
		}
		if json.Unmarshal(body, &p) == nil && p.ID > 0 {
			s.mu.Lock()
			if pay, ok := s.payments[p.ID]; ok {
				s.x.collector[p.ID] = seller.ID
				pay.CollectorID = seller.ID
				body, _ = json.Marshal(pay)
				body = append(body, '\n')
			}
			s.mu.Unlock()
		}
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(body)
}

// CollectorOf returns the seller a payment was made for with that seller's
// OAuth token (false when it was made with the server's own token).
func (s *Server) CollectorOf(paymentID int64) (sellerID int64, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sellerID, ok = s.ext().collector[paymentID]
	return sellerID, ok
}

// requireKey answers 400 like the Orders API when a POST carries no
// X-Idempotency-Key.
func requireKey(w http.ResponseWriter, r *http.Request) bool {
	if r.Header.Get("X-Idempotency-Key") == "" {
		orderError(w, http.StatusBadRequest, "empty_required_header", "Missing HTTP header: X-Idempotency-Key")
		return false
	}
	return true
}

// isoTime formats a time as the Orders API does (UTC, milliseconds).
func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// reencode turns a simulator record into the client's type, the way the
// client would read it off the wire.
func reencode(in, out any) bool {
	b, err := json.Marshal(in)
	return err == nil && json.Unmarshal(b, out) == nil
}
