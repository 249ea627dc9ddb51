package state

import "github.com/ec2x/ec2x/core/describe"

// Describe answers a Describe* action over one region with the describe
// engine: the query is checked before any lock is taken; gather collects
// the candidates under the region's read lock (all records, or those the
// request names, failing as EC2 does for a missing one); what matches is
// ordered and paged, and view turns each into its answer, still under the
// lock (views read other records). q.Scope is prefixed with the region, so
// a token from one region is refused in another.
func Describe[T, V any](rt *Runtime, region string, spec *describe.Spec[T], q describe.Query,
	gather func(r *Region) ([]T, error), view func(r *Region, x T) V) ([]V, string, error) {
	q.Scope = region + "/" + q.Scope
	plan, err := spec.Compile(q)
	if err != nil {
		return nil, "", err
	}
	r, err := rt.Region(region)
	if err != nil {
		return nil, "", err
	}
	r.RLock()
	defer r.RUnlock()
	items, err := gather(r)
	if err != nil {
		return nil, "", err
	}
	page, next := plan.Page(plan.Filter(items))
	out := make([]V, len(page))
	for i, x := range page {
		out[i] = view(r, x)
	}
	return out, next, nil
}

// Gather lists a table's records, or the ones ids names (in that order)
// through find, which fails as EC2 does for a missing one.
func Gather[T any](r *Region, t Table[T], ids []string, find func(r *Region, id string) (*T, error)) ([]*T, error) {
	if len(ids) == 0 {
		out := make([]*T, 0, len(live(r, t)))
		for _, v := range live(r, t) {
			out = append(out, v)
		}
		return out, nil
	}
	out := make([]*T, 0, len(ids))
	for _, id := range ids {
		v, err := find(r, id)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// Deref is a view that answers a pointer's value, for specs over views.
func Deref[V any](_ *Region, v *V) V { return *v }
