module github.com/paykit-go/paykit

go 1.23.0

require (
	github.com/golang-jwt/jwt/v5 v5.3.1
	github.com/google/go-querystring v1.2.0
	github.com/google/uuid v1.6.0
	github.com/jarcoal/httpmock v1.4.2
	github.com/stretchr/testify v1.12.1
	golang.org/x/sync v0.16.0
)

require go.yaml.in/yaml/v3 v3.0.5 // indirect
