// Package money holds the commands on what capacity costs: price, spot,
// reserved, bill, cost and the pricing plugins.
package money
