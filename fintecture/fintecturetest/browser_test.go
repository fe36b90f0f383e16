package fintecturetest_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit/fintecture"
	"github.com/paykit-go/paykit/fintecture/fintecturetest"
	"github.com/paykit-go/paykit/money"
)

func TestConnectPage(t *testing.T) {
	srv := fintecturetest.NewServer()
	defer srv.Close()
	c, err := srv.Client()
	require.NoError(t, err)
	connect := func(state string) *fintecture.Session {
		s, err := c.PIS.Connect(context.Background(), &fintecture.ConnectRequest{Amount: money.MustParse("273"), Currency: "EUR",
			Communication: "B34970692", RedirectURI: "https://shop.example/back?x=1", State: state,
			PSU: &fintecture.PSU{Name: "Julien Lefebre", Email: "julien.lefebre@example.com"}})
		require.NoError(t, err)
		return s
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	s := connect("order-1")
	resp, err := http.Get(s.URL)
	require.NoError(t, err)
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	for _, want := range []string{"273.00 EUR", "B34970692", "Julien Lefebre", `value="paid"`, `value="refused"`, `value="cancelled"`} {
		assert.Contains(t, string(page), want)
	}

	resp, err = noRedirect.PostForm(s.URL, url.Values{"outcome": {"maybe"}})
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)

	resp, err = noRedirect.PostForm(s.URL, url.Values{"outcome": {"paid"}, "provider": {"bnpafrpp"}})
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	back, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	assert.Equal(t, "shop.example", back.Host)
	assert.Equal(t, "1", back.Query().Get("x"))
	assert.Equal(t, s.SessionID, back.Query().Get("session_id"))
	assert.Equal(t, "payment_created", back.Query().Get("status"))
	assert.Equal(t, "order-1", back.Query().Get("state"))
	st, _ := srv.SessionStatus(s.SessionID)
	assert.Equal(t, fintecture.StatusCreated, st)

	resp, err = noRedirect.PostForm(s.URL, url.Values{"outcome": {"cancelled"}})
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusConflict, resp.StatusCode, "a finished session cannot end twice")

	s2 := connect("order-2")
	resp, err = noRedirect.PostForm(s2.URL, url.Values{"outcome": {"refused"}})
	require.NoError(t, err)
	resp.Body.Close()
	st, _ = srv.SessionStatus(s2.SessionID)
	assert.Equal(t, fintecture.StatusUnsuccessful, st)

	resp, err = http.Get(srv.URL + "/v2/00000000-0000-4000-a000-000000000000")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}
