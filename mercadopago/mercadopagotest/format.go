package mercadopagotest

import (
	"fmt"

	"github.com/paykit-go/paykit/internal/transport"
)

// String names the simulator by its URL, without the credentials it checks.
func (s *Server) String() string { return "mercadopagotest.Server{" + s.URL + "}" }

// Format writes String for every verb, so no verb prints the access token,
// the webhook secret or the OAuth app's secret by reflection.
func (s *Server) Format(f fmt.State, verb rune) { transport.FormatText(f, verb, s.String()) }

// String shows the card's last four digits and holder, not its number or CVV.
func (c TestCard) String() string {
	last4 := ""
	if n := len(c.Number); n >= 4 {
		last4 = c.Number[n-4:]
	}
	return "mercadopagotest.TestCard{Number: …" + last4 + ", SecurityCode: [redacted], HolderName: " + c.HolderName + "}"
}

// Format writes String for every verb.
func (c TestCard) Format(f fmt.State, verb rune) { transport.FormatText(f, verb, c.String()) }
