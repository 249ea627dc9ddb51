// Package keypair is EC2's key pairs: made here (the private half is shown
// once and never kept) or imported, listed, deleted. It owns the key
// records of every region: key/<region>/<name> in the store.
package keypair

import (
	"context"
	"errors"

	"github.com/ec2x/ec2x/core/actions"
	"github.com/ec2x/ec2x/core/describe"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/sshkey"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/core/tagging"
)

// Record is a stored key pair (never the private half).
type Record struct {
	ec2.KeyPairInfo
	Region string `json:"Region"`
}

// Table keeps key pairs by name.
var Table = state.Table[Record]{Kind: "key", ID: func(k *Record) string { return k.KeyName }}

// Service serves the key pair actions.
type Service struct {
	rt *state.Runtime
}

// New returns the key pair service.
func New(rt *state.Runtime) *Service { return &Service{rt: rt} }

// Load reads every region's key pairs.
func (s *Service) Load(ctx context.Context) error {
	for _, r := range s.rt.Regions() {
		if err := state.Load(ctx, r, Table, nil); err != nil {
			return err
		}
	}
	return nil
}

// Actions are EC2's key pair actions.
func (s *Service) Actions() []actions.Def {
	return []actions.Def{
		actions.New("CreateKeyPair", actions.Public, s.CreateKeyPair),
		actions.New("ImportKeyPair", actions.Public, s.ImportKeyPair),
		actions.New("DescribeKeyPairs", actions.Public, s.DescribeKeyPairs),
		actions.New("DeleteKeyPair", actions.Public, s.DeleteKeyPair),
	}
}

// Tags is the taggable kind of key pairs (key-...).
func (s *Service) Tags() tagging.Kind {
	return tagging.Kind{Prefix: "key-", Type: "key-pair",
		List: tagging.Lister(Table, func(k *Record) string { return k.KeyPairId }, func(k *Record) []ec2.Tag { return k.Tags }),
		Retag: func(tx *state.Tx, id string, f tagging.Retag) error {
			k := ByID(tx, id)
			if k == nil {
				return ec2.Errorf(ec2.CodeInvalidKeyPairNotFound, "The key pair '%s' does not exist", id)
			}
			n := *k
			var err error
			if n.Tags, err = f(k.Tags); err != nil {
				return err
			}
			state.Put(tx, Table, &n)
			return nil
		}}
}

// Get finds a key pair by name (nil: none).
func Get(rd state.Reader, name string) *Record { return state.Get(rd, Table, name) }

// ByID finds a key pair by its key- ID (nil: none).
func ByID(rd state.Reader, id string) *Record {
	var found *Record
	state.Each(rd, Table, func(k *Record) bool {
		if k.KeyPairId == id {
			found = k
			return false
		}
		return true
	})
	return found
}

func validName(name string) error {
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

// CreateKeyPair makes a key pair and returns its private half once.
func (s *Service) CreateKeyPair(ctx context.Context, region string, in *ec2.CreateKeyPairInput) (*ec2.CreateKeyPairOutput, error) {
	if err := validName(in.KeyName); err != nil {
		return nil, err
	}
	tags, err := tagging.FromSpecs(in.TagSpecifications, "key-pair")
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
	if in.KeyFormat != "" && in.KeyFormat != "pem" && in.KeyFormat != "ppk" {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for KeyFormat: use pem or ppk", in.KeyFormat)
	}
	// Generate outside the lock: RSA takes tens of milliseconds.
	k, err := sshkey.Generate(kind)
	if err != nil {
		return nil, ec2.Errorf(ec2.CodeInternalError, "generate key: %v", err)
	}
	material := k.PrivatePEM
	if in.KeyFormat == "ppk" {
		if material, err = k.PPK(in.KeyName); err != nil {
			return nil, ec2.Errorf(ec2.CodeInternalError, "encode key: %v", err)
		}
	}
	rec, err := s.add(ctx, region, in.KeyName, k, tags, in.DryRun)
	if err != nil {
		return nil, err
	}
	return &ec2.CreateKeyPairOutput{KeyPairId: rec.KeyPairId, KeyName: rec.KeyName, KeyFingerprint: rec.KeyFingerprint,
		KeyMaterial: string(material), Tags: rec.Tags}, nil
}

// ImportKeyPair registers the public half of a key the user made.
func (s *Service) ImportKeyPair(ctx context.Context, region string, in *ec2.ImportKeyPairInput) (*ec2.ImportKeyPairOutput, error) {
	if err := validName(in.KeyName); err != nil {
		return nil, err
	}
	tags, err := tagging.FromSpecs(in.TagSpecifications, "key-pair")
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
	rec, err := s.add(ctx, region, in.KeyName, k, tags, in.DryRun)
	if err != nil {
		return nil, err
	}
	return &ec2.ImportKeyPairOutput{KeyPairId: rec.KeyPairId, KeyName: rec.KeyName, KeyFingerprint: rec.KeyFingerprint, Tags: rec.Tags}, nil
}

func (s *Service) add(ctx context.Context, region, name string, k *sshkey.Key, tags []ec2.Tag, dryRun bool) (*Record, error) {
	var rec *Record
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		if Get(tx, name) != nil {
			return ec2.Errorf(ec2.CodeInvalidKeyPairDuplicate, "The keypair '%s' already exists.", name)
		}
		if dryRun {
			return state.DryRun()
		}
		rec = &Record{Region: region, KeyPairInfo: ec2.KeyPairInfo{
			KeyPairId: tx.Region().NewID("key"), KeyName: name, KeyType: k.Type, KeyFingerprint: k.Fingerprint,
			PublicKey: k.PublicKey + " " + name, CreateTime: s.rt.Clock().Now().UTC(), Tags: tags,
		}}
		state.Put(tx, Table, rec)
		return nil
	})
	return rec, err
}

// keySpec is DescribeKeyPairs' filters, by name.
var keySpec = &describe.Spec[*Record]{
	Fields: []describe.Field[*Record]{
		{Name: "key-name", Value: func(k *Record) string { return k.KeyName }},
		{Name: "key-pair-id", Value: func(k *Record) string { return k.KeyPairId }},
		{Name: "fingerprint", Value: func(k *Record) string { return k.KeyFingerprint }},
		{Name: "key-type", Value: func(k *Record) string { return k.KeyType }},
	},
	Tags: func(k *Record) []ec2.Tag { return k.Tags },
	Key:  func(k *describe.Key, r *Record) { k.Str(r.KeyName) },
}

// DescribeKeyPairs lists key pairs by name, ID and filters (all when none given).
func (s *Service) DescribeKeyPairs(ctx context.Context, region string, in *ec2.DescribeKeyPairsInput) (*ec2.DescribeKeyPairsOutput, error) {
	q := describe.Query{Filters: in.Filters, Scope: "DescribeKeyPairs"}
	notFound := func(ref string) error {
		return ec2.Errorf(ec2.CodeInvalidKeyPairNotFound, "The key pair '%s' does not exist", ref)
	}
	out, _, err := state.Describe(s.rt, region, keySpec, q, func(r *state.Region) ([]*Record, error) {
		recs, err := state.Gather(r, Table, in.KeyNames, func(r *state.Region, name string) (*Record, error) {
			if k := Get(r, name); k != nil {
				return k, nil
			}
			return nil, notFound(name)
		})
		if err != nil || len(in.KeyPairIds) == 0 {
			return recs, err
		}
		if len(in.KeyNames) == 0 {
			recs = nil
		}
		for _, id := range in.KeyPairIds {
			k := ByID(r, id)
			if k == nil {
				return nil, notFound(id)
			}
			if !containsKey(recs, k) {
				recs = append(recs, k)
			}
		}
		return recs, nil
	}, func(_ *state.Region, k *Record) ec2.KeyPairInfo {
		info := k.KeyPairInfo
		if !in.IncludePublicKey {
			info.PublicKey = ""
		}
		return info
	})
	if err != nil {
		return nil, err
	}
	return &ec2.DescribeKeyPairsOutput{KeyPairs: out}, nil
}

func containsKey(recs []*Record, k *Record) bool {
	for _, r := range recs {
		if r == k {
			return true
		}
	}
	return false
}

// DeleteKeyPair deletes a key pair. As in EC2, deleting one that does not
// exist succeeds; instances launched with it keep their KeyName.
func (s *Service) DeleteKeyPair(ctx context.Context, region string, in *ec2.DeleteKeyPairInput) (*ec2.Empty, error) {
	if in.KeyName == "" && in.KeyPairId == "" {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter KeyName or KeyPairId")
	}
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		k := Get(tx, in.KeyName)
		if in.KeyPairId != "" {
			k = ByID(tx, in.KeyPairId)
		}
		if in.DryRun {
			return state.DryRun()
		}
		if k != nil {
			state.Delete(tx, Table, k.KeyName)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ec2.Empty{Return: true}, nil
}

// PublicKey is the OpenSSH public key of a key pair, or "".
func PublicKey(rd state.Reader, name string) string {
	if k := Get(rd, name); k != nil {
		return k.PublicKey
	}
	return ""
}
