package store

import (
	"testing"
	"time"
)

// Hashes run in at most cap(hashSlots) at once: with every slot taken, a check waits, and it
// goes on as soon as a slot frees.
func TestHashSlotsBoundConcurrentHashes(t *testing.T) {
	hash, err := HashPassword("a long password")
	if err != nil {
		t.Fatal(err)
	}
	for range cap(hashSlots) {
		hashSlots <- struct{}{}
	}
	done := make(chan bool)
	go func() { done <- CheckPassword(hash, "a long password") }()
	select {
	case <-done:
		t.Fatal("a password was checked while every hash slot was taken")
	case <-time.After(50 * time.Millisecond): // long enough to finish if it did not wait
	}
	<-hashSlots
	if !<-done {
		t.Fatal("the password did not match once it had a slot")
	}
	for range cap(hashSlots) - 1 {
		<-hashSlots
	}
}
