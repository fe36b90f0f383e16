package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTourRunsEveryFlowAndSucceeds(t *testing.T) {
	var out bytes.Buffer
	code := run(nil, &out)
	assert.Equal(t, 0, code, out.String())
	assert.Contains(t, out.String(), "0 failed")
}

func TestTourRejectsUnknownProvider(t *testing.T) {
	var out bytes.Buffer
	assert.Equal(t, 2, run([]string{"-provider", "paypal"}, &out))
	assert.Contains(t, out.String(), `unknown provider "paypal"`)
}
