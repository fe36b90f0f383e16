package fintecture

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/transport"
)

// ProvidersService lists the banks ("providers") Fintecture reaches, so you
// can show your own bank picker and pass the chosen one to
// ConnectRequest.Provider (the x-provider header), which skips the bank
// choice on the Connect page. Get it from Client.Providers.
//
// These calls go to the /res/v1 resources, which identify the application
// with an app_id header instead of an access token, as the official SDKs do
// (https://docs.fintecture.com/, "Get providers").
type ProvidersService struct{ c *Client }

// PSU types a provider serves (ProviderQuery.PSUType, Provider.PSUTypes).
const (
	PSURetail    = "retail"
	PSUCorporate = "corporate"
)

// Authentication models of a provider (ProviderQuery.AuthModel).
const (
	AuthRedirect  = "redirect"
	AuthDecoupled = "decoupled"
)

// Payment schemes a provider may offer for PIS (ProviderQuery.PIS,
// Provider.PIS), as Fintecture's reference names them.
const (
	SchemeSEPA          = "SEPA"
	SchemeInstantSEPA   = "iSCT"
	SchemeFasterPay     = "FPS"
	SchemeInternational = "INT"
)

// ProviderSort names the field a provider list is sorted by.
type ProviderSort string

// Sort fields the providers list accepts (sort[<field>]=ASC|DESC).
const (
	SortByName       ProviderSort = "name"
	SortByFullName   ProviderSort = "full_name"
	SortByCountry    ProviderSort = "country"
	SortByProviderID ProviderSort = "provider_id"
)

// ProviderQuery filters the providers list (GET /res/v1/providers). Every
// field is optional; the zero value lists every provider.
type ProviderQuery struct {
	// Country keeps the banks of one country (filter[country]), an ISO
	// 3166-1 alpha-2 code such as "FR".
	Country string
	// PIS keeps banks offering this payment scheme (filter[pis]), e.g.
	// SchemeSEPA or SchemeInstantSEPA: the payment method of a bank picker.
	PIS string
	// AIS keeps banks offering this account-information service
	// (filter[ais]), e.g. "Accounts".
	AIS string
	// PSUType keeps banks serving PSURetail or PSUCorporate payers
	// (filter[psu_type]).
	PSUType string
	// AuthModel keeps banks with this authentication model, AuthRedirect or
	// AuthDecoupled (filter[auth_model]).
	AuthModel string
	// SortBy sorts the list (sort[<field>]); Descending reverses it.
	SortBy     ProviderSort
	Descending bool
	// Extra carries filters this struct does not name, sent as they are.
	// The filter names above are those of the official SDKs; Extra is for
	// anything Fintecture adds.
	Extra url.Values
}

// Provider is a bank a payer can pay from.
type Provider struct {
	// ID is the provider code to pass to ConnectRequest.Provider, e.g.
	// "cmcifrpp".
	ID string
	// Name is the short name, FullName the bank's full name.
	Name, FullName string
	// Country is the ISO 3166-1 alpha-2 country code.
	Country string
	// BIC is the bank's BIC when Fintecture gives it.
	BIC string
	// PIS lists the payment schemes offered (SchemeSEPA, SchemeInstantSEPA…),
	// AIS the account-information services.
	PIS, AIS []string
	// PSUTypes lists the payer types served (PSURetail, PSUCorporate).
	PSUTypes []string
	// AuthModels lists the authentication models (AuthRedirect,
	// AuthDecoupled).
	AuthModels []string
	// Logo is the URL of the bank's logo, when given.
	Logo string
	// Unparsed lists the JSON paths of fields that could not be read (a
	// drifted type); they are left zero.
	Unparsed []string `json:"-"`
}

// Offers reports whether the provider offers the payment scheme (compared
// without regard to letter case).
func (p *Provider) Offers(scheme string) bool {
	for _, s := range p.PIS {
		if strings.EqualFold(s, scheme) {
			return true
		}
	}
	return false
}

// Providers is one answer of the providers list.
type Providers struct {
	// Providers are the banks that match the query.
	Providers []Provider
	// Meta says how the call went.
	paykit.Meta `json:"-"`
	// Unparsed lists the JSON paths of fields that could not be read.
	Unparsed []string `json:"-"`
}

// stringList reads a JSON array of strings, a single string (one value)
// or null; other values inside an array are skipped.
type stringList []string

func (l *stringList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*l = nil
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*l = nil
		if s != "" {
			*l = stringList{s}
		}
	case b[0] == '[':
		var raw []json.RawMessage
		if err := json.Unmarshal(b, &raw); err != nil {
			return err
		}
		out := make(stringList, 0, len(raw))
		for _, r := range raw {
			var s string
			if json.Unmarshal(r, &s) == nil && s != "" {
				out = append(out, s)
			}
		}
		*l = out
	default:
		return &json.UnmarshalTypeError{Value: "non-string", Type: nil}
	}
	return nil
}

// wireProvider is one item of the JSON:API answer. [unsure] Only the
// filter and sort names (country, pis, ais, psu_type, auth_model, name,
// full_name, provider_id) are confirmed by the official SDKs; the other
// attribute names follow Fintecture's JSON:API habit, and several
// spellings are read where two are plausible.
type wireProvider struct {
	ID         string `json:"id"`
	Type       string `json:"type"`
	Attributes struct {
		Provider   string     `json:"provider"`
		ProviderID string     `json:"provider_id"`
		Name       string     `json:"name"`
		FullName   string     `json:"full_name"`
		Country    string     `json:"country"`
		BIC        string     `json:"bic"`
		PIS        stringList `json:"pis"`
		AIS        stringList `json:"ais"`
		PSUType    stringList `json:"psu_type"`
		PSUTypes   stringList `json:"psu_types"`
		AuthModel  stringList `json:"auth_model"`
		AuthModels stringList `json:"auth_models"`
		Logo       string     `json:"logo"`
		LogoURL    string     `json:"logo_url"`
	} `json:"attributes"`
	Links struct {
		Logo string `json:"logo"`
	} `json:"links"`
	Unparsed []string `json:"-"`
}

func (w *wireProvider) provider() Provider {
	a := &w.Attributes
	p := Provider{ID: firstOf(w.ID, a.ProviderID, a.Provider), Name: a.Name, FullName: a.FullName,
		Country: a.Country, BIC: a.BIC, PIS: a.PIS, AIS: a.AIS,
		PSUTypes:   append([]string(a.PSUTypes), a.PSUType...),
		AuthModels: append([]string(a.AuthModels), a.AuthModel...),
		Logo:       firstOf(a.Logo, a.LogoURL, w.Links.Logo),
		Unparsed:   w.Unparsed}
	if p.FullName == "" {
		p.FullName = p.Name
	}
	if len(p.PSUTypes) == 0 {
		p.PSUTypes = nil
	}
	if len(p.AuthModels) == 0 {
		p.AuthModels = nil
	}
	return p
}

func firstOf(v ...string) string {
	for _, s := range v {
		if s != "" {
			return s
		}
	}
	return ""
}

type wireProviderList struct {
	Data     []wireProvider `json:"data"`
	Unparsed []string       `json:"-"`
}

type wireProviderOne struct {
	Data     wireProvider `json:"data"`
	Unparsed []string     `json:"-"`
}

func (q *ProviderQuery) values() (url.Values, error) {
	v := url.Values{}
	if q == nil {
		return v, nil
	}
	if q.Country != "" && !isCountry(q.Country) {
		return nil, invalid("filter[country]", "must be an ISO 3166-1 alpha-2 code in capitals, e.g. FR")
	}
	for name, val := range map[string]string{"filter[pis]": q.PIS, "filter[ais]": q.AIS} {
		if strings.ContainsAny(val, "&=#\r\n ") {
			return nil, invalid(name, "must be one scheme or service name, e.g. SEPA")
		}
	}
	switch q.PSUType {
	case "", PSURetail, PSUCorporate:
	default:
		return nil, invalid("filter[psu_type]", "must be retail or corporate")
	}
	switch q.AuthModel {
	case "", AuthRedirect, AuthDecoupled:
	default:
		return nil, invalid("filter[auth_model]", "must be redirect or decoupled")
	}
	switch q.SortBy {
	case "", SortByName, SortByFullName, SortByCountry, SortByProviderID:
	default:
		return nil, invalid("sort", "must be name, full_name, country or provider_id")
	}
	if q.Descending && q.SortBy == "" {
		return nil, invalid("sort", "Descending needs SortBy")
	}
	for k, vals := range q.Extra {
		v[k] = append([]string(nil), vals...)
	}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set("filter[country]", q.Country)
	set("filter[pis]", q.PIS)
	set("filter[ais]", q.AIS)
	set("filter[psu_type]", q.PSUType)
	set("filter[auth_model]", q.AuthModel)
	if q.SortBy != "" {
		dir := "ASC"
		if q.Descending {
			dir = "DESC"
		}
		v.Set("sort["+string(q.SortBy)+"]", dir)
	}
	return v, nil
}

func isCountry(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

func (s *ProvidersService) request(op transport.Op, path string, q url.Values) *transport.Request {
	req := &transport.Request{Op: op, Method: http.MethodGet, Path: path, Auth: transport.NoAuth}
	if len(q) > 0 {
		req.Query = q
	}
	req.AddHeader("app_id", s.c.appID)
	return req
}

// List returns the providers that match q (GET /res/v1/providers). It only
// reads, so it is retried on 5xx and broken connections. The answer is one
// list; Fintecture does not page it.
func (s *ProvidersService) List(ctx context.Context, q *ProviderQuery, opts ...paykit.RequestOption) (*Providers, error) {
	v, err := q.values()
	if err != nil {
		return nil, err
	}
	return transport.CallWire(ctx, s.c.api, s.request(transport.Op{Name: "fintecture.Providers.List", Route: "/res/v1/providers"}, "/res/v1/providers", v), opts,
		func(w *wireProviderList, _ *transport.Response) (*Providers, error) { return w.providers(), nil })
}

// providers is the list, without the entries that have no id (named in
// Unparsed instead).
func (w *wireProviderList) providers() *Providers {
	out := &Providers{Providers: make([]Provider, 0, len(w.Data)), Unparsed: w.Unparsed}
	for i := range w.Data {
		p := w.Data[i].provider()
		if p.ID == "" {
			out.Unparsed = append(out.Unparsed, "data["+strconv.Itoa(i)+"].id")
			continue
		}
		out.Providers = append(out.Providers, p)
	}
	return out
}

// Get returns one provider by its code (GET /res/v1/providers/{id}).
func (s *ProvidersService) Get(ctx context.Context, id string, opts ...paykit.RequestOption) (*Provider, error) {
	if rule := transport.IDRule(id); rule != "" {
		return nil, invalid("provider_id", rule)
	}
	if len(id) > 64 {
		return nil, invalid("provider_id", "must be a provider code of at most 64 characters")
	}
	var w wireProviderOne
	resp, err := s.c.api.Do(ctx, s.request(transport.Op{Name: "fintecture.Providers.Get", Route: "/res/v1/providers/{id}"}, transport.Path("res", "v1", "providers", id), nil).Apply(opts), &w)
	if err != nil {
		return nil, err
	}
	p := w.Data.provider()
	p.Unparsed = append(w.Unparsed, p.Unparsed...)
	if p.ID == "" {
		return nil, resp.Refuse("answer has no provider", nil)
	}
	return &p, nil
}
