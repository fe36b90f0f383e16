package sim

import (
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/jarcoal/httpmock"
)

// FixtureSet is a provider's recorded answers (JSON files embedded by its
// <provider>test package) served to an httpmock.MockTransport: what every
// <provider>test package's Fixture, Fixtures, Responder and
// RegisterFixtures share, so the four behave the same.
type FixtureSet struct {
	files  map[string][]byte
	status map[string]int
}

// FixtureRoute mounts one fixture on one call: Method and Path as the API
// reference writes them, where {n} matches a segment of digits and any other
// {name} any one segment ("/v1/payments/{n}", "/v1/customers/{id}"). Routes
// are tried in order: list "/v1/customers/search" before "/v1/customers/{id}".
type FixtureRoute struct {
	Method, Path, Fixture string
}

// NewFixtureSet reads every .json file under dir of fsys; a fixture's name
// is its file name without ".json". status gives the HTTP status of the
// fixtures not served with 200 (error bodies). It panics when a file cannot
// be read or a status names no fixture: both are mistakes in the package
// that embeds them, found when it is loaded.
func NewFixtureSet(fsys fs.FS, dir string, status map[string]int) *FixtureSet {
	s := &FixtureSet{files: map[string][]byte{}, status: status}
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		panic(fmt.Sprintf("sim: fixtures: %v", err))
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		b, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			panic(fmt.Sprintf("sim: fixtures: %v", err))
		}
		s.files[strings.TrimSuffix(e.Name(), ".json")] = b
	}
	for name := range status {
		if _, ok := s.files[name]; !ok {
			panic("sim: fixtures: a status is given for " + name + ", which is not a fixture")
		}
	}
	return s
}

// Names lists the fixtures, sorted.
func (s *FixtureSet) Names() []string {
	names := make([]string, 0, len(s.files))
	for n := range s.files {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Bytes returns a copy of the fixture called name. It panics on a name that
// is not one: fixture names are constants of the test that asks.
func (s *FixtureSet) Bytes(name string) []byte {
	b, ok := s.files[name]
	if !ok {
		panic(fmt.Sprintf("sim: no fixture %q (have %s)", name, strings.Join(s.Names(), ", ")))
	}
	return append([]byte(nil), b...)
}

// Status is the HTTP status the fixture is served with.
func (s *FixtureSet) Status(name string) int {
	if st, ok := s.status[name]; ok {
		return st
	}
	return http.StatusOK
}

// Responder answers every request with the fixture: its status, its body,
// Content-Type application/json. It panics on an unknown name, as Bytes.
func (s *FixtureSet) Responder(name string) httpmock.Responder {
	body, status := s.Bytes(name), s.Status(name)
	return func(req *http.Request) (*http.Response, error) {
		resp := httpmock.NewBytesResponse(status, body)
		resp.Header.Set("Content-Type", "application/json")
		resp.Request = req
		return resp, nil
	}
}

// Register mounts every route on mt under base (the API's base URL, no
// trailing slash).
func (s *FixtureSet) Register(mt *httpmock.MockTransport, base string, routes []FixtureRoute) {
	number := regexp.MustCompile(`\\\{n\\\}`)
	segment := regexp.MustCompile(`\\\{[a-z_]+\\\}`)
	for _, r := range routes {
		pattern := number.ReplaceAllString(regexp.QuoteMeta(base+r.Path), `[0-9]+`)
		pattern = segment.ReplaceAllString(pattern, `[^/?]+`)
		mt.RegisterRegexpResponder(r.Method, regexp.MustCompile(`^`+pattern+`(\?.*)?$`), s.Responder(r.Fixture))
	}
}
