package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// What every side sends and what the server answers.
const (
	accessToken = "APP_USR-bench-0000000000000000-000000-token"
	cardToken   = "ff8080814c11e237014c1ff593b57b4d"
	payerEmail  = "buyer@example.com"
	customerID  = "1234567890-AbCdEfGhIjKlMn"
	paymentID   = 1316782591
	pageSize    = 50
	searchTotal = 500
)

// paymentJSON is an approved card payment shaped as GET /v1/payments/{id}
// documents it (https://www.mercadopago.com/developers/en/reference/payments/_payments_id/get),
// about 1.5 KB. %d is the id; %s is extra additional_info items (padding).
const paymentJSON = `{"id":%d,"date_created":"2026-11-02T10:15:30.000-04:00","date_approved":"2026-11-02T10:15:31.000-04:00",` +
	`"date_last_updated":"2026-11-02T10:15:31.000-04:00","money_release_date":"2026-11-20T10:15:31.000-04:00",` +
	`"operation_type":"regular_payment","issuer_id":"310","payment_method_id":"master",` +
	`"payment_type_id":"credit_card","status":"approved","status_detail":"accredited","currency_id":"CLP",` +
	`"description":"Order 1042","live_mode":false,"sponsor_id":null,"collector_id":448876418,` +
	`"payer":{"type":null,"id":"123456789","email":"buyer@example.com","identification":{"type":"RUT","number":"11111111-1"},` +
	`"first_name":null,"last_name":null},"metadata":{"order_id":"1042"},"additional_info":{"ip_address":"203.0.113.7",` +
	`"items":[{"id":"sku-1","title":"Headphones","quantity":"1","unit_price":"15990"}%s]},"external_reference":"order-1042",` +
	`"transaction_amount":15990,"transaction_amount_refunded":0,"coupon_amount":0,"installments":1,` +
	`"transaction_details":{"net_received_amount":15350,"total_paid_amount":15990,` +
	`"external_resource_url":null,"installment_amount":15990},` +
	`"fee_details":[{"type":"mercadopago_fee","amount":640,"fee_payer":"collector"}],"captured":true,"binary_mode":false,` +
	`"statement_descriptor":"MERCADOPAGO","card":{"id":null,"first_six_digits":"503175","last_four_digits":"0604",` +
	`"expiration_month":11,"expiration_year":2030,` +
	`"cardholder":{"name":"APRO","identification":{"number":"11111111-1","type":"RUT"}}},"notification_url":null,` +
	`"refunds":[],"point_of_interaction":{"type":"UNSPECIFIED"}}`

// padItem is one more cart line, repeated to grow a payment to a size.
const padItem = `,{"id":"sku-%06d","title":"Spare ear cushions, pair","quantity":"1","unit_price":"1990"}`

// paymentBody returns a payment of about size bytes (never less than the
// plain 1.5 KB one), padded with cart lines.
func paymentBody(id int64, size int) []byte {
	base := fmt.Sprintf(paymentJSON, id, "")
	var pad strings.Builder
	for i := 0; len(base)+pad.Len() < size; i++ {
		fmt.Fprintf(&pad, padItem, i)
	}
	return []byte(fmt.Sprintf(paymentJSON, id, pad.String()))
}

// cardJSON is a saved card as GET /v1/customers/{id}/cards lists it
// (https://www.mercadopago.com/developers/en/reference/cards/_customers_customer_id_cards/get).
const cardJSON = `{"id":"%d","customer_id":"1234567890-AbCdEfGhIjKlMn","user_id":"448876418","expiration_month":11,` +
	`"expiration_year":2030,"first_six_digits":"503175","last_four_digits":"0604","payment_method":{"id":"master",` +
	`"name":"Mastercard","payment_type_id":"credit_card","thumbnail":"https://http2.mlstatic.com/storage/logos-api-admin/master.png",` +
	`"secure_thumbnail":"https://http2.mlstatic.com/storage/logos-api-admin/master.png"},"security_code":{"length":3,` +
	`"card_location":"back"},"issuer":{"id":310,"name":"Mastercard"},"cardholder":{"name":"APRO","identification":` +
	`{"number":"11111111-1","type":"RUT"}},"date_created":"2026-10-02T10:15:30.000-04:00",` +
	`"date_last_updated":"2026-10-02T10:15:30.000-04:00","live_mode":false}`

// refundJSON is a refund as POST /v1/payments/{id}/refunds answers it
// (https://www.mercadopago.com/developers/en/reference/chargebacks/_payments_id_refunds/post).
const refundJSON = `{"id":1245289423,"payment_id":%d,"amount":15990,"metadata":{},"source":{"name":"Shop","id":"448876418",` +
	`"type":"collector"},"date_created":"2026-11-02T10:20:30.000-04:00","unique_sequence_number":null,` +
	`"refund_mode":"standard","adjustment_amount":0,"status":"approved","reason":null,"labels":[],` +
	`"amount_refunded_to_payer":15990,"partition_details":[]}`

// api is the loopback Mercado Pago every side talks to. It checks what a
// real server would refuse (the Bearer token, an idempotency key on every
// non-GET call, the body of a payment) and answers a failed check with 400,
// which fails the benchmark: a side that skipped work is not measured.
type api struct {
	*httptest.Server
	dials   atomic.Int64 // connections accepted
	refused atomic.Int64 // requests that failed a check
	mu      sync.Mutex
	why     string // the first failed check

	payment []byte   // GET and POST /v1/payments answer
	sized   [][]byte // GET /v1/payments/{1..n}: paymentBody of sizes[i-1]
	pages   [][]byte // search pages, by offset/pageSize
	cards   []byte
	refund  []byte
}

// newAPI starts the server; sizes are the body sizes GET /v1/payments/{i}
// answers with for i = 1, 2, …
func newAPI(tb testing.TB, sizes ...int) *api {
	a := &api{
		payment: paymentBody(paymentID, 0),
		refund:  []byte(fmt.Sprintf(refundJSON, paymentID)),
	}
	for _, n := range sizes {
		a.sized = append(a.sized, paymentBody(paymentID, n))
	}
	for off := 0; off < searchTotal; off += pageSize {
		var b bytes.Buffer
		fmt.Fprintf(&b, `{"paging":{"total":%d,"limit":%d,"offset":%d},"results":[`, searchTotal, pageSize, off)
		for i := 0; i < pageSize; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			b.Write(paymentBody(int64(paymentID+off+i), 0))
		}
		b.WriteString("]}")
		a.pages = append(a.pages, b.Bytes())
	}
	var cards bytes.Buffer
	cards.WriteByte('[')
	for i := 0; i < 3; i++ {
		if i > 0 {
			cards.WriteByte(',')
		}
		fmt.Fprintf(&cards, cardJSON, 9000000000+i)
	}
	cards.WriteByte(']')
	a.cards = cards.Bytes()

	a.Server = httptest.NewUnstartedServer(http.HandlerFunc(a.serve))
	a.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			a.dials.Add(1)
		}
	}
	a.Start()
	tb.Cleanup(a.Close)
	return a
}

// check fails the benchmark or test if any request failed a check.
func (a *api) check(tb testing.TB) {
	tb.Helper()
	if n := a.refused.Load(); n > 0 {
		a.mu.Lock()
		defer a.mu.Unlock()
		tb.Fatalf("the server refused %d requests; the first: %s", n, a.why)
	}
}

func (a *api) refuse(w http.ResponseWriter, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if a.refused.Add(1) == 1 {
		a.mu.Lock()
		a.why = msg
		a.mu.Unlock()
	}
	http.Error(w, `{"message":"`+msg+`","status":400}`, http.StatusBadRequest)
}

// paymentRequest is what the server reads of POST /v1/payments.
type paymentRequest struct {
	TransactionAmount json.Number `json:"transaction_amount"`
	Token             string      `json:"token"`
	Installments      int         `json:"installments"`
	Payer             struct {
		Email string `json:"email"`
	} `json:"payer"`
}

func (a *api) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		a.refuse(w, "reading the body: %v", err)
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+accessToken {
		a.refuse(w, "%s %s: no valid Bearer token", r.Method, r.URL.Path)
		return
	}
	if r.Method != http.MethodGet && len(r.Header.Get("X-Idempotency-Key")) < 16 {
		a.refuse(w, "%s %s: no X-Idempotency-Key", r.Method, r.URL.Path)
		return
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/v1/payments":
		var p paymentRequest
		if err := json.Unmarshal(body, &p); err != nil || p.TransactionAmount != "15990" || p.Token != cardToken ||
			p.Installments != 1 || p.Payer.Email != payerEmail || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			a.refuse(w, "POST /v1/payments: unexpected body %s", body)
			return
		}
		answer(w, http.StatusCreated, a.payment)
	case r.Method == http.MethodGet && r.URL.Path == "/v1/payments/search":
		q := r.URL.Query()
		off, err := 0, error(nil) // the API's default offset is 0
		if v := q.Get("offset"); v != "" {
			off, err = strconv.Atoi(v)
		}
		if err != nil || q.Get("limit") != strconv.Itoa(pageSize) || off < 0 || off%pageSize != 0 || off >= searchTotal {
			a.refuse(w, "search: unexpected query %q", r.URL.RawQuery)
			return
		}
		answer(w, http.StatusOK, a.pages[off/pageSize])
	case r.Method == http.MethodGet && len(parts) == 3 && parts[1] == "payments":
		id, _ := strconv.Atoi(parts[2])
		switch {
		case id == paymentID:
			answer(w, http.StatusOK, a.payment)
		case id >= 1 && id <= len(a.sized):
			answer(w, http.StatusOK, a.sized[id-1])
		default:
			a.refuse(w, "GET %s: unknown payment", r.URL.Path)
		}
	case r.Method == http.MethodGet && len(parts) == 4 && parts[1] == "customers" && parts[3] == "cards":
		if parts[2] != customerID {
			a.refuse(w, "GET %s: unknown customer", r.URL.Path)
			return
		}
		answer(w, http.StatusOK, a.cards)
	case r.Method == http.MethodPost && len(parts) == 4 && parts[1] == "payments" && parts[3] == "refunds":
		if parts[2] != strconv.Itoa(paymentID) {
			a.refuse(w, "POST %s: unknown payment", r.URL.Path)
			return
		}
		// A full refund: no body, or an empty object.
		if b := strings.TrimSpace(string(body)); b != "" && b != "{}" && b != "null" {
			a.refuse(w, "POST %s: a full refund sends no amount, got %s", r.URL.Path, body)
			return
		}
		answer(w, http.StatusCreated, a.refund)
	default:
		a.refuse(w, "unexpected %s %s", r.Method, r.URL.Path)
	}
}

func answer(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h["Content-Type"] = []string{"application/json"}
	h["X-Request-Id"] = []string{"bench-request"}
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
