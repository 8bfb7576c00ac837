package bot

import "github.com/gin-gonic/gin"

// devRoutes serves the sandbox's web chat simulator (filled in by its issue).
func (b *Bot) devRoutes(r *gin.Engine) {}
