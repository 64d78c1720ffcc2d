// Rate limiting with time.Tick, a semaphore channel, and errors sent back as values.
// Run: go run ./ch04/advanced (the rate limiter is built only: it takes six seconds)
package main

import (
	"fmt"
	"sync"
	"time"
)

// ANCHOR: limiter
func rateLimited() {
	limiter := time.Tick(500 * time.Millisecond)
	for i := 1; i <= 10; i++ {
		<-limiter // wait for permission
		go func(id int) {
			fmt.Printf("Worker %d starting\n", id)
		}(i)
	}
	time.Sleep(6 * time.Second) // wait to see the output
}

// ANCHOR_END: limiter

// ANCHOR: semaphore
func limited() {
	var wg sync.WaitGroup
	semaphore := make(chan struct{}, 3) // at most 3 at once
	for i := 1; i <= 10; i++ {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			semaphore <- struct{}{}        // acquire
			defer func() { <-semaphore }() // release
			// work
		}(i)
	}
	wg.Wait()
}

// ANCHOR_END: semaphore

// ANCHOR: result
type result struct {
	value int
	err   error
}

func process(j int) result {
	if j == 2 {
		return result{err: fmt.Errorf("error processing job %d", j)}
	}
	return result{value: j * j}
}

func collect(results chan result, wg *sync.WaitGroup) {
	go func() {
		wg.Wait()
		close(results) // once every worker is done
	}()
	for r := range results {
		if r.err != nil {
			fmt.Printf("Error: %v\n", r.err)
		} else {
			fmt.Printf("Result: %d\n", r.value)
		}
	}
}

// ANCHOR_END: result

func main() {
	limited()
	results := make(chan result)
	var wg sync.WaitGroup
	for j := 1; j <= 3; j++ {
		wg.Add(1)
		go func(j int) {
			defer wg.Done()
			results <- process(j)
		}(j)
	}
	collect(results, &wg)
}
