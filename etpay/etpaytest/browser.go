package etpaytest

// The payer's side of ETpay, for trying a checkout in a real browser
// against the simulator.
//
// What it mimics: the payment funnel the session's redirect URL opens
// (pmt_url/session/{token}). The payer sees the order and amount, picks a
// bank and ends the funnel one of three ways:
//
//   - "Pay": the transfer succeeds (payment_status "success");
//   - "Transfer fails": the bank refuses it ("failed");
//   - "Cancel": the payer gives up ("cancelled").
//
// Each runs Server.Pay: the HS256 notification signed with the session's
// signature token is POSTed to the webhook first, then the browser is sent
// to payment_completed_url (success) or payment_cancellation_url
// (otherwise) with the JWT in the "jwt" query parameter, as ETpay does. A
// payer who closes the funnel abandons the session: nothing is sent.
//
// What it leaves out: the bank's login, the RUT and account pickers, the
// second factor, and the funnel's timeout; the statuses other than
// "success" are this simulator's names, ETpay documents only "success".

import (
	"html/template"
	"net"
	"net/http"

	"github.com/paykit-go/paykit/etpay"
)

// WithListener makes the server accept connections on l instead of a fresh
// loopback port (for a simulator on a fixed address).
func WithListener(l net.Listener) Option { return func(s *Server) { s.listener = l } }

// WithMiddleware wraps the simulator's handler in mw (nil: none), for
// example to trace the requests it receives (see the otel/example module).
// Faults injected with FailNext happen before mw sees the request.
func WithMiddleware(mw func(http.Handler) http.Handler) Option {
	return func(s *Server) { s.middleware = mw }
}

var funnelBanks = []struct{ Code, Name string }{
	{etpay.BankEstado.String(), "BancoEstado"}, {etpay.BankChile.String(), "Banco de Chile"},
	{etpay.BankSantander.String(), "Santander"}, {etpay.BankBCI.String(), "BCI"},
}

var funnelPage = template.Must(template.New("funnel").Parse(`<!doctype html>
<html lang="es"><head><meta charset="utf-8"><title>ETpay (simulator)</title>
<style>body{font:15px system-ui,sans-serif;max-width:420px;margin:40px auto;color:#222}
.box{border:1px solid #ddd;border-radius:10px;padding:20px}button{width:100%;padding:9px;margin-top:8px;border:0;border-radius:6px}
.pay{background:#6b2bd9;color:#fff}</style></head><body>
<div class="box">
<h1 style="font-size:20px" id="etpay-order">Pay order {{.Order}}: ${{.Amount}} CLP</h1>
<form method="post" action="{{.Token}}/pay">
<label>Bank <select name="bank" style="width:100%">{{range .Banks}}<option value="{{.Code}}">{{.Name}}</option>{{end}}</select></label>
<button class="pay" name="status" value="success" id="etpay-pay">Pay</button>
<button name="status" value="failed" id="etpay-fail">Transfer fails</button>
<button name="status" value="cancelled" id="etpay-cancel">Cancel</button>
</form></div></body></html>`))

// funnelPage serves GET /pmt/session/{token}, the funnel page.
func (s *Server) funnelPage(w http.ResponseWriter, r *http.Request) {
	ss, ok := s.sessions.Get(r.PathValue("token"))
	if !ok {
		http.Error(w, "session not found", http.StatusNotFound)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = funnelPage.Execute(w, map[string]any{"Order": ss.orderID, "Amount": ss.amount, "Token": ss.token, "Banks": funnelBanks})
}

// funnelPay serves POST /pmt/session/{token}/pay
// (status=success|failed|cancelled): it runs Pay and redirects the browser.
func (s *Server) funnelPay(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	if _, ok := s.sessions.Get(token); !ok {
		http.Error(w, "session not found", http.StatusNotFound)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	r.Body = http.MaxBytesReader(w, r.Body, 4096)
	status := etpay.PaymentStatus(r.FormValue("status"))
	if status == "" {
		status = etpay.PaymentSuccess
	}
	res, err := s.Pay(r.Context(), token, status)
	if err != nil {
		http.Error(w, err.Error(), http.StatusConflict)
		return
	}
	if res.RedirectURL == "" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("payment " + res.PaymentToken + ": " + string(status)))
		return
	}
	http.Redirect(w, r, res.RedirectURL, http.StatusSeeOther)
}
