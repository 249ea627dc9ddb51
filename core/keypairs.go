package core

import (
	"context"
	"errors"
	"sort"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/sshkey"
	"github.com/ec2x/ec2x/core/store"
)

func validKeyName(name string) error {
	if name == "" || len(name) > 255 {
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "Key pair names are 1 to 255 ASCII characters")
	}
	for i := 0; i < len(name); i++ {
		if name[i] < 0x20 || name[i] > 0x7e {
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "Key pair names are printable ASCII characters")
		}
	}
	return nil
}

func keyTags(specs []ec2.TagSpecification) ([]ec2.Tag, error) {
	var tags []ec2.Tag
	for _, s := range specs {
		if s.ResourceType != "key-pair" {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "'%s' is not a valid taggable resource type for this operation.", s.ResourceType)
		}
		tags = append(tags, s.Tags...)
	}
	return mergeTags(nil, tags)
}

// CreateKeyPair makes a key pair and returns its private half once.
func (c *Cloud) CreateKeyPair(ctx context.Context, region string, in *ec2.CreateKeyPairInput) (*ec2.CreateKeyPairOutput, error) {
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
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for KeyType: use rsa or ed25519", in.KeyType)
	}
	// Generate outside the lock: RSA takes tens of milliseconds.
	k, err := sshkey.Generate(kind)
	if err != nil {
		return nil, ec2.Errorf(ec2.CodeInternalError, "generate key: %v", err)
	}
	rec, err := c.addKey(ctx, region, in.KeyName, k, tags, in.DryRun)
	if err != nil {
		return nil, err
	}
	return &ec2.CreateKeyPairOutput{KeyPairId: rec.KeyPairId, KeyName: rec.KeyName, KeyFingerprint: rec.KeyFingerprint,
		KeyMaterial: string(k.PrivatePEM), Tags: rec.Tags}, nil
}

// ImportKeyPair registers the public half of a key the user made.
func (c *Cloud) ImportKeyPair(ctx context.Context, region string, in *ec2.ImportKeyPairInput) (*ec2.ImportKeyPairOutput, error) {
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
			return nil, ec2.Errorf(ec2.CodeInvalidKeyFormat, "Key is not in valid OpenSSH public key format (%v)", err)
		}
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "%v", err)
	}
	rec, err := c.addKey(ctx, region, in.KeyName, k, tags, in.DryRun)
	if err != nil {
		return nil, err
	}
	return &ec2.ImportKeyPairOutput{KeyPairId: rec.KeyPairId, KeyName: rec.KeyName, KeyFingerprint: rec.KeyFingerprint, Tags: rec.Tags}, nil
}

func (c *Cloud) addKey(ctx context.Context, region, name string, k *sshkey.Key, tags []ec2.Tag, dryRun bool) (*keyRecord, error) {
	c.mu.Lock()
	rs, err := c.region(region)
	if err != nil {
		c.mu.Unlock()
		return nil, err
	}
	if _, dup := rs.keys[name]; dup {
		c.mu.Unlock()
		return nil, ec2.Errorf(ec2.CodeInvalidKeyPairDuplicate, "The keypair '%s' already exists.", name)
	}
	if dryRun {
		c.mu.Unlock()
		return nil, ec2.Errorf(ec2.CodeDryRunOperation, "Request would have succeeded, but DryRun flag is set.")
	}
	rec := &keyRecord{Region: region, KeyPairInfo: ec2.KeyPairInfo{
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
func (c *Cloud) DescribeKeyPairs(ctx context.Context, region string, in *ec2.DescribeKeyPairsInput) (*ec2.DescribeKeyPairsOutput, error) {
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
			return nil, ec2.Errorf(ec2.CodeInvalidKeyPairNotFound, "The key pair '%s' does not exist", n)
		}
		recs = append(recs, k)
	}
	for _, id := range in.KeyPairIds {
		k := keyByID(rs, id)
		if k == nil {
			return nil, ec2.Errorf(ec2.CodeInvalidKeyPairNotFound, "The key pair '%s' does not exist", id)
		}
		recs = append(recs, k)
	}
	if len(in.KeyNames) == 0 && len(in.KeyPairIds) == 0 {
		for _, k := range rs.keys {
			recs = append(recs, k)
		}
	}
	out := &ec2.DescribeKeyPairsOutput{KeyPairs: make([]ec2.KeyPairInfo, 0, len(recs))}
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
func (c *Cloud) DeleteKeyPair(ctx context.Context, region string, in *ec2.DeleteKeyPairInput) (*ec2.Empty, error) {
	if in.KeyName == "" && in.KeyPairId == "" {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter KeyName or KeyPairId")
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
		return nil, ec2.Errorf(ec2.CodeDryRunOperation, "Request would have succeeded, but DryRun flag is set.")
	}
	if k == nil {
		c.mu.Unlock()
		return &ec2.Empty{Return: true}, nil
	}
	delete(rs.keys, k.KeyName)
	b := store.NewBatch()
	b.Delete(store.KeyPairKey(region, k.KeyName))
	wait := c.commitLocked(ctx, b)
	c.mu.Unlock()
	if err := wait(); err != nil {
		return nil, err
	}
	return &ec2.Empty{Return: true}, nil
}
