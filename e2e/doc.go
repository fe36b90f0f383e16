// Package e2e drives the checkout shop (examples/checkout) in headless
// Chromium through every payment method, the decline and abandon paths, the
// notification faults, and Mercado Pago's Pix, boleto, PSE and OXXO each
// paid, rejected and expired, on the provider simulators.
//
// It is a module of its own so that the browser driver (chromedp) stays out
// of what an importer of paykit downloads: the root go.work puts it next to
// the SDK for development, and the README's test command runs it:
//
//	go test -race ./... ./bench/... ./e2e/... ./otel/... ./otel/example/... ./store/...
//
// The test needs a Chromium (Debian: apt-get install chromium). It looks
// for $PAYKIT_CHROMIUM, then chromium, chromium-browser, google-chrome on
// PATH; when none is there and the test runs as root with apt-get, it
// installs Debian's chromium package first. A missing browser fails the
// test, never skips it.
//
// cd e2e && go test -run TestMercadoPagoCard$ . -args -screenshot ../docs/checkout.png
// rewrites the README's screenshot of the card pay page.
package e2e
