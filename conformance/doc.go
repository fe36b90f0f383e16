// Package conformance holds no code of its own: its tests check, across all
// four clients at once, what paykit promises everywhere. A fault matrix
// breaks every call of every client in every way a network or a provider can
// (5xx, 429 with Retry-After, refused and dropped connections, resets after
// the provider acted, timeouts, truncated, HTML, empty and 20 MiB bodies,
// redirects to another server) and proves the outcome is a success or a
// typed error, never a panic, never a second charge, and nothing sent where
// a redirect points. A secrets test plants known credentials in every client
// and proves none reaches a log record, an error string or formatted output;
// a hostile server that echoes every call's credential and body proves the
// same for tokens fetched at run time and card data, under every fmt verb.
// Every call that puts a string id in its path refuses empty, ".", ".." and
// control-character ids before anything is sent. A secrets sweep runs every
// call with a debug logger and finds no secret in its records, and the wire
// tables (one shared harness, internal/wiretest) pin the exact request of
// every call: method, path, query, credential, idempotency key and body.
// "Every call" holds by construction: TestEveryMethodHasEveryRow lists every
// exported service method by reflection and fails when one lacks a
// fault-matrix call, a secrets row or a wire row (or an exemption, with its
// reason, for the few that send nothing).
// Two more keep the docs honest: every exported name has a doc comment, and
// every Go snippet in the README compiles as it is written.
//
//	go test -v -run TestFaultMatrix ./conformance   # prints the matrix
package conformance
