// Package pricingwasm will host the WebAssembly pricing modules on wazero;
// see DESIGN.md. Nothing is implemented here yet.
package pricingwasm
