package mercadopago

import (
	"encoding/json"
	"testing"

	"github.com/paykit-go/paykit/internal/transport"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFastNotification(t *testing.T) {
	tests := []struct {
		name string
		body string
		ok   bool
	}{
		{"documented", `{"action":"payment.updated","api_version":"v1","data":{"id":"123456"},"date_created":"2021-11-01T02:02:02Z","id":123456,"live_mode":false,"type":"payment","user_id":724484980}`, true},
		{"string ids", `{"id":"123456","user_id":"724484980","data":{"id":123456}}`, true},
		{"nulls and extras", ` {"id":null,"type":null,"date_created":null,"data":null,"extra":{"a":[1,"x\"y",true,null,{}]}} `, true},
		{"escaped string", `{"type":"pay\u006dent"}`, false},
		{"fraction id", `{"id":1.0}`, false},
		{"exponent elsewhere", `{"extra":1e5}`, false},
		{"upper-case key", `{"ID":5}`, false},
		{"bad date", `{"date_created":"yesterday"}`, false},
		{"empty date", `{"date_created":""}`, false},
		{"trailing garbage", `{"id":1} x`, false},
		{"leading zero", `{"id":012}`, false},
		{"not an object", `[1]`, false},
		{"truncated", `{"id":1`, false},
		{"invalid utf8", "{\"type\":\"\xff\"}", false},
		{"valid escapes in a skipped value", `{"extra":"\u00e9\n\t\/\\\"","id":1}`, true},
		{"invalid escape in a skipped value", `{"extra":"\é"}`, false},
		{"unknown escape letter", `{"extra":"\q"}`, false},
		{"short unicode escape", `{"extra":"\u12"}`, false},
		{"non-hex unicode escape", `{"extra":"\u12g4"}`, false},
		{"backslash at the end", `{"extra":"\`, false},
		{"too deep", `{"x":` + string(make([]byte, 0)) + deep(40) + `}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n Notification
			assert.Equal(t, tt.ok, fastNotification([]byte(tt.body), &n))
			var m Notification
			err := m.UnmarshalJSON([]byte(tt.body))
			if tt.ok {
				require.NoError(t, err)
			}
		})
	}
}

func deep(n int) string {
	s := ""
	for i := 0; i < n; i++ {
		s += "["
	}
	for i := 0; i < n; i++ {
		s += "]"
	}
	return s
}

// FuzzFastNotification checks the allocation-free decoder against
// encoding/json: whenever it accepts a body, the body is valid JSON and the
// slow path reads the same notification.
func FuzzFastNotification(f *testing.F) {
	f.Add([]byte(`{"action":"payment.updated","api_version":"v1","data":{"id":"123456"},"date_created":"2021-11-01T02:02:02Z","id":123456,"live_mode":false,"type":"payment","user_id":724484980}`))
	f.Add([]byte(`{"id":"-5","user_id":null,"data":{"id":-7,"x":[{}]},"live_mode":true}`))
	f.Add([]byte(`{"extra":"\\\"","type":"é"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var fast Notification
		if !fastNotification(b, &fast) || transport.CheckMembers(b, Notification{}) != nil {
			return // UnmarshalJSON then takes the slow path
		}
		if !json.Valid(b) {
			t.Fatalf("accepted invalid JSON %q", b)
		}
		var slow Notification
		type plain Notification
		if err := transport.Decode(b, (*plain)(&slow)); err != nil {
			t.Fatalf("slow path failed on %q: %v", b, err)
		}
		slow.Unparsed = nil
		if !fast.DateCreated.Equal(slow.DateCreated) {
			t.Fatalf("date differs on %q: %v vs %v", b, fast.DateCreated, slow.DateCreated)
		}
		fast.DateCreated = slow.DateCreated
		assert.Equal(t, slow, fast, "%q", b)
	})
}

// TestNotificationWithARepeatedMemberIsRefused: the fast path reads each
// member once, so a body that repeats one (or names one in another letter
// case) must still be refused whole, as Decode refuses every other answer.
// (Inside a member no paykit type reads, Decode does not look either.)
func TestNotificationWithARepeatedMemberIsRefused(t *testing.T) {
	for _, body := range []string{
		`{"id":"10","id":null}`,
		`{"type":"payment","action":"payment.created","action":"payment.updated","data":{"id":"1"}}`,
		`{"type":"payment","data":{"id":"1","id":"2"}}`,
	} {
		var n Notification
		err := n.UnmarshalJSON([]byte(body))
		assert.ErrorContains(t, err, "appears twice", body)
		assert.Equal(t, Notification{}, n, "nothing half-read is kept: %s", body)
	}
	var n Notification
	require.NoError(t, n.UnmarshalJSON([]byte(`{"type":"payment","action":"payment.updated","data":{"id":"1"}}`)))
	assert.Equal(t, "payment.updated", n.Action)
}
