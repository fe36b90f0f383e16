// Package paykit is the vocabulary shared by every provider package
// (mercadopago, finrota, fintecture, etpay): the names a merchant's code uses
// the same way whichever provider it talks to.
//
// Today it holds replay protection for webhook and notification verifiers:
// the ReplayStore interface every verifier records accepted deliveries in,
// its bounded in-memory default (NewMemoryReplayStore), and the errors a
// verifier returns for a replayed delivery (ErrReplayed) or a record that
// could not be written (ErrReplayStore).
//
// The package depends on the standard library only, so importing it costs
// nothing beyond the provider package that already needs it.
package paykit
