package webhook

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/paykit-go/paykit"
)

func TestObserveOutcomesAndReasons(t *testing.T) {
	errSig := errors.New("signature does not match")
	reasons := []Reason{{Err: errSig, Name: "signature"}}
	var got []paykit.VerifyInfo
	o := &paykit.Observer{Verify: func(_ context.Context, v paykit.VerifyInfo) { got = append(got, v) }}
	r := httptest.NewRequest("POST", "/hook", nil)
	for _, err := range []error{
		nil,
		fmt.Errorf("acme: %w", errSig),
		fmt.Errorf("acme: %w", paykit.ErrReplayed),
		fmt.Errorf("acme: %w: %w", paykit.ErrReplayStore, errors.New("redis down")),
		fmt.Errorf("acme: %w", ErrBodyTooLarge),
		CheckTime(time.Unix(0, 0), time.Unix(3600, 0), time.Minute),
		errors.New("something else"),
	} {
		Observe(o, r, "acme", "webhook", time.Now(), err, reasons)
	}
	Observe(o, nil, "acme", "webhook", time.Now(), nil, reasons)
	want := []struct {
		outcome paykit.VerifyOutcome
		reason  string
	}{
		{paykit.VerifyAccepted, ""}, {paykit.VerifyRefused, "signature"}, {paykit.VerifyReplayRefused, "replayed"},
		{paykit.VerifyRefused, "replay_store"}, {paykit.VerifyRefused, "body_too_large"}, {paykit.VerifyRefused, "too_old"},
		{paykit.VerifyRefused, "other"}, {paykit.VerifyAccepted, ""},
	}
	if assert.Len(t, got, len(want)) {
		for i, w := range want {
			assert.Equal(t, w.outcome, got[i].Outcome, "case %d", i)
			assert.Equal(t, w.reason, got[i].Reason, "case %d", i)
			assert.Equal(t, "acme", got[i].Provider)
			assert.Equal(t, "webhook", got[i].Kind)
		}
	}
	Observe(nil, r, "acme", "webhook", time.Now(), nil, reasons) // no Observer: nothing to call, no panic
	Observe(&paykit.Observer{}, r, "acme", "webhook", time.Now(), nil, reasons)
}
