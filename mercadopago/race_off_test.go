//go:build !race

package mercadopago_test

// raceEnabled: see race_on_test.go.
const raceEnabled = false
