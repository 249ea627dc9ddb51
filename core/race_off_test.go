//go:build !race

package core

// raceEnabled is true under -race, where every memory access costs ten
// times more: the property tests make fewer steps.
const raceEnabled = false
