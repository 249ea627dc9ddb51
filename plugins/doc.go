// Package plugins will manage user pricing modules (install, verify,
// enable); see DESIGN.md. Nothing is implemented here yet.
package plugins
