// Package bench measures paykit's Mercado Pago client beside the official Go
// SDK (github.com/mercadopago/sdk-go) and a careful hand-written net/http
// call, in one process, against one loopback server that checks what each
// side sends and counts the connections each side dials.
//
// It is a Go module of its own (with a replace to the repository root) so
// that paykit's go.mod never lists the official SDK: an importer of the SDK
// packages downloads none of this. scripts/bench runs the benchmarks in
// interleaved rounds and prints the tables in BENCHMARKS.md; `go test ./...`
// here runs the tests that keep the three sides honest (each sends what the
// server expects and reads the same answer).
package bench
