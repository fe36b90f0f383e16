#!/bin/sh
# Regenerates the JWT vectors in this directory with openssl alone, so the
# verifier is tested against tokens no Go code produced:
#
#   b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
#   sig=$(printf '%s' "$header.$payload" | openssl dgst -sha256 -hmac "$SECRET" -binary | b64url)
#
# Run from this directory: sh make.sh
set -eu
SECRET='sig-token-test-1'
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
enc() { printf '%s' "$1" | b64url; }
hmac() { printf '%s' "$2" | openssl dgst "-$1" -hmac "$SECRET" -binary | b64url; }

HS256=$(enc '{"alg":"HS256","typ":"JWT"}')
CLAIMS='{"session_token":"sess_7f3a","payment_token":"pay_91c2","payment_status":"success","merchant_order_id":"OC700104","order_amount":2000,"user_rut":"12345678-5"}'
P=$(enc "$CLAIMS")

# valid: HS256 over the documented claims.
echo "$HS256.$P.$(hmac sha256 "$HS256.$P")" > valid.jwt
# tampered: order_amount changed after signing, original signature kept.
T=$(enc "$(printf '%s' "$CLAIMS" | sed 's/2000/2/')")
echo "$HS256.$T.$(hmac sha256 "$HS256.$P")" > tampered.jwt
# alg none, empty signature.
NONE=$(enc '{"alg":"none","typ":"JWT"}')
echo "$NONE.$P." > none.jwt
# HS512 with the right secret.
HS512=$(enc '{"alg":"HS512","typ":"JWT"}')
echo "$HS512.$P.$(hmac sha512 "$HS512.$P")" > hs512.jwt
# RS256 header carrying an HMAC-SHA256 made with the secret (key confusion).
RS=$(enc '{"alg":"RS256","typ":"JWT"}')
echo "$RS.$P.$(hmac sha256 "$RS.$P")" > rs256.jwt
# exp in 2017.
E=$(enc '{"session_token":"sess_7f3a","payment_status":"success","order_amount":2000,"exp":1500000000}')
echo "$HS256.$E.$(hmac sha256 "$HS256.$E")" > expired.jwt
# nbf in 2100.
N=$(enc '{"session_token":"sess_7f3a","payment_status":"success","order_amount":2000,"nbf":4102444800}')
echo "$HS256.$N.$(hmac sha256 "$HS256.$N")" > notyet.jwt
# iat in 2100.
I=$(enc '{"session_token":"sess_7f3a","payment_status":"success","order_amount":2000,"iat":4102444800}')
echo "$HS256.$I.$(hmac sha256 "$HS256.$I")" > future_iat.jwt
# iat in the past, exp in 2100: valid.
V=$(enc '{"session_token":"sess_7f3a","payment_status":"success","order_amount":2000,"iat":1700000000,"exp":4102444800}')
echo "$HS256.$V.$(hmac sha256 "$HS256.$V")" > times_ok.jwt
# drifted: amount as a string, payment_token a number, an extra claim, no typ.
HA=$(enc '{"alg":"HS256"}')
D=$(enc '{"session_token":"sess_7f3a","payment_token":918273,"payment_status":"success","merchant_order_id":"OC700104","order_amount":"2000","bank":"cl_estado"}')
echo "$HA.$D.$(hmac sha256 "$HA.$D")" > drifted.jwt
# exp as a string: signed correctly, but the claim is malformed.
S=$(enc '{"session_token":"sess_7f3a","exp":"soon"}')
echo "$HS256.$S.$(hmac sha256 "$HS256.$S")" > bad_exp.jwt
# issued: the documented claims with iat (2023-11-14T22:13:20Z) and no exp,
# as the simulator sends them; without exp the verifier needs a recent iat.
IS=$(enc '{"session_token":"sess_7f3a","payment_token":"pay_91c2","payment_status":"success","merchant_order_id":"OC700104","order_amount":2000,"user_rut":"12345678-5","iat":1700000000}')
echo "$HS256.$IS.$(hmac sha256 "$HS256.$IS")" > issued.jwt
