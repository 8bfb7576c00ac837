package bot

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

// privacyRoutes registers personal-data access and erasure (Law 91/2025/QH15)
// for requests made in writing; by chat, people use "dữ liệu của tôi" and
// "xóa dữ liệu của tôi" themselves.
func (b *Bot) privacyRoutes(api *gin.RouterGroup) {
	api.GET("/people/:zalo_id", b.personData)
	api.POST("/people/:zalo_id/forget", b.forgetPerson)
}

var privacyIDPattern = regexp.MustCompile(`^[0-9A-Za-z_-]{1,64}$`)

// privacyZaloID reads and checks the :zalo_id parameter, answering 400 when it is not one.
func privacyZaloID(c *gin.Context) (string, bool) {
	id := c.Param("zalo_id")
	if !privacyIDPattern.MatchString(id) {
		web.Fail(c, web.Errorf(http.StatusBadRequest, "bad_zalo_id", "zalo_id must be the numeric Zalo user id"))
		return "", false
	}
	return id, true
}

// personData answers what is stored about a person: 404 unknown_person when nothing is.
func (b *Bot) personData(c *gin.Context) {
	id, ok := privacyZaloID(c)
	if !ok {
		return
	}
	var d store.PersonData
	if err := b.db.View(func(tx *store.Tx) error {
		var err error
		d, err = tx.PersonData(id)
		return err
	}); err != nil {
		web.Fail(c, fmt.Errorf("person data: %w", err))
		return
	}
	if !d.Stored() {
		web.Fail(c, web.Errorf(http.StatusNotFound, "unknown_person", "nothing is stored about this Zalo id"))
		return
	}
	c.JSON(http.StatusOK, d)
}

// forgetPerson erases a person's personal data (?reason=withdraw when consent was
// withdrawn). 404 unknown_person when nothing is stored, 409 hand_over_first for
// a leader, approver or officer. Leaders and approvers who were waiting on the
// person are told in the same transaction; the person is not messaged.
func (b *Bot) forgetPerson(c *gin.Context) {
	id, ok := privacyZaloID(c)
	if !ok {
		return
	}
	reason := "erase"
	if c.Query("reason") == "withdraw" {
		reason = "withdraw"
	}
	var hold store.HandOver
	var er store.Erasure
	var notices int
	err := b.db.Update(func(tx *store.Tx) error {
		var replies []flows.Reply
		var err error
		if er, replies, hold, err = flows.ForgetOnRequest(tx, id, store.EraseOptions{By: "admin-api", Reason: reason}); err != nil {
			return err
		}
		for _, rep := range replies {
			if err := enqueueReply(tx, rep, web.RequestID(c)); err != nil {
				return err
			}
		}
		notices = len(replies)
		return nil
	})
	switch {
	case errors.Is(err, flows.ErrNothingStored):
		web.Fail(c, web.Errorf(http.StatusNotFound, "unknown_person", "nothing is stored about this Zalo id"))
		return
	case errors.Is(err, store.ErrHandOverFirst):
		web.Fail(c, &web.Error{Status: http.StatusConflict, Code: "hand_over_first", Message: "hand the role over first: " + hold.String(),
			Extra: map[string]any{"hand_over": hold}})
		return
	case err != nil:
		web.Fail(c, fmt.Errorf("forget person: %w", err))
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
