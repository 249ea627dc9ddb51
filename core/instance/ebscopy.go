package instance

import (
	"context"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/core/tagging"
)

// CopyVolumes copies a volume, attached or not, into a new volume in its
// zone: its data at this moment, at least its size, its type and
// performance unless the request changes them; encrypted if it is.
func (s *Service) CopyVolumes(ctx context.Context, region string, in *ec2.CopyVolumesInput) (*ec2.CopyVolumesOutput, error) {
	tags, err := tagging.FromSpecs(in.TagSpecifications, "volume")
	if err != nil {
		return nil, err
	}
	if len(in.ClientToken) > 64 {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "The client token must be at most 64 ASCII characters.")
	}
	if in.KmsKeyId != "" && (in.Encrypted == nil || !*in.Encrypted) {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterDependency, "The parameter KmsKeyId requires the parameter Encrypted to be set.")
	}
	var out *ec2.CopyVolumesOutput
	err = s.rt.Update(ctx, region, func(tx *state.Tx) error {
		src, err := s.snapshotable(tx, in.SourceVolumeId)
		if err != nil {
			return err
		}
		if in.ClientToken != "" {
			var done *Volume
			state.Each(tx, Volumes, func(v *Volume) bool {
				if v.ClientToken == in.ClientToken {
					done = v
				}
				return done == nil
			})
			if done != nil {
				out = &ec2.CopyVolumesOutput{Volumes: []ec2.Volume{volumeView(done, attachedTo(tx, done)...)}}
				return dryRun(in.DryRun)
			}
		}
		typ, size := or(in.VolumeType, src.Type), in.Size
		if size == 0 {
			size = src.Size
		}
		if size < src.Size {
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "The size of the copy (%d GiB) must be at least the source volume's (%d GiB).", size, src.Size)
		}
		iops, tput := in.Iops, in.Throughput
		if in.VolumeType == "" {
			iops, tput = or0(iops, src.Iops), or0(tput, src.Throughput)
		}
		create := &ec2.CreateVolumeInput{Size: size, VolumeType: typ, Iops: iops, Throughput: tput, MultiAttachEnabled: in.MultiAttachEnabled}
		if in.MultiAttachEnabled && typ != "io1" && typ != "io2" {
			return ec2.Errorf(ec2.CodeInvalidParameterCombination, "The Multi-Attach feature is supported only for io1 and io2 volumes, not %s.", typ)
		}
		if err := checkNewVolume(create, typ, size); err != nil {
			return err
		}
		if err := dryRun(in.DryRun); err != nil {
			return err
		}
		now := s.clk.Now().UTC()
		v := &Volume{VolumeId: tx.Region().NewID("vol"), Zone: src.Zone, Size: size, Type: typ, Iops: iops, Throughput: tput,
			Encrypted: src.Encrypted || in.Encrypted != nil && *in.Encrypted, KmsKeyId: or(in.KmsKeyId, src.KmsKeyId), CreateTime: now, Tags: tags,
			MultiAttach: in.MultiAttachEnabled, ClientToken: in.ClientToken, State: volCreating, Until: now.Add(volumeCreating)}
		if v.Encrypted && v.KmsKeyId == "" {
			v.KmsKeyId = defaultKmsKey(region)
		}
		putVolume(tx, nil, v, now)
		s.armAfter(tx, v.VolumeId, v.Until)
		out = &ec2.CopyVolumesOutput{Volumes: []ec2.Volume{volumeView(v)}}
		return nil
	})
	return out, err
}
