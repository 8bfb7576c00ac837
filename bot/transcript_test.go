package bot_test

import (
	"testing"
	"time"

	"github.com/cdtbot/cdtbot/bot"
	"github.com/cdtbot/cdtbot/bot/bottest"
	"github.com/cdtbot/cdtbot/flows/transcript"
)

// Transcripts in testdata/transcripts are conversations replayed through the
// real webhook (sandbox mode) and checked against what the bot recorded as sent:
// the language is package flows/transcript's, the world bottest.NewReplayer's.
func TestTranscripts(t *testing.T) {
	transcript.Run(t, "../testdata/transcripts", func(t *testing.T) *transcript.Replayer {
		h := newHarness(t, time.Date(2026, 11, 23, 9, 0, 0, 0, mustLoc(t)), func(c *bot.Config) {
			*c = bot.Config{Sandbox: true, Location: mustLoc(t), AdminToken: "admin-secret", PublicURL: "https://cdtbot.example.vn"}
		})
		return bottest.NewReplayer(t, h.Harness)
	})
}
