// The guide's benchmark of starting goroutines. Run: go test -bench . ./ch03/benchmark
package benchmark

import "testing"

// ANCHOR: show
func BenchmarkGoroutineCreation(b *testing.B) {
	for i := 0; i < b.N; i++ {
		go func() {}()
	}
}

// ANCHOR_END: show
