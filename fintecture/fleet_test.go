package fintecture_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/fintecture"
	"github.com/paykit-go/paykit/fintecture/fintecturetest"
	"github.com/paykit-go/paykit/internal/sim"
)

func TestFleetSharesOneOAuthTokenPerExpiry(t *testing.T) {
	clk := &sim.Clock{}
	clk.Set(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC))
	srv := fintecturetest.NewServer(fintecturetest.WithClock(clk.Now), fintecturetest.WithTokenTTL(20*time.Minute))
	defer srv.Close()
	store := paykit.NewMemoryTokenStore()
	locker := paykit.NewMemoryLocker(paykit.WithLockClock(clk.Now))
	cs := make([]*fintecture.Client, 20)
	for i := range cs {
		c, err := srv.Client(fintecture.WithClock(clk.Now),
			fintecture.WithTokenStore(store, "fintecture:"+fintecturetest.DefaultAppID), fintecture.WithTokenLocker(locker))
		require.NoError(t, err)
		cs[i] = c
	}
	all := func() {
		var wg sync.WaitGroup
		for _, c := range cs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := c.Token(context.Background())
				assert.NoError(t, err)
			}()
		}
		wg.Wait()
	}
	all()
	assert.Equal(t, 1, srv.Handled(http.MethodPost, "/oauth/accesstoken"), "a cold fleet fetched one token")
	first, err := cs[3].Token(context.Background())
	require.NoError(t, err)
	other, err := cs[17].Token(context.Background())
	require.NoError(t, err)
	assert.Equal(t, first.Value, other.Value, "every replica holds the same token")

	clk.Advance(20 * time.Minute)
	all()
	assert.Equal(t, 2, srv.Handled(http.MethodPost, "/oauth/accesstoken"), "one fetch per expiry")
	renewed, err := cs[3].Token(context.Background())
	require.NoError(t, err)
	assert.NotEqual(t, first.Value, renewed.Value)
}

func TestFleetTokenStoreOptionsAreChecked(t *testing.T) {
	creds := fintecture.Credentials{AppID: "app", AppSecret: "secret"}
	_, err := fintecture.NewClient(creds, fintecture.WithTokenStore(nil, "k"))
	assert.ErrorContains(t, err, "token store: must not be nil")
	_, err = fintecture.NewClient(creds, fintecture.WithTokenLocker(paykit.NewMemoryLocker()))
	assert.ErrorContains(t, err, "needs a token store")
}
