package conformance

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit/etpay"
	"github.com/paykit-go/paykit/etpay/etpaytest"
	"github.com/paykit-go/paykit/finrota"
	"github.com/paykit-go/paykit/finrota/finrotatest"
	"github.com/paykit-go/paykit/fintecture"
	"github.com/paykit-go/paykit/fintecture/fintecturetest"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
)

// clientOptions builds a client of one provider from its simulator with the
// options every package shares, so one table checks that they mean the same
// thing everywhere.
type clientOptions struct {
	name  string
	build func(t *testing.T, hc *http.Client, now func() time.Time, base, max time.Duration) error
}

func sharedOptionSuites() []clientOptions {
	return []clientOptions{
		{name: "mercadopago", build: func(t *testing.T, hc *http.Client, now func() time.Time, base, max time.Duration) error {
			srv := mercadopagotest.NewServer()
			t.Cleanup(srv.Close)
			_, err := srv.Client(mercadopago.WithHTTPClient(hc), mercadopago.WithClock(now), mercadopago.WithRetryBackoff(base, max))
			return err
		}},
		{name: "finrota", build: func(t *testing.T, hc *http.Client, now func() time.Time, base, max time.Duration) error {
			srv := finrotatest.NewServer()
			t.Cleanup(srv.Close)
			_, err := srv.Client(finrota.WithHTTPClient(hc), finrota.WithClock(now), finrota.WithRetryBackoff(base, max))
			return err
		}},
		{name: "fintecture", build: func(t *testing.T, hc *http.Client, now func() time.Time, base, max time.Duration) error {
			srv := fintecturetest.NewServer()
			t.Cleanup(srv.Close)
			_, err := srv.Client(fintecture.WithHTTPClient(hc), fintecture.WithClock(now), fintecture.WithRetryBackoff(base, max))
			return err
		}},
		{name: "etpay", build: func(t *testing.T, hc *http.Client, now func() time.Time, base, max time.Duration) error {
			srv := etpaytest.NewServer()
			t.Cleanup(srv.Close)
			_, err := srv.Client(etpay.WithHTTPClient(hc), etpay.WithClock(now), etpay.WithRetryBackoff(base, max))
			return err
		}},
	}
}

// TestSharedClientOptionsMeanTheSameEverywhere: WithHTTPClient, WithClock
// and WithRetryBackoff exist in every package, accept the same values and
// refuse the same mistakes with the same words.
func TestSharedClientOptionsMeanTheSameEverywhere(t *testing.T) {
	hc := &http.Client{}
	for _, s := range sharedOptionSuites() {
		t.Run(s.name, func(t *testing.T) {
			require.NoError(t, s.build(t, hc, time.Now, time.Millisecond, time.Second), "good values are accepted")

			err := s.build(t, nil, time.Now, 0, 0)
			require.Error(t, err, "a nil http client is an error, never a silent default")
			assert.Equal(t, s.name+": http client: must not be nil", err.Error())

			err = s.build(t, hc, nil, 0, 0)
			require.Error(t, err)
			assert.Equal(t, s.name+": clock: must not be nil", err.Error())

			err = s.build(t, hc, time.Now, -time.Second, 0)
			require.Error(t, err)
			assert.Equal(t, s.name+": retry backoff: durations must not be negative", err.Error())
		})
	}
}
