// Package safefmt prints a value's safe one-line text under every fmt verb.
//
// fmt calls Error and String only for %v, %s, %x, %X and %q; for any other
// verb (%d, %t, %e, %c…) it prints a struct's fields by reflection,
// unexported ones included. A type that holds a secret therefore gets a
// Format method that calls Text, with a value receiver when the type holds
// no lock, so that the value prints as safely as the pointer.
package safefmt

import (
	"fmt"
	"io"
)

// Text writes text for any fmt verb: %v, %s, %x, %X and %q format it as fmt
// formats a string (flags, width and precision kept), %#v writes it as it is
// (as GoString would), and every other verb writes it as %s does.
func Text(f fmt.State, verb rune, text string) {
	switch verb {
	case 'v':
		if f.Flag('#') {
			_, _ = io.WriteString(f, text)
			return
		}
	case 's', 'q', 'x', 'X':
	default:
		verb = 's'
	}
	_, _ = fmt.Fprintf(f, fmt.FormatString(f, verb), text)
}
