// The four patterns of chapter 1 in Go: a worker pool (run: its lines come in any order),
// a bounded channel, a channel used as a semaphore and a worker stopped by a context.
package main

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// ANCHOR: pool
func main() {
	jobs := make(chan int)
	results := make(chan [2]int)
	var wg sync.WaitGroup
	for w := 0; w < 3; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range jobs {
				results <- [2]int{n, n * n}
			}
		}()
	}
	go func() {
		for n := 1; n <= 6; n++ {
			jobs <- n
		}
		close(jobs)
	}()
	go func() { wg.Wait(); close(results) }()
	for r := range results {
		fmt.Printf("%d^2 = %d\n", r[0], r[1])
	}
}

// ANCHOR_END: pool

// ANCHOR: bounded
func serve() {
	requests := make(chan string, 2) // holds two; a third send waits
	go func() {
		defer close(requests)
		for _, r := range []string{"GET /", "GET /about", "POST /login", "GET /logout"} {
			requests <- r
		}
	}()
	for r := range requests {
		fmt.Println("handling", r)
	}
}

// ANCHOR_END: bounded

func download(page int) { time.Sleep(time.Millisecond) }

// ANCHOR: semaphore
func downloadAll() {
	sem := make(chan struct{}, 3)
	var wg sync.WaitGroup
	for page := 1; page <= 10; page++ {
		wg.Add(1)
		go func(page int) { // a parameter: before Go 1.22 the loop shares one page
			defer wg.Done()
			sem <- struct{}{}        // acquire: blocks while three are running
			defer func() { <-sem }() // release
			download(page)
		}(page)
	}
	wg.Wait()
}

// ANCHOR_END: semaphore

// ANCHOR: worker
func worker(ctx context.Context, id int, wg *sync.WaitGroup) {
	defer wg.Done()
	ticker := time.NewTicker(10 * time.Millisecond)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			fmt.Printf("worker %d flushed its buffer and stopped\n", id)
			return
		case <-ticker.C:
			// one unit of periodic work
		}
	}
}

// ANCHOR_END: worker
