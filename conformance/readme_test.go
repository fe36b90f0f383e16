package conformance

import (
	"bytes"
	"go/ast"
	"go/format"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// snippetPackages are the packages a README snippet may use without
// importing them, by the name it uses: every public paykit package and the
// standard library a payment integration usually needs. A snippet gets an
// import for each of these names it uses and for no other.
var snippetPackages = map[string]string{
	"paykit":          "github.com/paykit-go/paykit",
	"paykittest":      "github.com/paykit-go/paykit/paykittest",
	"money":           "github.com/paykit-go/paykit/money",
	"mercadopago":     "github.com/paykit-go/paykit/mercadopago",
	"mercadopagotest": "github.com/paykit-go/paykit/mercadopago/mercadopagotest",
	"finrota":         "github.com/paykit-go/paykit/finrota",
	"finrotatest":     "github.com/paykit-go/paykit/finrota/finrotatest",
	"fintecture":      "github.com/paykit-go/paykit/fintecture",
	"fintecturetest":  "github.com/paykit-go/paykit/fintecture/fintecturetest",
	"etpay":           "github.com/paykit-go/paykit/etpay",
	"etpaytest":       "github.com/paykit-go/paykit/etpay/etpaytest",
	"httpmock":        "github.com/jarcoal/httpmock",
	"context":         "context",
	"errors":          "errors",
	"fmt":             "fmt",
	"http":            "net/http",
	"httptest":        "net/http/httptest",
	"io":              "io",
	"log":             "log",
	"os":              "os",
	"slog":            "log/slog",
	"strings":         "strings",
	"sync":            "sync",
	"time":            "time",
	"url":             "net/url",
}

// readmeSnippet is one ```go block of the README.
type readmeSnippet struct {
	line int    // README line of the block's first line of code
	code string // the block's text
}

// TestREADMESnippetsCompile keeps the README honest: every Go snippet in it
// compiles as is, against the packages of this module and with the language
// version go.mod promises.
//
// A snippet is either a whole program (it starts with its package clause and
// imports) or top-level declarations only, usually a func whose parameters
// declare what the snippet needs (the client, the simulator). The latter get
// the imports of the names they use (snippetPackages) and nothing else. Each
// snippet is type-checked alone with go/types over the export data `go list
// -export` builds, and every error fails the test with its README line:
// undeclared names, calls and fields that do not exist, mismatched types,
// unused variables and unused imports alike. Type-checking is what proves the
// snippets match the real API; they no longer have to be excerpts of Example
// functions (which run as tests in their own packages). Snippets must also be
// gofmt-formatted, and the first one must be a complete program that comes
// before the README's first section.
func TestREADMESnippetsCompile(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	snippets := readmeSnippets(string(readme))
	require.GreaterOrEqual(t, len(snippets), 10, "the README shows each provider's flow")

	firstSection := strings.Index(string(readme), "\n## ")
	require.Positive(t, firstSection)
	firstSectionLine := strings.Count(string(readme[:firstSection]), "\n") + 2
	assert.True(t, strings.HasPrefix(snippets[0].code, "package main\n"),
		"README.md:%d: the first snippet must be a complete program", snippets[0].line)
	assert.Less(t, snippets[0].line, firstSectionLine,
		"the complete program must come before the README's first section")

	goMod, err := os.ReadFile("../go.mod")
	require.NoError(t, err)
	goVersion := regexp.MustCompile(`(?m)^go (\S+)$`).FindSubmatch(goMod)
	require.NotNil(t, goVersion, "go.mod has a go directive")

	files := make([]*ast.File, len(snippets))
	fset := token.NewFileSet()
	needed := map[string]bool{}
	for i, s := range snippets {
		f, err := parseSnippet(fset, s)
		if err != nil {
			t.Errorf("README.md:%d: snippet does not parse: %v", s.line, err)
			continue
		}
		checkGofmt(t, s)
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			assert.NotContains(t, p, "/internal/",
				"README.md:%d: a program outside this module cannot import %s", s.line, p)
			needed[p] = true
		}
		files[i] = f
	}

	imp := exportDataImporter(t, fset, needed)
	for i, f := range files {
		if f == nil {
			continue
		}
		var errs []string
		conf := types.Config{
			Importer:  imp,
			GoVersion: "go" + string(goVersion[1]),
			Error:     func(err error) { errs = append(errs, err.Error()) },
		}
		_, _ = conf.Check("readme/snippet", fset, []*ast.File{f}, nil)
		if len(errs) > 0 {
			t.Errorf("README.md:%d: snippet does not compile:\n%s", snippets[i].line, strings.Join(errs, "\n"))
		}
	}
}

// readmeSnippets returns the ```go blocks of a Markdown text with the line
// each one's code starts on.
func readmeSnippets(md string) []readmeSnippet {
	var out []readmeSnippet
	for _, m := range regexp.MustCompile("(?s)```go\n(.*?)```").FindAllStringSubmatchIndex(md, -1) {
		out = append(out, readmeSnippet{
			line: strings.Count(md[:m[2]], "\n") + 1,
			code: md[m[2]:m[3]],
		})
	}
	return out
}

// checkGofmt fails the test at the first line of the snippet that gofmt
// would write differently.
func checkGofmt(t *testing.T, s readmeSnippet) {
	t.Helper()
	formatted, err := format.Source([]byte(s.code))
	if err != nil {
		t.Errorf("README.md:%d: gofmt: %v", s.line, err)
		return
	}
	have, want := strings.Split(s.code, "\n"), strings.Split(string(formatted), "\n")
	for i := range min(len(have), len(want)) {
		if have[i] != want[i] {
			t.Errorf("README.md:%d: not gofmt-formatted; gofmt writes %q", s.line+i, want[i])
			return
		}
	}
	if len(have) != len(want) {
		t.Errorf("README.md:%d: not gofmt-formatted; gofmt writes %d lines, not %d", s.line, len(want), len(have))
	}
}

// parseSnippet turns a snippet into a file to type-check. A complete program
// is parsed as it is; declarations get a package clause and the imports of
// the package names they use. A //line directive makes every position, and
// so every error, name its README line.
func parseSnippet(fset *token.FileSet, s readmeSnippet) (*ast.File, error) {
	directive := "//line README.md:" + strconv.Itoa(s.line) + ":1\n"
	if strings.HasPrefix(s.code, "package ") {
		return parser.ParseFile(fset, "README.md", directive+s.code, parser.AllErrors)
	}
	// First pass: which package names does it use? The parser's object
	// resolution leaves names declared nowhere in the snippet unresolved.
	bare, err := parser.ParseFile(fset, "README.md", "package snippet\n"+directive+s.code, parser.AllErrors)
	if err != nil {
		return nil, err
	}
	var paths []string
	seen := map[string]bool{}
	for _, id := range bare.Unresolved {
		if p, ok := snippetPackages[id.Name]; ok && !seen[p] {
			seen[p] = true
			paths = append(paths, strconv.Quote(p))
		}
	}
	sort.Strings(paths)
	header := "package snippet\n"
	if len(paths) > 0 {
		header += "import (\n" + strings.Join(paths, "\n") + "\n)\n"
	}
	return parser.ParseFile(fset, "README.md", header+directive+s.code, parser.AllErrors)
}

// exportDataImporter returns an importer reading the compiler's export data
// of the given packages and everything they depend on, built (or found in
// the build cache) by one `go list -export` run.
func exportDataImporter(t *testing.T, fset *token.FileSet, pkgs map[string]bool) types.Importer {
	t.Helper()
	args := []string{"list", "-export", "-deps", "-f", "{{.ImportPath}}\t{{.Export}}"}
	for p := range pkgs {
		args = append(args, p)
	}
	cmd := exec.Command("go", args...)
	cmd.Dir = ".."
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "go list -export: %s", stderr.String())

	export := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if path, file, ok := strings.Cut(line, "\t"); ok && file != "" {
			export[path] = file
		}
	}
	return importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		file, ok := export[path]
		if !ok {
			return nil, &os.PathError{Op: "import", Path: path, Err: os.ErrNotExist}
		}
		return os.Open(file)
	})
}
