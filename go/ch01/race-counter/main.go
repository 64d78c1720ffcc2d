// Two goroutines increment one int with no synchronisation (a data race, on purpose),
// and the same with a mutex. Run: go run ./ch01/race-counter -trials 10000
// prints in how many trials the racy version lost an update.
package main

import (
	"flag"
	"fmt"
	"os"
	"sync"
)

// ANCHOR: racy
func racyCount() int {
	counter := 0
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			counter++ // two goroutines write counter with no synchronisation
		}()
	}
	wg.Wait()
	return counter // 2 on almost every run, and a data race on every run
}

// ANCHOR_END: racy

// ANCHOR: locked
func lockedCount() int {
	counter := 0
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			counter++
			mu.Unlock()
		}()
	}
	wg.Wait()
	return counter // always 2
}

// ANCHOR_END: locked

func main() {
	trials := flag.Int("trials", 1, "how many times to run each version")
	flag.Parse()
	lost := 0
	for t := 0; t < *trials; t++ {
		if racyCount() != 2 {
			lost++
		}
		if lockedCount() != 2 {
			fmt.Println("the mutex version lost an update")
			os.Exit(1)
		}
	}
	fmt.Printf("%d of %d\n", lost, *trials)
}
