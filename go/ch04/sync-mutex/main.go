// A thousand goroutines increment one counter under a mutex: no update is lost.
// Run: go run ./ch04/sync-mutex
package main

import (
	"fmt"
	"sync"
)

// ANCHOR: show
func main() {
	var counter int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := 0; i < 1000; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			counter++
			mu.Unlock()
		}()
	}
	wg.Wait()
	fmt.Println("Final counter value:", counter)
}

// ANCHOR_END: show
