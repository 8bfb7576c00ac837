package web

import (
	"io"
	"net/http"
	"regexp"

	"github.com/gin-gonic/gin"

	"github.com/cdtbot/cdtbot/store"
	"github.com/cdtbot/cdtbot/store/stats"
)

// ExportWriter writes one export of q (stats.WriteCSV, stats.WriteXLSX).
type ExportWriter func(*store.Tx, io.Writer, stats.Query) error

// StreamExport resolves q and streams one export of it from a single read transaction, as the
// backup is. started tells whether the download's headers went out (after that an error can only
// be logged); before, the caller may still answer the error its own way.
func StreamExport(c *gin.Context, db *store.DB, q stats.Query, ext, contentType string, write ExportWriter) (stats.Query, bool, error) {
	body := &lazyBody{c: c, contentType: contentType}
	err := db.View(func(tx *store.Tx) error {
		var err error
		if q, err = stats.Resolve(tx, q); err != nil {
			return err
		}
		body.filename = "bao-cao-" + q.Period.String() + "-" + fileSafe.ReplaceAllString(q.Unit, "_") + "." + ext
		return write(tx, body, q)
	})
	if err == nil && !body.started {
		body.start() // cannot happen (a header row is always written), but never answer nothing
	}
	return q, body.started, err
}

// AuditExport records who took an export: exports carry leaders' names and phones.
func AuditExport(c *gin.Context, db *store.DB, who, ext string, q stats.Query) {
	if err := db.Update(func(tx *store.Tx) error {
		return tx.Audit(store.AuditEntry{Actor: who, Action: "export." + ext, Subject: q.Unit, Detail: q.Period.String()})
	}); err != nil {
		Log(c).Error().Err(err).Msg("export done but its audit entry failed")
	}
}

// fileSafe is what a unit code may not bring into a file name.
var fileSafe = regexp.MustCompile(`[^A-Za-z0-9._-]`)

// lazyBody sends the download's headers with its first byte, so an error
// found before anything is written can still be answered as JSON.
type lazyBody struct {
	c                     *gin.Context
	contentType, filename string
	started               bool
}

func (l *lazyBody) start() {
	l.started = true
	l.c.Header("Content-Type", l.contentType)
	l.c.Header("Content-Disposition", `attachment; filename="`+l.filename+`"`)
	l.c.Status(http.StatusOK)
}

func (l *lazyBody) Write(p []byte) (int, error) {
	if !l.started {
		l.start()
	}
	return l.c.Writer.Write(p)
}
