package paykit

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
)

// ErrTokenSeal is matched (errors.Is) by the error a SealedTokenStore
// returns when a stored value cannot be opened: sealed with a key it was
// not given, altered, moved from another key, or not sealed at all (see
// AcceptUnsealed). The error never holds the value or the key.
var ErrTokenSeal = errors.New("paykit: sealed token store: a stored value cannot be opened")

// SealedTokenStore is a TokenStore that keeps every value it writes to
// another TokenStore sealed with AES-GCM under a key the merchant supplies,
// so that the tokens a shared store holds at rest (Mercado Pago sellers'
// access and refresh tokens, client-credentials tokens) are of no use to
// whoever reads the store without the key. Versions and fences are the
// inner store's, unchanged.
//
// Each value is sealed with a fresh random nonce, and bound to the key it
// is stored under: a value copied to another key does not open. Give every
// replica the same keys. To rotate, put the new key first and keep the old
// ones after it: values are opened with whichever key sealed them and
// written again under the first key at their next write (a refresh).
type SealedTokenStore struct {
	inner       TokenStore
	seal        sealKey
	open        []sealKey
	acceptPlain bool
}

type sealKey struct {
	id   [4]byte
	aead cipher.AEAD
}

// SealOption configures NewSealedTokenStore.
type SealOption func(*SealedTokenStore)

// AcceptUnsealed lets Load read values written before sealing was turned
// on (a running fleet that starts sealing): such a value is returned as it
// is, and sealed at its next write. Without it, an unsealed value is an
// error matching ErrTokenSeal. Remove the option once every value was
// written again.
func AcceptUnsealed() SealOption {
	return func(s *SealedTokenStore) { s.acceptPlain = true }
}

// sealMagic starts every sealed value, followed by the sealing key's id,
// the nonce, and the ciphertext with its tag.
var sealMagic = []byte("pkseal1:")

// NewSealedTokenStore returns a TokenStore over inner that seals values
// with key and opens them with key or any of old (key rotation). Each key
// must be 16, 24 or 32 bytes (AES-128, AES-192, AES-256; 32 random bytes
// are the usual choice), and no two may be equal.
func NewSealedTokenStore(inner TokenStore, key []byte, old [][]byte, opts ...SealOption) (*SealedTokenStore, error) {
	if inner == nil {
		return nil, errors.New("paykit: sealed token store: inner store: must not be nil")
	}
	s := &SealedTokenStore{inner: inner}
	for i, k := range append([][]byte{key}, old...) {
		name := "key"
		if i > 0 {
			name = fmt.Sprintf("old[%d]", i-1)
		}
		switch len(k) {
		case 16, 24, 32:
		default:
			return nil, fmt.Errorf("paykit: sealed token store: %s: must be 16, 24 or 32 bytes (AES-128, -192 or -256), got %d", name, len(k))
		}
		block, err := aes.NewCipher(k)
		if err != nil {
			return nil, fmt.Errorf("paykit: sealed token store: %s: %w", name, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("paykit: sealed token store: %s: %w", name, err)
		}
		sum := sha256.Sum256(k)
		sk := sealKey{aead: aead}
		copy(sk.id[:], sum[:4])
		for j, prev := range s.open {
			if prev.id == sk.id {
				prevName := "key"
				if j > 0 {
					prevName = fmt.Sprintf("old[%d]", j-1)
				}
				return nil, fmt.Errorf("paykit: sealed token store: %s: must differ from %s", name, prevName)
			}
		}
		s.open = append(s.open, sk)
	}
	s.seal = s.open[0]
	for _, o := range opts {
		o(s)
	}
	return s, nil
}

// Load opens the value stored under key. Nothing stored is Version 0 and
// no error, as with any TokenStore.
func (s *SealedTokenStore) Load(ctx context.Context, key string) (StoredToken, error) {
	st, err := s.inner.Load(ctx, key)
	if err != nil || st.Version == 0 {
		return st, err
	}
	data, err := s.openValue(key, st.Data)
	if err != nil {
		return StoredToken{}, err
	}
	st.Data = data
	return st, nil
}

// CompareAndSwap seals data and stores it under key through the inner
// store's CompareAndSwap.
func (s *SealedTokenStore) CompareAndSwap(ctx context.Context, key string, old int64, data []byte, fence int64) (int64, bool, error) {
	sealed, err := s.sealValue(key, data)
	if err != nil {
		return 0, false, err
	}
	return s.inner.CompareAndSwap(ctx, key, old, sealed, fence)
}

// String describes the store without its keys.
func (s *SealedTokenStore) String() string {
	return fmt.Sprintf("paykit.SealedTokenStore{keys: %d}", len(s.open))
}

// GoString is String, so that %#v shows no key either.
func (s *SealedTokenStore) GoString() string { return s.String() }

func (s *SealedTokenStore) sealValue(key string, data []byte) ([]byte, error) {
	nonceSize := s.seal.aead.NonceSize()
	out := make([]byte, 0, len(sealMagic)+len(s.seal.id)+nonceSize+len(data)+s.seal.aead.Overhead())
	out = append(out, sealMagic...)
	out = append(out, s.seal.id[:]...)
	nonce := out[len(out) : len(out)+nonceSize]
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("paykit: sealed token store: reading a nonce: %w", err)
	}
	out = out[:len(out)+nonceSize]
	return s.seal.aead.Seal(out, nonce, data, []byte(key)), nil
}

func (s *SealedTokenStore) openValue(key string, v []byte) ([]byte, error) {
	if !bytes.HasPrefix(v, sealMagic) {
		if s.acceptPlain {
			return v, nil
		}
		return nil, fmt.Errorf("%w: the value under the key is not sealed (written before sealing was turned on? see AcceptUnsealed)", ErrTokenSeal)
	}
	rest := v[len(sealMagic):]
	if len(rest) < 4 {
		return nil, fmt.Errorf("%w: the value is cut short", ErrTokenSeal)
	}
	var id [4]byte
	copy(id[:], rest)
	rest = rest[4:]
	for _, k := range s.open {
		if k.id != id {
			continue
		}
		if len(rest) < k.aead.NonceSize()+k.aead.Overhead() {
			return nil, fmt.Errorf("%w: the value is cut short", ErrTokenSeal)
		}
		nonce, ct := rest[:k.aead.NonceSize()], rest[k.aead.NonceSize():]
		data, err := k.aead.Open(nil, nonce, ct, []byte(key))
		if err != nil {
			return nil, fmt.Errorf("%w: the value was altered or belongs to another key", ErrTokenSeal)
		}
		return data, nil
	}
	return nil, fmt.Errorf("%w: it was sealed with a key this store was not given", ErrTokenSeal)
}

var _ TokenStore = (*SealedTokenStore)(nil)
