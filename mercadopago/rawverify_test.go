package mercadopago_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"
)

// rawVerify is the check a merchant would write by hand, used as the
// benchmark's baseline: split the header, rebuild the manifest, HMAC it and
// decode the body.
func rawVerify(r *http.Request) bool {
	var ts, v1 string
	for _, part := range strings.Split(r.Header.Get("X-Signature"), ",") {
		k, v, _ := strings.Cut(part, "=")
		switch strings.TrimSpace(k) {
		case "ts":
			ts = v
		case "v1":
			v1 = v
		}
	}
	manifest := "id:" + r.URL.Query().Get("data.id") + ";request-id:" + r.Header.Get("X-Request-Id") + ";ts:" + ts + ";"
	h := hmac.New(sha256.New, []byte(whSecret))
	h.Write([]byte(manifest))
	want, err := hex.DecodeString(v1)
	if err != nil || !hmac.Equal(h.Sum(nil), want) {
		return false
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return false
	}
	// The fields a hand-written handler reads, in its own struct.
	var n struct {
		Action string `json:"action"`
		Type   string `json:"type"`
		Data   struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	return json.Unmarshal(body, &n) == nil && n.Data.ID != ""
}
