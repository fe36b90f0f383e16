package mercadopago

import (
	"encoding/base64"
	"net/url"
	"time"
)

// ActionKind says what the payer must do next for a payment to move on.
type ActionKind string

// Kinds of NextAction.
const (
	// ActionNone: nothing is asked of the payer (the payment is final, under
	// review, or waiting for something only Mercado Pago or the seller does).
	ActionNone ActionKind = "none"
	// ActionShowQR: show the QR code (Pix; QRCode is the text to copy,
	// QRCodePNG the image) and wait for the notification.
	ActionShowQR ActionKind = "show_qr"
	// ActionShowVoucher: show or link the voucher (boleto, OXXO, Paycash,
	// SPEI, Efecty): its barcode, digitable line or reference, and URL.
	ActionShowVoucher ActionKind = "show_voucher"
	// ActionRedirect: send the payer's browser to URL (PSE's bank, Fintoc's
	// page); they come back to the payment's callback_url.
	ActionRedirect ActionKind = "redirect"
	// ActionChallenge3DS: run the 3-D Secure challenge in Challenge.
	ActionChallenge3DS ActionKind = "challenge_3ds"
	// ActionExpired: the payer took too long (date_of_expiration passed,
	// or Mercado Pago cancelled the payment as expired). Offer a new
	// payment; this one will not be paid.
	ActionExpired ActionKind = "expired"
)

// NextAction is what a payment asks of the payer, as one value: its Kind,
// and the fields that kind uses (the others are empty). Read it with
// Payment.NextAction after Create and after every notification; it never
// reports an expired voucher or QR code as still to be paid.
type NextAction struct {
	// Kind is what to do.
	Kind ActionKind
	// PaymentID is the payment it belongs to.
	PaymentID int64
	// QRCode is the Pix "copia e cola" text (ActionShowQR).
	QRCode string
	// QRCodePNG is the QR code image, a PNG decoded from qr_code_base64
	// (ActionShowQR; nil when the API sent none or it was not base64).
	QRCodePNG []byte
	// QRCodeBase64 is qr_code_base64 as sent, for an <img src="data:image/png;base64,…">.
	QRCodeBase64 string
	// URL is where the payer goes: the voucher or ticket page
	// (ActionShowVoucher, ActionShowQR when there is one) or the bank
	// (ActionRedirect).
	URL string
	// Barcode is a voucher's barcode content (boleto, Efecty).
	Barcode string
	// DigitableLine is a boleto's typed line.
	DigitableLine string
	// Reference is the reference the payer quotes at the counter or in a
	// transfer (OXXO, Paycash, SPEI, Efecty): payment_method.data.reference_id,
	// else transaction_details.payment_method_reference_id.
	Reference string
	// ExpiresAt is when the payment stops being payable (zero when unknown).
	ExpiresAt time.Time
	// Challenge is the 3-D Secure challenge (ActionChallenge3DS).
	Challenge *ThreeDSChallenge
}

// NextAction reads what the payer must do next, as of now (the time a
// pending payment's date_of_expiration is compared with). A pending payment
// past its expiry, or one cancelled with status_detail "expired", reads as
// ActionExpired. A pending payment that carries nothing for the payer
// reads as ActionNone.
func (p *Payment) NextAction(now time.Time) NextAction {
	if p == nil {
		return NextAction{Kind: ActionNone}
	}
	a := NextAction{PaymentID: p.ID, ExpiresAt: p.DateOfExpiration}
	if p.Status == StatusCancelled && p.StatusDetail == DetailExpired {
		a.Kind = ActionExpired
		return a
	}
	if p.Status != StatusPending {
		a.Kind = ActionNone
		return a
	}
	if !p.DateOfExpiration.IsZero() && !now.Before(p.DateOfExpiration) {
		a.Kind = ActionExpired
		return a
	}
	if ch, ok := p.Challenge(); ok {
		a.Kind, a.Challenge = ActionChallenge3DS, ch
		return a
	}
	var td POITransactionData
	if p.PointOfInteraction != nil && p.PointOfInteraction.TransactionData != nil {
		td = *p.PointOfInteraction.TransactionData
	}
	var pmd PaymentMethodData
	if p.PaymentMethod != nil {
		pmd = p.PaymentMethod.Data
	}
	qr := td.QRCode
	if qr == "" {
		qr = pmd.QRCode
	}
	if qr != "" || td.QRCodeBase64 != "" {
		a.Kind, a.QRCode, a.QRCodeBase64, a.URL = ActionShowQR, qr, td.QRCodeBase64, httpURL(td.TicketURL)
		if png, err := base64.StdEncoding.DecodeString(td.QRCodeBase64); err == nil && len(png) > 0 {
			a.QRCodePNG = png
		}
		return a
	}
	a.Barcode = p.TransactionDetails.Barcode.Content
	if a.Barcode == "" && p.Barcode != nil {
		a.Barcode = p.Barcode.Content
	}
	a.DigitableLine = p.TransactionDetails.DigitableLine
	a.Reference = pmd.ReferenceID
	if a.Reference == "" {
		a.Reference = p.TransactionDetails.PaymentMethodReferenceID
	}
	link := httpURL(p.TransactionDetails.ExternalResourceURL)
	if link == "" {
		link = httpURL(pmd.ExternalResourceURL)
	}
	if link == "" {
		link = httpURL(td.TicketURL)
	}
	a.URL = link
	switch {
	case p.PaymentTypeID == "ticket" || p.PaymentTypeID == "atm" || a.Barcode != "" || a.DigitableLine != "" ||
		(p.PaymentMethodID == PaymentMethodSPEI && (a.Reference != "" || link != "")):
		a.Kind = ActionShowVoucher
	case link != "" && p.PaymentTypeID == "bank_transfer":
		a.Kind = ActionRedirect
	default:
		a.Kind, a.URL, a.Barcode, a.DigitableLine, a.Reference = ActionNone, "", "", "", ""
	}
	if a.Kind == ActionShowVoucher && a.URL == "" && a.Barcode == "" && a.DigitableLine == "" && a.Reference == "" {
		a.Kind = ActionNone
	}
	return a
}

// Expired reports whether the payment can no longer be paid because the
// payer took too long: cancelled with status_detail "expired", or still
// pending after its date_of_expiration as of now.
func (p *Payment) Expired(now time.Time) bool { return p.NextAction(now).Kind == ActionExpired }

// httpURL returns s when it is an absolute http(s) URL, else "".
func httpURL(s string) string {
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return ""
	}
	return s
}
