package mercadopago

// One rule for a cancelled status, wherever paykit reads one.
//
// Mercado Pago spells the status of something cancelled two ways: the
// payments, merchant-order and subscription APIs send "cancelled", the
// Orders API reference writes "canceled" while real order answers have been
// seen with "cancelled" [docs vs. observed answers, see issue 23]. paykit
// reads both spellings as the same status: each status type below decodes
// either spelling to its own constant (OrderCanceled, TransactionCanceled,
// StatusCancelled, SubscriptionCancelled, PlanCanceled,
// AuthorizedPaymentCancelled), so comparing with the constant is enough.
// Normalize applies the same rule to a value that did not come through a
// decoder (a query string, a database column).

// isCancelled reports whether s is either spelling of "cancelled" (letter
// case as the API sends it: lower).
func isCancelled(s string) bool { return s == "canceled" || s == "cancelled" }

// Normalize returns s with either spelling of a cancelled status replaced
// by OrderCanceled; other values are returned as they are.
func (s OrderStatus) Normalize() OrderStatus {
	if isCancelled(string(s)) {
		return OrderCanceled
	}
	return s
}

// UnmarshalText reads an order status, "cancelled" as OrderCanceled.
func (s *OrderStatus) UnmarshalText(b []byte) error {
	*s = OrderStatus(b).Normalize()
	return nil
}

// Normalize returns s with either spelling of a cancelled status replaced
// by TransactionCanceled; other values are returned as they are.
func (s TransactionStatus) Normalize() TransactionStatus {
	if isCancelled(string(s)) {
		return TransactionCanceled
	}
	return s
}

// UnmarshalText reads a transaction status, "cancelled" as TransactionCanceled.
func (s *TransactionStatus) UnmarshalText(b []byte) error {
	*s = TransactionStatus(b).Normalize()
	return nil
}

// Normalize returns s with either spelling of a cancelled status replaced
// by StatusCancelled; other values are returned as they are.
func (s PaymentStatus) Normalize() PaymentStatus {
	if isCancelled(string(s)) {
		return StatusCancelled
	}
	return s
}

// UnmarshalText reads a payment status, "canceled" as StatusCancelled.
func (s *PaymentStatus) UnmarshalText(b []byte) error {
	*s = PaymentStatus(b).Normalize()
	return nil
}

// Normalize returns s with either spelling of a cancelled status replaced
// by SubscriptionCancelled; other values are returned as they are.
func (s SubscriptionStatus) Normalize() SubscriptionStatus {
	if isCancelled(string(s)) {
		return SubscriptionCancelled
	}
	return s
}

// UnmarshalText reads a subscription status, "canceled" as SubscriptionCancelled.
func (s *SubscriptionStatus) UnmarshalText(b []byte) error {
	*s = SubscriptionStatus(b).Normalize()
	return nil
}

// Normalize returns s with either spelling of a cancelled status replaced
// by PlanCanceled; other values are returned as they are.
func (s PlanStatus) Normalize() PlanStatus {
	if isCancelled(string(s)) {
		return PlanCanceled
	}
	return s
}

// UnmarshalText reads a plan status, "canceled" as PlanCanceled.
func (s *PlanStatus) UnmarshalText(b []byte) error {
	*s = PlanStatus(b).Normalize()
	return nil
}
