// Package sshkey creates and imports SSH key pairs the way Amazon EC2's
// CreateKeyPair and ImportKeyPair do, including EC2's fingerprint rules.
//
// # Fingerprints
//
// EC2 reports KeyFingerprint by these rules. Sources: Amazon EC2 User Guide,
// "Verify the fingerprint of your key pair"
// (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/verify-keys.html), and
// EC2 API Reference, KeyPairInfo.keyFingerprint
// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_KeyPairInfo.html).
//
//   - RSA, created by CreateKeyPair: SHA-1 of the DER-encoded PKCS#8 private
//     key, lower-case hex bytes joined by ':' (59 characters). The user guide
//     checks it with: openssl pkcs8 -in key.pem -inform PEM -outform DER
//     -topk8 -nocrypt | openssl sha1 -c
//   - RSA, imported by ImportKeyPair: MD5 of the DER-encoded public key in
//     X.509 SubjectPublicKeyInfo (PKIX) form, lower-case hex joined by ':'
//     (47 characters). The user guide checks it with: openssl rsa -in key
//     -pubout -outform DER | openssl md5 -c. The API reference calls this "the
//     MD5 public key fingerprint as specified in section 4 of RFC4716", but
//     that RFC hashes the SSH wire blob (what ssh-keygen -E md5 prints), which
//     is not what EC2 returns; EC2's values match the openssl (PKIX) form, so
//     that is what this package computes.
//   - ED25519, created or imported: SHA-256 of the SSH wire-format public key
//     in standard base64 with the trailing '=' padding and without the
//     "SHA256:" prefix that ssh-keygen -l prints (44 characters), e.g.
//     "HvE7+gmH78VS53+iPuRDh/gKjVo26OzYU/qOnJWAgyk=". The user guide notes
//     that "Amazon EC2 might append padding to the fingerprint with =
//     characters. Other tools, such as ssh-keygen, might omit this padding".
//
// Re-importing the public half of an RSA key pair made by CreateKeyPair thus
// yields a different fingerprint (MD5 instead of SHA-1), as on EC2.
package sshkey
