// Five workers and a WaitGroup, Add called before each go statement.
// Built only: the workers print in any order, after a second's sleep.
package main

import (
	"fmt"
	"sync"
	"time"
)

// ANCHOR: show
func main() {
	var wg sync.WaitGroup
	for i := 1; i <= 5; i++ {
		wg.Add(1) // before starting the goroutine
		go worker(i, &wg)
	}
	wg.Wait()
	fmt.Println("All workers done")
}

func worker(id int, wg *sync.WaitGroup) {
	defer wg.Done()
	fmt.Printf("Worker %d starting\n", id)
	time.Sleep(time.Second)
	fmt.Printf("Worker %d done\n", id)
}

// ANCHOR_END: show
