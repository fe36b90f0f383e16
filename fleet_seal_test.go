package paykit_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
)

func sealKey(t *testing.T) []byte {
	t.Helper()
	k := make([]byte, 32)
	_, err := rand.Read(k)
	require.NoError(t, err)
	return k
}

const sealedSecret = `{"access_token":"APP_USR-seller-secret","refresh_token":"TG-refresh-secret"}`

func TestSealedTokenStoreKeepsNoPlaintextAtRest(t *testing.T) {
	ctx := context.Background()
	inner := paykit.NewMemoryTokenStore()
	key := sealKey(t)
	s, err := paykit.NewSealedTokenStore(inner, key, nil)
	require.NoError(t, err)

	v, ok, err := s.CompareAndSwap(ctx, "mercadopago:seller:1", 0, []byte(sealedSecret), 7)
	require.NoError(t, err)
	require.True(t, ok)

	raw, err := inner.Load(ctx, "mercadopago:seller:1")
	require.NoError(t, err)
	assert.Equal(t, v, raw.Version, "versions are the inner store's")
	assert.Equal(t, int64(7), raw.Fence, "fences are the inner store's")
	assert.False(t, bytes.Contains(raw.Data, []byte("secret")), "the inner store holds no plaintext")
	assert.False(t, bytes.Contains(raw.Data, key), "nor the key")

	got, err := s.Load(ctx, "mercadopago:seller:1")
	require.NoError(t, err)
	assert.Equal(t, sealedSecret, string(got.Data))
	assert.Equal(t, v, got.Version)

	// Two writes of the same value differ at rest (a fresh nonce each).
	_, ok, err = s.CompareAndSwap(ctx, "mercadopago:seller:1", v, []byte(sealedSecret), 7)
	require.NoError(t, err)
	require.True(t, ok)
	raw2, err := inner.Load(ctx, "mercadopago:seller:1")
	require.NoError(t, err)
	assert.NotEqual(t, raw.Data, raw2.Data)
}

func TestSealedTokenStoreRefusesWhatItCannotOpen(t *testing.T) {
	ctx := context.Background()
	inner := paykit.NewMemoryTokenStore()
	key := sealKey(t)
	s, err := paykit.NewSealedTokenStore(inner, key, nil)
	require.NoError(t, err)
	_, _, err = s.CompareAndSwap(ctx, "a", 0, []byte(sealedSecret), 0)
	require.NoError(t, err)
	sealed, err := inner.Load(ctx, "a")
	require.NoError(t, err)

	// Moved to another key: the key name is bound into the seal.
	_, _, err = inner.CompareAndSwap(ctx, "b", 0, sealed.Data, 0)
	require.NoError(t, err)
	_, err = s.Load(ctx, "b")
	assert.ErrorIs(t, err, paykit.ErrTokenSeal)

	// Altered: one bit of the ciphertext flipped.
	bad := bytes.Clone(sealed.Data)
	bad[len(bad)-1] ^= 1
	_, _, err = inner.CompareAndSwap(ctx, "c", 0, bad, 0)
	require.NoError(t, err)
	_, err = s.Load(ctx, "c")
	assert.ErrorIs(t, err, paykit.ErrTokenSeal)

	// Cut short.
	_, _, err = inner.CompareAndSwap(ctx, "d", 0, sealed.Data[:12], 0)
	require.NoError(t, err)
	_, err = s.Load(ctx, "d")
	assert.ErrorIs(t, err, paykit.ErrTokenSeal)

	// Another key entirely.
	other, err := paykit.NewSealedTokenStore(inner, sealKey(t), nil)
	require.NoError(t, err)
	_, err = other.Load(ctx, "a")
	require.ErrorIs(t, err, paykit.ErrTokenSeal)
	assert.NotContains(t, err.Error(), "secret")

	// A plaintext value, written before sealing was on.
	_, _, err = inner.CompareAndSwap(ctx, "plain", 0, []byte(sealedSecret), 0)
	require.NoError(t, err)
	_, err = s.Load(ctx, "plain")
	require.ErrorIs(t, err, paykit.ErrTokenSeal)
	assert.NotContains(t, err.Error(), "secret")
	migrating, err := paykit.NewSealedTokenStore(inner, key, nil, paykit.AcceptUnsealed())
	require.NoError(t, err)
	got, err := migrating.Load(ctx, "plain")
	require.NoError(t, err)
	assert.Equal(t, sealedSecret, string(got.Data))
	_, ok, err := migrating.CompareAndSwap(ctx, "plain", got.Version, got.Data, 0)
	require.NoError(t, err)
	require.True(t, ok)
	_, err = s.Load(ctx, "plain")
	assert.NoError(t, err, "the next write sealed it")
}

func TestSealedTokenStoreRotatesKeys(t *testing.T) {
	ctx := context.Background()
	inner := paykit.NewMemoryTokenStore()
	oldKey, newKey := sealKey(t), sealKey(t)
	before, err := paykit.NewSealedTokenStore(inner, oldKey, nil)
	require.NoError(t, err)
	v, _, err := before.CompareAndSwap(ctx, "k", 0, []byte(sealedSecret), 0)
	require.NoError(t, err)

	rotated, err := paykit.NewSealedTokenStore(inner, newKey, [][]byte{oldKey})
	require.NoError(t, err)
	got, err := rotated.Load(ctx, "k")
	require.NoError(t, err, "a value sealed with the old key opens")
	assert.Equal(t, sealedSecret, string(got.Data))
	_, ok, err := rotated.CompareAndSwap(ctx, "k", v, got.Data, 0)
	require.NoError(t, err)
	require.True(t, ok)

	onlyNew, err := paykit.NewSealedTokenStore(inner, newKey, nil)
	require.NoError(t, err)
	_, err = onlyNew.Load(ctx, "k")
	assert.NoError(t, err, "rewritten under the new key")
	_, err = before.Load(ctx, "k")
	assert.ErrorIs(t, err, paykit.ErrTokenSeal, "the old key alone no longer opens it")
}

func TestSealedTokenStoreChecksItsKeys(t *testing.T) {
	k := sealKey(t)
	for _, tc := range []struct {
		name  string
		inner paykit.TokenStore
		key   []byte
		old   [][]byte
		want  string
	}{
		{"nil inner", nil, k, nil, "inner store: must not be nil"},
		{"short key", paykit.NewMemoryTokenStore(), k[:10], nil, "key: must be 16, 24 or 32 bytes"},
		{"nil key", paykit.NewMemoryTokenStore(), nil, nil, "key: must be 16, 24 or 32 bytes"},
		{"bad old key", paykit.NewMemoryTokenStore(), k, [][]byte{k[:31]}, "old[0]: must be 16, 24 or 32 bytes"},
		{"repeated key", paykit.NewMemoryTokenStore(), k, [][]byte{k[:16], k}, "old[1]: must differ from key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := paykit.NewSealedTokenStore(tc.inner, tc.key, tc.old)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	s, err := paykit.NewSealedTokenStore(paykit.NewMemoryTokenStore(), k, nil)
	require.NoError(t, err)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(verb, s)
		assert.NotContains(t, out, fmt.Sprintf("%x", k[:8]), verb)
		assert.NotContains(t, out, string(k[:8]), verb)
	}
}
