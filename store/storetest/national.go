// Package storetest builds databases for tests and benchmarks.
package storetest

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/cdtbot/cdtbot/store"
	"github.com/cdtbot/cdtbot/store/importer"
)

// teamsSince is when the national world's teams began: every period of the benchmarks expects them.
var teamsSince = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// NationalWorld is the real list of 34 provinces and 3,321 communes with 28 village
// teams under each commune (~93,000 teams, the national count of 2024), each with a leader: the scale
// benchmarks run at. unitsFile is testdata/units/vn-units-2025.json, relative to the caller.
func NationalWorld(b testing.TB, unitsFile string) (*store.DB, int) {
	b.Helper()
	db, err := store.Open(filepath.Join(b.TempDir(), "db"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := importer.ImportFile(db, unitsFile); err != nil {
		b.Fatal(err)
	}
	var communes []store.Unit
	db.View(func(tx *store.Tx) error {
		return tx.AllUnits(func(u store.Unit) error {
			if u.Parent != "" {
				communes = append(communes, u)
			}
			return nil
		})
	})
	teams := 0
	for start := 0; start < len(communes); start += 300 {
		err := db.Update(func(tx *store.Tx) error {
			for _, c := range communes[start:min(start+300, len(communes))] {
				for v := 1; v <= 28; v++ {
					code := fmt.Sprintf("%s.%02d", c.Code, v)
					if err := tx.PutUnit(store.Unit{Code: code, Name: fmt.Sprintf("Thôn %d", v), Level: "thôn", Parent: c.Code}); err != nil {
						return err
					}
					if err := tx.PutTeam(store.Team{Code: "T" + code, Name: "Tổ CNSCĐ thôn " + code, Unit: code, Created: teamsSince}); err != nil {
						return err
					}
					lead := "L" + code
					if err := tx.PutPerson(store.Person{ZaloID: lead, Name: "Tổ trưởng " + code}); err != nil {
						return err
					}
					if err := tx.SetRole("T"+code, lead, store.RoleLeader); err != nil {
						return err
					}
					teams++
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return db, teams
}

// DeliverAll settles every message waiting in the outbox as sent, as the sender would over a morning:
// a benchmark's next run then starts from an empty outbox, as the next morning does.
func DeliverAll(b testing.TB, db *store.DB) {
	b.Helper()
	for {
		n := 0
		err := db.Update(func(tx *store.Tx) error {
			ms, err := tx.Outbox()
			if err != nil {
				return err
			}
			for _, m := range ms {
				if n == 20000 {
					break
				}
				if err := tx.Settle(m.Priority, m.Seq, store.Outcome{Status: store.StatusSent, Channel: store.ChannelCS}); err != nil {
					return err
				}
				n++
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		if n < 20000 {
			return
		}
	}
}

// AddDeputies gives every team of NationalWorld a deputy ("D" + its village's code): on a cutoff's eve
// they are reminded too, doubling the morning.
func AddDeputies(b testing.TB, db *store.DB) {
	b.Helper()
	var codes []string
	db.View(func(tx *store.Tx) error { codes, _ = tx.TeamCodes(); return nil })
	for start := 0; start < len(codes); start += 5000 {
		err := db.Update(func(tx *store.Tx) error {
			for _, code := range codes[start:min(start+5000, len(codes))] {
				dep := "D" + code[1:]
				if err := tx.PutPerson(store.Person{ZaloID: dep, Name: "Tổ phó " + code[1:]}); err != nil {
					return err
				}
				if err := tx.SetRole(code, dep, store.RoleDeputy); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
