// Package network holds the commands on the network: Elastic IPs (eip),
// network interfaces (eni), security groups (sg) and subnets.
package network
