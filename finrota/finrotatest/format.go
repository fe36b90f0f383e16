package finrotatest

import (
	"fmt"

	"github.com/paykit-go/paykit/internal/transport"
)

// String names the simulator by its URL, without the keys it checks.
func (s *Server) String() string { return "finrotatest.Server{" + s.URL + "}" }

// Format writes String for every verb, so no verb prints the API key or the
// secret key by reflection.
func (s *Server) Format(f fmt.State, verb rune) { transport.FormatText(f, verb, s.String()) }

// String shows the card's last four digits and holder, not its number or CVV.
func (c Card) String() string {
	last4 := ""
	if n := len(c.Number); n >= 4 {
		last4 = c.Number[n-4:]
	}
	return "finrotatest.Card{Number: …" + last4 + ", CVV: [redacted], HolderName: " + c.HolderName + "}"
}

// Format writes String for every verb.
func (c Card) Format(f fmt.State, verb rune) { transport.FormatText(f, verb, c.String()) }
