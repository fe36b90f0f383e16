package finrotatest

// The payer's side of Finrota, for trying a checkout in a real browser
// against the simulator.
//
// What it mimics:
//
//   - The FinrotaPay widget script (index.umd.js), served at ScriptURL():
//     FinrotaPay.init({token, amount, currency, mode, containerId,
//     environment, onReady, onSuccess, onFail, onClose}) with the widget
//     token the backend made. The widget asks for the card, lists the
//     installment plans from GET /b2c/paymentOptions (with the widget
//     token), and when the payer presses pay it calls POST
//     /b2c/widget/preparePayment with the widget token, as Finrota's guide
//     describes. onSuccess receives {prepareToken}: nothing is charged yet,
//     the backend pays with it. onFail receives {status, message, errors}
//     (a refused card number, an expired or used widget token); onClose is
//     called when the payer closes the widget.
//   - The bank's 3-D Secure page the payment's redirectTo points at
//     (/sim/3ds/{id}): the payer types the one-time code (OTP succeeds,
//     anything else fails) and the bank sends the browser to the
//     merchant's returnUrl with orderId, clientReferenceCode and status. A
//     payer who leaves the page abandons the payment: it stays pending.
//
// What it leaves out: Finrota does not publish how the payer chooses 3-D
// Secure, so init takes a use3D option of this simulator's own (default
// false) and the widget shows it as a check box; environment is accepted
// and ignored; the widget is plain DOM in the merchant's page, not an
// iframe; there is no card-brand detection, no saved cards and no
// localisation.

import (
	"encoding/json"
	"fmt"
	"html/template"
	"net"
	"net/http"

	"github.com/paykit-go/paykit/internal/sim"
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

const scriptPath = "/static/finrota-widget/v1.0.0/index.umd.js"

// ScriptURL is where the simulator serves its FinrotaPay widget script.
func (s *Server) ScriptURL() string { return s.URL + scriptPath }

func (s *Server) script(w http.ResponseWriter, _ *http.Request) {
	base, _ := json.Marshal(s.URL)
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = fmt.Fprintf(w, "(function(){\nvar BASE = %s;\n%s})();\n", base, finrotaPayJS)
}

// cors lets the widget call h from the merchant's page; with a nil h it
// answers the preflight.
func cors(h http.HandlerFunc) http.HandlerFunc { return sim.CORS("Authorization, Content-Type", h) }

var bankPage3DS = template.Must(template.New("3ds").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Simulated bank · 3-D Secure</title>
<style>body{font:15px system-ui,sans-serif;max-width:400px;margin:40px auto;color:#222}
.box{border:1px solid #ddd;border-radius:10px;padding:20px}input,button{font:inherit;width:100%;box-sizing:border-box;padding:8px;margin-top:8px}
button{border:0;border-radius:6px;background:#14532d;color:#fff}</style></head><body>
<div class="box"><h1 style="font-size:19px">Simulated bank · 3-D Secure</h1>
<p>Pay <b id="amount">{{.Amount}} {{.Currency}}</b>. Enter the code sent to your phone.</p>
<form method="post"><label>One-time code<input name="otp" autocomplete="one-time-code" inputmode="numeric"></label>
<button id="bank-confirm">Confirm</button></form>
<p style="color:#666;font-size:13px">Sandbox: {{.OTP}} passes, any other code fails the payment; leaving this page abandons it (it stays pending).</p>
</div></body></html>`))

// bankPage is the bank's 3-D Secure page the payment's redirectTo opens.
func (s *Server) bankPage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	s.mu.Lock()
	t, ok := s.threeDS[r.PathValue("id")]
	var data map[string]string
	if ok {
		data = map[string]string{"Amount": t.amount.String(), "Currency": t.currency, "OTP": OTP}
	}
	s.mu.Unlock()
	if !ok {
		http.Error(w, "3-D Secure session not found or already completed", http.StatusGone)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = bankPage3DS.Execute(w, data)
}

// finrotaPayJS is the body of the widget script; BASE is the simulator's URL.
const finrotaPayJS = `
function call(method, path, token, body) {
  var init = {method: method, headers: {'Authorization': 'Bearer ' + token}};
  if (body !== undefined) { init.headers['Content-Type'] = 'application/json'; init.body = JSON.stringify(body); }
  return fetch(BASE + path, init).then(function(res) {
    return res.json().catch(function() { return {}; }).then(function(j) {
      if (!res.ok) throw {status: res.status, message: j.message || ('HTTP ' + res.status), errors: j.errors || []};
      return j;
    });
  });
}
function field(label, id, attrs) {
  return '<label style="display:block;margin-top:8px">' + label + '<input id="' + id + '" ' + (attrs || '') + ' style="width:100%;box-sizing:border-box"></label>';
}

var current = null;

function init(o) {
  o = o || {};
  if (!o.token) throw new Error('FinrotaPay.init: token is required');
  if (o.amount === undefined || !o.currency) throw new Error('FinrotaPay.init: amount and currency are required');
  destroy();
  var modal = (o.mode || 'modal') === 'modal' || !o.containerId;
  var root = document.createElement('div');
  root.id = 'finrotapay-widget';
  var box = root;
  if (modal) {
    root.setAttribute('role', 'dialog');
    root.style.cssText = 'position:fixed;inset:0;background:rgba(0,0,0,.45);display:flex;align-items:center;justify-content:center;z-index:2147483647';
    box = document.createElement('div');
    root.appendChild(box);
  }
  box.style.cssText += ';background:#fff;border-radius:10px;padding:20px;width:320px;font:15px system-ui,sans-serif;box-shadow:0 8px 30px rgba(0,0,0,.3)';
  box.innerHTML = '<div style="font-weight:600">FinrotaPay</div><div style="color:#555">Simulator · <span id="finrotapay-amount"></span></div>' +
    field('Card number', 'finrotapay-card', 'inputmode="numeric" autocomplete="cc-number"') +
    field('Name on card', 'finrotapay-holder', 'autocomplete="cc-name"') +
    '<div style="display:flex;gap:8px">' + field('Month', 'finrotapay-month', 'inputmode="numeric" placeholder="MM"') +
    field('Year', 'finrotapay-year', 'inputmode="numeric" placeholder="YY"') + field('CVV', 'finrotapay-cvv', 'inputmode="numeric" autocomplete="cc-csc"') + '</div>' +
    '<label style="display:block;margin-top:8px">Installments <select id="finrotapay-installments" style="width:100%"><option value="">Single payment</option></select></label>' +
    '<label style="display:block;margin-top:8px"><input type="checkbox" id="finrotapay-3ds" style="width:auto;margin:0 6px 0 0"> Use 3-D Secure</label>' +
    '<p id="finrotapay-message" role="status" style="min-height:1.2em;color:#b00020"></p>' +
    '<button id="finrotapay-pay" style="width:100%;padding:8px;background:#1b4dff;color:#fff;border:0;border-radius:6px">Pay</button>' +
    '<button id="finrotapay-close" style="width:100%;padding:8px;margin-top:8px;background:#eee;color:#222;border:0;border-radius:6px">Close</button>';
  (modal ? document.body : document.getElementById(o.containerId)).appendChild(root);
  current = root;
  var q = function(id) { return box.querySelector('#' + id); };
  q('finrotapay-amount').textContent = o.amount + ' ' + o.currency;
  q('finrotapay-3ds').checked = !!o.use3D;
  var bin = '';
  q('finrotapay-card').addEventListener('change', function() {
    var digits = q('finrotapay-card').value.replace(/\D/g, '');
    if (digits.length < 8 || digits.slice(0, 8) === bin) return;
    bin = digits.slice(0, 8);
    var qs = '?binNumber=' + bin + '&amount=' + encodeURIComponent(o.amount) + '&currency=' + encodeURIComponent(o.currency);
    call('GET', '/b2c/paymentOptions' + qs, o.token).then(function(res) {
      var sel = q('finrotapay-installments');
      sel.innerHTML = '<option value="">Single payment</option>';
      (res.data || []).forEach(function(p) {
        (p.installments || []).forEach(function(i) {
          if (i.installmentCount < 2) return;
          var opt = document.createElement('option');
          opt.value = i.token;
          opt.textContent = i.installmentCount + ' x ' + i.installmentAmount + ' (' + p.bankName + ')';
          sel.appendChild(opt);
        });
      });
    }, function() {});
  });
  var busy = false;
  q('finrotapay-pay').onclick = function() {
    if (busy) return;
    busy = true;
    q('finrotapay-message').textContent = '';
    call('POST', '/b2c/widget/preparePayment', o.token, {
      card: {cardNumber: q('finrotapay-card').value.replace(/\D/g, ''), cardHolderName: q('finrotapay-holder').value,
        cvv: q('finrotapay-cvv').value, expMonth: q('finrotapay-month').value, expYear: q('finrotapay-year').value},
      use3D: q('finrotapay-3ds').checked, currency: o.currency, amount: o.amount,
      installmentToken: q('finrotapay-installments').value
    }).then(function(res) {
      destroy();
      if (o.onSuccess) o.onSuccess({prepareToken: res.prepareToken});
    }, function(err) {
      busy = false;
      q('finrotapay-message').textContent = err.message + (err.errors && err.errors.length ? ': ' + err.errors.join('; ') : '');
      if (o.onFail) o.onFail(err);
    });
  };
  q('finrotapay-close').onclick = function() {
    destroy();
    if (o.onClose) o.onClose();
  };
  if (o.onReady) o.onReady();
}
function destroy() { if (current) { current.remove(); current = null; } }

window.FinrotaPay = {init: init, destroy: destroy};
`
