// Three goroutines and a WaitGroup. Run: go run ./ch01/quick-start
// The six worker lines come in any order; the last line always comes last.
package main

import (
	"fmt"
	"sync"
	"time"
)

// ANCHOR: show
func main() {
	var wg sync.WaitGroup
	for id := 0; id < 3; id++ {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			fmt.Printf("Worker %d starting\n", id)
			time.Sleep(100 * time.Millisecond)
			fmt.Printf("Worker %d done\n", id)
		}(id)
	}
	wg.Wait()
	fmt.Println("All workers finished!")
}

// ANCHOR_END: show
