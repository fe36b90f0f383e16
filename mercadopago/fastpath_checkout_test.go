package mercadopago_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/paykit-go/paykit/mercadopago"
)

// TestCheckoutDocumentedAnswersDecodeStrictly holds the documented answers of
// the card checkout, Checkout Pro and merchant order calls to a plain
// encoding/json decode (see TestDocumentedAnswersDecodeStrictly): their
// types agree with the documented shapes, so real answers take the one-pass
// decode. The *_drifted.json fixtures are drifted on purpose.
func TestCheckoutDocumentedAnswersDecodeStrictly(t *testing.T) {
	for file, v := range map[string]any{
		"payment_methods.json":       &[]mercadopago.PaymentMethod{},
		"installments.json":          &[]mercadopago.InstallmentOption{},
		"card_issuers.json":          &[]mercadopago.Issuer{},
		"identification_types.json":  &[]mercadopago.IdentificationType{},
		"card_token.json":            &mercadopago.CardToken{},
		"payment_full.json":          &mercadopago.Payment{},
		"payment_3ds_challenge.json": &mercadopago.Payment{},
		"preference.json":            &mercadopago.Preference{},
		"preference_search.json":     &mercadopago.PreferencePage{},
		"merchant_order.json":        &mercadopago.MerchantOrder{},
		"merchant_order_search.json": &mercadopago.MerchantOrderPage{},
	} {
		b, err := os.ReadFile("mercadopagotest/testdata/" + file)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, v); err != nil {
			t.Errorf("%s does not decode strictly: %v", file, err)
		}
	}
}
