// Package simset runs the four provider simulators together (Mercado Pago,
// Finrota, Fintecture, ETpay), on fresh loopback ports or on fixed
// addresses, and puts a small JSON control API in front of them: what they
// are and how to reach them, reset, inject the next fault, complete a
// payment as the payer would, and list the notifications sent. The checkout
// shop runs on a Set in process; the simulators program serves one on fixed
// ports for front ends and tests not written in Go.
package simset

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/etpay"
	"github.com/paykit-go/paykit/etpay/etpaytest"
	"github.com/paykit-go/paykit/finrota"
	"github.com/paykit-go/paykit/finrota/finrotatest"
	"github.com/paykit-go/paykit/fintecture"
	"github.com/paykit-go/paykit/fintecture/fintecturetest"
	"github.com/paykit-go/paykit/mercadopago"
	"github.com/paykit-go/paykit/mercadopago/mercadopagotest"
)

// The providers, as the control API names them.
const (
	MercadoPago = "mercadopago"
	Finrota     = "finrota"
	Fintecture  = "fintecture"
	ETpay       = "etpay"
)

// Providers lists the provider names in a fixed order.
var Providers = []string{MercadoPago, Finrota, Fintecture, ETpay}

// Config says where the simulators listen and where they send
// notifications. Empty addresses pick fresh loopback ports (kept across
// Reset).
type Config struct {
	// MercadoPagoAddr, FinrotaAddr, FintectureAddr and ETpayAddr are
	// host:port listen addresses.
	MercadoPagoAddr, FinrotaAddr, FintectureAddr, ETpayAddr string
	// MercadoPagoWebhook receives the notifications of payments created
	// without a notification_url.
	MercadoPagoWebhook string
	// FintectureWebhook receives Fintecture's webhooks (the simulator has
	// no per-session webhook URL, like the real Console setting).
	FintectureWebhook string
	// ETpayWebhook receives the notifications of sessions created without
	// a payment_webhook_url.
	ETpayWebhook string
	// Observer, when set, is given to every client Clients makes (and, in
	// the shop, to its webhook verifiers).
	Observer *paykit.Observer
	// Middleware, when set, wraps each simulator's handler; provider is
	// its name (MercadoPago, Finrota…). The shop wraps its own handler
	// with it too, as "shop".
	Middleware func(provider string, h http.Handler) http.Handler
}

// Set is the four running simulators. Read them through the accessor
// methods: Reset replaces them.
type Set struct {
	mu    sync.RWMutex
	cfg   Config
	mp    *mercadopagotest.Server
	fr    *finrotatest.Server
	ft    *fintecturetest.Server
	et    *etpaytest.Server
	addrs [4]string
}

// Start listens on the configured addresses and starts the simulators.
func Start(cfg Config) (*Set, error) {
	s := &Set{cfg: cfg, addrs: [4]string{cfg.MercadoPagoAddr, cfg.FinrotaAddr, cfg.FintectureAddr, cfg.ETpayAddr}}
	for i, a := range s.addrs {
		if a == "" {
			s.addrs[i] = "127.0.0.1:0"
		}
	}
	if err := s.start(); err != nil {
		return nil, err
	}
	return s, nil
}

// listen opens addr, retrying briefly: a just-closed port of a Reset may
// take a moment to be free again.
func listen(addr string) (net.Listener, error) {
	var err error
	for range 50 {
		var l net.Listener
		if l, err = net.Listen("tcp", addr); err == nil {
			return l, nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return nil, fmt.Errorf("simset: listen %s: %w", addr, err)
}

func (s *Set) start() error {
	var ls [4]net.Listener
	for i, a := range s.addrs {
		l, err := listen(a)
		if err != nil {
			for _, o := range ls[:i] {
				_ = o.Close()
			}
			return err
		}
		ls[i] = l
		s.addrs[i] = l.Addr().String() // a port picked once is kept across Reset
	}
	s.mp = mercadopagotest.NewServer(mercadopagotest.WithListener(ls[0]), webhookOption(s.cfg.MercadoPagoWebhook),
		mercadopagotest.WithMiddleware(s.middleware(MercadoPago)))
	s.fr = finrotatest.NewServer(finrotatest.WithListener(ls[1]), finrotatest.WithMiddleware(s.middleware(Finrota)))
	ft := []fintecturetest.Option{fintecturetest.WithListener(ls[2]), fintecturetest.WithProduction(),
		fintecturetest.WithMiddleware(s.middleware(Fintecture))}
	if s.cfg.FintectureWebhook != "" {
		ft = append(ft, fintecturetest.WithWebhookURL(s.cfg.FintectureWebhook, nil))
	}
	s.ft = fintecturetest.NewServer(ft...)
	et := []etpaytest.Option{etpaytest.WithListener(ls[3]), etpaytest.WithMiddleware(s.middleware(ETpay))}
	if s.cfg.ETpayWebhook != "" {
		et = append(et, etpaytest.WithWebhookURL(s.cfg.ETpayWebhook))
	}
	s.et = etpaytest.NewServer(et...)
	return nil
}

// middleware is the Config's Middleware for provider, nil when unset.
func (s *Set) middleware(provider string) func(http.Handler) http.Handler {
	if s.cfg.Middleware == nil {
		return nil
	}
	return func(h http.Handler) http.Handler { return s.cfg.Middleware(provider, h) }
}

// Observer is the Config's Observer (nil when unset).
func (s *Set) Observer() *paykit.Observer { return s.cfg.Observer }

func webhookOption(url string) mercadopagotest.Option {
	if url == "" {
		return nil
	}
	return mercadopagotest.WithWebhook(url, mercadopagotest.DefaultWebhookSecret)
}

func (s *Set) stop() {
	s.mp.Close()
	s.fr.Close()
	s.ft.Close()
	s.et.Close()
}

// Close stops the simulators.
func (s *Set) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stop()
}

// Reset throws every simulator's state away: they restart, empty, on the
// same addresses with the same credentials.
func (s *Set) Reset() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stop()
	return s.start()
}

// MercadoPago returns the Mercado Pago simulator.
func (s *Set) MercadoPago() *mercadopagotest.Server {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.mp
}

// Finrota returns the Finrota simulator.
func (s *Set) Finrota() *finrotatest.Server {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.fr
}

// Fintecture returns the Fintecture simulator.
func (s *Set) Fintecture() *fintecturetest.Server {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.ft
}

// ETpay returns the ETpay simulator.
func (s *Set) ETpay() *etpaytest.Server {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.et
}

// Clients returns a client of each provider pointed at the simulators,
// with a plain HTTP client (so they keep working across Reset).
func (s *Set) Clients() (*Clients, error) {
	hc := &http.Client{Timeout: 15 * time.Second}
	mp, fr, ft, et := s.MercadoPago(), s.Finrota(), s.Fintecture(), s.ETpay()
	var c Clients
	var err error
	if c.MercadoPago, err = mercadopago.NewClient(mercadopago.Credentials{AccessToken: mp.AccessToken},
		mercadopago.WithBaseURL(mp.URL), mercadopago.WithHTTPClient(hc), mercadopago.WithObserver(s.cfg.Observer)); err != nil {
		return nil, err
	}
	if c.Finrota, err = finrota.NewClient(fr.Credentials(), finrota.WithBaseURL(fr.URL), finrota.WithHTTPClient(hc),
		finrota.WithObserver(s.cfg.Observer)); err != nil {
		return nil, err
	}
	if c.Fintecture, err = fintecture.NewClient(ft.Credentials(), fintecture.WithEnvironment(fintecture.Production),
		fintecture.WithBaseURL(ft.URL), fintecture.WithHTTPClient(hc), fintecture.WithObserver(s.cfg.Observer)); err != nil {
		return nil, err
	}
	if c.ETpay, err = et.Client(etpay.WithHTTPClient(hc), etpay.WithObserver(s.cfg.Observer)); err != nil {
		return nil, err
	}
	return &c, nil
}

// Clients are paykit clients of the four simulators.
type Clients struct {
	MercadoPago *mercadopago.Client
	Finrota     *finrota.Client
	Fintecture  *fintecture.Client
	ETpay       *etpay.Client
}

// errUnknownProvider is answered for a provider name the set does not have.
var errUnknownProvider = errors.New("provider must be one of " + strings.Join(Providers, ", "))

// Complete plays the payer for one payment, as the control API's
// POST /complete does; see Control for the fields each provider reads.
func (s *Set) Complete(ctx context.Context, c CompleteRequest) (*CompleteResult, error) {
	switch c.Provider {
	case MercadoPago:
		if c.PaymentID != 0 {
			outcome := mercadopagotest.Outcome(c.Outcome)
			if outcome == "" {
				outcome = mercadopagotest.OutcomePaid
			}
			st, err := s.MercadoPago().Settle(c.PaymentID, outcome)
			if err != nil {
				return nil, err
			}
			return &CompleteResult{Status: string(st)}, nil
		}
		if c.PointDevice != "" {
			st, err := s.MercadoPago().PayOnTerminal(c.PointDevice, c.Holder)
			if err != nil {
				return nil, err
			}
			return &CompleteResult{Status: string(st)}, nil
		}
		st, err := s.MercadoPago().CompleteFintoc(c.WidgetToken)
		if err != nil {
			return nil, err
		}
		return &CompleteResult{Status: string(st)}, nil
	case Finrota:
		otp := c.OTP
		if otp == "" {
			otp = finrotatest.OTP
		}
		back, err := s.Finrota().Complete3DS(ctx, c.RedirectURL, otp)
		if err != nil {
			return nil, err
		}
		return &CompleteResult{RedirectURL: back.URL.String(), Status: back.URL.Query().Get("status")}, nil
	case Fintecture:
		st := fintecture.PaymentStatus(c.Status)
		if st == "" {
			st = fintecture.StatusCreated
		}
		back, err := s.Fintecture().Pay(c.SessionID, st)
		if err != nil {
			return nil, err
		}
		return &CompleteResult{RedirectURL: back, Status: string(st)}, nil
	case ETpay:
		st := etpay.PaymentStatus(c.Status)
		if st == "" {
			st = etpay.PaymentSuccess
		}
		res, err := s.ETpay().Pay(ctx, c.SessionToken, st)
		if err != nil {
			return nil, err
		}
		return &CompleteResult{RedirectURL: res.RedirectURL, Status: string(st), PaymentToken: res.PaymentToken}, nil
	}
	return nil, errUnknownProvider
}

// CompleteRequest is the body of POST /complete.
type CompleteRequest struct {
	// Provider is mercadopago, finrota, fintecture or etpay.
	Provider string `json:"provider"`
	// WidgetToken is a Mercado Pago Fintoc widget token (its sandbox rule
	// decides the outcome: an amount ending in 03 is rejected).
	WidgetToken string `json:"widget_token,omitempty"`
	// PaymentID is a pending Mercado Pago payment of a local method (Pix,
	// boleto, PSE, OXXO, Paycash, SPEI, Efecty) and Outcome how the payer
	// ends it: paid (the default), rejected or expired.
	PaymentID int64  `json:"payment_id,omitempty"`
	Outcome   string `json:"outcome,omitempty"`
	// PointDevice is a Mercado Pago Point device: the payer pays its
	// waiting payment intent with a card whose holder name, Holder
	// (default APRO), picks the outcome (the intent ends FINISHED or ERROR).
	PointDevice string `json:"point_device,omitempty"`
	Holder      string `json:"holder,omitempty"`
	// RedirectURL is a Finrota 3-D Secure redirectTo; OTP the code typed
	// (default the one that succeeds).
	RedirectURL string `json:"redirect_url,omitempty"`
	OTP         string `json:"otp,omitempty"`
	// SessionID is a Fintecture session; SessionToken an ETpay session.
	SessionID    string `json:"session_id,omitempty"`
	SessionToken string `json:"session_token,omitempty"`
	// Status is the outcome for Fintecture (default payment_created) and
	// ETpay (default success).
	Status string `json:"status,omitempty"`
}

// CompleteResult is the answer of POST /complete.
type CompleteResult struct {
	// Status is the payment's outcome.
	Status string `json:"status"`
	// RedirectURL is where the payer's browser is sent next (Finrota,
	// Fintecture, ETpay).
	RedirectURL string `json:"redirect_url,omitempty"`
	// PaymentToken is ETpay's payment_token.
	PaymentToken string `json:"payment_token,omitempty"`
}
