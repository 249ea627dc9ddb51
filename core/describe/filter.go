package describe

// Filter keeps the items that pass the plan's filters, in their order:
// for families that gather items from several places before paging.
func (p *Plan[T]) Filter(items []T) []T {
	out := make([]T, 0, len(items))
	for _, x := range items {
		if p.Match(x) {
			out = append(out, x)
		}
	}
	return out
}
