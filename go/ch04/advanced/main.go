// Rate limiting with time.Tick, a semaphore channel, and errors sent back as values by a
// pool of three workers. Run: go run ./ch04/advanced (the rate limiter is built only: it
// takes six seconds)
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

func errorsAsValues() {
	jobs := make(chan int, 10)
	results := make(chan result, 10)
	var wg sync.WaitGroup
	for w := 0; w < 3; w++ { // three workers share the jobs
		wg.Add(1)
		go squareJobs(jobs, results, &wg)
	}
	for j := 0; j < 10; j++ {
		jobs <- j
	}
	close(jobs)
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

func squareJobs(jobs <-chan int, results chan<- result, wg *sync.WaitGroup) {
	defer wg.Done()
	for j := range jobs {
		if j%3 == 0 { // some jobs fail: the error travels as a value
			results <- result{err: fmt.Errorf("error processing job %d", j)}
			continue
		}
		time.Sleep(100 * time.Millisecond) // the work
		results <- result{value: j * j}
	}
}

// ANCHOR_END: result

func main() {
	limited()
	errorsAsValues()
}
