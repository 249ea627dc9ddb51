// Package ec2 is ec2x's wire vocabulary: the request and response types of
// every action, named and shaped as the AWS SDK's EC2 model names them (so
// that jq recipes written for the AWS CLI work on ec2x's JSON), and EC2's
// error codes. It imports nothing of ec2x: the CLI, the action table, the
// EC2 Query codec and IMDS depend on it alone, never on the domain
// packages that implement the actions.
package ec2
