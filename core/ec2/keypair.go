package ec2

// CreateKeyPairInput is EC2's CreateKeyPair request.
type CreateKeyPairInput struct {
	KeyName string `json:"KeyName"`
	KeyType string `json:"KeyType,omitempty"`
	// KeyFormat is the private key's file format: pem (the default) or
	// ppk (PuTTY's).
	KeyFormat         string             `json:"KeyFormat,omitempty"`
	TagSpecifications []TagSpecification `json:"TagSpecifications,omitempty"`
	DryRun            bool               `json:"DryRun,omitempty"`
}

// CreateKeyPairOutput carries the private key: EC2 shows it once, never again.
type CreateKeyPairOutput struct {
	KeyPairId      string `json:"KeyPairId"`
	KeyName        string `json:"KeyName"`
	KeyFingerprint string `json:"KeyFingerprint"`
	KeyMaterial    string `json:"KeyMaterial"`
	Tags           []Tag  `json:"Tags,omitempty"`
}

// ImportKeyPairInput is EC2's ImportKeyPair request; the material is bytes
// (base64 in JSON, as in EC2's API).
type ImportKeyPairInput struct {
	KeyName           string             `json:"KeyName"`
	PublicKeyMaterial []byte             `json:"PublicKeyMaterial"`
	TagSpecifications []TagSpecification `json:"TagSpecifications,omitempty"`
	DryRun            bool               `json:"DryRun,omitempty"`
}

// ImportKeyPairOutput answers ImportKeyPair.
type ImportKeyPairOutput struct {
	KeyPairId      string `json:"KeyPairId"`
	KeyName        string `json:"KeyName"`
	KeyFingerprint string `json:"KeyFingerprint"`
	Tags           []Tag  `json:"Tags,omitempty"`
}

// DescribeKeyPairsInput is EC2's DescribeKeyPairs request.
type DescribeKeyPairsInput struct {
	KeyNames         []string `json:"KeyNames,omitempty"`
	KeyPairIds       []string `json:"KeyPairIds,omitempty"`
	Filters          []Filter `json:"Filters,omitempty"`
	IncludePublicKey bool     `json:"IncludePublicKey,omitempty"`
}

// DescribeKeyPairsOutput lists key pairs.
type DescribeKeyPairsOutput struct {
	KeyPairs []KeyPairInfo `json:"KeyPairs"`
}

// DeleteKeyPairInput names a key pair by name or ID.
type DeleteKeyPairInput struct {
	KeyName   string `json:"KeyName,omitempty"`
	KeyPairId string `json:"KeyPairId,omitempty"`
	DryRun    bool   `json:"DryRun,omitempty"`
}
