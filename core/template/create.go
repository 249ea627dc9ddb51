package template

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"reflect"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/core/tagging"
)

// CreateLaunchTemplate makes a template and its version 1 (the default).
func (s *Service) CreateLaunchTemplate(ctx context.Context, region string, in *ec2.CreateLaunchTemplateInput) (*ec2.CreateLaunchTemplateOutput, error) {
	if in.LaunchTemplateName == "" {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter LaunchTemplateName")
	}
	if err := validName(in.LaunchTemplateName); err != nil {
		return nil, err
	}
	if err := checkInput(in.LaunchTemplateData, in.VersionDescription); err != nil {
		return nil, err
	}
	if err := s.validateData(region, in.LaunchTemplateData); err != nil {
		return nil, err
	}
	tags, err := tagging.FromSpecs(in.TagSpecifications, "launch-template")
	if err != nil {
		return nil, err
	}
	hash := tokenHash(in)
	var out *Record
	err = s.rt.Update(ctx, region, func(tx *state.Tx) error {
		if in.ClientToken != "" {
			if t := byToken(tx, in.ClientToken); t != nil {
				if t.TokenHash != hash {
					return ec2.Errorf(ec2.CodeIdempotentParameterMismatch, "The client token '%s' was already used with different parameters.", in.ClientToken)
				}
				out = t
				return nil
			}
		}
		if ByName(tx, in.LaunchTemplateName) != nil {
			return ec2.Errorf(ec2.CodeInvalidLaunchTemplateNameAlreadyExists, "Launch template name already in use.")
		}
		if state.Len(tx, Table) >= s.maxT {
			return ec2.Errorf(ec2.CodeLaunchTemplateLimitExceeded, "You've reached the maximum number of launch templates (%d) in this Region.", s.maxT)
		}
		if in.DryRun {
			return state.DryRun()
		}
		now := s.rt.Clock().Now().UTC()
		out = &Record{Region: region, Versions: 1, NextVersion: 2, ClientToken: in.ClientToken, LaunchTemplate: ec2.LaunchTemplate{
			CreateTime: now, CreatedBy: createdBy, DefaultVersionNumber: 1, LatestVersionNumber: 1,
			LaunchTemplateId: tx.Region().NewID("lt"), LaunchTemplateName: in.LaunchTemplateName, Tags: tags,
		}}
		if in.ClientToken != "" {
			out.TokenHash = hash
		}
		if op := in.Operator; op != nil && op.Principal != "" {
			managed := true
			out.Operator = &ec2.OperatorResponse{Managed: &managed, Principal: op.Principal}
		}
		state.Put(tx, Table, out)
		state.Put(tx, Versions, &Version{LaunchTemplateId: out.LaunchTemplateId, VersionNumber: 1,
			VersionDescription: in.VersionDescription, CreateTime: now, Data: *in.LaunchTemplateData})
		return nil
	})
	if err != nil {
		return nil, err
	}
	lt := out.LaunchTemplate
	return &ec2.CreateLaunchTemplateOutput{LaunchTemplate: &lt}, nil
}

// checkInput checks what every new version must have: some data (the
// Query protocol cannot even send an empty structure) and a description
// of at most 255 characters.
func checkInput(d *ec2.RequestLaunchTemplateData, description string) error {
	if d == nil || reflect.ValueOf(*d).IsZero() {
		return ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter LaunchTemplateData")
	}
	if len(description) > 255 {
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "The version description must be at most 255 characters.")
	}
	return nil
}

// tokenHash identifies a request's parameters for ClientToken retries.
func tokenHash(in any) string {
	b, _ := json.Marshal(in)
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func byToken(rd state.Reader, token string) *Record {
	var found *Record
	state.Each(rd, Table, func(t *Record) bool {
		if t.ClientToken == token {
			found = t
			return false
		}
		return true
	})
	return found
}

// CreateLaunchTemplateVersion adds a version: the request's data over its
// source version's, member by member, as EC2 does.
func (s *Service) CreateLaunchTemplateVersion(ctx context.Context, region string, in *ec2.CreateLaunchTemplateVersionInput) (*ec2.CreateLaunchTemplateVersionOutput, error) {
	if err := checkInput(in.LaunchTemplateData, in.VersionDescription); err != nil {
		return nil, err
	}
	hash := tokenHash(in)
	var t *Record
	var v *Version
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		var err error
		if t, err = Find(tx, in.LaunchTemplateId, in.LaunchTemplateName); err != nil {
			return err
		}
		if in.ClientToken != "" {
			if v = versionByToken(tx, t, in.ClientToken); v != nil {
				if v.TokenHash != hash {
					return ec2.Errorf(ec2.CodeIdempotentParameterMismatch, "The client token '%s' was already used with different parameters.", in.ClientToken)
				}
				return nil
			}
		}
		data := *in.LaunchTemplateData
		if in.SourceVersion != "" {
			src, err := ResolveVersion(tx, t, in.SourceVersion)
			if err != nil {
				return err
			}
			if data, err = overlay(src.Data, data); err != nil {
				return err
			}
		}
		if err := s.validateData(region, &data); err != nil {
			return err
		}
		if t.Versions >= s.maxV {
			return ec2.Errorf(ec2.CodeLaunchTemplateVersionLimitExceeded, "You've reached the maximum number of versions (%d) for launch template %s.", s.maxV, t.LaunchTemplateId)
		}
		if in.DryRun {
			return state.DryRun()
		}
		n := *t
		v = &Version{LaunchTemplateId: t.LaunchTemplateId, VersionNumber: t.NextVersion, VersionDescription: in.VersionDescription,
			CreateTime: s.rt.Clock().Now().UTC(), Data: data, ClientToken: in.ClientToken}
		if in.ClientToken != "" {
			v.TokenHash = hash
		}
		n.Versions++
		n.LatestVersionNumber, n.NextVersion = v.VersionNumber, v.VersionNumber+1
		t = &n
		state.Put(tx, Table, t)
		state.Put(tx, Versions, v)
		return nil
	})
	if err != nil {
		return nil, err
	}
	view := versionView(t, v)
	return &ec2.CreateLaunchTemplateVersionOutput{LaunchTemplateVersion: &view}, nil
}

func versionByToken(rd state.Reader, t *Record, token string) *Version {
	for n := int64(1); n < t.NextVersion; n++ {
		if v := GetVersion(rd, t.LaunchTemplateId, n); v != nil && v.ClientToken == token {
			return v
		}
	}
	return nil
}

// overlay puts the members set in top over base's: a member top gives
// replaces base's whole, as EC2 merges a new version over its source.
func overlay(base, top ec2.RequestLaunchTemplateData) (ec2.RequestLaunchTemplateData, error) {
	var m, t map[string]json.RawMessage
	b, _ := json.Marshal(base)
	if err := json.Unmarshal(b, &m); err != nil {
		return base, err
	}
	b, _ = json.Marshal(top)
	if err := json.Unmarshal(b, &t); err != nil {
		return base, err
	}
	for k, v := range t {
		m[k] = v
	}
	var out ec2.RequestLaunchTemplateData
	b, _ = json.Marshal(m)
	err := json.Unmarshal(b, &out)
	return out, err
}

// ModifyLaunchTemplate sets the default version.
func (s *Service) ModifyLaunchTemplate(ctx context.Context, region string, in *ec2.ModifyLaunchTemplateInput) (*ec2.ModifyLaunchTemplateOutput, error) {
	var t *Record
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		var err error
		if t, err = Find(tx, in.LaunchTemplateId, in.LaunchTemplateName); err != nil {
			return err
		}
		if in.DefaultVersion == "" {
			return nil
		}
		v, err := ResolveVersion(tx, t, in.DefaultVersion)
		if err != nil {
			return err
		}
		if in.DryRun {
			return state.DryRun()
		}
		if v.VersionNumber == t.DefaultVersionNumber {
			return nil
		}
		n := *t
		n.DefaultVersionNumber = v.VersionNumber
		t = &n
		state.Put(tx, Table, t)
		return nil
	})
	if err != nil {
		return nil, err
	}
	lt := t.LaunchTemplate
	return &ec2.ModifyLaunchTemplateOutput{LaunchTemplate: &lt}, nil
}

// DeleteLaunchTemplate deletes a template and every version of it.
func (s *Service) DeleteLaunchTemplate(ctx context.Context, region string, in *ec2.DeleteLaunchTemplateInput) (*ec2.DeleteLaunchTemplateOutput, error) {
	var t *Record
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		var err error
		if t, err = Find(tx, in.LaunchTemplateId, in.LaunchTemplateName); err != nil {
			return err
		}
		if in.DryRun {
			return state.DryRun()
		}
		for n := int64(1); n < t.NextVersion; n++ {
			if GetVersion(tx, t.LaunchTemplateId, n) != nil {
				state.Delete(tx, Versions, versionID(t.LaunchTemplateId, n))
			}
		}
		state.Delete(tx, Table, t.LaunchTemplateId)
		return nil
	})
	if err != nil {
		return nil, err
	}
	lt := t.LaunchTemplate
	return &ec2.DeleteLaunchTemplateOutput{LaunchTemplate: &lt}, nil
}
