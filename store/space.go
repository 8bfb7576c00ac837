package store

import (
	"os"
	"sort"

	bolt "go.etcd.io/bbolt"
)

// Space says where the file's bytes go (issue 13): per bucket, its keys and pages.
type Space struct {
	FileBytes int64 `json:"file_bytes"`
	PageSize  int   `json:"page_size"`
	// UnusedBytes is the file not held by any bucket: free pages waiting for reuse, the
	// free list and the two meta pages. A large share means compaction would shrink the file.
	UnusedBytes int64         `json:"unused_bytes"`
	Buckets     []BucketSpace `json:"buckets"`
}

// BucketSpace is one top-level bucket (its nested buckets included).
type BucketSpace struct {
	Name string `json:"name"`
	Keys int    `json:"keys"`
	// UsedBytes is what keys and values occupy; AllocBytes the pages holding them (the rest is half-full pages).
	UsedBytes  int64 `json:"used_bytes"`
	AllocBytes int64 `json:"alloc_bytes"`
}

// Fill is the share of the bucket's pages in use.
func (b BucketSpace) Fill() float64 {
	if b.AllocBytes == 0 {
		return 1
	}
	return float64(b.UsedBytes) / float64(b.AllocBytes)
}

// Space reads the report in one read transaction, largest bucket first. A national file takes seconds
// (every page is visited) and bbolt cannot grow the file meanwhile: an operator's command, not a probe.
func (db *DB) Space() (Space, error) {
	var s Space
	err := db.View(func(tx *Tx) error {
		s.FileBytes = tx.btx.Size()
		if fi, err := os.Stat(db.path); err == nil && fi.Size() > s.FileBytes {
			s.FileBytes = fi.Size() // bbolt grows the file ahead of the pages in use
		}
		s.PageSize = tx.btx.DB().Info().PageSize
		held := int64(0)
		err := tx.btx.ForEach(func(name []byte, b *bolt.Bucket) error {
			st := b.Stats()
			bs := BucketSpace{
				Name:       string(name),
				Keys:       st.KeyN,
				UsedBytes:  int64(st.BranchInuse + st.LeafInuse),
				AllocBytes: int64(st.BranchAlloc + st.LeafAlloc),
			}
			held += bs.AllocBytes
			if bs.AllocBytes == 0 { // a small bucket lives inline, inside the root's page
				bs.UsedBytes = int64(st.InlineBucketInuse)
				bs.AllocBytes = bs.UsedBytes
			}
			s.Buckets = append(s.Buckets, bs)
			return nil
		})
		s.UnusedBytes = max(s.FileBytes-held, 0)
		return err
	})
	sort.SliceStable(s.Buckets, func(i, j int) bool { return s.Buckets[i].AllocBytes > s.Buckets[j].AllocBytes })
	return s, err
}
