package fintecture

import (
	"strings"

	"github.com/paykit-go/paykit/internal/transport"
)

// Beneficiary is the account a Connect payment is paid into, when it is not
// the one set up for your application in the Console
// (data.attributes.beneficiary of POST /pis/v2/connect,
// https://doc.fintecture.com/reference/createpisv2connect). The member names
// are those of Fintecture's official SDKs (Node IBeneficiary, Ruby and PHP
// examples).
type Beneficiary struct {
	// Name is the account holder's name; required.
	Name string
	// IBAN is the account number; required. Spaces are allowed and removed,
	// letters are sent in capitals, and the ISO 13616 check digits are
	// verified before anything is sent.
	IBAN string
	// SWIFTBIC is the bank's BIC, 8 or 11 characters (swift_bic).
	SWIFTBIC string
	// BankName is the bank's name (bank_name).
	BankName string
	// Street, Number, Complement, Zip and City are the holder's address.
	Street, Number, Complement, Zip, City string
	// Country is an ISO 3166-1 alpha-2 code in capitals, e.g. "FR".
	Country string
	// Form and Incorporation are a company holder's legal form and
	// registration number; Fintecture's Ruby SDK notes them as required
	// when no fixed beneficiary is set up for the application.
	Form, Incorporation string
}

type wireBeneficiary struct {
	Name          string `json:"name"`
	Form          string `json:"form,omitempty"`
	Incorporation string `json:"incorporation,omitempty"`
	Street        string `json:"street,omitempty"`
	Number        string `json:"number,omitempty"`
	Complement    string `json:"complement,omitempty"`
	City          string `json:"city,omitempty"`
	Zip           string `json:"zip,omitempty"`
	Country       string `json:"country,omitempty"`
	IBAN          string `json:"iban"`
	SWIFTBIC      string `json:"swift_bic,omitempty"`
	BankName      string `json:"bank_name,omitempty"`
}

const beneficiaryPath = "data.attributes.beneficiary"

func (b *Beneficiary) validate() error {
	if strings.TrimSpace(b.Name) == "" {
		return invalid(beneficiaryPath+".name", "must not be empty")
	}
	if !ValidIBAN(b.IBAN) {
		return invalid(beneficiaryPath+".iban", "must be an IBAN with valid check digits (ISO 13616), e.g. FR7630006000011234567890189")
	}
	if b.SWIFTBIC != "" && !validBIC(b.SWIFTBIC) {
		return invalid(beneficiaryPath+".swift_bic", "must be a BIC of 8 or 11 capital letters and digits (ISO 9362), e.g. BNPAFRPP")
	}
	if b.Country != "" && !isCountry(b.Country) {
		return invalid(beneficiaryPath+".country", "must be a 2-letter ISO 3166-1 code in capitals, e.g. FR")
	}
	for name, v := range map[string]string{"name": b.Name, "bank_name": b.BankName, "street": b.Street, "number": b.Number,
		"complement": b.Complement, "zip": b.Zip, "city": b.City, "form": b.Form, "incorporation": b.Incorporation} {
		if transport.HasControl(v) {
			return invalid(beneficiaryPath+"."+name, "must not contain control characters")
		}
	}
	return nil
}

func (b *Beneficiary) wire() *wireBeneficiary {
	return &wireBeneficiary{Name: b.Name, Form: b.Form, Incorporation: b.Incorporation, Street: b.Street, Number: b.Number,
		Complement: b.Complement, City: b.City, Zip: b.Zip, Country: b.Country, IBAN: compactIBAN(b.IBAN),
		SWIFTBIC: b.SWIFTBIC, BankName: b.BankName}
}

// compactIBAN drops spaces and writes letters in capitals.
func compactIBAN(s string) string {
	return strings.ToUpper(strings.ReplaceAll(s, " ", ""))
}

// ValidIBAN reports whether s is an IBAN whose check digits are right
// (ISO 13616: country code, two check digits, 11 to 30 letters and digits;
// the number moved to start after the first four characters, letters as
// 10..35, is 1 modulo 97). Spaces are ignored and letters may be in either
// case. It does not check a country's own length or format.
func ValidIBAN(s string) bool {
	s = compactIBAN(s)
	if len(s) < 15 || len(s) > 34 {
		return false
	}
	if !isUpperAlpha(s[0]) || !isUpperAlpha(s[1]) || !isDigit(s[2]) || !isDigit(s[3]) {
		return false
	}
	rem := 0
	for _, c := range []byte(s[4:] + s[:4]) {
		switch {
		case isDigit(c):
			rem = (rem*10 + int(c-'0')) % 97
		case isUpperAlpha(c):
			rem = (rem*100 + int(c-'A') + 10) % 97
		default:
			return false
		}
	}
	return rem == 1
}

// validBIC checks the shape of a BIC: 4 letters (bank), 2 letters
// (country), 2 letters or digits (location), optionally 3 more (branch).
func validBIC(s string) bool {
	if len(s) != 8 && len(s) != 11 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if i < 6 && !isUpperAlpha(c) || i >= 6 && !isUpperAlpha(c) && !isDigit(c) {
			return false
		}
	}
	return true
}

func isUpperAlpha(c byte) bool { return c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool      { return c >= '0' && c <= '9' }
