package mercadopago

import (
	"bytes"
	"html/template"
	"net/url"
)

// ThreeDSChallenge is a 3-D Secure challenge the payer must pass before a
// card payment can be approved. The payer's browser POSTs CReq (form field
// "creq") to URL inside an iframe (the documentation asks for at least 600
// by 500 pixels); the issuer then shows its challenge and, when done, the
// frame posts a message {status: "COMPLETE"} to the page. Then read the
// payment again (Payments.Get): approved or rejected
// (DetailRejected3DSChallenge) is the outcome; the update can take a
// moment, and the payer has about 5 minutes. The browser's report is not
// proof of anything.
// See https://www.mercadopago.com/developers/en/docs/checkout-api/how-tos/integrate-3ds
type ThreeDSChallenge struct {
	// PaymentID is the payment waiting for the challenge.
	PaymentID int64
	// URL is the issuer's challenge URL (three_ds_info.external_resource_url).
	URL string
	// CReq is the challenge request (three_ds_info.creq).
	CReq string
}

// Challenge returns the 3-D Secure challenge of a payment that waits for one
// (status pending, status_detail pending_challenge, three_ds_info with an
// absolute https or http URL and a creq), and false for any other payment.
func (p *Payment) Challenge() (*ThreeDSChallenge, bool) {
	if p == nil || p.Status != StatusPending || p.StatusDetail != DetailPendingChallenge || p.ThreeDSInfo == nil {
		return nil, false
	}
	info := p.ThreeDSInfo
	u, err := url.Parse(info.ExternalResourceURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || info.CReq == "" {
		return nil, false
	}
	return &ThreeDSChallenge{PaymentID: p.ID, URL: info.ExternalResourceURL, CReq: info.CReq}, true
}

var challengeForm = template.Must(template.New("challenge").Parse(
	`<form id="mp-3ds-challenge" method="POST" action="{{.URL}}" target="{{.Target}}">` +
		`<input type="hidden" name="creq" value="{{.CReq}}"></form>` +
		`<script>document.getElementById("mp-3ds-challenge").submit();</script>`))

// HTMLForm returns an HTML fragment that posts the challenge request to the
// issuer as soon as it is loaded, into the frame or window named target (""
// for the current one). Values are escaped.
func (c *ThreeDSChallenge) HTMLForm(target string) string {
	var b bytes.Buffer
	_ = challengeForm.Execute(&b, struct{ URL, CReq, Target string }{c.URL, c.CReq, target})
	return b.String()
}
