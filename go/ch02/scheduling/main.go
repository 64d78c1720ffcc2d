// GOMAXPROCS and runtime.Gosched. Built only: the lines come in any order.
package main

import (
	"fmt"
	"runtime"
)

// ANCHOR: gomaxprocs
func useAllCPUs() {
	numCPU := runtime.NumCPU()
	runtime.GOMAXPROCS(numCPU) // the default anyway
}

// ANCHOR_END: gomaxprocs

// ANCHOR: gosched
func yielding() {
	for i := 0; i < 10; i++ {
		go func(id int) {
			for j := 0; j < 5; j++ {
				fmt.Printf("goroutine %d: %d\n", id, j)
				runtime.Gosched()
			}
		}(i)
	}
}

// ANCHOR_END: gosched

func main() {
	useAllCPUs()
	yielding()
}
