package paykit

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/paykit-go/paykit/internal/safefmt"
)

// Token is an access token a client obtained at run time (Fintecture's
// OAuth token, for example) and when it expires. It never prints its
// value: String, GoString, LogValue and every fmt verb show
// "Token{[redacted], expiry …}".
type Token struct {
	// Value is the token itself, a secret.
	Value string
	// Expiry is when the provider said it stops working; zero when it did
	// not say.
	Expiry time.Time
}

// String keeps the token value out of fmt output.
func (t Token) String() string {
	return "Token{[redacted], expiry " + t.Expiry.Format(time.RFC3339) + "}"
}

// GoString keeps the token value out of %#v output.
func (t Token) GoString() string { return t.String() }

// LogValue keeps the token value out of slog records.
func (t Token) LogValue() slog.Value { return slog.StringValue(t.String()) }

// Format prints String for every verb, so no verb reaches the value.
func (t Token) Format(f fmt.State, verb rune) { safefmt.Text(f, verb, t.String()) }
