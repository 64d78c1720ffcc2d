// Our own Go observer: Log sends entries to a buffered channel and a worker batches them
// to a sink. Buggy on purpose: Close closes done, and the worker returns without reading
// what is still buffered. Run: go run ./ch05/observer -trials 1000 (in how many trials
// entries were lost; the draining worker, run as many times, must lose none).
package main

import (
	"flag"
	"fmt"
	"os"
	"sync"
	"time"
)

type Entry struct{ Message string }

// Sink counts the entries written to it.
type Sink struct {
	mu sync.Mutex
	n  int
}

func (s *Sink) Write(batch []*Entry) {
	s.mu.Lock()
	s.n += len(batch)
	s.mu.Unlock()
}

func (s *Sink) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

type Observer struct {
	buffer   chan *Entry
	done     chan struct{}
	sink     *Sink
	mu       sync.Mutex
	closed   bool
	wg       sync.WaitGroup
	draining bool // the fixed version: Close closes buffer, not done
}

func New(sink *Sink, bufferSize int, flushInterval time.Duration, draining bool) *Observer {
	o := &Observer{
		buffer:   make(chan *Entry, bufferSize),
		done:     make(chan struct{}),
		sink:     sink,
		draining: draining,
	}
	o.wg.Add(1)
	if draining {
		go o.drainingWorker(flushInterval)
	} else {
		go o.worker(flushInterval)
	}
	return o
}

// Log queues an entry; it blocks while the buffer is full.
func (o *Observer) Log(e *Entry) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed {
		return fmt.Errorf("observer closed")
	}
	o.buffer <- e
	return nil
}

func (o *Observer) write(batch []*Entry) {
	if len(batch) > 0 {
		o.sink.Write(batch)
	}
}

// ANCHOR: worker
func (o *Observer) worker(flushInterval time.Duration) {
	defer o.wg.Done()
	ticker := time.NewTicker(flushInterval)
	defer ticker.Stop()
	var batch []*Entry
	for {
		select {
		case e := <-o.buffer:
			batch = append(batch, e)
		case <-ticker.C:
			o.write(batch)
			batch = nil
		case <-o.done:
			o.write(batch) // what the worker has already taken from o.buffer...
			return         // ...but not what is still waiting in it
		}
	}
}

// ANCHOR_END: worker

// ANCHOR: draining
func (o *Observer) drainingWorker(flushInterval time.Duration) {
	defer o.wg.Done()
	ticker := time.NewTicker(flushInterval)
	defer ticker.Stop()
	var batch []*Entry
	for {
		select {
		case e, ok := <-o.buffer:
			if !ok { // closed, and every entry sent before has been received
				o.write(batch)
				return
			}
			batch = append(batch, e)
		case <-ticker.C:
			o.write(batch)
			batch = nil
		}
	}
}

// ANCHOR_END: draining

// ANCHOR: close
func (o *Observer) Close() error {
	o.mu.Lock()
	first := !o.closed
	if first {
		o.closed = true
		close(o.done)
	}
	o.mu.Unlock()
	if first {
		o.wg.Wait() // only the first call waits for the worker
	}
	return nil
}

// ANCHOR_END: close

// CloseDraining is Close for the draining worker: it closes buffer under the mutex, so
// no Log can send on a closed channel.
func (o *Observer) CloseDraining() error {
	o.mu.Lock()
	first := !o.closed
	if first {
		o.closed = true
		close(o.buffer)
	}
	o.mu.Unlock()
	if first {
		o.wg.Wait()
	}
	return nil
}

// logThenClose logs 100 entries, closes, and returns how many reached the sink.
func logThenClose(draining bool) int {
	sink := &Sink{}
	o := New(sink, 100, time.Second, draining)
	for i := 0; i < 100; i++ {
		if err := o.Log(&Entry{Message: fmt.Sprint("entry ", i)}); err != nil {
			panic(err)
		}
	}
	if draining {
		o.CloseDraining()
	} else {
		o.Close()
	}
	return sink.Count()
}

func main() {
	trials := flag.Int("trials", 1, "how many times to log 100 entries and close")
	flag.Parse()
	lossy := 0
	for t := 0; t < *trials; t++ {
		if logThenClose(false) < 100 {
			lossy++
		}
		if n := logThenClose(true); n != 100 {
			fmt.Printf("the draining worker wrote %d of 100 entries\n", n)
			os.Exit(1)
		}
	}
	fmt.Printf("%d of %d\n", lossy, *trials)
}
