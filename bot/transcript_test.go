package bot_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cdtbot/cdtbot/bot"
	"github.com/cdtbot/cdtbot/bot/bottest"
)

// Transcripts in testdata/transcripts are conversations replayed through the
// real webhook (sandbox mode) and checked against what the bot recorded as sent:
// the language is bottest.Replayer's.
func TestTranscripts(t *testing.T) {
	files, _ := filepath.Glob("../testdata/transcripts/*.txt")
	if len(files) == 0 {
		t.Fatal("no transcripts")
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txt"), func(t *testing.T) { replay(t, f) })
	}
}

func replay(t *testing.T, path string) {
	start := time.Date(2026, 11, 23, 9, 0, 0, 0, mustLoc(t))
	h := newHarness(t, start, func(c *bot.Config) {
		*c = bot.Config{Sandbox: true, Location: mustLoc(t), AdminToken: "admin-secret", PublicURL: "https://cdtbot.example.vn"}
	})
	r := bottest.NewReplayer(t, h.Harness)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		where := fmt.Sprintf("%s:%d", filepath.Base(path), line)
		if err := r.Step(text); err != nil {
			t.Fatalf("%s: %v", where, err)
		}
	}
	if err := r.Flush(); err != nil {
		t.Fatalf("%s: end: %v", filepath.Base(path), err)
	}
}
