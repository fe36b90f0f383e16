// Package transcript prints the step-by-step story the examples and the tour
// tell: what was sent, what came back, what the merchant does next. It also
// records whether every check held, so a program can exit non-zero when a
// flow did not end as the provider's documentation says it should.
package transcript

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// T is one transcript. It is safe for concurrent use.
type T struct {
	mu      sync.Mutex
	w       io.Writer
	verbose bool
	failed  []string
	checks  int
}

// New writes to w; verbose also prints Detail lines (wire-level detail).
func New(w io.Writer, verbose bool) *T { return &T{w: w, verbose: verbose} }

// Verbose reports whether wire-level detail is wanted.
func (t *T) Verbose() bool { return t.verbose }

func (t *T) line(prefix, format string, args ...any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	msg := fmt.Sprintf(format, args...)
	for i, l := range strings.Split(msg, "\n") {
		if i > 0 {
			prefix = strings.Repeat(" ", len([]rune(prefix)))
		}
		fmt.Fprintf(t.w, "%s%s\n", prefix, l)
	}
}

// Section starts a flow: "== Mercado Pago · Fintoc ==".
func (t *T) Section(title string) {
	t.mu.Lock()
	fmt.Fprintf(t.w, "\n== %s ==\n", title)
	t.mu.Unlock()
}

// Sent says what the merchant's backend sent.
func (t *T) Sent(format string, args ...any) { t.line("  → ", format, args...) }

// Got says what came back.
func (t *T) Got(format string, args ...any) { t.line("  ← ", format, args...) }

// Actor says what someone else did (the payer, the widget, the bank).
func (t *T) Actor(format string, args ...any) { t.line("  ◇ ", format, args...) }

// Next says what the merchant should do next.
func (t *T) Next(format string, args ...any) { t.line("  ⇒ ", format, args...) }

// Detail prints wire-level detail, only in verbose mode. Callers pass values
// that are already free of secrets.
func (t *T) Detail(format string, args ...any) {
	if t.verbose {
		t.line("      ", format, args...)
	}
}

// Check records a check; a false one is printed and makes Failed true.
func (t *T) Check(ok bool, format string, args ...any) bool {
	msg := fmt.Sprintf(format, args...)
	t.mu.Lock()
	t.checks++
	if !ok {
		t.failed = append(t.failed, msg)
	}
	t.mu.Unlock()
	if ok {
		t.line("  ✓ ", "%s", msg)
	} else {
		t.line("  ✗ ", "%s", msg)
	}
	return ok
}

// Fail records a step that went wrong (an unexpected error).
func (t *T) Fail(format string, args ...any) { t.Check(false, format, args...) }

// Failed reports whether any check failed.
func (t *T) Failed() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.failed) > 0
}

// Summary returns the number of checks and the failed ones.
func (t *T) Summary() (checks int, failed []string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.checks, append([]string(nil), t.failed...)
}

// Main is the whole main function of an example program: it reads -v, gives
// run a context that ends after timeout and a transcript on stdout, and exits
// non-zero when run fails or any check in the transcript did.
func Main(name string, timeout time.Duration, run func(context.Context, *T) error) {
	verbose := flag.Bool("v", false, "print wire-level detail (secrets redacted)")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t := New(os.Stdout, *verbose)
	err := run(ctx, t)
	cancel()
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
	}
	if err != nil || t.Failed() {
		os.Exit(1)
	}
}
