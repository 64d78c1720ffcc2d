// Buggy on purpose (Go 1.19, or any module whose go.mod says go 1.21 or older): ten
// goroutines share one loop variable. Run: go run ./ch02/loop-capture
package main

import (
	"fmt"
	"sync"
)

// ANCHOR: show
func main() {
	var wg sync.WaitGroup
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fmt.Println(i) // before Go 1.22: often the same value in every goroutine
		}()
	}
	wg.Wait()
}

// ANCHOR_END: show
