package fintecturetest

// The payer's side of Fintecture, for trying a checkout in a real browser
// against the simulator.
//
// What it mimics: the Connect page a payment session's URL opens
// (meta.url of POST /pis/v2/connect). The payer sees the amount, the
// beneficiary's reference (communication) and a list of banks, then ends
// the session one of three ways:
//
//   - "Pay": the bank initiates the transfer (payment_created);
//   - "Bank refuses": the bank refuses it (payment_unsuccessful);
//   - "Cancel": the payer gives up (payment_cancelled).
//
// Each runs Server.Pay: when a webhook URL is configured the signed webhook
// is delivered first, then the browser is sent to the redirect_uri with
// session_id, status, provider, customer_id and state, as Fintecture does.
// A payer who just leaves the page abandons the session: nothing is sent
// and the session stays provider_required.
//
// What it leaves out: the bank's own login and strong customer
// authentication pages, the QR-code and "pay later" variants, the
// payer's choice of account, and Fintecture's branding options. The bank
// picked on the page is not recorded: the session reports the provider
// Pay always sets (cmcifr2a).

import (
	"fmt"
	"html/template"
	"net"
	"net/http"

	"github.com/paykit-go/paykit/fintecture"
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

// connectBanks are the banks the Connect page offers (provider ids as
// Fintecture names them).
var connectBanks = []struct{ ID, Name string }{
	{"cmcifr2a", "Crédit Mutuel"}, {"bnpafrpp", "BNP Paribas"}, {"agrifrpp", "Crédit Agricole"},
}

var connectPage = template.Must(template.New("connect").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Fintecture Connect (simulator)</title>
<style>body{font:15px system-ui,sans-serif;max-width:420px;margin:40px auto;color:#222}
.box{border:1px solid #ddd;border-radius:10px;padding:20px}button{width:100%;padding:9px;margin-top:8px;border:0;border-radius:6px}
.pay{background:#2b50e8;color:#fff}</style></head><body>
<div class="box">
<h1 style="font-size:20px">Pay by bank</h1>
<p>Amount <b id="amount">{{.Amount}} {{.Currency}}</b><br>Reference <span id="communication">{{.Communication}}</span>{{if .PSU}}<br>Payer {{.PSU}}{{end}}</p>
<form method="post">
<fieldset style="border:0;padding:0"><legend>Choose your bank</legend>
{{range $i, $b := .Banks}}<label style="display:block"><input type="radio" name="provider" value="{{$b.ID}}"{{if eq $i 0}} checked{{end}}> {{$b.Name}}</label>{{end}}
</fieldset>
<button class="pay" name="outcome" value="paid" id="fintecture-pay">Pay</button>
<button name="outcome" value="refused" id="fintecture-refuse">Bank refuses</button>
<button name="outcome" value="cancelled" id="fintecture-cancel">Cancel</button>
</form></div></body></html>`))

// connectOutcomes maps the page's buttons to the status the session ends in.
var connectOutcomes = map[string]fintecture.PaymentStatus{
	"paid": fintecture.StatusCreated, "refused": fintecture.StatusUnsuccessful, "cancelled": fintecture.StatusCancelled,
}

// handleConnectPage serves the Connect page (GET) and the payer's choice
// (POST) of /v2/{connect}.
func (s *Server) handleConnectPage(w http.ResponseWriter, r *http.Request) {
	connectID := r.PathValue("connect")
	found, ok := s.sessions.Find(func(ss *session) bool { return ss.connectID == connectID })
	var ss session
	if ok {
		s.mu.Lock()
		ss = *found
		s.mu.Unlock()
	}
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	if r.Method != http.MethodPost {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = connectPage.Execute(w, map[string]any{"Amount": fintecture.Amount(ss.amount), "Currency": ss.currency,
			"Communication": ss.communication, "PSU": ss.psuName, "Banks": connectBanks})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4096)
	status, known := connectOutcomes[r.FormValue("outcome")]
	if !known {
		http.Error(w, "outcome must be paid, refused or cancelled", http.StatusBadRequest)
		return
	}
	back, err := s.Pay(ss.id, status)
	if err != nil {
		http.Error(w, fmt.Sprint(err), http.StatusConflict)
		return
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}
