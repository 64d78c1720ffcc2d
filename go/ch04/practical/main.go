// A concurrent URL fetcher limited by a semaphore, and a server's shutdown sequence.
// Built only: both need the network.
package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"time"
)

// ANCHOR: fetch
func fetchAll(urls []string) {
	var wg sync.WaitGroup
	semaphore := make(chan struct{}, 3)
	results := make(chan string)
	for _, url := range urls {
		wg.Add(1)
		go func(url string) {
			defer wg.Done()
			semaphore <- struct{}{}
			defer func() { <-semaphore }()
			resp, err := http.Get(url)
			if err != nil {
				results <- fmt.Sprintf("Error fetching %s: %v", url, err)
				return
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				results <- fmt.Sprintf("Error reading %s: %v", url, err)
				return
			}
			results <- fmt.Sprintf("Fetched %s: %d bytes", url, len(body))
		}(url)
	}
	go func() { wg.Wait(); close(results) }()
	for result := range results {
		fmt.Println(result)
	}
}

// ANCHOR_END: fetch

// ANCHOR: shutdown
func shutdown(sigChan <-chan os.Signal, cancel context.CancelFunc, server *http.Server, wg *sync.WaitGroup) {
	sig := <-sigChan
	fmt.Println("received", sig)
	cancel() // stops the stats reporter and the background processor
	shutdownCtx, shutdownCancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer shutdownCancel()
	server.Shutdown(shutdownCtx) // waits for requests in flight
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		fmt.Println("gave up waiting for the workers")
	}
}

// ANCHOR_END: shutdown

func main() {
	fetchAll(nil)
	_ = shutdown
}
