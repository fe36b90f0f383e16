module github.com/paykit-go/paykit/bench

go 1.23.0

require (
	github.com/google/uuid v1.6.0
	github.com/mercadopago/sdk-go v1.8.0
	github.com/paykit-go/paykit v0.0.0
)

require (
	github.com/google/go-querystring v1.2.0 // indirect
	golang.org/x/sync v0.16.0 // indirect
)

replace github.com/paykit-go/paykit => ../
