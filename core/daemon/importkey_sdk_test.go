package daemon

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"golang.org/x/crypto/ssh"
)

// TestSDKImportKeyPair: PublicKeyMaterial is a blob, which the SDK sends
// as one base64 value (as `aws ec2 import-key-pair` and Terraform's
// aws_key_pair do); the endpoint once looked for PublicKeyMaterial.1 and
// refused it as an unknown parameter.
func TestSDKImportKeyPair(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	rsaLine, err := os.ReadFile("../sshkey/testdata/rsa2048.pub")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, keyType string
		material      []byte
	}{
		{"ed25519", "ed25519", ssh.MarshalAuthorizedKey(sshPub)},
		{"rsa", "rsa", rsaLine},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := c.ImportKeyPair(ctx, &ec2.ImportKeyPairInput{KeyName: aws.String("imported-" + tc.name), PublicKeyMaterial: tc.material})
			if err != nil {
				t.Fatalf("ImportKeyPair: %v", err)
			}
			d, err := c.DescribeKeyPairs(ctx, &ec2.DescribeKeyPairsInput{KeyNames: []string{"imported-" + tc.name}, IncludePublicKey: aws.Bool(true)})
			if err != nil {
				t.Fatal(err)
			}
			k := d.KeyPairs[0]
			if string(k.KeyType) != tc.keyType || aws.ToString(k.KeyFingerprint) != aws.ToString(out.KeyFingerprint) ||
				!strings.HasPrefix(string(tc.material), strings.Join(strings.Fields(aws.ToString(k.PublicKey))[:2], " ")) {
				t.Errorf("described %s %s %q, imported fingerprint %s", k.KeyType, aws.ToString(k.KeyFingerprint), aws.ToString(k.PublicKey), aws.ToString(out.KeyFingerprint))
			}
		})
	}
	t.Run("material that is not a key", func(t *testing.T) {
		_, err := c.ImportKeyPair(ctx, &ec2.ImportKeyPairInput{KeyName: aws.String("junk"), PublicKeyMaterial: []byte("not a key")})
		if code := apiCode(t, err); code != "InvalidKey.Format" {
			t.Errorf("code %s, want InvalidKey.Format", code)
		}
	})
}
