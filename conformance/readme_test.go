package conformance

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestREADMESnippetsAreCompiledExamples keeps the README honest: every Go
// snippet in it must be an excerpt (the same lines, in order, indentation
// aside) of an Example function, which go test compiles and runs.
func TestREADMESnippetsAreCompiledExamples(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	blocks := regexp.MustCompile("(?s)```go\n(.*?)```").FindAllStringSubmatch(string(readme), -1)
	require.GreaterOrEqual(t, len(blocks), 10, "the README shows each provider's flow")

	examples := exampleBodies(t)
	require.NotEmpty(t, examples)
	for _, b := range blocks {
		snippet := normalizedLines(b[1])
		found := false
		for _, body := range examples {
			if containsRun(body, snippet) {
				found = true
				break
			}
		}
		assert.True(t, found, "README snippet is not an excerpt of any Example function:\n%s", b[1])
	}
}

// exampleBodies returns the normalized lines of every Example function.
func exampleBodies(t *testing.T) [][]string {
	var bodies [][]string
	fset := token.NewFileSet()
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		f, err := parser.ParseFile(fset, path, src, 0)
		if err != nil {
			return err
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || !strings.HasPrefix(fn.Name.Name, "Example") || fn.Body == nil {
				continue
			}
			start, end := fset.Position(fn.Body.Lbrace).Offset, fset.Position(fn.Body.Rbrace).Offset
			bodies = append(bodies, normalizedLines(string(src[start+1:end])))
		}
		return nil
	})
	require.NoError(t, err)
	return bodies
}

func normalizedLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func containsRun(body, run []string) bool {
	for i := 0; i+len(run) <= len(body); i++ {
		match := true
		for j := range run {
			if body[i+j] != run[j] {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}
