package leaktest

import (
	"fmt"
	"io"
	"strings"
	"testing"
)

const planted = "PLANTED-secret-4242"

// holder prints its fields by reflection under every verb but %v and %s.
type holder struct {
	Name   string
	secret string
}

func (h *holder) String() string { return "holder " + h.Name }

// bytesHolder keeps its secret as bytes: %v and %d print them in decimal,
// %x in hex.
type bytesHolder struct{ key []byte }

// safe writes the same text for every verb.
type safe struct{ secret string }

func (safe) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, "safe{[redacted]}") }

// pointerSafe is safe only as a pointer.
type pointerSafe struct{ secret string }

func (*pointerSafe) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, "pointerSafe{[redacted]}") }

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	errors []string
	fatal  bool
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatal(args ...any) {
	r.fatal = true
	r.errors = append(r.errors, fmt.Sprint(args...))
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.fatal = true
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func TestLeaksFindsEveryForm(t *testing.T) {
	leaks := strings.Join(Leaks(&holder{Name: "n", secret: planted}, planted), "\n")
	// String covers %v, %s, %x and %q; the other verbs print the fields.
	for _, verb := range []string{"%d", "%#v", "%t", "%08d", "%z"} {
		if !strings.Contains(leaks, verb+" shows") {
			t.Errorf("no leak reported for %s:\n%s", verb, leaks)
		}
	}
	// Printed by value, String is not found and %x shows the secret's
	// hex; %d on bytes shows them in decimal.
	byValue := strings.Join(Leaks(holder{secret: planted}, planted), "\n")
	hexForm := fmt.Sprintf("%x", planted)
	if !strings.Contains(byValue, hexForm) {
		t.Errorf("hex form not reported:\n%s", byValue)
	}
	decimal := strings.Join(Leaks(bytesHolder{key: []byte(planted)}, planted), "\n")
	if !strings.Contains(decimal, "%d shows") || !strings.Contains(decimal, "80 76 65 78") {
		t.Errorf("decimal bytes not reported:\n%s", decimal)
	}
	if !strings.Contains(decimal, "%o shows") {
		t.Errorf("octal bytes not reported:\n%s", decimal)
	}
}

func TestLeaksQuietOnSafeValues(t *testing.T) {
	for _, v := range []any{safe{planted}, &safe{planted}, &pointerSafe{planted}, nil, (*safe)(nil), "no secret here", 42} {
		if l := Leaks(v, planted); len(l) > 0 {
			t.Errorf("%T: %v", v, l)
		}
	}
}

func TestCheck(t *testing.T) {
	var r recorder
	Check(&r, &safe{planted}, planted)
	if len(r.errors) > 0 {
		t.Errorf("a safe value failed: %v", r.errors)
	}
	r = recorder{}
	Check(&r, &pointerSafe{planted}, planted)
	if len(r.errors) == 0 || !strings.Contains(strings.Join(r.errors, "\n"), "printed by value") {
		t.Errorf("the value behind the pointer was not checked: %v", r.errors)
	}
	r = recorder{}
	Check(&r, safe{}, "short")
	if !r.fatal {
		t.Error("a secret shorter than MinSecretLen was accepted")
	}
	r = recorder{}
	Check(&r, safe{})
	if !r.fatal {
		t.Error("no secrets was accepted")
	}
}

func TestCheckLine(t *testing.T) {
	for text, ok := range map[string]bool{
		"mercadopago: GET /v1/payments/1: 404 Not Found": true,
		"a\nINFO forged":                   false,
		"a\r":                              false,
		"nul\x00":                          false,
		"esc \x1b[31m":                     false,
		"tab\t":                            false,
		"next line \u2028":                 false,
		"csi \u009b31m":                    false,
		strings.Repeat("x", MaxLine):       true,
		strings.Repeat("x", MaxLine+1):     false,
		"İşlem başarısız, kart reddedildi": true,
	} {
		var r recorder
		CheckLine(&r, "text", text)
		if (len(r.errors) == 0) != ok {
			t.Errorf("CheckLine(%.40q): errors %v, want ok=%v", text, r.errors, ok)
		}
	}
}
