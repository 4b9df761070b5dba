package diag

// Closest returns the candidate nearest to name by edit distance, or "" when
// none is close enough to be a plausible typo: at most a third of the name's
// length in edits, and at least one. Ties go to the earlier candidate, so the
// answer is as deterministic as the candidate order.
func Closest(name string, candidates []string) string {
	limit := max(1, len([]rune(name))/3)
	best, bestDist := "", limit+1
	for _, c := range candidates {
		if c == name {
			continue
		}
		if d := distance(name, c, limit); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// DidYouMean returns the sentence "did you mean "x"?" for the closest
// candidate, or "".
func DidYouMean(name string, candidates []string) string {
	if c := Closest(name, candidates); c != "" {
		return "did you mean \"" + c + "\"?"
	}
	return ""
}

// distance is the optimal-string-alignment edit distance (Levenshtein plus
// adjacent transpositions, the most common typo), giving up early once the
// distance must exceed limit.
func distance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > limit || -d > limit {
		return limit + 1
	}
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
