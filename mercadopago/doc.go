// Package mercadopago is a typed client for the Mercado Pago payments API:
// card payments (one-off, authorize-then-capture, saved cards), the Fintoc
// bank-transfer method, refunds and cancellations, customers and their cards,
// and verification of the signed webhook notifications Mercado Pago sends.
//
// Amounts are exact (money.Decimal, never float64), a zero you set on
// purpose (capture false, installments 0) is sent, every call that changes
// something carries an X-Idempotency-Key that stays the same on every retry,
// and responses are decoded tolerantly: a field that drifted to an odd shape
// (a number sent as a string, "***" in a masked field, an unknown status) is
// read when it can be and otherwise left at its zero value and listed in the
// result's Unparsed field, instead of failing the whole call.
//
// Beyond single payments: orders of the Orders API (Orders), marketplace
// OAuth to connect sellers and act for them with their token (OAuth,
// SellerTokenSource, WithSeller, WithAccessToken), subscription plans and
// subscriptions (Plans, Subscriptions), chargebacks (Chargebacks) and the
// account behind a token (Users.Me).
//
// API reference: https://www.mercadopago.com/developers/en/reference
package mercadopago
