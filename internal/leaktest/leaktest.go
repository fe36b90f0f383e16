// Package leaktest checks that a value prints no secret under any fmt verb.
//
// fmt calls Error and String only for %v, %s, %x, %X and %q; for every other
// verb (%d, %o, %t, %e…), and for a value whose methods have pointer
// receivers printed by value, it prints the struct's fields by reflection,
// unexported ones included. A type that holds a secret is safe only if it
// has a Format method that writes safe text for every verb, and this package
// is how the tests of every paykit package check that.
//
// It is imported by tests only; nothing in the SDK's import graph uses it.
package leaktest

import (
	"encoding/hex"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"unicode"
)

// Verbs is every directive Leaks formats a value with: each verb fmt knows
// (and one it does not), alone and with the flags, widths and precisions
// that change how fmt walks a value.
//
// Two are left out. %p prints an address. %w outside fmt.Errorf (or with an
// argument that is not an error) makes fmt print the value by reflection
// with every method switched off, Format included, so no method can make
// it safe; go vet reports such calls, and only a secret kept behind a
// pointer (printed as an address) survives them.
var Verbs = []string{
	"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%o", "%O", "%b",
	"%t", "%e", "%E", "%f", "%F", "%g", "%G", "%c", "%U", "%T",
	"%z", // not a verb: fmt prints "%!z(…)" around the value
	"%-60v", "%60s", "%.80s", "%08d", "%+d", "% d", "%+q", "%#q", "%#x",
	"% x", "% X", "%# x", "%#o", "%#U", "%10.4f", "%+#v", "%-#60v",
}

// MinSecretLen is the shortest planted secret Check accepts: shorter ones
// would be found by chance in ordinary output (and in its decimal bytes).
const MinSecretLen = 6

// Leaks formats v with every directive in Verbs (and calls its Error,
// String, GoString and LogValue methods when it has them) and returns one
// line per output that shows one of secrets: as it is, in hex (what %x makes
// of a string), or in the form the directive gives the secret's own bytes
// (decimal for %d, octal for %o…). It formats v as given; Check also
// formats the value a pointer points to.
func Leaks(v any, secrets ...string) []string {
	var found []string
	report := func(how, out string) {
		for _, s := range secrets {
			if form, ok := shows(out, how, s); ok {
				found = append(found, fmt.Sprintf("%s shows secret %q (as %q) in %s", how, s, form, clip(out, form)))
			}
		}
	}
	for _, verb := range Verbs {
		report(verb, fmt.Sprintf(verb, v))
	}
	if v == nil {
		return found
	}
	if e, ok := v.(error); ok && !isNilPointer(v) {
		report("Error()", e.Error())
	}
	if s, ok := v.(fmt.Stringer); ok && !isNilPointer(v) {
		report("String()", s.String())
	}
	if g, ok := v.(fmt.GoStringer); ok && !isNilPointer(v) {
		report("GoString()", g.GoString())
	}
	if l, ok := v.(slog.LogValuer); ok && !isNilPointer(v) {
		report("LogValue()", l.LogValue().Resolve().String())
	}
	return found
}

// Check fails t, naming the directive and the secret, when formatting v
// shows one of secrets (see Leaks). When v is a non-nil pointer, the value
// it points to is checked too: a caller can print *v as easily as v, and fmt
// finds a Format method with a pointer receiver only on the pointer. (Types
// that hold a lock cannot be printed by value without vet objecting; check
// those with Leaks.)
//
// Each secret must be at least MinSecretLen bytes long.
func Check(t testing.TB, v any, secrets ...string) {
	t.Helper()
	if len(secrets) == 0 {
		t.Fatal("leaktest.Check: no secrets planted")
	}
	for _, s := range secrets {
		if len(s) < MinSecretLen {
			t.Fatalf("leaktest.Check: planted secret %q is shorter than %d bytes", s, MinSecretLen)
		}
	}
	for _, l := range Leaks(v, secrets...) {
		t.Errorf("%T: %s", v, l)
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && !rv.IsNil() && rv.Elem().CanInterface() {
		elem := rv.Elem().Interface()
		for _, l := range Leaks(elem, secrets...) {
			t.Errorf("%T (printed by value): %s", elem, l)
		}
	}
}

// shows reports whether out, made with the directive how, holds secret in
// a recognisable form, and which.
func shows(out, how, secret string) (string, bool) {
	forms := []string{secret, hex.EncodeToString([]byte(secret)), strings.ToUpper(hex.EncodeToString([]byte(secret)))}
	if strings.HasPrefix(how, "%") {
		// What the directive makes of the secret itself, as a string and as
		// bytes: a field holding it prints the same way. Forms shorter than
		// the secret (a precision cut) or that do not depend on it (%T)
		// are skipped.
		decoy := strings.Repeat("\x01", len(secret))
		for _, arg := range []func(string) any{func(s string) any { return s }, func(s string) any { return []byte(s) }} {
			form := trim(fmt.Sprintf(how, arg(secret)))
			if len(form) >= len(secret) && form != trim(fmt.Sprintf(how, arg(decoy))) {
				forms = append(forms, form)
			}
		}
	}
	for _, f := range forms {
		if strings.Contains(out, f) {
			return f, true
		}
	}
	return "", false
}

// trim drops what surrounds a formatted value (padding, brackets, quotes).
func trim(s string) string { return strings.Trim(s, " []\"`'0") }

// clip returns the part of out around form, so a failure message shows
// where the secret was without printing a huge output.
func clip(out, form string) string {
	i := strings.Index(out, form)
	if i < 0 || len(out) <= 200 {
		return fmt.Sprintf("%q", out)
	}
	from, to := max(0, i-80), min(len(out), i+len(form)+80)
	return fmt.Sprintf("…%q…", out[from:to])
}

func isNilPointer(v any) bool {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Interface, reflect.Func:
		return rv.IsNil()
	}
	return false
}

// MaxLine is the longest error text CheckLine accepts: far more than any
// error needs, and far less than the megabytes a provider could answer with.
const MaxLine = 8 << 10

// CheckLine fails t when text, what an error says, could forge or flood a
// log: when it holds a line break or another control character (C0, C1,
// and the Unicode line and paragraph separators), or is
// longer than MaxLine bytes. what names the text in the failure.
func CheckLine(t testing.TB, what, text string) {
	t.Helper()
	if len(text) > MaxLine {
		t.Errorf("%s is %d bytes long, over %d: %q…", what, len(text), MaxLine, text[:200])
	}
	for i, r := range text {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			t.Errorf("%s has control character %U at byte %d: %s", what, r, i, clip(text, text[i:i+1]))
			return
		}
	}
}
