package shop

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/paykit-go/paykit/mercadopago"
)

// Handler returns the shop's routes.
func (s *Shop) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.home)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	mux.HandleFunc("POST /orders", s.createOrder)
	mux.HandleFunc("GET /orders/{id}", s.orderPage)
	mux.HandleFunc("POST /orders/{id}/check", s.check)
	mux.HandleFunc("GET /orders/{id}/pay/{method}", s.payPage)
	mux.HandleFunc("POST /orders/{id}/pay/{method}", s.pay)
	mux.HandleFunc("GET /orders/{id}/return/{method}", s.returned)
	mux.HandleFunc("GET /orders/{id}/payments/{payment}", s.localPaymentPage)
	mux.HandleFunc("GET /orders/{id}/payments/{payment}/status", s.localPaymentStatus)
	mux.Handle("POST /webhooks/mercadopago", s.mpVerifier.Handler(s.mpNotification))
	for site, acct := range s.mpSites {
		mux.Handle("POST "+mpWebhookPath(site), acct.verifier.Handler(s.mpSiteNotification(acct.c)))
	}
	mux.Handle("POST /webhooks/fintecture", s.ftVerifier.Handler(s.ftNotification))
	mux.Handle("POST /webhooks/etpay", s.etVerifier.Handler(s.etNotification))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		mux.ServeHTTP(w, r)
	})
}

type view struct {
	Title      string
	Order      *Order
	Method     Method
	Methods    []Method
	Notice     string
	Error      string
	Catalog    []Product
	Quantities map[string]int

	MPScript, MPPublicKey string
	ExpiryYear            int
	Cards                 []cardView
	CustomerEmail         string
	StartURL, ReturnURL   string
	FinrotaScript         string
	WidgetToken           string
	Use3D                 bool

	// Form holds a local-method form's values; Banks are PSE's banks; Local
	// is a local-method payment's page.
	Form      map[string]string
	Banks     []mercadopago.FinancialInstitution
	Local     *localView
	LocalLink string
}

type cardView struct{ ID, Label string }

func (s *Shop) render(w http.ResponseWriter, status int, name string, v view) {
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, name, v); err != nil {
		s.log.Error("rendering", "page", name, "err", err)
		http.Error(w, "page error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

func (s *Shop) fail(w http.ResponseWriter, status int, o *Order, msg string) {
	s.render(w, status, "error", view{Title: "Error", Order: o, Error: msg})
}

func (s *Shop) home(w http.ResponseWriter, _ *http.Request) {
	s.render(w, http.StatusOK, "home", view{Title: "Cart", Catalog: Catalog, Quantities: map[string]int{"beans": 1, "mug": 1}})
}

func (s *Shop) createOrder(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4096)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	qty := map[string]int{}
	for _, p := range Catalog {
		n, err := strconv.Atoi(r.PostForm.Get("qty-" + p.SKU))
		if r.PostForm.Get("qty-"+p.SKU) != "" && (err != nil || n < 0 || n > 20) {
			s.render(w, http.StatusBadRequest, "home", view{Title: "Cart", Catalog: Catalog, Quantities: qty, Error: "Quantities must be whole numbers from 0 to 20."})
			return
		}
		qty[p.SKU] = n
	}
	o, err := s.newOrder(qty)
	if err != nil {
		s.render(w, http.StatusBadRequest, "home", view{Title: "Cart", Catalog: Catalog, Quantities: qty, Error: "Your cart is empty."})
		return
	}
	http.Redirect(w, r, "/orders/"+o.ID, http.StatusSeeOther)
}

func (s *Shop) orderPage(w http.ResponseWriter, r *http.Request) {
	o, ok := s.Order(r.PathValue("id"))
	if !ok {
		http.NotFound(w, r)
		return
	}
	v := view{Title: "Order " + o.ID, Order: &o, Methods: Methods, Notice: noticeText(r.URL.Query().Get("notice"))}
	if n := len(o.MPPayments); n > 0 && o.Status == StatusPending {
		if key, ok := o.mpLocal[o.MPPayments[n-1]]; ok && key == o.Method {
			v.LocalLink = paymentPath(o.ID, o.MPPayments[n-1])
		}
	}
	s.render(w, http.StatusOK, "order", v)
}

// noticeText turns a notice key from a redirect into a sentence (the
// query never carries free text into the page).
func noticeText(key string) string {
	switch key {
	case "returned":
		return "Thanks, you are back from the payment page. The status below is what the payment provider confirmed."
	case "cancelled":
		return "You left the payment page without paying."
	case "3ds":
		return "Back from your bank's check."
	}
	return ""
}

// check looks the order's last payment up (the "Check payment status"
// button), which is what a shop does when no notification came.
func (s *Shop) check(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, ok := s.Order(id); !ok {
		http.NotFound(w, r)
		return
	}
	if err := s.lookup(r.Context(), id); err != nil {
		s.log.Warn("lookup failed", "order", id, "err", err)
	}
	http.Redirect(w, r, "/orders/"+id, http.StatusSeeOther)
}

// lookup asks the provider of the order's last payment how it stands and
// settles the order with the answer.
func (s *Shop) lookup(ctx context.Context, id string) error {
	o, ok := s.Order(id)
	if !ok {
		return nil
	}
	m, _ := methodByKey(o.Method)
	switch m.Provider {
	case "mercadopago":
		return s.mpLookup(ctx, id)
	case "finrota":
		return s.finrotaLookup(ctx, id)
	case "fintecture":
		return s.ftLookup(ctx, id)
	case "etpay":
		return s.etLookup(ctx, id)
	}
	return nil
}

func (s *Shop) payPage(w http.ResponseWriter, r *http.Request) {
	o, ok := s.Order(r.PathValue("id"))
	m, known := methodByKey(r.PathValue("method"))
	if !ok || !known {
		http.NotFound(w, r)
		return
	}
	if o.Status == StatusPaid {
		http.Redirect(w, r, "/orders/"+o.ID, http.StatusSeeOther)
		return
	}
	v := view{Title: "Pay " + o.ID, Order: &o, Method: m}
	switch m.Key {
	case "mp-card", "mp-saved-card", "mp-fintoc":
		s.mpPayPage(w, r, v)
	case "finrota", "finrota-3ds":
		s.finrotaPayPage(w, r, v)
	case "mp-pix", "mp-boleto", "mp-pse", "mp-oxxo":
		s.mpLocalPayPage(w, r, v)
	default:
		s.render(w, http.StatusOK, "pay-redirect", v)
	}
}

func (s *Shop) pay(w http.ResponseWriter, r *http.Request) {
	o, ok := s.Order(r.PathValue("id"))
	m, known := methodByKey(r.PathValue("method"))
	if !ok || !known {
		http.NotFound(w, r)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 8192)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	if o.Status == StatusPaid {
		http.Redirect(w, r, "/orders/"+o.ID, http.StatusSeeOther)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	switch m.Key {
	case "mp-card", "mp-saved-card":
		s.mpPayCard(ctx, w, r, &o, m)
	case "mp-fintoc":
		s.mpStartFintoc(ctx, w, &o, m)
	case "mp-pix", "mp-boleto", "mp-pse", "mp-oxxo":
		s.mpPayLocal(ctx, w, r, &o, m)
	case "finrota", "finrota-3ds":
		s.finrotaPay(ctx, w, r, &o, m)
	case "fintecture":
		s.ftPay(ctx, w, r, &o, m)
	case "etpay":
		s.etPay(ctx, w, r, &o, m)
	}
}

// returned is where the payer's browser comes back from a provider. What
// the browser brings proves nothing: each handler verifies what it can and
// then looks the payment up.
func (s *Shop) returned(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	o, ok := s.Order(id)
	if !ok {
		http.NotFound(w, r)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	notice := "returned"
	var err error
	switch r.PathValue("method") {
	case "mp-fintoc":
		s.note(id, "browser", "the Fintoc widget reported success; asking Mercado Pago")
		err = s.mpLookup(ctx, id)
	case "mp-pse":
		var page string
		if page, err = s.pseReturn(ctx, r, &o); err == nil {
			http.Redirect(w, r, page+"?notice=returned", http.StatusSeeOther)
			return
		}
	case "finrota":
		notice = "3ds"
		err = s.finrotaReturn(ctx, r, &o)
	case "fintecture":
		err = s.ftReturn(ctx, r, &o)
	case "etpay":
		notice, err = s.etReturn(ctx, r, &o)
	default:
		http.NotFound(w, r)
		return
	}
	if err != nil {
		s.log.Warn("return", "order", id, "err", err)
		s.note(id, "browser", "return not confirmed: %v", err)
	}
	http.Redirect(w, r, "/orders/"+id+"?notice="+notice, http.StatusSeeOther)
}

// clientIP is the payer's address as the shop sees it.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
