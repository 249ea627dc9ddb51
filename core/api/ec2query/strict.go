package ec2query

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/ec2x/ec2x/core/ec2"
)

// What EC2 refuses of a request before it looks at its meaning. A lenient
// endpoint here would hide the bugs of the very scripts that are tested
// against it: a MaxCount given twice launched 900 instances.

// noDuplicates refuses a parameter given more than once, in the query
// string, the body or across both: the Query protocol numbers repeated
// values (InstanceId.1, InstanceId.2), so a repeated key is a client's bug.
func noDuplicates(form url.Values) error {
	for k, vs := range form {
		if len(vs) > 1 {
			return ec2.Errorf(ec2.CodeInvalidQueryParameter, "The parameter %s is given %d times; each parameter may be given once (number repeated values: %s.1, %s.2, ...)", k, len(vs), k, k)
		}
	}
	return nil
}

// checkParams checks the parameters every request and the action's own
// required ones must have, as the SDK's model has them, and a MaxResults
// that no action takes (0 is not "absent").
func checkParams(action string, form url.Values) error {
	if form.Get("Version") == "" {
		return ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter Version")
	}
	for _, key := range strings.Fields(requiredParams[action]) {
		if !hasParam(form, key) {
			return ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter %s", key)
		}
	}
	if v, ok := form["MaxResults"]; ok {
		if n, err := strconv.Atoi(v[0]); err == nil && n < 1 {
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "Value ( %d ) for parameter maxResults is invalid. Expecting a value greater than 0.", n)
		}
	}
	return nil
}

// hasParam reports whether the form has key, as a value or as a list or
// structure (key.1, key.Name).
func hasParam(form url.Values, key string) bool {
	if _, ok := form[key]; ok {
		return true
	}
	for k := range form {
		if strings.HasPrefix(k, key+".") {
			return true
		}
	}
	return false
}
