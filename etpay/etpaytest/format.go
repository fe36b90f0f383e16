package etpaytest

import (
	"fmt"

	"github.com/paykit-go/paykit/internal/transport"
)

// String names the simulator by its URL, without the merchant API token or
// the sessions' signature tokens.
func (s *Server) String() string { return "etpaytest.Server{" + s.URL + "}" }

// Format writes String for every verb, so no verb prints the tokens by
// reflection.
func (s *Server) Format(f fmt.State, verb rune) { transport.FormatText(f, verb, s.String()) }
