package instance

import (
	"context"
	"time"

	"github.com/ec2x/ec2x/core/describe"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
)

// SnapshotLock is a snapshot's lock: governance (lifted by whoever may)
// or compliance (after its cooling-off period, no one can lift or
// shorten it) until Expires.
type SnapshotLock struct {
	Mode     string    `json:"Mode"`
	Created  time.Time `json:"Created"`
	Start    time.Time `json:"Start"`
	Expires  time.Time `json:"Expires"`
	Duration int       `json:"Duration,omitempty"` // days, when given so
	CoolOff  int       `json:"CoolOff,omitempty"`  // hours
}

// Lock states EC2 names.
const (
	lockGovernance = "governance"
	lockCompliance = "compliance"
	lockCoolOff    = "compliance-cooloff"
	lockExpired    = "expired"
)

// state is the lock's state at now.
func (l *SnapshotLock) state(now time.Time) string {
	switch {
	case !now.Before(l.Expires):
		return lockExpired
	case l.Mode == lockGovernance:
		return lockGovernance
	case now.Before(l.coolOffEnds()):
		return lockCoolOff
	}
	return lockCompliance
}

// coolOffEnds is when a compliance lock's cooling-off period ends.
func (l *SnapshotLock) coolOffEnds() time.Time {
	return l.Created.Add(time.Duration(l.CoolOff) * time.Hour)
}

// held reports whether the lock keeps the snapshot from being deleted.
func (l *SnapshotLock) held(now time.Time) bool { return l != nil && l.state(now) != lockExpired }

// lockView is a lock as EC2 shows it.
func lockView(sn *Snapshot, now time.Time) ec2.LockedSnapshot {
	l := sn.Lock
	out := ec2.LockedSnapshot{SnapshotId: sn.SnapshotId, OwnerId: ec2.OwnerID, LockState: l.state(now), LockDuration: l.Duration, CoolOffPeriod: l.CoolOff}
	created, start, expires := l.Created, l.Start, l.Expires
	out.LockCreatedOn, out.LockDurationStartTime, out.LockExpiresOn = &created, &start, &expires
	if l.CoolOff > 0 {
		ends := l.coolOffEnds()
		out.CoolOffPeriodExpiresOn = &ends
	}
	return out
}

// maxLockDays is the longest lock EC2 takes: 100 years.
const maxLockDays = 36500

// newLock checks LockSnapshot's request and makes the lock it asks for.
func newLock(in *ec2.LockSnapshotInput, now time.Time) (*SnapshotLock, error) {
	l := &SnapshotLock{Mode: in.LockMode, Created: now, Start: now, Duration: in.LockDuration, CoolOff: in.CoolOffPeriod}
	switch {
	case in.LockMode != lockGovernance && in.LockMode != lockCompliance:
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for LockMode: governance or compliance.", in.LockMode)
	case (in.LockDuration == 0) == (in.ExpirationDate == nil):
		return nil, ec2.Errorf(ec2.CodeInvalidParameterCombination, "Give LockDuration or ExpirationDate, one of them.")
	case in.LockDuration < 0 || in.LockDuration > maxLockDays:
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "LockDuration is 1 to %d days.", maxLockDays)
	case in.CoolOffPeriod != 0 && in.LockMode != lockCompliance:
		return nil, ec2.Errorf(ec2.CodeInvalidParameterCombination, "CoolOffPeriod is for compliance mode only.")
	case in.CoolOffPeriod < 0 || in.CoolOffPeriod > 72:
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "CoolOffPeriod is 1 to 72 hours.")
	}
	if in.ExpirationDate != nil {
		l.Expires = in.ExpirationDate.UTC()
		if !l.Expires.After(now) || l.Expires.After(now.AddDate(0, 0, maxLockDays)) {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "ExpirationDate must be in the future, within %d days.", maxLockDays)
		}
	} else {
		l.Expires = now.AddDate(0, 0, in.LockDuration)
	}
	return l, nil
}

// LockSnapshot locks a snapshot (pending or completed) against deletion,
// or changes its lock as the lock's state allows: anything in governance
// mode or a compliance lock's cooling-off period; after it, only a later
// expiry.
func (s *Service) LockSnapshot(ctx context.Context, region string, in *ec2.LockSnapshotInput) (*ec2.LockedSnapshot, error) {
	var out ec2.LockedSnapshot
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		sn, err := findSnapshot(tx, in.SnapshotId)
		if err != nil {
			return err
		}
		now := s.clk.Now().UTC()
		l, err := newLock(in, now)
		if err != nil {
			return err
		}
		if old := sn.Lock; old != nil && old.state(now) == lockCompliance {
			if l.Mode != lockCompliance || l.Expires.Before(old.Expires) {
				return ec2.Errorf(ec2.CodeIncorrectState, "The snapshot %s is locked in compliance mode past its cooling-off period: its lock can only be extended.", sn.SnapshotId)
			}
			l.Created, l.CoolOff = old.Created, old.CoolOff
		}
		if err := dryRun(in.DryRun); err != nil {
			return err
		}
		n := *sn
		n.Lock = l
		state.Put(tx, Snapshots, &n)
		out = lockView(&n, now)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// UnlockSnapshot lifts a governance lock, or a compliance lock in its
// cooling-off period.
func (s *Service) UnlockSnapshot(ctx context.Context, region string, in *ec2.UnlockSnapshotInput) (*ec2.UnlockSnapshotOutput, error) {
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		sn, err := findSnapshot(tx, in.SnapshotId)
		if err != nil {
			return err
		}
		now := s.clk.Now().UTC()
		switch {
		case sn.Lock == nil:
			return ec2.Errorf(ec2.CodeIncorrectState, "The snapshot %s is not locked.", sn.SnapshotId)
		case sn.Lock.state(now) == lockCompliance:
			return ec2.Errorf(ec2.CodeIncorrectState, "The snapshot %s is locked in compliance mode past its cooling-off period and cannot be unlocked.", sn.SnapshotId)
		}
		if err := dryRun(in.DryRun); err != nil {
			return err
		}
		n := *sn
		n.Lock = nil
		state.Put(tx, Snapshots, &n)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ec2.UnlockSnapshotOutput{SnapshotId: in.SnapshotId}, nil
}

// lockSpec is DescribeLockedSnapshots' filters.
var lockSpec = &describe.Spec[ec2.LockedSnapshot]{
	Fields: []describe.Field[ec2.LockedSnapshot]{
		{Name: "lock-state", Value: func(l ec2.LockedSnapshot) string { return l.LockState }},
	},
	Key:    func(k *describe.Key, l ec2.LockedSnapshot) { k.Str(l.SnapshotId) },
	Paging: describe.Paging{Min: 5, Max: 1000, IDsParam: "SnapshotIds"},
}

// DescribeLockedSnapshots lists the snapshots with locks (expired ones too).
func (s *Service) DescribeLockedSnapshots(ctx context.Context, region string, in *ec2.DescribeLockedSnapshotsInput) (*ec2.DescribeLockedSnapshotsOutput, error) {
	now := s.clk.Now().UTC()
	q := describe.Query{Filters: in.Filters, IDs: in.SnapshotIds, MaxResults: in.MaxResults, NextToken: in.NextToken, Scope: "DescribeLockedSnapshots"}
	out, next, err := state.Describe(s.rt, region, lockSpec, q, func(r *state.Region) ([]ec2.LockedSnapshot, error) {
		found, err := state.Gather(r, Snapshots, in.SnapshotIds, func(r *state.Region, id string) (*Snapshot, error) { return findSnapshot(r, id) })
		if err != nil {
			return nil, err
		}
		var items []ec2.LockedSnapshot
		for _, sn := range found {
			if sn.Lock != nil {
				items = append(items, lockView(sn, now))
			}
		}
		return items, nil
	}, func(_ *state.Region, l ec2.LockedSnapshot) ec2.LockedSnapshot { return l })
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []ec2.LockedSnapshot{}
	}
	return &ec2.DescribeLockedSnapshotsOutput{Snapshots: out, NextToken: next}, nil
}
