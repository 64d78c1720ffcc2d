// Buggy on purpose: 100 goroutines increment one int with no synchronisation; a
// WaitGroup is added so the total can be read. Run: go run ./ch03/counter-race -trials 1000
package main

import (
	"flag"
	"fmt"
	"sync"
)

// ANCHOR: show
func count() int {
	var counter int
	var wg sync.WaitGroup
	for i := 0; i < 100; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			counter++ // DATA RACE
		}()
	}
	wg.Wait()
	return counter
}

// ANCHOR_END: show

func main() {
	trials := flag.Int("trials", 1, "how many times to count")
	flag.Parse()
	lost := 0
	for t := 0; t < *trials; t++ {
		if count() != 100 {
			lost++
		}
	}
	fmt.Printf("%d of %d\n", lost, *trials)
}
