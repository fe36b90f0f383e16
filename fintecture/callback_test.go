package fintecture

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/paykit-go/paykit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseCallback(t *testing.T) {
	tests := []struct {
		name  string
		query string
		want  *Callback
		err   string
	}{
		{"seed", "session_id=44f0&status=payment_created&provider=cmcifr2a&customer_id=3621&state=order-1",
			&Callback{SessionID: "44f0", ReportedStatus: StatusCreated, Provider: "cmcifr2a", CustomerID: "3621", State: "order-1"}, ""},
		{"only required", "session_id=s&state=o", &Callback{SessionID: "s", State: "o"}, ""},
		{"no session", "status=payment_created&state=o", nil, "session_id is missing"},
		{"no state", "session_id=s", nil, "state is missing"},
		{"long state", "session_id=s&state=" + strings.Repeat("x", 513), nil, "state is longer"},
		{"long session", "session_id=" + strings.Repeat("x", 300) + "&state=o", nil, "session_id is too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := url.ParseQuery(tt.query)
			require.NoError(t, err)
			cb, err := ParseCallback(q)
			if tt.err != "" {
				require.ErrorIs(t, err, ErrCallbackMalformed)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, cb)
		})
	}
}

func TestVerifyCallback(t *testing.T) {
	mt, rec := mockAPI(t)
	c := newTestClient(t, mt, true)
	mt.RegisterResponder(http.MethodGet, testBase+"/pis/v2/payments/44f00841780445d4981be9ea2f8aafae", respondFile(t, rec, 200, "payment.json"))
	mt.RegisterResponder(http.MethodGet, testBase+"/pis/v2/payments/other", respondFile(t, rec, 200, "payment.json"))

	// The query claims failure; Fintecture says paid: the payment wins.
	cb := &Callback{SessionID: "44f00841780445d4981be9ea2f8aafae", ReportedStatus: StatusUnsuccessful, State: "order-1"}
	p, err := c.PIS.ConfirmReturn(context.Background(), cb, "order-1")
	require.NoError(t, err)
	assert.Equal(t, StatusCreated, p.Status)

	calls := mt.GetTotalCallCount()
	_, err = c.PIS.ConfirmReturn(context.Background(), cb, "order-2")
	assert.ErrorIs(t, err, ErrStateMismatch)
	assert.Equal(t, calls, mt.GetTotalCallCount(), "a wrong state is refused before any call")

	_, err = c.PIS.ConfirmReturn(context.Background(), &Callback{SessionID: "other", State: "order-1"}, "order-1")
	assert.ErrorIs(t, err, ErrSessionMismatch)

	_, err = c.PIS.ConfirmReturn(context.Background(), nil, "order-1")
	assert.ErrorIs(t, err, ErrCallbackMalformed)
	_, err = c.PIS.ConfirmReturn(context.Background(), cb, "")
	var ve *paykit.ValidationError
	assert.ErrorAs(t, err, &ve)

	mt.RegisterResponder(http.MethodGet, testBase+"/pis/v2/payments/gone", httpmock.NewStringResponder(404, `{"status":"404","code":"not_found"}`))
	_, err = c.PIS.ConfirmReturn(context.Background(), &Callback{SessionID: "gone", State: "o"}, "o")
	var fe *Error
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, 404, fe.StatusCode)
}
