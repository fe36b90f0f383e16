// Package fintecture is a client for the Fintecture open-banking API
// (France): immediate bank transfers initiated through the Connect page.
//
// The flow the package supports, as Fintecture documents it
// (https://docs.fintecture.com/, "Initiate an Immediate Transfer"):
//
//  1. obtain a PIS access token (done for you, cached and refreshed);
//  2. create a payment session with [PISService.Connect] and send the payer
//     to the returned URL;
//  3. when the payer comes back to your redirect URI, check the callback with
//     [ParseCallback] and [PISService.ConfirmReturn], which fetches the
//     payment instead of trusting the query string;
//  4. listen to webhooks with [NewWebhookVerifier] as a second channel, in
//     case the redirection never happens.
//
// Requests other than the token call are signed (Digest, Date, X-Request-ID
// and an RSA-SHA256 Signature) when a private key is configured; in
// production the key is mandatory. Fintecture has no idempotency header, so
// a POST that may have reached the server is never repeated by this package:
// look the session up before trying again.
//
// Amounts are exact ([money.Decimal]) and travel as decimal strings
// ("273.00"). Secrets never appear in errors, logs or fmt output.
package fintecture
