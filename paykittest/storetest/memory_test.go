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

func TestMemoryTokenStore(t *testing.T) {
	storetest.TokenStore(t, func(*testing.T) paykit.TokenStore { return paykit.NewMemoryTokenStore() })
}

func TestMemoryLocker(t *testing.T) {
	storetest.Locker(t, func(*testing.T) paykit.Locker { return paykit.NewMemoryLocker() })
}

func TestSealedTokenStore(t *testing.T) {
	key := make([]byte, 32)
	for i := range key {
		key[i] = byte(i)
	}
	storetest.TokenStore(t, func(t *testing.T) paykit.TokenStore {
		s, err := paykit.NewSealedTokenStore(paykit.NewMemoryTokenStore(), key, nil)
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}
