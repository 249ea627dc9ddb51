package network

import (
	"context"
	"sort"
	"strings"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
)

// ModifyNetworkInterfaceAttribute changes one attribute of an interface,
// as EC2 takes one a call: its security groups (the new set replaces the
// old; an instance's groups are its primary interface's), its
// description, its source/destination check, or whether it is deleted
// with its instance (Attachment.DeleteOnTermination, for the attachment
// it names).
func (s *Service) ModifyNetworkInterfaceAttribute(ctx context.Context, region string, in *ec2.ModifyNetworkInterfaceAttributeInput) (*ec2.Empty, error) {
	if err := oneAttribute(in); err != nil {
		return nil, err
	}
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		e, err := lookupENI(tx, in.NetworkInterfaceId)
		if err != nil {
			return err
		}
		n := e.Clone()
		switch {
		case len(in.Groups) > 0:
			// IDs only, as EC2: a name is a malformed group ID.
			if _, n.Groups, err = s.ResolveGroups(tx, in.Groups, nil); err != nil {
				return err
			}
			if n.Groups, err = s.GroupsForSubnet(tx, s.SubnetByID(tx, n.SubnetId), true, n.Groups); err != nil {
				return err
			}
		case in.Description != nil:
			n.Description = in.Description.Value
		case in.SourceDestCheck != nil:
			n.NoSourceDestCheck = !*in.SourceDestCheck.Value
		case in.Attachment != nil:
			if e.AttachmentId == "" || e.AttachmentId != in.Attachment.AttachmentId {
				return ec2.Errorf(ec2.CodeInvalidAttachmentIDNotFound, "The attachment ID '%s' does not exist for %s", in.Attachment.AttachmentId, e.NetworkInterfaceId)
			}
			n.DeleteOnTermination = *in.Attachment.DeleteOnTermination
		}
		PutInterface(tx, n)
		return dryRun(in.DryRun)
	})
	if err != nil {
		return nil, err
	}
	return &ec2.Empty{Return: true}, nil
}

// oneAttribute checks that in changes exactly one attribute, completely,
// with the errors EC2 gives.
func oneAttribute(in *ec2.ModifyNetworkInterfaceAttributeInput) error {
	var given []string
	if len(in.Groups) > 0 {
		given = append(given, "groupSet")
	}
	if in.Description != nil {
		given = append(given, "description")
	}
	if in.SourceDestCheck != nil {
		given = append(given, "sourceDestCheck")
	}
	if in.Attachment != nil {
		given = append(given, "attachment")
	}
	sort.Strings(given)
	switch {
	case len(given) == 0:
		return ec2.Errorf(ec2.CodeInvalidParameterCombination, "No attributes specified.")
	case len(given) > 1:
		return ec2.Errorf(ec2.CodeInvalidParameterCombination, "Fields for multiple attribute types specified: %s", strings.Join(given, ", "))
	case in.SourceDestCheck != nil && in.SourceDestCheck.Value == nil:
		return ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter SourceDestCheck.Value")
	case in.Attachment != nil && in.Attachment.AttachmentId == "":
		return ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter Attachment.AttachmentId")
	case in.Attachment != nil && in.Attachment.DeleteOnTermination == nil:
		return ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter Attachment.DeleteOnTermination")
	case in.Description != nil && len(in.Description.Value) > 255:
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "Description is limited to 255 characters")
	}
	return nil
}
