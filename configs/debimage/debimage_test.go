package debimage

import "testing"

// TestKey: the cache key is the build's inputs: the same packages in
// another order are the same image, anything else is another.
func TestKey(t *testing.T) {
	base := Spec{Release: "bookworm", Packages: []string{"nginx-light", "curl"}, Mirror: "http://deb.debian.org/debian", SizeGiB: 4}
	cases := []struct {
		name string
		spec Spec
		same bool
	}{
		{"packages in another order", Spec{Release: "bookworm", Packages: []string{"curl", "nginx-light"}, Mirror: base.Mirror, SizeGiB: 4}, true},
		{"another release", Spec{Release: "trixie", Packages: base.Packages, Mirror: base.Mirror, SizeGiB: 4}, false},
		{"another package", Spec{Release: "bookworm", Packages: []string{"curl"}, Mirror: base.Mirror, SizeGiB: 4}, false},
		{"another mirror", Spec{Release: "bookworm", Packages: base.Packages, Mirror: "http://mirror.example/debian", SizeGiB: 4}, false},
		{"another size", Spec{Release: "bookworm", Packages: base.Packages, Mirror: base.Mirror, SizeGiB: 8}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.spec.Key() == base.Key(); got != tc.same {
				t.Errorf("same key = %v, want %v", got, tc.same)
			}
		})
	}
}
