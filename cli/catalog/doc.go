// Package catalog holds the commands on what there is to launch with:
// regions, zones (azs), instance types, images (and images import), key
// pairs and hosts.
package catalog
