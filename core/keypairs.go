package core

import (
	"context"
	"errors"
	"sort"

	"github.com/ec2x/ec2x/core/sshkey"
	"github.com/ec2x/ec2x/core/store"
)

// CreateKeyPairInput is EC2's CreateKeyPair request.
type CreateKeyPairInput struct {
	KeyName           string             `json:"KeyName"`
	KeyType           string             `json:"KeyType,omitempty"`
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

func validKeyName(name string) error {
	if name == "" || len(name) > 255 {
		return Errorf(CodeInvalidParameterValue, "Key pair names are 1 to 255 ASCII characters")
	}
	for i := 0; i < len(name); i++ {
		if name[i] < 0x20 || name[i] > 0x7e {
			return Errorf(CodeInvalidParameterValue, "Key pair names are printable ASCII characters")
		}
	}
	return nil
}

func keyTags(specs []TagSpecification) ([]Tag, error) {
	var tags []Tag
	for _, s := range specs {
		if s.ResourceType != "key-pair" {
			return nil, Errorf(CodeInvalidParameterValue, "'%s' is not a valid taggable resource type for this operation.", s.ResourceType)
		}
		tags = append(tags, s.Tags...)
	}
	return mergeTags(nil, tags)
}

// CreateKeyPair makes a key pair and returns its private half once.
func (c *Cloud) CreateKeyPair(ctx context.Context, region string, in *CreateKeyPairInput) (*CreateKeyPairOutput, error) {
	if err := validKeyName(in.KeyName); err != nil {
		return nil, err
	}
	tags, err := keyTags(in.TagSpecifications)
	if err != nil {
		return nil, err
	}
	kind := in.KeyType
	if kind == "" {
		kind = sshkey.TypeRSA
	}
	if kind != sshkey.TypeRSA && kind != sshkey.TypeED25519 {
		return nil, Errorf(CodeInvalidParameterValue, "Invalid value '%s' for KeyType: use rsa or ed25519", in.KeyType)
	}
	// Generate outside the lock: RSA takes tens of milliseconds.
	k, err := sshkey.Generate(kind)
	if err != nil {
		return nil, Errorf(CodeInternalError, "generate key: %v", err)
	}
	rec, err := c.addKey(ctx, region, in.KeyName, k, tags, in.DryRun)
	if err != nil {
		return nil, err
	}
	return &CreateKeyPairOutput{KeyPairId: rec.KeyPairId, KeyName: rec.KeyName, KeyFingerprint: rec.KeyFingerprint,
		KeyMaterial: string(k.PrivatePEM), Tags: rec.Tags}, nil
}

// ImportKeyPair registers the public half of a key the user made.
func (c *Cloud) ImportKeyPair(ctx context.Context, region string, in *ImportKeyPairInput) (*ImportKeyPairOutput, error) {
	if err := validKeyName(in.KeyName); err != nil {
		return nil, err
	}
	tags, err := keyTags(in.TagSpecifications)
	if err != nil {
		return nil, err
	}
	k, err := sshkey.Import(in.PublicKeyMaterial)
	if err != nil {
		if errors.Is(err, sshkey.ErrInvalidKeyFormat) {
			return nil, Errorf(CodeInvalidKeyFormat, "Key is not in valid OpenSSH public key format (%v)", err)
		}
		return nil, Errorf(CodeInvalidParameterValue, "%v", err)
	}
	rec, err := c.addKey(ctx, region, in.KeyName, k, tags, in.DryRun)
	if err != nil {
		return nil, err
	}
	return &ImportKeyPairOutput{KeyPairId: rec.KeyPairId, KeyName: rec.KeyName, KeyFingerprint: rec.KeyFingerprint, Tags: rec.Tags}, nil
}

func (c *Cloud) addKey(ctx context.Context, region, name string, k *sshkey.Key, tags []Tag, dryRun bool) (*keyRecord, error) {
	c.mu.Lock()
	rs, err := c.region(region)
	if err != nil {
		c.mu.Unlock()
		return nil, err
	}
	if _, dup := rs.keys[name]; dup {
		c.mu.Unlock()
		return nil, Errorf(CodeInvalidKeyPairDuplicate, "The keypair '%s' already exists.", name)
	}
	if dryRun {
		c.mu.Unlock()
		return nil, Errorf(CodeDryRunOperation, "Request would have succeeded, but DryRun flag is set.")
	}
	rec := &keyRecord{Region: region, KeyPairInfo: KeyPairInfo{
		KeyPairId: c.newID("key"), KeyName: name, KeyType: k.Type, KeyFingerprint: k.Fingerprint,
		PublicKey: k.PublicKey + " " + name, CreateTime: c.clk.Now().UTC(), Tags: tags,
	}}
	rs.keys[name] = rec
	b := store.NewBatch()
	b.Put(store.KeyPairKey(region, name), rec)
	wait := c.commitLocked(ctx, b)
	c.mu.Unlock()
	if err := wait(); err != nil {
		return nil, err
	}
	return rec, nil
}

func keyByID(rs *regionState, id string) *keyRecord {
	for _, k := range rs.keys {
		if k.KeyPairId == id {
			return k
		}
	}
	return nil
}

// DescribeKeyPairs lists key pairs by name or ID (all when none given).
func (c *Cloud) DescribeKeyPairs(ctx context.Context, region string, in *DescribeKeyPairsInput) (*DescribeKeyPairsOutput, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	rs, err := c.region(region)
	if err != nil {
		return nil, err
	}
	var recs []*keyRecord
	for _, n := range in.KeyNames {
		k := rs.keys[n]
		if k == nil {
			return nil, Errorf(CodeInvalidKeyPairNotFound, "The key pair '%s' does not exist", n)
		}
		recs = append(recs, k)
	}
	for _, id := range in.KeyPairIds {
		k := keyByID(rs, id)
		if k == nil {
			return nil, Errorf(CodeInvalidKeyPairNotFound, "The key pair '%s' does not exist", id)
		}
		recs = append(recs, k)
	}
	if len(in.KeyNames) == 0 && len(in.KeyPairIds) == 0 {
		for _, k := range rs.keys {
			recs = append(recs, k)
		}
	}
	out := &DescribeKeyPairsOutput{KeyPairs: make([]KeyPairInfo, 0, len(recs))}
	for _, k := range recs {
		info := k.KeyPairInfo
		if !in.IncludePublicKey {
			info.PublicKey = ""
		}
		out.KeyPairs = append(out.KeyPairs, info)
	}
	sort.Slice(out.KeyPairs, func(i, j int) bool { return out.KeyPairs[i].KeyName < out.KeyPairs[j].KeyName })
	return out, nil
}

// DeleteKeyPair deletes a key pair. As in EC2, deleting one that does not
// exist succeeds; instances launched with it keep their KeyName.
func (c *Cloud) DeleteKeyPair(ctx context.Context, region string, in *DeleteKeyPairInput) (*Empty, error) {
	if in.KeyName == "" && in.KeyPairId == "" {
		return nil, Errorf(CodeMissingParameter, "The request must contain the parameter KeyName or KeyPairId")
	}
	c.mu.Lock()
	rs, err := c.region(region)
	if err != nil {
		c.mu.Unlock()
		return nil, err
	}
	k := rs.keys[in.KeyName]
	if in.KeyPairId != "" {
		k = keyByID(rs, in.KeyPairId)
	}
	if in.DryRun {
		c.mu.Unlock()
		return nil, Errorf(CodeDryRunOperation, "Request would have succeeded, but DryRun flag is set.")
	}
	if k == nil {
		c.mu.Unlock()
		return &Empty{Return: true}, nil
	}
	delete(rs.keys, k.KeyName)
	b := store.NewBatch()
	b.Delete(store.KeyPairKey(region, k.KeyName))
	wait := c.commitLocked(ctx, b)
	c.mu.Unlock()
	if err := wait(); err != nil {
		return nil, err
	}
	return &Empty{Return: true}, nil
}
