package storetest_test

import (
	"testing"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/paykittest/storetest"
)

// The in-memory defaults keep the contract they ask of every other store.

func TestMemoryReplayStore(t *testing.T) {
	storetest.ReplayStore(t, func(*testing.T) paykit.ReplayStore { return paykit.NewMemoryReplayStore(0) })
}
