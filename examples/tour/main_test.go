package main

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTourRunsEveryFlowAndSucceeds(t *testing.T) {
	var out bytes.Buffer
	code := run(nil, &out)
	require.Equal(t, 0, code, out.String())
	for _, section := range []string{"== Mercado Pago · card payment", "== Mercado Pago · saved card", "== Mercado Pago · Fintoc",
		"== Mercado Pago · refunds", "== Mercado Pago · card with 3-D Secure", "== Mercado Pago · Checkout Pro",
		"== Mercado Pago · an order from create to refund", "== Mercado Pago · a seller connects through OAuth",
		"== Mercado Pago · Pix (Brazil, BRL)", "== Mercado Pago · boleto (Brazil, BRL)", "== Mercado Pago · PSE (Colombia, COP)",
		"== Mercado Pago · OXXO (Mexico, MXN)", "== Mercado Pago · SPEI (Mexico, MXN)", "== Mercado Pago · Efecty (Colombia, COP)",
		"== Mercado Pago · Yape (Peru, PEN)",
		"== Mercado Pago · an order searched and edited",
		"== Mercado Pago · a subscription charged and its charge read", "== Mercado Pago · a chargeback looked up",
		"== Mercado Pago · a split payment released to two sellers", "== Mercado Pago · a Point payment taken on the simulated terminal",
		"== Finrota · widget payment with 3-D Secure", "== Finrota · widget payment without 3-D Secure",
		"== Fintecture · immediate transfer", "== ETpay · session, funnel"} {
		assert.Contains(t, out.String(), section)
	}
	m := regexp.MustCompile(`(?m)^(\d+) checks, 0 failed$`).FindStringSubmatch(out.String())
	require.NotNil(t, m, "summary line")
	n, _ := strconv.Atoi(m[1])
	assert.GreaterOrEqual(t, n, 65, "every flow checks its outcome")
	assert.NotContains(t, out.String(), "✗")
}

func TestTourOneProvider(t *testing.T) {
	var out bytes.Buffer
	require.Equal(t, 0, run([]string{"-provider", "etpay"}, &out), out.String())
	var help bytes.Buffer
	run([]string{"-h"}, &help)
	assert.Equal(t, 1, strings.Count(help.String(), "mercadopago"), "each provider is named once:\n%s", help.String())
	assert.Contains(t, out.String(), "== ETpay")
	assert.NotContains(t, out.String(), "Mercado Pago")
}

func TestTourRejectsUnknownProvider(t *testing.T) {
	var out bytes.Buffer
	assert.Equal(t, 2, run([]string{"-provider", "paypal"}, &out))
	assert.Contains(t, out.String(), `unknown provider "paypal"`)
}
