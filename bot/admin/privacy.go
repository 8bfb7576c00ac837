package admin

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"

	"github.com/gin-gonic/gin"

	"github.com/cdtbot/cdtbot/bot/web"
	"github.com/cdtbot/cdtbot/flows"
	"github.com/cdtbot/cdtbot/store"
)

// Personal-data access and erasure (Law 91/2025/QH15) for requests made in writing; by chat,
// people use "dữ liệu của tôi" and "xóa dữ liệu của tôi" themselves.

var privacyIDPattern = regexp.MustCompile(`^[0-9A-Za-z_-]{1,64}$`)

// errUnknownPerson answers for a Zalo id nothing is stored about.
var errUnknownPerson = web.Errorf(http.StatusNotFound, "unknown_person", "nothing is stored about this Zalo id")

// privacyZaloID reads and checks the :zalo_id parameter.
func privacyZaloID(c *gin.Context) (string, error) {
	id := c.Param("zalo_id")
	if !privacyIDPattern.MatchString(id) {
		return "", web.Errorf(http.StatusBadRequest, "bad_zalo_id", "zalo_id must be the numeric Zalo user id")
	}
	return id, nil
}

// PersonData is GET /people/:zalo_id: what is stored about a person; 404 unknown_person when nothing is.
func (a *API) PersonData(c *gin.Context) {
	id, err := privacyZaloID(c)
	if err != nil {
		web.Fail(c, err)
		return
	}
	var d store.PersonData
	err = a.db.View(func(tx *store.Tx) error {
		var err error
		if d, err = tx.PersonData(id); err != nil {
			return fmt.Errorf("person data: %w", err)
		}
		if !d.Stored() {
			return errUnknownPerson
		}
		return nil
	})
	web.Answer(c, d, err)
}

// ForgetPerson is POST /people/:zalo_id/forget: it erases a person's personal data (?reason=withdraw
// when consent was withdrawn). 404 unknown_person when nothing is stored, 409 hand_over_first for
// a leader, approver or officer. Leaders and approvers who were waiting on the person are told in
// the same transaction; the person is not messaged.
func (a *API) ForgetPerson(c *gin.Context) {
	id, err := privacyZaloID(c)
	if err != nil {
		web.Fail(c, err)
		return
	}
	reason := "erase"
	if c.Query("reason") == "withdraw" {
		reason = "withdraw"
	}
	var hold store.HandOver
	var er store.Erasure
	var notices int
	a.db.SettleInbox() // their messages acknowledged a moment ago are in the database, to be erased too
	err = a.db.Update(func(tx *store.Tx) error {
		var replies []flows.Reply
		var err error
		if er, replies, hold, err = flows.ForgetOnRequest(tx, id, store.EraseOptions{By: "admin-api", Reason: reason}); err != nil {
			return err
		}
		for _, rep := range replies {
			if err := a.enqueue(tx, rep, web.RequestID(c)); err != nil {
				return err
			}
		}
		notices = len(replies)
		return nil
	})
	switch {
	case errors.Is(err, flows.ErrNothingStored):
		err = errUnknownPerson
	case errors.Is(err, store.ErrHandOverFirst):
		err = &web.Error{Status: http.StatusConflict, Code: "hand_over_first", Message: "hand the role over first: " + hold.String(),
			Extra: map[string]any{"hand_over": hold}}
	case err != nil:
		err = fmt.Errorf("forget person: %w", err)
	}
	if err != nil {
		web.Fail(c, err)
		return
	}
	counts := make(map[string]int, len(store.EraseKinds))
	for _, k := range store.EraseKinds {
		counts[k] = er.Counts[k]
	}
	remaining := er.Remaining
	if remaining == nil {
		remaining = []string{}
	}
	// The log names the token, not the person.
	web.Log(c).Info().Str("token", er.Token).Str("reason", reason).Int("records", er.Total()).Int("notices", notices).Strs("remaining", er.Remaining).Msg("personal data erased via admin API")
	c.JSON(http.StatusOK, gin.H{"zalo_id": id, "token": er.Token, "reason": reason, "erased": counts, "notices": notices, "remaining": remaining})
}
