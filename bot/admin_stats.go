package bot

import "github.com/gin-gonic/gin"

// statsRoutes registers its part of the admin API (filled in by its issue).
func (b *Bot) statsRoutes(api *gin.RouterGroup) {}
