package bot

import "github.com/gin-gonic/gin"

// privacyRoutes registers its part of the admin API (filled in by its issue).
func (b *Bot) privacyRoutes(api *gin.RouterGroup) {}
