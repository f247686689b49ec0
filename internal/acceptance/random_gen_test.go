package acceptance

import "testing"

// TestRandomPairDeterministic checks the generator itself: a seed always
// gives the same pair, and pairs differ across seeds.
func TestRandomPairDeterministic(t *testing.T) {
	a1, b1 := randomPair(7)
	a2, b2 := randomPair(7)
	if a1 != a2 || b1 != b2 {
		t.Fatal("randomPair(7) gave two different pairs")
	}
	distinct := map[string]bool{}
	for seed := range uint64(50) {
		from, to := randomPair(seed)
		distinct[from+"\x00"+to] = true
	}
	if len(distinct) < 45 {
		t.Errorf("only %d distinct pairs in 50 seeds", len(distinct))
	}
}
