package sim

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func newTestServer(t *testing.T) *Server {
	s := NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		WriteJSON(w, http.StatusCreated, map[string]string{"id": "p1", "note": "<ok>"})
	}))
	t.Cleanup(s.Close)
	return s
}

// hangGuard bounds a request only so that a stuck server fails the test
// instead of hanging it: reading the 20 MiB body under -race on a busy
// machine can take seconds, so no test may rely on a tighter bound.
const hangGuard = time.Minute

func post(t *testing.T, s *Server, path string) (*http.Response, []byte, error) {
	t.Helper()
	req, _ := http.NewRequestWithContext(context.Background(), "POST", s.URL+path, strings.NewReader(`{}`))
	resp, err := (&http.Client{Timeout: hangGuard}).Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

func TestFaultsBeforeHandlerDoNotCount(t *testing.T) {
	s := newTestServer(t)
	s.FailNext(1, Fault{Kind: Status, Status: 503, Body: `{"message":"busy"}`})
	s.FailNext(1, Fault{Kind: HTMLPage})
	s.FailNext(1, Fault{Kind: DropBefore})
	resp, body, err := post(t, s, "/pay")
	require.NoError(t, err)
	assert.Equal(t, 503, resp.StatusCode)
	assert.JSONEq(t, `{"message":"busy"}`, string(body))
	resp, body, err = post(t, s, "/pay")
	require.NoError(t, err)
	assert.Equal(t, 502, resp.StatusCode)
	assert.Contains(t, string(body), "<html>")
	_, _, err = post(t, s, "/pay")
	assert.Error(t, err)
	assert.Equal(t, 0, s.Handled("POST", "/pay"), "nothing reached the handler")
	resp, body, err = post(t, s, "/pay")
	require.NoError(t, err)
	assert.Equal(t, 201, resp.StatusCode)
	assert.Equal(t, "{\"id\":\"p1\",\"note\":\"<ok>\"}\n", string(body), "no HTML escaping")
	assert.Equal(t, 1, s.Handled("POST", "/pay"))
}

func TestFaultsAfterHandlerCount(t *testing.T) {
	s := newTestServer(t)
	for _, f := range []Fault{{Kind: StatusAfter, Status: 502}, {Kind: ResetAfter}, {Kind: Truncate}, {Kind: EmptyBody}} {
		s.FailNext(1, f)
	}
	resp, _, err := post(t, s, "/pay")
	require.NoError(t, err)
	assert.Equal(t, 502, resp.StatusCode)
	_, _, err = post(t, s, "/pay")
	assert.Error(t, err, "reset")
	_, _, err = post(t, s, "/pay")
	assert.Error(t, err, "truncated body")
	resp, body, err := post(t, s, "/pay")
	require.NoError(t, err)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Empty(t, body)
	assert.Equal(t, 4, s.Handled("POST", "/pay"), "each acted upon")
	assert.Equal(t, 4, s.HandledPrefix("POST", "/p"))
}

func TestFaultMatchingAndHugeBody(t *testing.T) {
	s := newTestServer(t)
	s.FailNext(1, Fault{Kind: HugeBody, PathPrefix: "/big"})
	resp, body, err := post(t, s, "/small")
	require.NoError(t, err)
	assert.Equal(t, 201, resp.StatusCode, "the fault waits for its path")
	assert.Contains(t, string(body), "p1")
	_, body, err = post(t, s, "/big")
	require.NoError(t, err)
	assert.Equal(t, 20<<20, len(body))
	s.FailNext(3, Fault{Kind: Status, Status: 500})
	s.ClearFaults()
	resp, _, err = post(t, s, "/x")
	require.NoError(t, err)
	assert.Equal(t, 201, resp.StatusCode)
}

func TestDelayAndClock(t *testing.T) {
	s := newTestServer(t)
	s.FailNext(1, Fault{Kind: Delay, Delay: 30 * time.Millisecond})
	start := time.Now()
	resp, _, err := post(t, s, "/slow")
	require.NoError(t, err)
	assert.Equal(t, 201, resp.StatusCode)
	assert.GreaterOrEqual(t, time.Since(start), 30*time.Millisecond)

	// An unset clock reads the real time: between two readings taken around
	// it, however long the machine stalls in between.
	var c Clock
	before := time.Now()
	got := c.Now()
	after := time.Now()
	assert.False(t, got.Before(before) || got.After(after), "%v not within [%v, %v]", got, before, after)
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	c.Set(at)
	c.Advance(time.Minute)
	assert.Equal(t, at.Add(time.Minute), c.Now())
	assert.Len(t, RandomHex(16), 32)
	assert.NotEqual(t, RandomHex(8), RandomHex(8))
}

// TestDelayHeldUntilClientGivesUp: a Delay fault reports on Held that it
// holds the request; a client that gives up then leaves the handler unrun.
func TestDelayHeldUntilClientGivesUp(t *testing.T) {
	s := newTestServer(t)
	held := make(chan struct{}, 1)
	s.FailNext(1, Fault{Kind: Delay, Delay: hangGuard, Held: held})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, "POST", s.URL+"/slow", strings.NewReader(`{}`))
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	select {
	case <-held:
	case <-time.After(hangGuard):
		t.Fatal("the Delay fault never reported holding the request")
	}
	cancel()
	assert.ErrorIs(t, <-done, context.Canceled)
	s.Close() // waits for the held handler to return
	assert.Equal(t, 0, s.Handled("POST", "/slow"), "the handler never ran")
}

func TestReadJSONLimits(t *testing.T) {
	var v map[string]any
	r, _ := http.NewRequest("POST", "/", strings.NewReader(`{"a":1}`))
	require.NoError(t, ReadJSON(r, &v))
	assert.Equal(t, float64(1), v["a"])
	r, _ = http.NewRequest("POST", "/", strings.NewReader(`{"a":`))
	assert.ErrorContains(t, ReadJSON(r, &v), "not valid JSON")
	r, _ = http.NewRequest("POST", "/", strings.NewReader(strings.Repeat(" ", MaxRequestBody+1)))
	assert.ErrorContains(t, ReadJSON(r, &v), "over")
}

func TestEchoRepeatsWhatItReceivedBeforeTheHandler(t *testing.T) {
	s := newTestServer(t)
	s.FailNext(1, Fault{Kind: Echo})
	s.FailNext(1, Fault{Kind: Echo, Status: 422})
	req, _ := http.NewRequestWithContext(context.Background(), "POST", s.URL+"/pay?x=1", strings.NewReader(`{"card_number":"4509953566233704"}`))
	req.Header.Set("Authorization", "Bearer tok-123")
	resp, err := (&http.Client{Timeout: hangGuard}).Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var got struct {
		Message, Error, Code, Detail, Echo string
		Errors                             []map[string]string
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&got))
	assert.Equal(t, 400, resp.StatusCode)
	assert.Equal(t, `rejected tok-123 for POST /pay?x=1: {"card_number":"4509953566233704"}`, got.Message)
	assert.Equal(t, "tok-123", got.Error)
	assert.Equal(t, "tok-123", got.Code)
	assert.Equal(t, got.Message, got.Detail)
	assert.Equal(t, `{"card_number":"4509953566233704"}`, got.Echo)
	require.Len(t, got.Errors, 1)
	assert.Equal(t, got.Message, got.Errors[0]["message"])
	resp, _, err = post(t, s, "/pay")
	require.NoError(t, err)
	assert.Equal(t, 422, resp.StatusCode)
	assert.Equal(t, 0, s.Handled("POST", "/pay"), "the handler never ran")
	assert.Equal(t, "echo", Echo.String())
}
