// One goroutine per job with a WaitGroup, and the first error out of many goroutines
// through a channel with room for every error. Run: go run ./ch01/key-concepts
package main

import (
	"errors"
	"fmt"
	"strings"
	"sync"
)

func processJob(job string) string { return "processed " + job }

func processItem(item string) error {
	if strings.HasSuffix(item, ".gif") {
		return errors.New("cannot read " + item)
	}
	return nil
}

// ANCHOR: dynamic
func processJobs() []string {
	jobs := []string{"resize.png", "thumbnail.jpg", "a.gif"}
	reports := make([]string, len(jobs))
	var wg sync.WaitGroup
	for i, job := range jobs {
		wg.Add(1)
		go func(i int, job string) {
			defer wg.Done()
			reports[i] = processJob(job) // each goroutine writes its own element
		}(i, job)
	}
	wg.Wait()
	return reports
}

// ANCHOR_END: dynamic

// ANCHOR: errors
func processAll(items []string) error {
	errs := make(chan error, len(items)) // room for every error: no send blocks
	var wg sync.WaitGroup
	for _, item := range items {
		wg.Add(1)
		go func(item string) {
			defer wg.Done()
			if err := processItem(item); err != nil {
				errs <- err
			}
		}(item)
	}
	wg.Wait()
	close(errs)
	return <-errs // the first error sent, or nil if the channel is empty
}

// ANCHOR_END: errors

func main() {
	fmt.Println(strings.Join(processJobs(), ", "))
	fmt.Println(processAll([]string{"a.png", "b.gif"}))
	fmt.Println(processAll([]string{"a.png"}))
}
