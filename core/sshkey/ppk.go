package sshkey

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"golang.org/x/crypto/ssh"
)

// PPK renders a generated key as PuTTY's private key file (CreateKeyPair's
// KeyFormat ppk): version 2, unencrypted, which every PuTTY since 0.52
// reads. comment goes into the file's Comment line.
//
// The file is the public and private blobs in base64 and a MAC over them:
// HMAC-SHA-1 keyed by SHA-1("putty-private-key-file-mac-key") (no
// passphrase), over the algorithm, the encryption ("none"), the comment
// and both blobs, each as an SSH string.
func (k *Key) PPK(comment string) ([]byte, error) {
	if k.private == nil {
		return nil, errors.New("sshkey: only a generated key has a private half")
	}
	pub, err := ssh.NewPublicKey(k.private.Public())
	if err != nil {
		return nil, fmt.Errorf("sshkey: public key: %w", err)
	}
	var priv []byte
	switch p := k.private.(type) {
	case *rsa.PrivateKey:
		p.Precompute()
		priv = appendMpint(priv, p.D)
		priv = appendMpint(priv, p.Primes[0])
		priv = appendMpint(priv, p.Primes[1])
		// PuTTY wants q⁻¹ mod p; Go keeps Qinv = q⁻¹ mod p too.
		priv = appendMpint(priv, p.Precomputed.Qinv)
	case ed25519.PrivateKey:
		// The 32-byte seed as it is, in a string (as puttygen writes it:
		// never with an mpint's leading zero).
		priv = appendString(priv, p.Seed())
	default:
		return nil, fmt.Errorf("sshkey: no PPK form for %T", p)
	}
	algo, pubBlob := pub.Type(), pub.Marshal()
	var macData []byte
	for _, s := range [][]byte{[]byte(algo), []byte("none"), []byte(comment), pubBlob, priv} {
		macData = appendString(macData, s)
	}
	key := sha1.Sum([]byte("putty-private-key-file-mac-key"))
	mac := hmac.New(sha1.New, key[:])
	mac.Write(macData)

	var b strings.Builder
	fmt.Fprintf(&b, "PuTTY-User-Key-File-2: %s\nEncryption: none\nComment: %s\n", algo, comment)
	writeLines(&b, "Public-Lines", pubBlob)
	writeLines(&b, "Private-Lines", priv)
	fmt.Fprintf(&b, "Private-MAC: %s\n", hex.EncodeToString(mac.Sum(nil)))
	return []byte(b.String()), nil
}

// writeLines writes data as PPK does: a count line, then base64 in lines
// of 64 characters.
func writeLines(b *strings.Builder, name string, data []byte) {
	enc := base64.StdEncoding.EncodeToString(data)
	lines := (len(enc) + 63) / 64
	fmt.Fprintf(b, "%s: %d\n", name, lines)
	for i := 0; i < len(enc); i += 64 {
		b.WriteString(enc[i:min(i+64, len(enc))])
		b.WriteByte('\n')
	}
}

// appendString appends s as an SSH string: a 4-byte length, then s.
func appendString(b, s []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// appendMpint appends a non-negative n as an SSH mpint: big-endian, with a
// leading zero byte when the top bit is set, so it is not read as negative.
func appendMpint(b []byte, n *big.Int) []byte {
	v := n.Bytes()
	if len(v) > 0 && v[0]&0x80 != 0 {
		v = append([]byte{0}, v...)
	}
	return appendString(b, v)
}
