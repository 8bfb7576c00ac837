package store

import (
	"bytes"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// After an erasure and a compaction, the raw bytes of the file and of a backup taken after it hold
// neither the name, nor the phone, nor the id: freed pages are not copied. Before the compaction
// they still do (so the test can fail).
func TestCompactionLeavesNoTraceOfAnErasedPerson(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cdtbot.db")
	db := openErasureDB(t, path)
	seedErasure(t, db)
	if err := db.Update(func(tx *Tx) error { _, err := tx.ErasePerson(lanID, EraseOptions{By: "test"}); return err }); err != nil {
		t.Fatal(err)
	}
	needles := map[string][]byte{"name": []byte(lanName), "phone": []byte(lanPhone), "id": []byte(lanID)}
	raw := func() []byte {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	found := 0
	for _, n := range needles {
		if bytes.Contains(raw(), n) {
			found++
		}
	}
	if found == 0 {
		t.Fatal("nothing of her in the file even before compaction: the test would prove nothing")
	}
	// Compaction while writers and readers keep working.
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if err := db.Update(func(tx *Tx) error { return tx.SetFlag("busy", time.Now().String()) }); err != nil {
				t.Errorf("a write during compaction: %v", err)
				return
			}
			_ = db.View(func(tx *Tx) error { tx.Flag("busy"); return nil })
		}
	}()
	if err := db.Compact(); err != nil {
		t.Fatal(err)
	}
	close(stop)
	wg.Wait()
	var backup bytes.Buffer
	if _, err := db.WriteBackup(&backup); err != nil {
		t.Fatal(err)
	}
	for what, n := range needles {
		if bytes.Contains(raw(), n) {
			t.Errorf("her %s is still in the file after compaction", what)
		}
		if bytes.Contains(backup.Bytes(), n) {
			t.Errorf("her %s is in a backup taken after compaction", what)
		}
	}
	// The records that stay are all there, and the database goes on working.
	db.View(func(tx *Tx) error {
		if p, ok, _ := tx.Person(leadID); !ok || p.Name != "Nguyễn Văn Hùng" {
			t.Errorf("the leader lost data in the compaction: %+v", p)
		}
		return nil
	})
	if err := db.Update(func(tx *Tx) error { return tx.SetFlag("after", "1") }); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := Open(path, Options{})
	if err != nil {
		t.Fatalf("reopening the compacted file: %v", err)
	}
	defer again.Close()
	again.View(func(tx *Tx) error {
		if tx.Flag("after") != "1" {
			t.Error("a write after compaction was lost")
		}
		return nil
	})
}
