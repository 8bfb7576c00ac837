package bot

import "github.com/gin-gonic/gin"

// directoryRoutes registers its part of the admin API (filled in by its issue).
func (b *Bot) directoryRoutes(api *gin.RouterGroup) {}
