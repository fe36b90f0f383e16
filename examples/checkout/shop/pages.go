package shop

import "html/template"

// pages are the shop's HTML: no framework, no build step; the only scripts
// are the providers' (the simulators' stand-ins) and a few lines each pay
// page needs to hand the provider's token to the backend.
var pages = template.Must(template.New("pages").Funcs(template.FuncMap{
	"label": func(s Status) string {
		switch s {
		case StatusNew:
			return "Awaiting payment"
		case StatusPending:
			return "Payment in progress"
		case StatusPaid:
			return "Paid"
		case StatusFailed:
			return "Not paid"
		}
		return string(s)
	},
	// docTypes are the document types a local method's form offers: what
	// Mercado Pago takes in Brazil and in Colombia.
	"docTypes": func(method string) []string {
		if method == "mp-pse" {
			return []string{"CC", "CE", "NIT", "PAS", "TI", "Otro"}
		}
		return []string{"CPF", "CNPJ"}
	},
}).Parse(`
{{define "head"}}<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{{.Title}} · paykit demo shop</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1d1d1f;background:#f6f6f3}
header{background:#20303c;color:#fff;padding:12px 24px}header a{color:#fff;text-decoration:none;font-weight:600}
main{max-width:640px;margin:24px auto;background:#fff;border-radius:10px;padding:20px 26px;box-shadow:0 1px 4px rgba(0,0,0,.08)}
h1{font-size:22px;margin:0 0 12px}table{width:100%;border-collapse:collapse}td,th{padding:4px 0;text-align:left}
td.n,th.n{text-align:right}label{display:block;margin:8px 0 2px}input,select{font:inherit;padding:5px;width:100%;box-sizing:border-box}
.row{display:flex;gap:10px}.row>*{flex:1}button{font:inherit;padding:9px 16px;border:0;border-radius:6px;background:#0b6bcb;color:#fff;cursor:pointer}
.muted{color:#666;font-size:13px}.error{color:#b00020}.status{display:inline-block;padding:2px 10px;border-radius:12px;background:#eee}
.status[data-status=paid]{background:#d5f5df;color:#0a6630}.status[data-status=failed]{background:#fde2e2;color:#8a1020}
.status[data-status=pending]{background:#fff3cd}ol{padding-left:20px}li{margin:3px 0}
#outcome{display:block;border-radius:8px;padding:8px 12px;background:#fff3cd}#outcome[data-outcome=paid]{background:#d5f5df;color:#0a6630}
#outcome[data-outcome=rejected],#outcome[data-outcome=expired],#outcome[data-outcome=cancelled]{background:#fde2e2;color:#8a1020}
textarea{font:13px/1.3 ui-monospace,monospace;width:100%;box-sizing:border-box}code{word-break:break-all}
</style></head><body><header><a href="/">paykit demo shop</a></header><main>{{end}}
{{define "foot"}}</main></body></html>{{end}}

{{define "summary"}}<table id="summary">{{range .Order.Lines}}<tr><td>{{.Quantity}} × {{.Product.Name}}</td><td class="n">{{.Subtotal}}</td></tr>{{end}}
<tr><th>Total</th><th class="n" id="total">{{.Order.Total}} {{.Method.Currency}}</th></tr></table>{{end}}

{{define "home"}}{{template "head" .}}
<h1>Cart</h1>
<form method="post" action="/orders">
<table>{{range .Catalog}}<tr><td><label for="qty-{{.SKU}}">{{.Name}}</label></td><td class="n">{{.Price}}</td>
<td style="width:70px"><input id="qty-{{.SKU}}" name="qty-{{.SKU}}" type="number" min="0" max="20" value="{{index $.Quantities .SKU}}"></td></tr>{{end}}</table>
<p class="muted">Prices are in the currency of the method you pay with (this is a demo on simulators).</p>
{{if .Error}}<p class="error" id="error">{{.Error}}</p>{{end}}
<button id="checkout">Check out</button>
</form>
{{template "foot"}}{{end}}

{{define "order"}}{{template "head" .}}
<h1>Order <span id="order-id">{{.Order.ID}}</span></h1>
<table>{{range .Order.Lines}}<tr><td>{{.Quantity}} × {{.Product.Name}}</td><td class="n">{{.Subtotal}}</td></tr>{{end}}
<tr><th>Total</th><th class="n">{{.Order.Total}}</th></tr></table>
<p>Status: <span class="status" id="status" data-status="{{.Order.Status}}">{{label .Order.Status}}</span>
{{if .Order.Detail}}<span id="detail" class="muted">{{.Order.Detail}}</span>{{end}}</p>
{{if eq .Order.Status "paid"}}<p id="paid-by">Confirmed by a {{.Order.PaidBy}} of payment <code>{{.Order.PaidRef}}</code>.</p>{{end}}
{{if .Notice}}<p id="notice">{{.Notice}}</p>{{end}}
{{if .LocalLink}}<p><a id="local-payment" href="{{.LocalLink}}">Show how to pay again (QR code, voucher or bank)</a></p>{{end}}
{{if ne .Order.Status "paid"}}
{{if .Order.Method}}<form method="post" action="/orders/{{.Order.ID}}/check"><button id="check-status">Check payment status</button></form>{{end}}
<h2 style="font-size:17px">Pay</h2>
<ul id="methods">{{range .Methods}}<li><a id="pay-{{.Key}}" href="/orders/{{$.Order.ID}}/pay/{{.Key}}">{{.Label}}</a></li>{{end}}</ul>
{{end}}
<h2 style="font-size:17px">History</h2>
<ol id="events">{{range .Order.Events}}<li><span class="muted">{{.At.Format "15:04:05"}} · {{.Source}}</span> {{.Text}}</li>{{end}}</ol>
{{template "foot"}}{{end}}

{{define "pay-mp-card"}}{{template "head" .}}
<h1>Pay order {{.Order.ID}} by card</h1>{{template "summary" .}}
<form id="card-form" method="post">
<label for="card-number">Card number</label><input id="card-number" inputmode="numeric" autocomplete="cc-number" value="4509 9535 6623 3704">
<label for="cardholder-name">Name on card</label><input id="cardholder-name" autocomplete="cc-name" value="APRO">
<div class="row"><div><label for="card-month">Month</label><input id="card-month" inputmode="numeric" value="11"></div>
<div><label for="card-year">Year</label><input id="card-year" inputmode="numeric" value="{{.ExpiryYear}}"></div>
<div><label for="card-cvv">CVV</label><input id="card-cvv" inputmode="numeric" autocomplete="cc-csc" value="123"></div></div>
<div class="row"><div><label for="doc-type">Document</label><select id="doc-type"><option>RUT</option></select></div>
<div><label for="doc-number">Number</label><input id="doc-number" value="11111111-1"></div></div>
<label for="email">Email</label><input id="email" name="email" type="email" value="buyer@example.com">
<input type="hidden" name="token" id="token">
<p class="error" id="form-error" role="alert"></p>
<button id="pay">Pay {{.Order.Total}} {{.Method.Currency}}</button>
<p class="muted">Sandbox: the name on the card picks the outcome (APRO approves, OTHE declines). The card number never reaches this shop: MercadoPago.js turns it into a one-use token.</p>
</form>
<script src="{{.MPScript}}"></script>
<script>
const mp = new MercadoPago({{.MPPublicKey}}, {locale: 'es-CL'});
const form = document.getElementById('card-form');
const val = id => document.getElementById(id).value;
form.addEventListener('submit', async e => {
  e.preventDefault();
  document.getElementById('form-error').textContent = '';
  try {
    const token = await mp.createCardToken({cardNumber: val('card-number'), cardholderName: val('cardholder-name'),
      cardExpirationMonth: val('card-month'), cardExpirationYear: val('card-year'), securityCode: val('card-cvv'),
      identificationType: val('doc-type'), identificationNumber: val('doc-number')});
    document.getElementById('token').value = token.id;
    form.submit();
  } catch (err) {
    document.getElementById('form-error').textContent = 'The card was not accepted: ' + err.message;
  }
});
document.body.dataset.ready = "1";
</script>
{{template "foot"}}{{end}}

{{define "pay-mp-saved-card"}}{{template "head" .}}
<h1>Pay order {{.Order.ID}} with a saved card</h1>{{template "summary" .}}
<form id="saved-form" method="post">
<p>Signed in as {{.CustomerEmail}}.</p>
<label for="card-id">Card</label><select id="card-id">{{range .Cards}}<option value="{{.ID}}">{{.Label}}</option>{{end}}</select>
<label for="saved-cvv">Security code</label><input id="saved-cvv" inputmode="numeric" autocomplete="cc-csc">
<input type="hidden" name="token" id="token">
<p class="error" id="form-error" role="alert"></p>
<button id="pay">Pay {{.Order.Total}} {{.Method.Currency}}</button>
</form>
<script src="{{.MPScript}}"></script>
<script>
const mp = new MercadoPago({{.MPPublicKey}}, {locale: 'es-CL'});
const form = document.getElementById('saved-form');
form.addEventListener('submit', async e => {
  e.preventDefault();
  try {
    const token = await mp.createCardToken({cardId: document.getElementById('card-id').value,
      securityCode: document.getElementById('saved-cvv').value});
    document.getElementById('token').value = token.id;
    form.submit();
  } catch (err) {
    document.getElementById('form-error').textContent = 'The card was not accepted: ' + err.message;
  }
});
document.body.dataset.ready = "1";
</script>
{{template "foot"}}{{end}}

{{define "pay-mp-fintoc"}}{{template "head" .}}
<h1>Pay order {{.Order.ID}} by bank transfer</h1>{{template "summary" .}}
<p>Fintoc opens your bank's transfer authorisation without leaving this page.</p>
<p class="error" id="widget-message" role="status"></p>
<button id="open-fintoc">Pay {{.Order.Total}} {{.Method.Currency}} by transfer</button>
<script src="{{.MPScript}}"></script>
<script>
const mp = new MercadoPago({{.MPPublicKey}}, {locale: 'es-CL'});
const fintoc = mp.fintoc({sandbox: true});
const msg = document.getElementById('widget-message');
document.getElementById('open-fintoc').addEventListener('click', async () => {
  msg.textContent = '';
  try {
    const res = await fetch({{.StartURL}}, {method: 'POST'});
    const body = await res.json();
    if (!res.ok) throw new Error(body.error || res.statusText);
    await fintoc.open({widgetToken: body.widgetToken,
      onSuccess: () => { location.href = {{.ReturnURL}}; },
      onExit: () => { msg.textContent = 'You closed the transfer window; nothing was paid. You can open it again.'; },
      onEvent: () => {}});
  } catch (err) {
    msg.textContent = 'Could not open the transfer: ' + err.message;
  }
});
document.body.dataset.ready = "1";
</script>
{{template "foot"}}{{end}}

{{define "pay-finrota"}}{{template "head" .}}
<h1>Pay order {{.Order.ID}} by card{{if .Use3D}} with 3-D Secure{{end}}</h1>{{template "summary" .}}
<form id="prepared" method="post"><input type="hidden" name="prepareToken" id="prepare-token"></form>
<p class="error" id="widget-message" role="status"></p>
<button id="open-widget">Enter card details</button>
<p class="muted">Sandbox cards: 4155 6501 0041 6111 pays, 4000 0000 0000 0002 is declined; the bank's code is 123456.</p>
<script src="{{.FinrotaScript}}"></script>
<script>
const msg = document.getElementById('widget-message');
function openWidget() {
  msg.textContent = '';
  FinrotaPay.init({token: {{.WidgetToken}}, amount: {{.Order.Total}}, currency: {{.Method.Currency}}, mode: 'modal', use3D: {{.Use3D}},
    onSuccess: data => { document.getElementById('prepare-token').value = data.prepareToken; document.getElementById('prepared').submit(); },
    onFail: err => { msg.textContent = 'The card form reported: ' + err.message; },
    onClose: () => { msg.textContent = 'You closed the card window; nothing was paid.'; }});
}
document.getElementById('open-widget').addEventListener('click', openWidget);
openWidget();
document.body.dataset.ready = "1";
</script>
{{template "foot"}}{{end}}

{{define "pay-redirect"}}{{template "head" .}}
<h1>Pay order {{.Order.ID}}: {{.Method.Label}}</h1>{{template "summary" .}}
<form method="post"><p>You will be taken to your bank and brought back here.</p>
<button id="pay">Continue to pay {{.Order.Total}} {{.Method.Currency}}</button></form>
<script>document.body.dataset.ready = "1";</script>
{{template "foot"}}{{end}}

{{define "pay-mp-local"}}{{template "head" .}}
<h1>Pay order {{.Order.ID}}: {{.Method.Label}}</h1>{{template "summary" .}}
<form id="local-form" method="post">
{{if eq .Method.Key "mp-pse"}}
<label for="bank">Your bank</label><select id="bank" name="bank"><option value="">Choose your bank…</option>
{{range .Banks}}<option value="{{.ID}}"{{if eq .ID (index $.Form "bank")}} selected{{end}}>{{.Description}}</option>{{end}}</select>
<div class="row"><div><label for="entity_type">You pay as</label><select id="entity_type" name="entity_type">
<option value="individual"{{if eq (index .Form "entity_type") "individual"}} selected{{end}}>a person</option>
<option value="association"{{if eq (index .Form "entity_type") "association"}} selected{{end}}>a company</option></select></div>
{{else}}
<div class="row"><div><label for="first_name">First name</label><input id="first_name" name="first_name" autocomplete="given-name" value="{{index .Form "first_name"}}"></div>
<div><label for="last_name">Last name</label><input id="last_name" name="last_name" autocomplete="family-name" value="{{index .Form "last_name"}}"></div></div>
{{end}}
{{if ne .Method.Key "mp-oxxo"}}{{if ne .Method.Key "mp-pse"}}<div class="row">{{end}}
<div><label for="doc_type">Document</label><select id="doc_type" name="doc_type">
{{range $t := docTypes .Method.Key}}<option{{if eq $t (index $.Form "doc_type")}} selected{{end}}>{{$t}}</option>{{end}}</select></div>
<div><label for="doc_number">Number</label><input id="doc_number" name="doc_number" value="{{index .Form "doc_number"}}"></div></div>
{{end}}
{{if eq .Method.Key "mp-boleto"}}
<div class="row"><div><label for="zip_code">CEP</label><input id="zip_code" name="zip_code" autocomplete="postal-code" value="{{index .Form "zip_code"}}"></div>
<div><label for="federal_unit">State</label><input id="federal_unit" name="federal_unit" value="{{index .Form "federal_unit"}}"></div>
<div><label for="city">City</label><input id="city" name="city" value="{{index .Form "city"}}"></div></div>
<div class="row"><div><label for="street_name">Street</label><input id="street_name" name="street_name" value="{{index .Form "street_name"}}"></div>
<div><label for="street_number">Number</label><input id="street_number" name="street_number" value="{{index .Form "street_number"}}"></div>
<div><label for="neighborhood">Neighbourhood</label><input id="neighborhood" name="neighborhood" value="{{index .Form "neighborhood"}}"></div></div>
{{end}}
<label for="email">Email</label><input id="email" name="email" type="email" value="{{index .Form "email"}}">
{{if .Error}}<p class="error" id="error" role="alert">{{.Error}}</p>{{end}}
<button id="pay">{{if eq .Method.Key "mp-pix"}}Show the Pix QR code{{else if eq .Method.Key "mp-pse"}}Continue to my bank{{else}}Get the voucher{{end}} for {{.Order.Total}} {{.Method.Currency}}</button>
<p class="muted">{{if eq .Method.Key "mp-pix"}}You pay with your bank's app, by scanning the QR code or pasting its code; this page tells you when the money arrived.
{{else if eq .Method.Key "mp-boleto"}}You pay the boleto at a bank, a lottery shop or in your bank's app before its due date; it takes up to two working days to clear.
{{else if eq .Method.Key "mp-pse"}}PSE takes you to your bank's site to approve the transfer, then back here.
{{else}}You pay in cash at any OXXO shop with the voucher's reference before it expires.{{end}}
Sandbox: the simulator's page for the payment plays the payer (pay, reject, let it expire).</p>
</form>
<script>document.body.dataset.ready = "1";</script>
{{template "foot"}}{{end}}

{{define "mp-local-payment"}}{{template "head" .}}
{{with .Local}}
<h1>Order <span id="order-id">{{$.Order.ID}}</span>: {{$.Method.Label}}</h1>
<p>Total <span id="total">{{$.Order.Total}} {{.Currency}}</span>, Mercado Pago payment <code id="payment-id">{{.PaymentID}}</code>.</p>
{{if $.Notice}}<p id="notice">{{$.Notice}}</p>{{end}}
<p id="outcome" data-outcome="{{.State}}" data-status="{{.Status}}" role="status">{{.Message}}</p>
<div id="instructions"{{if .Final}} hidden{{end}}>
{{if eq .Kind "show_qr"}}
<p>Scan the QR code with your bank's app, or copy the Pix code and paste it there.</p>
{{if .QRImage}}<img id="qr" alt="Pix QR code" width="162" height="162" src="{{.QRImage}}">{{end}}
<label for="qr-code">Pix copia e cola</label><textarea id="qr-code" readonly rows="3">{{.QRCode}}</textarea>
<p><button id="copy" type="button">Copy the code</button></p>
{{if .URL}}<p><a id="ticket-link" href="{{.URL}}" target="_blank" rel="noopener">Open the Pix page at Mercado Pago</a></p>{{end}}
{{else if eq .Kind "show_voucher"}}
{{if .DigitableLine}}<p>Linha digitável: <code id="digitable-line">{{.DigitableLine}}</code></p>{{end}}
{{if .Reference}}<p>Reference: <code id="reference">{{.Reference}}</code></p>{{end}}
{{if .Barcode}}<p class="muted">Barcode: <code id="barcode">{{.Barcode}}</code></p>{{end}}
{{if .URL}}<p><a id="voucher-link" href="{{.URL}}" target="_blank" rel="noopener">Open the voucher to print or show</a></p>{{end}}
{{else if eq .Kind "redirect"}}
<p><a id="bank-link" href="{{.URL}}">Continue to {{.Bank}}</a> to approve the transfer.</p>
{{end}}
{{if not .ExpiresAt.IsZero}}<p>Pay by <time id="expires" datetime="{{.ExpiresAt.Format "2006-01-02T15:04:05Z07:00"}}">{{.ExpiresAt.Format "2 Jan 2006 15:04 MST"}}</time>.</p>{{end}}
</div>
<p><a id="back" href="/orders/{{$.Order.ID}}">Back to the order</a></p>
<script>
(() => {
  const out = document.getElementById('outcome');
  const url = {{printf "/orders/%s/payments/%d/status" $.Order.ID .PaymentID}};
  const every = {{.PollMS}};
  const copy = document.getElementById('copy');
  if (copy) copy.addEventListener('click', () => {
    const code = document.getElementById('qr-code');
    code.select();
    if (navigator.clipboard) navigator.clipboard.writeText(code.value).catch(() => {});
  });
  // Ask the shop, which asks Mercado Pago, until the payment is final.
  async function poll() {
    try {
      const res = await fetch(url, {cache: 'no-store'});
      if (res.ok) {
        const st = await res.json();
        if (st.state !== 'pending') {
          out.dataset.outcome = st.state;
          out.dataset.status = st.status;
          out.textContent = st.message;
          document.getElementById('instructions').hidden = true;
          return;
        }
      }
    } catch (e) { /* the shop is unreachable for a moment: ask again */ }
    setTimeout(poll, every);
  }
  if (out.dataset.outcome === 'pending') setTimeout(poll, every);
  document.body.dataset.ready = "1";
})();
</script>
{{end}}
{{template "foot"}}{{end}}

{{define "error"}}{{template "head" .}}
<h1>Something went wrong</h1><p class="error" id="error">{{.Error}}</p>
{{if .Order}}<p><a id="back" href="/orders/{{.Order.ID}}">Back to the order</a></p>{{end}}
{{template "foot"}}{{end}}
`))
