module github.com/paykit-go/paykit/bench

go 1.23.0

require (
	github.com/go-json-experiment/json v0.0.0-20250211171154-1ae217ad3535
	github.com/goccy/go-json v0.12.0
	github.com/google/uuid v1.6.0
	github.com/mercadopago/sdk-go v1.8.0
	github.com/paykit-go/paykit v0.0.0
)

require (
	github.com/google/go-querystring v1.2.0 // indirect
	golang.org/x/sync v0.16.0 // indirect
)

replace github.com/paykit-go/paykit => ../
