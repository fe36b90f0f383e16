package mercadopagotest

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/paykit-go/paykit/internal/sim"
)

// ext is the simulator state of the Orders API, marketplace OAuth and
// subscriptions. It is guarded by Server.mu like the rest of the state.
type ext struct {
	orders     sim.Table[string, *order]
	clientID   string
	secret     string
	redirects  []string
	sellers    sim.Table[int64, *Seller]
	codes      map[string]*authCode
	access     map[string]*grant // access token -> grant
	refresh    map[string]*grant // refresh token -> grant
	collector  map[int64]int64   // payment id -> seller who collected it
	plans      sim.Table[string, *plan]
	subs       sim.Table[string, *subscription]
	chargeback sim.Table[string, *chargeback]
	authorized sim.Table[int64, *authorizedPayment]

	sellerTTL     time.Duration // lifetime of seller access tokens
	refreshes     int           // refresh_token grants answered with a new pair
	invalidGrants int           // refresh_token grants refused with invalid_grant
	tokenHook     func(grantType string)
}

// ext returns the extension state, creating it on first use (options run
// before NewServer makes it).
func (s *Server) ext() *ext {
	if s.x == nil {
		s.x = &ext{
			clientID: DefaultClientID, secret: DefaultClientSecret,
			codes:  map[string]*authCode{},
			access: map[string]*grant{}, refresh: map[string]*grant{},
			collector: map[int64]int64{},
			sellerTTL: SellerTokenTTL,
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
