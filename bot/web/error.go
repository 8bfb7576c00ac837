package web

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"
)

// Error is an error whose message is safe to show to the caller: an HTTP status, a stable code
// programs can test, and a message for people. Handlers return one for what the caller did wrong
// or asked for that is not there; every other error is logged in full and shown as "internal error".
type Error struct {
	Status  int
	Code    string
	Message string
	// Extra are more fields of the JSON answer next to "error" and "code" (e.g. the problems of an import).
	Extra map[string]any
}

func (e *Error) Error() string { return e.Message }

// Errorf is an *Error with a formatted message.
func Errorf(status int, code, format string, args ...any) error {
	return &Error{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// internal is what every error that is not an *Error shows.
var internal = &Error{Status: http.StatusInternalServerError, Code: "internal", Message: "internal error"}

// Fail answers err and stops the request: an *Error (anywhere in err's chain) as
// {"error": message, "code": code, extra…} with its status; anything else is logged
// and answered 500 "internal error". A nil err answers that 500 without logging (the caller has).
func Fail(c *gin.Context, err error) {
	var e *Error
	if !errors.As(err, &e) {
		if err != nil {
			Log(c).Error().Err(err).Str("method", c.Request.Method).Str("path", LoggedPath(c.Request.URL.Path)).Msg("request failed")
		}
		e = internal
	}
	body := gin.H{"error": e.Message, "code": e.Code}
	for k, v := range e.Extra {
		body[k] = v
	}
	c.AbortWithStatusJSON(e.Status, body)
}

// Answer writes v as JSON with 200, or fails with err.
func Answer(c *gin.Context, v any, err error) {
	if err != nil {
		Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}
