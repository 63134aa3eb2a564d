package task

// Spiral walks the matrix clockwise, shrinking the bounds after each side.
func Spiral(m [][]int) []int {
	if len(m) == 0 || len(m[0]) == 0 {
		return []int{}
	}
	top, bottom, left, right := 0, len(m)-1, 0, len(m[0])-1
	out := make([]int, 0, len(m)*len(m[0]))
	for top <= bottom && left <= right {
		for c := left; c <= right; c++ {
			out = append(out, m[top][c])
		}
		for r := top + 1; r <= bottom; r++ {
			out = append(out, m[r][right])
		}
		if top < bottom {
			for c := right - 1; c >= left; c-- {
				out = append(out, m[bottom][c])
			}
		}
		if left < right {
			for r := bottom - 1; r > top; r-- {
				out = append(out, m[r][left])
			}
		}
		top, bottom, left, right = top+1, bottom-1, left+1, right-1
	}
	return out
}
