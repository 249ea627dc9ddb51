package catalog

import (
	"slices"
	"strings"
	"time"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/describe"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
)

// Allowed AMIs' criteria, as EC2 documents them: an image is allowed when
// it meets at least one criterion, and meets a criterion when it meets
// every part the criterion sets. The account's own images are always
// allowed: the setting governs public images and those shared with the
// account. Of ec2x's images, the built-in ones are Amazon's (provider
// amazon); the ones the user imported or the account made are its own
// (provider none, or its account ID). None is a Marketplace or AWS Backup
// image, and none has product codes, watermarks or Amazon Inspector scan
// results, so a criterion asking for any of those matches none of them.

// EC2's limits on the criteria.
const (
	maxCriteria       = 10
	maxProviders      = 200
	maxNames          = 50
	maxProductCodes   = 50
	maxWatermarks     = 50
	providerNone      = "none"
	providerAmazon    = "amazon"
	providerMarket    = "aws-marketplace"
	providerBackup    = "aws-backup-vault"
	imageNameChars    = "()[]./-'@_*? "
	severityLabels    = "informational low medium high critical"
	criterionRequired = "An ImageCriterion must set at least one of ImageProviders, ImageNames, MarketplaceProductCodes, CreationDateCondition, DeprecationTimeCondition, ImageWatermarks and ScanResultCondition."
)

// badCriterion is EC2's error for criteria it does not take.
func badCriterion(format string, args ...any) error {
	return ec2.Errorf(ec2.CodeInvalidParameterValue, format, args...)
}

// imageCriteria checks ReplaceImageCriteria's criteria and returns them
// as GetAllowedImagesSettings shows them.
func imageCriteria(in []ec2.ImageCriterionRequest) ([]ec2.ImageCriterion, error) {
	if len(in) > maxCriteria {
		return nil, badCriterion("At most %d ImageCriterion can be specified, not %d.", maxCriteria, len(in))
	}
	out := make([]ec2.ImageCriterion, 0, len(in))
	for _, r := range in {
		if err := checkCriterion(r); err != nil {
			return nil, err
		}
		c := ec2.ImageCriterion{ImageProviders: r.ImageProviders, ImageNames: r.ImageNames, MarketplaceProductCodes: r.MarketplaceProductCodes,
			CreationDateCondition:    (*ec2.CreationDateCondition)(r.CreationDateCondition),
			DeprecationTimeCondition: (*ec2.DeprecationTimeCondition)(r.DeprecationTimeCondition),
			ScanResultCondition:      (*ec2.ScanResultCondition)(r.ScanResultCondition)}
		for _, w := range r.ImageWatermarks {
			c.ImageWatermarks = append(c.ImageWatermarks, ec2.ImageWatermarkFilterResponse(w))
		}
		out = append(out, c)
	}
	return out, nil
}

// checkCriterion applies EC2's documented rules to one criterion.
func checkCriterion(r ec2.ImageCriterionRequest) error {
	if len(r.ImageProviders)+len(r.ImageNames)+len(r.MarketplaceProductCodes)+len(r.ImageWatermarks) == 0 &&
		r.CreationDateCondition == nil && r.DeprecationTimeCondition == nil && r.ScanResultCondition == nil {
		return badCriterion(criterionRequired)
	}
	for _, l := range []struct {
		name   string
		n, max int
	}{{"ImageProviders", len(r.ImageProviders), maxProviders}, {"ImageNames", len(r.ImageNames), maxNames},
		{"MarketplaceProductCodes", len(r.MarketplaceProductCodes), maxProductCodes}, {"ImageWatermarks", len(r.ImageWatermarks), maxWatermarks}} {
		if l.n > l.max {
			return badCriterion("An ImageCriterion can have at most %d %s, not %d.", l.max, l.name, l.n)
		}
	}
	for _, p := range r.ImageProviders {
		switch {
		case p == providerNone && len(r.ImageProviders) > 1:
			return badCriterion("When the image provider none is specified, no other image provider can be specified.")
		case p == providerNone, p == providerAmazon, p == providerMarket, p == providerBackup, accountID(p):
		default:
			return badCriterion("Invalid image provider '%s': use amazon, aws-marketplace, aws-backup-vault, none or a 12-digit account ID.", p)
		}
	}
	for _, n := range r.ImageNames {
		if !validImageName(n) {
			return badCriterion("Invalid image name '%s': 1 to 128 letters, digits, spaces and ( ) [ ] . / - ' @ _ * ? (3 or more with ?).", n)
		}
	}
	for _, code := range r.MarketplaceProductCodes {
		if len(code) < 1 || len(code) > 25 || !alnum(code) {
			return badCriterion("Invalid Marketplace product code '%s': 1 to 25 letters and digits.", code)
		}
	}
	days := []*int{}
	if d := r.CreationDateCondition; d != nil {
		days = append(days, d.MaximumDaysSinceCreated)
	}
	if d := r.DeprecationTimeCondition; d != nil {
		days = append(days, d.MaximumDaysSinceDeprecated)
	}
	for _, w := range r.ImageWatermarks {
		days = append(days, w.MaximumDaysSinceSourceImageCreated, w.MaximumDaysSinceWatermarkCreated)
	}
	if s := r.ScanResultCondition; s != nil {
		if s.MaximumSeverityLabel != "" && !slices.Contains(strings.Fields(severityLabels), s.MaximumSeverityLabel) {
			return badCriterion("Invalid MaximumSeverityLabel '%s': use %s.", s.MaximumSeverityLabel, severityLabels)
		}
		days = append(days, s.MaxDaysSinceLastFindingScan, s.MaxDaysSinceCriticalFixAvailable, s.MaxDaysSinceHighFixAvailable,
			s.MaxDaysSinceMediumFixAvailable, s.MaxDaysSinceLowFixAvailable, s.MaxDaysSinceInformationalFixAvailable)
	}
	for _, d := range days {
		if d != nil && *d < 0 {
			return badCriterion("A number of days in an ImageCriterion cannot be negative (%d).", *d)
		}
	}
	return nil
}

// validImageName applies EC2's rules for a name in a criterion.
func validImageName(n string) bool {
	if len(n) < 1 || len(n) > 128 || (slices.Contains([]byte(n), '?') && len(n) < 3) {
		return false
	}
	for _, c := range n {
		if !alnum(string(c)) && !slices.Contains([]rune(imageNameChars), c) {
			return false
		}
	}
	return true
}

// alnum reports whether s is ASCII letters and digits only.
func alnum(s string) bool {
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// accountID reports whether s is an AWS account ID: 12 digits.
func accountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// allowedBy reports whether criteria allow im at now.
func allowedBy(criteria []ec2.ImageCriterion, im ec2.Image, now time.Time) bool {
	if im.OwnerId == ec2.OwnerID {
		return true
	}
	return slices.ContainsFunc(criteria, func(c ec2.ImageCriterion) bool { return meets(c, im, now) })
}

// meets reports whether im meets every part of criterion c.
func meets(c ec2.ImageCriterion, im ec2.Image, now time.Time) bool {
	switch {
	case len(c.MarketplaceProductCodes) > 0, len(c.ImageWatermarks) > 0, c.ScanResultCondition != nil:
		return false // no image here has any
	case len(c.ImageProviders) > 0 && !slices.ContainsFunc(c.ImageProviders, func(p string) bool { return provides(p, im) }):
		return false
	case len(c.ImageNames) > 0 && !slices.ContainsFunc(c.ImageNames, func(n string) bool { return describe.WildMatch(n, im.Name) }):
		return false
	}
	if d := c.CreationDateCondition; d != nil && d.MaximumDaysSinceCreated != nil {
		made, err := time.Parse(time.RFC3339, im.CreationDate)
		if err != nil || daysSince(made, now) > *d.MaximumDaysSinceCreated {
			return false // an image of unknown age does not meet an age limit
		}
	}
	if d := c.DeprecationTimeCondition; d != nil && d.MaximumDaysSinceDeprecated != nil && im.DeprecationTime != "" {
		dep, err := time.Parse(time.RFC3339, im.DeprecationTime)
		if err == nil && !dep.After(now) && (*d.MaximumDaysSinceDeprecated == 0 || daysSince(dep, now) > *d.MaximumDaysSinceDeprecated) {
			return false
		}
	}
	return true
}

// provides reports whether provider p made im.
func provides(p string, im ec2.Image) bool {
	switch p {
	case providerAmazon:
		return im.ImageOwnerAlias == providerAmazon
	case providerNone:
		return im.OwnerId == ec2.OwnerID
	case providerMarket, providerBackup:
		return false
	}
	return im.OwnerId == p
}

// daysSince is the whole days from t to now.
func daysSince(t, now time.Time) int { return int(now.Sub(t) / (24 * time.Hour)) }

// allowedView applies the region's Allowed AMIs to images described: in
// audit-mode and enabled, each says whether it is allowed; enabled leaves
// out those that are not (EC2: they cannot be discovered).
func (c *Catalog) allowedView(s imageSettings, items []ec2.Image) []ec2.Image {
	if s.Allowed == "" {
		return items
	}
	now := c.rt.Clock().Now()
	kept := items[:0]
	for _, im := range items {
		ok := allowedBy(s.Criteria, im, now)
		im.ImageAllowed = &ok
		if ok || s.Allowed != allowedEnabled {
			kept = append(kept, im)
		}
	}
	return kept
}

// launchAllowed refuses to launch an image Allowed AMIs does not allow
// while enabled. EC2's code for it is not in the SDK's model; an image
// that cannot be discovered is as one that does not exist, so it is
// InvalidAMIID.NotFound, saying why.
func (c *Catalog) launchAllowed(rd state.Reader, name string, img *configs.Image, id string) error {
	s := imageSettingsOf(rd)
	if s.Allowed != allowedEnabled || allowedBy(s.Criteria, c.imageView(name, img, id), c.rt.Clock().Now()) {
		return nil
	}
	return ec2.Errorf(ec2.CodeInvalidAMIIDNotFound, "The image id '[%s]' does not exist or is not allowed by the account's Allowed AMIs settings", id)
}
