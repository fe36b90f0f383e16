//go:build !unix

package servers

import "errors"

// install is not attempted off Unix: install the servers yourself.
func install(func() bool) error {
	return errors.New("cannot install them here (needs root and apt-get)")
}
