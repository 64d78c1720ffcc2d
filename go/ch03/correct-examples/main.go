// The guide's three correct examples: fire and forget, fan out and wait, and a worker
// that stops on a context. Built only.
package main

import (
	"context"
	"log"
	"sync"
)

type Job struct{}

func fetch(url string) string { return url }
func process(job Job)         {}

// ANCHOR: log
func logAsync(message string) {
	go func() {
		log.Println(message)
	}()
}

// ANCHOR_END: log

// ANCHOR: fetch
func fetchAll(urls []string) []string {
	results := make([]string, len(urls))
	var wg sync.WaitGroup
	for i, url := range urls {
		wg.Add(1)
		go func(index int, u string) {
			defer wg.Done()
			results[index] = fetch(u)
		}(i, url) // the guide passes these as parameters to dodge Bug 1
	}
	wg.Wait()
	return results
}

// ANCHOR_END: fetch

// ANCHOR: worker
func startWorker(ctx context.Context, jobs <-chan Job) {
	go func() {
		for {
			select {
			case job := <-jobs:
				process(job)
			case <-ctx.Done():
				return
			}
		}
	}()
}

// ANCHOR_END: worker

func main() {
	logAsync("started")
	_ = fetchAll([]string{"a"})
	startWorker(context.Background(), nil)
}
