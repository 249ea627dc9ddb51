// Package instances holds the commands on instances: run, ls, show, the
// state changes (start, stop, reboot, terminate), modify, wait, ssh, logs,
// metadata, metrics, top, tag and untag, and EBS volumes (volume).
package instances
