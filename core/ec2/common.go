package ec2

import "strings"

// OwnerID is the account every resource belongs to (AWS's documentation account).
const OwnerID = "123456789012"

// AmazonOwnerID is the account that owns Amazon's public images (alias
// "amazon"): the images that ship with ec2x.
const AmazonOwnerID = "137112412989"

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

// ValidInstanceID reports whether id has the shape of an instance ID: "i-"
// and 8 or 17 lower-case hex digits.
func ValidInstanceID(id string) bool { return ValidID("i", id) }

// ValidID reports whether id has the shape of an EC2 ID of the kind
// prefix ("i", "sg", "eni-attach"): the prefix, "-", and 8 or 17
// lower-case hex digits. A loop, not a package-level regexp: compiling
// {17} ran at the start of every CLI call.
func ValidID(prefix, id string) bool {
	hex, ok := strings.CutPrefix(id, prefix)
	if !ok {
		return false
	}
	if hex, ok = strings.CutPrefix(hex, "-"); !ok || (len(hex) != 8 && len(hex) != 17) {
		return false
	}
	for i := 0; i < len(hex); i++ {
		if c := hex[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// MalformedID is EC2's error for an ID of the wrong shape, under the
// kind's Malformed code: Invalid id: "sg-x" (expecting "sg-...").
func MalformedID(code, prefix, id string) *Error {
	return Errorf(code, "Invalid id: \"%s\" (expecting \"%s-...\")", id, prefix)
}
