package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/mercadopago/sdk-go/pkg/config"
	sdkcard "github.com/mercadopago/sdk-go/pkg/customercard"
	sdkpayment "github.com/mercadopago/sdk-go/pkg/payment"
	sdkrefund "github.com/mercadopago/sdk-go/pkg/refund"

	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/money"
)

// side is one way of calling the API. Every call checks what it read
// (the id, the status, the amount), so no side can skip decoding.
type side struct {
	name   string
	create func(ctx context.Context) error
	get    func(ctx context.Context, id int64) error
	search func(ctx context.Context) (int, error) // walks every result; returns how many
	cards  func(ctx context.Context) error
	refund func(ctx context.Context) error
}

var errWrongAnswer = errors.New("the answer did not carry what the server sent")

// want checks the fields every side reads of a payment.
func want(id int64, status string, amount string) error {
	if id <= 0 || status != "approved" || amount != "15990" {
		return fmt.Errorf("%w: id %d, status %q, amount %s", errWrongAnswer, id, status, amount)
	}
	return nil
}

// paykitSide is paykit's client as an importer builds it: the default HTTP
// client (transport.DefaultHTTPClient), default retries, a generated
// idempotency key on every non-GET call.
func paykitSide(a *api) side {
	c, err := mercadopago.NewClient(mercadopago.Credentials{AccessToken: accessToken}, mercadopago.WithBaseURL(a.URL))
	if err != nil {
		panic(err)
	}
	req := &mercadopago.PaymentRequest{
		TransactionAmount: money.FromInt(15990), Token: cardToken, Installments: mercadopago.Ptr(1),
		Description: "Order 1042", Payer: &mercadopago.PaymentPayer{Email: payerEmail},
	}
	read := func(p *mercadopago.Payment, err error) error {
		if err != nil {
			return err
		}
		return want(p.ID, string(p.Status), p.TransactionAmount.String())
	}
	return side{
		name:   "paykit",
		create: func(ctx context.Context) error { return read(c.Payments.Create(ctx, req)) },
		get:    func(ctx context.Context, id int64) error { return read(c.Payments.Get(ctx, id)) },
		search: func(ctx context.Context) (int, error) {
			n := 0
			for p, err := range c.Payments.Search(ctx, &mercadopago.PaymentSearch{Limit: pageSize}) {
				if err != nil {
					return n, err
				}
				if err := want(p.ID, string(p.Status), p.TransactionAmount.String()); err != nil {
					return n, err
				}
				n++
			}
			return n, nil
		},
		cards: func(ctx context.Context) error {
			cards, err := c.Cards.List(ctx, customerID)
			if err != nil {
				return err
			}
			if len(cards) != 3 || cards[2].LastFourDigits != "0604" {
				return errWrongAnswer
			}
			return nil
		},
		refund: func(ctx context.Context) error {
			r, err := c.Refunds.Create(ctx, paymentID, nil)
			if err != nil {
				return err
			}
			if r.ID == 0 || r.Amount.String() != "15990" {
				return errWrongAnswer
			}
			return nil
		},
	}
}

// redirect points requests for https://api.mercadopago.com (sdk-go's
// URLs are fixed) at the loopback server. It copies the request and its
// URL, as a RoundTripper must not change the caller's: two small
// allocations, the only work the sdk-go side does that a real call would not.
type redirect struct {
	host string
	next http.RoundTripper
}

func (t *redirect) RoundTrip(r *http.Request) (*http.Response, error) {
	r2 := *r
	u := *r.URL
	u.Scheme, u.Host = "http", t.host
	r2.URL, r2.Host = &u, ""
	return t.next.RoundTrip(&r2)
}

// sdkSide is the official SDK (github.com/mercadopago/sdk-go v1.8.0) with
// config.WithHTTPClient: an *http.Client with the SDK's own default
// settings (a 10 s timeout, net/http's default transport, so 2 idle
// connections per host) whose transport redirects to the loopback server.
// Passing a client replaces the SDK's default requester, which on a 2xx
// answer does nothing more than clone the request once.
func sdkSide(a *api) side {
	u, _ := url.Parse(a.URL)
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &redirect{host: u.Host, next: http.DefaultTransport.(*http.Transport).Clone()}}
	cfg, err := config.New(accessToken, config.WithHTTPClient(hc))
	if err != nil {
		panic(err)
	}
	payments, cards, refunds := sdkpayment.NewClient(cfg), sdkcard.NewClient(cfg), sdkrefund.NewClient(cfg)
	req := sdkpayment.Request{
		TransactionAmount: 15990, Token: cardToken, Installments: 1, Description: "Order 1042",
		Payer: &sdkpayment.PayerRequest{Email: payerEmail},
	}
	read := func(p *sdkpayment.Response, err error) error {
		if err != nil {
			return err
		}
		return want(int64(p.ID), p.Status, strconv.FormatFloat(p.TransactionAmount, 'f', -1, 64))
	}
	return side{
		name:   "sdk-go",
		create: func(ctx context.Context) error { return read(payments.Create(ctx, req)) },
		get:    func(ctx context.Context, id int64) error { return read(payments.Get(ctx, int(id))) },
		search: func(ctx context.Context) (int, error) {
			n := 0
			for off := 0; ; {
				page, err := payments.Search(ctx, sdkpayment.SearchRequest{Limit: pageSize, Offset: off})
				if err != nil {
					return n, err
				}
				for i := range page.Results {
					p := &page.Results[i]
					if err := want(int64(p.ID), p.Status, strconv.FormatFloat(p.TransactionAmount, 'f', -1, 64)); err != nil {
						return n, err
					}
					n++
				}
				off += len(page.Results)
				if len(page.Results) == 0 || off >= page.Paging.Total {
					return n, nil
				}
			}
		},
		cards: func(ctx context.Context) error {
			list, err := cards.List(ctx, customerID)
			if err != nil {
				return err
			}
			if len(list) != 3 || list[2].LastFourDigits != "0604" {
				return errWrongAnswer
			}
			return nil
		},
		refund: func(ctx context.Context) error {
			r, err := refunds.Create(ctx, paymentID)
			if err != nil {
				return err
			}
			if r.ID == 0 || r.Amount != 15990 {
				return errWrongAnswer
			}
			return nil
		},
	}
}

// rawClient is what a careful hand-written integration shares across its
// calls: one *http.Client, a timeout, and the same connection pool size as
// paykit's default (net/http's default transport keeping up to 256 idle
// connections per host).
func rawClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns, t.MaxIdleConnsPerHost = 1024, 256
	return &http.Client{Timeout: 60 * time.Second, Transport: t}
}

// rawPayment is the few fields a hand-written integration reads of a
// payment; the amount stays exact as json.Number.
type rawPayment struct {
	ID                int64       `json:"id"`
	Status            string      `json:"status"`
	StatusDetail      string      `json:"status_detail"`
	TransactionAmount json.Number `json:"transaction_amount"`
	CurrencyID        string      `json:"currency_id"`
	ExternalReference string      `json:"external_reference"`
	DateApproved      time.Time   `json:"date_approved"`
}

type rawPaymentRequest struct {
	TransactionAmount json.Number `json:"transaction_amount"`
	Token             string      `json:"token"`
	Installments      int         `json:"installments"`
	Description       string      `json:"description"`
	Payer             struct {
		Email string `json:"email"`
	} `json:"payer"`
}

type rawCard struct {
	ID             string `json:"id"`
	LastFourDigits string `json:"last_four_digits"`
	PaymentMethod  struct {
		ID string `json:"id"`
	} `json:"payment_method"`
}

type rawRefund struct {
	ID     int64       `json:"id"`
	Amount json.Number `json:"amount"`
	Status string      `json:"status"`
}

// rawSide is a careful hand-written net/http call: its own small structs
// with the fields it reads, encoding/json, a body read capped at 10 MiB, a
// fresh idempotency key (UUID v4) per non-GET call, and the status checked.
// It has no retries, no logging and no typed errors.
func rawSide(a *api) side {
	hc := rawClient()
	do := func(ctx context.Context, method, path string, body any, out any) error {
		var rd io.Reader
		if body != nil {
			b, err := json.Marshal(body)
			if err != nil {
				return err
			}
			rd = bytes.NewReader(b)
		}
		req, err := http.NewRequestWithContext(ctx, method, a.URL+path, rd)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+accessToken)
		req.Header.Set("Accept", "application/json")
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		if method != http.MethodGet {
			req.Header.Set("X-Idempotency-Key", uuid.NewString())
		}
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		b, err := io.ReadAll(io.LimitReader(resp.Body, 10<<20))
		resp.Body.Close()
		if err != nil {
			return err
		}
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			return fmt.Errorf("%s %s: %s", method, path, resp.Status)
		}
		return json.Unmarshal(b, out)
	}
	read := func(p *rawPayment, err error) error {
		if err != nil {
			return err
		}
		return want(p.ID, p.Status, p.TransactionAmount.String())
	}
	req := rawPaymentRequest{TransactionAmount: "15990", Token: cardToken, Installments: 1, Description: "Order 1042"}
	req.Payer.Email = payerEmail
	return side{
		name: "raw",
		create: func(ctx context.Context) error {
			var p rawPayment
			return read(&p, do(ctx, http.MethodPost, "/v1/payments", &req, &p))
		},
		get: func(ctx context.Context, id int64) error {
			var p rawPayment
			return read(&p, do(ctx, http.MethodGet, "/v1/payments/"+strconv.FormatInt(id, 10), nil, &p))
		},
		search: func(ctx context.Context) (int, error) {
			n := 0
			for off := 0; ; {
				var page struct {
					Paging struct {
						Total int `json:"total"`
					} `json:"paging"`
					Results []rawPayment `json:"results"`
				}
				path := "/v1/payments/search?limit=" + strconv.Itoa(pageSize) + "&offset=" + strconv.Itoa(off)
				if err := do(ctx, http.MethodGet, path, nil, &page); err != nil {
					return n, err
				}
				for i := range page.Results {
					if err := read(&page.Results[i], nil); err != nil {
						return n, err
					}
					n++
				}
				off += len(page.Results)
				if len(page.Results) == 0 || off >= page.Paging.Total {
					return n, nil
				}
			}
		},
		cards: func(ctx context.Context) error {
			var list []rawCard
			if err := do(ctx, http.MethodGet, "/v1/customers/"+customerID+"/cards", nil, &list); err != nil {
				return err
			}
			if len(list) != 3 || list[2].LastFourDigits != "0604" {
				return errWrongAnswer
			}
			return nil
		},
		refund: func(ctx context.Context) error {
			var r rawRefund
			if err := do(ctx, http.MethodPost, "/v1/payments/"+strconv.Itoa(paymentID)+"/refunds", nil, &r); err != nil {
				return err
			}
			if r.ID == 0 || r.Amount != "15990" {
				return errWrongAnswer
			}
			return nil
		},
	}
}

// sides returns the three in the order a benchmark runs them. scripts/bench
// sets BENCH_ROUND, and the order turns with it, so that no side is always
// measured first (or last) in its round.
func sides(a *api) []side {
	all := []side{paykitSide(a), sdkSide(a), rawSide(a)}
	if n, err := strconv.Atoi(os.Getenv("BENCH_ROUND")); err == nil && n > 0 {
		k := n % len(all)
		all = slices.Concat(all[k:], all[:k])
	}
	return all
}
