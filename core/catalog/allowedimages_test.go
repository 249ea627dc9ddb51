package catalog

import (
	"testing"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
)

// Allowed AMIs' criteria decide as EC2 documents: any criterion, each
// part of it; the account's own images always pass; the age limits count
// whole days from the image's creation or deprecation.
func TestAllowedByCriteria(t *testing.T) {
	now := time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)
	days := func(n int) *int { return &n }
	amazon := ec2.Image{Name: "al2023-ami-2023.9-x86_64", OwnerId: ec2.AmazonOwnerID, ImageOwnerAlias: "amazon",
		CreationDate: "2027-02-19T12:00:00.000Z"} // 10 days old
	deprecated := amazon
	deprecated.DeprecationTime = "2027-02-24T12:00:00.000Z" // 5 days ago
	later := amazon
	later.DeprecationTime = "2027-04-01T00:00:00.000Z" // not yet
	shared := ec2.Image{Name: "partner-image", OwnerId: "111122223333", CreationDate: "2027-02-28T00:00:00.000Z"}
	own := ec2.Image{Name: "mine", OwnerId: ec2.OwnerID}

	cases := []struct {
		name     string
		criteria []ec2.ImageCriterion
		im       ec2.Image
		want     bool
	}{
		{"no criteria: only the account's own", nil, amazon, false},
		{"the account's own, whatever the criteria", []ec2.ImageCriterion{{ImageProviders: []string{"amazon"}}}, own, true},
		{"provider amazon", []ec2.ImageCriterion{{ImageProviders: []string{"amazon"}}}, amazon, true},
		{"provider none is the account only", []ec2.ImageCriterion{{ImageProviders: []string{"none"}}}, amazon, false},
		{"an account ID", []ec2.ImageCriterion{{ImageProviders: []string{"111122223333"}}}, shared, true},
		{"another account ID", []ec2.ImageCriterion{{ImageProviders: []string{"444455556666"}}}, shared, false},
		{"Marketplace: none here", []ec2.ImageCriterion{{ImageProviders: []string{"aws-marketplace"}}}, amazon, false},
		{"a name pattern", []ec2.ImageCriterion{{ImageNames: []string{"al2023-*"}}}, amazon, true},
		{"every part must match", []ec2.ImageCriterion{{ImageProviders: []string{"amazon"}, ImageNames: []string{"debian-*"}}}, amazon, false},
		{"any criterion may match", []ec2.ImageCriterion{{ImageNames: []string{"debian-*"}}, {ImageNames: []string{"al2023-?mi-*"}}}, amazon, true},
		{"young enough", []ec2.ImageCriterion{{CreationDateCondition: &ec2.CreationDateCondition{MaximumDaysSinceCreated: days(10)}}}, amazon, true},
		{"too old", []ec2.ImageCriterion{{CreationDateCondition: &ec2.CreationDateCondition{MaximumDaysSinceCreated: days(9)}}}, amazon, false},
		{"not deprecated passes a deprecation limit of 0", []ec2.ImageCriterion{{DeprecationTimeCondition: &ec2.DeprecationTimeCondition{MaximumDaysSinceDeprecated: days(0)}}}, later, true},
		{"deprecated, limit 0", []ec2.ImageCriterion{{DeprecationTimeCondition: &ec2.DeprecationTimeCondition{MaximumDaysSinceDeprecated: days(0)}}}, deprecated, false},
		{"deprecated within the limit", []ec2.ImageCriterion{{DeprecationTimeCondition: &ec2.DeprecationTimeCondition{MaximumDaysSinceDeprecated: days(5)}}}, deprecated, true},
		{"deprecated past the limit", []ec2.ImageCriterion{{DeprecationTimeCondition: &ec2.DeprecationTimeCondition{MaximumDaysSinceDeprecated: days(4)}}}, deprecated, false},
		{"product codes: none here", []ec2.ImageCriterion{{MarketplaceProductCodes: []string{"abc123"}}}, amazon, false},
		{"watermarks: none here", []ec2.ImageCriterion{{ImageWatermarks: []ec2.ImageWatermarkFilterResponse{{WatermarkKey: "k"}}}}, amazon, false},
		{"scan results: none here", []ec2.ImageCriterion{{ScanResultCondition: &ec2.ScanResultCondition{MaximumSeverityLabel: "high"}}}, amazon, false},
	}
	for _, tc := range cases {
		if got := allowedBy(tc.criteria, tc.im, now); got != tc.want {
			t.Errorf("%s: allowed %v, want %v", tc.name, got, tc.want)
		}
	}
}

// The criteria EC2 refuses, and the ones it takes.
func TestImageCriteriaChecked(t *testing.T) {
	neg := -1
	ok := []ec2.ImageCriterionRequest{{ImageProviders: []string{"amazon", "aws-backup-vault", "123456789012"}, ImageNames: []string{"web (prod) 2?"}},
		{ScanResultCondition: &ec2.ScanResultConditionRequest{MaximumSeverityLabel: "critical"}}}
	if got, err := imageCriteria(ok); err != nil || len(got) != 2 || got[1].ScanResultCondition.MaximumSeverityLabel != "critical" {
		t.Errorf("valid criteria: %+v, %v", got, err)
	}
	for name, c := range map[string]ec2.ImageCriterionRequest{
		"empty":                  {},
		"none and another":       {ImageProviders: []string{"none", "123456789012"}},
		"short account":          {ImageProviders: []string{"12345"}},
		"? in a short name":      {ImageNames: []string{"a?"}},
		"a long name":            {ImageNames: []string{string(make([]byte, 129))}},
		"a product code with -":  {MarketplaceProductCodes: []string{"ab-c"}},
		"a negative watermark":   {ImageWatermarks: []ec2.ImageWatermarkFilterRequest{{MaximumDaysSinceWatermarkCreated: &neg}}},
		"an unknown severity":    {ScanResultCondition: &ec2.ScanResultConditionRequest{MaximumSeverityLabel: "severe"}},
		"a negative scan window": {ScanResultCondition: &ec2.ScanResultConditionRequest{MaxDaysSinceLastFindingScan: &neg}},
	} {
		if _, err := imageCriteria([]ec2.ImageCriterionRequest{c}); ec2.CodeOf(err) != ec2.CodeInvalidParameterValue {
			t.Errorf("%s: %v, want InvalidParameterValue", name, err)
		}
	}
}
