package mercadopagotest

// The payer's side of Mercado Pago, for trying a checkout in a real browser
// against the simulator.
//
// What it mimics:
//
//   - MercadoPago.js v2 (the script a checkout page loads from
//     https://sdk.mercadopago.com/js/v2), served here at ScriptURL():
//     new MercadoPago(publicKey, options) and its core method
//     mp.createCardToken(data), which resolves to the card token ({id, …}).
//     data is either a new card {cardNumber, cardholderName,
//     cardExpirationMonth, cardExpirationYear, securityCode,
//     identificationType, identificationNumber} or a saved card {cardId,
//     securityCode}; the script POSTs it to /v1/card_tokens?public_key=…
//     as the real one does, and rejects with an Error whose cause is the
//     API's error body.
//   - mp.fintoc(options) with open({widgetToken, institutionId, username,
//     onSuccess, onExit, onEvent}), close() and destroy(), from Mercado
//     Pago's Fintoc integration. The payer picks a bank and authorises the
//     transfer (the sandbox rule decides: an amount ending in 03 is
//     rejected) or closes the widget. onSuccess is called when the transfer
//     is approved; onExit when the payer closes the widget, including after
//     a rejection; onEvent with "opened", "submitted", "approved",
//     "rejected" and "closed".
//   - The hosted Fintoc page at the payment's external_resource_url
//     (/fintoc/widget/{payment id}): it opens the same widget and sends the
//     payer to the payment's callback_url when the transfer is approved.
//
// What it leaves out: secure fields and the card form helpers (mp.cardForm,
// mp.fields, Bricks), BIN lookups (getPaymentMethods, getIssuers,
// getInstallments), device fingerprinting, and Fintoc's own iframe, bank
// login and multi-factor steps: the widget here is plain DOM added to the
// merchant's page (so a test can click it like the rest of the page), and
// "authorise" stands for the whole bank session.

import (
	"encoding/json"
	"fmt"
	"html"
	"net"
	"net/http"
	"strconv"

	"github.com/paykit-go/paykit/internal/sim"
	"github.com/paykit-go/paykit/mercadopago"
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

// ScriptURL is where the simulator serves its MercadoPago.js stand-in; load
// it with <script src="…"> where the real page loads
// https://sdk.mercadopago.com/js/v2.
func (s *Server) ScriptURL() string { return s.URL + "/js/v2" }

func (s *Server) script(w http.ResponseWriter, _ *http.Request) {
	base, _ := json.Marshal(s.URL)
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = fmt.Fprintf(w, "(function(){\nvar BASE = %s;\n%s})();\n", base, mercadoPagoJS)
}

// fintocPayment finds the pending or finished Fintoc payment of a widget
// token. Call with s.mu held.
func (s *Server) fintocPayment(token string) *payment {
	if token == "" {
		return nil
	}
	for _, p := range s.payments.Search(nil) {
		if p.widgetToken == token {
			return p
		}
	}
	return nil
}

// fintocInfo is what the widget shows: the amount and the payment's state.
func (s *Server) fintocInfo(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	p := s.fintocPayment(r.PathValue("token"))
	var out map[string]any
	if p != nil {
		out = map[string]any{"amount": p.TransactionAmount, "currency": p.CurrencyID, "status": p.Status,
			"expired": s.Clock.Now().After(p.widgetExpires), "description": p.Description}
	}
	s.mu.Unlock()
	if p == nil {
		apiError(w, http.StatusNotFound, "not_found", "unknown widget token")
		return
	}
	sim.WriteJSON(w, http.StatusOK, out)
}

// fintocAuthorize is the payer authorising the transfer in the widget.
func (s *Server) fintocAuthorize(w http.ResponseWriter, r *http.Request) {
	status, err := s.CompleteFintoc(r.PathValue("token"))
	if err != nil {
		apiError(w, http.StatusConflict, "conflict", err.Error())
		return
	}
	sim.WriteJSON(w, http.StatusOK, map[string]string{"status": string(status)})
}

// fintocPage is the hosted Fintoc page at external_resource_url.
func (s *Server) fintocPage(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	s.mu.Lock()
	p, ok := s.payments.Get(id)
	var token, callback string
	if ok && p.PaymentMethodID == mercadopago.PaymentMethodFintoc {
		token = p.widgetToken
		if p.CallbackURL != nil {
			callback = *p.CallbackURL
		}
	}
	s.mu.Unlock()
	if token == "" {
		http.Error(w, "no Fintoc payment with this id", http.StatusNotFound)
		return
	}
	// json.Marshal escapes <, > and &, so these are safe inside <script>.
	tok, _ := json.Marshal(token)
	back, _ := json.Marshal(callback)
	pk, _ := json.Marshal(s.PublicKey)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = fmt.Fprintf(w, `<!doctype html><meta charset="utf-8"><title>Fintoc · Mercado Pago (simulator)</title>
<p>Payment %s</p><p id="outcome"></p>
<script src="%s"></script>
<script>
var mp = new MercadoPago(%s);
mp.fintoc({sandbox: true}).open({widgetToken: %s,
  onSuccess: function() { if (%s) location.href = %s; else document.getElementById('outcome').textContent = 'Paid.'; },
  onExit: function() { document.getElementById('outcome').textContent = 'You left the widget; nothing was paid.'; },
  onEvent: function() {}});
</script>`, html.EscapeString(r.PathValue("id")), html.EscapeString(s.ScriptURL()), pk, tok, back, back)
}

// mercadoPagoJS is the body of the MercadoPago.js stand-in; BASE is the
// simulator's URL.
const mercadoPagoJS = `
function apiError(res, body) {
  var e = new Error((body && body.message) || ('HTTP ' + res.status));
  e.status = res.status; e.cause = body;
  return e;
}
function call(method, path, body) {
  var init = {method: method, headers: {}};
  if (body !== undefined) { init.headers['Content-Type'] = 'application/json'; init.body = JSON.stringify(body); }
  return fetch(BASE + path, init).then(function(res) {
    return res.json().catch(function() { return null; }).then(function(j) {
      if (!res.ok) throw apiError(res, j);
      return j;
    });
  });
}
function year(y) { y = parseInt(y, 10); return y < 100 ? y + 2000 : y; }

function MercadoPago(publicKey, options) {
  if (!(this instanceof MercadoPago)) throw new Error('MercadoPago: use new MercadoPago(publicKey)');
  if (!publicKey) throw new Error('MercadoPago: a public key is required');
  this.publicKey = publicKey;
  this.options = options || {};
}

MercadoPago.prototype.createCardToken = function(d) {
  d = d || {};
  var body = d.cardId ? {card_id: String(d.cardId), security_code: String(d.securityCode || '')} : {
    card_number: String(d.cardNumber || '').replace(/[\s-]/g, ''),
    security_code: String(d.securityCode || ''),
    expiration_month: parseInt(d.cardExpirationMonth, 10),
    expiration_year: year(d.cardExpirationYear),
    cardholder: {name: d.cardholderName || '', identification: {type: d.identificationType || '', number: d.identificationNumber || ''}}
  };
  return call('POST', '/v1/card_tokens?public_key=' + encodeURIComponent(this.publicKey), body);
};

var BANKS = [['cl_banco_de_chile', 'Banco de Chile'], ['cl_banco_estado', 'BancoEstado'], ['cl_banco_santander', 'Santander']];

function Fintoc(options) { this.options = options || {}; this.root = null; }

Fintoc.prototype.open = function(o) {
  o = o || {};
  var self = this;
  if (!o.widgetToken) return Promise.reject(new Error('fintoc.open: widgetToken is required'));
  var onEvent = o.onEvent || function() {};
  return call('GET', '/fintoc/widget-token/' + encodeURIComponent(o.widgetToken)).then(function(info) {
    if (info.expired) throw new Error('fintoc.open: the widget token has expired');
    if (info.status !== 'pending') throw new Error('fintoc.open: the payment is ' + info.status);
    self.destroy();
    var root = document.createElement('div');
    root.id = 'mp-fintoc-widget';
    root.setAttribute('role', 'dialog');
    root.style.cssText = 'position:fixed;inset:0;background:rgba(0,0,0,.45);display:flex;align-items:center;justify-content:center;z-index:2147483647;font:15px system-ui,sans-serif';
    var box = document.createElement('div');
    box.style.cssText = 'background:#fff;border-radius:10px;padding:22px;width:330px;box-shadow:0 8px 30px rgba(0,0,0,.3)';
    var options = BANKS.map(function(b) {
      return '<option value="' + b[0] + '"' + (b[0] === o.institutionId ? ' selected' : '') + '>' + b[1] + '</option>';
    }).join('');
    box.innerHTML = '<div style="font-weight:600;margin-bottom:4px">Fintoc · bank transfer</div>' +
      '<div style="color:#555;margin-bottom:14px">Simulator of Mercado Pago\'s Fintoc widget</div>' +
      '<div>Amount: <b id="mp-fintoc-amount"></b></div>' +
      '<label style="display:block;margin-top:12px">Bank <select id="mp-fintoc-bank" style="width:100%">' + options + '</select></label>' +
      '<label style="display:block;margin-top:8px">RUT <input id="mp-fintoc-username" style="width:100%" autocomplete="off"></label>' +
      '<p id="mp-fintoc-message" role="status" style="min-height:1.2em;color:#b00020"></p>' +
      '<button id="mp-fintoc-authorize" style="width:100%;padding:8px;background:#00a650;color:#fff;border:0;border-radius:6px">Authorise transfer</button>' +
      '<button id="mp-fintoc-close" style="width:100%;padding:8px;margin-top:8px;background:#eee;color:#222;border:0;border-radius:6px">Close</button>';
    root.appendChild(box);
    box.querySelector('#mp-fintoc-amount').textContent = '$' + info.amount + ' ' + info.currency;
    box.querySelector('#mp-fintoc-username').value = o.username || '';
    document.body.appendChild(root);
    self.root = root;
    onEvent('opened');
    var done = false;
    box.querySelector('#mp-fintoc-close').onclick = function() {
      self.destroy();
      onEvent('closed');
      if (o.onExit) o.onExit();
    };
    box.querySelector('#mp-fintoc-authorize').onclick = function() {
      if (done) return;
      done = true;
      onEvent('submitted');
      call('POST', '/fintoc/widget-token/' + encodeURIComponent(o.widgetToken) + '/authorize').then(function(res) {
        if (res.status === 'approved') {
          onEvent('approved');
          self.destroy();
          if (o.onSuccess) o.onSuccess({status: res.status});
          return;
        }
        onEvent('rejected');
        box.querySelector('#mp-fintoc-message').textContent = 'Your bank rejected the transfer.';
        box.querySelector('#mp-fintoc-authorize').disabled = true;
      }, function(err) {
        box.querySelector('#mp-fintoc-message').textContent = err.message;
      });
    };
  });
};
Fintoc.prototype.close = function() { if (this.root) this.root.style.display = 'none'; };
Fintoc.prototype.destroy = function() { if (this.root) { this.root.remove(); this.root = null; } };

MercadoPago.prototype.fintoc = function(options) { return new Fintoc(options); };

window.MercadoPago = MercadoPago;
`
