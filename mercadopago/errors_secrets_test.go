package mercadopago

import (
	"fmt"
	"testing"

	"github.com/paykit-go/paykit"
	"github.com/stretchr/testify/assert"
)

// A server that echoes a secret as a cause code, in the classic "cause" list
// or the Orders API's "errors" list: the code is redacted like the rest.
func TestErrorRedactsSecretsInCauseCodes(t *testing.T) {
	const secret = "APP_USR-echoed-token-4411"
	for _, body := range []string{
		`{"message":"bad","cause":[{"code":"` + secret + `","description":"x"}]}`,
		`{"errors":[{"code":"` + secret + `","message":"x"}]}`,
		`{"message":"bad","errors":[{"code":"` + secret + `","message":"x"}]}`,
	} {
		err := decodeError(&paykit.HTTPError{Method: "GET", Path: "/v1/x", StatusCode: 400}, []byte(body), []string{secret})
		for _, verb := range []string{"%v", "%+v", "%#v", "%d"} {
			assert.NotContains(t, fmt.Sprintf(verb, err), secret, "%s of the error of %s", verb, body)
		}
	}
}
