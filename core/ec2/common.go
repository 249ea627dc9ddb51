package ec2

import "regexp"

// OwnerID is the account every resource belongs to (AWS's documentation account).
const OwnerID = "123456789012"

// CreateTagsInput is EC2's CreateTags request.
type CreateTagsInput struct {
	Resources []string `json:"Resources"`
	Tags      []Tag    `json:"Tags"`
	DryRun    bool     `json:"DryRun,omitempty"`
}

// DeleteTagsInput is EC2's DeleteTags request; a tag without a value
// deletes the key whatever its value.
type DeleteTagsInput struct {
	Resources []string   `json:"Resources"`
	Tags      []TagMatch `json:"Tags,omitempty"`
	DryRun    bool       `json:"DryRun,omitempty"`
}

// TagMatch is a tag key with an optional value to match.
type TagMatch struct {
	Key   string  `json:"Key"`
	Value *string `json:"Value,omitempty"`
}

var instanceIDRe = regexp.MustCompile(`^i-([0-9a-f]{8}|[0-9a-f]{17})$`)

// ValidInstanceID reports whether id has the shape of an instance ID.
func ValidInstanceID(id string) bool { return instanceIDRe.MatchString(id) }
