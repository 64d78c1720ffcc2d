// Buggy on purpose (Go 1.19, or any module whose go.mod says go 1.21 or older): the five
// goroutines share one loop variable. Run: go run ./ch01/loop-capture
package main

import (
	"fmt"
	"sync"
)

// ANCHOR: show
func main() {
	var wg sync.WaitGroup
	for i := 0; i < 5; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fmt.Println(i) // the one i of the whole loop, read whenever this runs
		}()
	}
	wg.Wait()
}

// ANCHOR_END: show
