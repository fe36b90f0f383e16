// Package sim is what the in-process provider simulators share: an
// httptest server with fault injection, counts of the requests that reached
// the handler (so tests can prove a charge was made at most once), JSON
// helpers and random ids.
package sim

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/paykit-go/paykit/paykittest"
)

// Fault and FaultKind are paykittest's, where users find them; these names
// keep the simulators' code short.
type (
	Fault     = paykittest.Fault
	FaultKind = paykittest.FaultKind
)

// The kinds of fault (see paykittest).
const (
	Status      = paykittest.Status
	StatusAfter = paykittest.StatusAfter
	Delay       = paykittest.Delay
	DropBefore  = paykittest.DropBefore
	ResetAfter  = paykittest.ResetAfter
	Truncate    = paykittest.Truncate
	HTMLPage    = paykittest.HTMLPage
	EmptyBody   = paykittest.EmptyBody
	HugeBody    = paykittest.HugeBody
	Echo        = paykittest.Echo
)

func matches(f Fault, r *http.Request) bool {
	return (f.Method == "" || f.Method == r.Method) && strings.HasPrefix(r.URL.Path, f.PathPrefix)
}

// Server is an httptest.Server with fault injection and request counting in
// front of a simulator's handler.
type Server struct {
	*httptest.Server

	mu      sync.Mutex
	faults  []Fault
	handled map[string]int // "METHOD /path" -> requests the handler ran for
}

// NewServer starts a loopback server in front of h.
func NewServer(h http.Handler) *Server { return NewServerOn(nil, h) }

// NewServerOn is NewServer serving on l, for a simulator that must keep a
// fixed address (the standalone simulators program); a nil l picks a fresh
// loopback port. The server closes l when it is closed.
func NewServerOn(l net.Listener, h http.Handler) *Server {
	s := &Server{handled: make(map[string]int)}
	srv := httptest.NewUnstartedServer(s.wrap(h))
	if l != nil {
		_ = srv.Listener.Close()
		srv.Listener = l
	}
	srv.Start()
	s.Server = srv
	return s
}

// Around is mw(h), or h when mw is nil: a simulator's WithMiddleware.
func Around(mw func(http.Handler) http.Handler, h http.Handler) http.Handler {
	if mw == nil {
		return h
	}
	return mw(h)
}

// FailNext queues f for the next n matching requests.
func (s *Server) FailNext(n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults = append(s.faults, f)
	}
}

// ClearFaults drops every queued fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	s.faults = nil
	s.mu.Unlock()
}

// Handled returns how many requests with this method and exact path reached
// the simulator's handler (that is, were acted upon).
func (s *Server) Handled(method, path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.handled[method+" "+path]
}

// HandledPrefix sums Handled over every path starting with prefix.
func (s *Server) HandledPrefix(method, prefix string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for k, v := range s.handled {
		m, p, _ := strings.Cut(k, " ")
		if m == method && strings.HasPrefix(p, prefix) {
			n += v
		}
	}
	return n
}

func (s *Server) take(r *http.Request) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if matches(f, r) {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
			return f, true
		}
	}
	return Fault{}, false
}

func (s *Server) count(r *http.Request) {
	s.mu.Lock()
	s.handled[r.Method+" "+r.URL.Path]++
	s.mu.Unlock()
}

func (s *Server) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, faulty := s.take(r)
		if !faulty {
			s.count(r)
			h.ServeHTTP(w, r)
			return
		}
		switch f.Kind {
		case Status:
			writeFault(w, f)
			return
		case HTMLPage:
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			_, _ = io.WriteString(w, "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>")
			return
		case DropBefore:
			hijackClose(w, false)
			return
		case Echo:
			writeEcho(w, r, f.Status)
			return
		case Delay:
			// net/http notices a client that gives up (r.Context ends) only
			// once the request body has been read: read it now, and hand it
			// to the handler afterwards.
			body, err := io.ReadAll(io.LimitReader(r.Body, MaxRequestBody+1))
			if err != nil {
				return
			}
			r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), r.Body))
			if f.Held != nil {
				select {
				case f.Held <- struct{}{}:
				default:
				}
			}
			select {
			case <-time.After(f.Delay):
			case <-r.Context().Done():
				return
			}
			s.count(r)
			h.ServeHTTP(w, r)
			return
		}
		// The remaining faults act after the handler has done its work.
		rec := httptest.NewRecorder()
		s.count(r)
		h.ServeHTTP(rec, r)
		switch f.Kind {
		case StatusAfter:
			writeFault(w, f)
		case ResetAfter:
			hijackClose(w, true)
		case EmptyBody:
			w.WriteHeader(http.StatusOK)
		case HugeBody:
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusOK)
			chunk := []byte(strings.Repeat(" ", 64<<10))
			for range 320 { // 20 MiB
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		case Truncate:
			body := rec.Body.Bytes()
			conn, buf, err := hijack(w)
			if err != nil {
				return
			}
			fmt.Fprintf(buf, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", rec.Code, http.StatusText(rec.Code), len(body))
			_, _ = buf.Write(body[:len(body)/2])
			_ = buf.Flush()
			_ = conn.Close()
		}
	})
}

func writeFault(w http.ResponseWriter, f Fault) {
	for k, vs := range f.Header {
		w.Header()[k] = vs
	}
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(f.Status)
	_, _ = io.WriteString(w, f.Body)
}

// writeEcho answers status (400 when zero) with what r carried; see Echo.
func writeEcho(w http.ResponseWriter, r *http.Request, status int) {
	if status == 0 {
		status = http.StatusBadRequest
	}
	cred := r.Header.Get("Authorization")
	if _, after, ok := strings.Cut(cred, " "); ok {
		cred = after
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, MaxRequestBody))
	said := "rejected " + cred + " for " + r.Method + " " + r.URL.RequestURI() + ": " + string(body)
	WriteJSON(w, status, map[string]any{
		"message": said, "error": cred, "code": cred, "detail": said, "echo": string(body),
		"errors": []map[string]string{{"code": cred, "title": said, "message": said, "detail": said}},
	})
}

func hijack(w http.ResponseWriter) (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		return nil, nil, fmt.Errorf("connection cannot be hijacked")
	}
	return hj.Hijack()
}

// hijackClose closes the connection; with reset it sends a TCP RST.
func hijackClose(w http.ResponseWriter, reset bool) {
	conn, _, err := hijack(w)
	if err != nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok && reset {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// WriteJSON answers with status and v encoded as JSON.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// MaxRequestBody caps what a simulator reads from one request.
const MaxRequestBody = 1 << 20

// ReadJSON decodes the request body (at most MaxRequestBody) into v.
func ReadJSON(r *http.Request, v any) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxRequestBody+1))
	if err != nil {
		return err
	}
	if len(body) > MaxRequestBody {
		return fmt.Errorf("request body over %d bytes", MaxRequestBody)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("request body is not valid JSON: %w", err)
	}
	return nil
}

// RandomHex returns n random bytes as lower-case hex.
func RandomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Clock is a settable clock for simulators and tests; the zero value reads
// the real time until Set is called.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// Now returns the set time, or time.Now if none was set.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.now.IsZero() {
		return time.Now()
	}
	return c.now
}

// Set fixes the clock at t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// Advance moves a set clock forward by d (from time.Now if it was not set).
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	if c.now.IsZero() {
		c.now = time.Now()
	}
	c.now = c.now.Add(d)
	c.mu.Unlock()
}
