package mercadopago_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/paykit-go/paykit/mercadopago"
)

// TestDocumentedAnswersDecodeStrictly: every answer shaped as the API
// reference documents it decodes with plain encoding/json into its type,
// so the transport's one-pass decode reads it and the field-by-field path
// is left for drifted answers. A type that disagrees with the documented
// shape (text where the API sends a number) sends every real answer down
// the slow path, which this test catches. (The other fixtures are drifted
// on purpose.)
func TestDocumentedAnswersDecodeStrictly(t *testing.T) {
	for file, v := range map[string]any{
		"card.json":                  &mercadopago.Card{},
		"customer.json":              &mercadopago.Customer{},
		"payment_approved.json":      &mercadopago.Payment{},
		"payment_fintoc.json":        &mercadopago.Payment{},
		"payment_fintoc_legacy.json": &mercadopago.Payment{},
		"payment_pix.json":           &mercadopago.Payment{},
		"payment_boleto.json":        &mercadopago.Payment{},
		"payment_pse.json":           &mercadopago.Payment{},
		"payment_oxxo.json":          &mercadopago.Payment{},
		"refund.json":                &mercadopago.Refund{},
		"search_page1.json":          &mercadopago.PaymentPage{},
	} {
		b, err := os.ReadFile("mercadopagotest/testdata/" + file)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, v); err != nil {
			t.Errorf("%s: %v", file, err)
		}
	}
}
