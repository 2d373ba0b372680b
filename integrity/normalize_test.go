package integrity

import (
	"math/rand"
	"regexp"
	"testing"
)

// refAt finds what the regexp [A-Z]{1,3}[0-9]+ finds, in the same order.
func TestRefAtMatchesRegexp(t *testing.T) {
	re := regexp.MustCompile(`[A-Z]{1,3}[0-9]+`)
	rng := rand.New(rand.NewSource(1))
	const alphabet = "ABCXZ0159(),:_.$ +-"
	for n := 0; n < 20000; n++ {
		b := make([]byte, rng.Intn(24))
		for i := range b {
			b[i] = alphabet[rng.Intn(len(alphabet))]
		}
		s := string(b)
		var got [][]int
		for i, j := refAt(s, 0); i >= 0; i, j = refAt(s, j) {
			got = append(got, []int{i, j})
		}
		want := re.FindAllStringIndex(s, -1)
		if len(got) != len(want) {
			t.Fatalf("%q: %v, regexp %v", s, got, want)
		}
		for k := range got {
			if got[k][0] != want[k][0] || got[k][1] != want[k][1] {
				t.Fatalf("%q: %v, regexp %v", s, got, want)
			}
		}
	}
	for _, c := range [][2]string{{"ROUND(G13+SUM(G14:G24),2)", "ROUND(G15+SUM(G16:G26),2)"}, {"LOG10(A1)", "LOG10(A3)"}, {`IF(A1="B2",1,0)`, `IF(A3="B2",1,0)`}} {
		if got := MapRows(c[0], func(r int) int { return r + 2 }); got != c[1] {
			t.Errorf("MapRows(%q) = %q, want %q", c[0], got, c[1])
		}
	}
}
