package fintecture

// PaymentStatus is the status of a payment session
// (https://docs.fintecture.com/, "Payment statuses"). Values Fintecture adds
// later decode as they are; compare with the constants.
type PaymentStatus string

// Payment statuses.
const (
	// StatusCreated: the payment was initiated at the payer's bank. This
	// is the successful, final status of an immediate transfer.
	StatusCreated          PaymentStatus = "payment_created"
	StatusCancelled        PaymentStatus = "payment_cancelled"
	StatusUnsuccessful     PaymentStatus = "payment_unsuccessful"
	StatusExpired          PaymentStatus = "payment_expired"
	StatusError            PaymentStatus = "payment_error"
	StatusPending          PaymentStatus = "payment_pending"
	StatusSCARequired      PaymentStatus = "sca_required"
	StatusProviderRequired PaymentStatus = "provider_required"
	StatusWaiting          PaymentStatus = "payment_waiting"
	StatusUnknown          PaymentStatus = "payment_unknown"
	StatusPartial          PaymentStatus = "payment_partial"
	StatusOrderCreated     PaymentStatus = "order_created"
	StatusSessionInitiated PaymentStatus = "session_initiated"
)

// Paid reports whether the status means the transfer was initiated
// (payment_created).
func (s PaymentStatus) Paid() bool { return s == StatusCreated }

// Final reports whether the status cannot change any more on its own.
func (s PaymentStatus) Final() bool {
	switch s {
	case StatusCreated, StatusCancelled, StatusUnsuccessful, StatusExpired, StatusError:
		return true
	}
	return false
}

// Known reports whether s is one of the statuses this package names.
func (s PaymentStatus) Known() bool {
	switch s {
	case StatusCreated, StatusCancelled, StatusUnsuccessful, StatusExpired, StatusError, StatusPending,
		StatusSCARequired, StatusProviderRequired, StatusWaiting, StatusUnknown, StatusPartial, StatusOrderCreated,
		StatusSessionInitiated:
		return true
	}
	return false
}

// TransferState is where the money of a payment is
// (https://docs.fintecture.com/, "transfer_state"). Unknown values decode as
// they are.
type TransferState string

// Transfer states.
const (
	TransferCompleted      TransferState = "completed"
	TransferSent           TransferState = "sent"
	TransferProcessing     TransferState = "processing"
	TransferPending        TransferState = "pending"
	TransferAuthorized     TransferState = "authorized"
	TransferAccepted       TransferState = "accepted"
	TransferReceived       TransferState = "received"
	TransferOverpaid       TransferState = "overpaid"
	TransferRejected       TransferState = "rejected"
	TransferInsufficient   TransferState = "insufficient"
	TransferInitiated      TransferState = "initiated"
	TransferBlocked        TransferState = "blocked"
	TransferCancelled      TransferState = "cancelled"
	TransferMultiSignature TransferState = "multi-signature"
)

// Known reports whether t is one of the transfer states this package names.
func (t TransferState) Known() bool {
	switch t {
	case TransferCompleted, TransferSent, TransferProcessing, TransferPending, TransferAuthorized,
		TransferAccepted, TransferReceived, TransferOverpaid, TransferRejected, TransferInsufficient,
		TransferInitiated, TransferBlocked, TransferCancelled, TransferMultiSignature:
		return true
	}
	return false
}
