package zalo

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzParse checks that Parse never panics, fails only with *ParseError, and
// that a parsed known event always carries what routing and dedupe need.
func FuzzParse(f *testing.F) {
	for _, pattern := range []string{"*.json", "bad/*"} {
		files, err := filepath.Glob(filepath.Join(evtFixtureDir, pattern))
		if err != nil {
			f.Fatal(err)
		}
		if len(files) == 0 {
			f.Fatalf("no seeds for %s", pattern)
		}
		for _, path := range files {
			body, err := os.ReadFile(path)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(body)
		}
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := Parse(body)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Reason == "" {
				t.Fatalf("error %T %v is not a *ParseError with a reason", err, err)
			}
			if ev != nil {
				t.Fatalf("event %+v returned with error", ev)
			}
			return
		}
		if ev == nil || ev.Name == "" {
			t.Fatalf("nil event or empty name: %+v", ev)
		}
		if len(ev.Raw) != len(body) || len(body) > 0 && &ev.Raw[0] != &body[0] {
			t.Fatal("Raw is not the body")
		}
		dk, pk := ev.DedupeKey(), ev.PartitionKey()
		if dk == "" || pk == "" {
			t.Fatalf("empty key: dedupe %q partition %q", dk, pk)
		}
		if !ev.Known {
			if ev.Category != CategoryUnknown {
				t.Fatalf("unknown event with category %v", ev.Category)
			}
			return
		}
		if ev.TimestampRaw == "" || !ev.Timestamp.Equal(time.UnixMilli(ev.TimestampMillis)) {
			t.Fatalf("known event without a usable timestamp: %q", ev.TimestampRaw)
		}
		switch ev.Category {
		case CategoryUserMessage, CategoryAnonymous, CategorySubmitInfo, CategoryFollow, CategoryUnfollow,
			CategoryReceipt, CategoryReaction, CategoryOAEcho, CategoryChatNow:
			if ev.UserID == "" || pk != "u:"+ev.UserID {
				t.Fatalf("user event without user: UserID %q partition %q", ev.UserID, pk)
			}
		case CategoryGroupMessage, CategoryGroupOAEcho, CategoryGroupLifecycle:
			if ev.GroupID == "" || pk != "g:"+ev.GroupID {
				t.Fatalf("group event without group: GroupID %q partition %q", ev.GroupID, pk)
			}
		}
		if !strings.HasPrefix(dk, "m:") && !strings.HasPrefix(dk, "e:") {
			t.Fatalf("known event dedupe key %q", dk)
		}
	})
}
