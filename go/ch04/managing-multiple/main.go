// Three different jobs, one WaitGroup. Run: go run ./ch04/managing-multiple
package main

import (
	"fmt"
	"sync"
)

func fetchData(wg *sync.WaitGroup)      { defer wg.Done() }
func processImages(wg *sync.WaitGroup)  { defer wg.Done() }
func updateDatabase(wg *sync.WaitGroup) { defer wg.Done() }

// ANCHOR: show
func main() {
	var wg sync.WaitGroup
	wg.Add(1)
	go fetchData(&wg)
	wg.Add(1)
	go processImages(&wg)
	wg.Add(1)
	go updateDatabase(&wg)
	wg.Wait()
	fmt.Println("All tasks completed")
}

// ANCHOR_END: show
