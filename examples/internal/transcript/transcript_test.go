package transcript

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTranscriptRecordsFailures(t *testing.T) {
	var buf bytes.Buffer
	tr := New(&buf, false)
	tr.Section("Demo")
	tr.Sent("POST /v1/payments amount=%s", "50.00")
	tr.Got("payment %d approved\nsecond line", 7)
	tr.Detail("hidden unless verbose")
	assert.True(t, tr.Check(true, "approved"))
	assert.False(t, tr.Failed())
	assert.False(t, tr.Check(false, "rejected expected"))
	assert.True(t, tr.Failed())
	n, failed := tr.Summary()
	assert.Equal(t, 2, n)
	assert.Equal(t, []string{"rejected expected"}, failed)
	out := buf.String()
	assert.Contains(t, out, "== Demo ==")
	assert.Contains(t, out, "  → POST /v1/payments amount=50.00\n")
	assert.Contains(t, out, "  ← payment 7 approved\n    second line\n")
	assert.NotContains(t, out, "hidden")
	assert.Contains(t, out, "  ✗ rejected expected")

	buf.Reset()
	New(&buf, true).Detail("shown")
	assert.Contains(t, buf.String(), "shown")
}
