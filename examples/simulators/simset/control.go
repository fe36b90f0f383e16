package simset

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/paykit-go/paykit/internal/sim"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
	"github.com/paykit-go/paykit/paykittest"
)

// Control returns the control API, JSON in and out:
//
//	GET    /                 the simulators: URLs, credentials, script URLs
//	POST   /reset            forget everything (the simulators restart empty)
//	POST   /faults           {"provider", "kind", "status", "body", "delay_ms",
//	                          "method", "path_prefix", "count"}: fail the next
//	                          matching requests (kinds: status, status_after,
//	                          delay, drop_before, reset_after, truncate,
//	                          html_page, empty_body, huge_body)
//	DELETE /faults           drop every queued fault
//	POST   /complete         play the payer (see CompleteRequest); for a
//	                          Mercado Pago local payment (Pix, boleto, PSE,
//	                          OXXO, SPEI, Efecty…): {"provider":"mercadopago",
//	                          "payment_id":123,"outcome":"paid|rejected|expired"}
//	GET    /notifications    the notifications each simulator has sent
//	GET    /handled?provider=&method=&path_prefix=
//	                         how many matching requests a simulator acted on
//
// Errors answer {"error": "..."} with a 4xx status.
func (s *Set) Control() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) { sim.WriteJSON(w, http.StatusOK, s.Describe()) })
	mux.HandleFunc("POST /reset", func(w http.ResponseWriter, _ *http.Request) {
		if err := s.Reset(); err != nil {
			fail(w, http.StatusInternalServerError, err)
			return
		}
		sim.WriteJSON(w, http.StatusOK, map[string]bool{"reset": true})
	})
	mux.HandleFunc("POST /faults", s.faultHTTP)
	mux.HandleFunc("DELETE /faults", func(w http.ResponseWriter, _ *http.Request) {
		for _, srv := range s.servers() {
			srv.ClearFaults()
		}
		sim.WriteJSON(w, http.StatusOK, map[string]bool{"cleared": true})
	})
	mux.HandleFunc("POST /complete", func(w http.ResponseWriter, r *http.Request) {
		var c CompleteRequest
		if err := readJSON(r, &c); err != nil {
			fail(w, http.StatusBadRequest, err)
			return
		}
		res, err := s.Complete(r.Context(), c)
		switch {
		case errors.Is(err, errUnknownProvider):
			fail(w, http.StatusBadRequest, err)
			return
		case err != nil:
			fail(w, http.StatusConflict, err)
			return
		}
		sim.WriteJSON(w, http.StatusOK, res)
	})
	mux.HandleFunc("GET /notifications", func(w http.ResponseWriter, _ *http.Request) { sim.WriteJSON(w, http.StatusOK, s.Notifications()) })
	mux.HandleFunc("GET /handled", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		srv, ok := s.servers()[q.Get("provider")]
		if !ok || q.Get("method") == "" {
			fail(w, http.StatusBadRequest, fmt.Errorf("provider (%s) and method are required", strings.Join(Providers, ", ")))
			return
		}
		sim.WriteJSON(w, http.StatusOK, map[string]int{"count": srv.HandledPrefix(q.Get("method"), q.Get("path_prefix"))})
	})
	return mux
}

// faulter is what every simulator's embedded sim.Server offers.
type faulter interface {
	FailNext(n int, f sim.Fault)
	ClearFaults()
	HandledPrefix(method, prefix string) int
}

func (s *Set) servers() map[string]faulter {
	return map[string]faulter{MercadoPago: s.MercadoPago(), Finrota: s.Finrota(), Fintecture: s.Fintecture(), ETpay: s.ETpay()}
}

// faultKinds names the fault kinds for the control API.
var faultKinds = map[string]paykittest.FaultKind{
	"status": paykittest.Status, "status_after": paykittest.StatusAfter, "delay": paykittest.Delay,
	"drop_before": paykittest.DropBefore, "reset_after": paykittest.ResetAfter, "truncate": paykittest.Truncate,
	"html_page": paykittest.HTMLPage, "empty_body": paykittest.EmptyBody, "huge_body": paykittest.HugeBody,
}

// FaultRequest is the body of POST /faults.
type FaultRequest struct {
	Provider   string `json:"provider"`
	Kind       string `json:"kind"`
	Status     int    `json:"status,omitempty"`
	Body       string `json:"body,omitempty"`
	DelayMS    int    `json:"delay_ms,omitempty"`
	Method     string `json:"method,omitempty"`
	PathPrefix string `json:"path_prefix,omitempty"`
	// Count is how many matching requests fail (default 1).
	Count int `json:"count,omitempty"`
}

func (s *Set) faultHTTP(w http.ResponseWriter, r *http.Request) {
	var f FaultRequest
	if err := readJSON(r, &f); err != nil {
		fail(w, http.StatusBadRequest, err)
		return
	}
	srv, ok := s.servers()[f.Provider]
	if !ok {
		fail(w, http.StatusBadRequest, errUnknownProvider)
		return
	}
	kind, ok := faultKinds[f.Kind]
	switch {
	case !ok:
		fail(w, http.StatusBadRequest, errors.New("kind must be one of status, status_after, delay, drop_before, reset_after, truncate, html_page, empty_body, huge_body"))
		return
	case (kind == paykittest.Status || kind == paykittest.StatusAfter) && (f.Status < 100 || f.Status > 599):
		fail(w, http.StatusBadRequest, errors.New("status must be an HTTP status for kinds status and status_after"))
		return
	case f.Count < 0 || f.Count > 100 || f.DelayMS < 0 || f.DelayMS > 60000:
		fail(w, http.StatusBadRequest, errors.New("count must be 0 to 100 and delay_ms 0 to 60000"))
		return
	}
	if f.Count == 0 {
		f.Count = 1
	}
	srv.FailNext(f.Count, paykittest.Fault{Kind: kind, Status: f.Status, Body: f.Body, Delay: time.Duration(f.DelayMS) * time.Millisecond,
		Method: f.Method, PathPrefix: f.PathPrefix})
	sim.WriteJSON(w, http.StatusOK, map[string]int{"queued": f.Count})
}

// Description is the answer of GET /: how to reach each simulator. The
// credentials are the simulators' fixed test values, not secrets.
type Description struct {
	MercadoPago struct {
		URL           string `json:"url"`
		AccessToken   string `json:"access_token"`
		PublicKey     string `json:"public_key"`
		WebhookSecret string `json:"webhook_secret"`
		Script        string `json:"script"`
		// Site is the account's site for AccessToken; SiteAccessTokens
		// are tokens of the same simulator for each site (payments in
		// that site's currency, with its local methods).
		Site             string            `json:"site"`
		SiteAccessTokens map[string]string `json:"site_access_tokens"`
		// PayerPage is the prefix of the payers' pages of local payments
		// (+ "/{payment_id}"); YapeTokenURL makes a Yape token.
		PayerPage    string `json:"payer_page"`
		YapeTokenURL string `json:"yape_token_url"`
	} `json:"mercadopago"`
	Finrota struct {
		URL       string `json:"url"`
		APIKey    string `json:"api_key"`
		SecretKey string `json:"secret_key"`
		Script    string `json:"script"`
	} `json:"finrota"`
	Fintecture struct {
		URL        string `json:"url"`
		AppID      string `json:"app_id"`
		AppSecret  string `json:"app_secret"`
		PrivateKey string `json:"private_key_pem"`
	} `json:"fintecture"`
	ETpay struct {
		APIURL           string `json:"api_url"`
		PaymentURL       string `json:"payment_url"`
		MerchantCode     string `json:"merchant_code"`
		MerchantAPIToken string `json:"merchant_api_token"`
	} `json:"etpay"`
}

// Describe says how to reach each simulator.
func (s *Set) Describe() Description {
	var d Description
	mp, fr, ft, et := s.MercadoPago(), s.Finrota(), s.Fintecture(), s.ETpay()
	d.MercadoPago.URL, d.MercadoPago.AccessToken, d.MercadoPago.PublicKey = mp.URL, mp.AccessToken, mp.PublicKey
	d.MercadoPago.WebhookSecret, d.MercadoPago.Script = mp.WebhookSecret, mp.ScriptURL()
	d.MercadoPago.Site, d.MercadoPago.SiteAccessTokens = string(mp.Site), map[string]string{}
	for _, site := range mercadopago.Sites {
		d.MercadoPago.SiteAccessTokens[string(site)] = mp.SiteAccessToken(site)
	}
	d.MercadoPago.PayerPage = mp.URL + mercadopagotest.PayerPagePath
	d.MercadoPago.YapeTokenURL = mp.URL + mercadopagotest.YapeTokenPath + "?public_key=" + mp.PublicKey
	fc := fr.Credentials()
	d.Finrota.URL, d.Finrota.APIKey, d.Finrota.SecretKey, d.Finrota.Script = fr.URL, fc.APIKey, fc.SecretKey, fr.ScriptURL()
	tc := ft.Credentials()
	d.Fintecture.URL, d.Fintecture.AppID, d.Fintecture.AppSecret, d.Fintecture.PrivateKey = ft.URL, tc.AppID, tc.AppSecret, string(tc.PrivateKey)
	ec := et.Credentials()
	d.ETpay.APIURL, d.ETpay.PaymentURL, d.ETpay.MerchantCode, d.ETpay.MerchantAPIToken = et.APIURL(), et.PaymentURL(), ec.MerchantCode, ec.MerchantAPIToken
	return d
}

// Notification is one notification a simulator sent, for GET /notifications.
type Notification struct {
	// URL is where it went; StatusCode the answer (0 when none came) and
	// Error the transport failure, if any.
	URL        string `json:"url,omitempty"`
	StatusCode int    `json:"status_code"`
	Error      string `json:"error,omitempty"`
	// Action and DataID are Mercado Pago's; Fields Fintecture's form body.
	Action string            `json:"action,omitempty"`
	DataID string            `json:"data_id,omitempty"`
	Fields map[string]string `json:"fields,omitempty"`
}

// Notifications lists what each simulator has sent (Finrota sends none).
func (s *Set) Notifications() map[string][]Notification {
	out := map[string][]Notification{MercadoPago: {}, Fintecture: {}, ETpay: {}}
	errText := func(err error) string {
		if err == nil {
			return ""
		}
		return err.Error()
	}
	for _, d := range s.MercadoPago().Deliveries() {
		out[MercadoPago] = append(out[MercadoPago], Notification{URL: d.URL, StatusCode: d.StatusCode, Error: errText(d.Err), Action: d.Action, DataID: d.DataID})
	}
	for _, d := range s.Fintecture().Deliveries() {
		f := map[string]string{}
		for k := range d.Fields {
			f[k] = d.Fields.Get(k)
		}
		out[Fintecture] = append(out[Fintecture], Notification{StatusCode: d.StatusCode, Error: errText(d.Err), Fields: f})
	}
	for _, d := range s.ETpay().Deliveries() {
		out[ETpay] = append(out[ETpay], Notification{URL: d.URL, StatusCode: d.StatusCode, Error: errText(d.Err)})
	}
	return out
}

func readJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<16))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("body: %w", err)
	}
	return nil
}

func fail(w http.ResponseWriter, status int, err error) {
	sim.WriteJSON(w, status, map[string]string{"error": err.Error()})
}
