// Package ec2query is the EC2-compatible endpoint: the EC2 Query protocol
// (form-encoded POST or GET, XML answers in EC2's namespace, EC2's error
// body) with SigV4 authentication, over the same action table and core
// types as the daemon's JSON API. Wire names that differ from the JSON
// names come from names_gen.go.
package ec2query

//go:generate go run ./internal/gennames
//go:generate go run ./internal/gencoverage -o ../../../docs/COVERAGE.md
