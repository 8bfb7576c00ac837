package bot

import "github.com/gin-gonic/gin"

// officerRoutes serves the officer web page (filled in by its issue).
func (b *Bot) officerRoutes(r *gin.Engine) {}
