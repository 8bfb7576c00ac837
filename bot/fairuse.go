package bot

import (
	"sync"
	"time"
)

// Fair use: one person's messages are answered at most fairPerMinute times a minute (1.5% of the account's rate), so a
// flood (a stuck phone, a script) cannot take the account's 4,000 sends a minute from everyone
// else. Past the cap they are told once to slow down, then not answered for fairQuiet.
const (
	fairPerMinute = 60 // no one types a message a second for a minute; a script does
	fairQuiet     = 5 * time.Minute
)

type fairState struct {
	windowStart time.Time
	count       int
	quietUntil  time.Time
}

// fairUse counts each person's messages in memory (a restart forgives everyone).
type fairUse struct {
	mu    sync.Mutex
	users map[string]*fairState
	calls int
}

// allow tells whether user's message at now is answered, and whether to tell them to slow down.
func (f *fairUse) allow(user string, now time.Time) (answer, warn bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.users == nil {
		f.users = map[string]*fairState{}
	}
	if f.calls++; f.calls%4096 == 0 {
		for u, st := range f.users { // forget people quiet for a while
			if now.Sub(st.windowStart) > 2*fairQuiet && now.After(st.quietUntil) {
				delete(f.users, u)
			}
		}
	}
	st := f.users[user]
	if st == nil {
		st = &fairState{windowStart: now}
		f.users[user] = st
	}
	if now.Before(st.quietUntil) {
		return false, false
	}
	if now.Sub(st.windowStart) >= time.Minute {
		st.windowStart, st.count = now, 0
	}
	st.count++
	if st.count > fairPerMinute {
		st.quietUntil = now.Add(fairQuiet)
		st.windowStart, st.count = st.quietUntil, 0
		return false, true
	}
	return true, false
}

// textSlowDown is the one message someone flooding the account gets.
const textSlowDown = "Bạn nhắn nhanh quá, hệ thống tạm dừng trả lời bạn trong 5 phút. Sau đó bạn cứ nhắn lại bình thường nhé."
