package fintecturetest

import (
	"fmt"

	"github.com/paykit-go/paykit/internal/transport"
)

// String names the simulator by its URL, without the app secret or the
// merchant key it holds.
func (s *Server) String() string { return "fintecturetest.Server{" + s.URL + "}" }

// Format writes String for every verb, so no verb prints the app secret or
// the key by reflection.
func (s *Server) Format(f fmt.State, verb rune) { transport.FormatText(f, verb, s.String()) }
