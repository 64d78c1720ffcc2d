// Waiting with a WaitGroup: three goroutines fill their own element of a slice (run),
// and a recursive walk that calls Add before each go statement (built only).
package main

import (
	"fmt"
	"sync"
)

// ANCHOR: results
func main() {
	var wg sync.WaitGroup
	results := make([]int, 3)
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			results[id] = (id + 1) * 100 // each goroutine writes its own element
		}(i)
	}
	wg.Wait()
	fmt.Println(results) // [100 200 300]
}

// ANCHOR_END: results

var tree = map[string][]string{"/": {"/a", "/b"}, "/a": {"/a/c"}}

func children(dir string) []string { return tree[dir] }

// ANCHOR: walk
func walk(dir string, wg *sync.WaitGroup, found chan<- string) {
	defer wg.Done()
	found <- dir
	for _, sub := range children(dir) {
		wg.Add(1) // must happen before this goroutine's Done
		go walk(sub, wg, found)
	}
}

// ANCHOR_END: walk
