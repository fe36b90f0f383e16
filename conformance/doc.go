// Package conformance holds no code of its own: its tests check, across all
// four clients at once, what paykit promises everywhere. A fault matrix
// breaks every call of every client in every way a network or a provider can
// (5xx, 429 with Retry-After, refused and dropped connections, resets after
// the provider acted, timeouts, truncated, HTML, empty and 20 MiB bodies) and
// proves the outcome is a success or a typed error, never a panic and never
// a second charge. A secrets test plants known credentials in every client
// and proves none reaches a log record, an error string or formatted output.
// Two more keep the docs honest: every exported name has a doc comment, and
// every Go snippet in the README is an excerpt of a compiled Example.
//
//	go test -v -run TestFaultMatrix ./conformance   # prints the matrix
package conformance
