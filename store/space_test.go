package store

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// The report accounts for the whole file, finds the bucket that holds the bytes, and shows
// freed pages as unused until a compaction gives them back.
func TestSpaceReport(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "cdtbot.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	big := strings.Repeat("x", 1000)
	if err := db.Update(func(tx *Tx) error {
		for i := range 3000 {
			if err := tx.SetFlag(fmt.Sprintf("f%05d", i), big); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	s, err := db.Space()
	if err != nil {
		t.Fatal(err)
	}
	meta := bucketSpace(t, s, string(bucketMeta))
	if s.Buckets[0].Name != string(bucketMeta) || meta.Keys < 3000 || meta.UsedBytes < 3000*1000 || meta.Fill() <= 0 || meta.Fill() > 1 {
		t.Errorf("after 3 MB of flags: first bucket %q, meta %+v", s.Buckets[0].Name, meta)
	}
	var held int64
	for _, b := range s.Buckets {
		held += b.AllocBytes
	}
	if held > s.FileBytes || s.UnusedBytes > s.FileBytes/2 || s.PageSize == 0 {
		t.Errorf("file %d, buckets %d, unused %d: the report does not add up", s.FileBytes, held, s.UnusedBytes)
	}
	if err := db.Update(func(tx *Tx) error {
		for i := range 3000 {
			if err := tx.SetFlag(fmt.Sprintf("f%05d", i), ""); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	after, _ := db.Space()
	if after.UnusedBytes < 3000*1000 || bucketSpace(t, after, string(bucketMeta)).AllocBytes > meta.AllocBytes/10 {
		t.Errorf("after deleting them: unused %d, meta %+v; want the freed pages shown as unused", after.UnusedBytes, bucketSpace(t, after, string(bucketMeta)))
	}
	if err := db.Compact(); err != nil {
		t.Fatal(err)
	}
	compacted, _ := db.Space()
	if compacted.FileBytes >= after.FileBytes/2 {
		t.Errorf("compaction: %d → %d bytes", after.FileBytes, compacted.FileBytes)
	}
}

func bucketSpace(t *testing.T, s Space, name string) BucketSpace {
	t.Helper()
	for _, b := range s.Buckets {
		if b.Name == name {
			return b
		}
	}
	t.Fatalf("no bucket %q in %+v", name, s.Buckets)
	return BucketSpace{}
}
