package snapshot

import (
	"sync"

	"github.com/netfolio/netfolio/portfolio"
	"github.com/netfolio/netfolio/portfolio/store"
)

// recentBytes bounds the figures recent keeps: a few hundred typical users.
const recentBytes = 8 << 20

// recent keeps the figures of the snapshots served last, so that a read whose user's data
// has not changed asks the database for one integer (the data version) instead of copying the
// stored figures out of it: at thousands of requests a second those copies were most of what
// the server allocated, and the garbage collector's work showed in the tail latency. A kept
// snapshot is served only while the user's data version, the day and the settings are the
// ones it was computed for, so it is never older than the last acknowledged write, on any
// replica.
type recent struct {
	mu    sync.Mutex
	snaps map[int64]store.Snapshot // without the history
	bytes int
}

func newRecent() *recent { return &recent{snaps: map[int64]store.Snapshot{}} }

// get returns the user's kept snapshot if it is the one for version, today and settings.
func (r *recent) get(userID, version int64, today portfolio.Date, settings string) (store.Snapshot, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	snap, ok := r.snaps[userID]
	if !ok || snap.DataVersion != version || snap.AsOf != today || snap.Settings != settings {
		return store.Snapshot{}, false
	}
	return snap, true
}

// put keeps snap's figures (the history is asked for rarely and is larger), making room by
// dropping other users' snapshots, whichever the map hands out first.
func (r *recent) put(snap store.Snapshot) {
	snap.History = nil
	size := len(snap.Figures)
	if size > recentBytes/4 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if old, ok := r.snaps[snap.UserID]; ok {
		r.bytes -= len(old.Figures)
		delete(r.snaps, snap.UserID)
	}
	for id, old := range r.snaps {
		if r.bytes+size <= recentBytes {
			break
		}
		r.bytes -= len(old.Figures)
		delete(r.snaps, id)
	}
	r.snaps[snap.UserID] = snap
	r.bytes += size
}
