package intent

import (
	"bufio"
	_ "embed"
	"math"
	"sort"
	"strings"
)

// The backstop is a small multinomial naive Bayes over syllables, syllable pairs and
// letter trigrams, trained at start-up on the labelled corpus. It only speaks when no
// conversation is open and the lexicon found nothing: a paraphrase the lexicon misses
// then still has a chance, and a low-confidence guess stays "none" (the menu).

//go:embed testdata/corpus.tsv
var corpusTSV string

// backstopMin is how sure the backstop must be (posterior of its best intent).
const backstopMin = 0.85

type backstop struct {
	prior map[string]float64            // log P(intent)
	like  map[string]map[string]float64 // log P(feature | intent)
	unk   map[string]float64            // log P(unseen feature | intent)
}

func newBackstop() *backstop {
	counts := map[string]map[string]float64{}
	totals := map[string]float64{}
	docs := map[string]float64{}
	vocab := map[string]bool{}
	n := 0.0
	sc := bufio.NewScanner(strings.NewReader(corpusTSV))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.SplitN(line, "\t", 3)
		if len(parts) != 3 || parts[0] != string(Idle) {
			continue // it answers only where no conversation is open: learn from those
		}
		id := parts[1]
		if counts[id] == nil {
			counts[id] = map[string]float64{}
		}
		for _, f := range features(parts[2]) {
			counts[id][f]++
			totals[id]++
			vocab[f] = true
		}
		docs[id]++
		n++
	}
	const alpha = 0.3
	b := &backstop{prior: map[string]float64{}, like: map[string]map[string]float64{}, unk: map[string]float64{}}
	v := float64(len(vocab))
	for id, c := range counts {
		b.prior[id] = math.Log(docs[id] / n)
		den := totals[id] + alpha*v
		b.like[id] = make(map[string]float64, len(c))
		for f, k := range c {
			b.like[id][f] = math.Log((k + alpha) / den)
		}
		b.unk[id] = math.Log(alpha / den)
	}
	return b
}

// features are the syllables, syllable pairs and letter trigrams of a message.
func features(text string) []string {
	words := tokens(text)
	var out []string
	for i, w := range words {
		if !isFiller(w) {
			out = append(out, "w:"+w)
		}
		if i+1 < len(words) {
			out = append(out, "b:"+w+"_"+words[i+1])
		}
	}
	s := " " + strings.Join(words, " ") + " "
	for i := 0; i+3 <= len(s); i++ {
		out = append(out, "c:"+s[i:i+3])
	}
	return out
}

// guess returns the likeliest intent among allowed (plus none) and its posterior.
func (b *backstop) guess(text string, allowed map[string]bool) (string, float64) {
	fs := features(text)
	type score struct {
		id string
		lp float64
	}
	var scores []score
	for id, prior := range b.prior {
		if id != None && !allowed[id] {
			continue
		}
		lp := prior
		for _, f := range fs {
			if l, ok := b.like[id][f]; ok {
				lp += l
			} else {
				lp += b.unk[id]
			}
		}
		scores = append(scores, score{id, lp})
	}
	if len(scores) == 0 {
		return None, 0
	}
	sort.Slice(scores, func(i, j int) bool { return scores[i].lp > scores[j].lp })
	// posterior of the best: softmax over the candidates
	sum := 0.0
	for _, s := range scores {
		sum += math.Exp(s.lp - scores[0].lp)
	}
	return scores[0].id, 1 / sum
}
