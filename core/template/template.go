// Package template is EC2's launch templates: named, numbered versions of
// launch data (RequestLaunchTemplateData) that RunInstances launches from
// with its own parameters on top. It owns two kinds in every region:
// lt/<region>/<lt-id> (a template: its name, default and latest version,
// tags) and ltv/<region>/<lt-id>/<version, 10 digits> (a version's data).
package template

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ec2x/ec2x/core/actions"
	"github.com/ec2x/ec2x/core/catalog"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/core/tagging"
)

// EC2's limits on launch templates.
const (
	DefaultMaxTemplates = 5000
	DefaultMaxVersions  = 10000
)

// createdBy is the principal every template is made by here.
const createdBy = "arn:aws:iam::" + ec2.OwnerID + ":root"

// Record is a stored launch template.
type Record struct {
	ec2.LaunchTemplate
	Region string `json:"Region"`
	// Versions is how many versions exist; NextVersion the number the
	// next one gets (numbers are never reused).
	Versions    int   `json:"Versions"`
	NextVersion int64 `json:"NextVersion"`
	// ClientToken and TokenHash make CreateLaunchTemplate idempotent.
	ClientToken string `json:"ClientToken,omitempty"`
	TokenHash   string `json:"TokenHash,omitempty"`
}

// Version is one stored version of a template, with its data as the
// request gave it (merged over its source version).
type Version struct {
	LaunchTemplateId   string                        `json:"LaunchTemplateId"`
	VersionNumber      int64                         `json:"VersionNumber"`
	VersionDescription string                        `json:"VersionDescription,omitempty"`
	CreateTime         time.Time                     `json:"CreateTime"`
	Data               ec2.RequestLaunchTemplateData `json:"Data"`
	ClientToken        string                        `json:"ClientToken,omitempty"`
	TokenHash          string                        `json:"TokenHash,omitempty"`
}

// The family's tables.
var (
	Table    = state.Table[Record]{Kind: "lt", ID: func(r *Record) string { return r.LaunchTemplateId }}
	Versions = state.Table[Version]{Kind: "ltv", ID: func(v *Version) string { return versionID(v.LaunchTemplateId, v.VersionNumber) }}
)

// versionID is a version's key under its template: the number zero-padded
// so that keys sort by it.
func versionID(id string, n int64) string { return fmt.Sprintf("%s/%010d", id, n) }

// Options configure the service.
type Options struct {
	Catalog *catalog.Catalog
	// MaxTemplates and MaxVersions default to EC2's limits.
	MaxTemplates, MaxVersions int
}

// Service serves the launch template actions.
type Service struct {
	rt   *state.Runtime
	cat  *catalog.Catalog
	maxT int
	maxV int
}

// New returns the launch template service.
func New(rt *state.Runtime, o Options) *Service {
	s := &Service{rt: rt, cat: o.Catalog, maxT: o.MaxTemplates, maxV: o.MaxVersions}
	if s.maxT == 0 {
		s.maxT = DefaultMaxTemplates
	}
	if s.maxV == 0 {
		s.maxV = DefaultMaxVersions
	}
	return s
}

// Load reads every region's templates and versions.
func (s *Service) Load(ctx context.Context) error {
	for _, r := range s.rt.Regions() {
		if err := state.Load(ctx, r, Table, nil); err != nil {
			return err
		}
		if err := state.Load(ctx, r, Versions, nil); err != nil {
			return err
		}
	}
	return nil
}

// Actions are EC2's launch template actions.
func (s *Service) Actions() []actions.Def {
	return []actions.Def{
		actions.New("CreateLaunchTemplate", actions.Public, s.CreateLaunchTemplate),
		actions.New("CreateLaunchTemplateVersion", actions.Public, s.CreateLaunchTemplateVersion),
		actions.New("ModifyLaunchTemplate", actions.Public, s.ModifyLaunchTemplate),
		actions.New("DeleteLaunchTemplate", actions.Public, s.DeleteLaunchTemplate),
		actions.New("DescribeLaunchTemplates", actions.Public, s.DescribeLaunchTemplates),
		actions.New("DescribeLaunchTemplateVersions", actions.Public, s.DescribeLaunchTemplateVersions),
		actions.New("DeleteLaunchTemplateVersions", actions.Public, s.DeleteLaunchTemplateVersions),
		actions.New("GetLaunchTemplateData", actions.Public, s.GetLaunchTemplateData),
	}
}

// Tags is the taggable kind of launch templates (lt-...).
func (s *Service) Tags() tagging.Kind {
	return tagging.Kind{Prefix: "lt-", Type: "launch-template",
		List: tagging.Lister(Table, func(t *Record) string { return t.LaunchTemplateId }, func(t *Record) []ec2.Tag { return t.Tags }),
		Retag: func(tx *state.Tx, id string, f tagging.Retag) error {
			t := state.Get(tx, Table, id)
			if t == nil {
				return notFoundID(id)
			}
			n := *t
			var err error
			if n.Tags, err = f(t.Tags); err != nil {
				return err
			}
			state.Put(tx, Table, &n)
			return nil
		}}
}

// ByName finds a template by name (nil: none).
func ByName(rd state.Reader, name string) *Record {
	var found *Record
	state.Each(rd, Table, func(t *Record) bool {
		if t.LaunchTemplateName == name {
			found = t
			return false
		}
		return true
	})
	return found
}

func notFoundID(id string) error {
	return ec2.Errorf(ec2.CodeInvalidLaunchTemplateIdNotFound, "The specified launch template, with template ID %s, does not exist.", id)
}

func notFoundName(name string) error {
	return ec2.Errorf(ec2.CodeInvalidLaunchTemplateNameNotFound, "The specified launch template, with template name %s, does not exist.", name)
}

// validID reports whether id has the shape of a template ID: "lt-" and 17
// lower-case hex digits.
func validID(id string) bool {
	hex, ok := strings.CutPrefix(id, "lt-")
	if !ok || len(hex) != 17 {
		return false
	}
	for i := 0; i < len(hex); i++ {
		if c := hex[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// validName checks a template name as EC2 does: 3 to 128 of letters,
// digits and ( ) . - / _.
func validName(name string) error {
	ok := len(name) >= 3 && len(name) <= 128
	for i := 0; ok && i < len(name); i++ {
		c := name[i]
		ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("().-/_", c) >= 0
	}
	if !ok {
		return ec2.Errorf(ec2.CodeInvalidLaunchTemplateNameMalformed, "A launch template name must be between 3 and 128 characters, and may contain letters, numbers, and the following characters: - ( ) . / _.'")
	}
	return nil
}

// Find resolves a template by ID or name (exactly one of them), with EC2's
// errors.
func Find(rd state.Reader, id, name string) (*Record, error) {
	switch {
	case id != "" && name != "":
		return nil, ec2.Errorf(ec2.CodeInvalidParameterCombination, "Both a launch template ID and a launch template name were specified; specify one of them.")
	case id != "":
		if !validID(id) {
			return nil, ec2.Errorf(ec2.CodeInvalidLaunchTemplateIdMalformed, "The specified ID for the launch template (%s) is not valid. The ID must be in the form lt-xxxxxxxxxxxxxxxxx.", id)
		}
		if t := state.Get(rd, Table, id); t != nil {
			return t, nil
		}
		return nil, notFoundID(id)
	case name != "":
		if t := ByName(rd, name); t != nil {
			return t, nil
		}
		return nil, notFoundName(name)
	}
	return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter LaunchTemplateName or LaunchTemplateId")
}

// GetVersion finds a version of a template (nil: none).
func GetVersion(rd state.Reader, id string, n int64) *Version {
	return state.Get(rd, Versions, versionID(id, n))
}

// ResolveVersion finds the version a request names: $Latest, $Default, a
// number, or the default version when empty.
func ResolveVersion(rd state.Reader, t *Record, spec string) (*Version, error) {
	n := t.DefaultVersionNumber
	switch spec {
	case "", "$Default":
	case "$Latest":
		n = t.LatestVersionNumber
	default:
		var err error
		if n, err = parseNumber(spec); err != nil {
			return nil, versionNotFound(t, spec)
		}
	}
	if v := GetVersion(rd, t.LaunchTemplateId, n); v != nil {
		return v, nil
	}
	return nil, versionNotFound(t, spec)
}

func versionNotFound(t *Record, spec string) error {
	return ec2.Errorf(ec2.CodeInvalidLaunchTemplateIdVersionNotFound, "Could not find launch template version %s for launch template %s.", spec, t.LaunchTemplateId)
}

func parseNumber(s string) (int64, error) {
	var n int64
	if s == "" || len(s) > 18 {
		return 0, fmt.Errorf("not a version number")
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, fmt.Errorf("not a version number")
		}
		n = n*10 + int64(s[i]-'0')
	}
	if n < 1 {
		return 0, fmt.Errorf("not a version number")
	}
	return n, nil
}
