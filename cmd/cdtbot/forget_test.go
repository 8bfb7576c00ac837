package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cdtbot/cdtbot/store"
)

func TestForgetCommandOnFileAndThroughServer(t *testing.T) {
	const (
		hung = "1100000000000000001" // leader of TA-T1
		mai  = "1100000000000000002" // deputy of TA-T1
		lan  = "2200000000000000001" // a member who joined by chat
	)
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "cdtbot.db")
	env := map[string]string{"CDTBOT_DB": dbPath, "CDTBOT_ADDR": "127.0.0.1:0", "CDTBOT_ADMIN_TOKEN": "tok"}
	ctx := context.Background()
	if err := run(ctx, []string{"import", "../../testdata/transcripts/tung-anh.json"}, envOf(env), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(dbPath, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *store.Tx) error {
		if err := tx.PutPerson(store.Person{ZaloID: lan, Name: "Lê Thị Lan", Phone: "0983111222", ConsentAt: time.Now(), ConsentVersion: "2026-01"}); err != nil {
			return err
		}
		if err := tx.SetRole("TA-T1", lan, store.RoleMember); err != nil {
			return err
		}
		_, err := tx.SaveReport(store.Report{Team: "TA-T1", Period: "2026-11", FiledBy: mai, Role: store.RoleDeputy, Answers: map[string]string{"households": "12"}})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	forget := func(args ...string) (string, error) {
		t.Helper()
		var out syncBuffer
		err := run(ctx, append([]string{"forget"}, args...), envOf(env), &out, io.Discard)
		return out.String(), err
	}
	// On the file: what was erased, kind by kind; the leader's notice waits in the outbox.
	out, err := forget(lan)
	if err != nil {
		t.Fatalf("forget lan: %v\n%s", err, out)
	}
	for _, want := range []string{"erased the personal data of " + lan + " on the file", "now say erased-", "  person               1", "  roles                1", "1 notice(s) queued"} {
		if !strings.Contains(out, want) {
			t.Errorf("forget lan output lacks %q:\n%s", want, out)
		}
	}
	// Unknown (and now erased) ids: nothing stored, nothing to erase, not an error.
	for _, id := range []string{"3300000000000000001", lan} {
		if out, err := forget("--db", dbPath, id); err != nil || !strings.Contains(out, "nothing is stored about "+id) {
			t.Errorf("forget %s: %v\n%s", id, err, out)
		}
	}
	// A leader: refused, with what to do; nothing erased.
	if _, err := forget(hung); err == nil || !strings.Contains(err.Error(), "refused: "+hung+" is leader of TA-T1") || !strings.Contains(err.Error(), "Nothing was erased") {
		t.Errorf("forget the leader: %v", err)
	}
	for _, args := range [][]string{nil, {lan, "extra"}} {
		if _, err := forget(args...); err == nil || !strings.Contains(err.Error(), "usage: cdtbot forget") {
			t.Errorf("forget %v: %v", args, err)
		}
	}
	if _, err := forget(lan, "--db", filepath.Join(dir, "missing.db")); err == nil || !strings.Contains(err.Error(), "no database") {
		t.Errorf("forget on a missing file: %v", err)
	}
	db, err = store.Open(dbPath, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	db.View(func(tx *store.Tx) error {
		msgs, _ := tx.Outbox()
		if len(msgs) != 1 || msgs[0].To != hung || !strings.Contains(msgs[0].Text, "Một thành viên đã rời") {
			t.Errorf("outbox after forget: %+v", msgs)
		}
		if _, ok, _ := tx.Person(hung); !ok || tx.RoleIn("TA-T1", hung) != store.RoleLeader {
			t.Error("the refused leader lost data")
		}
		return nil
	})
	db.Close()

	// With the server holding the file, the same command goes through its admin API.
	base, _, stop := startServe(t, env)
	defer stop()
	out, err = forget(mai, "--server", base)
	if err != nil {
		t.Fatalf("forget mai through the server: %v\n%s", err, out)
	}
	for _, want := range []string{"through the server at " + base, "  reports              1", "  roles                1"} {
		if !strings.Contains(out, want) {
			t.Errorf("forget mai output lacks %q:\n%s", want, out)
		}
	}
	if _, err := forget("--server", base, hung); err == nil || !strings.Contains(err.Error(), "leader of TA-T1") {
		t.Errorf("forget the leader through the server: %v", err)
	}
	if out, err := forget("--server", base, mai); err != nil || !strings.Contains(out, "nothing is stored") {
		t.Errorf("forget mai again through the server: %v\n%s", err, out)
	}
}

// The forget command on the file leaves none of the person's bytes in it (it compacts after erasing).
func TestForgetLeavesNoBytesInTheFile(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "cdtbot.db")
	env := map[string]string{"CDTBOT_DB": dbPath}
	if err := run(context.Background(), []string{"import", "../../testdata/transcripts/tung-anh.json"}, envOf(env), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(dbPath)
	const name, phone, id = "Võ Thị Hoa", "0912345005", "1100000000000000005" // a member of TA-TL
	if !bytes.Contains(raw, []byte(id)) || !bytes.Contains(raw, []byte(phone)) {
		t.Fatal("the fixture should hold the member's id and phone before the erasure")
	}
	if err := run(context.Background(), []string{"forget", "--db", dbPath, id}, envOf(env), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	raw, _ = os.ReadFile(dbPath)
	for _, n := range []string{name, phone, id} {
		if bytes.Contains(raw, []byte(n)) {
			t.Errorf("%q is still in the file after cdtbot forget", n)
		}
	}
}
