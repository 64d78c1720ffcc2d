// Buggy on purpose: each goroutine calls wg.Add itself, so Wait can return before any
// work is done. Run: go run ./ch04/wg-add-inside -trials 1000
package main

import (
	"flag"
	"fmt"
	"sync"
	"sync/atomic"
)

// ANCHOR: show
func run(finished *atomic.Int32) {
	var wg sync.WaitGroup
	for i := 0; i < 10; i++ {
		go func() {
			wg.Add(1) // too late: Wait may already have returned
			defer wg.Done()
			finished.Add(1) // work
		}()
	}
	wg.Wait()
}

// ANCHOR_END: show

func main() {
	trials := flag.Int("trials", 1, "how many times to run the loop")
	flag.Parse()
	early := 0
	for t := 0; t < *trials; t++ {
		var finished atomic.Int32
		run(&finished)
		if finished.Load() < 10 { // Wait returned with work still to come
			early++
		}
	}
	fmt.Printf("%d of %d\n", early, *trials)
}
