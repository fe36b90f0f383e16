package docs_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEveryGoSnippetIsCompiled checks that each ```go block of testing.md
// appears, up to white space, in testing_test.go, where it compiles and
// (with an Output) runs.
func TestEveryGoSnippetIsCompiled(t *testing.T) {
	md, err := os.ReadFile("testing.md")
	require.NoError(t, err)
	src, err := os.ReadFile("testing_test.go")
	require.NoError(t, err)
	space := regexp.MustCompile(`\s+`)
	norm := func(s string) string { return strings.TrimSpace(space.ReplaceAllString(s, " ")) }
	blocks := regexp.MustCompile("(?s)```go\n(.*?)```").FindAllStringSubmatch(string(md), -1)
	require.Len(t, blocks, 4, "the Go snippets of testing.md")
	for _, b := range blocks {
		assert.Contains(t, norm(string(src)), norm(b[1]), "a snippet of testing.md is not in testing_test.go")
	}
}
