// Package conformance holds no code of its own: its tests check, across all
// four clients at once, what paykit promises everywhere. A fault matrix
// breaks every call of every client in every way a network or a provider can
// (5xx, 429 with Retry-After, refused and dropped connections, resets after
// the provider acted, timeouts, truncated, HTML, empty and 20 MiB bodies) and
// proves the outcome is a success or a typed error, never a panic and never
// a second charge. A secrets test plants known credentials in every client
// and proves none reaches a log record, an error string or formatted output.
//
//	go test -v -run TestFaultMatrix ./conformance   # prints the matrix
package conformance
